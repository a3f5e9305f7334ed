"""The graph rule of policies around the column operations under them (see
:mod:`planner.graph`): a type change or drop of a column a policy reads
(:func:`planner.ops.policies.disturbs`; PostgreSQL refuses both under a policy) runs after
the policy is dropped and before it is created again. An edge that would close a cycle
is left out (the phases still order the two).

Example:
    >>> from planner.graph import build_graph
    >>> from planner.ops import AlterColumnType
    >>> from planner.ops.policies import CreatePolicy, DropPolicy
    >>> from planner.state.policies import Policy
    >>> p = Policy(name="own", using="a > 0")
    >>> alter = AlterColumnType(table_key=(None, "t"), column="a", old_type="Integer",
    ...                         new_type="BigInteger")
    >>> g = build_graph([alter, DropPolicy(table_key=(None, "t"), policy=p, columns=("a",)),
    ...                  CreatePolicy(table_key=(None, "t"), policy=p, columns=("a",))])
    >>> g.edges[1, 0]["reason"], g.edges[0, 2]["reason"]
    ('drop policy own on t before alter column type t.a: a policy of t reads t.a', 'policy own on t after alter column type t.a: a policy of t reads t.a')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner import digraph
from planner.ops import Operation
from planner.ops.policies import AlterPolicy, CreatePolicy, DropPolicy, disturbs


def policy_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Add the edges of every policy op around the column ops it does not survive."""
    policies = [
        (j, op)
        for j, op in enumerate(ops)
        if isinstance(op, (CreatePolicy, DropPolicy, AlterPolicy))
    ]
    if not policies:
        return
    for i, op in enumerate(ops):
        if op.kind not in ("alter_column_type", "drop_column"):
            continue
        for j, pop in policies:
            cols = pop.new_columns if isinstance(pop, AlterPolicy) else pop.columns
            why = disturbs(op, pop.table_key, cols)
            if why is None:
                continue
            u, v = (j, i) if isinstance(pop, DropPolicy) else (i, j)
            if g.has_edge(u, v) or digraph.has_path(g, v, u):
                continue
            verb = "before" if isinstance(pop, DropPolicy) else "after"
            edge(u, v, f"{pop.label()} {verb} {op.label()}: {why}")
