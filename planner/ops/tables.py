"""Operations on tables and columns (see :mod:`planner.ops`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import (
    PHASE_ADD_COLUMN,
    PHASE_ALTER,
    PHASE_CREATE_TABLE,
    PHASE_DROP_COLUMN,
    PHASE_DROP_TABLE,
    PHASE_RENAME,
    PHASE_ROWS,
    PHASE_SET_NOT_NULL,
    ApplyError,
    Operation,
    Ref,
    RefKind,
    Risk,
    _col_desc,
    _col_ref,
    _dropped_enum_refs,
    _edit_columns,
    _edit_table,
    _fk_needs,
    _made_enum_refs,
    _relname,
    _rename_in,
    _row_with,
    _strip_column,
    _t,
    _table_of,
    _table_refs,
    enums_of_type,
)
from planner.ops.generated import generated_refs
from planner.ops.partition_refs import parent_refs
from planner.state.coltypes import WIDENING, type_change
from planner.state.model import (
    Column,
    FrozenMap,
    RowSet,
    Snapshot,
    Table,
    TableKey,
)

# --------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateTable(Operation):
    """Create a table with its columns, primary key, uniques and checks, and the foreign
    keys folded into it (:func:`planner.graph.fold_foreign_keys`: those no cycle of the
    plan needs apart; Django's optimizer).

    Indexes and rows are separate operations (``table`` holds none); so are foreign keys
    of tables in a cycle (``table`` holds those it creates).
    """

    kind: ClassVar[str] = "create_table"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_TABLE
    table: Table

    @property
    def table_key(self) -> TableKey:
        return self.table.key

    def sort_name(self) -> str:
        return self.table.name

    def describe(self) -> str:
        p = self.table.partition_of
        if p is not None:
            parent = _t((p.schema if p.schema is not None else self.table.schema, p.table))
            return f"Create partition {self.table.qualified_name} of {parent} {p.bound}"
        text = f"Create table {self.table.qualified_name} ({', '.join(self.table.column_names)})"
        fks = self.table.foreign_keys
        if fks:
            text += " with foreign key" + ("s " if len(fks) > 1 else " ")
            text += ", ".join(f"{fk.name} -> {_t(fk.ref_key)}" for fk in fks)
        return text

    def reverse(self) -> Operation:
        return DropTable(table=self.table)

    def needs(self) -> frozenset[Ref]:
        refs = _made_enum_refs(self.table.columns)
        for fk in self.table.foreign_keys:
            refs |= _fk_needs(self.table.key, fk)
        refs |= parent_refs(self.table)  # a partition / child after its parent
        return frozenset(refs - _table_refs(self.table))

    def gives(self) -> frozenset[Ref]:
        return frozenset(_table_refs(self.table))

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if snapshot.get_table(self.table.key) is not None:
            raise ApplyError(f"table {self.table.qualified_name!r} already exists")
        return snapshot.replace_table(self.table)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropTable(Operation):
    """Drop a table. ``table`` holds its definition without rows, with the foreign keys
    the drop takes along (:func:`planner.graph.fold_foreign_keys`; the others are
    dropped first by their own operations)."""

    kind: ClassVar[str] = "drop_table"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_TABLE
    table: Table

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    @property
    def table_key(self) -> TableKey:
        return self.table.key

    def sort_name(self) -> str:
        return self.table.name

    def describe(self) -> str:
        return f"Drop table {self.table.qualified_name}"

    def reverse(self) -> Operation:
        return CreateTable(table=dataclasses.replace(self.table, indexes=(), rows=None))

    def needs(self) -> frozenset[Ref]:
        refs = {(RefKind.TABLE, self.table.key)} | _dropped_enum_refs(self.table.columns)
        refs |= parent_refs(self.table)  # a partition / child before its parent
        for fk in self.table.foreign_keys:
            refs |= _fk_needs(self.table.key, fk)
        own = _table_refs(self.table)
        return frozenset(r for r in refs if r == (RefKind.TABLE, self.table.key) or r not in own)

    def removes(self) -> frozenset[Ref]:
        refs = _table_refs(self.table)
        refs.add((RefKind.ROWS, self.table.key))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        _table_of(snapshot, self.table.key)
        return snapshot.without_table(self.table.key)


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameTable(Operation):
    """Rename a table, and the names derived from its name.

    ``constraint_renames`` / ``index_renames``: ``(old, new)`` names of constraints and
    indexes named by the naming convention after the table. ``default_pkey``: on
    PostgreSQL the default-named primary key ``<old>_pkey -> <new>_pkey`` (when the
    snapshot leaves the primary key unnamed). ``sequence_renames``: the sequences the
    table owns on PostgreSQL (``<old>_<col>_seq -> <new>_<col>_seq``).
    """

    kind: ClassVar[str] = "rename_table"
    phase: ClassVar[int] = PHASE_RENAME
    old_key: TableKey
    new_name: str
    constraint_renames: tuple[tuple[str, str], ...] = ()
    index_renames: tuple[tuple[str, str], ...] = ()
    default_pkey: tuple[str, str] | None = None
    sequence_renames: tuple[tuple[str, str], ...] = ()

    @property
    def new_key(self) -> TableKey:
        return (self.old_key[0], self.new_name)

    @property
    def table_key(self) -> TableKey:
        return self.new_key

    def sort_name(self) -> str:
        return self.old_key[1]

    def describe(self) -> str:
        text = f"Rename table {_t(self.old_key)} to {self.new_name}"
        extra = [f"{a} -> {b}" for a, b in (*self.constraint_renames, *self.index_renames)]
        if self.default_pkey:
            extra.append(f"{self.default_pkey[0]} -> {self.default_pkey[1]} (PostgreSQL)")
        extra += [f"sequence {a} -> {b}" for a, b in self.sequence_renames]
        if extra:
            text += " (" + ", ".join(extra) + ")"
        return text

    def reverse(self) -> Operation:
        swap = lambda pairs: tuple((b, a) for a, b in pairs)  # noqa: E731
        return RenameTable(
            old_key=self.new_key,
            new_name=self.old_key[1],
            constraint_renames=swap(self.constraint_renames),
            index_renames=swap(self.index_renames),
            default_pkey=(self.default_pkey[1], self.default_pkey[0])
            if self.default_pkey
            else None,
            sequence_renames=swap(self.sequence_renames),
        )

    def needs(self) -> frozenset[Ref]:
        s, n = self.old_key
        refs: set[Ref] = {(RefKind.TABLE, self.old_key)}
        refs |= {(RefKind.CONSTRAINT, (s, n, a)) for a, _ in self.constraint_renames}
        refs |= {(RefKind.INDEX, (s, n, a)) for a, _ in self.index_renames}
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        s, n = self.new_key
        refs: set[Ref] = {(RefKind.TABLE, self.new_key), _relname(s, n)}
        refs |= {(RefKind.CONSTRAINT, (s, n, b)) for _, b in self.constraint_renames}
        refs |= {(RefKind.INDEX, (s, n, b)) for _, b in self.index_renames}
        pairs = (
            *self.constraint_renames,
            *self.index_renames,
            *((self.default_pkey,) if self.default_pkey else ()),
        )
        refs |= {_relname(s, b) for _, b in pairs}
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        s, n = self.old_key
        refs: set[Ref] = {(RefKind.TABLE, self.old_key), _relname(s, n)}
        refs |= {(RefKind.CONSTRAINT, (s, n, a)) for a, _ in self.constraint_renames}
        refs |= {(RefKind.INDEX, (s, n, a)) for a, _ in self.index_renames}
        pairs = (
            *self.constraint_renames,
            *self.index_renames,
            *((self.default_pkey,) if self.default_pkey else ()),
        )
        refs |= {_relname(s, a) for a, _ in pairs}
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        t = _table_of(snapshot, self.old_key)
        if snapshot.get_table(self.new_key) is not None:
            raise ApplyError(f"table {_t(self.new_key)!r} already exists")
        cmap = dict(self.constraint_renames)
        imap = dict(self.index_renames)
        pk = t.primary_key
        if pk and pk.name in cmap:
            pk = dataclasses.replace(pk, name=cmap[pk.name])
        ren = lambda o, m: dataclasses.replace(o, name=m.get(o.name, o.name))  # noqa: E731
        t2 = dataclasses.replace(
            t,
            name=self.new_name,
            primary_key=pk,
            foreign_keys=tuple(ren(o, cmap) for o in t.foreign_keys),
            uniques=tuple(ren(o, cmap) for o in t.uniques),
            checks=tuple(ren(o, cmap) for o in t.checks),
            indexes=tuple(ren(o, imap) for o in t.indexes),
            renamed_from=None,
        )
        out = snapshot.replace_table(t2, old_key=self.old_key)
        return _retarget_fks(out, self.old_key, self.new_key)


def _retarget_fks(snapshot: Snapshot, old: TableKey, new: TableKey) -> Snapshot:
    """Foreign keys follow a renamed table (as they do in every database)."""
    tables = []
    for t in snapshot.tables:
        if any(fk.ref_key == old for fk in t.foreign_keys):
            fks = tuple(
                dataclasses.replace(fk, ref_schema=new[0], ref_table=new[1])
                if fk.ref_key == old
                else fk
                for fk in t.foreign_keys
            )
            t = dataclasses.replace(t, foreign_keys=fks)
        tables.append(t)
    return dataclasses.replace(snapshot, tables=tuple(tables))


@dataclass(frozen=True, slots=True, kw_only=True)
class SetTableComment(Operation):
    kind: ClassVar[str] = "set_table_comment"
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    old: str | None
    new: str | None

    def describe(self) -> str:
        if self.new is None:
            return f"Drop comment of table {_t(self.table_key)}"
        return f"Set comment of table {_t(self.table_key)} to {self.new!r}"

    def reverse(self) -> Operation:
        return SetTableComment(table_key=self.table_key, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot, self.table_key, lambda t: dataclasses.replace(t, comment=self.new)
        )


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True, kw_only=True)
class AddColumn(Operation):
    """Add a column. ``after``: the column it follows in the declaration (None = first).

    Databases append new columns; ``after`` only places it in the snapshot (and may be
    used by MySQL's ``AFTER``).
    """

    kind: ClassVar[str] = "add_column"
    subject_field: ClassVar[str | None] = "column"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ADD_COLUMN
    table_key: TableKey
    column: Column
    after: str | None = None
    #: position among the new table's columns, for the reading order only
    position: int = 0

    def sort_name(self) -> str:
        return f"{self.position:05d}"

    def describe(self) -> str:
        return f"Add column {_t(self.table_key)}.{self.column.name} {_col_desc(self.column)}"

    def reverse(self) -> Operation:
        return DropColumn(table_key=self.table_key, column=self.column, after=self.after)

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {(RefKind.TABLE, self.table_key)} | _made_enum_refs((self.column,))
        if self.after is not None:
            refs.add(_col_ref(self.table_key, self.after))
        return frozenset(refs | generated_refs(self.table_key, self.column))

    def gives(self) -> frozenset[Ref]:
        return frozenset({_col_ref(self.table_key, self.column.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            if t.has_column(self.column.name):
                raise ApplyError(f"{t.qualified_name} already has column {self.column.name!r}")
            cols = list(t.columns)
            names = [c.name for c in cols]
            pos = (
                0
                if self.after is None
                else (names.index(self.after) + 1 if self.after in names else len(cols))
            )
            cols.insert(pos, _strip_column(self.column))
            return dataclasses.replace(t, columns=tuple(cols))

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropColumn(Operation):
    kind: ClassVar[str] = "drop_column"
    subject_field: ClassVar[str | None] = "column"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_COLUMN
    table_key: TableKey
    column: Column
    after: str | None = None

    @property
    def risk(self) -> Risk:
        # a generated column holds no data of its own: it is computed again when added
        return Risk.SAFE if self.column.generated is not None else Risk.DESTRUCTIVE

    def sort_name(self) -> str:
        return self.column.name

    def describe(self) -> str:
        return f"Drop column {_t(self.table_key)}.{self.column.name}"

    def reverse(self) -> Operation:
        return AddColumn(table_key=self.table_key, column=self.column, after=self.after)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column.name)}
            | _dropped_enum_refs((self.column,))
            | generated_refs(self.table_key, self.column)
        )

    def removes(self) -> frozenset[Ref]:
        return frozenset({_col_ref(self.table_key, self.column.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        name = self.column.name

        def edit(t: Table) -> Table:
            if not t.has_column(name):
                raise ApplyError(f"{t.qualified_name} has no column {name!r}")
            rows = t.rows
            if rows is not None:
                rows = dataclasses.replace(
                    rows, rows=tuple(_row_with(r, {}, (name,)) for r in rows.rows)
                )
            return dataclasses.replace(
                t, columns=tuple(c for c in t.columns if c.name != name), rows=rows
            )

        return _edit_table(snapshot, self.table_key, edit)


@dataclass(frozen=True, slots=True, kw_only=True)
class RenameColumn(Operation):
    """Rename a column; ``column`` is its definition. ``sequence_rename``: the PostgreSQL
    sequence it owns, ``(<table>_<old>_seq, <table>_<new>_seq)``, when it owns one."""

    kind: ClassVar[str] = "rename_column"
    subject_field: ClassVar[str | None] = "column"
    phase: ClassVar[int] = PHASE_RENAME
    table_key: TableKey
    old: str
    new: str
    column: Column
    sequence_rename: tuple[str, str] | None = None

    def sort_name(self) -> str:
        return self.old

    def describe(self) -> str:
        return f"Rename column {_t(self.table_key)}.{self.old} to {self.new}"

    def reverse(self) -> Operation:
        seq = (self.sequence_rename[1], self.sequence_rename[0]) if self.sequence_rename else None
        return RenameColumn(
            table_key=self.table_key,
            old=self.new,
            new=self.old,
            column=dataclasses.replace(self.column, name=self.old),
            sequence_rename=seq,
        )

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.old)})

    def gives(self) -> frozenset[Ref]:
        return frozenset({_col_ref(self.table_key, self.new)})

    def removes(self) -> frozenset[Ref]:
        return frozenset({_col_ref(self.table_key, self.old)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        old, new = self.old, self.new

        def edit(t: Table) -> Table:
            if t.has_column(new):
                raise ApplyError(f"{t.qualified_name} already has column {new!r}")
            t = _edit_columns(t, lambda c: dataclasses.replace(c, name=new, renamed_from=None), old)
            pk = t.primary_key
            if pk is not None:
                pk = dataclasses.replace(pk, columns=_rename_in(pk.columns, old, new))
            rows = t.rows
            if rows is not None:
                rows = RowSet(
                    key=_rename_in(rows.key, old, new),
                    rows=tuple(
                        FrozenMap({(new if k == old else k): v for k, v in r}) for r in rows.rows
                    ),
                )
            return dataclasses.replace(
                t,
                primary_key=pk,
                foreign_keys=tuple(
                    dataclasses.replace(fk, columns=_rename_in(fk.columns, old, new))
                    for fk in t.foreign_keys
                ),
                uniques=tuple(
                    dataclasses.replace(u, columns=_rename_in(u.columns, old, new))
                    for u in t.uniques
                ),
                indexes=tuple(
                    dataclasses.replace(
                        i,
                        columns=_rename_in(i.columns, old, new),
                        elements=tuple(  # an expression keeps its text: a change plans one
                            dataclasses.replace(e, column=new) if e.column == old else e
                            for e in i.elements
                        ),
                    )
                    for i in t.indexes
                ),
                rows=rows,
            )

        out = _edit_table(snapshot, self.table_key, edit)
        # foreign keys pointing at the column follow it
        tables = []
        for t in out.tables:
            if any(fk.ref_key == self.table_key and old in fk.ref_columns for fk in t.foreign_keys):
                fks = tuple(
                    dataclasses.replace(fk, ref_columns=_rename_in(fk.ref_columns, old, new))
                    if fk.ref_key == self.table_key
                    else fk
                    for fk in t.foreign_keys
                )
                t = dataclasses.replace(t, foreign_keys=fks)
            tables.append(t)
        return dataclasses.replace(out, tables=tuple(tables))


def is_widening(old: str, new: str) -> bool:
    """True when every value of ``old`` fits ``new`` unchanged (a safe type change):
    :func:`planner.state.coltypes.type_change`, the classifier lint and diff use too.

    Example:
        >>> is_widening("String(40)", "String(80)"), is_widening("String(80)", "String(40)")
        (True, False)
        >>> is_widening("Integer", "Numeric(10, 2)")  # 10 integer digits do not fit in 8
        False
    """
    return old != new and type_change(old, new)[0] == WIDENING


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnType(Operation):
    kind: ClassVar[str] = "alter_column_type"
    subject_field: ClassVar[str | None] = "column"
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    column: str
    old_type: str
    new_type: str
    existing_nullable: bool = True
    existing_server_default: str | None = None
    existing_comment: str | None = None
    #: the snapshot's conversion of the old values (``using``), ``(dialect, sql)`` pairs:
    #: PostgreSQL's ``USING``; elsewhere the rows are updated in place before the change
    using: tuple[tuple[str, str], ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.LOCKS if is_widening(self.old_type, self.new_type) else Risk.DATA

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        text = f"Alter column {_t(self.table_key)}.{self.column} type {self.old_type} -> {self.new_type}"
        if self.using:
            text += " using " + "; ".join(
                sql if d == "*" else f"{d}: {sql}" for d, sql in self.using
            )
        return text

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old_type=self.new_type, new_type=self.old_type, using=())

    def needs(self) -> frozenset[Ref]:
        refs = {(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column)}
        old, new = set(enums_of_type(self.old_type)), set(enums_of_type(self.new_type))
        refs |= {(RefKind.ENUM, e) for e in old | new}
        # a column leaving an enum goes before the enum is rebuilt, one joining it after
        refs |= {(RefKind.ENUM_OLD_COLUMNS, e) for e in old - new}
        refs |= {(RefKind.ENUM_NEW_COLUMNS, e) for e in new - old}
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t, lambda c: dataclasses.replace(c, type=self.new_type), self.column
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnNullable(Operation):
    """Set (``nullable=False``) or drop (``True``) NOT NULL; ``column_def`` is the column before."""

    kind: ClassVar[str] = "alter_column_nullable"
    subject_field: ClassVar[str | None] = "column"
    table_key: TableKey
    column: str
    nullable: bool
    column_def: Column

    @property
    def phase(self) -> int:  # type: ignore[override]
        return PHASE_ALTER if self.nullable else PHASE_SET_NOT_NULL

    @property
    def risk(self) -> Risk:
        return Risk.SAFE if self.nullable else Risk.DATA

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        if self.nullable:
            return f"Drop NOT NULL on {_t(self.table_key)}.{self.column}"
        return f"Set {_t(self.table_key)}.{self.column} NOT NULL"

    def reverse(self) -> Operation:
        return AlterColumnNullable(
            table_key=self.table_key,
            column=self.column,
            nullable=not self.nullable,
            column_def=dataclasses.replace(self.column_def, nullable=self.nullable),
        )

    def needs(self) -> frozenset[Ref]:
        refs = {(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column)}
        if not self.nullable:
            refs.add((RefKind.FILLED, (self.table_key[0], self.table_key[1], self.column)))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t, lambda c: dataclasses.replace(c, nullable=self.nullable), self.column
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnDefault(Operation):
    kind: ClassVar[str] = "alter_column_default"
    subject_field: ClassVar[str | None] = "column"
    table_key: TableKey
    column: str
    old: str | None
    new: str | None
    existing_type: str = ""
    existing_nullable: bool = True

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        if self.new is None:
            return f"Drop server default of {_t(self.table_key)}.{self.column}"
        return f"Set server default of {_t(self.table_key)}.{self.column} to {self.new}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t, lambda c: dataclasses.replace(c, server_default=self.new), self.column
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterColumnComment(Operation):
    kind: ClassVar[str] = "alter_column_comment"
    subject_field: ClassVar[str | None] = "column"
    table_key: TableKey
    column: str
    old: str | None
    new: str | None
    existing_type: str = ""
    existing_nullable: bool = True

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        if self.new is None:
            return f"Drop comment of {_t(self.table_key)}.{self.column}"
        return f"Set comment of {_t(self.table_key)}.{self.column} to {self.new!r}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: _edit_columns(
                t, lambda c: dataclasses.replace(c, comment=self.new), self.column
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BackfillColumn(Operation):
    """``UPDATE <table> SET <column> = <sql> WHERE <column> IS NULL``; no state change."""

    kind: ClassVar[str] = "backfill_column"
    subject_field: ClassVar[str | None] = "column"
    phase: ClassVar[int] = PHASE_ROWS
    table_key: TableKey
    column: str
    sql: str
    #: the backfill per dialect, ``(dialect, sql)`` pairs (``sql`` is then empty)
    by_dialect: tuple[tuple[str, str], ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        fill = self.sql or "; ".join(f"{d}: {sql}" for d, sql in self.by_dialect)
        return f"Backfill {_t(self.table_key)}.{self.column} where NULL with {fill}"

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.TABLE, self.table_key), _col_ref(self.table_key, self.column)})

    def gives(self) -> frozenset[Ref]:
        return frozenset({(RefKind.FILLED, (self.table_key[0], self.table_key[1], self.column))})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        t = _table_of(snapshot, self.table_key)
        if not t.has_column(self.column):
            raise ApplyError(f"{t.qualified_name} has no column {self.column!r}")
        return snapshot
