"""Data steps (:class:`~planner.state.model.DataStep`) as operations: a release's SQL
that moves or rewrites rows, placed in the plan by what it reads and writes.

A step needs the tables and columns it reads and writes, so it runs after the ops that
create them (expand) and before the ops that drop them (contract); the rules that look
at the operations themselves (type changes, constraints, managed rows around a step)
are in :mod:`planner.graph_steps`. The downgrade runs the step's ``downgrade`` SQL, which
reads what the step wrote and writes what it read; a step declared ``downgrade: none``
makes the downgrade refuse before it changes anything.

Example:
    >>> from planner.state.model import DataStep
    >>> s = DataStep(name="move_phones", reads=("users.phone",), writes=("phones.number",),
    ...              sql=(("*", "INSERT ..."),), downgrade=(("*", "UPDATE ..."),))
    >>> op = RunDataStep(step=s)
    >>> op.describe(), op.reverse().describe()
    ('Run data step move_phones (reads users.phone; writes phones.number)', 'Undo data step move_phones (reads phones.number; writes users.phone)')
    >>> op.writes
    (((None, 'phones'), 'number'),)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import PHASE_ROWS, Operation, Ref, RefKind, Risk
from planner.ops.data import OPERATION_TYPES
from planner.state.model import DataStep, Snapshot, TableKey
from planner.state.steps_yaml import parse_target

#: an irreversible step's downgrade refuses first, before anything else changes
PHASE_REFUSE = -1

#: ``((schema, table), column or None)``: what a step reads or writes
Target = tuple[TableKey, str | None]


def targets_of(names: tuple[str, ...]) -> tuple[Target, ...]:
    """``table`` / ``table.column`` / ``schema.table.column`` names as :data:`Target` s."""
    out = []
    for n in names:
        parsed = parse_target(n)
        if parsed is not None:
            schema, table, column = parsed
            out.append(((schema, table), column))
    return tuple(out)


def target_refs(targets: tuple[Target, ...]) -> frozenset[Ref]:
    refs: set[Ref] = set()
    for key, column in targets:
        refs.add((RefKind.TABLE, key))
        if column is not None:
            refs.add((RefKind.COLUMN, (key[0], key[1], column)))
    return frozenset(refs)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunDataStep(Operation):
    """Run ``step``'s SQL (``down``: its ``downgrade`` SQL, reads and writes swapped).
    ``seq`` is the step's position in the snapshot's ``steps`` (steps run as written,
    the downgrade's in reverse)."""

    kind: ClassVar[str] = "data_step"
    category: ClassVar[str] = "~"
    step: DataStep
    down: bool = False
    seq: int = 0

    @property
    def phase(self) -> int:  # type: ignore[override]
        return PHASE_REFUSE if self.refuses else PHASE_ROWS

    @property
    def refuses(self) -> bool:
        """The downgrade of a step that has none: the revision's downgrade stops."""
        return self.down and self.step.irreversible

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    @property
    def reads(self) -> tuple[Target, ...]:
        return targets_of(self.step.writes if self.down else self.step.reads)

    @property
    def writes(self) -> tuple[Target, ...]:
        """The tables and columns this op changes (``verify --data`` lets them change)."""
        if self.refuses:
            return ()
        return targets_of(self.step.reads if self.down else self.step.writes)

    @property
    def sql(self) -> tuple[tuple[str, str], ...]:
        return self.step.downgrade if self.down else self.step.sql

    @property
    def guard(self) -> tuple[tuple[str, str], ...]:
        return () if self.down else self.step.guard

    @property
    def table_key(self) -> TableKey | None:  # type: ignore[override]
        w = self.writes or self.reads
        return w[0][0] if w else None

    def sort_name(self) -> str:
        return f"{self.seq:04d} {self.step.name}"

    def label(self) -> str:
        return f"{'undo ' if self.down else ''}data step {self.step.name}"

    def describe(self) -> str:
        if self.refuses:
            return f"Refuse the downgrade: data step {self.step.name} has no downgrade"
        verb = "Undo" if self.down else "Run"

        def names(ts: tuple[Target, ...]) -> str:
            return ", ".join(".".join(p for p in (k[0], k[1], c) if p) for k, c in ts)

        parts = []
        if self.reads:
            parts.append(f"reads {names(self.reads)}")
        parts.append(f"writes {names(self.writes)}")
        return f"{verb} data step {self.step.name} ({'; '.join(parts)})"

    def needs(self) -> frozenset[Ref]:
        if self.refuses:
            return frozenset()
        return target_refs(self.reads) | target_refs(self.writes)

    def reverse(self) -> Operation:
        return RunDataStep(step=self.step, down=not self.down, seq=self.seq)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return snapshot  # rows only: the schema stays as it is


OPERATION_TYPES.setdefault(RunDataStep.kind, RunDataStep)
