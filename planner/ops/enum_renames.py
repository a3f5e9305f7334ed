"""Renaming an enum's value while rows keep it (``renamed_values`` of the snapshot's
enum): PostgreSQL renames the label (``ALTER TYPE ... RENAME VALUE``); MariaDB widens
each column's ENUM to hold both labels, updates the rows, then narrows it; SQLite
updates the rows.

Example:
    >>> op = RenameEnumValue(enum_name="level", old="warn", new="warning",
    ...                      old_values=("info", "warn"))
    >>> op.describe(), op.new_values, op.reverse().describe()
    ("Rename value 'warn' of enum level to 'warning'", ('info', 'warning'), "Rename value 'warning' of enum level to 'warn'")
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import PHASE_ENUM, ApplyError, Operation, Ref, RefKind, Risk, _t
from planner.ops.data import OPERATION_TYPES
from planner.state.model import ColumnKey, Enum, Snapshot


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameEnumValue(Operation):
    """Rename label ``old`` of enum ``enum_name`` to ``new``, converting ``columns``."""

    kind: ClassVar[str] = "rename_enum_value"
    phase: ClassVar[int] = PHASE_ENUM
    enum_name: str
    old: str
    new: str
    old_values: tuple[str, ...]
    columns: tuple[ColumnKey, ...] = ()

    @property
    def new_values(self) -> tuple[str, ...]:
        return tuple(self.new if v == self.old else v for v in self.old_values)

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    def sort_name(self) -> str:
        return f"{self.enum_name}:{self.old}"

    def where(self) -> str:
        return self.enum_name

    def label(self) -> str:
        return f"rename value {self.old!r} of enum {self.enum_name}"

    def describe(self) -> str:
        text = f"Rename value {self.old!r} of enum {self.enum_name} to {self.new!r}"
        if self.columns:
            text += " in " + ", ".join(f"{_t((s, t))}.{c}" for s, t, c in self.columns)
        return text

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old, old_values=self.new_values)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.ENUM, self.enum_name)} | {(RefKind.COLUMN, c) for c in self.columns}
        )

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {
                (RefKind.ENUM_VALUE, (self.enum_name, self.new)),
                (RefKind.ENUM_NEW_COLUMNS, self.enum_name),
            }
        )

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {
                (RefKind.ENUM_VALUE, (self.enum_name, self.old)),
                (RefKind.ENUM_OLD_COLUMNS, self.enum_name),
            }
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        enums = snapshot.enums_by_name()
        if self.enum_name not in enums or self.old not in enums[self.enum_name].values:
            raise ApplyError(f"enum {self.enum_name!r} has no value {self.old!r}")
        values = tuple(self.new if v == self.old else v for v in enums[self.enum_name].values)
        return snapshot.replace_enum(Enum(name=self.enum_name, values=values))


def value_renames(before, after, old_enum, new_enum) -> list[tuple[str, str]]:
    """The ``(old, new)`` renames between two value lists: the later snapshot's
    ``renamed_values`` (going up) or the earlier's reversed (going down, as the downgrade
    plan diffs), each only where ``old`` goes and ``new`` comes.

    Example:
        >>> e = Enum(name="l", values=("a", "B"), renamed_values=(("b", "B"),))
        >>> value_renames(("a", "b"), ("a", "B"), Enum(name="l", values=("a", "b")), e)
        [('b', 'B')]
        >>> value_renames(("a", "B"), ("a", "b"), e, Enum(name="l", values=("a", "b")))
        [('B', 'b')]
    """
    pairs = list(new_enum.renamed_values) + [(b, a) for a, b in old_enum.renamed_values]
    out = []
    for old, new in pairs:
        if old in before and old not in after and new in after and new not in before:
            if (old, new) not in out:
                out.append((old, new))
    return out


OPERATION_TYPES.setdefault(RenameEnumValue.kind, RenameEnumValue)
