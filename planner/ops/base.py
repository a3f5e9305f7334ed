"""The operations' base: ``Ref``, risk classes, phases, errors, the shared helpers and
:class:`Operation` (see :mod:`planner.ops`)."""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from planner.state.errors import DbplanError
from planner.state.model import (
    Column,
    ForeignKey,
    FrozenMap,
    Row,
    Snapshot,
    Table,
    TableKey,
    table_key_str,
)
from planner.state.typespec import ENUM_ARG, unquote_enum


class RefKind(enum.StrEnum):
    """What a :data:`Ref` names; its key is described on each member. A member equals
    its string value, so refs sort and hash as the plain strings did."""

    #: ``(schema, name)``
    TABLE = "table"
    #: ``(schema, table, column)``
    COLUMN = "column"
    #: an enum's name
    ENUM = "enum"
    #: ``(name, value)``: one label of an enum
    ENUM_VALUE = "enum_value"
    #: an enum's name: the enum as the columns dropped around its value changes hold it
    ENUM_OLD_COLUMNS = "enum_old_columns"
    #: an enum's name: the enum as the columns made around its value changes hold it
    ENUM_NEW_COLUMNS = "enum_new_columns"
    #: ``(schema, table, name)``: a foreign key, unique or check
    CONSTRAINT = "constraint"
    #: ``(schema, table)``
    PRIMARY_KEY = "primary_key"
    #: ``(schema, table, name)``
    INDEX = "index"
    #: ``(schema, table, columns)``: a PK/unique key foreign keys can point at (the
    #: columns sorted, as a set)
    REFERENCED = "referenced"
    #: ``(schema, table)``: a table's managed rows
    ROWS = "rows"
    #: ``(schema, table, key)``: one managed row
    ROW = "row"
    #: ``(schema, table, columns, values)``: values of a key or unique
    UNIQUE_VALUE = "unique_value"
    #: ``(schema, table, column)``: a column given values for existing rows
    FILLED = "filled"
    #: ``(schema, name)``: a name in a schema-wide namespace (tables, indexes, primary keys
    #: and uniques share one on PostgreSQL; index names are database-wide on SQLite),
    #: lower-cased (SQLite compares names without case)
    RELNAME = "relname"
    #: ``(schema, name)``: a view or materialized view
    VIEW = "view"
    #: ``(schema, name)``: a partition detached from its parent, to attach again
    PARTITION = "partition"


#: ``(kind, key)``: what an operation needs, gives or removes (see :class:`RefKind`)
Ref = tuple[RefKind, Any]


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

_ENUM_RE = re.compile(rf"\bEnum\(\s*({ENUM_ARG})")


def enums_of_type(type_: str) -> tuple[str, ...]:
    """Names of the named enums a type expression uses.

    Example:
        >>> enums_of_type("postgresql.ARRAY(Enum(event_level))")
        ('event_level',)
    """
    return tuple(dict.fromkeys(unquote_enum(a) for a in _ENUM_RE.findall(type_ or "")))


def _t(key: TableKey) -> str:
    return table_key_str(key)


def _col_ref(key: TableKey, col: str) -> Ref:
    return (RefKind.COLUMN, (key[0], key[1], col))


def _key_ref(schema: str | None, table: str, columns: Iterable[str]) -> Ref:
    """A key foreign keys can point at: its columns as a set, in sorted order
    (PostgreSQL matches a foreign key to a primary key or unique in any column order)."""
    return (RefKind.REFERENCED, (schema, table, tuple(sorted(columns))))


def _relname(schema: str | None, name: str) -> Ref:
    """A name in the schema-wide namespace of tables, indexes and index-backed keys."""
    return (RefKind.RELNAME, (schema, name.lower()))


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
    return dataclasses.replace(
        col, renamed_from=None, backfill=None, using=(), backfill_dialects=()
    )


def _col_desc(col: Column) -> str:
    text = col.type
    if not col.nullable:
        text += " NOT NULL"
    if col.server_default is not None:
        text += f" DEFAULT {col.server_default}"
    if col.on_update is not None:
        text += f" ON UPDATE {col.on_update}"
    if col.identity is not None:
        text += " GENERATED " + ("ALWAYS" if col.identity == "always" else "BY DEFAULT")
        text += " AS IDENTITY"
    if col.generated is not None:
        stored = "STORED" if col.generated.stored else "VIRTUAL"
        text += f" GENERATED ALWAYS AS ({col.generated.expression}) {stored}"
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

    #: the field holding what the op makes, changes or drops inside its table (``fk``,
    #: ``index``, ``unique``, ``check``, ``primary_key`` or ``column``); None: the table
    #: (or enum) itself. :attr:`subject` and :meth:`label` read it.
    subject_field: ClassVar[str | None] = None

    @property
    def subject(self) -> Any:
        """The object :attr:`subject_field` names (None for a whole table or enum)."""
        return getattr(self, self.subject_field) if self.subject_field else None

    def where(self) -> str:
        """The table the op acts on as a person reads it (enum ops: the enum)."""
        tk = self.table_key
        return table_key_str(tk) if tk else ""

    def label(self) -> str:
        """A short name for the op in an edge reason (the object it makes or changes).

        Example:
            >>> from planner.ops import AddColumn, DropTable
            >>> from planner.state.model import Column, Table
            >>> DropTable(table=Table(name="sites")).label()
            'drop table sites'
            >>> AddColumn(table_key=(None, "sites"), column=Column(name="code", type="Text")).label()
            'add column sites.code'
        """
        verb = self.kind.replace("_", " ")
        subject = self.subject
        if self.subject_field == "column":
            column = subject if isinstance(subject, str) else subject.name
            return f"{verb} {self.where()}.{column}"
        name = getattr(subject, "name", None)
        if name:
            made = self.category == "+" and self.subject_field != "primary_key"
            return name if made else f"{verb} {name}"
        return f"{verb} {self.where()}".rstrip()

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
    refs: set[Ref] = {(RefKind.TABLE, table.key), _relname(s, n)}
    refs |= {(RefKind.COLUMN, (s, n, c.name)) for c in table.columns}
    if table.primary_key and table.primary_key.columns:
        refs.add((RefKind.PRIMARY_KEY, table.key))
        refs.add(_key_ref(s, n, table.primary_key.columns))
        if table.primary_key.name:
            refs.add((RefKind.CONSTRAINT, (s, n, table.primary_key.name)))
            refs.add(_relname(s, table.primary_key.name))
    for u in table.uniques:
        refs.add((RefKind.CONSTRAINT, (s, n, u.name)))
        refs.add(_key_ref(s, n, u.columns))
        refs.add(_relname(s, u.name))
    for c in table.checks:
        refs.add((RefKind.CONSTRAINT, (s, n, c.name)))
    for i in table.indexes:
        refs.add((RefKind.INDEX, (s, n, i.name)))
        refs.add(_relname(s, i.name))
        if i.unique and not i.where and not any(e.expression for e in i.elements):
            refs.add(_key_ref(s, n, i.columns))
    for fk in table.foreign_keys:
        refs.add((RefKind.CONSTRAINT, (s, n, fk.name)))
    return refs


def _enum_refs(columns: Iterable[Column]) -> set[Ref]:
    return {(RefKind.ENUM, e) for c in columns for e in enums_of_type(c.type)}


def _dropped_enum_refs(columns: Iterable[Column]) -> set[Ref]:
    """What dropping ``columns`` needs: their enums, as these columns hold them
    (``enum_old_columns``: before a :class:`RebuildEnum`, which converts only the columns
    that keep the type; a column of the old type would keep PostgreSQL from dropping it,
    and its rows may hold a value the rebuild removes)."""
    refs = _enum_refs(columns)
    return refs | {(RefKind.ENUM_OLD_COLUMNS, key) for _, key in refs}


def _made_enum_refs(columns: Iterable[Column]) -> set[Ref]:
    """What making ``columns`` needs: their enums with their final values
    (``enum_new_columns``: after the :class:`AddEnumValue` and :class:`RebuildEnum` ops of
    the enum, which convert only the columns that had the type; MariaDB and SQLite write
    the values into each column)."""
    refs = _enum_refs(columns)
    return refs | {(RefKind.ENUM_NEW_COLUMNS, key) for _, key in refs}


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
    refs: set[Ref] = {(RefKind.TABLE, table_key), (RefKind.TABLE, fk.ref_key)}
    refs |= {_col_ref(table_key, c) for c in fk.columns}
    refs |= {(RefKind.COLUMN, (rs, rt, c)) for c in fk.ref_columns}
    refs.add(_key_ref(rs, rt, fk.ref_columns))
    return refs
