"""Operations: one frozen dataclass per verb, each a pure edit of a :class:`Snapshot`.

Every operation knows what it needs, gives and removes (``Ref`` pairs such as
``("table", (None, "sites"))``), how it reads (``describe()``), its inverse
(``reverse()``, built from the old values it stores, Alembic's ``existing_*``), its
risk class and where it sorts in a plan (``sort_key()``). ``apply_to`` is Django's
``state_forwards`` made pure: it returns the snapshot after the operation.

Operations on a table always refer to the table (and its columns) by the names they
have *when the operation runs*: renames come first in a plan, so every other op uses
the new names.

Risk classes:

=============================================  ======================
operation                                       risk
=============================================  ======================
create table / enum, add column, insert rows    safe
rename table / column / constraint / index      safe
add enum value, set comment, drop default       safe
drop NOT NULL, drop index / FK / unique / check safe
index, unique or check/FK on a *new* table      safe
widening type change (String(40)->String(80))   locks
create index on an existing table               locks (unique: data-dependent)
drop primary key                                locks
add primary key                                 data-dependent
set server default                              safe
set NOT NULL on an existing column              data-dependent
add unique / check / FK on an existing table    data-dependent
narrowing or other type change                  data-dependent
backfill, update rows, rebuild enum             data-dependent
drop table, drop column, delete rows            destructive
drop enum                                       safe (no data)
=============================================  ======================

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> op = AddColumn(table_key=(None, "sites"), column=Column(name="name", type="String(80)"))
    >>> op.describe()
    'Add column sites.name String(80)'
    >>> op.reverse().describe()
    'Drop column sites.name'
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from planner.state.coltypes import WIDENING, type_change
from planner.state.errors import DbplanError
from planner.state.model import (
    Check,
    Column,
    ColumnKey,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    Row,
    RowSet,
    Snapshot,
    Table,
    TableKey,
    Unique,
    table_key_str,
)

#: ``(kind, key)``: ``("table", (schema, name))``, ``("column", (schema, table, col))``,
#: ``("enum", name)``, ``("enum_value", (name, value))``, ``("enum_old_columns", name)`` /
#: ``("enum_new_columns", name)`` (an enum as the columns dropped / made around its value
#: changes hold it), ``("constraint", (schema, table, name))``,
#: ``("primary_key", (schema, table))``, ``("index", (schema, table, name))``,
#: ``("referenced", (schema, table, columns))`` (a PK/unique key FKs can point at; the
#: columns sorted, as a set),
#: ``("rows", (schema, table))``, ``("row", (schema, table, key))``,
#: ``("unique_value", (schema, table, columns, values))`` (values of a key or unique),
#: ``("filled", (schema, table, col))`` (a column given values for existing rows),
#: ``("relname", (schema, name))``: a name in a schema-wide namespace (tables, indexes,
#: primary keys and uniques share one on PostgreSQL; index names are database-wide on
#: SQLite), lower-cased (SQLite compares names without case).
Ref = tuple[str, Any]


class PlannerError(DbplanError):
    """Root of the planner's errors."""


class IrreversibleError(PlannerError):
    """An operation that cannot be reversed from the values it stores."""


class ApplyError(PlannerError):
    """An operation does not fit the snapshot it is applied to."""


class CycleError(PlannerError):
    """Operations that depend on each other in a circle no rule can break."""

    def __init__(self, descriptions: list[str] | tuple[str, ...]):
        self.descriptions = tuple(descriptions)
        lines = "\n".join(f"  {d}" for d in self.descriptions)
        super().__init__(f"the plan has a dependency cycle that cannot be broken:\n{lines}")


class Risk(enum.StrEnum):
    SAFE = "safe"
    LOCKS = "locks"
    DESTRUCTIVE = "destructive"
    DATA = "data-dependent"


# Phases: the reading order of a plan, first element of every sort key.
PHASE_DROP_FK = 0
PHASE_DROP_CONSTRAINT = 1
PHASE_RENAME = 2
PHASE_ENUM = 3
PHASE_CREATE_TABLE = 4
PHASE_ADD_COLUMN = 5
PHASE_ALTER = 6
PHASE_DELETE_ROWS = 7
PHASE_ROWS = 8
PHASE_SET_NOT_NULL = 9
PHASE_ADD_CONSTRAINT = 10
PHASE_ADD_FK = 11
PHASE_INDEX = 12
PHASE_DROP_COLUMN = 13
PHASE_DROP_TABLE = 14
PHASE_DROP_ENUM = 15

_ENUM_RE = re.compile(r"\bEnum\(\s*([A-Za-z_][A-Za-z0-9_]*)")


def enums_of_type(type_: str) -> tuple[str, ...]:
    """Names of the named enums a type expression uses.

    Example:
        >>> enums_of_type("postgresql.ARRAY(Enum(event_level))")
        ('event_level',)
    """
    return tuple(dict.fromkeys(_ENUM_RE.findall(type_ or "")))


def _t(key: TableKey) -> str:
    return table_key_str(key)


def _col_ref(key: TableKey, col: str) -> Ref:
    return ("column", (key[0], key[1], col))


def _key_ref(schema: str | None, table: str, columns: Iterable[str]) -> Ref:
    """A key foreign keys can point at: its columns as a set, in sorted order
    (PostgreSQL matches a foreign key to a primary key or unique in any column order)."""
    return ("referenced", (schema, table, tuple(sorted(columns))))


def _relname(schema: str | None, name: str) -> Ref:
    """A name in the schema-wide namespace of tables, indexes and index-backed keys."""
    return ("relname", (schema, name.lower()))


def _fmt_value(v: Any) -> str:
    if isinstance(v, FrozenMap):
        return repr(v.as_dict())
    return repr(v)


def _fmt_key(key_cols: tuple[str, ...], key: tuple[Any, ...]) -> str:
    return "(" + ", ".join(key_cols) + ")=(" + ", ".join(_fmt_value(v) for v in key) + ")"


def _sk(v: Any) -> str:
    """A stable string for sort keys (no hash- or id-dependent text)."""
    if isinstance(v, tuple):
        return "(" + ",".join(_sk(x) for x in v) + ")"
    if v is None:
        return "\x00"
    return f"{type(v).__name__}:{v}"


def _table_of(snapshot: Snapshot, key: TableKey) -> Table:
    t = snapshot.get_table(key)
    if t is None:
        raise ApplyError(f"no table {_t(key)!r} in snapshot {snapshot.release!r}")
    return t


def _edit_table(snapshot: Snapshot, key: TableKey, fn: Callable[[Table], Table]) -> Snapshot:
    t = _table_of(snapshot, key)
    return snapshot.replace_table(fn(t), old_key=key)


def _edit_columns(table: Table, fn: Callable[[Column], Column], name: str) -> Table:
    if not table.has_column(name):
        raise ApplyError(f"{table.qualified_name} has no column {name!r}")
    cols = tuple(fn(c) if c.name == name else c for c in table.columns)
    return dataclasses.replace(table, columns=cols)


def _rename_in(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if n == old else n for n in names)


def _without(items: tuple, name: str, what: str, table: Table) -> tuple:
    if not any(o.name == name for o in items):
        raise ApplyError(f"{table.qualified_name} has no {what} {name!r}")
    return tuple(o for o in items if o.name != name)


def _with(items: tuple, obj: Any, what: str, table: Table) -> tuple:
    if any(o.name == obj.name for o in items):
        raise ApplyError(f"{table.qualified_name} already has {what} {obj.name!r}")
    return (*items, obj)


def _row_with(row: Row, changes: dict[str, Any], unset: Iterable[str] = ()) -> Row:
    d = dict(row)
    for c in unset:
        d.pop(c, None)
    d.update(changes)
    return FrozenMap(d)


def _strip_column(col: Column) -> Column:
    return dataclasses.replace(col, renamed_from=None, backfill=None)


def _col_desc(col: Column) -> str:
    text = col.type
    if not col.nullable:
        text += " NOT NULL"
    if col.server_default is not None:
        text += f" DEFAULT {col.server_default}"
    return text


def _cols(cols: tuple[str, ...]) -> str:
    return "(" + ", ".join(cols) + ")"


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    """Base class; every concrete operation is a frozen dataclass subclass."""

    kind: ClassVar[str] = "operation"
    #: ``+`` creates, ``-`` drops, ``~`` changes (Django's categories)
    category: ClassVar[str] = "~"
    phase: ClassVar[int] = PHASE_ALTER

    @property
    def risk(self) -> Risk:
        return Risk.SAFE

    @property
    def table_key(self) -> TableKey | None:  # overridden by a field on table ops
        return None

    def sort_name(self) -> str:
        """The name part of the sort key (object name); override per op."""
        return ""

    def sort_key(self) -> tuple[str, ...]:
        """``(phase, table, kind, name)`` as strings, for a deterministic topological sort."""
        tk = self.table_key
        table = f"{tk[0] or ''}.{tk[1]}" if tk else ""
        return (f"{self.phase:02d}", table, self.kind, self.sort_name())

    def describe(self) -> str:
        raise NotImplementedError

    def reverse(self) -> Operation:
        raise IrreversibleError(f"operation is not reversible: {self.describe()}")

    def needs(self) -> frozenset[Ref]:
        return frozenset()

    def gives(self) -> frozenset[Ref]:
        return frozenset()

    def removes(self) -> frozenset[Ref]:
        return frozenset()

    def after_removed(self) -> frozenset[Ref]:
        """Refs whose removers run before this op (it must not see them)."""
        return frozenset()

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe()


def _table_refs(table: Table) -> set[Ref]:
    """Everything a table carries (what creating/dropping it gives/removes)."""
    s, n = table.key
    refs: set[Ref] = {("table", table.key), _relname(s, n)}
    refs |= {("column", (s, n, c.name)) for c in table.columns}
    if table.primary_key and table.primary_key.columns:
        refs.add(("primary_key", table.key))
        refs.add(_key_ref(s, n, table.primary_key.columns))
        if table.primary_key.name:
            refs.add(("constraint", (s, n, table.primary_key.name)))
            refs.add(_relname(s, table.primary_key.name))
    for u in table.uniques:
        refs.add(("constraint", (s, n, u.name)))
        refs.add(_key_ref(s, n, u.columns))
        refs.add(_relname(s, u.name))
    for c in table.checks:
        refs.add(("constraint", (s, n, c.name)))
    for i in table.indexes:
        refs.add(("index", (s, n, i.name)))
        refs.add(_relname(s, i.name))
        if i.unique and not i.where:
            refs.add(_key_ref(s, n, i.columns))
    for fk in table.foreign_keys:
        refs.add(("constraint", (s, n, fk.name)))
    return refs


def _enum_refs(columns: Iterable[Column]) -> set[Ref]:
    return {("enum", e) for c in columns for e in enums_of_type(c.type)}


def _dropped_enum_refs(columns: Iterable[Column]) -> set[Ref]:
    """What dropping ``columns`` needs: their enums, as these columns hold them
    (``enum_old_columns``: before a :class:`RebuildEnum`, which converts only the columns
    that keep the type; a column of the old type would keep PostgreSQL from dropping it,
    and its rows may hold a value the rebuild removes)."""
    refs = _enum_refs(columns)
    return refs | {("enum_old_columns", key) for _, key in refs}


def _made_enum_refs(columns: Iterable[Column]) -> set[Ref]:
    """What making ``columns`` needs: their enums with their final values
    (``enum_new_columns``: after the :class:`AddEnumValue` and :class:`RebuildEnum` ops of
    the enum, which convert only the columns that had the type; MariaDB and SQLite write
    the values into each column)."""
    refs = _enum_refs(columns)
    return refs | {("enum_new_columns", key) for _, key in refs}


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
        refs = {("table", self.table.key)} | _dropped_enum_refs(self.table.columns)
        for fk in self.table.foreign_keys:
            refs |= _fk_needs(self.table.key, fk)
        own = _table_refs(self.table)
        return frozenset(r for r in refs if r == ("table", self.table.key) or r not in own)

    def removes(self) -> frozenset[Ref]:
        refs = _table_refs(self.table)
        refs.add(("rows", self.table.key))
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
        refs: set[Ref] = {("table", self.old_key)}
        refs |= {("constraint", (s, n, a)) for a, _ in self.constraint_renames}
        refs |= {("index", (s, n, a)) for a, _ in self.index_renames}
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        s, n = self.new_key
        refs: set[Ref] = {("table", self.new_key), _relname(s, n)}
        refs |= {("constraint", (s, n, b)) for _, b in self.constraint_renames}
        refs |= {("index", (s, n, b)) for _, b in self.index_renames}
        pairs = (
            *self.constraint_renames,
            *self.index_renames,
            *((self.default_pkey,) if self.default_pkey else ()),
        )
        refs |= {_relname(s, b) for _, b in pairs}
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        s, n = self.old_key
        refs: set[Ref] = {("table", self.old_key), _relname(s, n)}
        refs |= {("constraint", (s, n, a)) for a, _ in self.constraint_renames}
        refs |= {("index", (s, n, a)) for a, _ in self.index_renames}
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
        return frozenset({("table", self.table_key)})

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
        refs: set[Ref] = {("table", self.table_key)} | _made_enum_refs((self.column,))
        if self.after is not None:
            refs.add(_col_ref(self.table_key, self.after))
        return frozenset(refs)

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
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_COLUMN
    table_key: TableKey
    column: Column
    after: str | None = None

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    def sort_name(self) -> str:
        return self.column.name

    def describe(self) -> str:
        return f"Drop column {_t(self.table_key)}.{self.column.name}"

    def reverse(self) -> Operation:
        return AddColumn(table_key=self.table_key, column=self.column, after=self.after)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {("table", self.table_key), _col_ref(self.table_key, self.column.name)}
            | _dropped_enum_refs((self.column,))
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
        return frozenset({("table", self.table_key), _col_ref(self.table_key, self.old)})

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
                    dataclasses.replace(i, columns=_rename_in(i.columns, old, new))
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
    phase: ClassVar[int] = PHASE_ALTER
    table_key: TableKey
    column: str
    old_type: str
    new_type: str
    existing_nullable: bool = True
    existing_server_default: str | None = None
    existing_comment: str | None = None

    @property
    def risk(self) -> Risk:
        return Risk.LOCKS if is_widening(self.old_type, self.new_type) else Risk.DATA

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        return f"Alter column {_t(self.table_key)}.{self.column} type {self.old_type} -> {self.new_type}"

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old_type=self.new_type, new_type=self.old_type)

    def needs(self) -> frozenset[Ref]:
        refs = {("table", self.table_key), _col_ref(self.table_key, self.column)}
        old, new = set(enums_of_type(self.old_type)), set(enums_of_type(self.new_type))
        refs |= {("enum", e) for e in old | new}
        # a column leaving an enum goes before the enum is rebuilt, one joining it after
        refs |= {("enum_old_columns", e) for e in old - new}
        refs |= {("enum_new_columns", e) for e in new - old}
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
        refs = {("table", self.table_key), _col_ref(self.table_key, self.column)}
        if not self.nullable:
            refs.add(("filled", (self.table_key[0], self.table_key[1], self.column)))
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
        return frozenset({("table", self.table_key), _col_ref(self.table_key, self.column)})

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
        return frozenset({("table", self.table_key), _col_ref(self.table_key, self.column)})

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
    phase: ClassVar[int] = PHASE_ROWS
    table_key: TableKey
    column: str
    sql: str

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    def sort_name(self) -> str:
        return self.column

    def describe(self) -> str:
        return f"Backfill {_t(self.table_key)}.{self.column} where NULL with {self.sql}"

    def needs(self) -> frozenset[Ref]:
        return frozenset({("table", self.table_key), _col_ref(self.table_key, self.column)})

    def gives(self) -> frozenset[Ref]:
        return frozenset({("filled", (self.table_key[0], self.table_key[1], self.column))})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        t = _table_of(snapshot, self.table_key)
        if not t.has_column(self.column):
            raise ApplyError(f"{t.qualified_name} has no column {self.column!r}")
        return snapshot


# --------------------------------------------------------------------------- indexes


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateIndex(Operation):
    kind: ClassVar[str] = "create_index"
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
        w = f" WHERE {self.index.where}" if self.index.where else ""
        return f"Create {u}index {self.index.name} on {_t(self.table_key)} {_cols(self.index.columns)}{w}"

    def reverse(self) -> Operation:
        return DropIndex(table_key=self.table_key, index=self.index)

    def needs(self) -> frozenset[Ref]:
        return frozenset(
            {("table", self.table_key)} | {_col_ref(self.table_key, c) for c in self.index.columns}
        )

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {("index", (s, n, self.index.name)), _relname(s, self.index.name)}
        if self.index.unique and not self.index.where:
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
            {("table", self.table_key), ("index", (s, n, self.index.name))}
            | {_col_ref(self.table_key, c) for c in self.index.columns}
        )

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {("index", (s, n, self.index.name)), _relname(s, self.index.name)}
        if self.index.unique and not self.index.where:
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
        return frozenset({("table", self.table_key), ("index", (s, n, self.old))})

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({("index", (s, n, self.new)), _relname(s, self.new)})

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({("index", (s, n, self.old)), _relname(s, self.old)})

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
            {("table", self.table_key)}
            | {_col_ref(self.table_key, c) for c in self.primary_key.columns}
        )

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {("primary_key", self.table_key), _key_ref(s, n, self.primary_key.columns)}
        if self.primary_key.name:
            refs.add(("constraint", (s, n, self.primary_key.name)))
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
            {("table", self.table_key), ("primary_key", self.table_key)}
            | {_col_ref(self.table_key, c) for c in self.primary_key.columns}
        )

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {("primary_key", self.table_key), _key_ref(s, n, self.primary_key.columns)}
        if self.primary_key.name:
            refs.add(("constraint", (s, n, self.primary_key.name)))
            refs.add(_relname(s, self.primary_key.name))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(t: Table) -> Table:
            if t.primary_key is None or not t.primary_key.columns:
                raise ApplyError(f"{t.qualified_name} has no primary key")
            return dataclasses.replace(t, primary_key=None)

        return _edit_table(snapshot, self.table_key, edit)


def _fk_desc(fk: ForeignKey) -> str:
    ref = _t(fk.ref_key)
    text = f"{_cols(fk.columns)} -> {ref} {_cols(fk.ref_columns)}"
    if fk.ondelete:
        text += f" ON DELETE {fk.ondelete}"
    if fk.onupdate:
        text += f" ON UPDATE {fk.onupdate}"
    return text


def _fk_needs(table_key: TableKey, fk: ForeignKey) -> set[Ref]:
    """What a foreign key on ``table_key`` needs: both tables, its columns and the key
    it references."""
    rs, rt = fk.ref_key
    refs: set[Ref] = {("table", table_key), ("table", fk.ref_key)}
    refs |= {_col_ref(table_key, c) for c in fk.columns}
    refs |= {("column", (rs, rt, c)) for c in fk.ref_columns}
    refs.add(_key_ref(rs, rt, fk.ref_columns))
    return refs


@dataclass(frozen=True, slots=True, kw_only=True)
class AddForeignKey(Operation):
    kind: ClassVar[str] = "add_foreign_key"
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
        return frozenset({("constraint", (self.table_key[0], self.table_key[1], self.fk.name))})

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
        refs: set[Ref] = {("table", self.table_key), ("table", self.fk.ref_key)}
        refs.add(("constraint", (self.table_key[0], self.table_key[1], self.fk.name)))
        refs |= {_col_ref(self.table_key, c) for c in self.fk.columns}
        refs |= {("column", (rs, rt, c)) for c in self.fk.ref_columns}
        refs.add(_key_ref(rs, rt, self.fk.ref_columns))
        refs |= set(self.uses)
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        return frozenset({("constraint", (self.table_key[0], self.table_key[1], self.fk.name))})

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
            {("table", self.table_key)} | {_col_ref(self.table_key, c) for c in self.unique.columns}
        )

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {
                ("constraint", (s, n, self.unique.name)),
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
            {("table", self.table_key), ("constraint", (s, n, self.unique.name))}
            | {_col_ref(self.table_key, c) for c in self.unique.columns}
        )

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset(
            {
                ("constraint", (s, n, self.unique.name)),
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
            {("table", self.table_key)} | {_col_ref(self.table_key, c) for c in self.columns}
        )

    def gives(self) -> frozenset[Ref]:
        return frozenset({("constraint", (self.table_key[0], self.table_key[1], self.check.name))})

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
            {("table", self.table_key), ("constraint", (s, n, self.check.name))}
            | {_col_ref(self.table_key, c) for c in self.columns}
        )

    def removes(self) -> frozenset[Ref]:
        return frozenset({("constraint", (self.table_key[0], self.table_key[1], self.check.name))})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_table(
            snapshot,
            self.table_key,
            lambda t: dataclasses.replace(
                t, checks=_without(t.checks, self.check.name, "check constraint", t)
            ),
        )


#: ``RenameConstraint.constraint_type`` values
CONSTRAINT_TYPES = ("primary_key", "foreign_key", "unique", "check")


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
        return frozenset({("table", self.table_key), ("constraint", (s, n, self.old))})

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {("constraint", (s, n, self.new))}
        if self.constraint_type in ("primary_key", "unique"):
            refs.add(_relname(s, self.new))
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs: set[Ref] = {("constraint", (s, n, self.old))}
        if self.constraint_type in ("primary_key", "unique"):
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


# --------------------------------------------------------------------------- enums


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateEnum(Operation):
    kind: ClassVar[str] = "create_enum"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_ENUM
    enum: Enum

    def sort_name(self) -> str:
        return self.enum.name

    def describe(self) -> str:
        return f"Create enum {self.enum.name} ({', '.join(self.enum.values)})"

    def reverse(self) -> Operation:
        return DropEnum(enum=self.enum)

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {("enum", self.enum.name)}
            | {("enum_value", (self.enum.name, v)) for v in self.enum.values}
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

    def describe(self) -> str:
        return f"Drop enum {self.enum.name}"

    def reverse(self) -> Operation:
        return CreateEnum(enum=self.enum)

    def needs(self) -> frozenset[Ref]:
        return frozenset({("enum", self.enum.name)})

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {("enum", self.enum.name)}
            | {("enum_value", (self.enum.name, v)) for v in self.enum.values}
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
        refs: set[Ref] = {("enum", self.enum_name)}
        for v in (self.before, self.after):
            if v is not None:
                refs.add(("enum_value", (self.enum_name, v)))
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {("enum_value", (self.enum_name, self.value)), ("enum_new_columns", self.enum_name)}
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
        return snapshot.replace_enum(Enum(name=self.enum_name, values=op.new_values))


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

    def describe(self) -> str:
        text = f"Rebuild enum {self.enum_name} ({', '.join(self.old_values)}) -> ({', '.join(self.new_values)})"
        if self.columns:
            text += " converting " + ", ".join(f"{_t((s, t))}.{c}" for s, t, c in self.columns)
        return text

    def reverse(self) -> Operation:
        return dataclasses.replace(self, old_values=self.new_values, new_values=self.old_values)

    def needs(self) -> frozenset[Ref]:
        return frozenset({("enum", self.enum_name)} | {("column", c) for c in self.columns})

    def gives(self) -> frozenset[Ref]:
        return frozenset(
            {
                ("enum_value", (self.enum_name, v))
                for v in self.new_values
                if v not in self.old_values
            }
            | {("enum_new_columns", self.enum_name)}
        )

    def removes(self) -> frozenset[Ref]:
        return frozenset(
            {("enum_value", (self.enum_name, v)) for v in self.removed_values}
            | {("enum_old_columns", self.enum_name)}
        )

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if self.enum_name not in snapshot.enums_by_name():
            raise ApplyError(f"no enum {self.enum_name!r}")
        return snapshot.replace_enum(Enum(name=self.enum_name, values=self.new_values))


# --------------------------------------------------------------------------- rows


def _row_refs(table_key: TableKey, keys: Iterable[tuple[Any, ...]]) -> set[Ref]:
    return {("row", (table_key[0], table_key[1], k)) for k in keys}


@dataclass(frozen=True, slots=True, kw_only=True)
class InsertRows(Operation):
    """Insert managed rows (in order: parents first within a self-referencing table).

    ``key``: the row set's key columns. ``order``: the keys of every declared row of
    the table in declared order after the plan (places the rows in the snapshot).
    ``parents``: ``("row", …)`` refs of rows in other tables (or not inserted here)
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
    #: ``("unique_value", (schema, table, columns, values))``: values of a key or unique
    #: these rows share with rows a :class:`DeleteRows` removes (inserted after it)
    unique_values: tuple[Ref, ...] = ()

    def keys(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(dict(r).get(c) for c in self.key) for r in self.rows)

    def columns(self) -> tuple[str, ...]:
        return tuple(sorted({c for r in self.rows for c, _ in r}))

    def sort_name(self) -> str:
        return ""

    def describe(self) -> str:
        n = len(self.rows)
        keys = ", ".join(_fmt_key(self.key, k) for k in self.keys())
        return f"Insert {n} row{'s' if n != 1 else ''} into {_t(self.table_key)}: {keys}"

    def reverse(self) -> Operation:
        return DeleteRows(
            table_key=self.table_key,
            key=self.key,
            rows=tuple(reversed(self.rows)),
            parents=self.parents,
            enum_values=self.enum_values,
            unique_values=self.unique_values,
        )

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {("table", self.table_key)}
        refs |= {_col_ref(self.table_key, c) for c in self.columns()}
        refs |= set(self.parents)
        refs |= {("enum_value", ev) for ev in self.enum_values}
        return frozenset(refs)

    def after_removed(self) -> frozenset[Ref]:
        refs = {_col_ref(self.table_key, c) for c in self.after_dropped}
        return frozenset(refs | set(self.unique_values))

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        refs = _row_refs(self.table_key, self.keys()) | {("rows", self.table_key)}
        refs |= {("filled", (s, n, c)) for c in self.columns()}
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
            return dataclasses.replace(t, rows=RowSet(key=self.key, rows=tuple(rows)))

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

    @property
    def risk(self) -> Risk:
        return Risk.DATA

    def sort_name(self) -> str:
        return _sk(self.key)

    def describe(self) -> str:
        old = dict(self.old)
        changes = ", ".join(f"{c} {_fmt_value(old.get(c))} -> {_fmt_value(v)}" for c, v in self.new)
        return f"Update row {_t(self.table_key)} {_fmt_key(self.key_columns, self.key)}: {changes}"

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
            ("table", self.table_key),
            ("row", (self.table_key[0], self.table_key[1], self.key)),
        }
        refs |= {_col_ref(self.table_key, c) for c, _ in self.new}
        refs |= set(self.parents) | set(self.old_parents)
        refs |= {("enum_value", ev) for ev in (*self.enum_values, *self.old_enum_values)}
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        s, n = self.table_key
        return frozenset({("filled", (s, n, c)) for c, _ in self.new})

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

    ``parents``: ``("row", …)`` refs of rows the deleted rows reference (deleted after).
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

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    def keys(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(dict(r).get(c) for c in self.key) for r in self.rows)

    def describe(self) -> str:
        n = len(self.rows)
        keys = ", ".join(_fmt_key(self.key, k) for k in self.keys())
        return f"Delete {n} row{'s' if n != 1 else ''} from {_t(self.table_key)}: {keys}"

    def reverse(self) -> Operation:
        return InsertRows(
            table_key=self.table_key,
            key=self.key,
            rows=tuple(reversed(self.rows)),
            parents=self.parents,
            enum_values=self.enum_values,
            unique_values=self.unique_values,
        )

    def needs(self) -> frozenset[Ref]:
        refs: set[Ref] = {("table", self.table_key)} | _row_refs(self.table_key, self.keys())
        refs |= set(self.parents)
        refs |= {("enum_value", ev) for ev in self.enum_values}
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
            return dataclasses.replace(
                t, rows=dataclasses.replace(t.rows, rows=rows) if rows else None
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
