"""The diff of autoincrement: a column of both releases whose autoincrement changes
(what the database gives it, :func:`planner.diff.owns_sequence`) gets an
:class:`~planner.ops.autoincrement.AlterColumnAutoincrement`.

Only where the primary key keeps its columns and the column its type: a primary key
change carries MariaDB's ``AUTO_INCREMENT`` itself, a type change PostgreSQL's sequence.

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
from planner.state.model import Table


def diff_autoincrement(ot: Table, nt: Table) -> list[Operation]:
    """The autoincrement changes between two versions of one table."""
    from planner.diff import owns_sequence

    pk_old = ot.primary_key.columns if ot.primary_key else ()
    pk_new = nt.primary_key.columns if nt.primary_key else ()
    if pk_old != pk_new:
        return []
    ops: list[Operation] = []
    for nc in nt.columns:
        if not ot.has_column(nc.name):
            continue
        oc = ot.column(nc.name)
        if oc.type != nc.type:
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
                )
            )
    return ops
