"""The small part of networkx a plan uses, without importing networkx (about 0.1-0.2 s).

:class:`DiGraph` keeps nodes and each node's successors and predecessors in insertion
order, as ``networkx.DiGraph`` does, with the same methods :mod:`planner.graph` and the
plan's consumers call (``add_node``, ``add_edge``, ``has_edge``, ``nodes[i]``,
``edges[u, v]``, iteration over ``edges``, ``copy``, ``remove_edge``, ``remove_node``,
``successors``, ``predecessors``). The algorithms are networkx's own, ported line for line
where the result depends on the order (:func:`lexicographical_topological_sort`); a
cycle is found by networkx itself (:func:`find_cycle` converts the graph, in the same
order, and imports it then: only a plan with a cycle to break or report pays for it).

Example:
    >>> g = DiGraph()
    >>> g.add_node(0, op="a"); g.add_node(1, op="b"); g.add_edge(1, 0, reason="r")
    >>> list(lexicographical_topological_sort(g, key=str)), g.edges[1, 0]["reason"]
    ([1, 0], 'r')
    >>> has_path(g, 1, 0), has_path(g, 0, 1), find_cycle(g)
    (True, False, None)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from planner.errors import DbplanError

__all__ = [
    "CycleFound",
    "DiGraph",
    "find_cycle",
    "has_path",
    "lexicographical_topological_sort",
    "strongly_connected_components",
]


class CycleFound(DbplanError):  # noqa: N818 - networkx's NetworkXUnfeasible
    """:func:`lexicographical_topological_sort` met a cycle."""


class _Edges:
    """``g.edges``: iterable of ``(u, v)``; ``g.edges[u, v]`` is the edge's attributes."""

    __slots__ = ("_succ",)

    def __init__(self, succ: dict):
        self._succ = succ

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        for u, nbrs in self._succ.items():
            for v in nbrs:
                yield (u, v)

    def __len__(self) -> int:
        return sum(len(n) for n in self._succ.values())

    def __getitem__(self, uv: tuple[Any, Any]) -> dict:
        u, v = uv
        return self._succ[u][v]


class DiGraph:
    """A directed graph with node and edge attributes (networkx's ``DiGraph`` subset)."""

    __slots__ = ("_node", "_succ", "_pred")

    def __init__(self) -> None:
        self._node: dict[Hashable, dict] = {}
        self._succ: dict[Hashable, dict[Hashable, dict]] = {}
        self._pred: dict[Hashable, dict[Hashable, dict]] = {}

    def add_node(self, n: Hashable, **attr: Any) -> None:
        if n not in self._node:
            self._node[n] = {}
            self._succ[n] = {}
            self._pred[n] = {}
        self._node[n].update(attr)

    def add_nodes_from(self, nodes: Iterable[Hashable]) -> None:
        for n in nodes:
            self.add_node(n)

    def add_edge(self, u: Hashable, v: Hashable, **attr: Any) -> None:
        for n in (u, v):
            if n not in self._node:
                self.add_node(n)
        data = self._succ[u].get(v, {})
        data.update(attr)
        self._succ[u][v] = data
        self._pred[v][u] = data

    def has_edge(self, u: Hashable, v: Hashable) -> bool:
        return u in self._succ and v in self._succ[u]

    def remove_edge(self, u: Hashable, v: Hashable) -> None:
        del self._succ[u][v]
        del self._pred[v][u]

    def remove_node(self, n: Hashable) -> None:
        for v in self._succ[n]:
            del self._pred[v][n]
        for u in self._pred[n]:
            del self._succ[u][n]
        del self._node[n], self._succ[n], self._pred[n]

    def successors(self, n: Hashable) -> Iterator[Hashable]:
        return iter(self._succ[n])

    def predecessors(self, n: Hashable) -> Iterator[Hashable]:
        return iter(self._pred[n])

    def number_of_nodes(self) -> int:
        return len(self._node)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._node)

    def __contains__(self, n: Hashable) -> bool:
        return n in self._node

    def __len__(self) -> int:
        return len(self._node)

    @property
    def nodes(self) -> dict[Hashable, dict]:
        return self._node

    @property
    def edges(self) -> _Edges:
        return _Edges(self._succ)

    def copy(self) -> DiGraph:
        """A copy with the attribute dicts copied (networkx's ``G.copy()``)."""
        h = DiGraph()
        for n, attr in self._node.items():
            h.add_node(n, **attr)
        for u, nbrs in self._succ.items():
            for v, attr in nbrs.items():
                h.add_edge(u, v, **attr)
        return h

    def to_networkx(self) -> Any:
        """The same graph as a ``networkx.DiGraph`` (nodes and edges in the same order)."""
        import networkx as nx

        g = nx.DiGraph()
        for n, attr in self._node.items():
            g.add_node(n, **attr)
        for u, nbrs in self._succ.items():
            for v, attr in nbrs.items():
                g.add_edge(u, v, **attr)
        return g


def lexicographical_topological_sort(
    g: DiGraph, key: Callable[[Any], Any] | None = None
) -> Iterator[Any]:
    """networkx's ``lexicographical_topological_sort``: ties broken by ``key``, then by
    insertion order; raises :class:`CycleFound` on a cycle."""
    if key is None:

        def key(node: Any) -> Any:
            return node

    nodeid_map = {n: i for i, n in enumerate(g)}

    def create_tuple(node: Any) -> tuple:
        return key(node), nodeid_map[node], node

    indegree_map = {v: len(p) for v, p in g._pred.items() if len(p) > 0}
    zero_indegree = [create_tuple(v) for v, p in g._pred.items() if len(p) == 0]
    heapq.heapify(zero_indegree)
    while zero_indegree:
        _, _, node = heapq.heappop(zero_indegree)
        for child in g._succ[node]:
            indegree_map[child] -= 1
            if indegree_map[child] == 0:
                heapq.heappush(zero_indegree, create_tuple(child))
                del indegree_map[child]
        yield node
    if indegree_map:
        raise CycleFound("Graph contains a cycle or graph changed during iteration")


def _acyclic(g: DiGraph) -> bool:
    indegree = {v: len(p) for v, p in g._pred.items()}
    ready = [v for v, d in indegree.items() if d == 0]
    seen = 0
    while ready:
        n = ready.pop()
        seen += 1
        for child in g._succ[n]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return seen == len(indegree)


def find_cycle(g: DiGraph) -> list[tuple[Any, Any]] | None:
    """``networkx.find_cycle(g)`` (the same edges, in the same order), None without one."""
    if _acyclic(g):
        return None
    import networkx as nx

    try:
        return list(nx.find_cycle(g.to_networkx()))
    except nx.NetworkXNoCycle:  # pragma: no cover - _acyclic said there is one
        return None


def has_path(g: DiGraph, source: Any, target: Any) -> bool:
    """Whether a path leads from ``source`` to ``target`` (``networkx.has_path``)."""
    if source == target:
        return True
    seen = {source}
    todo = [source]
    while todo:
        for n in g._succ[todo.pop()]:
            if n == target:
                return True
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return False


def strongly_connected_components(g: DiGraph) -> Iterator[set]:
    """The strongly connected components of ``g`` (sets of nodes; Tarjan's algorithm)."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    out: list[set] = []
    counter = 0
    for root in g:
        if root in index:
            continue
        work = [(root, iter(g._succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(g._succ[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        n = stack.pop()
                        on_stack.discard(n)
                        component.add(n)
                        if n == node:
                            break
                    out.append(component)
    return iter(out)
