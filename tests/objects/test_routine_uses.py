"""Functions a table's defaults, checks, index expressions and generated columns call
(PostgreSQL): capture models them (routines, not unmanaged), and ``dbplan setup``'s path
(``create_from_snapshot``) and the first revision build the captured snapshot, the
functions before the tables. (The before/after loop is the corpus:
``tests/objects/scenarios/postgresql/function_used_by_*``.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.dbcases import reset_database, write_chain
from tests.objects.corpus import build

SCRIPT = """\
CREATE FUNCTION norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$

CREATE TABLE p (id int PRIMARY KEY, name text CHECK (name = norm(name)),
                low text GENERATED ALWAYS AS (norm(name)) STORED)

CREATE INDEX p_norm ON p (norm(name))

CREATE SCHEMA app

CREATE TABLE q (id int PRIMARY KEY, code text)

CREATE FUNCTION app.gen_code() RETURNS text LANGUAGE sql AS $$ SELECT count(*)::text FROM q $$

ALTER TABLE q ALTER COLUMN code SET DEFAULT app.gen_code()
"""


@pytest.mark.pg
def test_captured_functions_are_modelled_and_setup_builds_them(pg_db):
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for

    snap = build(pg_db, SCRIPT, "1.0.0")
    assert {(r.schema, r.name) for r in snap.routines} == {
        (None, "norm(t text)"),
        ("app", "gen_code()"),
    }
    assert not [u for u in snap.unmanaged if u.kind == "function"]
    reset_database(pg_db)
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    try:
        create_from_snapshot(eng, snap)
    finally:
        eng.dispose()
    assert compare_snapshots(capture_for(pg_db, snap), snap, dialect="postgresql") == []


@pytest.mark.pg
def test_the_first_revision_of_the_captured_snapshot_builds_it(pg_db, tmp_path):
    from planner.runtime import upgrade
    from planner.runtime.verify import compare_snapshots
    from planner.state.capture import capture_for
    from planner.state.model import Snapshot

    snap = build(pg_db, SCRIPT, "1.0.0")
    reset_database(pg_db)
    project, revs, _ = write_chain(tmp_path / "proj", [Snapshot(release="0.0.0"), snap], [(0, 1)])
    upgrade(project, revs[-1], url=pg_db)
    assert compare_snapshots(capture_for(pg_db, snap), snap, dialect="postgresql") == []


@pytest.mark.pg
def test_capture_refuses_an_atomic_body_a_table_calls_by_name(pg_db):
    from planner.state.capture_models import CaptureError

    script = (
        "CREATE TABLE r (id int PRIMARY KEY, n bigint)\n\n"
        "CREATE FUNCTION cnt() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM r; END"
        "\n\nALTER TABLE r ALTER COLUMN n SET DEFAULT cnt()"
    )
    with pytest.raises(CaptureError, match=r"function cnt\(\): .* BEGIN ATOMIC .*hint"):
        build(pg_db, script, "1.0.0")


def test_capture_refuses_a_call_the_expressions_do_not_show():
    """The catalog says a table calls a function that its captured expressions do not
    name (nothing would order the function first): capture refuses it by name."""
    from planner.dialects.postgresql_inventory import _check_calls
    from planner.state.capture_models import CaptureError
    from planner.state.model import Check, Column, Routine, Table

    f = Routine(kind="function", name="norm(t text)", definition="CREATE FUNCTION ...")
    shown = Table(
        name="p",
        columns=(Column(name="name", type="Text"),),
        checks=(Check(name="ck", sqltext="name = norm(name)"),),
    )
    _check_calls(f, shown)  # the call is there: fine
    hidden = Table(name="p", columns=(Column(name="name", type="Text"),))
    with pytest.raises(CaptureError, match=r"function norm\(t text\): table p uses it.*hint"):
        _check_calls(f, hidden)
