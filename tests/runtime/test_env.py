"""migrations/env.py: URL precedence, plain Alembic without dbplan, the migration lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.project import load_project
from planner.runtime import alembic_config, current_heads, database_url
from tests.runtime.conftest import ROOT, TEMPLATES, logged, write_project

VENV_BIN = Path(sys.executable).parent
DBPLAN = str(VENV_BIN / "dbplan")


def _env(**extra) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLALCHEMY_DATABASE_URI", "PYTHONPATH")
    }
    env.update(extra)
    return env


def test_repository_environment_is_the_template():
    for name in ("env.py", "script.py.mako"):
        assert (ROOT / "migrations" / name).read_bytes() == (TEMPLATES / name).read_bytes()


def test_template_has_no_create_date():
    text = (TEMPLATES / "script.py.mako").read_text()
    assert "create_date" not in text.lower() and "Create Date" not in text
    assert '${upgrades if upgrades else "pass"}' in text


def test_env_imports_only_alembic_sqlalchemy_and_stdlib():
    text = (TEMPLATES / "env.py").read_text()
    assert "planner" not in text.replace("dbplan", "")
    assert "target_metadata = None" in text


def test_url_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    root = write_project(tmp_path / "p", revisions=())
    project = load_project(root)
    assert database_url(project) == f"sqlite:///{root / 'dbplan.sqlite'}"
    (root / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = sqlite:///from_ini.db\n")
    assert database_url(project) == f"sqlite:///{root / 'from_ini.db'}"
    root = write_project(tmp_path / "p", url="sqlite:///conf.db", revisions=())
    project = load_project(root)
    assert database_url(project) == f"sqlite:///{root / 'conf.db'}"
    monkeypatch.setenv("SQLALCHEMY_DATABASE_URI", "sqlite:///env.db")
    assert database_url(project) == "sqlite:///env.db"
    assert database_url(project, "sqlite:///opt.db") == "sqlite:///opt.db"
    cfg = alembic_config(project, "postgresql://u:p%40ss@h/db")
    assert cfg.get_main_option("sqlalchemy.url") == "postgresql://u:p%40ss@h/db"
    assert cfg.get_main_option("script_location") == str(root / "migrations")


def test_env_url_precedence_without_dbplan(tmp_path):
    """Plain `python -m alembic` (no dbplan on the path) picks the URL like dbplan does."""
    root = write_project(tmp_path / "p", url="sqlite:///conf.db")
    ini = root / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    run = [sys.executable, "-m", "alembic", "-c", str(ini)]
    # [tool.dbplan] url (relative to the project)
    subprocess.run([*run, "upgrade", "a1"], check=True, cwd=tmp_path, env=_env())
    assert current_heads(f"sqlite:///{root / 'conf.db'}") == ("a1",)
    # the environment variable beats the setting
    env_db = tmp_path / "env.db"
    subprocess.run(
        [*run, "upgrade", "head"],
        check=True,
        cwd=tmp_path,
        env=_env(SQLALCHEMY_DATABASE_URI=f"sqlite:///{env_db}"),
    )
    assert current_heads(f"sqlite:///{env_db}") == ("c3",)
    # -x url= beats everything
    x_db = tmp_path / "x.db"
    subprocess.run(
        [*run, "-x", f"url=sqlite:///{x_db}", "upgrade", "b2"],
        check=True,
        cwd=tmp_path,
        env=_env(SQLALCHEMY_DATABASE_URI=f"sqlite:///{env_db}"),
    )
    assert current_heads(f"sqlite:///{x_db}") == ("b2",)
    # without any setting: dbplan.sqlite beside pyproject.toml
    (root / "pyproject.toml").write_text("[tool.dbplan]\n")
    subprocess.run([*run, "upgrade", "a1"], check=True, cwd=tmp_path, env=_env())
    assert current_heads(f"sqlite:///{root / 'dbplan.sqlite'}") == ("a1",)


def test_env_runs_with_python_isolated_from_dbplan(tmp_path):
    """env.py does not import planner: run Alembic with the package made unimportable."""
    root = write_project(tmp_path / "p")
    blocker = tmp_path / "block"
    (blocker / "planner").mkdir(parents=True)
    (blocker / "planner" / "__init__.py").write_text(
        "raise ImportError('dbplan is not installed')\n"
    )
    ini = root / "alembic.ini"
    ini.write_text("[alembic]\nscript_location = %(here)s/migrations\n")
    db = tmp_path / "iso.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "alembic",
            "-c",
            str(ini),
            "-x",
            f"url=sqlite:///{db}",
            "upgrade",
            "head",
        ],
        check=True,
        cwd=tmp_path,
        env=_env(PYTHONPATH=str(blocker)),
    )
    assert logged(f"sqlite:///{db}") == ["a1", "b2", "c3"]


@pytest.mark.pg
def test_plain_alembic_cli_on_postgresql(tmp_path, pg_db):
    root = write_project(tmp_path / "p")
    ini = root / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = {pg_db}\n")
    out = subprocess.run(
        [str(VENV_BIN / "alembic"), "-c", str(ini), "upgrade", "head"],
        check=True,
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0
    assert current_heads(pg_db) == ("c3",)
    sql = subprocess.run(
        [str(VENV_BIN / "alembic"), "-c", str(ini), "upgrade", "base:a1", "--sql"],
        check=True,
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
    ).stdout
    assert "CREATE TABLE applied_log" in sql and "COMMIT" in sql


def _mysql_lock_name(url: str) -> str:
    """The per-database GET_LOCK name the env.py template uses (its docstring's rule)."""
    import hashlib

    database = sa.engine.make_url(url).database or ""
    return "dbplan:" + hashlib.sha256(database.encode()).hexdigest()[:40]


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("pg_db", marks=pytest.mark.pg),
        pytest.param("mysql_db", marks=pytest.mark.mysql),
    ],
)
def test_concurrent_upgrades_run_one_after_another(tmp_path, request, server):
    """8 `dbplan upgrade` processes at once: all succeed, each revision runs once."""
    url = request.getfixturevalue(server)
    root = write_project(tmp_path / "p")
    procs = [
        subprocess.Popen(
            [DBPLAN, "-C", str(root), "upgrade", "--url", url],
            cwd=root,
            env=_env(DBPLAN_TEST_PAUSE="1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    results = [(p.returncode, *out) for p, out in zip(procs, outputs, strict=True)]
    assert [r[0] for r in results] == [0] * 8, results
    assert logged(url) == ["a1", "b2", "c3"]
    assert current_heads(url) == ("c3",)
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with eng.connect() as c:
        if server == "pg_db":
            sql = (
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        else:
            sql = "SELECT IS_FREE_LOCK(:name)"
        free = c.execute(sa.text(sql), {"name": _mysql_lock_name(url)}).scalar()
    eng.dispose()
    assert free == (0 if server == "pg_db" else 1)
