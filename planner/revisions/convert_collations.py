"""The converter of :class:`~planner.ops.collations.AlterColumnCollation`: Alembic's
``alter_column`` with the column's type given its new collation (SQLAlchemy's
``String(collation=...)``), which each database writes its own way: PostgreSQL ``ALTER
COLUMN c TYPE text COLLATE "C"`` (no collation: the type's default), MariaDB ``MODIFY
COLUMN`` with the whole definition (nullability, default and comment kept), SQLite a
rebuild of the table (batch mode). A column whose type is not a string type (its type
changed away from one before) has no collation to write: nothing is emitted.
"""

from __future__ import annotations

import sqlalchemy as sa

from planner.ops.collations import AlterColumnCollation
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _existing, _modify, _table_or_none
from planner.revisions.sa_bridge import sa_type
from planner.state.model import Column


def collatable(t: object) -> bool:
    """Is the SQLAlchemy type ``t`` one a collation applies to (a string, not an enum)?

    Example:
        >>> collatable(sa.Text()), collatable(sa.Integer()), collatable(sa.Enum("a"))
        (True, False, False)
    """
    return isinstance(t, sa.String) and not isinstance(t, sa.Enum)


@TO_ALEMBIC.register(AlterColumnCollation)
def _alter_collation(op: AlterColumnCollation, ctx: EmitContext) -> list:
    schema, table = op.table_key
    t = ctx.before.get_table(op.table_key)
    col = (
        t.column(op.column)
        if t is not None and t.has_column(op.column)
        else Column(
            name=op.column,
            type=op.existing_type,
            nullable=op.existing_nullable,
            collation=op.old,
        )
    )
    enums = ctx.enums("before")
    new_type = sa_type(col.type, enums, op.new)
    if not collatable(new_type):
        return []
    existing = _existing(col, enums, _table_or_none(ctx, op.table_key))
    return [
        _modify(
            op.table_key,
            custom.AlterColumnOp(table, op.column, schema=schema, modify_type=new_type, **existing),
        )
    ]
