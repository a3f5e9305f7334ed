"""The graph rules of data steps (:class:`~planner.ops.steps.RunDataStep`) that look at
the operations themselves (the step's refs already order it after what creates the
tables and columns it reads and writes and before what drops them):

* a column's type change runs before a step that reads or writes the column (the step
  sees the new type);
* NOT NULL, a unique, primary or foreign key, a check or a unique index added on what a
  step reads or writes runs after it (contract: the constraint meets the moved rows),
  and so does a backfill of a column it writes (the backfill fills what is left);
* managed rows inserted or updated in a table a step reads or writes come before it,
  rows deleted from it after it;
* steps run in the order the snapshot lists them (the downgrade's in reverse).

An edge that would close a cycle is left out (the phases still order the two).

Example:
    >>> from planner.graph import build_graph
    >>> from planner.ops import AlterColumnNullable
    >>> from planner.ops.steps import RunDataStep
    >>> from planner.state.model import Column, DataStep
    >>> s = RunDataStep(step=DataStep(name="fill", writes=("t.c",), sql=(("*", "UPDATE t SET c = 1"),)))
    >>> n = AlterColumnNullable(table_key=(None, "t"), column="c", nullable=False,
    ...                         column_def=Column(name="c", type="Integer"))
    >>> build_graph([n, s]).edges[1, 0]["reason"]
    'set NOT NULL on t.c after data step fill writes t.c'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planner import digraph
from planner.ops import (
    AddCheck,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumnNullable,
    AlterColumnType,
    BackfillColumn,
    CreateIndex,
    DeleteRows,
    InsertRows,
    Operation,
    UpdateRow,
)
from planner.ops.steps import RunDataStep, Target
from planner.state.model import table_key_str


def _constrained(op: Operation) -> tuple[str, tuple[str, ...] | None] | None:
    """``(what, columns)`` an op constrains (columns None: the whole table), else None."""
    if isinstance(op, AlterColumnNullable) and not op.nullable:
        return (f"set NOT NULL on {table_key_str(op.table_key)}.{op.column}", (op.column,))
    if isinstance(op, AddUnique):
        return (f"unique {op.unique.name}", op.unique.columns)
    if isinstance(op, CreateIndex) and op.index.unique:
        return (f"unique index {op.index.name}", op.index.columns)
    if isinstance(op, AddPrimaryKey):
        return (f"primary key of {table_key_str(op.table_key)}", op.primary_key.columns)
    if isinstance(op, AddForeignKey):
        return (f"foreign key {op.fk.name}", op.fk.columns)
    if isinstance(op, AddCheck):
        return (f"check {op.check.name}", op.columns or None)
    if isinstance(op, BackfillColumn):
        return (f"backfill of {table_key_str(op.table_key)}.{op.column}", (op.column,))
    return None


def _touches(targets: Sequence[Target], key, columns: tuple[str, ...] | None) -> Target | None:
    """The first target on table ``key`` meeting ``columns`` (None: any column)."""
    for t_key, column in targets:
        if t_key != key:
            continue
        if column is None or columns is None or column in columns:
            return (t_key, column)
    return None


def _shown(target: Target) -> str:
    key, column = target
    return table_key_str(key) + (f".{column}" if column else "")


def step_edges(
    ops: Sequence[Operation], g: digraph.DiGraph, edge: Callable[[int, int, str], None]
) -> None:
    """Add the edges of the module docstring to ``g`` (through ``edge(u, v, reason)``)."""
    steps = [i for i, op in enumerate(ops) if isinstance(op, RunDataStep) and not op.refuses]
    if not steps:
        return

    def add(u: int, v: int, reason: str) -> None:
        if not g.has_edge(u, v) and not digraph.has_path(g, v, u):
            edge(u, v, reason)

    ordered = sorted(steps, key=lambda i: ops[i].sort_key())
    for a, b in zip(ordered, ordered[1:], strict=False):
        add(a, b, f"{ops[b].label()} runs after {ops[a].label()}, in the order of steps")
    for s in steps:
        step = ops[s]
        assert isinstance(step, RunDataStep)
        reads, writes = step.reads, step.writes
        for i, op in enumerate(ops):
            if i == s or op.table_key is None:
                continue
            if isinstance(op, AlterColumnType):
                hit = _touches(reads + writes, op.table_key, (op.column,))
                if hit is not None:
                    add(i, s, f"{step.label()} after {op.label()} (it sees the new type)")
                continue
            if isinstance(op, (InsertRows, UpdateRow, DeleteRows)):
                hit = _touches(reads + writes, op.table_key, None)
                if hit is None:
                    continue
                rows = f"managed rows of {table_key_str(op.table_key)}"
                if isinstance(op, DeleteRows):
                    add(s, i, f"{rows} deleted after {step.label()} uses the table")
                else:
                    add(i, s, f"{step.label()} after {rows} are written")
                continue
            c = _constrained(op)
            if c is None or getattr(op, "table_is_new", False):
                # a new table's constraints come with it: the step writes rows that meet them
                continue
            what, columns = c
            hit = _touches(writes, op.table_key, columns)
            verb = "writes"
            if hit is None:
                hit, verb = _touches(reads, op.table_key, columns), "reads"
            if hit is not None:
                add(s, i, f"{what} after {step.label()} {verb} {_shown(hit)}")
