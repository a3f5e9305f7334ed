"""The application's env.py runs under dbplan: project root on sys.path, clear messages for a
missing import or driver, the env.py URL order, and database errors with the server's detail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.conftest import logged, write_project

VENV_BIN = Path(sys.executable).parent
DBPLAN = str(VENV_BIN / "dbplan")
IMPORT_LINE = "from myapp.models import Base  # noqa: F401\n"


def _run(root: Path, *args: str, env_url: str | None = None, cwd: Path | None = None):
    import os

    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLALCHEMY_DATABASE_URI", "PYTHONPATH")
    }
    if env_url:
        env["SQLALCHEMY_DATABASE_URI"] = env_url
    return subprocess.run(
        [DBPLAN, "--project", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or root.parent,
        timeout=120,
    )


def _app_project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "app")
    pkg = root / "myapp"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text("Base = object\n")
    env = root / "migrations" / "env.py"
    text = env.read_text(encoding="utf-8")
    env.write_text(
        text.replace(
            "from alembic import context\n", "from alembic import context\n" + IMPORT_LINE, 1
        )
    )
    return root


def test_env_importing_the_application_runs_from_any_directory(tmp_path, db_url):
    root = _app_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (("upgrade", "-r", "0.2.0"), ("current",), ("downgrade", "-r", "0.1.0")):
        r = _run(root, *args, "--url", db_url, cwd=elsewhere)
        assert r.returncode == 0, r.stderr
    assert logged(db_url) == ["a1"]


def test_missing_application_import_says_what_to_install_where(tmp_path, sqlite_db):
    root = _app_project(tmp_path)
    env = root / "migrations" / "env.py"
    env.write_text(env.read_text().replace("from myapp.models", "from notinstalled.models"))
    r = _run(root, "upgrade", "--url", sqlite_db)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    line = (
        env.read_text().splitlines().index(IMPORT_LINE.strip().replace("myapp", "notinstalled")) + 1
    )
    # paths under the working directory are shown relative to it
    assert f"migrations/env.py:{line}" in r.stderr, r.stderr
    err = r.stderr.replace("\n", "")
    assert "'notinstalled'" in err and "bin/python" in err
    assert "pip install" in r.stderr


def test_psycopg2_url_without_psycopg2_gets_a_hint(tmp_path):
    pytest.importorskip("sqlalchemy")
    try:
        import psycopg2  # noqa: F401
    except ModuleNotFoundError:
        pass
    else:
        pytest.skip("psycopg2 is installed: the URL works")
    root = write_project(tmp_path / "p")
    r = _run(root, "upgrade", "--url", "postgresql+psycopg2://postgres:s3cret@127.0.0.1/x")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "psycopg2-binary" in r.stderr and "+psycopg" in r.stderr, r.stderr
    assert "s3cret" not in r.stderr


def test_plain_alembic_prefers_the_environment_variable_over_the_ini_placeholder(
    tmp_path, sqlite_db
):
    root = write_project(tmp_path / "p")
    (root / "alembic.ini").write_text(
        "[alembic]\nscript_location = migrations\nsqlalchemy.url = driver://user:pass@localhost/dbname\n"
    )
    r = subprocess.run(
        [str(VENV_BIN / "alembic"), "-c", str(root / "alembic.ini"), "upgrade", "a1"],
        capture_output=True,
        text=True,
        cwd=root,
        env={"SQLALCHEMY_DATABASE_URI": sqlite_db, "PATH": str(VENV_BIN)},
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert logged(sqlite_db) == ["a1"]


@pytest.mark.pg
def test_postgresql_error_shows_detail_revision_and_operation(tmp_path, pg_db):
    root = write_project(tmp_path / "p")
    rev = root / "migrations" / "versions" / "b2.py"
    text = rev.read_text()
    bad = (
        '    op.execute("CREATE TABLE parent (id int primary key)")\n'
        '    op.execute("CREATE TABLE child (pid int references parent(id))")\n'
        '    op.execute("INSERT INTO child VALUES (7)")\n'
    )
    rev.write_text(text.replace("def upgrade():\n", "def upgrade():\n" + bad, 1))
    r = _run(root, "upgrade", "--url", pg_db)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "DETAIL: Key (pid)=(7) is not present in table" in r.stderr, r.stderr
    assert "revision b2" in r.stderr and "versions/b2.py:" in r.stderr, r.stderr
    assert "upgrade to head" in r.stderr
