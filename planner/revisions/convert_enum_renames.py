"""The converter of :class:`~planner.ops.enum_renames.RenameEnumValue`: PostgreSQL
renames the label in place; MariaDB widens each column's inline ENUM to both labels,
moves the rows to the new label and narrows it; SQLite moves the rows (and widens its
VARCHAR when the longest label grows)."""

from __future__ import annotations

from planner.ops.enum_renames import RenameEnumValue
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.revisions.convert_schema import _ENUM_COLUMN, _enum_columns, _mysql_enum_alters
from planner.revisions.literals import quote_ident, quote_string


def _longest(values: tuple[str, ...]) -> int:
    return max((len(v) for v in values), default=1) or 1


@TO_ALEMBIC.register(RenameEnumValue)
def _rename_enum_value(op: RenameEnumValue, ctx: EmitContext) -> list:
    name = op.enum_name
    pg = custom.SQLTextOp(
        f"ALTER TYPE {quote_ident(name)} RENAME VALUE {quote_string(op.old)} TO {quote_string(op.new)}"
    )
    updates = [
        custom.UpdateRowOp(
            key[1],
            key={col.name: op.old},
            values={col.name: op.new},
            schema=key[0],
            columns=(col.name,),
        )
        for key, col in _enum_columns(ctx, name, op.columns)
        if _ENUM_COLUMN.match(col.type)
    ]
    both = (*op.old_values, op.new)
    mysql = [
        *_mysql_enum_alters(ctx, name, op.columns, op.old_values, both),
        *updates,
        *_mysql_enum_alters(ctx, name, op.columns, both, op.new_values),
    ]
    sqlite = list(updates)
    if _longest(op.old_values) != _longest(op.new_values):
        sqlite += _mysql_enum_alters(ctx, name, op.columns, op.old_values, op.new_values)
    return [
        custom.DialectSwitchOp(
            [(custom.POSTGRESQL, [pg]), (custom.MYSQL, mysql), (custom.SQLITE, sqlite)]
        )
    ]
