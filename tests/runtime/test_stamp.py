"""``dbplan stamp``: a database that already is a release gets its revision, and only then.

Built from the reference snapshot without a stamp (as ``create_all`` would leave it) on
each dialect: stamping the right release records its revision and runs nothing; stamping
a release the database is not, or a database changed by hand, is refused with the
differences (exit 3) and leaves ``alembic_version`` as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(project), *args], env={"SQLALCHEMY_DATABASE_URI": ""})


@pytest.fixture
def project(tmp_path) -> Path:
    dest = tmp_path / "proj"
    dest.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(ROOT / "schema_state", dest / "schema_state")
    shutil.copytree(
        ROOT / "migrations", dest / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def _heads(url: str) -> tuple[str, ...]:
    from planner.runtime import current_heads

    return current_heads(url)


def test_stamp_records_the_release_of_an_unstamped_database(project, db_url):
    built = run(project, "setup", "--release", "0.2.0", "--no-stamp", "--url", db_url)
    assert built.exit_code == 0, built.output
    assert _heads(db_url) == ()

    wrong = run(project, "stamp", "0.3.0", "--url", db_url)
    assert wrong.exit_code == 3, wrong.output
    assert "differs from release 0.3.0" in wrong.output and "not stamped" in wrong.output
    assert _heads(db_url) == ()

    right = run(project, "stamp", "0.2.0", "--url", db_url)
    assert right.exit_code == 0, right.output
    assert "no revision ran; the database matches its snapshot" in right.output
    assert _heads(db_url) == ("bb462547e067",)

    up = run(project, "upgrade", "--url", db_url)
    assert up.exit_code == 0, up.output
    drift = run(project, "drift", "--url", db_url)
    assert drift.exit_code == 0, drift.output

    gone = run(project, "stamp", "base", "--url", db_url)
    assert gone.exit_code == 0, gone.output
    assert _heads(db_url) == ()


def test_stamp_refuses_a_database_changed_by_hand(project, db_url):
    assert run(project, "setup", "--release", "0.2.0", "--no-stamp", "--url", db_url).exit_code == 0
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE group_campaigns"))
    finally:
        engine.dispose()
    refused = run(project, "stamp", "0.2.0", "--url", db_url)
    assert refused.exit_code == 3, refused.output
    assert "group_campaigns" in refused.output
    assert _heads(db_url) == ()

    forced = run(project, "stamp", "0.2.0", "--no-check", "--url", db_url)
    assert forced.exit_code == 0, forced.output
    assert "not compared (--no-check)" in forced.output
    assert _heads(db_url) == ("bb462547e067",)


def test_stamp_of_an_unknown_target_is_an_error(project, sqlite_db):
    result = run(project, "stamp", "9.9.9", "--url", sqlite_db)
    assert result.exit_code == 1
    assert "9.9.9" in result.output and "Traceback" not in result.output
