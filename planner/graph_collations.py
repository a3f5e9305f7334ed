"""The graph rule of a column whose type and collation both change (see
:mod:`planner.graph`): the type change runs first and keeps the collation the column has
(:func:`planner.revisions.convert_schema._alter_type`), then the collation change writes
the new collation with the new type (a collation of a type that is not a string yet
would fail: ``collations are not supported by type integer``). A nullability change of
the column runs after the collation change: its column definition (MariaDB rewrites the
whole column) has the new collation. A collation change comes after the create of the
collation it sets and before the drop of the one it leaves (a collation re-created under
a column: the collation goes off the column before the drop, back on after the create).

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
from planner.ops.pg_types import CreateCollation, DropCollation


def collation_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Add the edges (``edge(u, v, reason)``); one that would close a cycle is left out."""
    from planner.graph import op_label

    changes: dict = {}
    for i, op in enumerate(ops):
        if isinstance(op, AlterColumnCollation):
            changes.setdefault((op.table_key, op.column), []).append(i)
    if not changes:
        return
    _object_edges(ops, g, edge, [i for found in changes.values() for i in found])
    for i, op in enumerate(ops):
        if not isinstance(op, (AlterColumnType, AlterColumnNullable)):
            continue
        for j in changes.get((op.table_key, op.column), ()):
            if isinstance(op, AlterColumnType):
                u, v, why = i, j, "the collation is written with the column's new type"
            else:  # its column definition (MariaDB's MODIFY) has the new collation
                u, v, why = j, i, "it rewrites the whole column, with its new collation"
            if g.has_edge(u, v) or digraph.has_path(g, v, u):
                continue
            edge(u, v, f"{op_label(ops[v])} after {op_label(ops[u])} ({why})")


def _object_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any, changes: list) -> None:
    """Each collation change after the create of the collation it sets, before the drop
    of the one it leaves."""
    from planner.graph import op_label

    made: dict[str, list[int]] = {}
    dropped: dict[str, list[int]] = {}
    for i, op in enumerate(ops):
        if isinstance(op, (CreateCollation, DropCollation)):
            by = made if isinstance(op, CreateCollation) else dropped
            by.setdefault(op.collation.qualified_name, []).append(i)
    for j in changes:
        op = ops[j]
        for c in made.get(op.new or "", ()):
            if not digraph.has_path(g, j, c):
                edge(c, j, f"{op_label(op)} needs collation {op.new}")
        for d in dropped.get(op.old or "", ()):
            if not digraph.has_path(g, d, j):
                edge(j, d, f"{op_label(op)} before {op_label(ops[d])} (the column uses it)")
