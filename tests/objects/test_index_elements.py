"""PostgreSQL index elements (``columns:`` mappings: an expression, ``collate``,
``opclass``, ``order``, ``nulls``) and storage parameters (``with:``): canonical form,
file:line errors, targets that refuse them, plans, the revision's Alembic op, the models
round trip, and on the server a hand-written expression that means the captured one
(no change planned, no drift) and one that does not. (The before/after loop is the
corpus: ``tests/objects/scenarios/postgresql/index_{expression,opclass,desc,storage,
collate}_*``, ``matview_expression_index_created``.)"""

from __future__ import annotations

import dataclasses

import pytest

from planner.plan import make_plan
from planner.state.errors import SnapshotError
from planner.state.model import Index, IndexElement
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot, load_snapshot_text

HEAD = """\
snapshot: 1
release: 1.0.0
tables:
  u:
    columns:
      id: {type: Integer, primary_key: true}
      email: {type: String(100), nullable: false}
      name: {type: Text}
      seen: {type: DateTime(timezone=True)}
    indexes:
"""

CANONICAL = """\
      ix_a: {columns: [{expression: lower(email)}], unique: true}
      ix_b: {columns: [{column: name, opclass: text_pattern_ops}, id]}
      ix_c: {columns: [{column: seen, order: desc, nulls: last}, id]}
      ix_d: {columns: [id], with: {deduplicate_items: false, fillfactor: 70}}
      ix_e: {columns: [{column: name, collate: C}]}
      ix_f: {columns: [{expression: (id + 1), order: desc}], where: id > 0}
"""


def _load(entries: str):
    return load_snapshot_text(HEAD + entries, "1.0.0.yaml")


def test_canonical_form_round_trips_and_plain_indexes_are_written_as_before():
    s = _load(CANONICAL + "      ix_plain: {columns: [{column: email}, name]}\n")
    ixs = {i.name: i for i in s.tables[0].indexes}
    assert ixs["ix_a"].elements == (IndexElement(expression="lower(email)"),)
    assert ixs["ix_a"].columns == ("email",)  # what the expression reads
    assert ixs["ix_c"].elements[0] == IndexElement(column="seen", order="desc", nulls="last")
    assert ixs["ix_d"].storage == (("deduplicate_items", "false"), ("fillfactor", "70"))
    assert ixs["ix_plain"] == Index(name="ix_plain", columns=("email", "name"))
    text = dump_snapshot(s, schema_ref=None)
    assert CANONICAL in text
    assert "ix_plain: {columns: [email, name]}" in text
    assert load_snapshot_text(text, "1.0.0.yaml") == s


def test_defaults_read_as_left_out():
    s = _load(
        "      ix: {columns: [{column: id, order: asc, nulls: last}, "
        "{column: seen, order: desc, nulls: first}, {column: name, nulls: first}]}\n"
    )
    ix = s.tables[0].indexes[0]
    assert ix.elements == (
        IndexElement(column="id"),
        IndexElement(column="seen", order="desc"),
        IndexElement(column="name", nulls="first"),
    )
    assert "ix: {columns: [id, {column: seen, order: desc}, {column: name, nulls: first}]}" in (
        dump_snapshot(s, schema_ref=None)
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("ix: {columns: [{column: id, expression: id + 1}]}", "11:22: tables.u.indexes.ix.columns[0]: an index element names a column or an expression"),
        ("ix: {columns: [{opclass: text_ops}]}", "11:22: tables.u.indexes.ix.columns[0]: an index element names a column or an expression"),
        ("ix: {columns: [{column: name, opclass: 'x; DROP'}]}", "11:46: tables.u.indexes.ix.columns[0].opclass: expected an operator class name"),
        ("ix: {columns: [{column: id, order: down}]}", "11:42: tables.u.indexes.ix.columns[0].order: expected order asc or desc, found 'down'"),
        ("ix: {columns: [{column: id, nulls: top}]}", "11:42: tables.u.indexes.ix.columns[0].nulls: expected nulls first or last, found 'top'"),
        ("ix: {columns: [{column: id, sort: desc}]}", "11:35: tables.u.indexes.ix.columns[0].sort: unknown key 'sort'"),
        ("ix: {columns: [id], with: {fillfactor: [70]}}", "11:46: tables.u.indexes.ix.with.fillfactor: expected a number, true/false or a word"),
        ("ix: {columns: [id], with: 70}", "11:33: tables.u.indexes.ix.with: expected storage parameters"),
        ("ix: {columns: [{expression: lower(nope)}]}", "11:22: tables.u.indexes.ix.columns[0]: index ix names unknown column 'nope' of u"),
        ("ix: {columns: [{column: nope, order: desc}]}", "index ix names unknown column 'nope' of u"),
        ("ix: {columns: [{column: id, order: desc}], using: hash}", "11:22: tables.u.indexes.ix.columns[0]: index ix uses hash, which has no order"),
        ("ix: {columns: [{expression: '1); DROP TABLE u; --'}]}", "11:35: tables.u.indexes.ix.columns[0].expression: expression 1 of index ix is not one SQL expression"),
    ],
)  # fmt: skip
def test_bad_elements_name_file_line_and_column(entry, problem):
    with pytest.raises(SnapshotError) as e:
        _load("      " + entry + "\n")
    assert any(problem in str(p) for p in e.value.problems), str(e.value)
    if problem[0].isdigit():
        assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_targets_other_than_postgresql_refuse_elements_and_storage():
    s = _load(CANONICAL)
    assert not validate(s, targets=["postgresql"])
    problems = [str(p) for p in validate(s, targets=["postgresql", "sqlite"])]
    assert any("operator classes, order or collations of index u.ix_a exists on PostgreSQL only" in p
               for p in problems), problems  # fmt: skip
    assert any(
        "storage parameters of index u.ix_d exists on PostgreSQL only" in p for p in problems
    )


def test_a_changed_element_plans_drop_and_create_and_the_same_meaning_plans_nothing():
    old = _load(CANONICAL)
    same = _load(CANONICAL.replace("lower(email)", "lower((email)::text)")
                 .replace("(id + 1)", "id + 1"))  # fmt: skip
    assert make_plan(old, same).ops == ()
    for before, after in (
        ("lower(email)", "upper(email)"),
        ("text_pattern_ops", "varchar_pattern_ops"),
        ("nulls: last", "nulls: first"),
        ("fillfactor: 70", "fillfactor: 90"),
        ("collate: C", "collate: POSIX"),
    ):
        plan = make_plan(old, _load(CANONICAL.replace(before, after)))
        kinds = sorted(op.kind for op in plan.ops)
        assert kinds == ["create_index", "drop_index"], (before, kinds)
    plan = make_plan(old, _load(CANONICAL.replace("nulls: last", "nulls: first")))
    assert "Create index ix_c on u (seen DESC, id)" in [op.describe() for op in plan.ops]


def test_an_expression_index_is_dropped_before_the_column_it_reads():
    old = _load(CANONICAL)
    t = old.tables[0]
    cols = tuple(c for c in t.columns if c.name != "email")
    new = old.replace_table(dataclasses.replace(
        t, columns=cols, indexes=tuple(i for i in t.indexes if i.name != "ix_a")))  # fmt: skip
    order = [op.kind for op in make_plan(old, new).ops]
    assert order.index("drop_index") < order.index("drop_column"), order


def test_the_revision_passes_elements_as_text_and_storage_as_postgresql_with():
    from planner.revisions.convert_schema import _index_op

    t = _load(CANONICAL).tables[0]
    ixs = {i.name: i for i in t.indexes}
    op = _index_op(t, ixs["ix_a"])
    assert [str(c) for c in op.columns] == ["(lower(email))"] and op.unique
    op = _index_op(t, ixs["ix_c"])
    assert [str(c) for c in op.columns] == ['"seen" DESC NULLS LAST', '"id"']
    op = _index_op(t, ixs["ix_d"])
    assert op.columns == ["id"]
    assert op.kw == {"postgresql_with": {"deduplicate_items": "false", "fillfactor": "70"}}
    op = _index_op(t, ixs["ix_e"])
    assert [str(c) for c in op.columns] == ['"name" COLLATE "C"']


def test_models_round_trip_and_build_the_same_sql():
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex

    from planner.state.capture_models import from_metadata, to_metadata

    s = _load(CANONICAL)
    md = to_metadata(s)
    back = from_metadata(md, release="1.0.0")
    assert sorted(back.tables[0].indexes, key=lambda i: i.name) == list(s.tables[0].indexes)
    sql = {ix.name: str(CreateIndex(ix).compile(dialect=postgresql.dialect()))
           for ix in md.tables["u"].indexes}  # fmt: skip
    assert sql["ix_c"] == 'CREATE INDEX ix_c ON u ("seen" DESC NULLS LAST, "id")'
    assert "WITH (deduplicate_items = false, fillfactor = 70)" in sql["ix_d"]


DB = """\
CREATE TABLE u (id int PRIMARY KEY, email varchar(100) NOT NULL, name text, seen timestamptz)

CREATE UNIQUE INDEX ix_a ON u (lower(email))

CREATE INDEX ix_c ON u (seen DESC NULLS LAST, id)

CREATE INDEX ix_d ON u (id) WITH (fillfactor = 70, deduplicate_items = off)
"""

HAND = """\
      ix_a: {columns: [{expression: lower(email)}], unique: true}
      ix_c: {columns: [{column: seen, order: desc, nulls: last}, id]}
      ix_d: {columns: [id], with: {fillfactor: 70, deduplicate_items: false}}
"""


@pytest.mark.pg
def test_a_hand_written_expression_matching_the_captured_one_plans_and_drifts_nothing(pg_db):
    from planner.runtime.verify import compare_snapshots
    from planner.state.capture import capture_for, from_database, normalise_for
    from tests.objects.corpus import run_script

    run_script(pg_db, DB)
    captured = from_database(pg_db, release="1.0.0")
    ixs = {i.name: i for i in captured.table("u").indexes}
    assert ixs["ix_a"].elements == (IndexElement(expression="lower(email::text)"),)
    hand = load_snapshot_text(HEAD.replace("      seen:", "      seen:") + HAND, "1.0.0.yaml")
    hand = dataclasses.replace(hand, tables=(dataclasses.replace(
        hand.tables[0], columns=captured.table("u").columns),))  # fmt: skip
    assert make_plan(captured, hand).ops == ()
    again = capture_for(pg_db, hand)
    assert {i.name: i for i in again.table("u").indexes}["ix_a"].elements == (
        IndexElement(expression="lower(email)"),  # the snapshot's spelling kept
    )
    assert compare_snapshots(again, normalise_for(hand, "postgresql"), dialect="postgresql") == []
    other = load_snapshot_text(HEAD + HAND.replace("lower", "upper"), "1.0.0.yaml")
    other = dataclasses.replace(other, tables=(dataclasses.replace(
        other.tables[0], columns=captured.table("u").columns),))  # fmt: skip
    got = compare_snapshots(
        capture_for(pg_db, other), normalise_for(other, "postgresql"), dialect="postgresql"
    )
    assert len(got) == 1 and got[0].startswith("u: index ix_a: elements"), got


@pytest.mark.pg
def test_a_database_built_from_the_snapshot_captures_back_the_same_indexes(pg_db):
    """``dbplan setup``'s path (``create_from_snapshot``, through the models) builds the
    elements and storage parameters, not plain-column indexes."""
    import sqlalchemy as sa

    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for, normalise_for

    want = _load(CANONICAL)
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    try:
        create_from_snapshot(eng, want)
    finally:
        eng.dispose()
    got = capture_for(pg_db, want)
    assert compare_snapshots(got, normalise_for(want, "postgresql"), dialect="postgresql") == []
    assert {i.name: i for i in got.table("u").indexes}["ix_c"].elements[0] == IndexElement(
        column="seen", order="desc", nulls="last"
    )
