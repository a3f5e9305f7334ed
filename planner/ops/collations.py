"""A column's own collation changes (``collation:``; PostgreSQL ``ALTER COLUMN ... TYPE t
COLLATE c``, MariaDB's ``MODIFY COLUMN`` of the whole definition, SQLite's rebuild).

A collation the snapshot creates comes before the op setting it, one it drops after the
op leaving it (a collation re-created under a column: off before, on again after); a
type change of the same column runs before it (:mod:`planner.graph_collations`), so the
collation is written with the column's new type. Other ops (a created table, an added
or dropped column) need their columns' collations: refs ``("collation", name)``.

Example:
    >>> op = AlterColumnCollation(table_key=(None, "t"), column="name", old=None, new="C")
    >>> op.describe(), op.reverse().describe()
    ("Set the collation of t.name to 'C'", "Drop the collation of t.name (its type's default)")
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import (
    PHASE_ALTER,
    Operation,
    Ref,
    RefKind,
    Risk,
    _col_ref,
    _edit_columns,
    _edit_table,
    _t,
)
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Snapshot, TableKey

#: the ref kind of a collation object (:mod:`planner.ops.pg_types` gives it)
COLLATION = "collation"


def collation_refs(*names: str | None) -> set:
    """The refs of the collations ``names`` (None: a type's default, no object)."""
    return {(COLLATION, n) for n in names if n}


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnCollation(Operation):
    """The column's ``collation`` goes from ``old`` to ``new`` (None: its type's default);
    ``existing_type`` / ``existing_nullable``: the column's, for the plan text."""

    kind: ClassVar[str] = "alter_column_collation"
    subject_field: ClassVar[str | None] = "column"
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    column: str
    old: str | None
    new: str | None
    existing_type: str = "Text"
    existing_nullable: bool = True

    @property
    def risk(self) -> Risk:
        return Risk.LOCKS  # the column's indexes are rebuilt (MariaDB, SQLite: the table)

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        where = f"{_t(self.table_key)}.{self.column}"
        if self.new is None:
            return f"Drop the collation of {where} (its type's default)"
        return f"Set the collation of {where} to {self.new!r}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        # not the collations: graph_collations puts the op before the drop of the one
        # it leaves and after the create of the one it sets (the same one, re-created)
        return frozenset({(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t, lambda c: dataclasses.replace(c, collation=self.new), self.column
            ),
        )


OPERATION_TYPES.setdefault(AlterColumnCollation.kind, AlterColumnCollation)
