"""The snapshot model: frozen dataclasses describing the whole database of one release.

The model knows nothing of planning, YAML or SQLAlchemy. Collections are tuples: columns
keep their declared order (it is part of the state); every other collection is sorted by
name, so two equal states compare equal and dump to the same bytes.

Migration hints (``renamed_from`` on tables and columns, ``backfill`` on columns) are
carried for the one release that needs them but are *not part of the state*: they are
excluded from equality (``compare=False``).

Row values are frozen: JSON objects become :class:`FrozenMap`, JSON arrays tuples, so a
snapshot is hashable. ``thaw`` converts back to plain ``dict``/``list``.

Example:
    >>> col = Column(name="id", type="Integer", nullable=False)
    >>> t = Table(name="units", columns=(col,), primary_key=PrimaryKey(columns=("id",)))
    >>> s = Snapshot(release="0.1.0", tables=(t,))
    >>> s.table("units").column("id").type
    'Integer'
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.dialects.base import PRIMARY
from planner.state.pg_objects import (
    Extension,
    Schema,
    Sequence,
    sort_extensions,
    sort_schemas,
    sort_sequences,
)
from planner.state.pg_types import (
    Collation,
    CompositeType,
    Domain,
    sort_collations,
    sort_domains,
    sort_types,
)
from planner.state.policies import Policy, sort_policies

FORMAT_VERSION = 1

#: (schema, name); schema is None for the default schema.
TableKey = tuple[str | None, str]
#: (schema, table, column)
ColumnKey = tuple[str | None, str, str]

#: The keys of SQLAlchemy's ``naming_convention`` that the format accepts.
NAMING_CONVENTION_KEYS = ("ix", "uq", "ck", "fk", "pk")

FK_ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")


class FrozenMap(tuple):
    """An immutable, hashable JSON object: a tuple of ``(key, value)`` pairs sorted by key."""

    __slots__ = ()

    def __new__(cls, items: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()):
        pairs = items.items() if isinstance(items, Mapping) else items
        return super().__new__(cls, sorted(((str(k), freeze(v)) for k, v in pairs)))

    def as_dict(self) -> dict[str, Any]:
        return {k: thaw(v) for k, v in self}

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self)!r})"


def freeze(value: Any) -> Any:
    """Return a hashable, immutable equivalent of a YAML/JSON value."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Inverse of :func:`freeze`: plain dicts and lists."""
    if isinstance(value, FrozenMap):
        return value.as_dict()
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def table_key_str(key: TableKey) -> str:
    """``(None, 'sites') -> 'sites'``, ``('ops', 'sites') -> 'ops.sites'``."""
    schema, name = key
    return f"{schema}.{name}" if schema else name


#: the values of :attr:`Column.identity` (PostgreSQL ``GENERATED ALWAYS | BY DEFAULT AS
#: IDENTITY``)
IDENTITY_KINDS = ("always", "by_default")

#: the values of ``deferrable`` on a key, unique or foreign key (PostgreSQL ``DEFERRABLE
#: INITIALLY IMMEDIATE | DEFERRED``); absent: NOT DEFERRABLE
DEFERRABLE_KINDS = ("immediate", "deferred")


@dataclass(frozen=True, slots=True, kw_only=True)
class Generated:
    """A generated column's expression (SQL text) and whether it is stored (``STORED`` /
    MariaDB ``PERSISTENT``) or computed when read (``VIRTUAL``)."""

    expression: str
    stored: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    name: str
    #: canonical type expression, see :mod:`planner.state.coltypes` (``String(80)``)
    type: str
    nullable: bool = True
    #: None = SQLAlchemy's "auto"; True/False = explicit
    autoincrement: bool | None = None
    #: SQL text, e.g. ``now()`` or ``'info'``
    server_default: str | None = None
    #: SQL text the database sets the column to on every UPDATE of its row (MariaDB/MySQL
    #: ``ON UPDATE current_timestamp()``); None: none
    on_update: str | None = None
    comment: str | None = None
    renamed_from: str | None = field(default=None, compare=False)
    backfill: str | None = field(default=None, compare=False)
    #: ``always`` / ``by_default``: an identity column (PostgreSQL), None: not one
    identity: str | None = None
    #: the column's generation expression, None: an ordinary column
    generated: Generated | None = None
    #: the column's own collation (``COLLATE``), None: its type's default (the table's
    #: on MariaDB); see :mod:`planner.state.collations`
    collation: str | None = None
    #: hint of a type change: SQL converting the old value, ``(dialect, sql)`` pairs
    #: (dialect ``*`` for every database); see :mod:`planner.state.steps_yaml`
    using: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    #: ``backfill`` per dialect, ``(dialect, sql)`` pairs (then ``backfill`` is None)
    backfill_dialects: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def ddl_default(self) -> str | None:
        """The server default as SQLAlchemy writes it: with ``ON UPDATE <on_update>``."""
        from planner.dialects.mysql_on_update import joined

        return joined(self.server_default, self.on_update)

    @property
    def fills(self) -> bool:
        """The column has a backfill hint (portable or per dialect)."""
        return bool(self.backfill or self.backfill_dialects)


@dataclass(frozen=True, slots=True, kw_only=True)
class PrimaryKey:
    #: None = the dialect's default name (``<table>_pkey`` on PostgreSQL)
    name: str | None = None
    columns: tuple[str, ...] = ()
    #: ``immediate`` / ``deferred``: DEFERRABLE INITIALLY ... (PostgreSQL); None: not
    deferrable: str | None = None
    #: ``COMMENT ON CONSTRAINT`` (PostgreSQL); None: no comment
    comment: str | None = None
    #: ``COMMENT ON INDEX`` of the index backing it (PostgreSQL); None: no comment
    index_comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str | None = None
    ondelete: str | None = None
    onupdate: str | None = None
    #: ``immediate`` / ``deferred``: DEFERRABLE INITIALLY ... (PostgreSQL); None: not
    deferrable: str | None = None
    #: ``COMMENT ON CONSTRAINT`` (PostgreSQL); None: no comment
    comment: str | None = None

    @property
    def ref_key(self) -> TableKey:
        return (self.ref_schema, self.ref_table)


@dataclass(frozen=True, slots=True, kw_only=True)
class Unique:
    name: str
    columns: tuple[str, ...]
    #: ``immediate`` / ``deferred``: DEFERRABLE INITIALLY ... (PostgreSQL); None: not
    deferrable: str | None = None
    #: ``COMMENT ON CONSTRAINT`` (PostgreSQL); None: no comment
    comment: str | None = None
    #: ``COMMENT ON INDEX`` of the index backing it (PostgreSQL); None: no comment
    index_comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    name: str
    sqltext: str
    #: ``COMMENT ON CONSTRAINT`` (PostgreSQL); None: no comment
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool = False
    #: PostgreSQL partial index predicate (SQL text)
    where: str | None = None
    #: PostgreSQL index method (``gin``, ``gist``, ``brin``, ``hash``, ``spgist``);
    #: None: the default (btree)
    using: str | None = None
    #: PostgreSQL ``INCLUDE`` columns (stored in the index, not part of its key)
    include: tuple[str, ...] = ()
    #: PostgreSQL ``COMMENT ON INDEX``; None: no comment
    comment: str | None = None
    #: PostgreSQL key elements, when one is more than a column name (an expression, an
    #: operator class, ``DESC``, ``NULLS``, ``COLLATE``); (): the key is ``columns``.
    #: With elements, ``columns`` names the columns they read (dependencies, checks)
    elements: tuple[IndexElement, ...] = ()
    #: PostgreSQL storage parameters (``WITH (fillfactor = 70)``): (name, value), sorted
    storage: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexElement:
    """One key element of a PostgreSQL index: a ``column`` or an SQL ``expression``,
    its ``collate``, operator class (``opclass``; None: the type's default), ``order``
    (``desc``; None: ascending) and ``nulls`` (``first`` / ``last``; None: the order's
    default, last ascending and first descending)."""

    column: str | None = None
    expression: str | None = None
    collate: str | None = None
    opclass: str | None = None
    order: str | None = None
    nulls: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Enum:
    name: str
    values: tuple[str, ...]
    #: the schema of the type (PostgreSQL); None: the default schema. Enum names are
    #: unique across schemas (columns name an enum by its name: ``Enum(mood)``)
    schema: str | None = None
    #: ``(old, new)`` value renames of the release that renames them (rows keep their
    #: value under its new label): a migration hint, like ``renamed_from``
    renamed_values: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    #: ``COMMENT ON TYPE`` (PostgreSQL); None: no comment
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExclusionElement:
    """One element of an exclusion constraint: a ``column`` or an SQL ``expression``,
    and the ``operator`` rows must not share (``room WITH =``)."""

    operator: str
    column: str | None = None
    expression: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Exclusion:
    """A PostgreSQL exclusion constraint: ``EXCLUDE USING <using> (<elements>) WHERE``."""

    name: str
    elements: tuple[ExclusionElement, ...]
    using: str = "gist"
    #: the partial constraint's predicate (SQL text)
    where: str | None = None
    #: ``COMMENT ON CONSTRAINT`` (PostgreSQL); None: no comment
    comment: str | None = None
    #: ``COMMENT ON INDEX`` of the index backing it (PostgreSQL); None: no comment
    index_comment: str | None = None


#: One managed row: ``(column, value)`` pairs sorted by column; values frozen.
Row = FrozenMap

#: the row modes of ``rows.mode`` (docs/snapshot-format.md#rows), the default first
ROW_MODES = ("managed", "seed", "sync")


@dataclass(frozen=True, slots=True, kw_only=True)
class RowSet:
    """Managed default rows of a table, identified by the natural ``key`` columns."""

    key: tuple[str, ...]
    #: rows in declared order (insert order matters for self-references and serials)
    rows: tuple[Row, ...] = ()
    #: one of :data:`ROW_MODES`: ``managed`` (insert, update, delete the declared rows),
    #: ``seed`` (insert a declared row if its key is missing; never update or delete),
    #: ``sync`` (as managed, and delete the table's rows the snapshot does not declare)
    mode: str = "managed"

    def key_of(self, row: Row) -> tuple[Any, ...]:
        d = dict(row)
        return tuple(d.get(c) for c in self.key)

    def by_key(self) -> dict[tuple[Any, ...], Row]:
        return {self.key_of(r): r for r in self.rows}


@dataclass(frozen=True, slots=True, kw_only=True)
class Unmanaged:
    """An object of the database that dbplan does not model and leaves alone.

    ``kind`` is one of :data:`planner.state.inventory.KINDS` (``view``, ``trigger`` …);
    ``table`` names the table an object belongs to (a trigger, a policy), or the table
    whose property it is (``unlogged``). The snapshot's ``unmanaged`` section lists them;
    ``drift`` and ``verify`` compare the list with the database's inventory.
    """

    kind: str
    name: str
    schema: str | None = None
    table: str | None = None
    #: a digest of the object's definition as the catalog shows it (its text, settings
    #: or comment), None when unknown: ``drift`` / ``verify`` report an object whose
    #: digest changed. Not part of the object's identity (equality ignores it).
    fingerprint: str | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.schema or "", self.table or "", self.name)


def _unmanaged_order(u: Unmanaged) -> tuple:
    return (u.sort_key, u.fingerprint or "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Routine:
    """A programmable object dbplan manages by its SQL definition: a ``function`` or
    ``procedure`` (on PostgreSQL ``name`` with its argument types, ``touch()``) or a
    ``trigger`` on ``table``. ``definition`` is the statement that creates it, as the
    database spells it (``pg_get_functiondef`` / ``pg_get_triggerdef``, ``SHOW CREATE``,
    ``sqlite_master``), in the syntax of ``dialect`` (a canonical dialect name: the
    database it is for; the same object for two dialects is two entries)."""

    kind: str
    name: str
    definition: str
    schema: str | None = None
    table: str | None = None
    dialect: str = PRIMARY
    #: ``COMMENT ON FUNCTION / PROCEDURE / TRIGGER`` (PostgreSQL); None: no comment
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None, str, str]:
        return (self.kind, self.schema, self.table, self.name, self.dialect)

    @property
    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.schema or "", self.table or "", self.name, self.dialect)


@dataclass(frozen=True, slots=True, kw_only=True)
class ViewRead:
    """What a view reads: a ``table`` (or view) ``name`` in ``schema`` and the
    ``columns`` of it the view uses (empty: the whole relation, or not known), or an
    ``enum``. Captured from the catalog (PostgreSQL ``pg_depend``) or parsed from the
    definition; it orders the plan and is not part of the state."""

    kind: str
    name: str
    schema: str | None = None
    columns: tuple[str, ...] = ()

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.kind, self.schema or "", self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class View:
    """A view dbplan manages by its ``definition`` (the SELECT body, as the database
    normalises it): ``kind`` ``view`` or ``materialized_view`` (PostgreSQL, which may
    carry ``indexes``). ``reads`` (not compared) orders it after what it reads."""

    name: str
    definition: str
    schema: str | None = None
    kind: str = "view"
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    #: ``(column, comment)`` pairs sorted by column: PostgreSQL ``COMMENT ON COLUMN``
    column_comments: tuple[tuple[str, str], ...] = ()
    reads: tuple[ViewRead, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        indexes = tuple(sorted(self.indexes, key=lambda i: i.name))
        if indexes != self.indexes:
            object.__setattr__(self, "indexes", indexes)
        comments = tuple(sorted(self.column_comments))
        if comments != self.column_comments:
            object.__setattr__(self, "column_comments", comments)
        reads = tuple(sorted(set(self.reads), key=lambda r: r.sort_key))
        if reads != self.reads:
            object.__setattr__(self, "reads", reads)

    @property
    def key(self) -> TableKey:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return table_key_str(self.key)

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.schema or "", self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class DataStep:
    """A data step of a release (the snapshot's ``steps``): SQL that moves or rewrites
    rows while the schema changes, run once, between expand and contract (see
    :mod:`planner.state.steps_yaml`).

    ``reads`` and ``writes`` name ``table``, ``table.column`` or ``schema.table.column``;
    ``sql``, ``guard`` and ``downgrade`` are ``(dialect, text)`` pairs, dialect ``*``
    for every database. ``guard`` ("work remains") returns rows while the step has work
    left; ``irreversible``: the snapshot says ``downgrade: none``."""

    name: str
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    sql: tuple[tuple[str, str], ...] = ()
    guard: tuple[tuple[str, str], ...] = ()
    downgrade: tuple[tuple[str, str], ...] = ()
    irreversible: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionOf:
    """``PARTITION OF schema.table bound``; ``bound`` as ``pg_get_expr(relpartbound)``
    spells it: ``FOR VALUES FROM (...) TO (...)``, ``FOR VALUES IN (...)``, ``DEFAULT``."""

    table: str
    bound: str
    schema: str | None = None


class _TableMemo:
    """The slot where a :class:`Table` keeps what it derives from its columns.

    Not a dataclass field: not part of equality, hashing, ``replace`` or pickling
    (a copy simply derives it again on first use).
    """

    __slots__ = ("_by_name", "_names")


@dataclass(frozen=True, slots=True, kw_only=True)
class Table(_TableMemo):
    name: str
    schema: str | None = None
    #: in declared order
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    #: each sorted by name
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    comment: str | None = None
    rows: RowSet | None = None
    renamed_from: str | None = field(default=None, compare=False)
    #: hint: ``(column, backfill SQL)`` of NOT NULL columns this release drops, filling
    #: the existing rows when the downgrade adds them back (``dropped_columns``)
    dropped_columns: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    #: an UNLOGGED table (PostgreSQL)
    unlogged: bool = False
    #: exclusion constraints (PostgreSQL), sorted by name
    exclusions: tuple[Exclusion, ...] = ()
    #: ``enabled`` / ``forced`` (PostgreSQL's row-level security), None: disabled
    row_level_security: str | None = None
    #: row-level security policies (:mod:`planner.state.policies`), sorted by name
    policies: tuple[Policy, ...] = ()
    #: PostgreSQL declarative partitioning and inheritance (:mod:`planner.state.partitions`):
    #: the partition key as ``pg_get_partkeydef`` spells it (``RANGE (created_at)``)
    partition_by: str | None = None
    #: this table is a partition of another (its columns belong to the parent)
    partition_of: PartitionOf | None = None
    #: ``INHERITS``: the parents (``name`` or ``schema.name``), their columns theirs
    inherits: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("foreign_keys", "uniques", "checks", "indexes", "exclusions"):
            items = getattr(self, name)
            ordered = tuple(sorted(items, key=lambda o: o.name))
            if ordered != items or not isinstance(items, tuple):
                object.__setattr__(self, name, ordered)
        if self.policies:
            policies = sort_policies(self.policies)
            if policies != self.policies:
                object.__setattr__(self, "policies", policies)
        if not isinstance(self.columns, tuple):
            object.__setattr__(self, "columns", tuple(self.columns))

    @property
    def key(self) -> TableKey:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return table_key_str(self.key)

    def _columns_by_name(self) -> dict[str, Column]:
        """``{name: column}``, the first column of each name; built once per table."""
        try:
            return self._by_name
        except AttributeError:
            by_name: dict[str, Column] = {}
            for c in reversed(self.columns):  # the first of a repeated name wins
                by_name[c.name] = c
            object.__setattr__(self, "_by_name", by_name)
            return by_name

    def column(self, name: str) -> Column:
        c = self._columns_by_name().get(name)
        if c is None:
            raise KeyError(f"{self.qualified_name} has no column {name!r}")
        return c

    def has_column(self, name: str) -> bool:
        return name in self._columns_by_name()

    def column_set(self) -> Mapping[str, Column]:
        """The columns by name, for membership tests (``name in t.column_set()``).

        The mapping is shared and cached: do not modify it.
        """
        return self._columns_by_name()

    def folded_uniques(self) -> tuple[Unique, ...]:
        """The uniques PostgreSQL's CREATE TABLE would fold into another key: those on
        exactly the primary key's columns, in its order (the primary key takes the
        unique's name when it has none), and those repeating the columns of an earlier
        unique (only the first is created). Creating a table adds them afterwards there.
        """
        pk = self.primary_key
        seen: set[tuple[str, ...]] = set()
        if pk is not None and pk.columns:
            seen.add(tuple(pk.columns))
        out = []
        for u in self.uniques:
            cols = tuple(u.columns)
            if cols in seen:
                out.append(u)
            seen.add(cols)
        return tuple(out)

    @property
    def column_names(self) -> tuple[str, ...]:
        try:
            return self._names
        except AttributeError:
            names = tuple([c.name for c in self.columns])
            object.__setattr__(self, "_names", names)
            return names

    def constraint_names(self) -> Iterator[str]:
        """Names of every named constraint and index of the table."""
        if self.primary_key and self.primary_key.name:
            yield self.primary_key.name
        for group in (self.foreign_keys, self.uniques, self.checks, self.indexes, self.exclusions):
            for o in group:
                yield o.name


class _SnapshotMemo:
    """The slot where a :class:`Snapshot` keeps its ``{key: table}`` index (not a field)."""

    __slots__ = ("_index",)


def _table_sort_key(t: Table) -> tuple[str, str]:
    return (t.schema or "", t.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot(_SnapshotMemo):
    release: str
    #: sorted by key (schema or "", name)
    tables: tuple[Table, ...] = ()
    #: sorted by name
    enums: tuple[Enum, ...] = ()
    #: sorted (key, template) pairs, SQLAlchemy naming_convention keys
    naming_convention: tuple[tuple[str, str], ...] = ()
    format: int = FORMAT_VERSION
    #: objects dbplan leaves alone, sorted by :attr:`Unmanaged.sort_key`
    unmanaged: tuple[Unmanaged, ...] = ()
    #: functions, procedures and triggers dbplan manages, sorted by :attr:`Routine.sort_key`
    routines: tuple[Routine, ...] = ()
    #: views and materialized views dbplan manages, sorted by :attr:`View.sort_key`
    views: tuple[View, ...] = ()
    #: PostgreSQL schemas, extensions and sequences (:mod:`planner.state.pg_objects`)
    schemas: tuple[Schema, ...] = ()
    extensions: tuple[Extension, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    #: the data steps of this release, in the order written: a migration hint for the
    #: release that declares them (not part of the state, like ``renamed_from``)
    steps: tuple[DataStep, ...] = field(default=(), compare=False)
    #: PostgreSQL domains, composite types and collations (:mod:`planner.state.pg_types`)
    domains: tuple[Domain, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()
    collations: tuple[Collation, ...] = ()

    def __post_init__(self) -> None:
        views = tuple(sorted(self.views, key=lambda v: v.sort_key))
        if views != self.views:
            object.__setattr__(self, "views", views)
        for name, fn in (
            ("schemas", sort_schemas),
            ("extensions", sort_extensions),
            ("sequences", sort_sequences),
            ("domains", sort_domains),
            ("composite_types", sort_types),
            ("collations", sort_collations),
        ):
            items = getattr(self, name)
            if items:
                ordered = fn(items)
                if ordered != items:
                    object.__setattr__(self, name, ordered)
        routines = tuple(sorted(self.routines, key=lambda r: r.sort_key))
        if routines != self.routines:
            object.__setattr__(self, "routines", routines)
        # one entry per object (equality ignores the fingerprint): the first in order
        unmanaged = tuple(dict.fromkeys(sorted(self.unmanaged, key=_unmanaged_order)))
        if unmanaged != self.unmanaged:
            object.__setattr__(self, "unmanaged", unmanaged)
        tables = tuple(sorted(self.tables, key=_table_sort_key))
        if tables != self.tables or not isinstance(self.tables, tuple):
            object.__setattr__(self, "tables", tables)
        enums = tuple(sorted(self.enums, key=lambda e: e.name))
        if enums != self.enums or not isinstance(self.enums, tuple):
            object.__setattr__(self, "enums", enums)
        nc = tuple(sorted(dict(self.naming_convention).items()))
        if nc != self.naming_convention:
            object.__setattr__(self, "naming_convention", nc)

    # lookups -----------------------------------------------------------------
    def _table_index(self) -> dict[TableKey, Table]:
        """``{key: table}``, the first table of each key; built once per snapshot."""
        try:
            return self._index
        except AttributeError:
            tables = self.tables
            index = {(t.schema, t.name): t for t in tables}
            if len(index) != len(tables):  # a repeated key: the first one wins
                index = {}
                for t in tables:
                    index.setdefault((t.schema, t.name), t)
            object.__setattr__(self, "_index", index)
            return index

    def table(self, name: str, schema: str | None = None) -> Table:
        t = self._table_index().get((schema, name))
        if t is None:
            raise KeyError(f"no table {table_key_str((schema, name))!r}")
        return t

    def get_table(self, key: TableKey) -> Table | None:
        return self._table_index().get(key)

    def tables_by_key(self) -> dict[TableKey, Table]:
        index = self._table_index()
        if len(index) == len(self.tables):
            return dict(index)  # no key repeated: the same mapping, built once
        return {t.key: t for t in self.tables}  # the last of a repeated key

    def enum(self, name: str) -> Enum:
        for e in self.enums:
            if e.name == name:
                return e
        raise KeyError(f"no enum {name!r}")

    def enums_by_name(self) -> dict[str, Enum]:
        return {e.name: e for e in self.enums}

    @property
    def conventions(self) -> dict[str, str]:
        return dict(self.naming_convention)

    # edits (pure) ------------------------------------------------------------
    def replace_table(self, table: Table, *, old_key: TableKey | None = None) -> Snapshot:
        """Return a snapshot with ``table`` replacing the table at ``old_key`` (or its key).

        Every table with either key goes; ``table`` takes its place in key order. The
        tables are already sorted, so this costs two binary searches and a copy (it runs
        once per planned operation), and the new snapshot inherits the lookup index.
        """
        old = old_key or table.key
        new = (table.schema, table.name)
        tables = list(self.tables)
        for key in {old, new}:
            _remove_key(tables, key)
        bisect.insort_right(tables, table, key=_table_sort_key)
        return self._with_tables(tuple(tables), drop=old, add=table)

    def without_table(self, key: TableKey) -> Snapshot:
        tables = list(self.tables)
        _remove_key(tables, key)
        return self._with_tables(tuple(tables), drop=key)

    def _with_tables(
        self, tables: tuple[Table, ...], *, drop: TableKey, add: Table | None = None
    ) -> Snapshot:
        """This snapshot with ``tables`` (already in order), the table at ``drop`` gone
        and ``add`` added: ``dataclasses.replace`` without re-sorting every collection,
        keeping the lookup index if this snapshot has one."""
        out = object.__new__(Snapshot)
        setattr_ = object.__setattr__
        setattr_(out, "release", self.release)
        setattr_(out, "tables", tables)
        setattr_(out, "enums", self.enums)
        setattr_(out, "naming_convention", self.naming_convention)
        setattr_(out, "format", self.format)
        setattr_(out, "unmanaged", self.unmanaged)
        setattr_(out, "routines", self.routines)
        setattr_(out, "views", self.views)
        for name in ("schemas", "extensions", "sequences"):
            setattr_(out, name, getattr(self, name))
        for name in ("domains", "composite_types", "collations"):
            setattr_(out, name, getattr(self, name))
        setattr_(out, "steps", self.steps)
        try:
            index = dict(self._index)
        except AttributeError:
            return out
        index.pop(drop, None)
        if add is not None:
            index[(add.schema, add.name)] = add
        setattr_(out, "_index", index)
        return out

    def replace_enum(self, enum: Enum) -> Snapshot:
        enums = [e for e in self.enums if e.name != enum.name] + [enum]
        return dataclasses.replace(self, enums=tuple(enums))

    def without_enum(self, name: str) -> Snapshot:
        return dataclasses.replace(self, enums=tuple(e for e in self.enums if e.name != name))


def _remove_key(tables: list[Table], key: TableKey) -> None:
    """Remove every table with ``key`` from ``tables`` (sorted by :func:`_table_sort_key`)."""
    schema, name = key
    sort_key = (schema or "", name)
    lo = bisect.bisect_left(tables, sort_key, key=_table_sort_key)
    hi = bisect.bisect_right(tables, sort_key, lo=lo, key=_table_sort_key)
    for i in range(hi - 1, lo - 1, -1):
        t = tables[i]
        if t.name == name and t.schema == schema:
            del tables[i]


def strip_hints(snapshot: Snapshot) -> Snapshot:
    """Drop the one-release migration hints (``renamed_from``, ``backfill``)."""
    tables = []
    for t in snapshot.tables:
        cols = tuple(dataclasses.replace(c, renamed_from=None, backfill=None) for c in t.columns)
        tables.append(dataclasses.replace(t, columns=cols, renamed_from=None))
    return dataclasses.replace(snapshot, tables=tuple(tables), steps=())


def empty_snapshot(release: str = "empty") -> Snapshot:
    """The state before the first release: no tables, no enums."""
    return Snapshot(release=release)
