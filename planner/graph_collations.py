"""The graph rule of a column whose type and collation both change (see
:mod:`planner.graph`): the type change runs first and keeps the collation the column has
(:func:`planner.revisions.convert_schema._alter_type`), then the collation change writes
the new collation with the new type (a collation of a type that is not a string yet
would fail: ``collations are not supported by type integer``). A nullability change of
the column runs after the collation change: its column definition (MariaDB rewrites the
whole column) has the new collation.

Example:
    >>> from planner import digraph
    >>> from planner.ops import AlterColumnCollation, AlterColumnType
    >>> ops = [AlterColumnCollation(table_key=(None, "t"), column="a", old=None, new="C"),
    ...        AlterColumnType(table_key=(None, "t"), column="a", old_type="Integer",
    ...                        new_type="Text")]
    >>> g = digraph.DiGraph(); g.add_nodes_from([0, 1])
    >>> collation_edges(ops, g, lambda u, v, why: g.add_edge(u, v, reason=why))
    >>> [(u, v) for u, v in g.edges]
    [(1, 0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner import digraph
from planner.ops import AlterColumnCollation, AlterColumnNullable, AlterColumnType, Operation


def collation_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Add the edges (``edge(u, v, reason)``); one that would close a cycle is left out."""
    from planner.graph import op_label

    changes = {
        (op.table_key, op.column): i
        for i, op in enumerate(ops)
        if isinstance(op, AlterColumnCollation)
    }
    if not changes:
        return
    for i, op in enumerate(ops):
        if not isinstance(op, (AlterColumnType, AlterColumnNullable)):
            continue
        j = changes.get((op.table_key, op.column))
        if j is None:
            continue
        if isinstance(op, AlterColumnType):
            u, v, why = i, j, "the collation is written with the column's new type"
        else:  # its column definition (MariaDB's MODIFY) has the new collation
            u, v, why = j, i, "it rewrites the whole column, with its new collation"
        if g.has_edge(u, v) or digraph.has_path(g, v, u):
            continue
        edge(u, v, f"{op_label(ops[v])} after {op_label(ops[u])} ({why})")
