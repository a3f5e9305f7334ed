"""Issue 14's planner fixes, pure: a change of autoincrement plans an operation (the
column diff never compared it); a table without columns is valid (PostgreSQL) and lint
R017 warns where a target refuses one. The real servers run them in the corpus
(``autoincrement_*``, ``zero_column_*`` scenarios)."""

from __future__ import annotations

import dataclasses

from planner.dialects import get
from planner.lint import lint
from planner.ops import AlterColumnAutoincrement
from planner.plan import make_plan
from planner.state.model import Column, PrimaryKey, Snapshot, Table
from planner.state.validate import validate


def _t(auto, type_="Integer", name="t") -> Table:
    return Table(
        name=name,
        columns=(
            Column(name="id", type=type_, nullable=False, autoincrement=auto),
            Column(name="n", type="Text"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
    )


def _s(release, *tables) -> Snapshot:
    return Snapshot(release=release, tables=tables)


def test_serial_key_becoming_plain_plans_one_operation_each_way():
    serial, plain = _s("1", _t(None)), _s("2", _t(False))
    plan = make_plan(serial, plain)
    assert [op.describe() for op in plan.ops] == ["Stop autoincrement of t.id"]
    (op,) = plan.ops
    assert isinstance(op, AlterColumnAutoincrement)
    assert op.apply_to(serial).tables == plain.tables
    back = make_plan(plain, serial)
    assert [o.describe() for o in back.ops] == ["Autoincrement t.id"]
    assert op.reverse() == back.ops[0]


def test_equivalent_spellings_and_type_or_key_changes_plan_no_autoincrement_op():
    # None and True are the same on the single integer key
    assert make_plan(_s("1", _t(None)), _s("2", _t(True))).is_empty
    # a type change carries the sequence itself
    ops = make_plan(_s("1", _t(None)), _s("2", _t(False, "BigInteger"))).ops
    assert not any(isinstance(o, AlterColumnAutoincrement) for o in ops)
    # a primary key change carries MariaDB's AUTO_INCREMENT itself; PostgreSQL's sequence
    # goes with an op of its own (a serial key column that stops being the key)
    nopk = dataclasses.replace(_t(None), primary_key=None)
    ops = make_plan(_s("1", _t(None)), _s("2", nopk)).ops
    (op,) = [o for o in ops if isinstance(o, AlterColumnAutoincrement)]
    assert (op.enabled, op.postgresql_only) == (False, True)


def test_a_table_without_columns_is_valid_and_r017_names_the_refusing_targets():
    z = Table(name="z")
    new = _s("2", z)
    assert validate(new) == []
    pg = make_plan(_s("1"), new, targets=[get("postgresql")])
    assert [f.code for f in lint(pg)] == []
    every = make_plan(_s("1"), new, targets=[get("postgresql"), get("mysql"), get("sqlite")])
    (f,) = [f for f in lint(every) if f.code == "R017"]
    assert "table z has no columns: MariaDB/MySQL and SQLite refuse" in f.message
    # dropping the last column warns the same way
    old = _s("1", Table(name="z", columns=(Column(name="a", type="Integer"),)))
    codes = [f.code for f in lint(make_plan(old, new, targets=[get("sqlite")]))]
    assert "R017" in codes
