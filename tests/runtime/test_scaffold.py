"""dbplan init: scaffold a new project; --adopt an existing Alembic project."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.project import Project
from planner.runtime import (
    MigrationError,
    adopted_releases,
    current_heads,
    release_revisions,
    resolve_target,
)
from planner.runtime.scaffold import adopt_project, init_project
from tests.runtime.conftest import ROOT, logged, revision_source

ALEMBIC = [sys.executable, "-m", "alembic"]


def _project(root: Path, migrations: str) -> Project:
    # built directly: the adopted-release table is read by planner.runtime itself
    return Project(root=root, snapshots_dir=root / "schema_state", migrations_dir=root / migrations)


def test_init_new_directory(tmp_path):
    result = init_project(tmp_path / "app")
    root = tmp_path / "app"
    assert result.written == (
        "schema_state/",
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/",
        "pyproject.toml",
    )
    for name in ("env.py", "script.py.mako"):
        assert (root / "migrations" / name).read_bytes() == (
            ROOT / "migrations" / name
        ).read_bytes()
    assert (root / "migrations" / "versions").is_dir() and (root / "schema_state").is_dir()
    settings = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["dbplan"]
    assert settings == {"snapshots": "schema_state", "migrations": "migrations"}


def test_init_appends_to_existing_pyproject(tmp_path):
    original = '[project]\nname = "app"\n\n[tool.ruff]\nline-length = 99\n'
    (tmp_path / "pyproject.toml").write_text(original)
    init_project(tmp_path, url="postgresql+psycopg://u@h/app")
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(original + "\n[tool.dbplan]\n")
    data = tomllib.loads(text)
    assert data["project"] == {"name": "app"} and data["tool"]["ruff"] == {"line-length": 99}
    assert data["tool"]["dbplan"]["url"] == "postgresql+psycopg://u@h/app"


def test_init_refuses_initialised_project(tmp_path):
    init_project(tmp_path)
    before = (tmp_path / "pyproject.toml").read_bytes()
    with pytest.raises(MigrationError, match=r"already has \[tool.dbplan\]"):
        init_project(tmp_path)
    assert (tmp_path / "pyproject.toml").read_bytes() == before


def test_init_refuses_existing_alembic_project(tmp_path):
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = alembic\n")
    with pytest.raises(MigrationError, match="--adopt"):
        init_project(tmp_path)
    assert not (tmp_path / "pyproject.toml").exists()


def test_init_cli_then_upgrade_works(tmp_path):
    r = CliRunner().invoke(
        cli, ["init", str(tmp_path / "app")], env={"SQLALCHEMY_DATABASE_URI": ""}
    )
    assert r.exit_code == 0, r.output
    root = tmp_path / "app"
    for rev in ("a1", "b2"):
        (root / "migrations" / "versions" / f"{rev}.py").write_text(revision_source(rev))
    r = CliRunner().invoke(cli, ["-C", str(root), "upgrade"], env={"SQLALCHEMY_DATABASE_URI": ""})
    assert r.exit_code == 0, r.output
    assert logged(f"sqlite:///{root / 'dbplan.sqlite'}") == ["a1", "b2"]
    r = CliRunner().invoke(cli, ["init", str(root)])
    assert r.exit_code == 1 and "already has [tool.dbplan]" in r.output


def _legacy(root: Path, url: str, *, toml: bool = False) -> Path:
    """An existing Alembic project (generic template), upgraded to head on ``url``."""
    root.mkdir(parents=True)
    template = "pyproject" if toml else "generic"
    subprocess.run(
        [*ALEMBIC, "init", "-t", template, "alembic"], cwd=root, check=True, capture_output=True
    )
    for rev in ("a1", "b2"):
        (root / "alembic" / "versions" / f"{rev}.py").write_text(
            revision_source(rev).replace("# dbplan:", "# legacy:")
        )
    ini = root / "alembic.ini"
    ini.write_text(ini.read_text().replace("driver://user:pass@localhost/dbname", url))
    subprocess.run([*ALEMBIC, "upgrade", "head"], cwd=root, check=True, capture_output=True)
    return root


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_adopt_existing_alembic_project(tmp_path, db_url):
    root = _legacy(tmp_path / "legacy", db_url)
    before = _digest(root / "alembic")
    result = adopt_project(root, from_db=db_url, release="1.0.0")
    assert (result.release, result.revision, result.migrations) == ("1.0.0", "b2", "alembic")
    assert _digest(root / "alembic") == before  # history untouched
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["dbplan"]
    assert data["migrations"] == "alembic"
    assert data["releases"] == {"1.0.0": "b2"}
    project = _project(root, "alembic")
    assert adopted_releases(project) == {"1.0.0": "b2"}
    assert release_revisions(project)["1.0.0"] == "b2"
    assert resolve_target(project, "1.0.0") == "b2"

    from planner.state.yamlio import load_snapshot

    snap = load_snapshot(root / "schema_state" / "1.0.0.yaml")
    assert snap.release == "1.0.0"
    assert [t.name for t in snap.tables] == ["applied_log", "items"]
    assert snap.table("items").column_names == ("id", "name", "price")
    assert current_heads(db_url) == ("b2",)


def test_adopt_pyproject_configured_alembic(tmp_path, sqlite_db):
    root = tmp_path / "legacy"
    root.mkdir()
    subprocess.run(
        [*ALEMBIC, "init", "-t", "pyproject", "migrations"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    (root / "migrations" / "versions" / "a1.py").write_text(revision_source("a1"))
    ini = root / "alembic.ini"
    ini.write_text(ini.read_text().replace("driver://user:pass@localhost/dbname", sqlite_db))
    subprocess.run([*ALEMBIC, "upgrade", "head"], cwd=root, check=True, capture_output=True)
    result = adopt_project(root, from_db=sqlite_db, release="2.1")
    assert (result.revision, result.migrations) == ("a1", "migrations")
    data = tomllib.loads((root / "pyproject.toml").read_text())
    assert "alembic" in data["tool"] and data["tool"]["dbplan"]["releases"] == {"2.1": "a1"}


def test_adopt_refuses_database_behind_head(tmp_path, sqlite_db):
    root = _legacy(tmp_path / "legacy", sqlite_db)
    subprocess.run([*ALEMBIC, "downgrade", "-1"], cwd=root, check=True, capture_output=True)
    with pytest.raises(MigrationError, match="is at a1, not at the head b2"):
        adopt_project(root, from_db=sqlite_db, release="1.0.0")
    assert not (root / "pyproject.toml").exists()
    assert not (root / "schema_state").exists()


def test_adopt_of_a_never_stamped_database_advises_a_stamp(tmp_path, sqlite_db):
    """A database the application built with create_all has the schema but no revision:
    the advice is a stamp of the head, not an upgrade (which would fail: tables exist)."""
    root = _legacy(tmp_path / "legacy", sqlite_db)
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM alembic_version"))
    engine.dispose()
    with pytest.raises(MigrationError, match=r"has no Alembic revision.*`alembic stamp b2`"):
        adopt_project(root, from_db=sqlite_db, release="1.0.0")
    assert not (root / "pyproject.toml").exists()


def test_adopt_refuses_bad_release_and_missing_environment(tmp_path, sqlite_db):
    with pytest.raises(MigrationError, match="no Alembic environment"):
        adopt_project(tmp_path, from_db=sqlite_db, release="1.0.0")
    root = _legacy(tmp_path / "legacy", sqlite_db)
    with pytest.raises(MigrationError, match="not a PEP 440 version"):
        adopt_project(root, from_db=sqlite_db, release="first")


def test_adopt_cli(tmp_path, sqlite_db):
    root = _legacy(tmp_path / "legacy", sqlite_db)
    r = CliRunner().invoke(cli, ["init", str(root), "--adopt", "--from-db", sqlite_db])
    assert r.exit_code == 2 and "--adopt needs --release" in r.output
    r = CliRunner().invoke(
        cli,
        ["init", str(root), "--adopt", "--from-db", sqlite_db, "--release", "1.0.0"]
        + ["--rows-of", "applied_log"],
    )
    assert r.exit_code == 0, r.output
    assert "release 1.0.0 = revision b2 (2 table(s) captured)" in r.output

    from planner.state.yamlio import load_snapshot

    rows = load_snapshot(root / "schema_state" / "1.0.0.yaml").table("applied_log").rows
    assert [dict(r)["rev"] for r in rows.rows] == ["a1", "b2"]


def test_adopted_project_commands(tmp_path, sqlite_db):
    root = _legacy(tmp_path / "legacy", sqlite_db)
    adopt_project(root, from_db=sqlite_db, release="1.0.0")
    r = CliRunner().invoke(cli, ["-C", str(root), "current", "--url", sqlite_db])
    assert (r.exit_code, r.output) == (0, "b2 (release 1.0.0)\n")
    r = CliRunner().invoke(cli, ["-C", str(root), "downgrade", "-r", "base", "--url", sqlite_db])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["-C", str(root), "upgrade", "-r", "1.0.0", "--url", sqlite_db])
    assert r.exit_code == 0 and r.output.endswith("-> b2 (release 1.0.0)\n"), r.output
