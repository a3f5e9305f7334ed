"""Diff tests: two snapshots in, the expected operations out."""

from __future__ import annotations

import dataclasses

import pytest

from planner.diff import diff_snapshots, owns_sequence
from planner.ops import (
    AddColumn,
    AddEnumValue,
    AlterColumnNullable,
    BackfillColumn,
    CreateTable,
    DeleteRows,
    InsertRows,
    RebuildEnum,
    RenameColumn,
    RenameTable,
    UpdateRow,
)
from planner.plan import apply_plan, make_downgrade_plan, make_plan
from planner.renames import Renames, renames_from_hints
from planner.state.model import (
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)

ID = Column(name="id", type="Integer", nullable=False)
CONV = (
    ("ix", "ix_%(table_name)s_%(column_0_N_name)s"),
    ("pk", "pk_%(table_name)s"),
    ("uq", "uq_%(table_name)s_%(column_0_N_name)s"),
)


def snap(*tables: Table, enums=(), release="1", conv=()) -> Snapshot:
    return Snapshot(release=release, tables=tables, enums=enums, naming_convention=conv)


def table(name: str, *cols: Column, **kw) -> Table:
    return Table(
        name=name,
        columns=(ID, *cols),
        primary_key=kw.pop("primary_key", PrimaryKey(columns=("id",))),
        **kw,
    )


def rows(key, *dicts) -> RowSet:
    return RowSet(key=key, rows=tuple(FrozenMap(d) for d in dicts))


def kinds(ops) -> list[str]:
    return [op.kind for op in ops]


def lines(ops) -> list[str]:
    return [op.describe() for op in ops]


def test_identical_snapshots_give_nothing():
    s = snap(table("units", Column(name="name", type="String(40)")))
    assert diff_snapshots(s, s) == []


def test_created_table_splits_foreign_keys_indexes_and_rows():
    camp = table("campaigns")
    sites = table(
        "sites",
        Column(name="campaign_id", type="Integer"),
        foreign_keys=(
            ForeignKey(
                name="fk_s_c", columns=("campaign_id",), ref_table="campaigns", ref_columns=("id",)
            ),
        ),
        indexes=(Index(name="ix_s_c", columns=("campaign_id",)),),
        rows=rows(("id",), {"id": 1}),
    )
    ops = diff_snapshots(snap(camp), snap(camp, sites))
    assert kinds(ops) == ["create_table", "add_foreign_key", "create_index", "insert_rows"]
    create = ops[0]
    assert isinstance(create, CreateTable)
    assert (
        create.table.foreign_keys == () and create.table.indexes == () and create.table.rows is None
    )
    assert ops[1].table_is_new and ops[2].table_is_new


def test_dropped_table_drops_its_foreign_keys_not_its_rows():
    camp = table("campaigns")
    sites = table(
        "sites",
        Column(name="campaign_id", type="Integer"),
        foreign_keys=(
            ForeignKey(
                name="fk_s_c", columns=("campaign_id",), ref_table="campaigns", ref_columns=("id",)
            ),
        ),
        rows=rows(("id",), {"id": 1}),
    )
    ops = diff_snapshots(snap(camp, sites), snap(camp))
    assert kinds(ops) == ["drop_foreign_key", "drop_table"]


def test_not_null_column_on_existing_table_is_added_nullable_filled_then_set():
    a = snap(table("sites", rows=rows(("id",), {"id": 1})))
    col = Column(name="forecast", type="Boolean", nullable=False, backfill="false")
    b = snap(table("sites", col, rows=rows(("id",), {"id": 1, "forecast": True})))
    ops = diff_snapshots(a, b)
    assert kinds(ops) == ["add_column", "backfill_column", "alter_column_nullable", "update_row"]
    add, fill, setnn, upd = ops
    assert isinstance(add, AddColumn) and add.column.nullable
    assert isinstance(fill, BackfillColumn) and fill.sql == "false"
    assert isinstance(setnn, AlterColumnNullable) and setnn.nullable is False
    assert isinstance(upd, UpdateRow) and dict(upd.new) == {"forecast": True}
    ordered = make_plan(a, b).ops
    assert kinds(ordered) == [
        "add_column",
        "backfill_column",
        "update_row",
        "alter_column_nullable",
    ]


def test_not_null_column_with_server_default_is_added_directly():
    col = Column(name="level", type="Integer", nullable=False, server_default="0")
    ops = diff_snapshots(snap(table("sites")), snap(table("sites", col)))
    assert lines(ops) == ["Add column sites.level Integer NOT NULL DEFAULT 0"]


def test_column_made_not_null_is_backfilled_first():
    a = snap(table("c", Column(name="tz", type="String(40)")))
    b = snap(table("c", Column(name="tz", type="String(40)", nullable=False, backfill="'UTC'")))
    assert lines(make_plan(a, b).ops) == [
        "Backfill c.tz where NULL with 'UTC'",
        "Set c.tz NOT NULL",
    ]


@pytest.mark.parametrize(
    "default, fill", [("0", "0"), ("'n/a'", "'n/a'"), ("false", "false"), ("now()", None)]
)
def test_not_null_with_a_literal_default_fills_existing_nulls(default, fill):
    """SET NOT NULL does not apply the new default to rows holding NULL: a literal default
    fills them first, like a backfill. Case not_null_with_default_over_null_rows."""
    a = snap(table("c", Column(name="x", type="Text")))
    b = snap(table("c", Column(name="x", type="Text", nullable=False, server_default=default)))
    ops = diff_snapshots(a, b)
    fills = [op.sql for op in ops if op.kind == "backfill_column"]
    assert fills == ([fill] if fill else [])


def test_alters_store_old_values():
    a = snap(table("c", Column(name="x", type="String(40)", server_default="'a'", comment="one")))
    b = snap(table("c", Column(name="x", type="String(80)", server_default="'b'", comment="two")))
    ops = diff_snapshots(a, b)
    # the default changes around the type change: the old one dropped, the new one set
    assert kinds(ops) == [
        "alter_column_type",
        "alter_column_default",
        "alter_column_default",
        "alter_column_comment",
    ]
    assert ops[0].old_type == "String(40)" and ops[3].old == "one"
    assert (ops[1].old, ops[1].new, ops[2].old, ops[2].new) == ("'a'", None, None, "'b'")


def test_table_rename_from_hint_carries_convention_names_pkey_and_sequence():
    a = snap(
        table(
            "places",
            Column(name="name", type="String(40)"),
            primary_key=PrimaryKey(name="pk_places", columns=("id",)),
            uniques=(Unique(name="uq_places_name", columns=("name",)),),
            indexes=(Index(name="ix_places_name", columns=("name",)),),
        ),
        conv=CONV,
    )
    b = snap(
        table(
            "sites",
            Column(name="name", type="String(40)"),
            renamed_from="places",
            primary_key=PrimaryKey(name="pk_sites", columns=("id",)),
            uniques=(Unique(name="uq_sites_name", columns=("name",)),),
            indexes=(Index(name="ix_sites_name", columns=("name",)),),
        ),
        conv=CONV,
    )
    ops = diff_snapshots(a, b)
    assert len(ops) == 1
    op = ops[0]
    assert isinstance(op, RenameTable)
    assert op.constraint_renames == (("pk_places", "pk_sites"), ("uq_places_name", "uq_sites_name"))
    assert op.index_renames == (("ix_places_name", "ix_sites_name"),)
    assert op.sequence_renames == (("places_id_seq", "sites_id_seq"),)
    assert op.default_pkey is None  # named by the convention
    assert apply_plan(make_plan(a, b)) == b


def test_table_rename_with_unnamed_primary_key_renames_default_pkey():
    a = snap(table("places"))
    b = snap(table("sites", renamed_from="places"))
    (op,) = diff_snapshots(a, b)
    assert op.default_pkey == ("places_pkey", "sites_pkey")


def test_column_rename_from_hint_and_stale_hint_ignored():
    a = snap(table("b", Column(name="year_built", type="SmallInteger")))
    b = snap(
        table("b", Column(name="construction_year", type="SmallInteger", renamed_from="year_built"))
    )
    (op,) = diff_snapshots(a, b)
    assert isinstance(op, RenameColumn) and (op.old, op.new) == ("year_built", "construction_year")
    # the hint stays in the next release's file: it must not rename again
    assert diff_snapshots(b, dataclasses.replace(b, release="3")) == []
    assert renames_from_hints(b, b).is_empty


def test_sequence_ownership():
    t = table("t", Column(name="n", type="Integer", autoincrement=True))
    assert owns_sequence(t, ID) and owns_sequence(t, t.column("n"))
    assert not owns_sequence(table("t", primary_key=PrimaryKey(columns=("id", "x"))), ID)


def test_constraint_with_same_definition_new_name_is_renamed():
    a = snap(
        table(
            "t",
            Column(name="x", type="Integer"),
            uniques=(Unique(name="u1", columns=("x",)),),
            indexes=(Index(name="i1", columns=("x",)),),
        )
    )
    b = snap(
        table(
            "t",
            Column(name="x", type="Integer"),
            uniques=(Unique(name="u2", columns=("x",)),),
            indexes=(Index(name="i2", columns=("x",)),),
        )
    )
    assert lines(diff_snapshots(a, b)) == [
        "Rename unique constraint u1 on t to u2",
        "Rename index i1 on t to i2",
    ]


def test_changed_definition_under_same_name_is_drop_then_add():
    a = snap(
        table("t", Column(name="x", type="Integer"), indexes=(Index(name="i", columns=("x",)),))
    )
    b = snap(
        table(
            "t", Column(name="x", type="Integer"), indexes=(Index(name="i", columns=("x", "id")),)
        )
    )
    assert lines(make_plan(a, b).ops) == ["Drop index i on t", "Create index i on t (x, id)"]


def test_enum_value_inserted_between_others_is_added_in_place():
    a = snap(enums=(Enum(name="lvl", values=("info", "error")),))
    b = snap(enums=(Enum(name="lvl", values=("debug", "info", "warning", "error", "fatal")),))
    ops = make_plan(a, b).ops
    assert all(isinstance(op, AddEnumValue) for op in ops)
    assert lines(ops) == [
        "Add value 'debug' to enum lvl before 'info'",
        "Add value 'warning' to enum lvl after 'info'",
        "Add value 'fatal' to enum lvl after 'error'",
    ]
    assert apply_plan(make_plan(a, b)) == b


def test_enum_value_removed_or_reordered_needs_rebuild_with_its_columns():
    user = table("e", Column(name="level", type="Enum(lvl)"))
    a = snap(user, enums=(Enum(name="lvl", values=("a", "b", "c")),))
    b = snap(user, enums=(Enum(name="lvl", values=("c", "a", "d")),))
    ops = diff_snapshots(a, b)
    assert kinds(ops) == ["add_enum_value", "rebuild_enum"]
    rebuild = ops[1]
    assert isinstance(rebuild, RebuildEnum)
    assert rebuild.old_values == ("a", "b", "c", "d") and rebuild.new_values == ("c", "a", "d")
    assert rebuild.columns == ((None, "e", "level"),)
    reorder = diff_snapshots(a, snap(user, enums=(Enum(name="lvl", values=("c", "b", "a")),)))
    assert kinds(reorder) == ["rebuild_enum"]


def test_row_moved_off_a_removed_enum_value_updates_between_add_and_rebuild():
    def t(v):
        return table(
            "e", Column(name="level", type="Enum(lvl)"), rows=rows(("id",), {"id": 1, "level": v})
        )

    a = snap(t("old"), enums=(Enum(name="lvl", values=("old", "x")),))
    b = snap(t("new"), enums=(Enum(name="lvl", values=("x", "new")),))
    assert kinds(make_plan(a, b).ops) == ["add_enum_value", "update_row", "rebuild_enum"]


def test_rows_insert_update_delete_and_key_change():
    a = snap(
        table(
            "u",
            Column(name="sym", type="String(8)"),
            Column(name="name", type="Text"),
            rows=rows(
                ("sym",),
                {"id": 1, "sym": "kWh", "name": "kilowatt hour"},
                {"id": 2, "sym": "BTU", "name": "btu"},
            ),
        )
    )
    b = snap(
        table(
            "u",
            Column(name="sym", type="String(8)"),
            Column(name="name", type="Text"),
            rows=rows(
                ("sym",),
                {"id": 1, "sym": "kWh", "name": "Kilowatt hour"},
                {"id": 2, "sym": "GJ", "name": "btu"},
            ),
        )
    )
    ops = make_plan(a, b).ops
    assert lines(ops) == [
        "Delete 1 row from u: (sym)=('BTU')",
        "Insert 1 row into u: (sym)=('GJ')",
        "Update row u (sym)=('kWh'): name 'kilowatt hour' -> 'Kilowatt hour'",
    ]
    upd = ops[2]
    assert dict(upd.old) == {"name": "kilowatt hour"}  # only the differing column
    # rows no longer declared at all are deleted too
    gone = diff_snapshots(
        a, snap(table("u", Column(name="sym", type="String(8)"), Column(name="name", type="Text")))
    )
    assert kinds(gone) == ["delete_rows"] and len(gone[0].rows) == 2


def test_self_referencing_rows_insert_parent_first_delete_child_first():
    fk = ForeignKey(name="fk_c_parent", columns=("parent",), ref_table="c", ref_columns=("id",))

    def t(*rs):
        return table(
            "c", Column(name="parent", type="Integer"), foreign_keys=(fk,), rows=rows(("id",), *rs)
        )

    declared = ({"id": 3, "parent": 2}, {"id": 2, "parent": 1}, {"id": 1, "parent": None})
    (ins,) = [
        op
        for op in diff_snapshots(
            snap(table("c", Column(name="parent", type="Integer"), foreign_keys=(fk,))),
            snap(t(*declared)),
        )
        if op.kind == "insert_rows"
    ]
    assert isinstance(ins, InsertRows)
    assert [dict(r)["id"] for r in ins.rows] == [1, 2, 3]
    assert ins.order == ((3,), (2,), (1,))
    (dele,) = diff_snapshots(snap(t(*declared)), snap(t({"id": 9, "parent": None})))[:1]
    assert isinstance(dele, DeleteRows)
    assert [dict(r)["id"] for r in dele.rows] == [3, 2, 1]


def test_self_referencing_row_cycle_inserts_null_then_updates():
    fk = ForeignKey(name="fk_z_twin", columns=("twin",), ref_table="z", ref_columns=("id",))
    b = snap(
        table(
            "z",
            Column(name="twin", type="Integer"),
            foreign_keys=(fk,),
            rows=rows(("id",), {"id": 1, "twin": 2}, {"id": 2, "twin": 1}),
        )
    )
    plan = make_plan(snap(), b)
    assert lines(plan.ops) == [
        "Create table z (id, twin) with foreign key fk_z_twin -> z",
        "Insert 2 rows into z: (id)=(1), (id)=(2)",
        "Update row z (id)=(1): twin None -> 2",
    ]
    assert dict(plan.ops[1].rows[0]) == {"id": 1, "twin": None}
    assert apply_plan(plan) == b


def test_suggestions_for_look_alike_renames():
    a = snap(table("places", Column(name="title", type="String(80)")))
    b = snap(table("sites", Column(name="title", type="String(80)")))
    plan = make_plan(a, b)
    assert [s.hint for s in plan.suggestions] == [
        "if it is a rename, add `renamed_from: places` to table sites"
    ]
    c = snap(table("places", Column(name="name", type="String(80)")))
    plan2 = make_plan(a, c)
    assert plan2.suggestions[0].message.startswith(
        "column places.title dropped and places.name added"
    )
    assert kinds(plan2.ops) == ["add_column", "drop_column"]  # never a silent guess


def test_explicit_renames_override_hints():
    a = snap(table("places"))
    b = snap(table("sites"))
    ops = diff_snapshots(a, b, renames=Renames(tables=(((None, "places"), "sites"),)))
    assert kinds(ops) == ["rename_table"]


def test_downgrade_reverses_rename_hints():
    a = snap(table("places", Column(name="title", type="Text")))
    b = snap(
        table(
            "sites", Column(name="name", type="Text", renamed_from="title"), renamed_from="places"
        ),
        release="2",
    )
    down = make_downgrade_plan(a, b)
    assert lines(down.ops) == [
        "Rename table sites to places (sites_pkey -> places_pkey (PostgreSQL), "
        "sequence sites_id_seq -> places_id_seq)",
        "Rename column places.name to title",
    ]
    assert apply_plan(down) == a


def _reference_snapshots() -> list[Snapshot]:
    from pathlib import Path

    from planner.state.yamlio import load_snapshot

    root = Path(__file__).resolve().parents[2] / "schema_state"
    files = sorted(root.glob("*.yaml"), key=lambda p: tuple(int(x) for x in p.stem.split(".")))
    return [load_snapshot(p) for p in files]


def test_reference_project_releases_plan_up_and_down_exactly():
    from planner.state.model import empty_snapshot

    snaps = _reference_snapshots()
    assert len(snaps) >= 2
    for a, b in zip([empty_snapshot(), *snaps], snaps, strict=False):
        up = make_plan(a, b)
        assert apply_plan(up) == b, f"{a.release} -> {b.release}\n" + "\n".join(up.describe())
        down = make_downgrade_plan(a, b)
        assert apply_plan(down) == a, f"{b.release} -> {a.release}\n" + "\n".join(down.describe())
        assert make_plan(b, b).is_empty
