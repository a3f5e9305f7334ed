"""Operations of PostgreSQL partitioning and inheritance (see :mod:`planner.state.partitions`).

A partition is created with :class:`~planner.ops.tables.CreateTable` (its table holds
``partition_of``; emit writes ``CREATE TABLE ... PARTITION OF``) after its parent, and
dropped before it. A changed bound is :class:`DetachPartition` then
:class:`AttachPartition`: the partition keeps its rows (a drop and create would lose
them, and ``ATTACH`` checks them against the new bound). A parent added to or removed
from ``inherits`` is :class:`SetInherits`: ``INHERIT`` absorbs the child's columns of the
parent's names (the plan adds the missing ones first), ``NO INHERIT`` leaves the
inherited columns on the child as its own.

Example:
    >>> from planner.state.model import PartitionOf, Table
    >>> t = Table(name="p", partition_of=PartitionOf(table="events", bound="DEFAULT"))
    >>> DetachPartition(table=t).describe(), DetachPartition(table=t).reverse().describe()
    ('Detach partition p from events (DEFAULT)', 'Attach partition p to events DEFAULT')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import (
    PHASE_ADD_COLUMN,
    PHASE_CREATE_TABLE,
    PHASE_RENAME,
    Operation,
    Ref,
    RefKind,
    Risk,
    _edit_table,
    _strip_column,
)
from planner.ops.data import OPERATION_TYPES
from planner.ops.partition_refs import parent_refs
from planner.state.model import Check, Column, Snapshot, Table, TableKey, table_key_str
from planner.state.partitions import parent_key


def _parent(table: Table) -> str:
    pk = parent_key(table)
    assert pk is not None
    return table_key_str(pk)


@dataclass(frozen=True, slots=True, kw_only=True)
class DetachPartition(Operation):
    """``ALTER TABLE parent DETACH PARTITION table``; ``table`` holds ``partition_of``."""

    kind: ClassVar[str] = "detach_partition"
    phase: ClassVar[int] = PHASE_RENAME
    table: Table

    @property
    def risk(self) -> Risk:
        return Risk.LOCKS

    @property
    def table_key(self) -> TableKey:
        return self.table.key

    def sort_name(self) -> str:
        return self.table.name

    def describe(self) -> str:
        p = self.table.partition_of
        assert p is not None
        return (
            f"Detach partition {self.table.qualified_name} from {_parent(self.table)} ({p.bound})"
        )

    def reverse(self) -> Operation:
        return AttachPartition(table=self.table)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table.key), *parent_refs(self.table)})

    def gives(self) -> frozenset[Ref]:
        return frozenset({(RefKind.PARTITION, self.table.key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot, self.table.key, lambda t: dataclasses.replace(t, partition_of=None)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachPartition(Operation):
    """``ALTER TABLE parent ATTACH PARTITION table bound`` (after its detach)."""

    kind: ClassVar[str] = "attach_partition"
    phase: ClassVar[int] = PHASE_CREATE_TABLE
    table: Table

    @property
    def risk(self) -> Risk:
        return Risk.DATA  # the database checks every row against the bound

    @property
    def table_key(self) -> TableKey:
        return self.table.key

    def sort_name(self) -> str:
        return self.table.name

    def describe(self) -> str:
        p = self.table.partition_of
        assert p is not None
        return f"Attach partition {self.table.qualified_name} to {_parent(self.table)} {p.bound}"

    def reverse(self) -> Operation:
        return DetachPartition(table=self.table)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table.key), (RefKind.PARTITION, self.table.key)}
            | parent_refs(self.table)
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        p = self.table.partition_of
        return _edit_table(
            snapshot, self.table.key, lambda t: dataclasses.replace(t, partition_of=p)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetInherits(Operation):
    """``ALTER TABLE table [NO] INHERIT parent``. ``columns``: the parent's columns the
    child absorbs (``add``: it has them already, as its own) or keeps as its own."""

    kind: ClassVar[str] = "set_inherits"
    table_key: TableKey
    parent: str
    add: bool
    columns: tuple[Column, ...] = ()
    #: the parent's checks (``INHERIT`` needs the child to have them too)
    checks: tuple[Check, ...] = ()

    @property
    def phase(self) -> int:  # type: ignore[override]
        return PHASE_ADD_COLUMN if self.add else PHASE_RENAME

    def sort_name(self) -> str:
        return self.parent

    def describe(self) -> str:
        verb = "Inherit" if self.add else "No longer inherit"
        return f"{verb} {table_key_str(self.table_key)} from {self.parent}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, add=not self.add)

    def _parent_key(self) -> TableKey:
        s, dot, n = self.parent.rpartition(".")
        return (s, n) if dot else (self.table_key[0], n)

    def needs(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs = {(RefKind.TABLE, self.table_key), (RefKind.TABLE, self._parent_key())}
        if self.add:  # the child has the parent's columns before it inherits them
            refs |= {(RefKind.COLUMN, (s, n, c.name)) for c in self.columns}
            refs |= {(RefKind.CONSTRAINT, (s, n, c.name)) for c in self.checks}
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        if self.add:
            return frozenset()
        s, n = self.table_key
        return frozenset(
            {(RefKind.COLUMN, (s, n, c.name)) for c in self.columns}
            | {(RefKind.CONSTRAINT, (s, n, c.name)) for c in self.checks}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        names = {c.name for c in self.columns}
        checks = {c.name for c in self.checks}

        def edit(t: Table) -> Table:
            if self.add:
                return dataclasses.replace(
                    t,
                    columns=tuple(c for c in t.columns if c.name not in names),
                    checks=tuple(c for c in t.checks if c.name not in checks),
                    inherits=(*t.inherits, self.parent),
                )
            kept = tuple(_strip_column(c) for c in self.columns if not t.has_column(c.name))
            own = {c.name for c in t.checks}
            return dataclasses.replace(
                t,
                columns=kept + t.columns,
                checks=t.checks + tuple(c for c in self.checks if c.name not in own),
                inherits=tuple(p for p in t.inherits if p != self.parent),
            )

        return _edit_table(snapshot, self.table_key, edit)


for _cls in (DetachPartition, AttachPartition, SetInherits):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
