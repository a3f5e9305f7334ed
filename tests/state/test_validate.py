"""Semantic validation and naming conventions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from planner.state.model import (
    Check,
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
from planner.state.naming import (
    ConventionError,
    convention_name,
    default_pk_name,
    derived_names,
    renamed_names,
    template_problem,
    truncate_name,
)
from planner.state.validate import validate
from planner.state.yamlio import load_snapshot, load_with_source_map
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]


def col(name, type="Integer", **kw):
    return Column(name=name, type=type, **kw)


def table(name, *cols, pk=("id",), **kw):
    columns = (col("id", nullable=False), *cols) if pk == ("id",) else cols
    return Table(
        name=name, columns=columns, primary_key=PrimaryKey(columns=pk) if pk else None, **kw
    )


def messages(s: Snapshot) -> list[str]:
    return [f"{p.path}: {p.message}" for p in validate(s)]


# --------------------------------------------------------------------------- validate
def test_reference_snapshots_are_valid():
    for path in sorted((ROOT / "schema_state").glob("*.yaml")):
        s = load_snapshot(path)
        assert validate(s) == [], path


@given(snapshots())
def test_generated_snapshots_are_valid_and_validation_is_deterministic(s):
    assert validate(s) == []
    broken = dataclasses.replace(s, enums=(*s.enums, Enum(name="zz_empty", values=())))
    assert validate(broken) == validate(broken)
    assert [p.message for p in validate(broken)] == ["enum zz_empty has no values"]


def test_foreign_key_problems():
    parent = table("parent", col("code", "String(10)"))
    child = table(
        "child",
        col("parent_id"),
        col("code", "String(10)", nullable=False),
        foreign_keys=(
            ForeignKey(
                name="fk_ok", columns=("parent_id",), ref_table="parent", ref_columns=("id",)
            ),
            ForeignKey(name="fk_type", columns=("code",), ref_table="parent", ref_columns=("id",)),
            ForeignKey(
                name="fk_count",
                columns=("parent_id", "code"),
                ref_table="parent",
                ref_columns=("id",),
            ),
            ForeignKey(
                name="fk_nouniq", columns=("code",), ref_table="parent", ref_columns=("code",)
            ),
            ForeignKey(
                name="fk_schema",
                columns=("parent_id",),
                ref_table="parent",
                ref_schema="other",
                ref_columns=("id",),
            ),
            ForeignKey(
                name="fk_setnull",
                columns=("code",),
                ref_table="child",
                ref_columns=("id",),
                ondelete="SET NULL",
                onupdate="restrict",
            ),
        ),
    )
    assert messages(Snapshot(release="1", tables=(parent, child))) == [
        "tables.child.foreign_keys.fk_count.references: foreign key fk_count has 2 column(s) but references 1",
        "tables.child.foreign_keys.fk_nouniq.references.columns: foreign key fk_nouniq references "
        "parent[code], which is neither its primary key nor a unique constraint",
        "tables.child.foreign_keys.fk_schema.references.table: foreign key fk_schema references unknown table 'other.parent'",
        "tables.child.foreign_keys.fk_setnull.columns[0]: foreign key fk_setnull: column code (String(10)) "
        "cannot reference child.id (Integer)",
        "tables.child.foreign_keys.fk_setnull.onupdate: invalid onupdate action 'restrict'",
        "tables.child.foreign_keys.fk_type.columns[0]: foreign key fk_type: column code (String(10)) "
        "cannot reference parent.id (Integer)",
    ]


def test_unique_index_makes_a_valid_fk_target_but_a_partial_one_does_not():
    parent = table(
        "p", col("code", "Text"), indexes=(Index(name="ix_p_code", columns=("code",), unique=True),)
    )
    child = table(
        "c",
        col("code", "Text"),
        foreign_keys=(
            ForeignKey(name="fk_c", columns=("code",), ref_table="p", ref_columns=("code",)),
        ),
    )
    assert messages(Snapshot(release="1", tables=(parent, child))) == []
    partial = dataclasses.replace(
        parent,
        indexes=(
            Index(name="ix_p_code", columns=("code",), unique=True, where="code IS NOT NULL"),
        ),
    )
    assert len(messages(Snapshot(release="1", tables=(partial, child)))) == 1


def test_postgresql_default_pk_name_counts_in_the_namespace():
    a = table("a", indexes=(Index(name="b_pkey", columns=("id",)),))
    b = table("b")
    assert messages(Snapshot(release="1", tables=(a, b))) == [
        "tables.b.primary_key: primary key name 'b_pkey' is already used by an index of table a"
    ]


def test_same_names_in_different_schemas_are_fine():
    a = table("a", schema="x", indexes=(Index(name="ix", columns=("id",)),))
    b = table("a", schema="y", indexes=(Index(name="ix", columns=("id",)),))
    assert messages(Snapshot(release="1", tables=(a, b))) == []


def test_check_names_may_repeat_across_tables_but_not_within_one():
    a = table("a", checks=(Check(name="positive", sqltext="id > 0"),))
    b = table(
        "b",
        checks=(Check(name="positive", sqltext="id > 0"),),
        uniques=(Unique(name="positive", columns=("id",)),),
    )
    assert messages(Snapshot(release="1", tables=(a, b))) == [
        "tables.b.checks.positive: check constraint name 'positive' is already used by a unique constraint of table b"
    ]


def test_autoincrement_integer_pk_may_be_omitted_from_rows_but_not_other_required_columns():
    t = table(
        "units",
        col("name", "Text", nullable=False),
        col("note", "Text", nullable=False, server_default="''"),
        uniques=(Unique(name="uq_units_name", columns=("name",)),),
        rows=RowSet(key=("name",), rows=(FrozenMap({"name": "kWh"}),)),
    )
    assert messages(Snapshot(release="1", tables=(t,))) == []
    manual = dataclasses.replace(
        t, columns=(col("id", nullable=False, autoincrement=False), *t.columns[1:])
    )
    assert messages(Snapshot(release="1", tables=(manual,))) == [
        "tables.units.rows.values[0]: row is missing column id (NOT NULL without a server default)"
    ]


def _keyed(key, **kw):
    return table(
        "units",
        col("name", "Text", nullable=False),
        col("scale", nullable=False),
        rows=RowSet(key=key, rows=(FrozenMap({"id": 1, "name": "kWh", "scale": 1}),)),
        **kw,
    )


def test_rows_key_must_be_backed_by_a_unique_constraint_index_or_primary_key():
    wanted = [
        "tables.units.rows.key: rows key [name] of units has no primary key, unique constraint "
        "or unique index on exactly those columns: managed updates and deletes would also "
        "match users' rows with the same key"
    ]
    assert messages(Snapshot(release="1", tables=(_keyed(("name",)),))) == wanted
    problem = validate(Snapshot(release="1", tables=(_keyed(("name",)),)))[0]
    assert (
        problem.hint == "add a unique constraint on [name] to units, or choose a key that has one"
    )
    # a unique on more columns, or on fewer, does not make the key unique ...
    wider = (Unique(name="uq_units_name_scale", columns=("name", "scale")),)
    assert messages(Snapshot(release="1", tables=(_keyed(("name",), uniques=wider),))) == wanted
    narrow = (Unique(name="uq_units_scale", columns=("scale",)),)
    assert messages(Snapshot(release="1", tables=(_keyed(("name",), uniques=narrow),))) != []
    # ... nor a partial or non-unique index
    partial = (Index(name="ix_units_name", columns=("name",), unique=True, where="scale > 0"),)
    assert messages(Snapshot(release="1", tables=(_keyed(("name",), indexes=partial),))) == wanted
    plain = (Index(name="ix_units_name", columns=("name",)),)
    assert messages(Snapshot(release="1", tables=(_keyed(("name",), indexes=plain),))) == wanted
    # backed: the primary key, a unique constraint (in any column order), a unique index
    assert messages(Snapshot(release="1", tables=(_keyed(("id",)),))) == []
    assert messages(Snapshot(release="1", tables=(_keyed(("scale", "name"), uniques=wider),))) == []
    full = (Index(name="ix_units_name", columns=("name",), unique=True),)
    assert messages(Snapshot(release="1", tables=(_keyed(("name",), indexes=full),))) == []


def test_rows_key_without_a_unique_constraint_is_reported_at_its_position(tmp_path):
    text = (
        'snapshot: 1\nrelease: "1"\ntables:\n  units:\n    columns:\n'
        "      id: {type: Integer, primary_key: true}\n"
        "      name: {type: Text, nullable: false}\n"
        "    rows:\n      key: [name]\n      values:\n        - {name: kWh}\n"
    )
    from planner.state.errors import SnapshotError

    with pytest.raises(SnapshotError) as e:
        load_with_source_map(text, "1.yaml")
    assert [(p.file, p.line, p.col, p.path) for p in e.value.problems] == [
        ("1.yaml", 9, 12, "tables.units.rows.key")
    ]


def test_row_references_are_checked_only_when_the_parent_key_is_the_referenced_columns():
    units = table(
        "units",
        col("name", "Text", nullable=False),
        uniques=(Unique(name="uq_units_name", columns=("name",)),),
        rows=RowSet(key=("name",), rows=(FrozenMap({"name": "kWh"}),)),
    )
    meters = table(
        "meters",
        col("unit", "Text"),
        col("unit_id"),
        foreign_keys=(
            ForeignKey(name="fk_name", columns=("unit",), ref_table="units", ref_columns=("name",)),
            ForeignKey(name="fk_id", columns=("unit_id",), ref_table="units", ref_columns=("id",)),
        ),
        rows=RowSet(
            key=("id",),
            rows=(
                FrozenMap({"id": 1, "unit": "MWh", "unit_id": 99}),
                FrozenMap({"id": 2, "unit": "kWh"}),
            ),
        ),
    )
    assert messages(Snapshot(release="1", tables=(units, meters))) == [
        "tables.meters.rows.values[0].unit: row references units(name='MWh') through fk_name, "
        "which is not among the managed rows of units"
    ]


def test_rename_and_backfill_hints():
    t = table(
        "t",
        col("a", renamed_from="t"),
        col("b", renamed_from="x"),
        col("c", renamed_from="x"),
        col("d", renamed_from="d"),
        col("e", nullable=False, backfill="0"),
        col("f", backfill="0"),
        renamed_from="t",
    )
    assert messages(Snapshot(release="1", tables=(t,))) == [
        "tables.t.columns.c.renamed_from: columns b and c are both renamed from 'x'",
        "tables.t.columns.d.renamed_from: column d is renamed from itself",
        "tables.t.columns.f.backfill: backfill on nullable column f has no effect",
        "tables.t.renamed_from: table t is renamed from itself",
    ]


def test_enum_and_type_problems():
    t = table(
        "t",
        col("a", "Enum(lvl)"),
        col("b", "postgresql.ARRAY(Enum(nope))"),
        col("c", "Strng(3)"),
        col("d", "Enum(lvl)"),
        rows=RowSet(key=("id",), rows=(FrozenMap({"id": 1, "a": "x", "c": 1}),)),
    )
    s = Snapshot(release="1", tables=(t,), enums=(Enum(name="lvl", values=("info", "info")),))
    assert messages(s) == [
        "enums.lvl[1]: enum lvl lists the value 'info' twice (first at index 0)",
        "tables.t.columns.b.type: unknown enum 'nope' in postgresql.ARRAY(Enum(nope))",
        "tables.t.columns.c.type: unknown type 'Strng'",
        "tables.t.rows.values[0].a: column a: value 'x' is not a value of enum lvl (info, info)",
    ]


def test_problems_carry_positions_from_the_source_map():
    text = "snapshot: 1\nrelease: '1'\ntables:\n  t:\n    columns:\n      a: {type: 'String(x)'}\n      b: {type: String(x)}\n"
    _, sm = load_with_source_map(text, "f.yaml", validate=False)
    s = load_with_source_map(text, "f.yaml", validate=False)[0]
    found = validate(s, source_map=sm, file="f.yaml")
    # a plain scalar maps the parser's offset onto the column; a quoted one points at its start
    assert [(p.line, p.col) for p in found] == [(6, 17), (7, 24)]
    assert all(p.file == "f.yaml" for p in found)


def test_identifier_limits_count_utf8_bytes():
    ok = table("é" * 31)
    bad = table("é" * 32)
    assert messages(Snapshot(release="1", tables=(ok,))) == []
    assert messages(Snapshot(release="1", tables=(bad,))) == [
        f"tables.{'é' * 32}: table name '{'é' * 32}' is 64 bytes long, over the 63-byte limit of PostgreSQL"
    ]


# --------------------------------------------------------------------------- naming
TEMPLATES = [
    "ix_%(table_name)s_%(column_0_name)s",
    "ix_%(table_name)s_%(column_0_N_name)s",
    "ix_%(column_0N_name)s",
    "ix_%(column_0_label)s",
    "ix_%(column_0_N_label)s",
    "ix_%(column_0_key)s_%(column_1_name)s",
]

_names = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)


@given(
    template=st.sampled_from(TEMPLATES),
    table_name=_names,
    columns=st.lists(_names, min_size=1, max_size=3, unique=True),
)
def test_index_names_match_sqlalchemy(template, table_name, columns):
    md = sa.MetaData(naming_convention={"ix": template})
    t = sa.Table(table_name, md, *(sa.Column(c, sa.Integer) for c in columns))
    ix = sa.Index(None, *(t.c[c] for c in columns))
    assert convention_name(template, table=table_name, columns=columns) == str(ix.name)


@given(table_name=_names, ref=_names, columns=st.lists(_names, min_size=1, max_size=3, unique=True))
def test_foreign_key_names_match_sqlalchemy(table_name, ref, columns):
    template = (
        "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s_%(referred_column_0_name)s"
    )
    md = sa.MetaData(naming_convention={"fk": template})
    sa.Table(ref, md, *(sa.Column("r_" + c, sa.Integer, primary_key=True) for c in columns))
    if ref == table_name:
        return
    t = sa.Table(table_name, md, *(sa.Column(c, sa.Integer) for c in columns))
    fk = sa.ForeignKeyConstraint(columns, [f"{ref}.r_{c}" for c in columns])
    t.append_constraint(fk)
    ours = convention_name(
        template,
        table=table_name,
        columns=columns,
        referred_table=ref,
        referred_columns=["r_" + c for c in columns],
    )
    assert ours == str(fk.name)


def test_truncation_matches_sqlalchemy_postgresql_ddl():
    from sqlalchemy.dialects import postgresql

    md = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s"})
    t = sa.Table("t" * 40, md, sa.Column("c" * 40, sa.Integer))
    ddl = str(sa.schema.CreateIndex(sa.Index(None, t.c[0])).compile(dialect=postgresql.dialect()))
    ours = convention_name(
        "ix_%(table_name)s_%(column_0_N_name)s", table="t" * 40, columns=["c" * 40], max_length=63
    )
    assert ddl.startswith(f"CREATE INDEX {ours} ON")
    assert truncate_name("short", 63) == "short"


def test_convention_errors():
    assert template_problem("ck_%(table_name)s_%(constraint_name)s") is None
    assert template_problem("x_%(nope)s") == "unknown token %(nope)s"
    with pytest.raises(ConventionError, match="explicitly named"):
        convention_name("ck_%(constraint_name)s", table="t")
    with pytest.raises(ConventionError, match="only valid for foreign keys"):
        convention_name("uq_%(referred_table_name)s", table="t")


def test_derived_and_renamed_names():
    nc = {
        "pk": "pk_%(table_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
    t = Table(
        name="places",
        columns=(col("id", nullable=False), col("owner_id"), col("name", "Text")),
        primary_key=PrimaryKey(name="pk_places", columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name="fk_places_owner_id_places",
                columns=("owner_id",),
                ref_table="places",
                ref_columns=("id",),
            ),
        ),
        checks=(
            Check(name="ck_places_name_set", sqltext="name <> ''"),
            Check(name="custom", sqltext="id > 0"),
        ),
        indexes=(
            Index(name="ix_places_name", columns=("name",)),
            Index(name="ix_other", columns=("name",)),
        ),
    )
    assert derived_names(t, nc) == {
        "pk_places": "pk",
        "fk_places_owner_id_places": "fk",
        "ck_places_name_set": "ck",
        "ix_places_name": "ix",
    }
    assert (
        renamed_names(t, "sites", nc)
        == {
            "pk_places": "pk_sites",
            "fk_places_owner_id_places": "fk_sites_owner_id_places",  # the referred table is not renamed here
            "ck_places_name_set": "ck_sites_name_set",
            "ix_places_name": "ix_sites_name",
        }
    )
    assert derived_names(t, {}) == {}
    assert default_pk_name("t", ["id"], {}) is None


@given(old=_names, new=_names, columns=st.lists(_names, min_size=1, max_size=3, unique=True))
def test_renaming_derived_names_there_and_back_is_identity(old, new, columns):
    nc = {
        "pk": "pk_%(table_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
    t = Table(
        name=old,
        columns=tuple(col(c) for c in columns),
        primary_key=PrimaryKey(name=f"pk_{old}", columns=(columns[0],)),
        checks=(Check(name=f"ck_{old}_positive", sqltext="1 = 1"),),
        indexes=(
            Index(
                name=convention_name(nc["ix"], table=old, columns=columns), columns=tuple(columns)
            ),
        ),
    )
    forward = renamed_names(t, new, nc)
    renamed = dataclasses.replace(
        t,
        name=new,
        primary_key=dataclasses.replace(
            t.primary_key, name=forward.get(t.primary_key.name, t.primary_key.name)
        ),
        checks=tuple(dataclasses.replace(c, name=forward.get(c.name, c.name)) for c in t.checks),
        indexes=tuple(dataclasses.replace(i, name=forward.get(i.name, i.name)) for i in t.indexes),
    )
    assert set(derived_names(renamed, nc)) == {forward.get(n, n) for n in derived_names(t, nc)}
    back = renamed_names(renamed, old, nc)
    assert {back.get(v, v) for v in forward.values()} == set(forward)
