"""The graph rule of functions a table's expressions call (planner.graph_routines): the
function is created before the default, check, index or generated column that calls it,
and dropped after the last of them goes, each edge with its reason."""

from __future__ import annotations

from planner.plan import make_plan
from planner.state.model import (
    Check,
    Column,
    Generated,
    Index,
    IndexElement,
    PrimaryKey,
    Routine,
    Snapshot,
    Table,
)
from tests.planner.test_graph import position, reasons

ID = Column(name="id", type="Integer", nullable=False)
NORM = Routine(
    kind="function",
    name="norm(t text)",
    definition="CREATE FUNCTION public.norm(t text) RETURNS text LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT lower(t) $$",
)
GEN = Routine(
    kind="function",
    name="gen_code()",
    schema="app",
    definition="CREATE FUNCTION app.gen_code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$",
)
#: a function of the same name in another schema: an unqualified call is not to it
OTHER = Routine(
    kind="function",
    name="norm(t text)",
    schema="other",
    definition="CREATE FUNCTION other.norm(t text) RETURNS text LANGUAGE sql AS $$ SELECT t $$",
)
NAME = Column(name="name", type="Text")


def p_table(*extra, checks=(), indexes=()) -> Table:
    return Table(
        name="p",
        columns=(ID, NAME, *extra),
        primary_key=PrimaryKey(columns=("id",)),
        checks=checks,
        indexes=indexes,
    )


CHECK = Check(name="ck_p_name", sqltext="name = norm(name)")
INDEX = Index(name="p_norm", columns=("name",), elements=(IndexElement(expression="norm(name)"),))
CODE = Column(name="code", type="Text", server_default="app.gen_code()")
GENERATED = Column(name="low", type="Text", generated=Generated(expression="norm(name)"))


def snap(*tables, routines=(), release="1") -> Snapshot:
    return Snapshot(release=release, tables=tables, routines=routines)


def test_functions_created_before_the_table_that_calls_them():
    full = snap(p_table(CODE, checks=(CHECK,)), routines=(NORM, GEN, OTHER))
    up = make_plan(snap(), full)
    assert position(up, "Create function norm") < position(up, "Create table p")
    assert position(up, "Create function app.gen_code") < position(up, "Create table p")
    # no table calls other.norm: it stays after the tables
    assert position(up, "Create function other.norm") > position(up, "Create table p")
    assert {
        "create table p needs function norm(t text): check ck_p_name calls it",
        "create table p needs function app.gen_code(): column code calls it",
    } <= reasons(up)
    assert not any("other.norm" in r for r in reasons(up))


def test_functions_dropped_after_the_table_that_calls_them():
    full = snap(p_table(CODE, checks=(CHECK,)), routines=(NORM, GEN))
    down = make_plan(full, snap(release="2"))
    assert position(down, "Drop table p") < position(down, "Drop function norm")
    assert position(down, "Drop table p") < position(down, "Drop function app.gen_code")
    assert "drop function norm(t text) after drop table p: check ck_p_name calls it" in reasons(
        down
    )


def test_index_check_and_generated_column_added_after_the_function():
    new = snap(p_table(GENERATED, checks=(CHECK,), indexes=(INDEX,)), routines=(NORM,))
    up = make_plan(snap(p_table()), new)
    first = position(up, "Create function norm")
    assert first < position(up, "Add check constraint ck_p_name")
    assert first < position(up, "Create index p_norm")
    assert first < position(up, "Add column p.low")
    assert {
        "ck_p_name needs function norm(t text): check ck_p_name calls it",
        "p_norm needs function norm(t text): index p_norm calls it",
        "add column p.low needs function norm(t text): column low calls it",
    } <= reasons(up)
    down = make_plan(new, snap(p_table(), release="2"))
    last = position(down, "Drop function norm")
    assert last > position(down, "Drop check constraint ck_p_name")
    assert last > position(down, "Drop index p_norm")
    assert last > position(down, "Drop column p.low")


def test_default_set_after_the_function_and_dropped_before_it():
    plain = Column(name="code", type="Text")
    up = make_plan(snap(p_table(plain)), snap(p_table(CODE), routines=(GEN,)))
    assert position(up, "Create function app.gen_code") < position(up, "Set server default")
    assert (
        "alter column default p.code needs function app.gen_code(): default of code calls it"
        in reasons(up)
    )
    down = make_plan(snap(p_table(CODE), routines=(GEN,)), snap(p_table(plain), release="2"))
    assert position(down, "Drop server default") < position(down, "Drop function app.gen_code")
