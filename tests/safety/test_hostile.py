"""Hostile names and values end to end: ``dbplan generate`` into a temporary project, the
files compile, values sit only in Python literals handed to Alembic/SQLAlchemy as bound
parameters, and ``dbplan upgrade``/``downgrade`` on SQLite, PostgreSQL and MariaDB store
and read back every value byte for byte (a canary table ``x`` survives every step).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.revisions.conftest import columns_by_name, dialect_of
from tests.safety.helpers import dbplan, engine, generate_chain, new_project, version_of
from tests.safety.hostile import (
    CANARY,
    ENUM_NEW,
    ENUM_OLD,
    INJECTION,
    VALUES,
    hostile_pair,
    rows_of,
)

#: what a call may receive a value through: bound-parameter carriers of Alembic/SQLAlchemy
VALUE_CARRIERS = {"bulk_insert", "values", "in_", "__eq__"}


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def sql_texts(tree: ast.AST) -> list[str]:
    """Every string handed to ``op.execute``/``sa.text`` as SQL text."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in ("text", "execute") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append(arg.value)
    return out


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory) -> tuple[Path, list[str]]:
    """The pair's project and revisions, the same on every dialect (SQLite batch mode copies
    tables from the snapshot, and capture reads quoted names as written)."""
    old, new = hostile_pair()
    root = new_project(tmp_path_factory.mktemp("hostile") / "proj", [old, new])
    return root, generate_chain(root, ["1.0.0", "2.0.0"])


def test_generated_files_compile_and_hold_values_only_as_literals(hostile_project):
    root, revs = hostile_project
    files = sorted((root / "migrations" / "versions").glob("*.py"))
    assert len(files) == 2
    old, new = hostile_pair()
    row_values = _all_values(old) | _all_values(new)
    assert set(VALUES) <= row_values and INJECTION + " ✓" in row_values
    seen: set[str] = set()
    for f in files:
        text = f.read_text(encoding="utf-8")
        tree = compile(text, str(f), "exec", ast.PyCF_ONLY_AST)
        compile(tree, str(f), "exec")
        literals = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        seen |= literals & row_values
        for sql in sql_texts(tree):
            for v in row_values - {"", " "}:
                if v in ENUM_OLD or v in ENUM_NEW:
                    continue  # enum labels are schema: ALTER TYPE ... ADD VALUE takes no parameters
                assert v not in sql, f"{f.name}: row value {v!r} spliced into SQL text {sql!r}"
    assert seen == row_values, f"values missing from the revisions: {row_values - seen}"


def _make_canary(url: str) -> None:
    eng = engine(url)
    with eng.begin() as c:
        c.execute(sa.text(f"CREATE TABLE {CANARY} (id INTEGER PRIMARY KEY)"))
        c.execute(sa.text(f"INSERT INTO {CANARY} (id) VALUES (42)"))
    eng.dispose()


def _read_rows(url: str, snapshot) -> dict[str, list[dict]]:
    eng = engine(url)
    out = {}
    with eng.connect() as c:
        assert c.execute(sa.text(f"SELECT id FROM {CANARY}")).scalars().all() == [42], (
            "canary table damaged"
        )
        for t in snapshot.tables:
            cols = [col.name for col in t.columns]
            stub = sa.table(t.name, *(sa.column(n) for n in cols))
            rows = c.execute(sa.select(*stub.c).order_by(stub.c.id)).mappings().all()
            out[t.name] = [dict(r) for r in rows]
    eng.dispose()
    return out


def test_hostile_chain_up_and_down_byte_for_byte(hostile_project, db_url):
    root, revs = hostile_project
    old, new = hostile_pair()
    _make_canary(db_url)
    steps = [
        ("upgrade", "1.0.0", old, revs[0]),
        ("upgrade", "2.0.0", new, revs[1]),
        ("downgrade", "1.0.0", old, revs[0]),
    ]
    for verb, release, snapshot, rev in steps:
        dbplan(root, verb, "-r", release, "--url", db_url)
        assert version_of(db_url) == (rev,)
        got = _read_rows(db_url, snapshot)
        assert got == rows_of(snapshot), f"{verb} to {release}: rows differ"
        for table_rows in got.values():
            for r in table_rows:
                for v in r.values():
                    if isinstance(v, str):
                        assert v.encode("utf-8") in {
                            x.encode("utf-8") for x in _all_values(snapshot)
                        }
        if dialect_of(db_url) == "mysql":
            continue  # capture cannot yet reflect MariaDB's hostile names (docs/safety.md): rows only
        _assert_schema(
            db_url,
            snapshot,
            f"{verb} to {release}",
            column_order=verb == "upgrade",
        )
    dbplan(root, "downgrade", "-r", "base", "--url", db_url)
    eng = engine(db_url)
    left = set(sa.inspect(eng).get_table_names()) - {"alembic_version"}
    with eng.connect() as c:
        assert c.execute(sa.text(f"SELECT id FROM {CANARY}")).scalars().all() == [42]
    eng.dispose()
    assert left == {CANARY}


def _all_values(snapshot) -> set[str]:
    return {
        v
        for t in snapshot.tables
        if t.rows
        for r in t.rows.rows
        for v in dict(r).values()
        if isinstance(v, str)
    }


def _assert_schema(url: str, snapshot, what: str, *, column_order: bool) -> None:
    """The database holds exactly ``snapshot`` besides the canary table."""
    import dataclasses

    from planner.state.capture import capture_for, normalise_for

    got = capture_for(url, snapshot)
    got = dataclasses.replace(got, tables=tuple(t for t in got.tables if t.name != CANARY))
    want = normalise_for(snapshot, dialect_of(url))
    if not column_order:
        got, want = columns_by_name(got), columns_by_name(want)
    if got != want:
        import difflib

        from planner.state.yamlio import dump_snapshot

        diff = difflib.unified_diff(
            dump_snapshot(want, schema_ref=None).splitlines(),
            dump_snapshot(got, schema_ref=None).splitlines(),
            "expected",
            "database",
            lineterm="",
        )
        pytest.fail(
            f"{what}: the schema differs from snapshot {snapshot.release}:\n" + "\n".join(diff)
        )


def test_sqlite_batch_keeps_quoted_unique(hostile_project, sqlite_db):
    """A batch-mode table rebuild on SQLite keeps a UNIQUE on a quoted column name (the
    table is copied from the snapshot, not from SQLAlchemy's reflection, which misses it)."""
    root, revs = hostile_project
    _, new = hostile_pair()
    _make_canary(sqlite_db)
    dbplan(root, "upgrade", "-r", "1.0.0", "--url", sqlite_db)
    dbplan(root, "upgrade", "--url", sqlite_db)
    _assert_schema(sqlite_db, new, "upgrade to 2.0.0", column_order=True)


@pytest.mark.pg
@pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason="known gaps: offline, SQLAlchemy's PostgreSQL dialect doubles backslashes in literals "
    "(it assumes standard_conforming_strings off; migrations/env.py could set "
    "dialect._backslash_escapes = False) and Alembic's --sql output turns tabs into 4 spaces",
)
def test_offline_sql_escapes_every_value_on_postgresql(hostile_project, pg_db):
    """``alembic upgrade --sql`` renders values as literals: run that script with psql and
    read the same bytes back (offline mode is the only place values become SQL text)."""
    import shutil
    import subprocess

    from alembic import command
    from alembic.config import Config

    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql not installed")
    root, revs = hostile_project
    _, new = hostile_pair()
    cfg = Config()
    cfg.set_main_option("script_location", str(root / "migrations"))
    cfg.set_main_option("sqlalchemy.url", pg_db.replace("%", "%%"))
    out = root / "offline.sql"
    with open(out, "w", encoding="utf-8") as f:
        cfg.output_buffer = f
        command.upgrade(cfg, f"base:{revs[-1]}", sql=True)
    sql = out.read_text(encoding="utf-8")
    assert "dbplan_no_such" not in sql and INJECTION.replace("'", "''") in sql
    u = sa.engine.make_url(pg_db)
    _make_canary(pg_db)
    r = subprocess.run(
        [
            psql,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            u.host,
            "-p",
            str(u.port or 5432),
            "-U",
            u.username,
            "-d",
            u.database,
            "-f",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert version_of(pg_db) == (revs[-1],)
    assert _read_rows(pg_db, new) == rows_of(new)
