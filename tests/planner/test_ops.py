"""Unit tests of each operation: describe, reverse, apply_to, needs/gives/removes, risk."""

from __future__ import annotations

import dataclasses

import pytest

from planner.ops import (
    OPERATION_TYPES,
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddExclusion,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumnAutoincrement,
    AlterColumnCollation,
    AlterColumnComment,
    AlterColumnDefault,
    AlterColumnIdentity,
    AlterColumnNullable,
    AlterColumnOnUpdate,
    AlterColumnType,
    AlterConstraintDeferrable,
    ApplyError,
    BackfillColumn,
    ChangeRowMode,
    CreateEnum,
    CreateIndex,
    CreateRoutine,
    CreateTable,
    CreateView,
    CreateViewIndex,
    DeleteRows,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropRoutine,
    DropTable,
    DropUnique,
    DropView,
    DropViewIndex,
    InsertRows,
    IrreversibleError,
    PruneRows,
    RebuildEnum,
    RenameColumn,
    RenameConstraint,
    RenameIndex,
    RenameTable,
    ReplaceRoutine,
    Risk,
    SetAttributeComment,
    SetCollationComment,
    SetConstraintComment,
    SetConstraintIndexComment,
    SetEnumComment,
    SetIndexComment,
    SetPolicyComment,
    SetRoutineComment,
    SetTableComment,
    SetTableLogged,
    SetViewColumnComment,
    SetViewComment,
    SetViewIndexComment,
    UpdateRow,
    enums_of_type,
    is_widening,
)
from planner.ops.enum_renames import RenameEnumValue
from planner.ops.partitions import AttachPartition, SetInherits
from planner.ops.pg_objects import (
    AlterExtension,
    AlterSequence,
    CreateExtension,
    CreateSchema,
    CreateSequence,
    DropExtension,
    DropSchema,
    DropSequence,
    SetEnumSchema,
    SetExtensionComment,
    SetSchemaComment,
)
from planner.ops.pg_types import (
    AlterCompositeType,
    AlterDomain,
    CreateCollation,
    CreateCompositeType,
    CreateDomain,
    DropCollation,
    DropCompositeType,
    DropDomain,
)
from planner.ops.policies import AlterPolicy, CreatePolicy, DropPolicy, SetRowLevelSecurity
from planner.state.model import (
    Check,
    Column,
    Enum,
    Exclusion,
    ExclusionElement,
    ForeignKey,
    FrozenMap,
    Index,
    PartitionOf,
    PrimaryKey,
    Routine,
    RowSet,
    Snapshot,
    Table,
    Unique,
    View,
    ViewRead,
)
from planner.state.pg_objects import Extension, Schema, Sequence
from planner.state.pg_types import Attribute, Collation, CompositeType, Domain, DomainCheck
from planner.state.policies import Policy

SITES = (None, "sites")
SCH = Schema(name="other")
EXT = Extension(name="hstore", version="1.7")
SEQ = Sequence(name="tickets", start=100)
DOM = Domain(name="posint", type="integer", checks=(DomainCheck(name="pos", sqltext="VALUE > 0"),))
PAIR = CompositeType(name="pair", attributes=(Attribute(name="x", type="integer"),))
COLL = Collation(name="ci", provider="icu", locale="und-u-ks-level2", deterministic=False)
FN = Routine(kind="function", name="f()", definition="CREATE FUNCTION f() ...")
FN2 = Routine(kind="function", name="f()", definition="CREATE FUNCTION f() ... 2")
TRG = Routine(kind="trigger", name="trg", table="sites", definition="CREATE TRIGGER trg ...")
VIEW = View(
    name="v_sites",
    kind="materialized_view",
    definition="SELECT sites.id FROM sites",
    indexes=(Index(name="ix_v", columns=("id",)),),
    reads=(ViewRead(kind="table", name="sites", columns=("id",)),),
)
CAMPAIGNS = (None, "campaigns")
OWN = Policy(name="own", using="id > 0")
ID = Column(name="id", type="Integer", nullable=False)
FK = ForeignKey(
    name="fk_sites_campaign_id_campaigns",
    columns=("campaign_id",),
    ref_table="campaigns",
    ref_columns=("id",),
    ondelete="CASCADE",
)


def _base() -> Snapshot:
    campaigns = Table(
        name="campaigns",
        columns=(ID, Column(name="name", type="String(80)", nullable=False)),
        primary_key=PrimaryKey(name="pk_campaigns", columns=("id",)),
        rows=RowSet(
            key=("id",), rows=(FrozenMap({"id": 1, "name": "A"}), FrozenMap({"id": 2, "name": "B"}))
        ),
        row_level_security="enabled",
        policies=(OWN,),
    )
    sites = Table(
        name="sites",
        columns=(
            ID,
            Column(name="campaign_id", type="Integer"),
            Column(name="title", type="String(40)", comment="old"),
            Column(name="level", type="Enum(level)", server_default="'info'"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(FK,),
        uniques=(Unique(name="uq_sites_title", columns=("title",)),),
        checks=(Check(name="ck_sites_title", sqltext="title <> ''"),),
        indexes=(Index(name="ix_sites_campaign_id", columns=("campaign_id",)),),
    )
    return Snapshot(
        release="1",
        tables=(campaigns, sites),
        enums=(Enum(name="level", values=("info", "error")),),
        routines=(FN,),
        views=(VIEW,),
        schemas=(SCH,),
        extensions=(EXT,),
        sequences=(SEQ,),
        domains=(DOM,),
        composite_types=(PAIR,),
        collations=(COLL,),
    )


S = _base()
SITES_T = S.table("sites")


def _ops() -> list:
    """One instance of every operation kind, each applicable to ``_base()``."""
    new_t = Table(name="units", columns=(ID,), primary_key=PrimaryKey(columns=("id",)))
    return [
        CreateTable(table=new_t),
        DropTable(table=dataclasses.replace(S.table("campaigns"), rows=None)),
        RenameTable(
            old_key=SITES,
            new_name="places",
            default_pkey=("sites_pkey", "places_pkey"),
            sequence_renames=(("sites_id_seq", "places_id_seq"),),
            index_renames=(("ix_sites_campaign_id", "ix_places_campaign_id"),),
        ),
        SetTableComment(table_key=SITES, old=None, new="Sites"),
        AddColumn(table_key=SITES, column=Column(name="name", type="String(80)"), after="id"),
        DropColumn(
            table_key=SITES,
            column=Column(name="level", type="Enum(level)", server_default="'info'"),
            after="title",
        ),
        RenameColumn(table_key=SITES, old="title", new="name", column=SITES_T.column("title")),
        AlterColumnType(
            table_key=SITES, column="title", old_type="String(40)", new_type="String(80)"
        ),
        AlterColumnNullable(
            table_key=SITES, column="title", nullable=False, column_def=SITES_T.column("title")
        ),
        AlterColumnDefault(table_key=SITES, column="level", old="'info'", new="'error'"),
        AlterColumnComment(table_key=SITES, column="title", old="old", new="new"),
        AlterColumnAutoincrement(table_key=SITES, column="id", old=None, new=False, enabled=False),
        AlterColumnIdentity(table_key=SITES, column="id", old=None, new="always", old_serial=True),
        # MariaDB/MySQL ON UPDATE (planner.ops.on_update)
        AlterColumnOnUpdate(
            table_key=SITES,
            column="title",
            old=None,
            new="now()",
            old_default=None,
            new_default="now()",
            existing_type="DateTime",
        ),
        AlterColumnCollation(table_key=SITES, column="title", old=None, new="C"),
        # PostgreSQL table properties (planner.ops.pg_tables)
        SetTableLogged(table_key=SITES, unlogged=True),
        AlterConstraintDeferrable(
            table_key=SITES, name="fk_sites_campaign_id_campaigns", old=None, new="deferred"
        ),
        AddExclusion(
            table_key=SITES,
            exclusion=Exclusion(
                name="ex_sites", elements=(ExclusionElement(column="id", operator="="),)
            ),
        ),
        CreateRoutine(routine=TRG),
        DropRoutine(routine=FN),
        ReplaceRoutine(old=FN, new=FN2),
        SetRoutineComment(old=FN, new=dataclasses.replace(FN, comment="it's")),
        CreateView(view=dataclasses.replace(VIEW, name="v_new")),
        DropView(view=VIEW),
        CreateViewIndex(view_key=(None, "v_sites"), index=Index(name="ix_v2", columns=("id",))),
        DropViewIndex(view_key=(None, "v_sites"), index=Index(name="ix_v", columns=("id",))),
        SetViewComment(view=VIEW, old=None, new="Sites"),
        SetViewColumnComment(view=VIEW, column_name="id", old=None, new="the id"),
        SetViewIndexComment(
            view_key=(None, "v_sites"), index=Index(name="ix_v", columns=("id",), comment="ids")
        ),
        # row-level security and policies (planner.ops.policies)
        SetRowLevelSecurity(table_key=CAMPAIGNS, old="enabled", new="forced"),
        CreatePolicy(table_key=CAMPAIGNS, policy=Policy(name="p2", command="select", using="true")),
        DropPolicy(table_key=CAMPAIGNS, policy=OWN, columns=("id",)),
        AlterPolicy(table_key=CAMPAIGNS, old=OWN, new=dataclasses.replace(OWN, roles=("app",))),
        SetPolicyComment(table_key=CAMPAIGNS, name="own", old=None, new="own rows"),
        # comments of constraints (planner.ops.constraint_comments)
        SetConstraintComment(
            table_key=SITES, constraint="foreign key", name=FK.name, old=None, new="its campaign"
        ),
        SetConstraintComment(table_key=SITES, constraint="primary key", old=None, new="the key"),
        SetConstraintIndexComment(
            table_key=SITES, constraint="primary key", old=None, new="the key's index"
        ),
        # PostgreSQL schemas, extensions, sequences (planner.ops.pg_objects)
        CreateSchema(schema=Schema(name="reports")),
        DropSchema(schema=SCH),
        SetSchemaComment(old=SCH, new=Schema(name="other", comment="c")),
        CreateExtension(extension=Extension(name="citext")),
        DropExtension(extension=EXT),
        AlterExtension(old=EXT, new=Extension(name="hstore", version="1.8")),
        SetExtensionComment(old=EXT, new=dataclasses.replace(EXT, comment="pairs")),
        CreateSequence(sequence=Sequence(name="s2", schema="other")),
        DropSequence(sequence=SEQ),
        CreateDomain(domain=Domain(name="code", type="text")),
        DropDomain(domain=DOM),
        AlterDomain(old=DOM, new=Domain(name="posint", type="integer", nullable=False)),
        CreateCompositeType(type=CompositeType(name="pt", attributes=PAIR.attributes)),
        DropCompositeType(type=PAIR),
        AlterCompositeType(
            old=PAIR,
            new=CompositeType(name="pair", attributes=(Attribute(name="y", type="text"),)),
        ),
        CreateCollation(collation=Collation(name="german", locale="de_DE.utf8")),
        DropCollation(collation=COLL),
        SetAttributeComment(type=PAIR, attribute="x", old=None, new="the first"),
        SetCollationComment(old=COLL, new=dataclasses.replace(COLL, comment="ignores case")),
        AlterSequence(old=SEQ, new=Sequence(name="tickets", owned_by=("sites", "id"))),
        SetEnumSchema(
            old=Enum(name="level", values=("info", "error")),
            new=Enum(name="level", values=("info", "error"), schema="other"),
        ),
        CreateIndex(table_key=SITES, index=Index(name="ix_sites_title", columns=("title",))),
        DropIndex(table_key=SITES, index=SITES_T.indexes[0]),
        SetIndexComment(
            table_key=SITES,
            index=dataclasses.replace(SITES_T.indexes[0], comment="it's"),
            old=None,
        ),
        RenameIndex(
            table_key=SITES, old="ix_sites_campaign_id", new="ix_sites_c", index=SITES_T.indexes[0]
        ),
        DropPrimaryKey(table_key=SITES, primary_key=PrimaryKey(columns=("id",))),
        AddForeignKey(
            table_key=CAMPAIGNS,
            fk=ForeignKey(
                name="fk_self", columns=("id",), ref_table="campaigns", ref_columns=("id",)
            ),
        ),
        DropForeignKey(table_key=SITES, fk=FK),
        AddUnique(
            table_key=SITES, unique=Unique(name="uq_sites_campaign_id", columns=("campaign_id",))
        ),
        DropUnique(table_key=SITES, unique=SITES_T.uniques[0]),
        AddCheck(
            table_key=SITES, check=Check(name="ck_sites_id", sqltext="id > 0"), columns=("id",)
        ),
        DropCheck(table_key=SITES, check=SITES_T.checks[0], columns=("title",)),
        RenameConstraint(
            table_key=SITES, old="uq_sites_title", new="uq_sites_t", constraint_type="unique"
        ),
        CreateEnum(enum=Enum(name="kind", values=("a", "b"))),
        DropEnum(enum=Enum(name="level", values=("info", "error"))),
        AddEnumValue(
            enum_name="level",
            value="warning",
            after="info",
            old_values=("info", "error"),
            columns=((None, "sites", "level"),),
        ),
        RebuildEnum(enum_name="level", old_values=("info", "error"), new_values=("error", "info")),
        RenameEnumValue(enum_name="level", old="error", new="fatal", old_values=("info", "error")),
        SetEnumComment(enum_name="level", old=None, new="it's"),
        InsertRows(
            table_key=CAMPAIGNS,
            key=("id",),
            rows=(FrozenMap({"id": 3, "name": "C"}),),
            order=((3,), (1,), (2,)),
        ),
        UpdateRow(
            table_key=CAMPAIGNS,
            key_columns=("id",),
            key=(2,),
            old=FrozenMap({"name": "B"}),
            new=FrozenMap({"name": "Bee"}),
        ),
        DeleteRows(table_key=CAMPAIGNS, key=("id",), rows=(FrozenMap({"id": 1, "name": "A"}),)),
        ChangeRowMode(table_key=CAMPAIGNS, key=("id",), old="managed", new="seed"),
        # PostgreSQL partitioning and inheritance (planner.ops.partitions)
        AttachPartition(
            table=dataclasses.replace(
                SITES_T, partition_of=PartitionOf(table="campaigns", bound="DEFAULT")
            )
        ),
        SetInherits(table_key=SITES, parent="campaigns", add=True),
    ]


OPS = _ops()


def test_every_kind_is_covered():
    import planner.ops.steps  # noqa: F401 - registers data_step (rows only: no state change)

    kinds = {op.kind for op in OPS} | {
        "backfill_column",
        "add_primary_key",
        "data_step",
        "prune_rows",
        "detach_partition",  # attach_partition's reverse (test_apply_then_reverse_restores)
        "drop_exclusion",  # the reverse of add_exclusion
    }
    assert kinds == set(OPERATION_TYPES)


def test_prune_rows_keeps_the_snapshot_and_is_destructive_and_irreversible():
    op = PruneRows(table_key=CAMPAIGNS, key=("id",), keys=((1,), (2,)))
    assert op.apply_to(S) == S  # the snapshot never held the users' rows it deletes
    assert op.risk == Risk.DESTRUCTIVE and op.category == "-"
    assert op.describe() == (
        "Delete the rows of campaigns the snapshot does not declare (sync), keeping "
        "(id)=(1), (id)=(2)"
    )
    with pytest.raises(IrreversibleError, match="the deleted rows are gone"):
        op.reverse()


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.kind)
def test_apply_then_reverse_restores(op):
    after = op.apply_to(S)
    assert after != S, op.describe()
    back = op.reverse().apply_to(after)
    if op.kind == "drop_table":
        # the table comes back without rows (DropTable stores none)
        assert back.table("campaigns") == dataclasses.replace(S.table("campaigns"), rows=None)
    elif op.kind == "delete_rows":
        # re-inserted rows go last (the reverse has no declared order to follow)
        assert set(back.table("campaigns").rows.rows) == set(S.table("campaigns").rows.rows)
    elif op.kind == "drop_column":
        assert back.table("sites").column_names == S.table("sites").column_names
        assert back == S
    else:
        assert back == S, f"{op.describe()} / {op.reverse().describe()}"


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.kind)
def test_ops_are_frozen_hashable_and_pure(op):
    before = S
    op.apply_to(S)
    assert S == before
    assert hash(op) == hash(dataclasses.replace(op))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(op, dataclasses.fields(op)[0].name, None)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.kind)
def test_sort_key_is_strings(op):
    key = op.sort_key()
    assert len(key) == 4 and all(isinstance(k, str) for k in key)


def test_describe():
    got = {op.kind: op.describe() for op in OPS}
    assert got["create_table"] == "Create table units (id)"
    assert got["rename_table"] == (
        "Rename table sites to places (ix_sites_campaign_id -> ix_places_campaign_id, "
        "sites_pkey -> places_pkey (PostgreSQL), sequence sites_id_seq -> places_id_seq)"
    )
    assert got["add_column"] == "Add column sites.name String(80)"
    assert got["alter_column_type"] == "Alter column sites.title type String(40) -> String(80)"
    assert got["alter_column_nullable"] == "Set sites.title NOT NULL"
    assert got["drop_foreign_key"] == (
        "Drop foreign key fk_sites_campaign_id_campaigns on sites (campaign_id) -> campaigns (id) ON DELETE CASCADE"
    )
    assert got["add_enum_value"] == "Add value 'warning' to enum level after 'info'"
    assert got["insert_rows"] == "Insert 1 row into campaigns: (id)=(3)"
    assert got["update_row"] == "Update row campaigns (id)=(2): name 'B' -> 'Bee'"
    assert got["delete_rows"] == "Delete 1 row from campaigns: (id)=(1)"


def test_risk_classes():
    risk = {op.kind: op.risk for op in OPS}
    assert risk["create_table"] is Risk.SAFE
    assert risk["drop_table"] is Risk.DESTRUCTIVE
    assert risk["drop_column"] is Risk.DESTRUCTIVE
    assert risk["delete_rows"] is Risk.DESTRUCTIVE
    assert risk["alter_column_nullable"] is Risk.DATA
    assert risk["update_row"] is Risk.DATA
    assert risk["add_unique"] is Risk.DATA
    assert risk["alter_column_type"] is Risk.LOCKS  # widening
    assert risk["create_index"] is Risk.LOCKS  # existing table
    narrowing = AlterColumnType(
        table_key=SITES, column="title", old_type="String(80)", new_type="String(40)"
    )
    assert narrowing.risk is Risk.DATA
    assert (
        CreateIndex(table_key=SITES, index=Index(name="i", columns=("id",)), table_is_new=True).risk
        is Risk.SAFE
    )
    assert AddForeignKey(table_key=SITES, fk=FK, table_is_new=True).risk is Risk.SAFE
    assert (
        AlterColumnNullable(
            table_key=SITES, column="title", nullable=True, column_def=SITES_T.column("title")
        ).risk
        is Risk.SAFE
    )
    assert BackfillColumn(table_key=SITES, column="title", sql="'x'").risk is Risk.DATA
    assert Risk.DATA == "data-dependent"


def test_needs_gives_removes():
    fk = AddForeignKey(table_key=SITES, fk=FK)
    assert ("table", CAMPAIGNS) in fk.needs()
    assert ("column", (None, "sites", "campaign_id")) in fk.needs()
    assert ("referenced", (None, "campaigns", ("id",))) in fk.needs()
    assert fk.gives() == {("constraint", (None, "sites", FK.name))}
    create = CreateTable(table=SITES_T)
    assert ("enum", "level") in create.needs()
    assert {
        ("table", SITES),
        ("column", (None, "sites", "title")),
        ("constraint", (None, "sites", "uq_sites_title")),
    } <= create.gives()
    drop = DropTable(table=SITES_T)
    assert ("table", SITES) in drop.removes() and ("table", SITES) in drop.needs()
    ren = RenameTable(old_key=SITES, new_name="places")
    assert ren.removes() == {("table", SITES), ("relname", (None, "sites"))}
    assert ren.gives() == {("table", (None, "places")), ("relname", (None, "places"))}
    # index and key names share a schema-wide namespace (PostgreSQL), case folded (SQLite)
    assert ("relname", (None, "uq_sites_title")) in create.gives() and (
        "relname",
        (None, "uq_sites_title"),
    ) in drop.removes()
    ix = CreateIndex(table_key=SITES, index=Index(name="IX_Title", columns=("title",)))
    assert ("relname", (None, "ix_title")) in ix.gives() and (
        "relname",
        (None, "ix_title"),
    ) in ix.reverse().removes()
    col = AddColumn(table_key=SITES, column=Column(name="k", type="Enum(level)"), after="title")
    assert col.needs() == {
        ("table", SITES),
        ("enum", "level"),
        ("enum_new_columns", "level"),
        ("column", (None, "sites", "title")),
    }
    # made after the enum's values change, dropped before (the changes convert neither)
    assert ("enum_new_columns", "level") in create.needs()
    assert ("enum_old_columns", "level") in drop.needs()
    assert ("enum_old_columns", "level") in DropColumn(table_key=SITES, column=col.column).needs()
    away = AlterColumnType(table_key=SITES, column="k", old_type="Enum(level)", new_type="Text")
    assert ("enum_old_columns", "level") in away.needs() and (
        "enum_new_columns",
        "level",
    ) not in away.needs()
    assert ("enum_new_columns", "level") in away.reverse().needs()
    notnull = AlterColumnNullable(
        table_key=SITES, column="title", nullable=False, column_def=SITES_T.column("title")
    )
    assert ("filled", (None, "sites", "title")) in notnull.needs()
    assert BackfillColumn(table_key=SITES, column="title", sql="'x'").gives() == {
        ("filled", (None, "sites", "title"))
    }
    ins = InsertRows(
        table_key=SITES,
        key=("id",),
        rows=(FrozenMap({"id": 1, "level": "info"}),),
        parents=(("row", (None, "campaigns", (1,))),),
        enum_values=(("level", "info"),),
    )
    assert {
        ("row", (None, "campaigns", (1,))),
        ("enum_value", ("level", "info")),
        ("column", (None, "sites", "level")),
    } <= ins.needs()
    assert ("row", (None, "sites", (1,))) in ins.gives()
    assert ("filled", (None, "sites", "level")) in ins.gives()
    dele = DeleteRows(table_key=SITES, key=("id",), rows=(FrozenMap({"id": 1}),))
    assert dele.removes() == {("row", (None, "sites", (1,)))}
    add = AddEnumValue(
        enum_name="level", value="warning", before="error", old_values=("info", "error")
    )
    assert add.needs() == {("enum", "level"), ("enum_value", ("level", "error"))}
    assert add.new_values == ("info", "warning", "error")
    rebuild = RebuildEnum(
        enum_name="level", old_values=("info", "error"), new_values=("error", "x")
    )
    assert rebuild.removes() == {("enum_value", ("level", "info")), ("enum_old_columns", "level")}
    assert rebuild.gives() == {("enum_value", ("level", "x")), ("enum_new_columns", "level")}
    assert ("enum_new_columns", "level") in add.gives()


def test_rename_table_carries_names_and_retargets_foreign_keys():
    op = RenameTable(
        old_key=CAMPAIGNS,
        new_name="projects",
        constraint_renames=(("pk_campaigns", "pk_projects"),),
    )
    out = op.apply_to(S)
    assert out.get_table(CAMPAIGNS) is None
    assert out.table("projects").primary_key.name == "pk_projects"
    assert out.table("sites").foreign_keys[0].ref_table == "projects"
    assert op.reverse().reverse() == op


def test_rename_column_follows_everywhere():
    op = RenameColumn(table_key=CAMPAIGNS, old="id", new="cid", column=ID)
    out = op.apply_to(S)
    t = out.table("campaigns")
    assert t.primary_key.columns == ("cid",)
    assert t.rows.key == ("cid",) and dict(t.rows.rows[0]) == {"cid": 1, "name": "A"}
    assert out.table("sites").foreign_keys[0].ref_columns == ("cid",)
    op2 = RenameColumn(table_key=SITES, old="title", new="name", column=SITES_T.column("title"))
    t2 = op2.apply_to(S).table("sites")
    assert t2.uniques[0].columns == ("name",) and t2.column_names == (
        "id",
        "campaign_id",
        "name",
        "level",
    )


def test_add_column_is_placed_after_its_predecessor():
    first = AddColumn(table_key=SITES, column=Column(name="a", type="Integer"))
    assert first.apply_to(S).table("sites").column_names[0] == "a"
    mid = AddColumn(table_key=SITES, column=Column(name="b", type="Integer"), after="campaign_id")
    assert mid.apply_to(S).table("sites").column_names == (
        "id",
        "campaign_id",
        "b",
        "title",
        "level",
    )


def test_drop_column_removes_row_values():
    op = DropColumn(table_key=CAMPAIGNS, column=Column(name="name", type="String(80)"), after="id")
    rows = op.apply_to(S).table("campaigns").rows.rows
    assert [dict(r) for r in rows] == [{"id": 1}, {"id": 2}]


def test_insert_rows_places_rows_in_declared_order():
    op = OPS[[o.kind for o in OPS].index("insert_rows")]
    keys = [dict(r)["id"] for r in op.apply_to(S).table("campaigns").rows.rows]
    assert keys == [3, 1, 2]
    with pytest.raises(ApplyError, match="already has row"):
        op.apply_to(op.apply_to(S))


def test_update_row_changes_only_given_columns_and_may_undeclare():
    op = UpdateRow(
        table_key=CAMPAIGNS,
        key_columns=("id",),
        key=(1,),
        old=FrozenMap({"name": "A"}),
        new=FrozenMap({}),
    )
    assert dict(op.apply_to(S).table("campaigns").rows.rows[0]) == {"id": 1}
    with pytest.raises(ApplyError, match="no row"):
        dataclasses.replace(op, key=(9,)).apply_to(S)


def test_delete_all_rows_unmanages_the_table():
    rows = S.table("campaigns").rows.rows
    out = DeleteRows(table_key=CAMPAIGNS, key=("id",), rows=rows).apply_to(S)
    assert out.table("campaigns").rows is None


def test_add_enum_value_in_place():
    before = AddEnumValue(
        enum_name="level", value="debug", before="info", old_values=("info", "error")
    )
    assert before.apply_to(S).enum("level").values == ("debug", "info", "error")
    assert before.reverse().describe() == "Rebuild enum level (debug, info, error) -> (info, error)"


def test_backfill_is_irreversible_and_keeps_state():
    op = BackfillColumn(table_key=SITES, column="title", sql="'x'")
    assert op.apply_to(S) == S
    with pytest.raises(IrreversibleError, match="Backfill sites.title"):
        op.reverse()


def test_add_primary_key_reverses_drop():
    drop = DropPrimaryKey(table_key=CAMPAIGNS, primary_key=S.table("campaigns").primary_key)
    add = drop.reverse()
    assert isinstance(add, AddPrimaryKey)
    assert add.apply_to(drop.apply_to(S)) == S
    with pytest.raises(ApplyError, match="already has a primary key"):
        add.apply_to(S)


@pytest.mark.parametrize(
    "op, message",
    [
        (CreateTable(table=SITES_T), "already exists"),
        (DropIndex(table_key=SITES, index=Index(name="nope", columns=("id",))), "no index 'nope'"),
        (
            AddColumn(table_key=SITES, column=Column(name="title", type="Text")),
            "already has column",
        ),
        (DropEnum(enum=Enum(name="nope", values=())), "no enum"),
        (AddEnumValue(enum_name="level", value="info"), "already has value"),
        (SetTableComment(table_key=(None, "nope"), old=None, new="x"), "no table 'nope'"),
    ],
)
def test_apply_errors_name_the_object(op, message):
    with pytest.raises(ApplyError, match=message):
        op.apply_to(S)


def test_helpers():
    assert enums_of_type("postgresql.ARRAY(Enum(a))") == ("a",)
    assert enums_of_type("Integer") == ()
    assert is_widening("Integer", "BigInteger") and not is_widening("BigInteger", "Integer")


def test_every_op_declares_its_subject_and_labels_itself():
    """``subject_field`` names a real field of each op (no attribute guessing), and
    ``label()`` (graph edge reasons) names the object or the table."""
    import dataclasses

    import planner.ops as ops_module
    from planner.ops import AddForeignKey, CreateEnum, DropColumn, Operation
    from planner.state.model import Enum as EnumModel
    from planner.state.model import ForeignKey

    classes = [
        c
        for c in vars(ops_module).values()
        if isinstance(c, type) and issubclass(c, Operation) and c is not Operation
    ]
    assert len(classes) >= 30
    keyish = {"fk", "index", "unique", "check", "primary_key", "column"}
    for c in classes:
        fields = {f.name for f in dataclasses.fields(c)}
        assert c.subject_field is None or c.subject_field in fields, c
        assert c.subject_field is not None or not (fields & keyish), (c, fields & keyish)
    fk = ForeignKey(name="fk_a_b", columns=("b_id",), ref_table="b", ref_columns=("id",))
    assert AddForeignKey(table_key=(None, "a"), fk=fk).label() == "fk_a_b"
    col = Column(name="code", type="Text")
    assert DropColumn(table_key=(None, "a"), column=col).label() == "drop column a.code"
    assert CreateEnum(enum=EnumModel(name="lv", values=("x",))).label() == "create enum lv"
