"""The comment of a PostgreSQL composite type's attribute or of a collation that stays
changes (``COMMENT ON COLUMN type.attribute`` / ``COMMENT ON COLLATION``, ``IS NULL``
when it goes): :class:`SetAttributeComment`, :class:`SetCollationComment`. A created
type or collation writes its comments with it (:mod:`planner.dialects.postgresql_types`).

Example:
    >>> from planner.state.pg_types import Collation
    >>> ci = Collation(name="ci", provider="icu", locale="und")
    >>> op = SetCollationComment(old=ci, new=Collation(name="ci", provider="icu",
    ...     locale="und", comment="case-insensitive"))
    >>> op.describe(), op.reverse().describe()
    ("Set the comment of collation ci to 'case-insensitive'", 'Remove the comment of collation ci')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import ApplyError, Operation, Ref
from planner.ops.data import OPERATION_TYPES
from planner.ops.pg_types import (
    COLLATION,
    PHASE_CREATE_COLLATION,
    PHASE_CREATE_TYPE,
    _put,
    attribute_ref,
    type_ref,
)
from planner.state.model import Snapshot
from planner.state.pg_types import Collation, CompositeType

__all__ = ["SetAttributeComment", "SetCollationComment"]


def _set_to(what: str, comment: str | None) -> str:
    if comment is None:
        return f"Remove the comment of {what}"
    return f"Set the comment of {what} to {comment!r}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SetAttributeComment(Operation):
    """Set or remove the comment of an attribute of a composite type that stays
    (``type``: the type as it ends up, for its name)."""

    kind: ClassVar[str] = "set_attribute_comment"
    phase: ClassVar[int] = PHASE_CREATE_TYPE
    type: CompositeType
    attribute: str
    old: str | None = None
    new: str | None = None

    def sort_name(self) -> str:
        return f"{self.type.name}.{self.attribute}"

    def where(self) -> str:
        return self.type.qualified_name

    def label(self) -> str:
        return f"comment of attribute {self.type.qualified_name}.{self.attribute}"

    def describe(self) -> str:
        return _set_to(f"attribute {self.attribute} of type {self.type.qualified_name}", self.new)

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        name = self.type.qualified_name
        return frozenset({type_ref(name), attribute_ref(name, self.attribute)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        t = next((o for o in snapshot.composite_types if o.key == self.type.key), None)
        if t is None or all(a.name != self.attribute for a in t.attributes):
            raise ApplyError(f"no attribute {self.attribute!r} of type {self.type.qualified_name}")
        attrs = tuple(
            dataclasses.replace(a, comment=self.new) if a.name == self.attribute else a
            for a in t.attributes
        )
        return _put(snapshot, t, dataclasses.replace(t, attributes=attrs))


@dataclass(frozen=True, slots=True, kw_only=True)
class SetCollationComment(Operation):
    """Set or remove the comment of a collation that stays (``old`` / ``new``: the
    collation before and after, which differ in their comment only)."""

    kind: ClassVar[str] = "set_collation_comment"
    phase: ClassVar[int] = PHASE_CREATE_COLLATION
    old: Collation
    new: Collation

    def sort_name(self) -> str:
        return self.new.name

    def where(self) -> str:
        return self.new.qualified_name

    def label(self) -> str:
        return f"comment of collation {self.new.qualified_name}"

    def describe(self) -> str:
        return _set_to(f"collation {self.new.qualified_name}", self.new.comment)

    def reverse(self) -> Operation:
        return SetCollationComment(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(COLLATION, self.new.qualified_name)})  # type: ignore[arg-type]

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.new, self.new)


for _cls in (SetAttributeComment, SetCollationComment):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
