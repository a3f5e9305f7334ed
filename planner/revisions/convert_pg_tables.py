"""The converters of :mod:`planner.ops.pg_tables` (PostgreSQL only: validation refuses
``deferrable`` and ``unlogged`` for MariaDB and SQLite targets), and the PostgreSQL
variant of a table or primary key that has them.

``CREATE TABLE`` of such a table: the PostgreSQL branch creates it ``UNLOGGED`` with its
deferrable uniques and foreign keys inline, and adds a deferrable primary key after it
(Alembic's renderer writes no ``deferrable`` for a primary key); other databases get the
table without them.

Example:
    >>> print(add_primary_key_sql((None, "t"), "t_pkey", ("id",), "deferred"))
    ALTER TABLE "t" ADD CONSTRAINT "t_pkey" PRIMARY KEY ("id") DEFERRABLE INITIALLY DEFERRED
"""

from __future__ import annotations

import dataclasses

from planner.ops.pg_tables import (
    AddExclusion,
    AlterConstraintDeferrable,
    DropExclusion,
    SetTableLogged,
    deferrable_sql,
)
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.revisions.literals import quote_ident, quote_qualified
from planner.revisions.sa_bridge import has_pg_properties, portable  # noqa: F401
from planner.state.model import Exclusion, Table, TableKey


def without_deferrable_key(table: Table) -> tuple[Table, list]:
    """``table`` as ``CREATE TABLE`` makes it on PostgreSQL, and the statements after it:
    a deferrable primary key and the exclusion constraints are added by ``ALTER TABLE``."""
    after = [custom.SQLTextOp(add_exclusion_sql(table.key, e)) for e in table.exclusions]
    table = dataclasses.replace(table, exclusions=())
    pk = table.primary_key
    if pk is None or pk.deferrable is None or not pk.columns:
        return table, after
    sql = add_primary_key_sql(table.key, pk.name, pk.columns, pk.deferrable)
    return dataclasses.replace(table, primary_key=None), [custom.SQLTextOp(sql), *after]


def add_exclusion_sql(key: TableKey, e: Exclusion) -> str:
    """``ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE USING ... (...) [WHERE (...)]``.

    Example:
        >>> from planner.state.model import ExclusionElement as El
        >>> print(add_exclusion_sql((None, "b"), Exclusion(name="ex", elements=(
        ...     El(column="room", operator="="), El(expression="tstzrange(s, e)", operator="&&")),
        ...     where="room > 0")))
        ALTER TABLE "b" ADD CONSTRAINT "ex" EXCLUDE USING gist ("room" WITH =, (tstzrange(s, e)) WITH &&) WHERE (room > 0)
    """
    parts = []
    for el in e.elements:
        what = quote_ident(el.column) if el.column is not None else f"({el.expression})"
        parts.append(f"{what} WITH {el.operator}")
    where = f" WHERE ({e.where})" if e.where is not None else ""
    return (
        f"ALTER TABLE {quote_qualified(*key)} ADD CONSTRAINT {quote_ident(e.name)} "
        f"EXCLUDE USING {e.using} ({', '.join(parts)}){where}"
    )


@TO_ALEMBIC.register(AddExclusion)
def _add_exclusion(op: AddExclusion, ctx: EmitContext) -> list:
    sql = add_exclusion_sql(op.table_key, op.exclusion)
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, [custom.SQLTextOp(sql)])])]


@TO_ALEMBIC.register(DropExclusion)
def _drop_exclusion(op: DropExclusion, ctx: EmitContext) -> list:
    sql = (
        f"ALTER TABLE {quote_qualified(*op.table_key)} "
        f"DROP CONSTRAINT {quote_ident(op.exclusion.name)}"
    )
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, [custom.SQLTextOp(sql)])])]


def add_primary_key_sql(
    key: TableKey, name: str | None, columns: tuple[str, ...], deferrable: str | None
) -> str:
    """``ALTER TABLE ... ADD [CONSTRAINT name] PRIMARY KEY (...) DEFERRABLE ...``."""
    named = f"CONSTRAINT {quote_ident(name)} " if name else ""
    cols = ", ".join(quote_ident(c) for c in columns)
    tail = f" {deferrable_sql(deferrable)}" if deferrable else ""
    return f"ALTER TABLE {quote_qualified(*key)} ADD {named}PRIMARY KEY ({cols}){tail}"


@TO_ALEMBIC.register(AlterConstraintDeferrable)
def _alter_deferrable(op: AlterConstraintDeferrable, ctx: EmitContext) -> list:
    sql = (
        f"ALTER TABLE {quote_qualified(*op.table_key)} ALTER CONSTRAINT {quote_ident(op.name)} "
        f"{deferrable_sql(op.new)}"
    )
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, [custom.SQLTextOp(sql)])])]


@TO_ALEMBIC.register(SetTableLogged)
def _set_logged(op: SetTableLogged, ctx: EmitContext) -> list:
    mode = "UNLOGGED" if op.unlogged else "LOGGED"
    sql = f"ALTER TABLE {quote_qualified(*op.table_key)} SET {mode}"
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, [custom.SQLTextOp(sql)])])]
