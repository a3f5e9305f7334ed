"""Operations of the per-table row modes (``rows.mode``): :class:`ChangeRowMode` and
:class:`PruneRows` (a ``sync`` table loses the rows its snapshot does not declare).

Example:
    >>> op = PruneRows(table_key=(None, "units"), key=("name",), keys=(("kWh",),))
    >>> op.describe(), op.risk.value
    ("Delete the rows of units the snapshot does not declare (sync), keeping (name)=('kWh')", 'destructive')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from planner.ops.base import (
    PHASE_DELETE_ROWS,
    PHASE_ROWS,
    ApplyError,
    IrreversibleError,
    Operation,
    Ref,
    RefKind,
    Risk,
    _col_ref,
    _edit_table,
    _fmt_key,
    _t,
)
from planner.ops.data import OPERATION_TYPES
from planner.state.model import RowSet, Snapshot, Table

__all__ = ["ChangeRowMode", "PruneRows"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRowMode(Operation):
    """The table's row mode changes (``managed -> seed`` keeps every row). Emits nothing:
    the rows' own operations follow the new mode, a :class:`PruneRows` the ``sync`` one."""

    kind: ClassVar[str] = "change_row_mode"
    phase: ClassVar[int] = PHASE_ROWS
    table_key: tuple[str | None, str]
    key: tuple[str, ...]
    old: str
    new: str

    def describe(self) -> str:
        return f"Set row mode of {_t(self.table_key)}: {self.old} -> {self.new}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            rs = t.rows if t.rows is not None else RowSet(key=self.key)
            if rs.mode != self.old:
                raise ApplyError(f"{t.qualified_name} rows are {rs.mode}, not {self.old}")
            if self.new == "managed" and not rs.rows:
                return dataclasses.replace(t, rows=None)
            return dataclasses.replace(t, rows=dataclasses.replace(rs, mode=self.new))

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class PruneRows(Operation):
    """Delete the rows of a ``sync`` table whose key is not among ``keys`` (the declared
    rows after the plan): users' rows included. Destructive, and not reversible (the
    rows are gone); the snapshot is unchanged (it never held them)."""

    kind: ClassVar[str] = "prune_rows"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DELETE_ROWS
    table_key: tuple[str | None, str]
    key: tuple[str, ...]
    keys: tuple[tuple[Any, ...], ...]
    #: ``(RefKind.UNIQUE_VALUE, …)`` of the rows the plan inserts: a user's row may hold
    #: one; the prune frees it, the inserts wait for it
    unique_values: tuple[Ref, ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    def describe(self) -> str:
        kept = ", ".join(_fmt_key(self.key, k) for k in self.keys) or "none"
        return (
            f"Delete the rows of {_t(self.table_key)} the snapshot does not declare (sync), "
            f"keeping {kept}"
        )

    def reverse(self) -> Operation:
        raise IrreversibleError(
            f"operation is not reversible: {self.describe()} (the deleted rows are gone)"
        )

    def needs(self) -> frozenset[Ref]:
        # rows are matched by key: no update of the plan changes a key value, so the
        # declared keys are final whenever the key columns are there
        refs: set[Ref] = {(RefKind.TABLE, self.table_key)}
        refs |= {_col_ref(self.table_key, c) for c in self.key}
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        return frozenset(self.unique_values)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if snapshot.get_table(self.table_key) is None:
            raise ApplyError(f"no table {_t(self.table_key)}")
        return snapshot


for _cls in (ChangeRowMode, PruneRows):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
