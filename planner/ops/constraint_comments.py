"""The comment of a constraint or policy that stays changes (PostgreSQL's ``COMMENT ON
CONSTRAINT name ON table IS ...`` / ``COMMENT ON POLICY``, ``IS NULL`` when it goes):
:class:`SetConstraintComment` (a primary key, foreign key, unique, check or exclusion
constraint) and :class:`SetPolicyComment`. A created constraint or policy writes its
comment with it (:mod:`planner.revisions.convert_constraint_comments`).

Example:
    >>> op = SetConstraintComment(table_key=(None, "t"), constraint="check", name="ck_t",
    ...                           old=None, new="positive")
    >>> op.describe(), op.reverse().describe()
    ("Set the comment of check ck_t on t to 'positive'", 'Remove the comment of check ck_t on t')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import PHASE_INDEX, ApplyError, Operation, RefKind, _edit_table, _t
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Snapshot, TableKey

__all__ = ["SetConstraintComment", "SetConstraintIndexComment", "SetPolicyComment"]


def _describe(what: str, owner: TableKey, new: str | None) -> str:
    if new is None:
        return f"Remove the comment of {what} on {_t(owner)}"
    return f"Set the comment of {what} on {_t(owner)} to {new!r}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SetConstraintComment(Operation):
    """Set (``new``) or remove the comment of a table's constraint that stays: its kind
    (``constraint``: one of :data:`planner.state.constraint_comments.KINDS`) and ``name``
    (a primary key's may be None: the dialect's default); ``old`` is the comment it had."""

    kind: ClassVar[str] = "set_constraint_comment"
    #: the constraint's key the comment is: ``comment`` (``index_comment``: its index's)
    comment_key: ClassVar[str] = "comment"
    phase: ClassVar[int] = PHASE_INDEX
    table_key: TableKey
    constraint: str
    name: str | None = None
    old: str | None = None
    new: str | None = None

    def sort_name(self) -> str:
        return f"{self.constraint} {self.name or ''}"

    def label(self) -> str:
        return f"comment of {self._what()} on {_t(self.table_key)}"

    def _what(self) -> str:
        return self.constraint if self.name is None else f"{self.constraint} {self.name}"

    def describe(self) -> str:
        return _describe(self._what(), self.table_key, self.new)

    def reverse(self) -> Operation:
        return type(self)(
            table_key=self.table_key,
            constraint=self.constraint,
            name=self.name,
            old=self.new,
            new=self.old,
        )

    def needs(self):
        s, n = self.table_key
        refs = {(RefKind.TABLE, self.table_key)}
        if self.constraint == "primary key":
            refs.add((RefKind.PRIMARY_KEY, self.table_key))
        elif self.constraint != "exclusion constraint":
            refs.add((RefKind.CONSTRAINT, (s, n, self.name)))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        from planner.state.constraint_comments import constraints, with_comment

        def edit(t):
            found = [(k, n) for k, n, _ in constraints(t) if k == self.constraint]
            if not any(k == "primary key" or n == self.name for k, n in found):
                raise ApplyError(f"{t.qualified_name} has no {self._what()}")
            return with_comment(t, self.constraint, self.name, self.new, self.comment_key)

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetConstraintIndexComment(SetConstraintComment):
    """Set (``new``) or remove the comment of the index backing a primary key, unique or
    exclusion constraint that stays (``index_comment:``; PostgreSQL ``COMMENT ON INDEX``)."""

    kind: ClassVar[str] = "set_constraint_index_comment"
    comment_key: ClassVar[str] = "index_comment"

    def _what(self) -> str:
        return f"the index of {SetConstraintComment._what(self)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SetPolicyComment(Operation):
    """Set (``new``) or remove the comment of a table's policy ``name`` that stays; ``old``
    is the comment it had."""

    kind: ClassVar[str] = "set_policy_comment"
    phase: ClassVar[int] = PHASE_INDEX
    table_key: TableKey
    name: str
    old: str | None = None
    new: str | None = None

    def sort_name(self) -> str:
        return self.name

    def label(self) -> str:
        return f"comment of policy {self.name} on {_t(self.table_key)}"

    def describe(self) -> str:
        return _describe(f"policy {self.name}", self.table_key, self.new)

    def reverse(self) -> Operation:
        return SetPolicyComment(
            table_key=self.table_key, name=self.name, old=self.new, new=self.old
        )

    def needs(self):
        return frozenset({(RefKind.TABLE, self.table_key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        import dataclasses

        def edit(t):
            if not any(p.name == self.name for p in t.policies):
                raise ApplyError(f"{t.qualified_name} has no policy {self.name!r}")
            policies = tuple(
                dataclasses.replace(p, comment=self.new) if p.name == self.name else p
                for p in t.policies
            )
            return dataclasses.replace(t, policies=policies)

        return _edit_table(snapshot, self.table_key, edit)


for _cls in (SetConstraintComment, SetConstraintIndexComment, SetPolicyComment):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
