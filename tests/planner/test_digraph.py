"""planner.digraph gives what networkx gives, on random graphs (the plan's order and the
cycle it breaks depend on it), and a plan imports no networkx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import digraph

ROOT = Path(__file__).resolve().parents[2]

_EDGES = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30)


def _both(n: int, edges: list[tuple[int, int]]):
    a, b = digraph.DiGraph(), nx.DiGraph()
    for i in range(n):
        a.add_node(i, op=i)
        b.add_node(i, op=i)
    for u, v in edges:
        if u < n and v < n and u != v:
            a.add_edge(u, v, reason=f"{u}{v}")
            b.add_edge(u, v, reason=f"{u}{v}")
    return a, b


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10), _EDGES, st.integers(0, 3))
def test_same_answers_as_networkx(n, edges, seed):
    a, b = _both(n, edges)

    def key(i):
        return str((i * 7 + seed) % 5)

    try:
        expected = list(nx.lexicographical_topological_sort(b, key=key))
    except nx.NetworkXUnfeasible:
        expected = None
    try:
        got = list(digraph.lexicographical_topological_sort(a, key=key))
    except digraph.CycleFound:
        got = None
    assert got == expected
    try:
        cycle = list(nx.find_cycle(b))
    except nx.NetworkXNoCycle:
        cycle = None
    assert digraph.find_cycle(a) == cycle
    assert list(a.edges) == list(b.edges)
    assert all(a.edges[u, v] == b.edges[u, v] for u, v in b.edges)
    assert sorted(map(sorted, digraph.strongly_connected_components(a))) == sorted(
        map(sorted, nx.strongly_connected_components(b))
    )
    for s in range(n):
        for t in range(n):
            assert digraph.has_path(a, s, t) == nx.has_path(b, s, t)
    if n:
        h, k = a.copy(), b.copy()
        for u, v in list(b.edges)[:3]:
            h.remove_edge(u, v)
            k.remove_edge(u, v)
        h.remove_node(0)
        k.remove_node(0)
        assert list(h.edges) == list(k.edges)
        for i in range(1, n):
            assert list(h.successors(i)) == list(k.successors(i))
            assert list(h.predecessors(i)) == list(k.predecessors(i))


def test_plan_imports_no_networkx():
    code = (
        "import sys\n"
        "from planner.cli import main\n"
        "sys.argv = ['dbplan', '-C', sys.argv[1], 'plan']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('networkx' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False"
