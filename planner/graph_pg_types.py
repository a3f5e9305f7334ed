"""The graph rule of a composite type whose attributes change type (see
:mod:`planner.graph`): PostgreSQL refuses ``ALTER TYPE ... ALTER ATTRIBUTE ... TYPE``
while a column uses the type (``cannot alter type "pair" because column "t.p" uses
it``), so the ops that stop using it (a column or table dropped, a column's type changed
away from it) run before the change, and those that start using it after. A column that
uses the type on both sides still refuses it at run time; an edge that would close a
cycle is left out (the phases still order the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner import digraph
from planner.ops import Operation
from planner.ops.pg_objects import extra_needs
from planner.ops.pg_types import AlterCompositeType
from planner.state.pg_types import type_names


def _stops_using(op: Operation, name: str) -> bool:
    """``op`` removes a use of type ``name`` (a drop; a type change away from it)."""
    if op.category == "-":
        return True
    old, new = getattr(op, "old_type", None), getattr(op, "new_type", None)
    return old is not None and name in type_names(old) and name not in type_names(new)


def type_use_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Add the edges of every composite type whose attributes change type around the ops
    that use it."""
    alters = [
        (j, op)
        for j, op in enumerate(ops)
        if isinstance(op, AlterCompositeType) and op.changes()[2]
    ]
    for j, alter in alters:
        ref = alter._gives_ref()
        name = alter.new.name
        for i, op in enumerate(ops):
            if (
                i == j
                or isinstance(op, AlterCompositeType)
                or ref not in op.needs() | extra_needs(op)
            ):
                continue
            before = _stops_using(op, name)
            u, v = (i, j) if before else (j, i)
            if g.has_edge(u, v) or digraph.has_path(g, v, u):
                continue
            verb = "stops" if before else "starts"
            edge(
                u,
                v,
                f"{ops[u].label()} before {ops[v].label()}: {op.label()} {verb} using type "
                f"{alter.new.qualified_name}, whose attributes change type (PostgreSQL "
                "refuses that while a column uses it)",
            )


def domain_use_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """A domain dropped (and created again with a new base type): the column type
    changes that take a column off it run before the drop (PostgreSQL refuses to drop a
    domain a column uses), those that put one on it after the create."""
    from planner.ops.pg_types import CreateDomain, DropDomain
    from planner.ops.tables import AlterColumnType

    for j, op in enumerate(ops):
        if not isinstance(op, (CreateDomain, DropDomain)):
            continue
        name = op.domain.qualified_name
        dropping = isinstance(op, DropDomain)
        for i, alter in enumerate(ops):
            if not isinstance(alter, AlterColumnType):
                continue
            old, new = type_names(alter.old_type), type_names(alter.new_type)
            if dropping and name in old and name not in new:
                u, v, verb = i, j, "takes a column off it"
            elif not dropping and name in new and name not in old:
                u, v, verb = j, i, "puts a column on it"
            else:
                continue
            if g.has_edge(u, v) or digraph.has_path(g, v, u):
                continue
            edge(
                u,
                v,
                f"{ops[u].label()} before {ops[v].label()}: {alter.label()} {verb} "
                f"(PostgreSQL refuses to drop domain {name} while a column uses it)",
            )
