"""Our operations -> Alembic operation objects -> the text of ``upgrade()`` / ``downgrade()``.

:func:`to_alembic_ops` walks a plan's operations in order, keeping the snapshot state
before and after each one (``op.apply_to``), and converts each with the function
registered for its type in :data:`TO_ALEMBIC`. Standard Alembic ops carry everything
Alembic needs (``existing_*`` values for MySQL's ``MODIFY``); the few portable
differences between dialects are :class:`~planner.revisions.alembic_ops.DialectSwitchOp`
branches decided at run time. Consecutive table alterations are grouped into one
``ModifyTableOps``, rendered as ``with op.batch_alter_table(...)`` (SQLite rebuilds the
table there; elsewhere batch mode is a plain wrapper).

:func:`render_body` renders through ``alembic.autogenerate.render_python_code``.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops as alembic_ops

from planner import ops as our
from planner.registry import Registry
from planner.revisions import alembic_ops as custom
from planner.revisions.copy_from import CopyFrom
from planner.revisions.literals import (
    quote_ident,
    quote_qualified,
    quote_string,
    sql_text_call,
)
from planner.state import coltypes
from planner.state.model import Column, ForeignKey, FrozenMap, Snapshot, Table, thaw

if TYPE_CHECKING:
    from planner.plan import Plan

#: our op type -> function(op, EmitContext) -> list of Alembic ops
TO_ALEMBIC = Registry("to_alembic")

#: Alembic ops that run inside ``batch_alter_table`` (table alterations)
_BATCHED = (
    alembic_ops.AddColumnOp,
    alembic_ops.DropColumnOp,
    alembic_ops.AlterColumnOp,
    alembic_ops.CreateForeignKeyOp,
    alembic_ops.CreateUniqueConstraintOp,
    alembic_ops.CreateCheckConstraintOp,
    alembic_ops.CreatePrimaryKeyOp,
    alembic_ops.DropConstraintOp,
)

#: server defaults written as portable SQLAlchemy expressions (SQLite has no now())
_PORTABLE_DEFAULTS = {"now()": "sa.func.now()", "current_timestamp": "sa.func.now()"}

#: the name a PostgreSQL enum is moved to while it is rebuilt
REBUILD_SUFFIX = "__dbplan_old"


@dataclass(frozen=True, slots=True, kw_only=True)
class EmitContext:
    """The snapshot state just before and just after the operation being converted."""

    before: Snapshot
    after: Snapshot
    #: foreign keys of the plan's new and dropped tables that stay apart from their
    #: ``CreateTable`` / ``DropTable`` (tables in a cycle): ``{table key: (fk, ...)}``.
    #: SQLite checks no reference when it creates a table (and dbplan's migrations run
    #: without ``PRAGMA foreign_keys``): there they are declared in ``CREATE TABLE`` and
    #: go with ``DROP TABLE``, and no table is rebuilt to add or drop them
    apart: Any = None

    def enums(self, which: str = "after") -> dict[str, tuple[str, ...]]:
        snap = self.after if which == "after" else self.before
        return {e.name: e.values for e in snap.enums}

    def table(self, key: tuple[str | None, str], which: str = "after") -> Table:
        first, second = (self.after, self.before) if which == "after" else (self.before, self.after)
        t = first.get_table(key) or second.get_table(key)
        if t is None:
            raise KeyError(f"no table {key!r} before or after the operation")
        return t


# ------------------------------------------------------------------ building blocks


#: :func:`sa_type`'s types by (type text, values of the enums it names): a type is not
#: changed by the columns and tables that use it, and building one with its dialect
#: variants takes a fraction of a millisecond, thousands of times for a big revision
_SA_TYPES: dict[tuple[str, tuple], Any] = {}
_SA_TYPES_MAX = 4096


def sa_type(type_text: str, enums: dict[str, tuple[str, ...]]) -> Any:
    """The SQLAlchemy type of a column, enums not created by table DDL (shared: not to be
    changed; :func:`new_sa_type` makes one of its own).

    Example:
        >>> sa_type("String(80)", {})
        String(length=80)
    """
    key = (type_text, tuple(enums.get(name) for name in our.enums_of_type(type_text)))
    found = _SA_TYPES.get(key)
    if found is None:
        found = new_sa_type(type_text, enums)
        if len(_SA_TYPES) >= _SA_TYPES_MAX:
            _SA_TYPES.clear()
        _SA_TYPES[key] = found
    return found


def new_sa_type(type_text: str, enums: dict[str, tuple[str, ...]]) -> Any:
    """:func:`sa_type`, a new object the caller may change.

    Example:
        >>> new_sa_type("String(80)", {}) is not new_sa_type("String(80)", {})
        True
    """
    return coltypes.to_sqlalchemy(type_text, enums=enums, create_enum_type=False)


def _default(text: str | None) -> Any:
    return None if text is None else sa.text(text)


def _autoincrement(col: Column) -> Any:
    return "auto" if col.autoincrement is None else col.autoincrement


def sa_column(
    col: Column, enums: dict[str, tuple[str, ...]], *, primary_key: bool = False
) -> sa.Column:
    """A ``sa.Column`` for a snapshot column (for Alembic ops, not for a database).

    Example:
        >>> sa_column(Column(name="n", type="Integer", nullable=False), {}).nullable
        False
    """
    kw: dict[str, Any] = {}
    if col.server_default is not None:
        kw["server_default"] = sa.text(col.server_default)
    if col.comment is not None:
        kw["comment"] = col.comment
    if col.autoincrement is not None:
        kw["autoincrement"] = col.autoincrement
    return sa.Column(
        col.name, sa_type(col.type, enums), nullable=col.nullable, primary_key=primary_key, **kw
    )


def sa_table(table: Table, enums: dict[str, tuple[str, ...]]) -> sa.Table:
    """A ``sa.Table`` with columns, primary key, uniques and checks (no FKs, indexes, rows).

    Example:
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),))
        >>> sa_table(t, {}).name
        'units'
    """
    md = sa.MetaData()
    items: list[Any] = [sa_column(c, enums) for c in table.columns]
    if table.primary_key is not None and table.primary_key.columns:
        items.append(
            sa.PrimaryKeyConstraint(*table.primary_key.columns, name=table.primary_key.name)
        )
    for u in table.uniques:
        items.append(sa.UniqueConstraint(*u.columns, name=u.name))
    for ck in table.checks:
        items.append(sa.CheckConstraint(sa.text(ck.sqltext), name=ck.name))
    return sa.Table(table.name, md, *items, schema=table.schema, comment=table.comment)


def sa_table_full(table: Table, enums: dict[str, tuple[str, ...]]) -> sa.Table:
    """:func:`sa_table` with the foreign keys and indexes: a table as the snapshot defines it
    (``copy_from`` of a SQLite batch rebuild, instead of reflecting the table).

    Example:
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           indexes=(our.Index(name="ix_id", columns=("id",)),))
        >>> [ix.name for ix in sa_table_full(t, {}).indexes]
        ['ix_id']
    """
    t = sa_table(table, enums)
    for fk in table.foreign_keys:
        t.append_constraint(sa_foreign_key(fk))
    for ix in table.indexes:
        kw = {} if ix.where is None else {"sqlite_where": sa.text(ix.where)}
        sa.Index(ix.name, *(t.c[c] for c in ix.columns), unique=ix.unique, **kw)
    return t


def sa_foreign_key(fk: ForeignKey) -> sa.ForeignKeyConstraint:
    """A ``sa.ForeignKeyConstraint`` for a snapshot foreign key (for Alembic ops).

    Example:
        >>> fk = ForeignKey(name="fk_a_b", columns=("b_id",), ref_table="b", ref_columns=("id",))
        >>> [e.target_fullname for e in sa_foreign_key(fk).elements]
        ['b.id']
    """
    prefix = ".".join(p for p in (fk.ref_schema, fk.ref_table) if p)
    targets: list[Any] = [f"{prefix}.{c}" for c in fk.ref_columns]
    if custom.fk_target_has_dot(fk.ref_schema, fk.ref_table, fk.ref_columns):
        # SQLAlchemy splits a 'table.column' string at every dot: Column objects
        # (rendered into the batch's table_args, see alembic_ops._batch_lines)
        cols = [sa.Column(c) for c in dict.fromkeys(fk.ref_columns)]
        ref = sa.Table(fk.ref_table, sa.MetaData(), *cols, schema=fk.ref_schema)
        targets = [ref.c[c] for c in fk.ref_columns]
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        targets,
        name=fk.name,
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
    )


def _existing(
    col: Column, enums: dict[str, tuple[str, ...]], table: Table | None = None
) -> dict[str, Any]:
    """``existing_*`` keywords of ``alter_column`` (MySQL rewrites the whole column)."""
    kw: dict[str, Any] = {
        "existing_type": sa_type(col.type, enums),
        "existing_nullable": col.nullable,
        "existing_server_default": col.server_default,
    }
    if col.comment is not None:
        kw["existing_comment"] = col.comment
    if col.autoincrement is not None:
        kw["existing_autoincrement"] = col.autoincrement
    elif table is not None and table.has_column(col.name) and _serial_column(table) == col.name:
        kw["existing_autoincrement"] = True
    return kw


def _table_or_none(ctx: EmitContext, key) -> Table | None:
    return ctx.before.get_table(key) or ctx.after.get_table(key)


def _modify(table_key, *operations: alembic_ops.MigrateOperation) -> alembic_ops.ModifyTableOps:
    return alembic_ops.ModifyTableOps(table_key[1], list(operations), schema=table_key[0])


def _pg(*operations: alembic_ops.MigrateOperation, otherwise=()) -> custom.DialectSwitchOp:
    return custom.DialectSwitchOp([(custom.POSTGRESQL, operations)], otherwise)


def _pg_type_sql(type_text: str, enums: dict[str, tuple[str, ...]]) -> str:
    from sqlalchemy.dialects import postgresql

    t = sa_type(type_text, enums)
    impl = t._variant_mapping.get("postgresql", t) if hasattr(t, "_variant_mapping") else t
    return impl.compile(dialect=postgresql.dialect())


def _using(column: str, old_type: str, new_type: str, enums) -> str | None:
    """The PostgreSQL ``USING`` expression of a type change, when one is needed."""
    if not coltypes.needs_using_cast(old_type, new_type):
        return None
    col = quote_ident(column)
    target = _pg_type_sql(new_type, enums)
    if coltypes.family(old_type) in ("enum", "json") or coltypes.family(new_type) == "enum":
        return f"{col}::text::{target}"
    return f"{col}::{target}"


# ------------------------------------------------------------------ tables


@TO_ALEMBIC.register(our.CreateTable)
def _create_table(op: our.CreateTable, ctx: EmitContext) -> list:
    out: list = []
    if op.table.schema:
        # the snapshot format has no schema objects: a table's schema exists with it
        out.append(
            _pg(custom.SQLTextOp(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(op.table.schema)}"))
        )
    enums = ctx.enums("after")
    default = [_create_table_op(op.table, enums)]
    branches: list = []
    twins = op.table.folded_uniques()
    if twins:
        # PostgreSQL's CREATE TABLE folds a UNIQUE on exactly the primary key's columns
        # into the primary key (which takes its name when it has none), and a UNIQUE
        # repeating an earlier one into that one: add those afterwards there
        apart = dataclasses.replace(
            op.table, uniques=tuple(u for u in op.table.uniques if u not in twins)
        )
        pg = [_create_table_op(apart, enums)]
        pg += [_modify(op.table.key, _create_constraint(op.table, "unique", u)) for u in twins]
        branches.append((custom.POSTGRESQL, pg))
    later = (ctx.apart or {}).get(op.table.key, ())
    if later:
        # the foreign keys a cycle keeps apart, inline on SQLite (see EmitContext.apart)
        full = dataclasses.replace(op.table, foreign_keys=op.table.foreign_keys + later)
        branches.append((custom.SQLITE, [_create_table_op(full, enums)]))
    out.append(custom.DialectSwitchOp(branches, default) if branches else default[0])
    return out


def _create_table_op(table: Table, enums: dict[str, tuple[str, ...]]) -> Any:
    """``op.create_table`` with the table's columns, keys, checks and the foreign keys
    folded into it (declared inline: no SQLite rebuild, no ``ALTER TABLE`` to add them)."""
    t = sa_table(table, enums)
    for fk in table.foreign_keys:
        t.append_constraint(sa_foreign_key(fk))
    return alembic_ops.CreateTableOp.from_table(t)


@TO_ALEMBIC.register(our.DropTable)
def _drop_table(op: our.DropTable, ctx: EmitContext) -> list:
    return [alembic_ops.DropTableOp(op.table.name, schema=op.table.schema)]


@TO_ALEMBIC.register(our.RenameTable)
def _rename_table(op: our.RenameTable, ctx: EmitContext) -> list:
    schema, old = op.old_key
    new = op.new_name
    out: list = [alembic_ops.RenameTableOp(old, new, schema=schema)]
    after = ctx.after.get_table(op.new_key)
    pg: list = []
    other: list = []
    for a, b in op.constraint_renames:
        pg.append(custom.SQLTextOp(_rename_constraint_sql(schema, new, a, b)))
    if after is not None and op.constraint_renames:
        other.extend(_recreate_constraints(after, op.constraint_renames))
    if op.default_pkey:
        a, b = op.default_pkey
        pg.append(custom.SQLTextOp(_rename_constraint_sql(schema, new, a, b)))
    for a, b in op.sequence_renames:
        pg.append(
            custom.SQLTextOp(
                f"ALTER SEQUENCE {quote_qualified(schema, a)} RENAME TO {quote_ident(b)}"
            )
        )
    for a, b in op.index_renames:
        pg.append(
            custom.SQLTextOp(f"ALTER INDEX {quote_qualified(schema, a)} RENAME TO {quote_ident(b)}")
        )
        if after is not None:
            other.extend(_recreate_index(after, a, b))
    if pg or other:
        out.append(_pg(*pg, otherwise=other))
    return out


def _rename_constraint_sql(schema: str | None, table: str, old: str, new: str) -> str:
    return (
        f"ALTER TABLE {quote_qualified(schema, table)} "
        f"RENAME CONSTRAINT {quote_ident(old)} TO {quote_ident(new)}"
    )


def _constraint_of(table: Table, name: str) -> tuple[str, Any] | None:
    if table.primary_key is not None and table.primary_key.name == name:
        return "primary", table.primary_key
    for kind, group in (
        ("foreignkey", table.foreign_keys),
        ("unique", table.uniques),
        ("check", table.checks),
    ):
        for o in group:
            if o.name == name:
                return kind, o
    return None


def _create_constraint(table: Table, kind: str, obj: Any) -> alembic_ops.MigrateOperation:
    t, s = table.name, table.schema
    if kind == "primary":
        return alembic_ops.CreatePrimaryKeyOp(obj.name, t, list(obj.columns), schema=s)
    if kind == "foreignkey":
        return alembic_ops.CreateForeignKeyOp(
            obj.name,
            t,
            obj.ref_table,
            list(obj.columns),
            list(obj.ref_columns),
            source_schema=s,
            referent_schema=obj.ref_schema,
            ondelete=obj.ondelete,
            onupdate=obj.onupdate,
        )
    if kind == "unique":
        return alembic_ops.CreateUniqueConstraintOp(obj.name, t, list(obj.columns), schema=s)
    return alembic_ops.CreateCheckConstraintOp(obj.name, t, sa.text(obj.sqltext), schema=s)


def _recreate_constraints(table_after: Table, renames: Sequence[tuple[str, str]]) -> list:
    """The constraints a table rename renames, elsewhere than on PostgreSQL: SQLite
    rebuilds the table once for all of them (one batch, which runs as a rebuild from the
    snapshot's table), MySQL drops and creates each (its primary key is always PRIMARY)."""
    sqlite: list = []
    mysql: list = []
    for old, new in renames:
        found = _constraint_of(table_after, new)
        if found is None:
            continue
        kind, obj = found
        pair = [
            alembic_ops.DropConstraintOp(
                old, table_after.name, type_=kind, schema=table_after.schema
            ),
            _create_constraint(table_after, kind, obj),
        ]
        sqlite += pair
        if kind != "primary":
            mysql += pair
    if not sqlite:
        return []
    return [
        custom.DialectSwitchOp(
            [(custom.SQLITE, [_modify(table_after.key, *sqlite)])],
            otherwise=[_modify(table_after.key, *mysql)] if mysql else [],
        )
    ]


def _recreate_constraint(table_after: Table, old: str, new: str) -> list:
    """Drop ``old`` and create ``new`` (its definition from the state after) in batch mode."""
    found = _constraint_of(table_after, new)
    if found is None:
        return []
    kind, obj = found
    if kind == "primary":
        # MySQL names every primary key PRIMARY; SQLite keeps it in the table definition
        return [
            custom.DialectSwitchOp(
                [
                    (
                        custom.SQLITE,
                        [
                            _modify(
                                table_after.key,
                                alembic_ops.DropConstraintOp(
                                    old, table_after.name, type_="primary"
                                ),
                                _create_constraint(table_after, kind, obj),
                            )
                        ],
                    )
                ]
            )
        ]
    return [
        _modify(
            table_after.key,
            alembic_ops.DropConstraintOp(
                old, table_after.name, type_=kind, schema=table_after.schema
            ),
            _create_constraint(table_after, kind, obj),
        )
    ]


def _index_op(table: Table, index: our.Index) -> alembic_ops.CreateIndexOp:
    kw: dict[str, Any] = {}
    if index.where is not None:
        kw = {"postgresql_where": sa.text(index.where), "sqlite_where": sa.text(index.where)}
    return alembic_ops.CreateIndexOp(
        index.name, table.name, list(index.columns), schema=table.schema, unique=index.unique, **kw
    )


def _recreate_index(table_after: Table, old: str, new: str) -> list:
    for ix in table_after.indexes:
        if ix.name == new:
            return [
                alembic_ops.DropIndexOp(
                    old, table_name=table_after.name, schema=table_after.schema
                ),
                _index_op(table_after, ix),
            ]
    return []


@TO_ALEMBIC.register(our.SetTableComment)
def _set_table_comment(op: our.SetTableComment, ctx: EmitContext) -> list:
    schema, name = op.table_key
    if op.new is None:
        inner = alembic_ops.DropTableCommentOp(name, schema=schema, existing_comment=op.old)
    else:
        inner = alembic_ops.CreateTableCommentOp(
            name, op.new, schema=schema, existing_comment=op.old
        )
    # SQLite has no comments
    return [custom.DialectSwitchOp([(custom.POSTGRESQL + custom.MYSQL, [inner])])]


# ------------------------------------------------------------------ columns


@TO_ALEMBIC.register(our.AddColumn)
def _add_column(op: our.AddColumn, ctx: EmitContext) -> list:
    col = sa_column(op.column, ctx.enums("after"))
    return [
        _modify(op.table_key, alembic_ops.AddColumnOp(op.table_key[1], col, schema=op.table_key[0]))
    ]


@TO_ALEMBIC.register(our.DropColumn)
def _drop_column(op: our.DropColumn, ctx: EmitContext) -> list:
    return [
        _modify(
            op.table_key,
            alembic_ops.DropColumnOp(op.table_key[1], op.column.name, schema=op.table_key[0]),
        )
    ]


def _column_before(ctx: EmitContext, table_key, name: str) -> Column:
    return ctx.table(table_key, "before").column(name)


@TO_ALEMBIC.register(our.RenameColumn)
def _rename_column(op: our.RenameColumn, ctx: EmitContext) -> list:
    schema, table = op.table_key
    col = dataclasses.replace(op.column, name=op.old)
    out: list = [
        _modify(
            op.table_key,
            alembic_ops.AlterColumnOp(
                table,
                op.old,
                schema=schema,
                modify_name=op.new,
                **_existing(col, ctx.enums("before"), _table_or_none(ctx, op.table_key)),
            ),
        )
    ]
    if op.sequence_rename:
        a, b = op.sequence_rename
        out.append(
            _pg(
                custom.SQLTextOp(
                    f"ALTER SEQUENCE {quote_qualified(schema, a)} RENAME TO {quote_ident(b)}"
                )
            )
        )
    return out


@TO_ALEMBIC.register(our.AlterColumnType)
def _alter_type(op: our.AlterColumnType, ctx: EmitContext) -> list:
    schema, table = op.table_key
    enums_before, enums_after = ctx.enums("before"), ctx.enums("after")
    try:
        col = _column_before(ctx, op.table_key, op.column)
    except KeyError:
        col = Column(
            name=op.column,
            type=op.old_type,
            nullable=op.existing_nullable,
            server_default=op.existing_server_default,
            comment=op.existing_comment,
        )
    existing = _existing(col, enums_before, _table_or_none(ctx, op.table_key))
    using = _using(op.column, op.old_type, op.new_type, {**enums_before, **enums_after})
    new_type = sa_type(op.new_type, enums_after)
    if using is None:
        existing["existing_type"] = sa_type(op.old_type, enums_before)
        return [
            _modify(
                op.table_key,
                alembic_ops.AlterColumnOp(
                    table, op.column, schema=schema, modify_type=new_type, **existing
                ),
            )
        ]
    steps: list = []
    if col.server_default is not None:
        # a default of the old type cannot be cast automatically (PostgreSQL)
        steps.append(
            alembic_ops.AlterColumnOp(
                table, op.column, schema=schema, **{**existing, "modify_server_default": None}
            )
        )
        existing["existing_server_default"] = None
    steps.append(
        alembic_ops.AlterColumnOp(
            table,
            op.column,
            schema=schema,
            modify_type=new_type,
            postgresql_using=using,
            **existing,
        )
    )
    if col.server_default is not None:
        existing["existing_type"] = new_type
        steps.append(
            alembic_ops.AlterColumnOp(
                table,
                op.column,
                schema=schema,
                **{**existing, "modify_server_default": sa.text(col.server_default)},
            )
        )
    return [_modify(op.table_key, *steps)]


@TO_ALEMBIC.register(our.AlterColumnNullable)
def _alter_nullable(op: our.AlterColumnNullable, ctx: EmitContext) -> list:
    schema, table = op.table_key
    existing = _existing(op.column_def, ctx.enums("before"), _table_or_none(ctx, op.table_key))
    existing.pop("existing_nullable")
    return [
        _modify(
            op.table_key,
            alembic_ops.AlterColumnOp(
                table,
                op.column,
                schema=schema,
                modify_nullable=op.nullable,
                existing_nullable=op.column_def.nullable,
                **existing,
            ),
        )
    ]


def _current_column(ctx: EmitContext, table_key, name: str) -> Column | None:
    t = ctx.before.get_table(table_key)
    if t is not None and t.has_column(name):
        return t.column(name)
    return None


@TO_ALEMBIC.register(our.AlterColumnDefault)
def _alter_default(op: our.AlterColumnDefault, ctx: EmitContext) -> list:
    schema, table = op.table_key
    col = _current_column(ctx, op.table_key, op.column) or Column(
        name=op.column, type=op.existing_type, nullable=op.existing_nullable, server_default=op.old
    )
    existing = _existing(col, ctx.enums("before"), _table_or_none(ctx, op.table_key))
    existing["existing_server_default"] = op.old
    return [
        _modify(
            op.table_key,
            alembic_ops.AlterColumnOp(
                table, op.column, schema=schema, modify_server_default=_default(op.new), **existing
            ),
        )
    ]


@TO_ALEMBIC.register(our.AlterColumnComment)
def _alter_comment(op: our.AlterColumnComment, ctx: EmitContext) -> list:
    schema, table = op.table_key
    col = _current_column(ctx, op.table_key, op.column) or Column(
        name=op.column, type=op.existing_type, nullable=op.existing_nullable, comment=op.old
    )
    existing = _existing(col, ctx.enums("before"), _table_or_none(ctx, op.table_key))
    existing["existing_comment"] = op.old
    inner = _modify(
        op.table_key,
        alembic_ops.AlterColumnOp(
            table, op.column, schema=schema, modify_comment=op.new, **existing
        ),
    )
    return [custom.DialectSwitchOp([(custom.POSTGRESQL + custom.MYSQL, [inner])])]


@TO_ALEMBIC.register(our.BackfillColumn)
def _backfill(op: our.BackfillColumn, ctx: EmitContext) -> list:
    return [
        custom.BackfillOp(op.table_key[1], schema=op.table_key[0], column=op.column, sql=op.sql)
    ]


# ------------------------------------------------------------------ indexes, constraints


@TO_ALEMBIC.register(our.CreateIndex)
def _create_index(op: our.CreateIndex, ctx: EmitContext) -> list:
    return [_index_op(ctx.table(op.table_key), op.index)]


@TO_ALEMBIC.register(our.DropIndex)
def _drop_index(op: our.DropIndex, ctx: EmitContext) -> list:
    return [
        alembic_ops.DropIndexOp(op.index.name, table_name=op.table_key[1], schema=op.table_key[0])
    ]


@TO_ALEMBIC.register(our.RenameIndex)
def _rename_index(op: our.RenameIndex, ctx: EmitContext) -> list:
    schema, table = op.table_key
    pg = custom.SQLTextOp(
        f"ALTER INDEX {quote_qualified(schema, op.old)} RENAME TO {quote_ident(op.new)}"
    )
    t = ctx.table(op.table_key)
    new_index = our.Index(
        name=op.new, columns=op.index.columns, unique=op.index.unique, where=op.index.where
    )
    # the new index first: MariaDB refuses to drop the last index a foreign key can use
    other = [
        _index_op(t, new_index),
        alembic_ops.DropIndexOp(op.old, table_name=table, schema=schema),
    ]
    return [_pg(pg, otherwise=other)]


def _mysql_autoincrement(ctx: EmitContext, table: Table | None, *, on: bool) -> list:
    """MySQL: AUTO_INCREMENT follows the primary key (set after adding it, removed before dropping)."""
    if table is None:
        return []
    col = _serial_column(table)
    if col is None:
        return []
    existing = _existing(table.column(col), ctx.enums("before"))
    existing.pop("existing_autoincrement", None)
    alter = alembic_ops.AlterColumnOp(
        table.name, col, schema=table.schema, autoincrement=on, **existing
    )
    # making a column AUTO_INCREMENT renumbers the rows whose key is 0, unless
    # NO_AUTO_VALUE_ON_ZERO (as for inserted rows, _insert_rows)
    body = _keeping_zero([_modify(table.key, alter)]) if on else [_modify(table.key, alter)]
    return [custom.DialectSwitchOp([(custom.MYSQL, body)])]


def _keeping_zero(operations: list) -> list:
    """MySQL: ``operations`` with ``NO_AUTO_VALUE_ON_ZERO`` added to the session's
    ``sql_mode``, then the mode as it was (a key 0 stays 0 instead of becoming the next
    AUTO_INCREMENT value)."""
    return [
        custom.SQLTextOp("SET @dbplan_sql_mode = @@SESSION.sql_mode"),
        custom.SQLTextOp(
            "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"
        ),
        *operations,
        custom.SQLTextOp("SET SESSION sql_mode = @dbplan_sql_mode"),
    ]


@TO_ALEMBIC.register(our.AddPrimaryKey)
def _add_pk(op: our.AddPrimaryKey, ctx: EmitContext) -> list:
    schema, table = op.table_key
    pk = op.primary_key
    create = alembic_ops.CreatePrimaryKeyOp(pk.name, table, list(pk.columns), schema=schema)
    return [
        _modify(op.table_key, create),
        *_mysql_autoincrement(ctx, ctx.after.get_table(op.table_key), on=True),
    ]


@TO_ALEMBIC.register(our.DropPrimaryKey)
def _drop_pk(op: our.DropPrimaryKey, ctx: EmitContext) -> list:
    schema, table = op.table_key
    name = op.primary_key.name or f"{table}_pkey"
    drop = alembic_ops.DropConstraintOp(name, table, type_="primary", schema=schema)
    return [
        *_mysql_autoincrement(ctx, ctx.before.get_table(op.table_key), on=False),
        _modify(op.table_key, drop),
    ]


@TO_ALEMBIC.register(our.AddForeignKey)
def _add_fk(op: our.AddForeignKey, ctx: EmitContext) -> list:
    t = ctx.table(op.table_key)
    out = [_modify(op.table_key, _create_constraint(t, "foreignkey", op.fk))]
    return _not_on_sqlite(op, ctx, out)


def _not_on_sqlite(op: our.AddForeignKey | our.DropForeignKey, ctx: EmitContext, out: list) -> list:
    """``out``, except on SQLite when the foreign key is declared in its table's
    ``CREATE TABLE`` there, or goes with its ``DROP TABLE`` (:attr:`EmitContext.apart`)."""
    if op.fk not in (ctx.apart or {}).get(op.table_key, ()):
        return out
    return [custom.DialectSwitchOp([(custom.POSTGRESQL + custom.MYSQL, out)])]


@TO_ALEMBIC.register(our.DropForeignKey)
def _drop_fk(op: our.DropForeignKey, ctx: EmitContext) -> list:
    schema, table = op.table_key
    out: list = [
        _modify(
            op.table_key,
            alembic_ops.DropConstraintOp(op.fk.name, table, type_="foreignkey", schema=schema),
        )
    ]
    t = ctx.after.get_table(op.table_key)
    if t is None or all(ix.name != op.fk.name for ix in t.indexes):
        out.append(custom.DropMySQLFKIndexOp(op.fk.name, table, schema=schema))
    return _not_on_sqlite(op, ctx, out)


@TO_ALEMBIC.register(our.AddUnique)
def _add_unique(op: our.AddUnique, ctx: EmitContext) -> list:
    return [_modify(op.table_key, _create_constraint(ctx.table(op.table_key), "unique", op.unique))]


@TO_ALEMBIC.register(our.DropUnique)
def _drop_unique(op: our.DropUnique, ctx: EmitContext) -> list:
    schema, table = op.table_key
    return [
        _modify(
            op.table_key,
            alembic_ops.DropConstraintOp(op.unique.name, table, type_="unique", schema=schema),
        )
    ]


@TO_ALEMBIC.register(our.AddCheck)
def _add_check(op: our.AddCheck, ctx: EmitContext) -> list:
    return [_modify(op.table_key, _create_constraint(ctx.table(op.table_key), "check", op.check))]


@TO_ALEMBIC.register(our.DropCheck)
def _drop_check(op: our.DropCheck, ctx: EmitContext) -> list:
    schema, table = op.table_key
    return [
        _modify(
            op.table_key,
            alembic_ops.DropConstraintOp(op.check.name, table, type_="check", schema=schema),
        )
    ]


_ALEMBIC_KIND = {
    "primary_key": "primary",
    "foreign_key": "foreignkey",
    "unique": "unique",
    "check": "check",
}


@TO_ALEMBIC.register(our.RenameConstraint)
def _rename_constraint(op: our.RenameConstraint, ctx: EmitContext) -> list:
    schema, table = op.table_key
    pg = custom.SQLTextOp(_rename_constraint_sql(schema, table, op.old, op.new))
    other = _recreate_constraint(ctx.table(op.table_key), op.old, op.new)
    return [_pg(pg, otherwise=other)]


# ------------------------------------------------------------------ enums


@TO_ALEMBIC.register(our.CreateEnum)
def _create_enum(op: our.CreateEnum, ctx: EmitContext) -> list:
    return [_pg(custom.CreatePgEnumOp(op.enum.name, op.enum.values))]


@TO_ALEMBIC.register(our.DropEnum)
def _drop_enum(op: our.DropEnum, ctx: EmitContext) -> list:
    return [_pg(custom.DropPgEnumOp(op.enum.name, op.enum.values))]


_ENUM_COLUMN = re.compile(r"^Enum\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$")
_ENUM_ARRAY = re.compile(r"^postgresql\.ARRAY\(\s*Enum\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*\)$")


def _enum_columns(ctx: EmitContext, name: str, keys: Sequence[tuple]) -> list[tuple[tuple, Column]]:
    """``(table key, column)`` of the columns typed by enum ``name`` (the op's, else found)."""
    found: list[tuple[tuple, Column]] = []
    if keys:
        for s, t, c in keys:
            table = ctx.before.get_table((s, t)) or ctx.after.get_table((s, t))
            if table is not None and table.has_column(c):
                found.append(((s, t), table.column(c)))
        return found
    for table in ctx.before.tables:
        for col in table.columns:
            if name in our.enums_of_type(col.type):
                found.append((table.key, col))
    return found


def _mysql_enum_alters(ctx: EmitContext, name: str, keys, old_values, new_values) -> list:
    from sqlalchemy.dialects import postgresql

    enums = ctx.enums("before")
    # one type object each for every column (rendering only reads them)
    old_type = postgresql.ENUM(*old_values, name=name, create_type=False)
    new_type = postgresql.ENUM(*new_values, name=name, create_type=False)
    by_table: dict[tuple, list] = {}
    for key, col in _enum_columns(ctx, name, keys):
        if not _ENUM_COLUMN.match(col.type):
            continue
        existing = _existing(col, enums)
        existing["existing_type"] = old_type
        by_table.setdefault(key, []).append(
            alembic_ops.AlterColumnOp(
                key[1], col.name, schema=key[0], modify_type=new_type, **existing
            )
        )
    # one batch per table: the states recorded for a batch (_note_batches) are the table
    # before and after the whole op, so a second batch of the table would rebuild it
    # from the first's before state on SQLite and undo the first batch's alter
    return [_modify(key, *alters) for key, alters in by_table.items()]


@TO_ALEMBIC.register(our.AddEnumValue)
def _add_enum_value(op: our.AddEnumValue, ctx: EmitContext) -> list:
    sql = f"ALTER TYPE {quote_ident(op.enum_name)} ADD VALUE IF NOT EXISTS {quote_string(op.value)}"
    if op.before is not None:
        sql += f" BEFORE {quote_string(op.before)}"
    elif op.after is not None:
        sql += f" AFTER {quote_string(op.after)}"
    old_values = ctx.enums("before").get(op.enum_name, op.old_values)
    new_values = ctx.enums("after").get(op.enum_name, op.new_values)
    branches: list = [(custom.POSTGRESQL, [custom.AutocommitOp([custom.SQLTextOp(sql)])])]
    branches += _inline_enum_branch(ctx, op.enum_name, op.columns, old_values, new_values)
    return [custom.DialectSwitchOp(branches)]


def _inline_enum_branch(ctx: EmitContext, name: str, keys, old_values, new_values) -> list:
    """MySQL rewrites each column's inline ENUM; SQLite widens its VARCHAR when needed."""
    alters = _mysql_enum_alters(ctx, name, keys, old_values, new_values)
    if not alters:
        return []
    longest = lambda values: max((len(v) for v in values), default=1) or 1  # noqa: E731
    dialects = custom.MYSQL
    if longest(old_values) != longest(new_values):
        dialects = custom.MYSQL + custom.SQLITE
    return [(dialects, alters)]


@TO_ALEMBIC.register(our.RebuildEnum)
def _rebuild_enum(op: our.RebuildEnum, ctx: EmitContext) -> list:
    name = op.enum_name
    moved = name + REBUILD_SUFFIX
    pg: list = [
        custom.SQLTextOp(f"ALTER TYPE {quote_ident(name)} RENAME TO {quote_ident(moved)}"),
        custom.CreatePgEnumOp(name, op.new_values),
    ]
    for key, col in _enum_columns(ctx, name, op.columns):
        table = quote_qualified(*key)
        column = quote_ident(col.name)
        if _ENUM_COLUMN.match(col.type):
            target = quote_ident(name)
            using = f"{column}::text::{target}"
        elif _ENUM_ARRAY.match(col.type):
            target = quote_ident(name) + "[]"
            using = f"{column}::text[]::{target}"
        else:
            continue
        if col.server_default is not None:
            pg.append(custom.SQLTextOp(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"))
        pg.append(
            custom.SQLTextOp(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {target} USING {using}"
            )
        )
        if col.server_default is not None:
            pg.append(
                custom.SQLTextOp(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {col.server_default}"
                )
            )
    pg.append(custom.SQLTextOp(f"DROP TYPE {quote_ident(moved)}"))
    branches: list = [(custom.POSTGRESQL, pg)]
    branches += _inline_enum_branch(ctx, name, op.columns, op.old_values, op.new_values)
    return [custom.DialectSwitchOp(branches)]


# ------------------------------------------------------------------ rows


def _bind_value(type_text: str | None, value: Any) -> Any:
    """A row value as the Python value its typed column binds (as ``state.build`` does).

    Dates and times become ``datetime`` objects, numerics ``Decimal``, UUIDs ``UUID``,
    intervals ``timedelta``: the row stubs carry each column's type, so every dialect
    (and offline ``--sql``, which renders literals) gets the value of the right type.
    Aware datetimes are written in UTC (MySQL and SQLite store them without a zone).
    """
    if value is None or type_text is None:
        return thaw(value) if isinstance(value, (FrozenMap, tuple)) else value
    try:
        fam = coltypes.family(type_text)
        bound = coltypes.python_value(type_text, value)
    except Exception:  # noqa: BLE001 - an unknown type or unparsable value: bind as written
        return thaw(value) if isinstance(value, (FrozenMap, tuple)) else value
    if fam == "datetime" and isinstance(bound, datetime.datetime) and bound.tzinfo is not None:
        bound = bound.astimezone(datetime.UTC)
    if fam == "network":
        return str(value)
    return bound


def _rows_kw(ctx: EmitContext, table_key, which: str = "after") -> dict[str, Any]:
    t = ctx.table(table_key, which)
    enums = ctx.enums(which)
    typed: dict[str, Any] = {}
    for c in t.columns:
        try:
            typ = new_sa_type(c.type, enums)  # _none_as_null changes it
        except Exception:  # noqa: BLE001 - an unknown type: an untyped column
            continue
        typed[c.name] = _none_as_null(typ)
    return {"schema": table_key[0], "columns": t.column_names, "column_types": typed}


def _none_as_null(t: Any) -> Any:
    """JSON types that bind Python None as SQL NULL (not the JSON ``null``)."""
    for typ in (t, *getattr(t, "_variant_mapping", {}).values()):
        if isinstance(typ, sa.JSON):
            typ.none_as_null = True
    return t


def _types_of(ctx: EmitContext, table_key, which: str = "after") -> dict[str, str]:
    t = ctx.table(table_key, which)
    return {c.name: c.type for c in t.columns}


def _row(row: FrozenMap, types: dict[str, str]) -> dict[str, Any]:
    return {c: _bind_value(types.get(c), v) for c, v in row}


@TO_ALEMBIC.register(our.InsertRows)
def _insert_rows(op: our.InsertRows, ctx: EmitContext) -> list:
    types = _types_of(ctx, op.table_key)
    rows = [_row(r, types) for r in op.rows]
    out: list = [custom.InsertRowsOp(op.table_key[1], rows=rows, **_rows_kw(ctx, op.table_key))]
    t = ctx.table(op.table_key)
    serial = _serial_column(t)
    if serial is not None and any(dict(r).get(serial) == 0 for r in op.rows):
        # MariaDB turns an inserted 0 into the next AUTO_INCREMENT value, unless
        # NO_AUTO_VALUE_ON_ZERO: set for these rows, then the session's mode back
        save, zero, back = _keeping_zero([])
        out = [
            custom.DialectSwitchOp([(custom.MYSQL, [save, zero])]),
            *out,
            custom.DialectSwitchOp([(custom.MYSQL, [back])]),
        ]
    if serial is not None and any(serial in dict(r) for r in op.rows):
        out.append(_pg(custom.SQLTextOp(_setval_sql(t, serial))))
    return out


def _serial_column(t: Table) -> str | None:
    """The single integer primary-key column PostgreSQL backs with a sequence."""
    pk = t.primary_key
    if pk is None or len(pk.columns) != 1:
        return None
    col = t.column(pk.columns[0])
    if col.autoincrement is False:
        return None
    try:
        return col.name if coltypes.family(col.type) == "integer" else None
    except Exception:  # noqa: BLE001
        return None


def _setval_sql(t: Table, column: str) -> str:
    table = quote_qualified(t.schema, t.name)
    col = quote_ident(column)
    seq = f"pg_get_serial_sequence({quote_string(table)}, {quote_string(column)})"
    # setval(max, true): the next value is max + 1, without computing max + 1 (which
    # overflows at the type's largest key); keys below 1 leave the sequence alone
    return (
        f"SELECT setval({seq}, m, true) FROM (SELECT MAX({col}) AS m FROM {table}) AS keys "
        f"WHERE m >= 1 AND {seq} IS NOT NULL"
    )


@TO_ALEMBIC.register(our.UpdateRow)
def _update_row(op: our.UpdateRow, ctx: EmitContext) -> list:
    if not op.new:
        # only columns no longer declared (their database values are left alone): an
        # UPDATE without values would be an empty SET
        return []
    types = _types_of(ctx, op.table_key)
    key = {c: _bind_value(types.get(c), v) for c, v in zip(op.key_columns, op.key, strict=True)}
    return [
        custom.UpdateRowOp(
            op.table_key[1], key=key, values=_row(op.new, types), **_rows_kw(ctx, op.table_key)
        )
    ]


@TO_ALEMBIC.register(our.DeleteRows)
def _delete_rows(op: our.DeleteRows, ctx: EmitContext) -> list:
    types = _types_of(ctx, op.table_key, "before")
    keys = [
        {c: _bind_value(types.get(c), v) for c, v in zip(op.key, k, strict=True)} for k in op.keys()
    ]
    out: list = []
    t = ctx.table(op.table_key, "before")
    self_refs = [
        c
        for fk in t.foreign_keys
        if fk.ref_key == t.key
        for c in fk.columns
        if t.has_column(c) and t.column(c).nullable
    ]
    if self_refs and len(keys) > 1:
        # MySQL checks foreign keys row by row: rows referencing each other cannot be
        # deleted in one statement, so first cut their references to each other
        cut = [
            custom.UpdateRowOp(
                op.table_key[1],
                key=k,
                values=dict.fromkeys(dict.fromkeys(self_refs)),
                **_rows_kw(ctx, op.table_key, "before"),
            )
            for k in keys
        ]
        out.append(custom.DialectSwitchOp([(custom.MYSQL, cut)]))
    references = _blocking_references(ctx, op.table_key)
    if references:
        guard = custom.GuardReferencedRowsOp(
            op.table_key[1],
            keys=keys,
            references=references,
            **_rows_kw(ctx, op.table_key, "before"),
        )
        out.append(guard)
    out.append(
        custom.DeleteRowsOp(op.table_key[1], keys=keys, **_rows_kw(ctx, op.table_key, "before"))
    )
    return out


def _blocking_references(ctx: EmitContext, table_key) -> list:
    """Single-column foreign keys to ``table_key`` without an ON DELETE action, present
    before and after the revision (so they hold while its rows are deleted)."""
    ref_schema, ref_table = table_key
    out = []
    for t in ctx.before.tables:
        for fk in t.foreign_keys:
            if fk.ref_table != ref_table or fk.ref_schema != ref_schema or len(fk.columns) != 1:
                continue
            if (fk.ondelete or "NO ACTION").upper() not in ("NO ACTION", "RESTRICT"):
                continue
            same = (fk.name, fk.columns, fk.ref_key, fk.ref_columns)
            kept = ctx.after.get_table(t.key)
            if kept is None or not any(
                (k.name, k.columns, k.ref_key, k.ref_columns) == same for k in kept.foreign_keys
            ):
                continue
            out.append((t.name, t.schema, fk.name, fk.columns, fk.ref_columns))
    return sorted(out, key=lambda r: (r[1] or "", r[0], r[2]))


# ------------------------------------------------------------------ plan -> ops -> text


def _renames_column(m: alembic_ops.ModifyTableOps) -> bool:
    return any(isinstance(o, alembic_ops.AlterColumnOp) and o.modify_name for o in m.ops)


def _group(operations: list) -> list:
    """Move batched table alterations into ModifyTableOps; merge consecutive ones per table.

    A batch that renames a column is not extended: SQLite's batch keeps the column under
    its old name until the rebuild, so a later op naming the new name would not find it
    (KeyError), while PostgreSQL and MariaDB run each op at once and need the new name.
    """
    out: list = []
    for o in operations:
        if isinstance(o, _BATCHED):
            o = alembic_ops.ModifyTableOps(o.table_name, [o], schema=o.schema)
        if (
            isinstance(o, alembic_ops.ModifyTableOps)
            and out
            and isinstance(out[-1], alembic_ops.ModifyTableOps)
            and (out[-1].table_name, out[-1].schema) == (o.table_name, o.schema)
            and not _renames_column(out[-1])
        ):
            out[-1].ops.extend(o.ops)
            first_states = getattr(out[-1], "dbplan_states", None)
            last_states = getattr(o, "dbplan_states", None)
            if first_states is not None and last_states is not None:
                out[-1].dbplan_states = (
                    first_states[0],
                    last_states[1],
                    first_states[2],
                    last_states[3],
                )
            else:
                out[-1].dbplan_states = None
        else:
            out.append(o)
    return out


def to_alembic_ops(plan: Plan) -> list[alembic_ops.MigrateOperation]:
    """The Alembic operations of a plan, in the plan's order.

    Example:
        >>> [type(o).__name__ for o in to_alembic_ops(make_plan(empty, s))]  # doctest: +SKIP
        ['DialectSwitchOp', 'CreateTableOp', 'InsertRowsOp']
    """
    state = plan.old
    out: list = []
    first: list = []  # PostgreSQL enum values, added before anything else (see below)
    touched: set[str] = set()
    apart = _apart_foreign_keys(plan.ops)
    for op in plan.ops:
        after = op.apply_to(state)
        converted = TO_ALEMBIC.dispatch(op, EmitContext(before=state, after=after, apart=apart))
        if (
            isinstance(op, our.AddEnumValue)
            and op.enum_name in plan.old.enums_by_name()
            and op.enum_name not in touched
        ):
            converted = _hoist_autocommit(converted, first)
        elif isinstance(op, (our.CreateEnum, our.DropEnum, our.RebuildEnum)):
            touched.add(
                op.enum.name if isinstance(op, (our.CreateEnum, our.DropEnum)) else op.enum_name
            )
        _note_batches(converted, _renamed(op, state, after), after)
        out.extend(converted)
        state = after
    grouped = _group(first + out)
    _prepare_batches(grouped)
    return grouped


def _apart_foreign_keys(ops: Sequence[our.Operation]) -> dict:
    """The foreign keys added to the plan's new tables and dropped from its dropped
    tables by their own operations (not folded: tables in a cycle), per table."""
    created = {op.table_key for op in ops if isinstance(op, our.CreateTable)}
    dropped = {op.table_key for op in ops if isinstance(op, our.DropTable)}
    out: dict = {}
    for op in ops:
        if (isinstance(op, our.AddForeignKey) and op.table_key in created) or (
            isinstance(op, our.DropForeignKey) and op.table_key in dropped and not op.uses
        ):
            out[op.table_key] = (*out.get(op.table_key, ()), op.fk)
    return out


# ------------------------------------------------------------------ SQLite batch rebuilds
#
# SQLite alters a table by rebuilding it (``batch_alter_table``), by default from the table
# reflected at run time: reflection loses what SQLite's DDL keeps but SQLAlchemy does not
# read back (constraint names, ON UPDATE / ON DELETE, some uniques) and cannot add a
# primary key without a name. The table as the snapshot defines it is passed instead
# (``copy_from``): the state before the batch, and when the batch changes constraints,
# with the constraints of the state after it (the rebuild creates them; no drop/create ops).


def _note_batches(converted: list, before: Snapshot, after: Snapshot, sqlite_only=False) -> None:
    """Record on each table batch SQLite may run the snapshot states around it."""
    for i, o in enumerate(converted):
        if isinstance(o, _BATCHED):
            o = converted[i] = alembic_ops.ModifyTableOps(o.table_name, [o], schema=o.schema)
        if isinstance(o, alembic_ops.ModifyTableOps):
            key = (o.schema, o.table_name)
            o.dbplan_states = (before.get_table(key), after.get_table(key), before, after)
            o.dbplan_sqlite_only = sqlite_only
        elif isinstance(o, custom.DialectSwitchOp):
            for names, body in o.branches:
                if "sqlite" in names:
                    _note_batches(body, before, after, sqlite_only=tuple(names) == custom.SQLITE)
            if not any("sqlite" in names for names, _ in o.branches):
                _note_batches(o.otherwise, before, after)  # else SQLite never runs it


def _renamed(op: Any, before: Snapshot, after: Snapshot) -> Snapshot:
    """The state the batches of ``op`` start from. Those of a table rename (its constraints
    renamed on SQLite) alter the table under its new name, as SQLite's RENAME leaves it:
    columns, constraints and self-references of the table after the rename, indexes still
    under their old names (renamed by the ops that follow). The batch is rebuilt from that
    table, not reflected: reflection spells a self-reference to a name with a dot as an
    ambiguous 'table.column' string."""
    if not isinstance(op, our.RenameTable):
        return before
    old, new = before.get_table(op.old_key), after.get_table(op.new_key)
    if old is None or new is None:
        return before
    return after.replace_table(dataclasses.replace(new, indexes=old.indexes))


def _recreates_on_sqlite(batch: list) -> bool:
    """Alembic's SQLite rule: only ADD COLUMN (without an SQL expression default) alters in place."""
    for o in batch:
        if not isinstance(o, alembic_ops.AddColumnOp):
            return True
        if o.column.server_default is not None:
            return True
    return False


_COLUMN_OPS = (alembic_ops.AddColumnOp, alembic_ops.DropColumnOp, alembic_ops.AlterColumnOp)


def _prepare_batches(operations: list) -> None:
    operations[:] = _split_batches(operations)
    for o in operations:
        if isinstance(o, custom.DialectSwitchOp):
            for _, body in o.branches:
                _prepare_batches(body)
            _prepare_batches(o.otherwise)
        elif isinstance(o, alembic_ops.ModifyTableOps):
            _prepare_batch(o)
            _no_cast_to_temporal(o)


def _split_batches(operations: list) -> list:
    """A batch that drops every column the table had and adds others: SQLite's rebuild
    would copy no column (Alembic cannot), so the columns are added in a batch of their
    own first (the table then keeps its rows)."""
    out: list = []
    for o in operations:
        states = getattr(o, "dbplan_states", None)
        if not isinstance(o, alembic_ops.ModifyTableOps) or states is None or states[0] is None:
            out.append(o)
            continue
        before, after, snap_before, snap_after = states
        dropped = {x.column_name for x in o.ops if isinstance(x, alembic_ops.DropColumnOp)}
        added = [x for x in o.ops if isinstance(x, alembic_ops.AddColumnOp)]
        if not added or not set(before.column_names) <= dropped or after is None:
            out.append(o)
            continue
        first = alembic_ops.ModifyTableOps(o.table_name, added, schema=o.schema)
        grown = dataclasses.replace(
            before,
            columns=before.columns
            + tuple(after.column(x.column.name) for x in added if after.has_column(x.column.name)),
        )
        first.dbplan_states = (before, grown, snap_before, snap_after)
        first.dbplan_sqlite_only = getattr(o, "dbplan_sqlite_only", False)
        rest = alembic_ops.ModifyTableOps(
            o.table_name, [x for x in o.ops if x not in added], schema=o.schema
        )
        rest.dbplan_states = (grown, after, snap_before, snap_after)
        rest.dbplan_sqlite_only = first.dbplan_sqlite_only
        out += [first, rest] if rest.ops else [first]
    return out


def _prepare_batch(m: alembic_ops.ModifyTableOps) -> None:
    states = getattr(m, "dbplan_states", None)
    if states is None or not _recreates_on_sqlite(m.ops):
        return
    before, after, snap_before, snap_after = states
    if before is None or after is None:
        return  # a table created or dropped around this batch: reflect it
    enums = {e.name: e.values for e in snap_before.enums}
    dropped = {o.column_name for o in m.ops if isinstance(o, alembic_ops.DropColumnOp)}
    if set(before.column_names) <= dropped:
        return  # no column to copy: see _split_batches
    if all(isinstance(o, _COLUMN_OPS) for o in m.ops):
        m.copy_from = CopyFrom(before, enums)
        return
    # constraints changed: rebuild with those of the state after the batch, on the
    # columns as they are before it (renamed back); the column ops still run
    renamed = {
        o.modify_name: o.column_name
        for o in m.ops
        if isinstance(o, alembic_ops.AlterColumnOp) and o.modify_name
    }
    old = lambda cols: tuple(renamed.get(c, c) for c in cols)  # noqa: E731
    have = set(before.column_names)
    fits = lambda cols: set(old(cols)) <= have  # noqa: E731
    pk = after.primary_key
    later: list = []  # constraints on columns the batch adds: created after them
    if pk is not None and pk.columns and not fits(pk.columns):
        later.append(_create_constraint(after, "primary", pk))
        pk = None
    uniques, fks = [], []
    for u in after.uniques:
        if fits(u.columns):
            uniques.append(dataclasses.replace(u, columns=old(u.columns)))
        else:
            later.append(_create_constraint(after, "unique", u))
    for fk in after.foreign_keys:
        if fits(fk.columns):
            fks.append(dataclasses.replace(fk, columns=old(fk.columns)))
        else:
            later.append(_create_constraint(after, "foreignkey", fk))
    target = dataclasses.replace(
        before,
        primary_key=None if pk is None else dataclasses.replace(pk, columns=old(pk.columns)),
        uniques=tuple(uniques),
        foreign_keys=tuple(fks),
        checks=after.checks,
    )
    m.copy_from = CopyFrom(target, enums)
    m.sqlite_ops = [o for o in m.ops if isinstance(o, _COLUMN_OPS)] + later


#: types SQLAlchemy stores as ISO text on SQLite, whose DDL names (DATE, DATETIME, TIME)
#: have NUMERIC affinity
_SQLITE_TEXT_TEMPORAL = (sa.Date, sa.DateTime, sa.Time)


def _no_cast_to_temporal(m: alembic_ops.ModifyTableOps) -> None:
    """SQLite: the rebuild copies a column whose type changes as ``CAST(col AS <new type>)``
    when the two types' affinities differ (Alembic's ``cast_for_batch_migrate``), and
    ``CAST('2020-09-08' AS DATE)`` is 2020. A column that becomes a date, datetime or time
    is read by the copy as that type already (in ``copy_from``): no CAST, the text is
    copied as it is, which is how SQLAlchemy stores these types on SQLite."""
    copy_from = getattr(m, "copy_from", None)
    states = getattr(m, "dbplan_states", None)
    if copy_from is None or states is None or states[1] is None:
        return
    after = states[1]
    columns = list(copy_from.table.columns)
    at = {c.name: i for i, c in enumerate(columns)}
    changed = False
    for o in m.ops:
        if not (
            isinstance(o, alembic_ops.AlterColumnOp)
            and isinstance(o.modify_type, _SQLITE_TEXT_TEMPORAL)
            and o.column_name in at
        ):
            continue
        new_name = o.modify_name or o.column_name
        if not after.has_column(new_name):
            continue
        i = at[o.column_name]
        columns[i] = dataclasses.replace(columns[i], type=after.column(new_name).type)
        changed = True
    if changed:
        table = dataclasses.replace(copy_from.table, columns=tuple(columns))
        m.copy_from = CopyFrom(table, copy_from.enums)


def _hoist_autocommit(converted: list, first: list) -> list:
    """Move the PostgreSQL branch (ALTER TYPE ... ADD VALUE in an autocommit block) to ``first``.

    An autocommit block commits the revision's transaction so far: in the middle of a
    revision it would make a later failure leave the earlier DDL behind (and the revision
    could not run again). At the very start only the enum values, added with IF NOT EXISTS,
    outlive a failure, and the revision re-runs cleanly.
    """
    rest: list = []
    for o in converted:
        if (
            isinstance(o, custom.DialectSwitchOp)
            and o.branches
            and tuple(o.branches[0][0]) == tuple(custom.POSTGRESQL)
        ):
            first.append(custom.DialectSwitchOp([o.branches[0]]))
            if o.branches[1:] or o.otherwise:
                rest.append(custom.DialectSwitchOp(o.branches[1:], o.otherwise))
        else:
            rest.append(o)
    return rest


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    from alembic.autogenerate.render import _repr_type
    from sqlalchemy.dialects import postgresql

    if type_ == "type" and isinstance(obj, sa.Enum):
        return custom.pg_enum_source(obj.name, obj.enums, create_type=False)
    # Alembic spells the arguments of these PostgreSQL types without the ``sa.`` prefix
    if (
        type_ == "type"
        and isinstance(obj, postgresql.ARRAY)
        and not getattr(obj, "_variant_mapping", None)
    ):
        return f"postgresql.ARRAY({_repr_type(obj.item_type, autogen_context)})"
    if (
        type_ == "type"
        and isinstance(obj, (postgresql.JSON, postgresql.JSONB))
        and not getattr(obj, "_variant_mapping", None)
    ):
        return f"postgresql.{type(obj).__name__}()"
    if type_ == "server_default":
        if obj is None:
            return "None"
        arg = getattr(obj, "arg", obj)
        text = arg.text if isinstance(arg, sa.TextClause) else arg if isinstance(arg, str) else None
        if text is None:
            return False
        if text.strip().lower() in _PORTABLE_DEFAULTS:
            return _PORTABLE_DEFAULTS[text.strip().lower()]
        return sql_text_call(text)
    return False


_IMPORT_NEEDS = (
    ("datetime.", "import datetime"),
    ("decimal.", "import decimal"),
    ("uuid.", "import uuid"),
    ("postgresql.", "from sqlalchemy.dialects import postgresql"),
    ("mysql.", "from sqlalchemy.dialects import mysql"),
)


def _uses(text: str, marker: str) -> bool:
    """Does ``marker`` (``postgresql.``) occur in ``text`` not preceded by a word character
    or a dot? (``str.find``: a look-behind regular expression scans megabytes slowly.)

    Example:
        >>> _uses("sa.Column(x, postgresql.JSONB())", "postgresql."), _uses("x.mysql.y", "mysql.")
        (True, False)
    """
    at = text.find(marker)
    while at >= 0:
        before = text[at - 1] if at else ""
        if not (before == "." or before.isalnum() or before == "_"):
            return True
        at = text.find(marker, at + 1)
    return False


def render_ops(
    operations: Sequence[alembic_ops.MigrateOperation], *, downgrade: bool = False
) -> str:
    """Render Alembic operations as a function body (Alembic's renderer, batch mode).

    Dialect modules the text uses are imported at the top of the body, so the file
    needs nothing from the template's ``${imports}``.

    Example:
        >>> render_ops([])
        '# ### commands auto generated by Alembic - please adjust! ###\\n    pass\\n    # ### end Alembic commands ###'
    """
    container_cls = alembic_ops.DowngradeOps if downgrade else alembic_ops.UpgradeOps
    text = render_python_code(
        container_cls(ops=list(operations)), render_as_batch=True, render_item=_render_item
    )
    imports = [line for marker, line in _IMPORT_NEEDS if _uses(text, marker)]
    if imports:
        text = "\n    ".join(imports) + "\n    " + text
    return text


def render_body(plan: Plan, *, downgrade: bool = False, header: Sequence[str] = ()) -> str:
    """The text of ``upgrade()`` (or ``downgrade()``) for a plan, ``header`` comments first.

    Example:
        >>> print(render_body(make_plan(empty, s), header=["# dbplan: from=empty to=0.1.0"]))  # doctest: +SKIP
        # dbplan: from=empty to=0.1.0
            # ### commands auto generated by Alembic - please adjust! ###
            ...
    """
    text = render_ops(to_alembic_ops(plan), downgrade=downgrade)
    if header:
        text = "\n    ".join(header) + "\n    " + text
    return text


__all__ = [
    "TO_ALEMBIC",
    "EmitContext",
    "render_body",
    "render_ops",
    "sa_column",
    "sa_table",
    "sa_table_full",
    "new_sa_type",
    "sa_type",
    "to_alembic_ops",
]
