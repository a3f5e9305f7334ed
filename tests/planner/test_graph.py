"""Graph rule tests: each rule of planner.graph as an edge with its reason, and the order."""

from __future__ import annotations

import dataclasses

import pytest

from planner.diff import diff_snapshots
from planner.graph import CycleError, build_graph, describe_ref, order, order_operations
from planner.ops import (
    AddForeignKey,
    CreateTable,
    InsertRows,
)
from planner.plan import apply_plan, make_downgrade_plan, make_plan
from planner.state.model import (
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)

ID = Column(name="id", type="Integer", nullable=False)


def table(name, *cols, **kw) -> Table:
    return Table(name=name, columns=(ID, *cols), primary_key=PrimaryKey(columns=("id",)), **kw)


def fk(name, col, ref) -> ForeignKey:
    return ForeignKey(name=name, columns=(col,), ref_table=ref, ref_columns=("id",))


def rows(*dicts) -> RowSet:
    return RowSet(key=("id",), rows=tuple(FrozenMap(d) for d in dicts))


def snap(*tables, enums=(), release="1") -> Snapshot:
    return Snapshot(release=release, tables=tables, enums=enums)


def position(plan, text: str) -> int:
    for i, op in enumerate(plan.ops):
        if op.describe().startswith(text):
            return i
    raise AssertionError(f"no op {text!r} in\n" + "\n".join(plan.describe()))


def reasons(plan) -> set[str]:
    return {e.reason for e in plan.edges}


def test_table_before_the_foreign_keys_that_need_it_with_reason():
    camp = table("campaigns")
    sites = table(
        "sites",
        Column(name="campaign_id", type="Integer"),
        foreign_keys=(fk("fk_sites_campaign_id_campaigns", "campaign_id", "campaigns"),),
    )
    # the operations as diff makes them: the foreign key apart
    ops = diff_snapshots(snap(), snap(camp, sites))
    g = build_graph(ops)
    fk_op = next(i for i, op in enumerate(ops) if op.kind == "add_foreign_key")
    assert g.edges[
        next(i for i, op in enumerate(ops) if op.describe().startswith("Create table campaigns")),
        fk_op,
    ]["reason"] == ("fk_sites_campaign_id_campaigns needs table campaigns")
    # the plan folds it into CREATE TABLE sites, after campaigns
    plan = make_plan(snap(), snap(camp, sites))
    assert "create table sites needs table campaigns" in reasons(plan)
    assert position(plan, "Create table campaigns") < position(plan, "Create table sites")
    assert not any(op.kind == "add_foreign_key" for op in plan.ops)


def test_edges_point_forward_and_name_real_ops():
    camp = table("campaigns")
    sites = table(
        "sites",
        Column(name="campaign_id", type="Integer"),
        foreign_keys=(fk("fk_s", "campaign_id", "campaigns"),),
    )
    plan = make_plan(snap(), snap(camp, sites))
    assert plan.edges
    for e in plan.edges:
        assert e.src < e.dst < len(plan.ops)


def test_mutual_foreign_keys_between_new_tables_need_no_break():
    a = table("a", Column(name="b_id", type="Integer"), foreign_keys=(fk("fk_a_b", "b_id", "b"),))
    b = table("b", Column(name="a_id", type="Integer"), foreign_keys=(fk("fk_b_a", "a_id", "a"),))
    plan = make_plan(snap(), snap(a, b))
    assert [op.kind for op in plan.ops] == [
        "create_table",
        "create_table",
        "add_foreign_key",
        "add_foreign_key",
    ]


def test_enum_created_before_its_columns_and_dropped_after_the_last_user():
    e = Enum(name="lvl", values=("a",))
    user = table("t", Column(name="level", type="Enum(lvl)"))
    up = make_plan(snap(), snap(user, enums=(e,)))
    assert position(up, "Create enum lvl") < position(up, "Create table t")
    assert "create table t needs enum lvl" in reasons(up)
    down = make_plan(snap(user, enums=(e,)), snap(table("t")))
    assert position(down, "Drop column t.level") < position(down, "Drop enum lvl")
    assert "drop column t.level needs enum lvl before drop enum lvl removes it" in reasons(down)


def test_enum_value_changes_convert_only_the_columns_that_keep_the_type():
    """A table or column dropped, or retyped away from the enum, goes before the enum is
    rebuilt (PostgreSQL could not drop the old type, its rows may hold a removed value);
    one made or retyped to the enum comes after its values change (MariaDB and SQLite
    write the values into the column). Soak case mysql_enum_rebuild_new_table."""
    old = Enum(name="lvl", values=("a", "b"))
    new = Enum(name="lvl", values=("c", "a"))  # b removed, c added in front: rebuilt
    kept = table("kept", Column(name="level", type="Enum(lvl)"))
    gone = table("gone", Column(name="level", type="Enum(lvl)"), rows=rows({"id": 1, "level": "b"}))
    away = table("away", Column(name="level", type="Enum(lvl)"))
    away_after = table("away", Column(name="level", type="Text"))
    made = table("made", Column(name="level", type="Enum(lvl)"), rows=rows({"id": 1, "level": "c"}))
    plan = make_plan(
        snap(kept, gone, away, enums=(old,)), snap(kept, away_after, made, enums=(new,))
    )
    rebuild = position(plan, "Rebuild enum lvl")
    assert position(plan, "Drop table gone") < rebuild
    assert position(plan, "Alter column away.level type Enum(lvl) -> Text") < rebuild
    assert rebuild < position(plan, "Create table made")
    assert (
        "drop table gone needs enum lvl with its old values before rebuild enum lvl removes it"
        in reasons(plan)
    )
    rebuilds = [op for op in plan.ops if op.kind == "rebuild_enum"]
    assert [op.columns for op in rebuilds] == [((None, "kept", "level"),)]
    # and back: the same rules the other way round
    down = make_downgrade_plan(
        snap(kept, gone, away, enums=(old,)), snap(kept, away_after, made, enums=(new,))
    )
    rebuild = position(down, "Rebuild enum lvl")
    assert position(down, "Drop table made") < rebuild < position(down, "Create table gone")
    assert rebuild < position(down, "Alter column away.level type Text -> Enum(lvl)")


def test_row_taking_over_unique_values_waits_for_the_delete_and_children_move_via_null():
    """A default row re-keyed (id 1 -> 2) keeps its unique name: the new row can only be
    inserted once the old one is deleted, which waits for the child moved to the new
    row. The child's reference is set NULL first, and to the new row after the insert.
    Convergence case rows_unique_values_taken_over."""
    name = Column(name="name", type="String(20)")
    states = lambda *r: table("states", name, rows=rows(*r))  # noqa: E731
    ref = Column(name="state_id", type="Integer")

    def child(sid):
        return table(
            "items",
            ref,
            foreign_keys=(fk("fk_i_s", "state_id", "states"),),  # noqa: E731
            rows=rows({"id": 7, "state_id": sid}),
        )

    a = states({"id": 1, "name": "valid"})
    a = dataclasses.replace(a, uniques=(Unique(name="uq_states_name", columns=("name",)),))
    b = dataclasses.replace(a, rows=rows({"id": 2, "name": "valid"}))
    plan = make_plan(snap(a, child(1)), snap(b, child(2)))
    text = plan.describe()
    clear = position(plan, "Update row items (id)=(7): state_id 1 -> None")
    delete = position(plan, "Delete 1 row from states: (id)=(1)")
    insert = position(plan, "Insert 1 row into states: (id)=(2)")
    point = position(plan, "Update row items (id)=(7): state_id None -> 2")
    assert clear < delete < insert < point, text
    assert any("waits until delete" in r and "(name='valid') of states" in r for r in reasons(plan))
    assert apply_plan(plan) == snap(b, child(2))


def test_unique_values_moving_between_updated_rows():
    """Row 2 takes the unique code row 1 gives up: row 1 is updated first. Two rows
    swapping their codes: one goes through NULL. Case rows_unique_value_moved_between_rows."""
    code = Column(name="code", type="String(10)")
    uq = (Unique(name="uq_t_code", columns=("code",)),)
    t = lambda *r: table("t", code, uniques=uq, rows=rows(*r))  # noqa: E731
    plan = make_plan(
        snap(t({"id": 1, "code": "a"}, {"id": 2, "code": "b"})),
        snap(t({"id": 1, "code": "c"}, {"id": 2, "code": "a"})),
    )
    assert position(plan, "Update row t (id)=(1)") < position(plan, "Update row t (id)=(2)")
    swap = make_plan(
        snap(t({"id": 1, "code": "a"}, {"id": 2, "code": "b"})),
        snap(t({"id": 1, "code": "b"}, {"id": 2, "code": "a"})),
    )
    text = "\n".join(swap.describe())
    assert "-> None" in text and len(swap.ops) == 3, text
    assert apply_plan(swap) == snap(t({"id": 1, "code": "b"}, {"id": 2, "code": "a"}))


def test_undeclared_reference_to_a_deleted_row_is_set_null():
    """A child row that no longer declares its reference, while the referenced row is
    deleted: the reference is set NULL (left alone it would dangle). Case
    rows_undeclared_fk_value_to_deleted_row."""
    parent = lambda *r: table("p", rows=rows(*r) if r else None)  # noqa: E731
    ref = Column(name="p_id", type="Integer")
    child = lambda row: table("c", ref, foreign_keys=(fk("fk_c_p", "p_id", "p"),), rows=rows(row))  # noqa: E731
    plan = make_plan(
        snap(parent({"id": 5}), child({"id": 1, "p_id": 5})),
        snap(parent({"id": 6}), child({"id": 1})),
    )
    clear = position(plan, "Update row c (id)=(1): p_id 5 -> None")
    assert clear < position(plan, "Delete 1 row from p: (id)=(5)")


def test_server_defaults_around_a_type_change():
    """The old default goes before the type change (PostgreSQL would cast it to the new
    type: 'x' is no timestamp), the new one after it. Case pg_default_around_type_change."""
    old_col = Column(name="at", type="DateTime", nullable=False, server_default="CURRENT_TIMESTAMP")
    new_col = Column(name="at", type="Text", nullable=False, server_default="'x'")
    up = make_plan(snap(table("t", old_col)), snap(table("t", new_col)))
    alter = position(up, "Alter column t.at type DateTime -> Text")
    assert position(up, "Drop server default of t.at") < alter
    assert alter < position(up, "Set server default of t.at to 'x'")
    assert apply_plan(up) == snap(table("t", new_col))
    down = make_downgrade_plan(snap(table("t", old_col)), snap(table("t", new_col)))
    alter = position(down, "Alter column t.at type Text -> DateTime")
    assert position(down, "Drop server default of t.at") < alter
    assert alter < position(down, "Set server default of t.at to CURRENT_TIMESTAMP")
    # a default only added or only dropped: one op, on the right side
    plain = Column(name="at", type="DateTime", nullable=False)
    up = make_plan(snap(table("t", plain)), snap(table("t", new_col)))
    assert position(up, "Alter column t.at type") < position(
        up, "Set server default of t.at to 'x'"
    )
    down = make_plan(snap(table("t", new_col)), snap(table("t", plain)))
    assert position(down, "Drop server default of t.at") < position(down, "Alter column t.at type")


def test_foreign_keys_dropped_before_the_tables_they_point_at():
    camp = table("campaigns")
    sites = table(
        "sites",
        Column(name="campaign_id", type="Integer"),
        foreign_keys=(fk("fk_s_c", "campaign_id", "campaigns"),),
    )
    plan = make_plan(
        snap(camp, sites), snap(table("sites", Column(name="campaign_id", type="Integer")))
    )
    assert position(plan, "Drop foreign key fk_s_c") < position(plan, "Drop table campaigns")


def _parent_child(parent_rows, child_rows):
    parent = table("cat", rows=rows(*parent_rows) if parent_rows else None)
    child = table(
        "sub",
        Column(name="cat_id", type="Integer"),
        foreign_keys=(fk("fk_sub_cat", "cat_id", "cat"),),
        rows=rows(*child_rows) if child_rows else None,
    )
    return snap(parent, child)


def test_parent_rows_inserted_before_children_deleted_after():
    a = _parent_child([{"id": 1}], [{"id": 1, "cat_id": 1}])
    b = _parent_child([{"id": 2}], [{"id": 2, "cat_id": 2}])
    plan = make_plan(a, b)
    assert position(plan, "Insert 1 row into cat") < position(plan, "Insert 1 row into sub")
    assert position(plan, "Delete 1 row from sub") < position(plan, "Delete 1 row from cat")
    assert "insert rows sub needs row cat (2)" in reasons(plan)
    assert "delete rows sub needs row cat (1) before delete rows cat removes it" in reasons(plan)
    assert apply_plan(plan) == b


def test_rows_inserted_after_their_columns_and_before_not_null():
    a = snap(table("u", rows=rows({"id": 1})))
    b = snap(
        table(
            "u",
            Column(name="code", type="String(8)", nullable=False),
            rows=rows({"id": 1, "code": "x"}, {"id": 2, "code": "y"}),
        )
    )
    plan = make_plan(a, b)
    assert position(plan, "Add column u.code") < position(plan, "Insert 1 row into u")
    assert position(plan, "Update row u (id)=(1)") < position(plan, "Set u.code NOT NULL")
    assert position(plan, "Insert 1 row into u") < position(plan, "Set u.code NOT NULL")
    assert "alter column nullable u.code needs values of u.code" in reasons(plan)


def test_row_cycle_between_two_managed_tables_is_broken_with_an_update():
    a = table(
        "a",
        Column(name="b_id", type="Integer"),
        foreign_keys=(fk("fk_a_b", "b_id", "b"),),
        rows=rows({"id": 1, "b_id": 1}),
    )
    b = table(
        "b",
        Column(name="a_id", type="Integer"),
        foreign_keys=(fk("fk_b_a", "a_id", "a"),),
        rows=rows({"id": 1, "a_id": 1}),
    )
    target = snap(a, b)
    plan = make_plan(snap(), target)
    assert plan.describe() == [
        "Create table a (id, b_id)",
        "Create table b (id, a_id)",
        "Insert 1 row into a: (id)=(1)",
        "Insert 1 row into b: (id)=(1)",
        "Update row a (id)=(1): b_id None -> 1",
        "Add foreign key fk_a_b on a (b_id) -> b (id)",
        "Add foreign key fk_b_a on b (a_id) -> a (id)",
    ]
    assert apply_plan(plan) == target


def test_unbreakable_cycle_raises_listing_the_operations():
    cols = lambda ref: (Column(name=f"{ref}_id", type="Integer", nullable=False),)  # noqa: E731
    a = Table(
        name="a",
        columns=(ID, *cols("b")),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(fk("fk_a_b", "b_id", "b"),),
        rows=rows({"id": 1, "b_id": 1}),
    )
    b = Table(
        name="b",
        columns=(ID, *cols("a")),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(fk("fk_b_a", "a_id", "a"),),
        rows=rows({"id": 1, "a_id": 1}),
    )
    with pytest.raises(CycleError) as err:
        make_plan(snap(), snap(a, b))
    assert set(err.value.descriptions) == {
        "Insert 1 row into a: (id)=(1)",
        "Insert 1 row into b: (id)=(1)",
    }
    assert "Insert 1 row into a: (id)=(1)" in str(err.value)


def test_order_raises_cycle_error_from_find_cycle():
    t1 = CreateTable(table=table("x"))
    ins_a = InsertRows(
        table_key=(None, "x"),
        key=("id",),
        rows=(FrozenMap({"id": 1}),),
        parents=(("row", (None, "y", (1,))),),
    )
    ins_b = InsertRows(
        table_key=(None, "y"),
        key=("id",),
        rows=(FrozenMap({"id": 1}),),
        parents=(("row", (None, "x", (1,))),),
    )
    g = build_graph([t1, ins_a, ins_b])
    with pytest.raises(CycleError, match="Insert 1 row into x"):
        order(g)
    with pytest.raises(CycleError):
        order_operations([t1, ins_a, ins_b])  # no target snapshot: nothing may be deferred


def test_reading_order_drops_first_then_renames_creates_and_drops_last():
    old = snap(table("gone"), table("places"), table("keep", Column(name="x", type="Integer")))
    new = snap(
        table("sites", renamed_from="places"),
        table("keep", Column(name="y", type="Integer")),
        table("fresh"),
        release="2",
    )
    assert make_plan(old, new).describe() == [
        "Rename table places to sites (places_pkey -> sites_pkey (PostgreSQL), "
        "sequence places_id_seq -> sites_id_seq)",
        "Create table fresh (id)",
        "Add column keep.y Integer",
        "Drop column keep.x",
        "Drop table gone",
    ]


def test_order_is_stable_for_the_same_input():
    a = table("a", Column(name="b_id", type="Integer"), foreign_keys=(fk("fk_a_b", "b_id", "b"),))
    b = table("b", Column(name="a_id", type="Integer"), foreign_keys=(fk("fk_b_a", "a_id", "a"),))
    plans = [make_plan(snap(), snap(a, b)) for _ in range(3)]
    assert plans[0].ops == plans[1].ops == plans[2].ops


def test_build_graph_reason_for_given_fk():
    c = CreateTable(table=table("campaigns"))
    f = AddForeignKey(table_key=(None, "sites"), fk=fk("fk_sites_c", "c", "campaigns"))
    g = build_graph([f, c])
    assert g.edges[1, 0]["reason"] == "fk_sites_c needs table campaigns"


@pytest.mark.parametrize(
    "ref, text",
    [
        (("table", ("ops", "sites")), "table ops.sites"),
        (("enum_value", ("lvl", "a")), "value 'a' of enum lvl"),
        (("row", (None, "units", ("kWh",))), "row units ('kWh')"),
        (("filled", (None, "t", "c")), "values of t.c"),
        (("referenced", (None, "t", ("id",))), "key t (id)"),
        (("relname", ("ops", "ix_b")), "name ops.ix_b"),
    ],
)
def test_describe_ref(ref, text):
    assert describe_ref(ref) == text


def test_foreign_keys_on_a_recreated_primary_key_are_dropped_and_re_added_around_it():
    child = table(
        "sub",
        Column(name="cat_id", type="Integer"),
        foreign_keys=(fk("fk_sub_cat", "cat_id", "cat"),),
    )
    a = snap(table("cat"), child)
    b = snap(
        Table(name="cat", columns=(ID,), primary_key=PrimaryKey(name="pk_cat", columns=("id",))),
        child,
    )
    plan = make_plan(a, b)
    assert plan.describe() == [
        "Drop foreign key fk_sub_cat on sub (cat_id) -> cat (id)",
        "Drop primary key of cat",
        "Add primary key pk_cat on cat (id)",
        "Add foreign key fk_sub_cat on sub (cat_id) -> cat (id)",
    ]
    assert apply_plan(plan) == b


def test_a_name_moved_to_a_new_table_is_freed_before_it_is_taken():
    """PostgreSQL: index and key names are schema-wide; SQLite: index names database-wide."""
    from planner.state.model import Index, Unique

    a_col, b_col = Column(name="a", type="Integer"), Column(name="b", type="Integer")
    old_t = table(
        "old_t",
        a_col,
        b_col,
        uniques=(Unique(name="u_a", columns=("a",)),),
        indexes=(Index(name="IX_B", columns=("b",)),),
    )
    new_t = table(
        "new_t",
        a_col,
        b_col,
        uniques=(Unique(name="u_a", columns=("a",)),),
        indexes=(Index(name="ix_b", columns=("b",)),),
    )
    plan = make_plan(snap(old_t), snap(new_t))
    drop = position(plan, "Drop table old_t")
    assert drop < position(plan, "Create table new_t") and drop < position(
        plan, "Create index ix_b"
    )
    assert "create table new_t takes name u_a after drop table old_t frees it" in reasons(plan)
    assert "ix_b takes name ix_b after drop table old_t frees it" in reasons(plan)  # case folded
    down = make_downgrade_plan(snap(old_t), snap(new_t))
    assert position(down, "Drop table new_t") < position(down, "Create table old_t")


def test_a_foreign_key_re_added_around_a_dropped_key_uses_the_key_that_stays():
    """Two keys on the same columns (any order), one dropped: PostgreSQL ties the foreign
    key to one of them, so it is dropped first and re-added after the drop."""
    from planner.state.model import Index, Unique

    x, y = Column(name="x", type="Integer"), Column(name="y", type="Integer")
    parent_old = table(
        "parent",
        x,
        y,
        uniques=(Unique(name="u_xy", columns=("x", "y")),),
        indexes=(Index(name="ux_yx", columns=("y", "x"), unique=True),),
    )
    parent_new = table(
        "parent", x, y, indexes=(Index(name="ux_yx", columns=("y", "x"), unique=True),)
    )
    child = Table(
        name="child",
        columns=(ID, x, y),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(
            ForeignKey(name="fk_c", columns=("y", "x"), ref_table="parent", ref_columns=("y", "x")),
        ),
    )
    plan = make_plan(snap(parent_old, child), snap(parent_new, child))
    assert plan.describe() == [
        "Drop foreign key fk_c on child (y, x) -> parent (y, x)",
        "Drop unique constraint u_xy on parent",
        "Add foreign key fk_c on child (y, x) -> parent (y, x)",
    ]
    assert "fk_c uses another key parent (x, y) after drop unique u_xy removes one" in reasons(plan)
    assert apply_plan(plan) == snap(parent_new, child, release="1")


def test_a_foreign_key_is_dropped_before_the_last_index_mariadb_can_use_for_it():
    from planner.state.model import Index

    w, v = Column(name="w", type="Integer"), Column(name="v", type="Integer")
    before = snap(
        table("p"),
        table(
            "c",
            w,
            v,
            foreign_keys=(fk("fk_w", "w", "p"),),
            indexes=(Index(name="ix_wv", columns=("w", "v")),),
        ),
    )
    after = snap(table("p"), table("c", w, v, foreign_keys=(fk("fk_w", "w", "p"),)))
    plan = make_plan(before, after)
    assert plan.describe() == [
        "Drop foreign key fk_w on c (w) -> p (id)",
        "Drop index ix_wv on c",
        "Add foreign key fk_w on c (w) -> p (id)",
    ]
    assert "drop foreign key fk_w needs index ix_wv before drop index ix_wv removes it" in reasons(
        plan
    )
    assert "fk_w waits until drop index ix_wv removes index ix_wv" in reasons(plan)
    # an index kept with the foreign key's columns first: nothing to re-add
    kept = Index(name="ix_w", columns=("w",))
    before2 = snap(
        table("p"),
        table(
            "c",
            w,
            v,
            foreign_keys=(fk("fk_w", "w", "p"),),
            indexes=(kept, Index(name="ix_wv", columns=("w", "v"))),
        ),
    )
    after2 = snap(
        table("p"), table("c", w, v, foreign_keys=(fk("fk_w", "w", "p"),), indexes=(kept,))
    )
    assert make_plan(before2, after2).describe() == ["Drop index ix_wv on c"]


def test_a_name_a_table_rename_carries_along_is_dropped_after_the_rename():
    """pk_e00 -> pk_ren_0 by the naming convention, then the primary key loses its name:
    the drop frees the name the rename gave (no cycle through the schema-wide name)."""
    from pathlib import Path

    from planner.state.yamlio import load_snapshot

    case = (
        Path(__file__).resolve().parents[1]
        / "cases"
        / "convergence"
        / "renamed_table_convention_pkey_dropped"
    )
    a, b = (load_snapshot(case / f"{n}.yaml", expected_release=False) for n in ("before", "after"))
    plan = make_plan(a, b)
    assert plan.describe()[:2] == [
        "Rename table e00 to ren_0 (pk_e00 -> pk_ren_0, sequence e00_h7_seq -> ren_0_h7_seq)",
        "Drop primary key pk_ren_0 of ren_0",
    ]
    down = make_downgrade_plan(a, b)
    assert down.describe()[0].startswith(
        "Rename table ren_0 to e00 (ren_0_pkey -> e00_pkey (PostgreSQL)"
    )


def test_rows_are_inserted_after_a_not_null_column_they_do_not_fill_is_dropped():
    """Going down, a row comes back while a NOT NULL column without a default goes away:
    the insert must wait for the drop (the row has no value for it)."""
    from planner.ops import DropColumn, InsertRows
    from planner.state.model import Column, FrozenMap, PrimaryKey, RowSet, Snapshot, Table

    def snap(release, extra, rows):
        cols = (Column(name="id", type="Integer", nullable=False), *extra)
        t = Table(
            name="t",
            columns=cols,
            primary_key=PrimaryKey(columns=("id",)),
            rows=RowSet(key=("id",), rows=tuple(FrozenMap(r) for r in rows)),
        )
        return Snapshot(release=release, tables=(t,))

    a = snap("1", (), [{"id": 1}, {"id": 2}])
    b = snap("2", (Column(name="flag", type="Boolean", nullable=False),), [{"id": 2, "flag": True}])
    down = make_downgrade_plan(a, b)
    kinds = [type(op) for op in down.ops]
    assert kinds.index(DropColumn) < kinds.index(InsertRows), [str(op) for op in down.ops]
    assert apply_plan(down).tables == a.tables


def _typed(release, type_, values):
    d = Column(name="d", type=type_)
    return snap(table("t", d, rows=rows(*({"id": i, "d": v} for i, v in values))), release=release)


def test_rows_holding_values_a_type_change_cannot_cast_go_before_it():
    """Text -> Integer: a deleted row and a row whose value changes hold text the database
    cannot cast; they are deleted / set NULL before the change, given values after it."""
    a = _typed("1", "Text", [(1, "a"), (2, "b")])
    b = _typed("2", "Integer", [(1, 5)])
    plan = make_plan(a, b)
    assert plan.describe() == [
        "Delete 1 row from t: (id)=(2)",
        "Update row t (id)=(1): d 'a' -> None",
        "Alter column t.d type Text -> Integer",
        "Update row t (id)=(1): d None -> 5",
    ]
    assert {
        "rows of t deleted before alter column type t.d casts the old values",
        "row t (1) set NULL before alter column type t.d casts the old values",
        "row t (1) written after alter column type t.d (values of the new type)",
    } <= reasons(plan)
    assert apply_plan(plan).tables == b.tables
    down = make_downgrade_plan(a, b)
    assert position(down, "Alter column t.d") < position(down, "Insert 1 row into t")
    assert position(down, "Alter column t.d") < position(down, "Update row t (id)=(1): d 5 -> 'a'")
    assert apply_plan(down).tables == a.tables


def test_rows_kept_through_a_change_of_family_are_written_again_after_it():
    """DateTime -> Text: the database keeps its own text form of the value
    ('2020-01-02 03:04:05+00'); the row is written again with the snapshot's text."""
    v = "2020-01-02T03:04:05+00:00"
    a = _typed("1", "DateTime(timezone=True)", [(1, v), (2, None)])
    b = _typed("2", "Text", [(1, v), (2, None)])
    assert make_plan(a, b).describe() == [
        "Alter column t.d type DateTime(timezone=True) -> Text",
        f"Update row t (id)=(1): d {v!r} -> {v!r}",
    ]
    # widening within a family keeps the stored form: nothing to rewrite
    assert make_plan(
        _typed("1", "String(10)", [(1, "x")]), _typed("2", "String(20)", [(1, "x")])
    ).describe() == ["Alter column t.d type String(10) -> String(20)"]


def test_a_foreign_key_waits_for_the_index_mariadb_needs_on_the_referenced_columns_in_order():
    """The parent's unique (x, y) is a key for PostgreSQL, but MariaDB needs an index whose
    first columns are (y, x), in this order: the foreign key is added after it (errno 150)."""
    from planner.state.model import Index, Unique

    x, y = Column(name="x", type="Integer"), Column(name="y", type="Integer")
    px, py = Column(name="px", type="Integer"), Column(name="py", type="Integer")
    parent = table("parent", x, y, uniques=(Unique(name="u_xy", columns=("x", "y")),))
    child = table("child", px, py)
    fk_yx = ForeignKey(
        name="fk_yx", columns=("py", "px"), ref_table="parent", ref_columns=("y", "x")
    )
    parent2 = dataclasses.replace(parent, indexes=(Index(name="ix_yx", columns=("y", "x")),))
    child2 = dataclasses.replace(child, foreign_keys=(fk_yx,))
    # new tables: the foreign key is folded into CREATE TABLE child, which waits
    plan = make_plan(snap(), snap(parent2, child2, release="2"))
    assert position(plan, "Create index ix_yx") < position(plan, "Create table child"), (
        plan.describe()
    )
    assert (
        "create table child after ix_yx: MariaDB needs an index on parent (y, x) in this order"
        in reasons(plan)
    )
    plan = make_plan(snap(parent, child), snap(parent2, child2, release="2"))
    assert position(plan, "Create index ix_yx") < position(plan, "Add foreign key fk_yx"), (
        plan.describe()
    )
    assert "fk_yx after ix_yx: MariaDB needs an index on parent (y, x) in this order" in reasons(
        plan
    )


def test_a_derived_name_another_table_holds_is_not_carried_along_by_a_table_rename():
    """t -> u would carry ix_t_a to ix_u_a, a name z's index keeps: the rename leaves the
    index alone (SQLite: 'index ix_u_a already exists'; PostgreSQL: relation exists)."""
    from planner.state.model import Index

    a_col = Column(name="a", type="Integer")
    conv = {"ix": "ix_%(table_name)s_%(column_0_name)s"}
    z = table("z", a_col, indexes=(Index(name="ix_u_a", columns=("a",)),))
    t = table("t", a_col, indexes=(Index(name="ix_t_a", columns=("a",)),))
    u = dataclasses.replace(t, name="u", renamed_from="t")
    old = dataclasses.replace(snap(t, z), naming_convention=conv)
    new = dataclasses.replace(snap(u, z, release="2"), naming_convention=conv)
    plan = make_plan(old, new)
    assert [op.kind for op in plan.ops] == ["rename_table"]
    assert plan.ops[0].index_renames == ()
    assert apply_plan(plan).get_table((None, "u")).indexes == t.indexes


def test_a_foreign_key_is_dropped_before_the_last_ordered_index_of_the_referenced_table():
    """MariaDB refuses to drop parent's ix_yx, the last index starting with (y, x) that
    fk_yx needs ("needed in a foreign key constraint"), until u_yx exists: the foreign
    key is dropped before the index and added again after it and u_yx."""
    from planner.state.model import Index, Unique

    x, y = Column(name="x", type="Integer"), Column(name="y", type="Integer")
    px, py = Column(name="px", type="Integer"), Column(name="py", type="Integer")
    fk_yx = ForeignKey(
        name="fk_yx", columns=("py", "px"), ref_table="parent", ref_columns=("y", "x")
    )
    child = table("child", px, py, foreign_keys=(fk_yx,))
    u_xy = Unique(name="u_xy", columns=("x", "y"))
    old = table("parent", x, y, uniques=(u_xy,), indexes=(Index(name="ix_yx", columns=("y", "x")),))
    new = table("parent", x, y, uniques=(u_xy, Unique(name="u_yx", columns=("y", "x"))))
    plan = make_plan(snap(old, child), snap(new, child, release="2"))
    drop_fk, add_fk = (
        position(plan, "Drop foreign key fk_yx"),
        position(plan, "Add foreign key fk_yx"),
    )
    assert drop_fk < position(plan, "Drop index ix_yx") < add_fk
    assert position(plan, "Add unique constraint u_yx") < add_fk


# ------------------------------------------------------------------ folding foreign keys


def test_foreign_keys_of_new_tables_fold_into_create_table_and_drops_into_drop_table():
    camp = table("campaigns")
    sites = table(
        "sites",
        Column(name="campaign_id", type="Integer"),
        Column(name="parent_id", type="Integer"),
        foreign_keys=(
            fk("fk_sites_campaign_id_campaigns", "campaign_id", "campaigns"),
            fk("fk_sites_parent_id_sites", "parent_id", "sites"),
        ),
    )
    plan = make_plan(snap(), snap(camp, sites, release="2"))
    assert plan.describe() == [
        "Create table campaigns (id)",
        "Create table sites (id, campaign_id, parent_id) with foreign keys "
        "fk_sites_campaign_id_campaigns -> campaigns, fk_sites_parent_id_sites -> sites",
    ]
    assert apply_plan(plan) == snap(camp, sites, release="2")
    down = make_downgrade_plan(snap(), snap(camp, sites, release="2"))
    # the referencing table goes first, its foreign keys with it
    assert down.describe() == ["Drop table sites", "Drop table campaigns"]
    assert apply_plan(down) == snap()


def test_tables_referencing_each_other_keep_their_foreign_keys_apart():
    a = table(
        "a",
        Column(name="b_id", type="Integer"),
        Column(name="d_id", type="Integer"),
        foreign_keys=(fk("fk_a_b", "b_id", "b"), fk("fk_a_d", "d_id", "d")),
    )
    b = table("b", Column(name="a_id", type="Integer"), foreign_keys=(fk("fk_b_a", "a_id", "a"),))
    c = table("c", Column(name="a_id", type="Integer"), foreign_keys=(fk("fk_c_a", "a_id", "a"),))
    d = table("d")
    plan = make_plan(snap(), snap(a, b, c, d, release="2"))
    apart = [op.fk.name for op in plan.ops if op.kind == "add_foreign_key"]
    assert sorted(apart) == ["fk_a_b", "fk_b_a"], plan.describe()
    folded = {
        op.table.name: [k.name for k in op.table.foreign_keys]
        for op in plan.ops
        if op.kind == "create_table"
    }
    # a's key to d (outside the circle) is folded all the same
    assert folded == {"a": ["fk_a_d"], "b": [], "c": ["fk_c_a"], "d": []}
    assert apply_plan(plan) == snap(a, b, c, d, release="2")
    down = make_downgrade_plan(snap(), snap(a, b, c, d, release="2"))
    assert sorted(op.fk.name for op in down.ops if op.kind == "drop_foreign_key") == [
        "fk_a_b",
        "fk_b_a",
    ]
    assert apply_plan(down) == snap()


def test_a_folded_foreign_key_waits_for_the_key_it_references():
    """A new table's foreign key to a key added to an existing table: folded, the
    CREATE TABLE waits for the key."""
    parent = table("parent", Column(name="code", type="Integer"))
    parent2 = dataclasses.replace(parent, uniques=(Unique(name="uq_code", columns=("code",)),))
    child = table(
        "child",
        Column(name="code", type="Integer"),
        foreign_keys=(
            ForeignKey(
                name="fk_child_code", columns=("code",), ref_table="parent", ref_columns=("code",)
            ),
        ),
    )
    plan = make_plan(snap(parent), snap(child, parent2, release="2"))
    assert position(plan, "Add unique constraint uq_code") < position(plan, "Create table child")
    assert not any(op.kind == "add_foreign_key" for op in plan.ops), plan.describe()
