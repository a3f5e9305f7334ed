"""The comment of an index that stays changes (PostgreSQL's ``COMMENT ON INDEX ... IS``,
``IS NULL`` when it goes): :class:`SetIndexComment` for an index of a table,
:class:`SetViewIndexComment` for one of a materialized view. A created index writes its
comment with it (:mod:`planner.revisions.convert_schema`, ``create_index_sql``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import PHASE_INDEX, ApplyError, Operation, RefKind, _edit_table, _t
from planner.ops.data import OPERATION_TYPES
from planner.ops.views import PHASE_CREATE_VIEW, _edit_view, key_str
from planner.state.model import Index, Snapshot, TableKey

__all__ = ["SetIndexComment", "SetViewIndexComment"]


def _replaced(indexes: tuple, index: Index, owner: str) -> tuple:
    if not any(i.name == index.name for i in indexes):
        raise ApplyError(f"{owner} has no index {index.name!r}")
    return tuple(index if i.name == index.name else i for i in indexes)


def _describe(index: Index, owner: str) -> str:
    if index.comment is None:
        return f"Remove the comment of index {index.name} on {owner}"
    return f"Set the comment of index {index.name} on {owner} to {index.comment!r}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SetIndexComment(Operation):
    """Set (``index.comment``) or remove the comment of a table's index that stays;
    ``old`` is the comment it had."""

    kind: ClassVar[str] = "set_index_comment"
    subject_field: ClassVar[str | None] = "index"
    phase: ClassVar[int] = PHASE_INDEX
    table_key: TableKey
    index: Index
    old: str | None = None

    def sort_name(self) -> str:
        return self.index.name

    def describe(self) -> str:
        return _describe(self.index, _t(self.table_key))

    def reverse(self) -> Operation:
        back = dataclasses.replace(self.index, comment=self.old)
        return SetIndexComment(table_key=self.table_key, index=back, old=self.index.comment)

    def needs(self):
        s, n = self.table_key
        return frozenset(
            {(RefKind.TABLE, self.table_key), (RefKind.INDEX, (s, n, self.index.name))}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, indexes=_replaced(t.indexes, self.index, t.qualified_name)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetViewIndexComment(Operation):
    """Set (``index.comment``) or remove the comment of an index of a materialized view
    that stays; ``old`` is the comment it had."""

    kind: ClassVar[str] = "set_view_index_comment"
    subject_field: ClassVar[str | None] = "index"
    phase: ClassVar[int] = PHASE_CREATE_VIEW
    view_key: TableKey
    index: Index
    old: str | None = None

    def sort_name(self) -> str:
        return f"{key_str(self.view_key)}.{self.index.name}"

    def where(self) -> str:
        return key_str(self.view_key)

    def describe(self) -> str:
        return _describe(self.index, f"materialized view {key_str(self.view_key)}")

    def reverse(self) -> Operation:
        back = dataclasses.replace(self.index, comment=self.old)
        return SetViewIndexComment(view_key=self.view_key, index=back, old=self.index.comment)

    def needs(self):
        return frozenset({(RefKind.VIEW, self.view_key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        owner = key_str(self.view_key)
        return _edit_view(
            snapshot,
            self.view_key,
            lambda v: dataclasses.replace(v, indexes=_replaced(v.indexes, self.index, owner)),
        )


for _cls in (SetIndexComment, SetViewIndexComment):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
