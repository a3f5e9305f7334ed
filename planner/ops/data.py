"""Operations on enums and managed rows, and :func:`apply_ops` (see :mod:`planner.ops`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from planner.ops.base import (
    PHASE_DELETE_ROWS,
    PHASE_DROP_ENUM,
    PHASE_ENUM,
    PHASE_ROWS,
    ApplyError,
    Operation,
    Ref,
    RefKind,
    Risk,
    _col_ref,
    _edit_table,
    _fmt_key,
    _fmt_value,
    _row_with,
    _sk,
    _t,
)
from planner.ops.keys import (
    AddCheck,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    CreateIndex,
    DropCheck,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropUnique,
    RenameConstraint,
    RenameIndex,
)
from planner.ops.tables import (
    AddColumn,
    AlterColumnComment,
    AlterColumnDefault,
    AlterColumnNullable,
    AlterColumnType,
    BackfillColumn,
    CreateTable,
    DropColumn,
    DropTable,
    RenameColumn,
    RenameTable,
    SetTableComment,
)
from planner.state.model import (
    ColumnKey,
    Enum,
    Row,
    RowSet,
    Snapshot,
    Table,
    TableKey,
)

# --------------------------------------------------------------------------- enums


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateEnum(Operation):
    kind: ClassVar[str] = "create_enum"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ENUM
    enum: Enum

    def sort_name(self) -> str:
        return self.enum.name

    def where(self) -> str:
        return self.enum.name

    def describe(self) -> str:
        return f"Create enum {self.enum.name} ({', '.join(self.enum.values)})"

    def reverse(self) -> Operation:
        return DropEnum(enum=self.enum)

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.ENUM, self.enum.name)}
            | {(RefKind.ENUM_VALUE, (self.enum.name, v)) for v in self.enum.values}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if self.enum.name in snapshot.enums_by_name():
            raise ApplyError(f"enum {self.enum.name!r} already exists")
        return snapshot.replace_enum(self.enum)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropEnum(Operation):
    kind: ClassVar[str] = "drop_enum"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_ENUM
    enum: Enum

    def sort_name(self) -> str:
        return self.enum.name

    def where(self) -> str:
        return self.enum.name

    def describe(self) -> str:
        return f"Drop enum {self.enum.name}"

    def reverse(self) -> Operation:
        return CreateEnum(enum=self.enum)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.ENUM, self.enum.name)})

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.ENUM, self.enum.name)}
            | {(RefKind.ENUM_VALUE, (self.enum.name, v)) for v in self.enum.values}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if self.enum.name not in snapshot.enums_by_name():
            raise ApplyError(f"no enum {self.enum.name!r}")
        return snapshot.without_enum(self.enum.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddEnumValue(Operation):
    """Add one value in place (PostgreSQL ``ALTER TYPE … ADD VALUE … BEFORE/AFTER``).

    Exactly one of ``before`` / ``after`` is set unless the enum was empty.
    ``columns`` lists the columns using the enum (MySQL rewrites them).
    """

    kind: ClassVar[str] = "add_enum_value"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ENUM
    enum_name: str
    value: str
    before: str | None = None
    after: str | None = None
    old_values: tuple[str, ...] = ()
    columns: tuple[ColumnKey, ...] = ()

    @property
    def new_values(self) -> tuple[str, ...]:
        vals = list(self.old_values)
        if self.after is not None and self.after in vals:
            vals.insert(vals.index(self.after) + 1, self.value)
        elif self.before is not None and self.before in vals:
            vals.insert(vals.index(self.before), self.value)
        else:
            vals.append(self.value)
        return tuple(vals)

    def sort_name(self) -> str:
        return f"{self.enum_name}:{len(self.old_values):05d}"

    def where(self) -> str:
        return self.enum_name

    def describe(self) -> str:
        where = ""
        if self.after is not None:
            where = f" after {self.after!r}"
        elif self.before is not None:
            where = f" before {self.before!r}"
        return f"Add value {self.value!r} to enum {self.enum_name}{where}"

    def reverse(self) -> Operation:
        return RebuildEnum(
            enum_name=self.enum_name,
            old_values=self.new_values,
            new_values=self.old_values,
            columns=self.columns,
        )

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {(RefKind.ENUM, self.enum_name)}
        for v in (self.before, self.after):
            if v is not None:
                refs.add((RefKind.ENUM_VALUE, (self.enum_name, v)))
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {
                (RefKind.ENUM_VALUE, (self.enum_name, self.value)),
                (RefKind.ENUM_NEW_COLUMNS, self.enum_name),
            }
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        enums = snapshot.enums_by_name()
        if self.enum_name not in enums:
            raise ApplyError(f"no enum {self.enum_name!r}")
        cur = enums[self.enum_name].values
        if self.value in cur:
            raise ApplyError(f"enum {self.enum_name!r} already has value {self.value!r}")
        anchor = self.after if self.after is not None else self.before
        if anchor is not None and anchor not in cur:
            raise ApplyError(f"enum {self.enum_name!r} has no value {anchor!r}")
        op = dataclasses.replace(self, old_values=cur)
        # the enum keeps its schema
        return snapshot.replace_enum(
            dataclasses.replace(enums[self.enum_name], values=op.new_values)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RebuildEnum(Operation):
    """Recreate an enum whose values were removed or reordered, converting ``columns``.

    (Create ``<name>_new``, alter each column ``USING col::text::<name>_new``, drop the
    old type, rename the new one.) Rows holding a removed value make it fail.
    """

    kind: ClassVar[str] = "rebuild_enum"
    phase: ClassVar[int] = PHASE_ENUM
    enum_name: str
    old_values: tuple[str, ...]
    new_values: tuple[str, ...]
    columns: tuple[ColumnKey, ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    @property
    def removed_values(self) -> tuple[str, ...]:
        return tuple(v for v in self.old_values if v not in self.new_values)

    def sort_name(self) -> str:
        return self.enum_name

    def where(self) -> str:
        return self.enum_name

    def describe(self) -> str:
        text = f"Rebuild enum {self.enum_name} ({', '.join(self.old_values)}) -> ({', '.join(self.new_values)})"
        if self.columns:
            text += " converting " + ", ".join(f"{_t((s, t))}.{c}" for s, t, c in self.columns)
        return text

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old_values=self.new_values, new_values=self.old_values)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.ENUM, self.enum_name)} | {(RefKind.COLUMN, c) for c in self.columns}
        )

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {
                (RefKind.ENUM_VALUE, (self.enum_name, v))
                for v in self.new_values
                if v not in self.old_values
            }
            | {(RefKind.ENUM_NEW_COLUMNS, self.enum_name)}
        )

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.ENUM_VALUE, (self.enum_name, v)) for v in self.removed_values}
            | {(RefKind.ENUM_OLD_COLUMNS, self.enum_name)}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        enums = snapshot.enums_by_name()
        if self.enum_name not in enums:
            raise ApplyError(f"no enum {self.enum_name!r}")
        return snapshot.replace_enum(
            dataclasses.replace(enums[self.enum_name], values=self.new_values)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetEnumComment(Operation):
    """The comment of an enum that stays changes (PostgreSQL's ``COMMENT ON TYPE ... IS``,
    ``IS NULL`` when it goes)."""

    kind: ClassVar[str] = "set_enum_comment"
    phase: ClassVar[int] = PHASE_ENUM
    enum_name: str
    old: str | None
    new: str | None

    def sort_name(self) -> str:
        return self.enum_name

    def where(self) -> str:
        return self.enum_name

    def describe(self) -> str:
        if self.new is None:
            return f"Remove the comment of enum {self.enum_name}"
        return f"Set the comment of enum {self.enum_name} to {self.new!r}"

    def reverse(self) -> Operation:
        return SetEnumComment(enum_name=self.enum_name, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.ENUM, self.enum_name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        enums = snapshot.enums_by_name()
        if self.enum_name not in enums:
            raise ApplyError(f"no enum {self.enum_name!r}")
        return snapshot.replace_enum(dataclasses.replace(enums[self.enum_name], comment=self.new))


# --------------------------------------------------------------------------- rows


def _row_refs(table_key: TableKey, keys: Iterable[tuple[Any, ...]]) -> set[Ref]:
    return {(RefKind.ROW, (table_key[0], table_key[1], k)) for k in keys}


@dataclass(frozen=True, slots=True, kw_only=True)
class InsertRows(Operation):
    """Insert managed rows (in order: parents first within a self-referencing table).

    ``key``: the row set's key columns. ``order``: the keys of every declared row of
    the table in declared order after the plan (places the rows in the snapshot).
    ``parents``: ``(RefKind.ROW, …)`` refs of rows in other tables (or not inserted here)
    these rows reference; ``enum_values``: ``(enum, value)`` pairs the rows use.
    """

    kind: ClassVar[str] = "insert_rows"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ROWS
    table_key: TableKey
    key: tuple[str, ...]
    rows: tuple[Row, ...]
    order: tuple[tuple[Any, ...], ...] = ()
    parents: tuple[Ref, ...] = ()
    enum_values: tuple[tuple[str, str], ...] = ()
    #: NOT NULL columns without a default that the table loses in this plan: the rows do
    #: not fill them, so they are inserted after the columns are gone
    after_dropped: tuple[str, ...] = ()
    #: ``(RefKind.UNIQUE_VALUE, (schema, table, columns, values))``: values of a key or unique
    #: these rows share with rows a :class:`DeleteRows` removes (inserted after it)
    unique_values: tuple[Ref, ...] = ()
    #: the table's row mode (``seed``: each row inserted only if its key is missing)
    mode: str = "managed"

    def keys(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(dict(r).get(c) for c in self.key) for r in self.rows)

    def columns(self) -> tuple[str, ...]:
        return tuple(sorted({c for r in self.rows for c, _ in r}))

    def sort_name(self) -> str:
        return ""

    def describe(self) -> str:
        n = len(self.rows)
        keys = ", ".join(_fmt_key(self.key, k) for k in self.keys())
        missing = " where missing (seed)" if self.mode == "seed" else ""
        return f"Insert {n} row{'s' if n != 1 else ''} into {_t(self.table_key)}{missing}: {keys}"

    def reverse(self) -> Operation:
        return DeleteRows(
            table_key=self.table_key,
            key=self.key,
            rows=tuple(reversed(self.rows)),
            parents=self.parents,
            enum_values=self.enum_values,
            unique_values=self.unique_values,
            mode=self.mode,
        )

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {(RefKind.TABLE, self.table_key)}
        refs |= {_col_ref(self.table_key, c) for c in self.columns()}
        refs |= set(self.parents)
        refs |= {(RefKind.ENUM_VALUE, ev) for ev in self.enum_values}
        return frozenset(refs)

    def after_removed(self) -> frozenset[Ref]:
        refs = {_col_ref(self.table_key, c) for c in self.after_dropped}
        return frozenset(refs | set(self.unique_values))

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs = _row_refs(self.table_key, self.keys()) | {(RefKind.ROWS, self.table_key)}
        refs |= {(RefKind.FILLED, (s, n, c)) for c in self.columns()}
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            rs = t.rows or RowSet(key=self.key)
            current = rs.by_key()
            rows = list(rs.rows)
            for r, k in zip(self.rows, self.keys(), strict=True):
                if tuple(dict(r).get(c) for c in rs.key) in current:
                    raise ApplyError(f"{t.qualified_name} already has row {_fmt_key(rs.key, k)}")
                rows.append(r)
            if self.order:
                pos = {k: i for i, k in enumerate(self.order)}
                big = len(pos)
                indexed = list(enumerate(rows))
                indexed.sort(key=lambda ir: (pos.get(rs.key_of(ir[1]), big), ir[0]))
                rows = [r for _, r in indexed]
            return dataclasses.replace(
                t, rows=dataclasses.replace(rs, key=self.key, rows=tuple(rows))
            )

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateRow(Operation):
    """Update one managed row, matched by ``key``; ``old`` / ``new`` hold only the
    differing columns. A column in ``old`` but not in ``new`` is no longer declared
    (the database value is left alone)."""

    kind: ClassVar[str] = "update_row"
    phase: ClassVar[int] = PHASE_ROWS
    table_key: TableKey
    key_columns: tuple[str, ...]
    key: tuple[Any, ...]
    old: Row
    new: Row
    #: rows referenced by the new values (must exist first)
    parents: tuple[Ref, ...] = ()
    #: rows referenced by the old values (to be deleted after this update)
    old_parents: tuple[Ref, ...] = ()
    enum_values: tuple[tuple[str, str], ...] = ()
    old_enum_values: tuple[tuple[str, str], ...] = ()
    #: ``unique_value`` refs the new values take over from other rows of the plan (set
    #: after those rows let go of them) / the old values give up for other rows
    unique_values: tuple[Ref, ...] = ()
    released_values: tuple[Ref, ...] = ()
    #: the table's row mode (``seed``: the snapshot changes, the database row is left alone)
    mode: str = "managed"

    @property
    def risk(self) -> Risk:
        return Risk.SAFE if self.mode == "seed" else Risk.DATA

    def sort_name(self) -> str:
        return _sk(self.key)

    def describe(self) -> str:
        old = dict(self.old)
        changes = ", ".join(f"{c} {_fmt_value(old.get(c))} -> {_fmt_value(v)}" for c, v in self.new)
        text = f"Update row {_t(self.table_key)} {_fmt_key(self.key_columns, self.key)}: {changes}"
        return text + (" (seed: the database row is left alone)" if self.mode == "seed" else "")

    def reverse(self) -> Operation:
        return dataclasses.replace(
            self,
            old=self.new,
            new=self.old,
            parents=self.old_parents,
            old_parents=self.parents,
            enum_values=self.old_enum_values,
            old_enum_values=self.enum_values,
            unique_values=self.released_values,
            released_values=self.unique_values,
        )

    def after_removed(self) -> frozenset[Ref]:
        return frozenset(self.unique_values)

    def removes(self) -> frozenset[Ref]:
        return frozenset(self.released_values)

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {
            (RefKind.TABLE, self.table_key),
            (RefKind.ROW, (self.table_key[0], self.table_key[1], self.key)),
        }
        refs |= {_col_ref(self.table_key, c) for c, _ in self.new}
        refs |= set(self.parents) | set(self.old_parents)
        refs |= {(RefKind.ENUM_VALUE, ev) for ev in (*self.enum_values, *self.old_enum_values)}
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({(RefKind.FILLED, (s, n, c)) for c, _ in self.new})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            if t.rows is None:
                raise ApplyError(f"{t.qualified_name} has no managed rows")
            new = dict(self.new)
            unset = [c for c, _ in self.old if c not in new]
            found = False
            rows = []
            for r in t.rows.rows:
                if t.rows.key_of(r) == self.key:
                    found = True
                    r = _row_with(r, new, unset)
                rows.append(r)
            if not found:
                raise ApplyError(
                    f"{t.qualified_name} has no row {_fmt_key(self.key_columns, self.key)}"
                )
            return dataclasses.replace(t, rows=dataclasses.replace(t.rows, rows=tuple(rows)))

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteRows(Operation):
    """Delete managed rows by key (children first within a self-referencing table).

    ``parents``: ``(RefKind.ROW, …)`` refs of rows the deleted rows reference (deleted after).
    ``unique_values``: key or unique values rows inserted by the plan take over.
    """

    kind: ClassVar[str] = "delete_rows"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DELETE_ROWS
    table_key: TableKey
    key: tuple[str, ...]
    rows: tuple[Row, ...]
    parents: tuple[Ref, ...] = ()
    enum_values: tuple[tuple[str, str], ...] = ()
    unique_values: tuple[Ref, ...] = ()
    #: ``seed``: the rows leave the snapshot, the database keeps them (never deleted)
    mode: str = "managed"
    #: tables the plan drops whose rows reference the deleted rows (dropped first)
    after_tables: tuple[TableKey, ...] = ()

    def after_removed(self) -> frozenset[Ref]:
        return frozenset((RefKind.TABLE, k) for k in self.after_tables)

    @property
    def risk(self) -> Risk:
        return Risk.SAFE if self.mode == "seed" else Risk.DESTRUCTIVE

    def keys(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(dict(r).get(c) for c in self.key) for r in self.rows)

    def describe(self) -> str:
        n = len(self.rows)
        keys = ", ".join(_fmt_key(self.key, k) for k in self.keys())
        if self.mode == "seed":
            return f"Stop seeding {n} row{'s' if n != 1 else ''} of {_t(self.table_key)} (kept in the database): {keys}"
        return f"Delete {n} row{'s' if n != 1 else ''} from {_t(self.table_key)}: {keys}"

    def reverse(self) -> Operation:
        return InsertRows(
            table_key=self.table_key,
            key=self.key,
            rows=tuple(reversed(self.rows)),
            parents=self.parents,
            enum_values=self.enum_values,
            unique_values=self.unique_values,
            mode=self.mode,
        )

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {(RefKind.TABLE, self.table_key)} | _row_refs(self.table_key, self.keys())
        refs |= set(self.parents)
        refs |= {(RefKind.ENUM_VALUE, ev) for ev in self.enum_values}
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        return frozenset(_row_refs(self.table_key, self.keys()) | set(self.unique_values))

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            if t.rows is None:
                raise ApplyError(f"{t.qualified_name} has no managed rows")
            gone = set(self.keys())
            present = set(t.rows.by_key())
            missing = gone - present
            if missing:
                k = sorted(missing, key=_sk)[0]
                raise ApplyError(f"{t.qualified_name} has no row {_fmt_key(self.key, k)}")
            rows = tuple(r for r in t.rows.rows if t.rows.key_of(r) not in gone)
            kept = rows or t.rows.mode != "managed"  # an empty seed/sync set keeps its mode
            return dataclasses.replace(
                t, rows=dataclasses.replace(t.rows, rows=rows) if kept else None
            )

        return _edit_table(snapshot, self.table_key, edit)


#: every concrete operation class, by ``kind``
OPERATION_TYPES: dict[str, type[Operation]] = {
    cls.kind: cls
    for cls in (
        CreateTable,
        DropTable,
        RenameTable,
        SetTableComment,
        AddColumn,
        DropColumn,
        RenameColumn,
        AlterColumnType,
        AlterColumnNullable,
        AlterColumnDefault,
        AlterColumnComment,
        BackfillColumn,
        CreateIndex,
        DropIndex,
        RenameIndex,
        AddPrimaryKey,
        DropPrimaryKey,
        AddForeignKey,
        DropForeignKey,
        AddUnique,
        DropUnique,
        AddCheck,
        DropCheck,
        RenameConstraint,
        CreateEnum,
        DropEnum,
        AddEnumValue,
        RebuildEnum,
        SetEnumComment,
        InsertRows,
        UpdateRow,
        DeleteRows,
    )
}


def apply_ops(ops: Iterable[Operation], snapshot: Snapshot) -> Snapshot:
    """Apply operations in order.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> apply_ops([], empty_snapshot()).tables
        ()
    """
    for op in ops:
        snapshot = op.apply_to(snapshot)
    return snapshot
