"""Operations on indexes and constraints: primary keys, foreign keys, uniques, checks
(see :mod:`planner.ops`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import (
    PHASE_ADD_CONSTRAINT,
    PHASE_ADD_FK,
    PHASE_DROP_CONSTRAINT,
    PHASE_DROP_FK,
    PHASE_INDEX,
    PHASE_RENAME,
    ApplyError,
    Operation,
    Ref,
    RefKind,
    Risk,
    _col_ref,
    _cols,
    _edit_table,
    _fk_desc,
    _fk_needs,
    _key_ref,
    _relname,
    _t,
    _with,
    _without,
)
from planner.state.index_keys import has_expression, key_text
from planner.state.model import (
    Check,
    ForeignKey,
    Index,
    PrimaryKey,
    Snapshot,
    Table,
    TableKey,
    Unique,
)

# --------------------------------------------------------------------------- indexes


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateIndex(Operation):
    kind: ClassVar[str] = "create_index"
    subject_field: ClassVar[str | None] = "index"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_INDEX
    table_key: TableKey
    index: Index
    table_is_new: bool = False

    @property
    def risk(self) -> Risk:
        if self.table_is_new:
            return Risk.SAFE
        return Risk.DATA if self.index.unique else Risk.LOCKS

    def sort_name(self) -> str:
        return self.index.name

    def describe(self) -> str:
        u = "unique " if self.index.unique else ""
        ix = self.index
        m = f" using {ix.using}" if ix.using else ""
        inc = f" include {_cols(ix.include)}" if ix.include else ""
        w = f" WHERE {ix.where}" if ix.where else ""
        key = key_text(ix) if ix.elements or ix.storage else _cols(ix.columns)
        return f"Create {u}index {ix.name} on {_t(self.table_key)}{m} {key}{inc}{w}"

    def reverse(self) -> Operation:
        return DropIndex(table_key=self.table_key, index=self.index)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table_key)}
            | {_col_ref(self.table_key, c) for c in self.index.columns + self.index.include}
        )

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {(RefKind.INDEX, (s, n, self.index.name)), _relname(s, self.index.name)}
        if self.index.unique and not self.index.where and not has_expression(self.index):
            refs.add(_key_ref(s, n, self.index.columns))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(t, indexes=_with(t.indexes, self.index, "index", t)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DropIndex(Operation):
    kind: ClassVar[str] = "drop_index"
    subject_field: ClassVar[str | None] = "index"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_CONSTRAINT
    table_key: TableKey
    index: Index

    def sort_name(self) -> str:
        return self.index.name

    def describe(self) -> str:
        return f"Drop index {self.index.name} on {_t(self.table_key)}"

    def reverse(self) -> Operation:
        return CreateIndex(table_key=self.table_key, index=self.index)

    def needs(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {(RefKind.TABLE, self.table_key), (RefKind.INDEX, (s, n, self.index.name))}
            | {_col_ref(self.table_key, c) for c in self.index.columns + self.index.include}
        )

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {(RefKind.INDEX, (s, n, self.index.name)), _relname(s, self.index.name)}
        if self.index.unique and not self.index.where and not has_expression(self.index):
            refs.add(_key_ref(s, n, self.index.columns))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, indexes=_without(t.indexes, self.index.name, "index", t)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameIndex(Operation):
    kind: ClassVar[str] = "rename_index"
    subject_field: ClassVar[str | None] = "index"
    phase: ClassVar[int] = PHASE_RENAME
    table_key: TableKey
    old: str
    new: str
    index: Index  # definition, under the old name

    def sort_name(self) -> str:
        return self.old

    def describe(self) -> str:
        return f"Rename index {self.old} on {_t(self.table_key)} to {self.new}"

    def reverse(self) -> Operation:
        return RenameIndex(
            table_key=self.table_key,
            old=self.new,
            new=self.old,
            index=dataclasses.replace(self.index, name=self.new),
        )

    def needs(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({(RefKind.TABLE, self.table_key), (RefKind.INDEX, (s, n, self.old))})

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({(RefKind.INDEX, (s, n, self.new)), _relname(s, self.new)})

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({(RefKind.INDEX, (s, n, self.old)), _relname(s, self.old)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            idx = [i for i in t.indexes if i.name == self.old]
            if not idx:
                raise ApplyError(f"{t.qualified_name} has no index {self.old!r}")
            rest = tuple(i for i in t.indexes if i.name != self.old)
            return dataclasses.replace(
                t, indexes=_with(rest, dataclasses.replace(idx[0], name=self.new), "index", t)
            )

        return _edit_table(snapshot, self.table_key, edit)


# --------------------------------------------------------------------------- constraints


@dataclass(frozen=True, slots=True, kw_only=True)
class AddPrimaryKey(Operation):
    kind: ClassVar[str] = "add_primary_key"
    subject_field: ClassVar[str | None] = "primary_key"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ADD_CONSTRAINT
    table_key: TableKey
    primary_key: PrimaryKey

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    def sort_name(self) -> str:
        return self.primary_key.name or ""

    def describe(self) -> str:
        name = f" {self.primary_key.name}" if self.primary_key.name else ""
        return f"Add primary key{name} on {_t(self.table_key)} {_cols(self.primary_key.columns)}"

    def reverse(self) -> Operation:
        return DropPrimaryKey(table_key=self.table_key, primary_key=self.primary_key)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table_key)}
            | {_col_ref(self.table_key, c) for c in self.primary_key.columns}
        )

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {
            (RefKind.PRIMARY_KEY, self.table_key),
            _key_ref(s, n, self.primary_key.columns),
        }
        if self.primary_key.name:
            refs.add((RefKind.CONSTRAINT, (s, n, self.primary_key.name)))
            refs.add(_relname(s, self.primary_key.name))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            if t.primary_key is not None and t.primary_key.columns:
                raise ApplyError(f"{t.qualified_name} already has a primary key")
            return dataclasses.replace(t, primary_key=self.primary_key)

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropPrimaryKey(Operation):
    kind: ClassVar[str] = "drop_primary_key"
    subject_field: ClassVar[str | None] = "primary_key"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_CONSTRAINT
    table_key: TableKey
    primary_key: PrimaryKey

    @property
    def risk(self) -> Risk:
        return Risk.LOCKS

    def sort_name(self) -> str:
        return self.primary_key.name or ""

    def describe(self) -> str:
        name = f" {self.primary_key.name}" if self.primary_key.name else ""
        return f"Drop primary key{name} of {_t(self.table_key)}"

    def reverse(self) -> Operation:
        return AddPrimaryKey(table_key=self.table_key, primary_key=self.primary_key)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table_key), (RefKind.PRIMARY_KEY, self.table_key)}
            | {_col_ref(self.table_key, c) for c in self.primary_key.columns}
        )

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {
            (RefKind.PRIMARY_KEY, self.table_key),
            _key_ref(s, n, self.primary_key.columns),
        }
        if self.primary_key.name:
            refs.add((RefKind.CONSTRAINT, (s, n, self.primary_key.name)))
            refs.add(_relname(s, self.primary_key.name))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            if t.primary_key is None or not t.primary_key.columns:
                raise ApplyError(f"{t.qualified_name} has no primary key")
            return dataclasses.replace(t, primary_key=None)

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddForeignKey(Operation):
    kind: ClassVar[str] = "add_foreign_key"
    subject_field: ClassVar[str | None] = "fk"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ADD_FK
    table_key: TableKey
    fk: ForeignKey
    table_is_new: bool = False
    #: indexes/keys dropped in the plan that the foreign key must not be tied to again
    #: (MariaDB ties a foreign key to an index on its columns): added after their drop
    not_on: tuple[Ref, ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.SAFE if self.table_is_new else Risk.DATA

    def sort_name(self) -> str:
        return self.fk.name

    def describe(self) -> str:
        return f"Add foreign key {self.fk.name} on {_t(self.table_key)} {_fk_desc(self.fk)}"

    def reverse(self) -> Operation:
        return DropForeignKey(table_key=self.table_key, fk=self.fk)

    def needs(self) -> frozenset[Ref]:
        return frozenset(_fk_needs(self.table_key, self.fk))

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.CONSTRAINT, (self.table_key[0], self.table_key[1], self.fk.name))}
        )

    def after_removed(self) -> frozenset[Ref]:
        return frozenset(self.not_on)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, foreign_keys=_with(t.foreign_keys, self.fk, "foreign key", t)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DropForeignKey(Operation):
    kind: ClassVar[str] = "drop_foreign_key"
    subject_field: ClassVar[str | None] = "fk"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_FK
    table_key: TableKey
    fk: ForeignKey
    #: indexes/keys the database may have tied the foreign key to (MariaDB refuses to
    #: drop the index a foreign key needs): the foreign key is dropped before them
    uses: tuple[Ref, ...] = ()

    def sort_name(self) -> str:
        return self.fk.name

    def describe(self) -> str:
        return f"Drop foreign key {self.fk.name} on {_t(self.table_key)} {_fk_desc(self.fk)}"

    def reverse(self) -> Operation:
        return AddForeignKey(table_key=self.table_key, fk=self.fk)

    def needs(self) -> frozenset[Ref]:
        rs, rt = self.fk.ref_key
        refs: set[Ref] = {(RefKind.TABLE, self.table_key), (RefKind.TABLE, self.fk.ref_key)}
        refs.add((RefKind.CONSTRAINT, (self.table_key[0], self.table_key[1], self.fk.name)))
        refs |= {_col_ref(self.table_key, c) for c in self.fk.columns}
        refs |= {(RefKind.COLUMN, (rs, rt, c)) for c in self.fk.ref_columns}
        refs.add(_key_ref(rs, rt, self.fk.ref_columns))
        refs |= set(self.uses)
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.CONSTRAINT, (self.table_key[0], self.table_key[1], self.fk.name))}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, foreign_keys=_without(t.foreign_keys, self.fk.name, "foreign key", t)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AddUnique(Operation):
    kind: ClassVar[str] = "add_unique"
    subject_field: ClassVar[str | None] = "unique"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ADD_CONSTRAINT
    table_key: TableKey
    unique: Unique
    table_is_new: bool = False

    @property
    def risk(self) -> Risk:
        return Risk.SAFE if self.table_is_new else Risk.DATA

    def sort_name(self) -> str:
        return self.unique.name

    def describe(self) -> str:
        return f"Add unique constraint {self.unique.name} on {_t(self.table_key)} {_cols(self.unique.columns)}"

    def reverse(self) -> Operation:
        return DropUnique(table_key=self.table_key, unique=self.unique)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table_key)}
            | {_col_ref(self.table_key, c) for c in self.unique.columns}
        )

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {
                (RefKind.CONSTRAINT, (s, n, self.unique.name)),
                _key_ref(s, n, self.unique.columns),
                _relname(s, self.unique.name),
            }
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, uniques=_with(t.uniques, self.unique, "unique constraint", t)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DropUnique(Operation):
    kind: ClassVar[str] = "drop_unique"
    subject_field: ClassVar[str | None] = "unique"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_CONSTRAINT
    table_key: TableKey
    unique: Unique

    def sort_name(self) -> str:
        return self.unique.name

    def describe(self) -> str:
        return f"Drop unique constraint {self.unique.name} on {_t(self.table_key)}"

    def reverse(self) -> Operation:
        return AddUnique(table_key=self.table_key, unique=self.unique)

    def needs(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {(RefKind.TABLE, self.table_key), (RefKind.CONSTRAINT, (s, n, self.unique.name))}
            | {_col_ref(self.table_key, c) for c in self.unique.columns}
        )

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {
                (RefKind.CONSTRAINT, (s, n, self.unique.name)),
                _key_ref(s, n, self.unique.columns),
                _relname(s, self.unique.name),
            }
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, uniques=_without(t.uniques, self.unique.name, "unique constraint", t)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AddCheck(Operation):
    kind: ClassVar[str] = "add_check"
    subject_field: ClassVar[str | None] = "check"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ADD_CONSTRAINT
    table_key: TableKey
    check: Check
    table_is_new: bool = False
    #: columns the expression mentions (for ordering; best effort)
    columns: tuple[str, ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.SAFE if self.table_is_new else Risk.DATA

    def sort_name(self) -> str:
        return self.check.name

    def describe(self) -> str:
        return (
            f"Add check constraint {self.check.name} on {_t(self.table_key)} ({self.check.sqltext})"
        )

    def reverse(self) -> Operation:
        return DropCheck(table_key=self.table_key, check=self.check, columns=self.columns)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table_key)} | {_col_ref(self.table_key, c) for c in self.columns}
        )

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.CONSTRAINT, (self.table_key[0], self.table_key[1], self.check.name))}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, checks=_with(t.checks, self.check, "check constraint", t)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DropCheck(Operation):
    kind: ClassVar[str] = "drop_check"
    subject_field: ClassVar[str | None] = "check"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_CONSTRAINT
    table_key: TableKey
    check: Check
    columns: tuple[str, ...] = ()

    def sort_name(self) -> str:
        return self.check.name

    def describe(self) -> str:
        return f"Drop check constraint {self.check.name} on {_t(self.table_key)}"

    def reverse(self) -> Operation:
        return AddCheck(table_key=self.table_key, check=self.check, columns=self.columns)

    def needs(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {(RefKind.TABLE, self.table_key), (RefKind.CONSTRAINT, (s, n, self.check.name))}
            | {_col_ref(self.table_key, c) for c in self.columns}
        )

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.CONSTRAINT, (self.table_key[0], self.table_key[1], self.check.name))}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, checks=_without(t.checks, self.check.name, "check constraint", t)
            ),
        )


#: ``RenameConstraint.constraint_type`` values
CONSTRAINT_TYPES = (RefKind.PRIMARY_KEY, "foreign_key", "unique", "check")


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameConstraint(Operation):
    """Rename a constraint; ``constraint_type`` is one of :data:`CONSTRAINT_TYPES`."""

    kind: ClassVar[str] = "rename_constraint"
    phase: ClassVar[int] = PHASE_RENAME
    table_key: TableKey
    old: str
    new: str
    constraint_type: str

    def sort_name(self) -> str:
        return self.old

    def describe(self) -> str:
        what = self.constraint_type.replace("_", " ")
        return f"Rename {what} constraint {self.old} on {_t(self.table_key)} to {self.new}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({(RefKind.TABLE, self.table_key), (RefKind.CONSTRAINT, (s, n, self.old))})

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {(RefKind.CONSTRAINT, (s, n, self.new))}
        if self.constraint_type in (RefKind.PRIMARY_KEY, "unique"):
            refs.add(_relname(s, self.new))
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {(RefKind.CONSTRAINT, (s, n, self.old))}
        if self.constraint_type in (RefKind.PRIMARY_KEY, "unique"):
            refs.add(_relname(s, self.old))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        old, new = self.old, self.new

        def edit(t: Table) -> Table:
            if new in set(t.constraint_names()):
                raise ApplyError(f"{t.qualified_name} already has constraint {new!r}")
            if self.constraint_type == "primary_key":
                if t.primary_key is None or t.primary_key.name != old:
                    raise ApplyError(f"{t.qualified_name} has no primary key {old!r}")
                return dataclasses.replace(
                    t, primary_key=dataclasses.replace(t.primary_key, name=new)
                )
            attr = {"foreign_key": "foreign_keys", "unique": "uniques", "check": "checks"}[
                self.constraint_type
            ]
            items = getattr(t, attr)
            if not any(o.name == old for o in items):
                raise ApplyError(
                    f"{t.qualified_name} has no {self.constraint_type} constraint {old!r}"
                )
            return dataclasses.replace(
                t,
                **{
                    attr: tuple(
                        dataclasses.replace(o, name=new) if o.name == old else o for o in items
                    )
                },
            )

        return _edit_table(snapshot, self.table_key, edit)
