"""Row-level security and policies of a table (PostgreSQL; :mod:`planner.state.policies`).

:class:`SetRowLevelSecurity` enables, forces or disables row-level security;
:class:`CreatePolicy`, :class:`AlterPolicy` (``ALTER POLICY``: its roles, ``USING`` and
``WITH CHECK``) and :class:`DropPolicy` manage the policies. A policy needs its table and
the columns its expressions read (``columns``), so it is created after them and dropped
before them; around a type change of a column it reads (PostgreSQL refuses one under a
policy) it is dropped and created again (:func:`disturbs`, :mod:`planner.graph_policies`).

Example:
    >>> from planner.state.policies import Policy
    >>> op = CreatePolicy(table_key=(None, "t"), policy=Policy(name="own", using="o = 1"),
    ...                   columns=("o",))
    >>> op.describe(), op.reverse().describe()
    ('Create policy own on t', 'Drop policy own on t')
    >>> SetRowLevelSecurity(table_key=(None, "t"), old=None, new="forced").describe()
    'Enable and force row-level security on t'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import PHASE_ALTER, PHASE_INDEX, Operation, Ref, RefKind, Risk
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Snapshot, TableKey, table_key_str
from planner.state.policies import Policy

#: a policy is created after the table operations (edges order it after its columns)
PHASE_CREATE_POLICY = PHASE_INDEX
#: and dropped before them
PHASE_DROP_POLICY = 0


def _edit(snapshot: Snapshot, key: TableKey, fn) -> Snapshot:
    t = snapshot.get_table(key)
    if t is None:
        return snapshot
    return snapshot.replace_table(fn(t))


def _with_policy(snapshot: Snapshot, key: TableKey, drop: str | None, add: Policy | None):
    def fn(t):
        items = [p for p in t.policies if p.name != drop and (add is None or p.name != add.name)]
        if add is not None:
            items.append(add)
        return dataclasses.replace(t, policies=tuple(items))

    return _edit(snapshot, key, fn)


def _rls_text(value: str | None) -> str:
    return {None: "disabled", "enabled": "enabled", "forced": "enabled and forced"}[value]


@dataclass(frozen=True, slots=True, kw_only=True)
class SetRowLevelSecurity(Operation):
    """``ALTER TABLE ... ENABLE | DISABLE ROW LEVEL SECURITY`` and ``[NO] FORCE``."""

    kind: ClassVar[str] = "set_row_level_security"
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    old: str | None = None
    new: str | None = None

    def label(self) -> str:
        return f"row-level security of {table_key_str(self.table_key)}"

    def describe(self) -> str:
        t = table_key_str(self.table_key)
        if self.new is None:
            return f"Disable row-level security on {t}"
        if self.new == "forced":
            verb = "Force" if self.old == "enabled" else "Enable and force"
            return f"{verb} row-level security on {t}"
        if self.old == "forced":
            return f"Stop forcing row-level security on {t}"
        return f"Enable row-level security on {t}"

    def reverse(self) -> Operation:
        return SetRowLevelSecurity(table_key=self.table_key, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(t, row_level_security=self.new),
        )


class _PolicyOp(Operation):
    __slots__ = ()

    def _policy(self) -> Policy:  # pragma: no cover - overridden
        raise NotImplementedError

    def sort_name(self) -> str:
        return f"{table_key_str(self.table_key)}.{self._policy().name}"

    def _refs(self, columns: tuple[str, ...]) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {(RefKind.TABLE, self.table_key)}
        refs |= {(RefKind.COLUMN, (s, n, c)) for c in columns}
        return frozenset(refs)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatePolicy(_PolicyOp):
    """``CREATE POLICY``; ``columns``: the columns of the table its expressions read."""

    kind: ClassVar[str] = "create_policy"
    subject_field: ClassVar[str | None] = "policy"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_POLICY
    table_key: TableKey
    policy: Policy
    columns: tuple[str, ...] = ()

    def _policy(self) -> Policy:
        return self.policy

    def label(self) -> str:
        return f"policy {self.policy.name} on {table_key_str(self.table_key)}"

    def describe(self) -> str:
        return f"Create policy {self.policy.name} on {table_key_str(self.table_key)}"

    def reverse(self) -> Operation:
        return DropPolicy(table_key=self.table_key, policy=self.policy, columns=self.columns)

    def needs(self) -> frozenset[Ref]:
        return self._refs(self.columns)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with_policy(snapshot, self.table_key, None, self.policy)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropPolicy(_PolicyOp):
    kind: ClassVar[str] = "drop_policy"
    subject_field: ClassVar[str | None] = "policy"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_POLICY
    table_key: TableKey
    policy: Policy
    columns: tuple[str, ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.SAFE

    def _policy(self) -> Policy:
        return self.policy

    def label(self) -> str:
        return f"drop policy {self.policy.name} on {table_key_str(self.table_key)}"

    def describe(self) -> str:
        return f"Drop policy {self.policy.name} on {table_key_str(self.table_key)}"

    def reverse(self) -> Operation:
        return CreatePolicy(table_key=self.table_key, policy=self.policy, columns=self.columns)

    def needs(self) -> frozenset[Ref]:
        return self._refs(self.columns)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with_policy(snapshot, self.table_key, self.policy.name, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterPolicy(_PolicyOp):
    """``ALTER POLICY``: the roles, ``USING`` or ``WITH CHECK`` of a policy change (its
    command and permissiveness cannot: those are a drop and a create)."""

    kind: ClassVar[str] = "alter_policy"
    subject_field: ClassVar[str | None] = "new"
    phase: ClassVar[int] = PHASE_CREATE_POLICY
    table_key: TableKey
    old: Policy
    new: Policy
    old_columns: tuple[str, ...] = ()
    new_columns: tuple[str, ...] = ()

    def _policy(self) -> Policy:
        return self.new

    def label(self) -> str:
        return f"alter policy {self.new.name} on {table_key_str(self.table_key)}"

    def describe(self) -> str:
        what = [
            f
            for f in ("roles", "using", "with_check")
            if getattr(self.old, f) != getattr(self.new, f)
        ]
        return (
            f"Alter policy {self.new.name} on {table_key_str(self.table_key)} "
            f"({', '.join(w.replace('_', ' ') for w in what)})"
        )

    def reverse(self) -> Operation:
        return AlterPolicy(
            table_key=self.table_key,
            old=self.new,
            new=self.old,
            old_columns=self.new_columns,
            new_columns=self.old_columns,
        )

    def needs(self) -> frozenset[Ref]:
        return self._refs(self.new_columns)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with_policy(snapshot, self.table_key, self.old.name, self.new)


def alterable(old: Policy, new: Policy) -> bool:
    """``ALTER POLICY`` turns ``old`` into ``new``: the same command and permissiveness,
    and no expression removed (``ALTER POLICY`` sets one, it cannot take one away)."""
    return (
        old.command == new.command
        and old.permissive == new.permissive
        and (old.using is None or new.using is not None)
        and (old.with_check is None or new.with_check is not None)
    )


def disturbs(op: Operation, key: TableKey, columns: tuple[str, ...]) -> str | None:
    """Why ``op`` cannot run while a policy of table ``key`` reading ``columns`` exists
    (None: it can): a type change or drop of one of those columns.

    Example:
        >>> from planner.ops import AlterColumnType
        >>> disturbs(AlterColumnType(table_key=(None, "t"), column="a", old_type="Integer",
        ...          new_type="BigInteger"), (None, "t"), ("a",))
        'a policy of t reads t.a'
    """
    if op.table_key != key or op.kind not in ("alter_column_type", "drop_column"):
        return None
    column = getattr(op, "column", None)
    column = column if isinstance(column, str) else getattr(column, "name", None)
    if column in columns:
        return f"a policy of {table_key_str(key)} reads {table_key_str(key)}.{column}"
    return None


for _cls in (SetRowLevelSecurity, CreatePolicy, DropPolicy, AlterPolicy):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
