"""The converter of :class:`~planner.ops.on_update.AlterColumnOnUpdate` (MariaDB/MySQL
only: validation refuses ``on_update`` for other targets): ``alter_column`` with the
column's type given again, so Alembic writes ``CHANGE`` / ``MODIFY COLUMN`` with the whole
definition (``ALTER COLUMN ... SET DEFAULT`` cannot carry ``ON UPDATE``)."""

from __future__ import annotations

from planner.dialects.mysql_on_update import joined
from planner.ops.on_update import AlterColumnOnUpdate
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import (
    TO_ALEMBIC,
    EmitContext,
    _default,
    _existing,
    _modify,
    _table_or_none,
)
from planner.revisions.convert_schema import _current_column
from planner.revisions.sa_bridge import sa_type
from planner.state.model import Column


@TO_ALEMBIC.register(AlterColumnOnUpdate)
def _alter_on_update(op: AlterColumnOnUpdate, ctx: EmitContext) -> list:
    schema, table = op.table_key
    col = _current_column(ctx, op.table_key, op.column) or Column(
        name=op.column, type=op.existing_type, nullable=op.existing_nullable
    )
    enums = ctx.enums("before")
    existing = _existing(col, enums, _table_or_none(ctx, op.table_key))
    existing["existing_server_default"] = joined(op.old_default, op.old)
    return [
        _modify(
            op.table_key,
            custom.AlterColumnOp(
                table,
                op.column,
                schema=schema,
                modify_type=sa_type(col.type, enums),
                modify_server_default=_default(joined(op.new_default, op.new)),
                **existing,
            ),
        )
    ]
