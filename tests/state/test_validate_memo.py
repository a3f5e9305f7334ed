"""validate() skips the checks of a table it found clean before only when nothing
those checks read has changed: each test validates a clean snapshot first (so its
tables are remembered), then a snapshot reusing the same table objects in a changed
context, and expects exactly the problems a first validation finds."""

from __future__ import annotations

import dataclasses

from planner.state import validate as validate_mod
from planner.state.model import (
    Column,
    Enum,
    ForeignKey,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    freeze,
)
from planner.state.validate import validate


def _fresh(s: Snapshot) -> list[str]:
    validate_mod._CLEAN.clear()
    return [str(p) for p in validate(s)]


def _after_clean(clean: Snapshot, s: Snapshot) -> list[str]:
    validate_mod._CLEAN.clear()
    assert validate(clean) == []
    assert validate_mod._CLEAN  # the tables were remembered
    return [str(p) for p in validate(s)]


ID = Column(name="id", type="Integer", nullable=False)
PARENT = Table(name="parent", columns=(ID,), primary_key=PrimaryKey(columns=("id",)))
CHILD = Table(
    name="child",
    columns=(ID, Column(name="parent_id", type="Integer")),
    primary_key=PrimaryKey(columns=("id",)),
    foreign_keys=(
        ForeignKey(name="fk_p", columns=("parent_id",), ref_table="parent", ref_columns=("id",)),
    ),
)
CLEAN = Snapshot(release="1", tables=(PARENT, CHILD))


def test_a_clean_table_is_checked_again_when_its_fk_target_changes():
    parent = dataclasses.replace(
        PARENT,
        columns=(Column(name="pid", type="Integer"),),
        primary_key=PrimaryKey(columns=("pid",)),
    )
    s = Snapshot(release="2", tables=(parent, CHILD))
    got = _after_clean(CLEAN, s)
    assert got == _fresh(s)
    assert any("unknown column 'id' of parent" in p for p in got)


def test_a_clean_table_is_checked_again_when_its_fk_target_goes():
    s = Snapshot(release="2", tables=(CHILD,))
    got = _after_clean(CLEAN, s)
    assert got == _fresh(s) and any("unknown table 'parent'" in p for p in got)


def test_a_clean_table_is_checked_again_when_the_type_of_the_target_changes():
    parent = dataclasses.replace(PARENT, columns=(Column(name="id", type="Text", nullable=False),))
    s = Snapshot(release="2", tables=(parent, CHILD))
    got = _after_clean(CLEAN, s)
    assert got == _fresh(s) and any("cannot reference" in p for p in got)


def _with_enum_column(rows: bool) -> Table:
    return Table(
        name="t",
        columns=(ID, Column(name="level", type="Enum(severity)", nullable=False)),
        primary_key=PrimaryKey(columns=("id",)),
        rows=RowSet(key=("id",), rows=(freeze({"id": 1, "level": "high"}),)) if rows else None,
    )


def test_a_table_naming_an_enum_is_checked_again_when_the_enum_goes():
    t = _with_enum_column(rows=False)
    clean = Snapshot(release="1", tables=(t,), enums=(Enum(name="severity", values=("high",)),))
    s = Snapshot(release="2", tables=(t,), enums=(Enum(name="other", values=("x",)),))
    got = _after_clean(clean, s)
    assert got == _fresh(s) and any("unknown enum 'severity'" in p for p in got)


def test_rows_are_checked_again_when_an_enum_loses_their_value():
    t = _with_enum_column(rows=True)
    clean = Snapshot(release="1", tables=(t,), enums=(Enum(name="severity", values=("high",)),))
    s = Snapshot(release="2", tables=(t,), enums=(Enum(name="severity", values=("low",)),))
    got = _after_clean(clean, s)
    assert got == _fresh(s) and any("level" in p for p in got)


def test_schema_wide_names_are_checked_for_remembered_tables_too():
    other = Table(
        name="other", columns=(ID,), primary_key=PrimaryKey(name="parent", columns=("id",))
    )
    s = Snapshot(release="2", tables=(PARENT, CHILD, other))
    got = _after_clean(CLEAN, s)
    assert got == _fresh(s) and any("already used by table parent" in p for p in got)


def test_a_remembered_table_gives_its_types_to_the_tables_that_reference_it():
    child = dataclasses.replace(CHILD, columns=(ID, Column(name="parent_id", type="String(10)")))
    s = Snapshot(release="2", tables=(PARENT, child))
    got = _after_clean(CLEAN, s)
    assert got == _fresh(s) and any("cannot reference" in p for p in got)
