"""The graph rule of generated columns around a type change: a generated column dropped
and added again because a column its expression reads changes type is dropped before
that change and added after it (PostgreSQL refuses to retype a column a generated
column reads; MariaDB and SQLite would compute it with the old type).

Example:
    >>> from planner import digraph
    >>> from planner.ops import AddColumn, AlterColumnType, DropColumn
    >>> from planner.state.model import Column, Generated
    >>> g = Column(name="g", type="Integer", generated=Generated(expression="a * 2"))
    >>> ops = [AddColumn(table_key=(None, "t"), column=g),
    ...        AlterColumnType(table_key=(None, "t"), column="a", old_type="Integer",
    ...                        new_type="BigInteger"),
    ...        DropColumn(table_key=(None, "t"), column=g)]
    >>> graph = digraph.DiGraph()
    >>> graph.add_nodes_from(range(3))
    >>> generated_edges(ops, graph, lambda u, v, reason: graph.add_edge(u, v))
    >>> sorted(graph.edges)
    [(1, 0), (2, 1)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner import digraph
from planner.ops import AddColumn, AlterColumnType, DropColumn, Operation
from planner.state.column_kinds import expression_columns


def generated_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Add the edges (``edge(u, v, reason)``); one that would close a cycle is left out."""
    from planner.graph import op_label

    alters: dict[tuple[Any, str], list[int]] = {}
    for i, op in enumerate(ops):
        if isinstance(op, AlterColumnType):
            alters.setdefault((op.table_key, op.column), []).append(i)
    if not alters:
        return
    for i, op in enumerate(ops):
        if not isinstance(op, (AddColumn, DropColumn)) or op.column.generated is None:
            continue
        for c in expression_columns(op.column, None):
            for a in alters.get((op.table_key, c), ()):
                u, v = (i, a) if isinstance(op, DropColumn) else (a, i)
                if g.has_edge(u, v) or digraph.has_path(g, v, u):
                    continue
                when = "before" if u == i else "after"
                edge(u, v, f"{op_label(op)} {when} {op_label(ops[a])} (its expression reads {c})")
