"""The db commands through the CLI: output, exit codes, errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from tests.runtime.conftest import logged

DBPLAN = str(Path(sys.executable).parent / "dbplan")


def run(project_dir, *args, env=None):
    result = CliRunner().invoke(cli, ["-C", str(project_dir), *args], env=env or {})
    return result


def test_upgrade_current_history_downgrade(project_dir, db_url):
    r = run(project_dir, "current", "--url", db_url)
    assert (r.exit_code, r.output) == (0, "base (no revision)\n")
    r = run(project_dir, "upgrade", "-r", "0.2.0", "--url", db_url)
    assert r.exit_code == 0, r.output
    assert r.output.endswith(": base (no revision) -> b2 (release 0.2.0)\n")
    r = run(project_dir, "current", "--url", db_url)
    assert (r.exit_code, r.output) == (0, "b2 (release 0.2.0)\n")
    r = run(project_dir, "upgrade", "--url", db_url)
    assert r.output.endswith("b2 (release 0.2.0) -> c3 (release 0.3.0)\n")
    r = run(project_dir, "downgrade", "-r", "base", "--url", db_url)
    assert r.exit_code == 0 and r.output.endswith("-> base (no revision)\n")


def test_history_output(project_dir):
    r = run(project_dir, "history")
    assert r.exit_code == 0
    assert r.output == (
        "base -> a1  [0.1.0]  to 0.1.0\n"
        "a1 -> b2  [0.2.0]  to 0.2.0\n"
        "b2 -> c3 (head)  [0.3.0]  to 0.3.0\n"
    )


def test_history_marks_current(project_dir, sqlite_db):
    run(project_dir, "upgrade", "-r", "a1", "--url", sqlite_db)
    r = run(project_dir, "history", "--url", sqlite_db)
    assert r.exit_code == 0
    assert r.output.splitlines()[0] == "base -> a1 (current)  [0.1.0]  to 0.1.0"
    assert "(current)" not in r.output.splitlines()[1]


def test_url_from_environment(project_dir, tmp_path):
    db = f"sqlite:///{tmp_path / 'env.sqlite'}"
    r = run(project_dir, "upgrade", "-r", "0.1.0", env={"SQLALCHEMY_DATABASE_URI": db})
    assert r.exit_code == 0, r.output
    assert logged(db) == ["a1"]
    assert not (project_dir / "dbplan.sqlite").exists()


def test_default_url_is_project_sqlite(project_dir):
    r = run(project_dir, "upgrade")
    assert r.exit_code == 0, r.output
    assert logged(f"sqlite:///{project_dir / 'dbplan.sqlite'}") == ["a1", "b2", "c3"]


def test_downgrade_needs_a_target(project_dir):
    r = run(project_dir, "downgrade")
    assert r.exit_code == 2


def _dbplan(project_dir, *args):
    return subprocess.run(
        [DBPLAN, "-C", str(project_dir), *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_unknown_release_exit_1_without_traceback(project_dir, sqlite_db):
    p = _dbplan(project_dir, "upgrade", "-r", "7.0.0", "--url", sqlite_db)
    assert p.returncode == 1
    assert "unknown revision or release '7.0.0'" in p.stderr
    assert "Traceback" not in p.stderr
    p = _dbplan(project_dir, "--debug", "upgrade", "-r", "7.0.0", "--url", sqlite_db)
    assert p.returncode == 1 and "Traceback" in p.stderr


@pytest.mark.pg
def test_unreachable_database_exit_1(project_dir, pg_server):
    p = _dbplan(
        project_dir,
        "current",
        "--url",
        "postgresql+psycopg://postgres@127.0.0.1:1/x?connect_timeout=2",
    )
    assert p.returncode == 1
    assert p.stderr.startswith("Error: database postgresql+psycopg://postgres@127.0.0.1:1/x")
    assert "Traceback" not in p.stderr


def test_missing_environment(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.dbplan]\n")
    r = run(tmp_path, "history")
    assert r.exit_code == 1
    assert "no Alembic environment at migrations/" in r.output
