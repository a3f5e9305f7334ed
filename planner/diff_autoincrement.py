"""The diff of autoincrement: a column of both releases whose autoincrement changes
(what the database gives it, :func:`planner.diff.owns_sequence`) gets an
:class:`~planner.ops.autoincrement.AlterColumnAutoincrement`.

Only where the column keeps its type (a type change carries PostgreSQL's sequence); where
the primary key changes, on PostgreSQL only (the key's ops carry MariaDB's
``AUTO_INCREMENT``): a serial key column that stops being the key loses its sequence. A
column whose ``identity`` changes gets an
:class:`~planner.ops.identity.AlterColumnIdentity` instead (its serial sequence with it).

Example:
    >>> from planner.state.model import Column, PrimaryKey, Table
    >>> a = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),),
    ...           primary_key=PrimaryKey(columns=("id",)))
    >>> b = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False,
    ...           autoincrement=False),), primary_key=PrimaryKey(columns=("id",)))
    >>> [op.describe() for op in diff_autoincrement(a, b)]
    ['Stop autoincrement of t.id']
"""

from __future__ import annotations

from planner.ops.autoincrement import AlterColumnAutoincrement
from planner.ops.base import Operation
from planner.ops.identity import AlterColumnIdentity
from planner.state.model import Column, Table


def diff_autoincrement(ot: Table, nt: Table) -> list[Operation]:
    """The autoincrement changes between two versions of one table."""
    from planner.diff import owns_sequence

    pk_old = ot.primary_key.columns if ot.primary_key else ()
    pk_new = nt.primary_key.columns if nt.primary_key else ()
    from planner.diff_generated import rebuilt_columns

    ops: list[Operation] = []
    rebuilt = rebuilt_columns(ot, nt)  # dropped and added again: nothing to alter
    for nc in nt.columns:
        if not ot.has_column(nc.name):
            continue
        oc = ot.column(nc.name)
        if oc.identity != nc.identity:
            ops.append(_identity_op(ot, nt, oc, nc))
            continue
        if oc.type != nc.type or nc.identity is not None or nc.name in rebuilt:
            continue
        was, now = owns_sequence(ot, oc), owns_sequence(nt, nc)
        if was != now:
            ops.append(
                AlterColumnAutoincrement(
                    table_key=nt.key,
                    column=nc.name,
                    old=oc.autoincrement,
                    new=nc.autoincrement,
                    enabled=now,
                    existing_type=nc.type,
                    existing_nullable=nc.nullable,
                    # MariaDB's AUTO_INCREMENT follows the key's own ops
                    postgresql_only=pk_old != pk_new,
                )
            )
    return ops


def _identity_op(ot: Table, nt: Table, oc: Column, nc: Column) -> Operation:
    from planner.diff import owns_sequence

    return AlterColumnIdentity(
        table_key=nt.key,
        column=nc.name,
        old=oc.identity,
        new=nc.identity,
        old_serial=owns_sequence(ot, oc),
        new_serial=owns_sequence(nt, nc),
        old_auto=oc.autoincrement,
        new_auto=nc.autoincrement,
        existing_type=oc.type,
        existing_nullable=oc.nullable,
    )
