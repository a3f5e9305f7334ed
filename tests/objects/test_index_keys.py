"""PostgreSQL index methods (``using:``) and ``INCLUDE`` columns (``include:``) on tables
and materialized views: the keys round-trip in canonical form, bad values are problems
naming file:line:column, targets other than PostgreSQL refuse them, the plan orders an
index with a method after the extensions, and the revision passes them to Alembic. (The
database loop is the corpus: ``tests/objects/scenarios/postgresql/index_*``,
``matview_gin_index_created``, ``matview_include_index_changed``.)"""

from __future__ import annotations

import pytest

from planner.plan import make_plan
from planner.state.errors import SnapshotError
from planner.state.model import Column, Index, PrimaryKey, Snapshot, Table, View
from planner.state.pg_objects import Extension
from planner.state.reader import parse_yaml
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot, load_snapshot_text

HEAD = (
    "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"
    "      n: {type: Integer}\n      s: {type: Text}\n    indexes:\n"
)

T = Table(
    name="t",
    columns=(
        Column(name="id", type="Integer", nullable=False),
        Column(name="n", type="Integer"),
        Column(name="s", type="Text"),
    ),
    primary_key=PrimaryKey(columns=("id",)),
    indexes=(
        Index(name="ix_t_n", columns=("n",), using="brin"),
        Index(name="ix_t_s", columns=("s",), unique=True, include=("n", "id")),
    ),
)
MV = View(
    name="mv",
    kind="materialized_view",
    definition="SELECT t.id, t.n FROM t",
    indexes=(Index(name="ix_mv", columns=("n",), using="hash", include=()),
             Index(name="ix_mv_id", columns=("id",), unique=True, include=("n",))),
)  # fmt: skip
FULL = Snapshot(release="1.0.0", tables=(T,), views=(MV,))


def test_keys_round_trip_in_canonical_form():
    text = dump_snapshot(FULL, schema_ref=None)
    assert "ix_t_n: {columns: [n], using: brin}" in text
    assert "ix_t_s: {columns: [s], unique: true, include: [n, id]}" in text
    again = load_snapshot_text(text, "1.0.0.yaml")
    assert again.tables == FULL.tables
    assert again.views[0].indexes == MV.indexes
    assert dump_snapshot(again, schema_ref=None) == text


def test_btree_is_the_default_and_written_by_leaving_using_out():
    s = load_snapshot_text(HEAD + "      ix: {columns: [n], using: btree}\n", "1.0.0.yaml")
    assert s.tables[0].indexes[0].using is None
    assert "using" not in dump_snapshot(s, schema_ref=None)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            "ix: {columns: [n], using: rtree}",
            "10:33: tables.t.indexes.ix.using: unknown index method 'rtree' (expected one of "
            "brin, gin, gist, hash, spgist)",
        ),
        ("ix: {columns: [n], using: [gin]}", "10:33: tables.t.indexes.ix.using: expected an index method"),
        ("ix: {columns: [n], include: s}", "10:35: tables.t.indexes.ix.include: expected a list of columns"),
        ("ix: {columns: [n], using: gin, with: {x: 1}}", "10:45: tables.t.indexes.ix.with.x: unknown index storage parameter 'x'"),
        ("ix: {columns: [n], wiht: {fillfactor: 1}}", "10:26: tables.t.indexes.ix.wiht: unknown key 'wiht'"),
    ],
)  # fmt: skip
def test_bad_values_name_file_line_and_column(entry, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + "      " + entry + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_include_of_an_unknown_column_is_a_problem():
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + "      ix: {columns: [n], include: [nope]}\n", "1.0.0.yaml")
    assert (
        "1.0.0.yaml:10:36: tables.t.indexes.ix.include[0]: index ix names unknown column 'nope' of t"
        in str(e.value)
    )


def test_targets_other_than_postgresql_refuse_them_naming_the_entry():
    text = dump_snapshot(FULL, schema_ref=None)
    _, sm, _ = parse_yaml(text, "1.0.0.yaml")
    problems = [str(p) for p in validate(FULL, source_map=sm, file="1.0.0.yaml",
                                         targets=["postgresql", "mysql"])]  # fmt: skip
    line = text.splitlines().index("      ix_t_n: {columns: [n], using: brin}") + 1
    assert any(
        p.startswith(f"1.0.0.yaml:{line}:")
        and "index method brin of t.ix_t_n exists on PostgreSQL only" in p
        for p in problems
    ), problems
    assert any("include columns of index t.ix_t_s exists on PostgreSQL only" in p for p in problems)
    assert any("index method hash of mv.ix_mv" in p for p in problems), problems
    assert not validate(FULL, targets=["postgresql"])


def test_an_index_with_a_method_is_created_after_the_extensions():
    old = Snapshot(release="1.0.0", tables=(T.__class__(name="t", columns=T.columns,
                   primary_key=T.primary_key),))  # fmt: skip
    new = Snapshot(release="2.0.0", tables=(T,), extensions=(Extension(name="pg_trgm"),))
    plan = make_plan(old, new)
    order = [op.describe() for op in plan.ops]
    assert order.index("Create extension pg_trgm") < order.index(
        "Create index ix_t_n on t using brin (n)"
    ), order
    assert "Create unique index ix_t_s on t (s) include (n, id)" in order


def test_the_revision_passes_method_and_include_to_alembic():
    from planner.revisions.convert_schema import _index_op

    op = _index_op(T, T.indexes[1])
    assert op.kw == {"postgresql_include": ["n", "id"]}
    op = _index_op(T, T.indexes[0])
    assert op.kw == {"postgresql_using": "brin"}


def test_models_round_trip_through_sqlalchemy_metadata():
    from planner.state.capture_models import from_metadata, to_metadata

    s = Snapshot(release="1.0.0", tables=(T,))
    back = from_metadata(to_metadata(s), release="1.0.0")
    assert back.tables[0].indexes == T.indexes


def test_comments_round_trip_on_tables_and_views_and_only_postgresql_has_them():
    def commented(ix: Index) -> Index:
        return Index(name=ix.name, columns=ix.columns, unique=ix.unique, using=ix.using,
                     include=ix.include, comment=f"it's {ix.name}")  # fmt: skip

    t = Table(name=T.name, columns=T.columns, primary_key=T.primary_key,
              indexes=(commented(T.indexes[0]), T.indexes[1]))  # fmt: skip
    mv = View(name=MV.name, kind=MV.kind, definition=MV.definition,
              indexes=(MV.indexes[0], commented(MV.indexes[1])))  # fmt: skip
    s = Snapshot(release="1.0.0", tables=(t,), views=(mv,))
    text = dump_snapshot(s, schema_ref=None)
    assert 'ix_t_n: {columns: [n], using: brin, comment: "it\'s ix_t_n"}' in text
    again = load_snapshot_text(text, "1.0.0.yaml")
    assert again.tables == s.tables and again.views[0].indexes == mv.indexes
    assert not validate(s, targets=["postgresql"])
    problems = [str(p) for p in validate(s, targets=["postgresql", "sqlite"])]
    assert any("comment of index t.ix_t_n exists on PostgreSQL only" in p for p in problems)
    assert any("comment of index mv.ix_mv_id exists on PostgreSQL only" in p for p in problems)
    from planner.state.capture_models import from_metadata, to_metadata

    back = from_metadata(to_metadata(Snapshot(release="1.0.0", tables=(t,))), release="1.0.0")
    assert back.tables[0].indexes == t.indexes
    bad = HEAD + "      ix: {columns: [n], comment: [a]}\n"
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(bad, "1.0.0.yaml")
    assert "tables.t.indexes.ix.comment: expected a comment" in str(e.value)
