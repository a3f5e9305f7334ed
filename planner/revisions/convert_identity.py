"""The converter of :class:`~planner.ops.identity.AlterColumnIdentity` (PostgreSQL only:
validation refuses identity columns for MariaDB and SQLite targets).

Adding an identity: a serial default and the sequence it owns go first, the column is
made NOT NULL (PostgreSQL requires it), the identity is added and its sequence set past
the largest value (rows inserted before keep their ids; the next one does not collide).
Dropping one: ``DROP IDENTITY``, then the serial sequence when the column is serial
after. A change: ``SET GENERATED ALWAYS | BY DEFAULT``.
"""

from __future__ import annotations

from planner.ops.identity import AlterColumnIdentity
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.revisions.convert_autoincrement import _pg_off, _pg_on
from planner.revisions.literals import quote_ident, quote_qualified, quote_string

_GENERATED = {"always": "ALWAYS", "by_default": "BY DEFAULT"}


def reset_identity_sql(schema: str | None, table: str, column: str) -> str:
    """The statement setting an identity (or serial) column's sequence past its largest
    value (after rows were given ids).

    Example:
        >>> reset_identity_sql(None, "t", "id")
        'SELECT setval(pg_get_serial_sequence(\\'"t"\\', \\'id\\'), coalesce(max("id"), 0) + 1, false) FROM "t"'
    """
    tab, col = quote_qualified(schema, table), quote_ident(column)
    return (
        f"SELECT setval(pg_get_serial_sequence({quote_string(tab)}, {quote_string(column)}), "
        f"coalesce(max({col}), 0) + 1, false) FROM {tab}"
    )


def _pg(op: AlterColumnIdentity) -> list:
    schema, table = op.table_key
    tab, col = quote_qualified(schema, table), quote_ident(op.column)
    alter = f"ALTER TABLE {tab} ALTER COLUMN {col}"
    out: list = []
    if op.new is None:
        out.append(custom.SQLTextOp(f"{alter} DROP IDENTITY"))
        if op.new_serial:
            out += _pg_on(op)  # type: ignore[arg-type]
        return out
    if op.old is not None:
        return [custom.SQLTextOp(f"{alter} SET GENERATED {_GENERATED[op.new]}")]
    if op.old_serial:
        out += _pg_off(op)  # type: ignore[arg-type]
    if op.existing_nullable:
        out.append(custom.SQLTextOp(f"{alter} SET NOT NULL"))
    out.append(custom.SQLTextOp(f"{alter} ADD GENERATED {_GENERATED[op.new]} AS IDENTITY"))
    out.append(custom.SQLTextOp(reset_identity_sql(schema, table, op.column)))
    return out


@TO_ALEMBIC.register(AlterColumnIdentity)
def _alter_identity(op: AlterColumnIdentity, ctx: EmitContext) -> list:
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, _pg(op))])]
