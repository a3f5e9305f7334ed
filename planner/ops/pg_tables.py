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

from planner.ops.base import (
    PHASE_ADD_CONSTRAINT,
    PHASE_ALTER,
    PHASE_DROP_CONSTRAINT,
    Operation,
    Ref,
    RefKind,
    Risk,
    _col_ref,
    _edit_table,
    _t,
)
from planner.ops.data import OPERATION_TYPES
from planner.ops.pg_objects import EXTENSION_TYPES, EXTENSION_TYPES_OLD
from planner.state.model import Exclusion, Snapshot, TableKey


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


def _exclusion_refs(key: TableKey, e: Exclusion) -> set[Ref]:
    refs: set[Ref] = {(RefKind.TABLE, key)}
    refs |= {_col_ref(key, el.column) for el in e.elements if el.column is not None}
    return refs


@dataclass(frozen=True, slots=True, kw_only=True)
class AddExclusion(Operation):
    """Add an exclusion constraint (after the extensions the plan creates: its operator
    classes may be one's, e.g. ``btree_gist``)."""

    kind: ClassVar[str] = "add_exclusion"
    subject_field: ClassVar[str | None] = "exclusion"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ADD_CONSTRAINT
    table_key: TableKey
    exclusion: Exclusion

    @property
    def risk(self) -> Risk:
        return Risk.DATA  # existing rows may conflict

    def sort_name(self) -> str:
        return self.exclusion.name

    def describe(self) -> str:
        return f"Add exclusion constraint {self.exclusion.name} on {_t(self.table_key)}"

    def reverse(self) -> Operation:
        return DropExclusion(table_key=self.table_key, exclusion=self.exclusion)

    def needs(self) -> frozenset[Ref]:
        refs = _exclusion_refs(self.table_key, self.exclusion)
        refs.add((EXTENSION_TYPES, "*"))  # type: ignore[arg-type]
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        k = self.table_key
        return frozenset({(RefKind.CONSTRAINT, (k[0], k[1], self.exclusion.name))})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t):
            rest = tuple(e for e in t.exclusions if e.name != self.exclusion.name)
            return dataclasses.replace(t, exclusions=(*rest, self.exclusion))

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropExclusion(Operation):
    """Drop an exclusion constraint (before the columns it names and the extensions the
    plan drops)."""

    kind: ClassVar[str] = "drop_exclusion"
    subject_field: ClassVar[str | None] = "exclusion"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_CONSTRAINT
    table_key: TableKey
    exclusion: Exclusion

    def sort_name(self) -> str:
        return self.exclusion.name

    def describe(self) -> str:
        return f"Drop exclusion constraint {self.exclusion.name} on {_t(self.table_key)}"

    def reverse(self) -> Operation:
        return AddExclusion(table_key=self.table_key, exclusion=self.exclusion)

    def needs(self) -> frozenset[Ref]:
        refs = _exclusion_refs(self.table_key, self.exclusion)
        refs.add((EXTENSION_TYPES_OLD, "*"))  # type: ignore[arg-type]
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        k = self.table_key
        return frozenset({(RefKind.CONSTRAINT, (k[0], k[1], self.exclusion.name))})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t):
            rest = tuple(e for e in t.exclusions if e.name != self.exclusion.name)
            return dataclasses.replace(t, exclusions=rest)

        return _edit_table(snapshot, self.table_key, edit)


OPERATION_TYPES.setdefault(AddExclusion.kind, AddExclusion)
OPERATION_TYPES.setdefault(DropExclusion.kind, DropExclusion)
