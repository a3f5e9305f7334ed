"""The graph rule of views around the table operations under them (see
:mod:`planner.graph`): an operation a view does not survive (:func:`planner.ops.views.disturbs`:
a type change or drop of a column it reads; a rebuild of a table it reads where SQLite
is a target) runs after the view is dropped and before it is created again. An edge
that would close a cycle is left out (the phases still order the two).

Example:
    >>> from planner.graph import build_graph
    >>> from planner.ops import AlterColumnType
    >>> from planner.ops.views import CreateView, DropView
    >>> from planner.state.model import View, ViewRead
    >>> v = View(name="v", definition="SELECT t.a FROM t",
    ...          reads=(ViewRead(kind="table", name="t", columns=("a",)),))
    >>> alter = AlterColumnType(table_key=(None, "t"), column="a", old_type="Integer",
    ...                         new_type="BigInteger")
    >>> g = build_graph([alter, DropView(view=v), CreateView(view=v)])
    >>> g.edges[1, 0]["reason"], g.edges[0, 2]["reason"]
    ('drop view v before alter column type t.a: view v reads t.a', 'view v after alter column type t.a: view v reads t.a')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner import digraph
from planner.ops import Operation
from planner.ops.views import CreateView, DropView, disturbs


def view_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any, *, rebuilds: bool) -> None:
    """Add the edges of every view op around the table ops it does not survive."""
    views = [(i, op) for i, op in enumerate(ops) if isinstance(op, (CreateView, DropView))]
    if not views:
        return
    for i, op in enumerate(ops):
        if op.table_key is None or isinstance(op, (CreateView, DropView)):
            continue
        for j, vop in views:
            why = disturbs(op, vop.view, rebuilds=rebuilds)
            if why is None:
                continue
            u, v = (j, i) if isinstance(vop, DropView) else (i, j)
            if g.has_edge(u, v) or digraph.has_path(g, v, u):
                continue
            verb = "before" if isinstance(vop, DropView) else "after"
            edge(u, v, f"{vop.label()} {verb} {op.label()}: {why}")
