"""PostgreSQL table properties changed in place: a foreign key made ``DEFERRABLE`` (or
not, or initially deferred) by ``ALTER CONSTRAINT``, and a table made ``LOGGED`` or
``UNLOGGED``. A primary key or unique whose ``deferrable`` changes is dropped and added
again (PostgreSQL alters only foreign keys in place).

Example:
    >>> op = AlterConstraintDeferrable(table_key=(None, "t"), name="fk_t_p", old=None,
    ...                                new="deferred")
    >>> op.describe(), op.reverse().describe()
    ('Make foreign key fk_t_p on t DEFERRABLE INITIALLY DEFERRED', 'Make foreign key fk_t_p on t NOT DEFERRABLE')
    >>> SetTableLogged(table_key=(None, "t"), unlogged=True).describe()
    'Make table t UNLOGGED'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import PHASE_ALTER, Operation, Ref, RefKind, Risk, _edit_table, _t
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Snapshot, TableKey


def deferrable_sql(value: str | None) -> str:
    """The SQL of a ``deferrable`` value.

    Example:
        >>> deferrable_sql("immediate"), deferrable_sql(None)
        ('DEFERRABLE INITIALLY IMMEDIATE', 'NOT DEFERRABLE')
    """
    if value is None:
        return "NOT DEFERRABLE"
    return f"DEFERRABLE INITIALLY {value.upper()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterConstraintDeferrable(Operation):
    """The foreign key ``name`` of the table goes from ``old`` to ``new`` (``immediate``,
    ``deferred``; None: not deferrable)."""

    kind: ClassVar[str] = "alter_constraint_deferrable"
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    name: str
    old: str | None
    new: str | None

    def sort_name(self) -> str:
        return self.name

    def describe(self) -> str:
        return f"Make foreign key {self.name} on {_t(self.table_key)} {deferrable_sql(self.new)}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {
                (RefKind.TABLE, self.table_key),
                (RefKind.CONSTRAINT, (self.table_key[0], self.table_key[1], self.name)),
            }
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t):
            fks = tuple(
                dataclasses.replace(fk, deferrable=self.new) if fk.name == self.name else fk
                for fk in t.foreign_keys
            )
            return dataclasses.replace(t, foreign_keys=fks)

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetTableLogged(Operation):
    """The table becomes ``UNLOGGED`` (``unlogged``) or ``LOGGED`` again: PostgreSQL
    rewrites it, under an exclusive lock."""

    kind: ClassVar[str] = "set_table_logged"
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    unlogged: bool

    @property
    def risk(self) -> Risk:
        return Risk.LOCKS

    def describe(self) -> str:
        return f"Make table {_t(self.table_key)} {'UNLOGGED' if self.unlogged else 'LOGGED'}"

    def reverse(self) -> Operation:
        return SetTableLogged(table_key=self.table_key, unlogged=not self.unlogged)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot, self.table_key, lambda t: dataclasses.replace(t, unlogged=self.unlogged)
        )


OPERATION_TYPES.setdefault(AlterConstraintDeferrable.kind, AlterConstraintDeferrable)
OPERATION_TYPES.setdefault(SetTableLogged.kind, SetTableLogged)
