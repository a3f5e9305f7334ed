"""Plans: the ordered operations between two snapshots, with their edges and suggestions.

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> a = Snapshot(release="0.1.0")
    >>> b = Snapshot(release="0.2.0", tables=(Table(name="units", columns=(Column(name="id", type="Integer"),)),))
    >>> [op.describe() for op in make_plan(a, b).ops]
    ['Create table units (id)']
    >>> [op.describe() for op in make_downgrade_plan(a, b).ops]
    ['Drop table units']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from planner.dialects import Dialect, all_dialects
from planner.diff import diff_snapshots
from planner.graph import CycleError, order_operations
from planner.ops import Operation, Risk, apply_ops
from planner.renames import Renames, Suggestion, renames_from_hints, suggest_renames
from planner.state.model import Snapshot

__all__ = [
    "CycleError",
    "Edge",
    "Plan",
    "Suggestion",
    "apply_plan",
    "make_downgrade_plan",
    "make_plan",
    "plan_between",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """``ops[src]`` must run before ``ops[dst]``, because of ``reason``."""

    src: int
    dst: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Operations from ``old`` to ``new`` in the order they run."""

    old: Snapshot
    new: Snapshot
    ops: tuple[Operation, ...] = ()
    edges: tuple[Edge, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    #: the target dialects the plan was made for (their rules applied; revisions carry
    #: only their branches): ``[tool.dbplan] dialects``, default every supported one
    targets: tuple[Dialect, ...] = field(default_factory=all_dialects)

    @property
    def is_empty(self) -> bool:
        return not self.ops

    @property
    def risk(self) -> Risk:
        """The worst risk of any operation (``destructive`` > ``data-dependent`` > ``locks`` > ``safe``)."""
        rank = [Risk.SAFE, Risk.LOCKS, Risk.DATA, Risk.DESTRUCTIVE]
        return max((op.risk for op in self.ops), key=rank.index, default=Risk.SAFE)

    def describe(self) -> list[str]:
        """One line per operation, in order."""
        return [op.describe() for op in self.ops]


def plan_between(
    old: Snapshot,
    new: Snapshot,
    *,
    renames: Renames,
    targets: Sequence[Dialect] | None = None,
) -> Plan:
    """Plan ``old -> new`` with explicit ``renames`` (the machinery under both directions).

    ``targets``: the target dialects (default: every supported one); only their rules
    apply (a PostgreSQL project gets none of MariaDB's foreign-key-index ordering).

    Example:
        >>> plan_between(Snapshot(release="1"), Snapshot(release="2"), renames=Renames()).is_empty
        True
    """
    chosen = all_dialects() if targets is None else tuple(targets)
    ops = diff_snapshots(old, new, renames=renames, targets=chosen)
    ordered, g = order_operations(ops, new=new, targets=chosen)
    edges = tuple(
        Edge(src=u, dst=v, reason=g.edges[u, v]["reason"])
        for u, v in sorted(g.edges, key=lambda e: (e[0], e[1]))
    )
    renamed = old
    for op in ordered:
        if op.kind in ("rename_table", "rename_column"):
            renamed = op.apply_to(renamed)
    return Plan(
        old=old,
        new=new,
        ops=ordered,
        edges=edges,
        suggestions=suggest_renames(renamed, new, renames),
        targets=chosen,
    )


def make_plan(old: Snapshot, new: Snapshot, *, targets: Sequence[Dialect] | None = None) -> Plan:
    """The upgrade plan ``old -> new``; renames come from ``new``'s ``renamed_from`` hints.

    Raises :class:`CycleError` when the operations depend on each other in a circle.

    Example:
        >>> make_plan(Snapshot(release="1"), Snapshot(release="1")).is_empty
        True
    """
    return plan_between(old, new, renames=renames_from_hints(old, new), targets=targets)


def make_downgrade_plan(
    old: Snapshot, new: Snapshot, *, targets: Sequence[Dialect] | None = None
) -> Plan:
    """The downgrade plan ``new -> old``: the same machinery, rename hints reversed.

    ``new``'s ``renamed_from`` hints mean, going down, a rename back. The returned plan's
    ``old`` is ``new`` (where the downgrade starts) and its ``new`` is ``old``.

    Example:
        >>> make_downgrade_plan(Snapshot(release="1"), Snapshot(release="2")).new.release
        '1'
    """
    from planner.downgrade_hints import with_downgrade_backfills

    target = with_downgrade_backfills(old, new)  # dropped_columns: NOT NULL columns refilled
    return plan_between(
        new, target, renames=renames_from_hints(old, new).reversed(), targets=targets
    )


def apply_plan(plan: Plan, snapshot: Snapshot | None = None) -> Snapshot:
    """Apply the plan's operations in order to ``snapshot`` (default ``plan.old``).

    The result carries ``plan.new``'s release and naming convention (no operation
    changes those).

    Example:
        >>> p = make_plan(Snapshot(release="1"), Snapshot(release="2"))
        >>> apply_plan(p) == p.new
        True
    """
    out = apply_ops(plan.ops, plan.old if snapshot is None else snapshot)
    return dataclasses.replace(
        out, release=plan.new.release, naming_convention=plan.new.naming_convention
    )


def describe_all(ops: Iterable[Operation]) -> str:
    """``describe()`` of every operation, numbered, one per line (for failing tests)."""
    return "\n".join(f"{i:3d}. {op.describe()}" for i, op in enumerate(ops))
