"""Turning a column's autoincrement on or off (a serial key becoming a plain one, or the
reverse), which the column diff never compared.

Example:
    >>> op = AlterColumnAutoincrement(table_key=(None, "t"), column="id", old=None,
    ...                               new=False, enabled=False, existing_type="Integer")
    >>> op.describe(), op.reverse().describe()
    ('Stop autoincrement of t.id', 'Autoincrement t.id')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import (
    PHASE_ADD_CONSTRAINT,
    Operation,
    Ref,
    _col_ref,
    _edit_columns,
    _edit_table,
    _t,
)
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Snapshot, TableKey


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnAutoincrement(Operation):
    """The column's ``autoincrement`` goes from ``old`` to ``new`` (the snapshot's
    values); ``enabled`` is what that means in the database (PostgreSQL: a sequence it
    owns and its ``nextval`` default; MariaDB: ``AUTO_INCREMENT``)."""

    kind: ClassVar[str] = "alter_column_autoincrement"
    subject_field: ClassVar[str | None] = "column"
    table_key: TableKey
    column: str
    old: bool | None
    new: bool | None
    enabled: bool
    existing_type: str = "Integer"
    existing_nullable: bool = False
    #: the primary key changes too: MariaDB's AUTO_INCREMENT follows the key's own ops
    postgresql_only: bool = False

    def sort_name(self) -> str:
        return self.column

    def sort_key(self) -> tuple[str, ...]:
        key = Operation.sort_key(self)
        if self.postgresql_only:
            # with the key's own ops, after them: they stay one batch (one SQLite rebuild)
            return (f"{PHASE_ADD_CONSTRAINT:02d}", *key[1:])
        return key

    def describe(self) -> str:
        verb = "Autoincrement" if self.enabled else "Stop autoincrement of"
        return f"{verb} {_t(self.table_key)}.{self.column}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old, enabled=not self.enabled)

    def needs(self) -> frozenset[Ref]:
        return frozenset({("table", self.table_key), _col_ref(self.table_key, self.column)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t, lambda c: dataclasses.replace(c, autoincrement=self.new), self.column
            ),
        )


OPERATION_TYPES.setdefault(AlterColumnAutoincrement.kind, AlterColumnAutoincrement)
