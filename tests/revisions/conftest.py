"""Helpers for revision tests: a throw-away dbplan project with an Alembic environment.

``make_project(tmp_path, snapshots)`` writes pyproject.toml ``[tool.dbplan]``, the
snapshots as canonical YAML, and ``migrations/`` with the repository's ``env.py`` and
``script.py.mako`` (the runtime's; a minimal env.py when they are missing).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
GOLDEN = Path(__file__).resolve().parent / "golden"

MINIMAL_ENV = """
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
url = config.get_main_option("sqlalchemy.url")
if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
"""


def make_project(root: Path, snapshots=(), *, template: str | None = None):
    """A dbplan project at ``root`` holding ``snapshots``; returns the Project."""
    from planner.project import load_project
    from planner.state.yamlio import dump_snapshot

    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n', encoding="utf-8"
    )
    states = root / "schema_state"
    states.mkdir(exist_ok=True)
    for s in snapshots:
        (states / f"{s.release}.yaml").write_text(dump_snapshot(s), encoding="utf-8")
    mig = root / "migrations"
    (mig / "versions").mkdir(parents=True, exist_ok=True)
    env = ROOT / "migrations" / "env.py"
    if env.is_file():
        shutil.copy2(env, mig / "env.py")
    else:
        (mig / "env.py").write_text(MINIMAL_ENV, encoding="utf-8")
    if template is not None:
        (mig / "script.py.mako").write_text(template, encoding="utf-8")
    else:
        shutil.copy2(ROOT / "migrations" / "script.py.mako", mig / "script.py.mako")
    return load_project(root)


def alembic_config(project, url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(project.migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(project, url: str, target: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(project, url), target)


def downgrade(project, url: str, target: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(project, url), target)


def dialect_of(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).get_backend_name()


def columns_by_name(snapshot):
    """``snapshot`` with each table's columns sorted by name (order ignored)."""
    import dataclasses

    tables = tuple(
        dataclasses.replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)))
        for t in snapshot.tables
    )
    return dataclasses.replace(snapshot, tables=tables)


def assert_database_is(url: str, snapshot, what: str = "", *, column_order: bool = True) -> None:
    """The database at ``url`` holds exactly ``snapshot`` (as its dialect can).

    ``column_order=False`` ignores the order of columns: a downgrade re-adds a dropped
    column at the end of its table (ALTER TABLE ADD COLUMN cannot place it).
    """
    from planner.state.capture import capture_for, normalise_for
    from planner.state.yamlio import dump_snapshot

    got = capture_for(url, snapshot)
    want = normalise_for(snapshot, dialect_of(url))
    if not column_order:
        got, want = columns_by_name(got), columns_by_name(want)
    if got != want:
        import difflib

        diff = "\n".join(
            difflib.unified_diff(
                dump_snapshot(want, schema_ref=None).splitlines(),
                dump_snapshot(got, schema_ref=None).splitlines(),
                "expected",
                "database",
                lineterm="",
            )
        )
        pytest.fail(f"{what}: database differs from snapshot {snapshot.release}:\n{diff}")
