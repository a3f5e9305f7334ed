"""The committed reference revisions are ordinary Alembic revisions.

- They apply with the plain ``alembic`` command in an environment where dbplan cannot be
  imported, on SQLite, PostgreSQL and MariaDB, and the result equals the newest snapshot.
- After the chain reaches head on PostgreSQL, Alembic's own autogenerate comparison
  against ``to_metadata(newest)`` finds no difference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.project import load_project
from planner.state.capture import capture_for, normalise_for, to_metadata
from planner.state.yamlio import load_snapshot

ROOT = Path(__file__).resolve().parents[2]


def _newest():
    project = load_project(ROOT)
    release = project.releases()[-1]
    return load_snapshot(project.snapshot_path(release))


def _plain_alembic(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m alembic`` on a copy of migrations/, with ``planner`` unimportable."""
    env_dir = tmp_path / "proj"
    if not env_dir.exists():
        shutil.copytree(
            ROOT / "migrations",
            env_dir / "migrations",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        (env_dir / "alembic.ini").write_text(
            "[alembic]\nscript_location = %(here)s/migrations\n", encoding="utf-8"
        )
        block = tmp_path / "block" / "planner"
        block.mkdir(parents=True)
        (block / "__init__.py").write_text("raise ImportError('dbplan is not installed here')\n")
    env = {k: v for k, v in os.environ.items() if k != "SQLALCHEMY_DATABASE_URI"}
    env["PYTHONPATH"] = str(tmp_path / "block")
    cmd = [
        sys.executable,
        "-m",
        "alembic",
        "-c",
        str(env_dir / "alembic.ini"),
        "-x",
        f"url={url}",
        *args,
    ]
    result = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_planner_is_really_unimportable_there(tmp_path):
    _plain_alembic(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", "history")
    probe = subprocess.run(
        [sys.executable, "-c", "import planner"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "block")},
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and "dbplan is not installed here" in probe.stderr


def test_reference_chain_applies_with_plain_alembic(tmp_path, db_url):
    newest = _newest()
    _plain_alembic(tmp_path, db_url, "upgrade", "head")
    engine = sa.create_engine(db_url)
    try:
        captured = capture_for(engine, newest)
        assert captured == normalise_for(newest, engine.dialect.name)
    finally:
        engine.dispose()
    _plain_alembic(tmp_path, db_url, "downgrade", "base")
    engine = sa.create_engine(db_url)
    try:
        left = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
        assert left == set()
    finally:
        engine.dispose()


@pytest.mark.pg
def test_alembic_autogenerate_sees_no_difference_at_head(tmp_path, pg_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    _plain_alembic(tmp_path, pg_db, "upgrade", "head")
    metadata = to_metadata(_newest())
    engine = sa.create_engine(pg_db)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            diffs = compare_metadata(context, metadata)
            # the comparison is live: a column the database lacks is reported
            probe = to_metadata(_newest())
            probe.tables["campaigns"].append_column(sa.Column("not_in_database", sa.Integer))
            probe_diffs = compare_metadata(context, probe)
    finally:
        engine.dispose()
    assert diffs == []
    assert [d[0] for d in probe_diffs] == ["add_column"]
