"""The graph rule of functions around the table operations that use them (see
:mod:`planner.graph`): a function a column default, generated column, check or index
calls (:mod:`planner.routine_uses`) is created (or replaced) before the operation that
makes that use, and dropped after the one that removes it (PostgreSQL refuses to drop a
function a default or constraint depends on). Functions otherwise run after every table
operation (their phase), so one no table uses stays there.

An operation's new uses are those of what it creates (``+``) or sets (a default's
``new``), its old uses those of what it drops (``-``) or replaces (a default's ``old``).

Example:
    >>> from planner.graph import build_graph
    >>> from planner.ops import CreateTable, DropTable
    >>> from planner.ops.routines import CreateRoutine, DropRoutine
    >>> from planner.state.model import Check, Column, Routine, Table
    >>> f = Routine(kind="function", name="norm(t text)", definition="CREATE FUNCTION ...")
    >>> t = Table(name="p", columns=(Column(name="name", type="Text"),),
    ...           checks=(Check(name="ck_p", sqltext="name = norm(name)"),))
    >>> g = build_graph([CreateTable(table=t), CreateRoutine(routine=f)])
    >>> g.edges[1, 0]["reason"]
    'create table p needs function norm(t text): check ck_p calls it'
    >>> g = build_graph([DropRoutine(routine=f), DropTable(table=t)])
    >>> g.edges[1, 0]["reason"]
    'drop function norm(t text) after drop table p: check ck_p calls it'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner import digraph
from planner.ops import AlterColumnDefault, Operation
from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine, routine_label
from planner.routine_uses import expressions, uses

__all__ = ["routine_use_edges"]


def _parts(op: Operation) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The SQL expressions an operation makes (new) and removes (old)."""
    if isinstance(op, AlterColumnDefault):
        where = f"default of {op.column}"
        new = [(where, op.new)] if op.new else []
        return new, ([(where, op.old)] if op.old else [])
    found = [x for f in getattr(op, "__dataclass_fields__", {}) for x in _field(op, f)]
    if op.category == "-":
        return [], found
    return found, []


def _field(op: Operation, name: str) -> list[tuple[str, str]]:
    if name in ("old", "rows"):
        return []
    return list(expressions(getattr(op, name)))


def routine_use_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Add the edges of every function op around the table ops that call the function."""
    made = [
        (i, op.routine if isinstance(op, CreateRoutine) else op.new)
        for i, op in enumerate(ops)
        if isinstance(op, (CreateRoutine, ReplaceRoutine))
    ]
    dropped = [(i, op.routine) for i, op in enumerate(ops) if isinstance(op, DropRoutine)]
    made = [(i, r) for i, r in made if r.kind == "function" and r.table is None]
    dropped = [(i, r) for i, r in dropped if r.kind == "function" and r.table is None]
    if not made and not dropped:
        return
    first: dict[int, int] = {}  # a function created: the earliest phase of its users
    for i, op in enumerate(ops):
        if op.table_key is None or isinstance(op, (CreateRoutine, DropRoutine, ReplaceRoutine)):
            continue
        new, old = _parts(op)
        schema = op.table_key[0]
        for j, r in made if new else ():
            where = uses(r, new, schema)
            if where is not None and not digraph.has_path(g, i, j):
                edge(j, i, f"{op.label()} needs {routine_label(r)}: {where} calls it")
                first[j] = min(first.get(j, op.phase), op.phase)
        for j, r in dropped if old else ():
            where = uses(r, old, schema)
            if where is not None and not digraph.has_path(g, j, i):
                edge(i, j, f"drop {routine_label(r)} after {op.label()}: {where} calls it")
    for j, phase in first.items():
        # free to run before the tables: created just before its first user's phase (not
        # among the table ops left, which an SQL body checked at creation may read)
        g.nodes[j]["sort_key"] = (f"{phase:02d}", "", *ops[j].sort_key()[2:])
