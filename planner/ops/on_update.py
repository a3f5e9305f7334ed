"""A column's ``ON UPDATE`` (MariaDB/MySQL, ``on_update:``) added, changed or dropped, or
the default beside it changed: one operation, as the database rewrites the whole column
for either (``ALTER TABLE ... MODIFY COLUMN`` with its full definition).

Example:
    >>> op = AlterColumnOnUpdate(table_key=(None, "t"), column="at", old=None,
    ...                          new="current_timestamp()", old_default="current_timestamp()",
    ...                          new_default="current_timestamp()", existing_type="DateTime")
    >>> op.describe(), op.reverse().describe()
    ('Set ON UPDATE of t.at to current_timestamp()', 'Drop ON UPDATE of t.at')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import Operation, Ref, _col_ref, _edit_columns, _edit_table, _t
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Snapshot, TableKey


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnOnUpdate(Operation):
    """The column's ``on_update`` goes from ``old`` to ``new`` and its ``server_default``
    from ``old_default`` to ``new_default`` (None: none)."""

    kind: ClassVar[str] = "alter_column_on_update"
    subject_field: ClassVar[str | None] = "column"
    table_key: TableKey
    column: str
    old: str | None
    new: str | None
    old_default: str | None = None
    new_default: str | None = None
    existing_type: str = "DateTime"
    existing_nullable: bool = True

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        where = f"{_t(self.table_key)}.{self.column}"
        if self.old == self.new:
            if self.new_default is None:
                return f"Drop server default of {where} (keeping ON UPDATE {self.new})"
            return f"Set server default of {where} to {self.new_default} (ON UPDATE {self.new})"
        if self.new is None:
            return f"Drop ON UPDATE of {where}"
        return f"Set ON UPDATE of {where} to {self.new}"

    def reverse(self) -> Operation:
        return dataclasses.replace(
            self,
            old=self.new,
            new=self.old,
            old_default=self.new_default,
            new_default=self.old_default,
        )

    def needs(self) -> frozenset[Ref]:
        return frozenset({("table", self.table_key), _col_ref(self.table_key, self.column)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t,
                lambda c: dataclasses.replace(
                    c, on_update=self.new, server_default=self.new_default
                ),
                self.column,
            ),
        )


OPERATION_TYPES.setdefault(AlterColumnOnUpdate.kind, AlterColumnOnUpdate)
