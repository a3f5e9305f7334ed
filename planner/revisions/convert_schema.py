"""Converters of the schema operations: tables, columns, keys, indexes, enums.

Each returns the Alembic operations of one of our operations (standard ones, or
dbplan's own of :mod:`planner.revisions.alembic_ops`), given the states around it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from alembic.operations import ops as alembic_ops

from planner import ops as our
from planner.revisions import alembic_ops as custom
from planner.revisions import convert_pg_tables
from planner.revisions.alembic_compat import AddCheckOp
from planner.revisions.convert import (
    REBUILD_SUFFIX,
    TO_ALEMBIC,
    EmitContext,
    _default,
    _existing,
    _keeping_zero,
    _modify,
    _pg,
    _serial_column,
    _table_or_none,
    _using,
)
from planner.revisions.convert_indexes import index_op as _index_op
from planner.revisions.literals import (
    ddl_text,
    default_text,
    quote_ident,
    quote_qualified,
    quote_string,
)
from planner.revisions.sa_bridge import (
    deferrable_kw,
    sa_column,
    sa_foreign_key,
    sa_table,
    sa_type,
)
from planner.state.model import Column, Table
from planner.state.typespec import ENUM_ARG

# ------------------------------------------------------------------ tables


@TO_ALEMBIC.register(our.CreateTable)
def _create_table(op: our.CreateTable, ctx: EmitContext) -> list:
    out: list = []
    if op.table.schema:
        # the snapshot format has no schema objects: a table's schema exists with it
        out.append(
            _pg(custom.SQLTextOp(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(op.table.schema)}"))
        )
    if op.table.partition_of is not None:
        from planner.revisions.convert_partitions import create_partition  # PARTITION OF

        return out + create_partition(op.table)
    enums = ctx.enums("after")
    default = [_create_table_op(convert_pg_tables.portable(op.table), enums)]
    branches: list = []
    twins = op.table.folded_uniques()
    if twins or convert_pg_tables.has_pg_properties(op.table):
        # PostgreSQL's CREATE TABLE folds a UNIQUE on exactly the primary key's columns
        # into the primary key (which takes its name when it has none), and a UNIQUE
        # repeating an earlier one into that one: add those afterwards there
        apart = dataclasses.replace(
            op.table, uniques=tuple(u for u in op.table.uniques if u not in twins)
        )
        # UNLOGGED, deferrable constraints (a deferrable primary key: added after)
        apart, after = convert_pg_tables.without_deferrable_key(apart)
        pg = [_create_table_op(apart, enums), *after]
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
    made = alembic_ops.CreateTableOp.from_table(t)
    if table.partition_by is not None:  # PostgreSQL only (validation refuses the others)
        made.kw["postgresql_partition_by"] = table.partition_by
    if table.inherits:
        made.kw["postgresql_inherits"] = tuple(table.inherits)
    return made


@TO_ALEMBIC.register(our.DropTable)
def _drop_table(op: our.DropTable, ctx: EmitContext) -> list:
    return [alembic_ops.DropTableOp(op.table.name, schema=op.table.schema)]


@TO_ALEMBIC.register(our.RenameTable)
def _rename_table(op: our.RenameTable, ctx: EmitContext) -> list:
    schema, old = op.old_key
    new = op.new_name
    out: list = [custom.RenameTableOp(old, new, schema=schema)]
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
        return custom.AddPrimaryKeyOp(obj.name, t, list(obj.columns), schema=s)
    if kind == "foreignkey":
        return custom.AddForeignKeyOp(
            obj.name,
            t,
            obj.ref_table,
            list(obj.columns),
            list(obj.ref_columns),
            source_schema=s,
            referent_schema=obj.ref_schema,
            ondelete=obj.ondelete,
            onupdate=obj.onupdate,
            **deferrable_kw(obj.deferrable),
        )
    if kind == "unique":
        return alembic_ops.CreateUniqueConstraintOp(
            obj.name, t, list(obj.columns), schema=s, **deferrable_kw(obj.deferrable)
        )
    return AddCheckOp(obj.name, t, ddl_text(obj.sqltext), schema=s)


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
        inner = custom.DropTableCommentOp(name, schema=schema, existing_comment=op.old)
    else:
        inner = custom.SetTableCommentOp(name, op.new, schema=schema, existing_comment=op.old)
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
            custom.AlterColumnOp(
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
    from planner.revisions.convert_steps import convert_in_place, pg_using  # declared `using`

    before = convert_in_place(op.table_key, op.column, op.using)
    using = pg_using(op.using) or _using(
        op.column, op.old_type, op.new_type, {**enums_before, **enums_after}
    )
    # the column keeps its collation (a change of it is its own op, after this one)
    new_type = sa_type(op.new_type, enums_after, col.collation)
    if using is None:
        existing["existing_type"] = sa_type(op.old_type, enums_before, col.collation)
        return before + [
            _modify(
                op.table_key,
                custom.AlterColumnOp(
                    table, op.column, schema=schema, modify_type=new_type, **existing
                ),
            )
        ]
    steps: list = []
    if col.server_default is not None:
        # a default of the old type cannot be cast automatically (PostgreSQL)
        steps.append(
            custom.AlterColumnOp(
                table, op.column, schema=schema, **{**existing, "modify_server_default": None}
            )
        )
        existing["existing_server_default"] = None
    steps.append(
        custom.AlterColumnOp(
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
            custom.AlterColumnOp(
                table,
                op.column,
                schema=schema,
                **{**existing, "modify_server_default": default_text(col.ddl_default)},
            )
        )
    return before + [_modify(op.table_key, *steps)]


@TO_ALEMBIC.register(our.AlterColumnNullable)
def _alter_nullable(op: our.AlterColumnNullable, ctx: EmitContext) -> list:
    schema, table = op.table_key
    existing = _existing(op.column_def, ctx.enums("before"), _table_or_none(ctx, op.table_key))
    existing.pop("existing_nullable")
    return [
        _modify(
            op.table_key,
            custom.AlterColumnOp(
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
            custom.AlterColumnOp(
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
        custom.AlterColumnOp(table, op.column, schema=schema, modify_comment=op.new, **existing),
    )
    return [custom.DialectSwitchOp([(custom.POSTGRESQL + custom.MYSQL, [inner])])]


@TO_ALEMBIC.register(our.BackfillColumn)
def _backfill(op: our.BackfillColumn, ctx: EmitContext) -> list:
    if op.by_dialect:
        from planner.revisions.convert_steps import backfill_by_dialect

        return backfill_by_dialect(op)
    return [
        custom.BackfillOp(op.table_key[1], schema=op.table_key[0], column=op.column, sql=op.sql)
    ]


# ------------------------------------------------------------------ indexes, constraints


@TO_ALEMBIC.register(our.CreateIndex)
def _create_index(op: our.CreateIndex, ctx: EmitContext) -> list:
    from planner.revisions.convert_views import index_comment

    comment = index_comment(op.table_key[0], op.index) if op.index.comment is not None else []
    return [_index_op(ctx.table(op.table_key), op.index), *comment]


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
    new_index = dataclasses.replace(op.index, name=op.new, comment=None)
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
    alter = custom.AlterColumnOp(table.name, col, schema=table.schema, autoincrement=on, **existing)
    # making a column AUTO_INCREMENT renumbers the rows whose key is 0, unless
    # NO_AUTO_VALUE_ON_ZERO (as for inserted rows, _insert_rows)
    body = _keeping_zero([_modify(table.key, alter)]) if on else [_modify(table.key, alter)]
    return [custom.DialectSwitchOp([(custom.MYSQL, body)])]


@TO_ALEMBIC.register(our.AddPrimaryKey)
def _add_pk(op: our.AddPrimaryKey, ctx: EmitContext) -> list:
    schema, table = op.table_key
    pk = op.primary_key
    if pk.deferrable is not None:  # PostgreSQL's (Alembic writes no deferrable for a key)
        sql = convert_pg_tables.add_primary_key_sql(
            op.table_key, pk.name, pk.columns, pk.deferrable
        )
        return [_pg(custom.SQLTextOp(sql))]
    create = custom.AddPrimaryKeyOp(pk.name, table, list(pk.columns), schema=schema)
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


def _enum_comment(schema: str | None, name: str, comment: str | None) -> custom.SQLTextOp:
    """``COMMENT ON TYPE name IS '...'`` (``IS NULL``: none), a PostgreSQL string literal."""
    value = "NULL" if comment is None else quote_string(comment)
    return custom.SQLTextOp(f"COMMENT ON TYPE {quote_qualified(schema, name)} IS {value}")


@TO_ALEMBIC.register(our.CreateEnum)
def _create_enum(op: our.CreateEnum, ctx: EmitContext) -> list:
    e = op.enum
    comment = [] if e.comment is None else [_enum_comment(e.schema, e.name, e.comment)]
    if e.schema is not None:  # outside the default schema: qualified DDL
        values = ", ".join(quote_string(v) for v in e.values)
        name = quote_qualified(e.schema, e.name)
        return [_pg(custom.SQLTextOp(f"CREATE TYPE {name} AS ENUM ({values})"), *comment)]
    return [_pg(custom.CreatePgEnumOp(e.name, e.values), *comment)]


@TO_ALEMBIC.register(our.SetEnumComment)
def _set_enum_comment(op: our.SetEnumComment, ctx: EmitContext) -> list:
    schema = getattr(ctx.after.enums_by_name().get(op.enum_name), "schema", None)
    return [_pg(_enum_comment(schema, op.enum_name, op.new))]


@TO_ALEMBIC.register(our.DropEnum)
def _drop_enum(op: our.DropEnum, ctx: EmitContext) -> list:
    if op.enum.schema is not None:
        return [_pg(custom.SQLTextOp(f"DROP TYPE {quote_qualified(op.enum.schema, op.enum.name)}"))]
    return [_pg(custom.DropPgEnumOp(op.enum.name, op.enum.values))]


_ENUM_COLUMN = re.compile(rf"^Enum\(\s*{ENUM_ARG}\s*\)$")
_ENUM_ARRAY = re.compile(rf"^postgresql\.ARRAY\(\s*Enum\(\s*{ENUM_ARG}\s*\)\s*\)$")


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
            custom.AlterColumnOp(key[1], col.name, schema=key[0], modify_type=new_type, **existing)
        )
    # one batch per table: the states recorded for a batch (_note_batches) are the table
    # before and after the whole op, so a second batch of the table would rebuild it
    # from the first's before state on SQLite and undo the first batch's alter
    return [_modify(key, *alters) for key, alters in by_table.items()]


@TO_ALEMBIC.register(our.AddEnumValue)
def _add_enum_value(op: our.AddEnumValue, ctx: EmitContext) -> list:
    schema = getattr(ctx.enums("after").get(op.enum_name), "schema", None)
    sql = (
        f"ALTER TYPE {quote_qualified(schema, op.enum_name)} ADD VALUE IF NOT EXISTS "
        f"{quote_string(op.value)}"
    )
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
    found = ctx.before.enums_by_name().get(name) or ctx.after.enums_by_name().get(name)
    schema = found.schema if found is not None else None  # the type stays in its schema
    create = custom.CreatePgEnumOp(name, op.new_values)
    if schema is not None:
        values = ", ".join(quote_string(v) for v in op.new_values)
        create = custom.SQLTextOp(f"CREATE TYPE {quote_qualified(schema, name)} AS ENUM ({values})")
    pg: list = [
        custom.SQLTextOp(
            f"ALTER TYPE {quote_qualified(schema, name)} RENAME TO {quote_ident(moved)}"
        ),
        create,
    ]
    for key, col in _enum_columns(ctx, name, op.columns):
        table = quote_qualified(*key)
        column = quote_ident(col.name)
        if _ENUM_COLUMN.match(col.type):
            target = quote_qualified(schema, name)
            using = f"{column}::text::{target}"
        elif _ENUM_ARRAY.match(col.type):
            target = quote_qualified(schema, name) + "[]"
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
    pg.append(custom.SQLTextOp(f"DROP TYPE {quote_qualified(schema, moved)}"))
    kept = ctx.after.enums_by_name().get(name)
    if kept is not None and kept.comment is not None:  # the new type has none yet
        pg.append(_enum_comment(schema, name, kept.comment))
    branches: list = [(custom.POSTGRESQL, pg)]
    branches += _inline_enum_branch(ctx, name, op.columns, op.old_values, op.new_values)
    return [custom.DialectSwitchOp(branches)]
