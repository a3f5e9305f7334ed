"""Create, drop and replace the functions, procedures and triggers a snapshot manages
(:class:`~planner.state.model.Routine`; each for its dialect, whose revision branch alone
carries it).

Functions are created after every table operation (an SQL function's body is checked
against the tables; one a table's default, check or index calls comes before that use:
:mod:`planner.graph_routines`) and triggers after them (a trigger on a view, ``INSTEAD OF``, after
its view); triggers are dropped first (one on a view before its view), then functions.

Example:
    >>> from planner.state.model import Routine
    >>> f = Routine(kind="function", name="touch()", definition="CREATE FUNCTION ...")
    >>> CreateRoutine(routine=f).describe(), CreateRoutine(routine=f).reverse().describe()
    ('Create function touch()', 'Drop function touch()')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.dialects import get
from planner.ops.base import Operation, Ref, RefKind, Risk
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Routine, Snapshot, TableKey
from planner.state.routines_yaml import DEFAULT_DIALECT

#: after every other operation (the graph orders the rest by edges, these last)
PHASE_CREATE_FUNCTION = 16
PHASE_CREATE_TRIGGER = 17
#: before every other operation: triggers, then functions
PHASE_DROP_TRIGGER = 0
PHASE_DROP_FUNCTION = 1


def _label(r: Routine) -> str:
    on = f" on {r.schema + '.' if r.schema else ''}{r.table}" if r.table else ""
    label = f"{r.kind} {r.schema + '.' if r.schema and not r.table else ''}{r.name}{on}"
    if r.dialect != DEFAULT_DIALECT:  # an entry without dialect: goes without saying
        label += f" ({get(r.dialect).label})"
    return label


def routine_label(r: Routine) -> str:
    """``function norm(text)``, ``trigger t_touch on t``: a routine in words."""
    return _label(r)


def _with(snapshot: Snapshot, add: Routine | None, drop: Routine | None) -> Snapshot:
    routines = [r for r in snapshot.routines if drop is None or r.key != drop.key]
    if add is not None:
        routines = [r for r in routines if r.key != add.key] + [add]
    return dataclasses.replace(snapshot, routines=tuple(routines))


class _RoutineOp(Operation):
    __slots__ = ()

    @property
    def table_key(self) -> TableKey | None:
        r = self._routine()
        return (r.schema, r.table) if r.table else None

    def _routine(self) -> Routine:  # pragma: no cover - overridden
        raise NotImplementedError

    def sort_name(self) -> str:
        r = self._routine()
        return r.name if r.dialect == DEFAULT_DIALECT else f"{r.name} {r.dialect}"

    def needs(self) -> frozenset[Ref]:
        # a trigger is on a table or a view (INSTEAD OF): need either (nothing gives the other)
        key = self.table_key
        return frozenset({("table", key), (RefKind.VIEW, key)}) if key else frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateRoutine(_RoutineOp):
    kind: ClassVar[str] = "create_routine"
    category: ClassVar[str] = "+"
    routine: Routine

    @property
    def phase(self) -> int:  # type: ignore[override]
        return PHASE_CREATE_TRIGGER if self.routine.table else PHASE_CREATE_FUNCTION

    def _routine(self) -> Routine:
        return self.routine

    def describe(self) -> str:
        return f"Create {_label(self.routine)}"

    def reverse(self) -> Operation:
        return DropRoutine(routine=self.routine)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with(snapshot, self.routine, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropRoutine(_RoutineOp):
    kind: ClassVar[str] = "drop_routine"
    category: ClassVar[str] = "-"
    routine: Routine

    @property
    def phase(self) -> int:  # type: ignore[override]
        return PHASE_DROP_TRIGGER if self.routine.table else PHASE_DROP_FUNCTION

    @property
    def risk(self) -> Risk:
        return Risk.SAFE

    def _routine(self) -> Routine:
        return self.routine

    def describe(self) -> str:
        return f"Drop {_label(self.routine)}"

    def needs(self) -> frozenset[Ref]:
        # dropped before its view (a dropped view takes its triggers with it)
        key = self.table_key
        return frozenset({(RefKind.VIEW, key)}) if key else frozenset()

    def reverse(self) -> Operation:
        return CreateRoutine(routine=self.routine)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with(snapshot, None, self.routine)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplaceRoutine(_RoutineOp):
    """A function or procedure whose definition changes: ``CREATE OR REPLACE`` with the
    new one (triggers using it stay)."""

    kind: ClassVar[str] = "replace_routine"
    phase: ClassVar[int] = PHASE_CREATE_FUNCTION
    old: Routine
    new: Routine

    def _routine(self) -> Routine:
        return self.new

    def describe(self) -> str:
        return f"Replace the definition of {_label(self.new)}"

    def reverse(self) -> Operation:
        return ReplaceRoutine(old=self.new, new=self.old)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with(snapshot, self.new, self.old)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetRoutineComment(_RoutineOp):
    """The comment of a routine that stays changes (PostgreSQL's ``COMMENT ON ... IS``,
    ``IS NULL`` when it goes): after the functions are created or replaced."""

    kind: ClassVar[str] = "set_routine_comment"
    phase: ClassVar[int] = PHASE_CREATE_TRIGGER
    old: Routine
    new: Routine

    def _routine(self) -> Routine:
        return self.new

    def describe(self) -> str:
        if self.new.comment is None:
            return f"Remove the comment of {_label(self.new)}"
        return f"Set the comment of {_label(self.new)} to {self.new.comment!r}"

    def reverse(self) -> Operation:
        return SetRoutineComment(old=self.new, new=self.old)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with(snapshot, self.new, self.old)


for _cls in (CreateRoutine, DropRoutine, ReplaceRoutine, SetRoutineComment):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
