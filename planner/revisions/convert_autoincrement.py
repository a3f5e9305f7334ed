"""The converter of :class:`~planner.ops.autoincrement.AlterColumnAutoincrement`.

PostgreSQL: on, a sequence the column owns (``<table>_<column>_seq``, as ``SERIAL``
makes it), set past the largest value, and its ``nextval`` default; off, the default
and the sequence the column owns go (``pg_get_serial_sequence`` finds it under any
name). MariaDB/MySQL: ``MODIFY ... [AUTO_INCREMENT]``. SQLite: nothing (an ``INTEGER
PRIMARY KEY`` is the rowid either way).
"""

from __future__ import annotations

from planner.ops.autoincrement import AlterColumnAutoincrement
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _existing, _keeping_zero, _modify
from planner.revisions.literals import quote_ident, quote_qualified, quote_string
from planner.state.model import Column

#: the sequence type of each integer column type (``CREATE SEQUENCE ... AS``)
_SEQUENCE_TYPE = {"SmallInteger": "smallint", "Integer": "integer", "BigInteger": "bigint"}


def _pg_on(op: AlterColumnAutoincrement) -> list:
    schema, table = op.table_key
    seq = quote_qualified(schema, f"{table}_{op.column}_seq")
    tab, col = quote_qualified(schema, table), quote_ident(op.column)
    as_type = _SEQUENCE_TYPE.get(op.existing_type, "bigint")
    return [
        custom.SQLTextOp(f"CREATE SEQUENCE {seq} AS {as_type} OWNED BY {tab}.{col}"),
        custom.SQLTextOp(
            f"SELECT setval({quote_string(seq)}, coalesce(max({col}), 0) + 1, false) FROM {tab}"
        ),
        custom.SQLTextOp(
            f"ALTER TABLE {tab} ALTER COLUMN {col} SET DEFAULT nextval({quote_string(seq)})"
        ),
    ]


def _pg_off(op: AlterColumnAutoincrement) -> list:
    schema, table = op.table_key
    tab, col = quote_qualified(schema, table), quote_ident(op.column)
    return [
        custom.SQLTextOp(
            "DO $dbplan$ DECLARE s text := pg_get_serial_sequence("
            f"{quote_string(tab)}, {quote_string(op.column)}); BEGIN "
            f"ALTER TABLE {tab} ALTER COLUMN {col} DROP DEFAULT; "
            "IF s IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || s; END IF; END $dbplan$"
        )
    ]


@TO_ALEMBIC.register(AlterColumnAutoincrement)
def _alter_autoincrement(op: AlterColumnAutoincrement, ctx: EmitContext) -> list:
    schema, table = op.table_key
    t = ctx.before.get_table(op.table_key)
    col = (
        t.column(op.column)
        if t is not None and t.has_column(op.column)
        else Column(name=op.column, type=op.existing_type, nullable=op.existing_nullable)
    )
    existing = _existing(col, ctx.enums("before"))
    existing.pop("existing_autoincrement", None)
    alter = custom.AlterColumnOp(
        table, op.column, schema=schema, autoincrement=op.enabled, **existing
    )
    mysql = [_modify(op.table_key, alter)]
    if op.enabled:
        mysql = _keeping_zero(mysql)
    pg = _pg_on(op) if op.enabled else _pg_off(op)
    if op.postgresql_only:
        return [custom.DialectSwitchOp([(custom.POSTGRESQL, pg)])]
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, pg), (custom.MYSQL, mysql)])]
