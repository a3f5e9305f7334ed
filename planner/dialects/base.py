"""The dialect object: what one database does differently, asked by every layer.

Outside ``planner/dialects/`` no code compares dialect names; it asks a dialect object
(Alembic's ``DefaultImpl`` / ``__dialect__`` registry and Django's
``connection.features`` are the models). Each supported database is one subclass in its
own module (``postgresql.py``, ``mysql.py``, ``sqlite.py``), registered by its
``name``. Parts too large for one module live beside it as ``<name>_<part>.py`` (for
example ``sqlite_emit.py``) and are reached through the dialect object, never imported
by name from a layer.

Example:
    >>> from planner.dialects import get
    >>> get("mariadb").name, get("postgresql+psycopg").label
    ('mysql', 'PostgreSQL')
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from planner.errors import DbplanError

#: Canonical names of the supported dialects, in the order reports list them.
NAMES: tuple[str, ...] = ("postgresql", "mysql", "sqlite")
#: The primary target: the dialect of a routine entry without ``dialect:`` and of the
#: names a snapshot records for unnamed constraints (:func:`naming_dialect`).
PRIMARY: str = NAMES[0]

_REGISTRY: dict[str, type[Dialect]] = {}


class UnknownDialectError(DbplanError, ValueError):
    """A dialect name dbplan does not support."""


class Dialect:
    """Base of the per-dialect classes; one instance per dialect (see :func:`get`).

    A subclass sets ``name`` (canonical: ``postgresql``, ``mysql``, ``sqlite``) and
    ``label`` (for people) and overrides what its database does differently. Defaults
    here describe the SQL standard's behaviour.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    #: SQLAlchemy dialect names that map to this dialect (``mariadb`` -> ``mysql``).
    aliases: ClassVar[tuple[str, ...]] = ()
    #: a foreign key needs an index on its columns, and the database refuses to drop
    #: that index while the key exists (MariaDB/MySQL): graph and diff order around it
    foreign_key_needs_index: ClassVar[bool] = False
    #: the database refuses to drop a primary key or unique key a foreign key uses
    #: (PostgreSQL matches a key with the same columns in any order; MariaDB/MySQL the
    #: index it tied the key to): diff drops and re-adds such foreign keys around it
    foreign_key_tied_to_key: ClassVar[bool] = False
    #: the two ends of an integer foreign key must be the same integer type (InnoDB)
    foreign_key_same_integer_type: ClassVar[bool] = False
    #: CREATE/ALTER/DROP run inside a transaction and roll back with it (PostgreSQL,
    #: SQLite); MariaDB/MySQL commit each DDL statement as it runs
    transactional_ddl: ClassVar[bool] = True
    #: the names ``connection.dialect.name`` gives at run time (what a revision's
    #: ``if op.get_context().dialect.name ...`` tests)
    runtime_names: ClassVar[tuple[str, ...]] = ()
    #: the database alters a table by rebuilding it (SQLite: Alembic's batch mode with
    #: ``recreate``): revisions carry the rebuilds only where such a dialect is a target
    alters_by_rebuild: ClassVar[bool] = False
    #: a table may have no columns (PostgreSQL's ``CREATE TABLE t ()``); MariaDB/MySQL
    #: and SQLite refuse one
    allows_zero_column_tables: ClassVar[bool] = False
    #: the database has materialized views (PostgreSQL); elsewhere a snapshot's
    #: ``materialized_view`` is refused
    has_materialized_views: ClassVar[bool] = False
    #: indexes take a method and INCLUDE columns (PostgreSQL's ``using:``, ``include:``;
    #: SQLAlchemy's ``<name>_using`` / ``<name>_include`` index options)
    has_index_methods: ClassVar[bool] = False
    #: views keep a comment (PostgreSQL's COMMENT ON VIEW)
    has_view_comments: ClassVar[bool] = False
    #: tables have row-level security and policies (PostgreSQL); elsewhere a snapshot's
    #: ``row_level_security`` and ``policies`` are refused
    has_row_level_security: ClassVar[bool] = False

    def default_name(
        self,
        kind: str,
        table: str,
        columns: tuple[str, ...],
        *,
        check_columns: tuple[str, ...] = (),
        taken: frozenset[str] | set[str] = frozenset(),
    ) -> str | None:
        """The name this database gives a ``kind`` (``pk``, ``fk``, ``uq``, ``ck``, ``ix``)
        constraint created without one, where it is a function of the table and columns
        (None: it numbers them, or gives none). ``check_columns``: the columns a check's
        expression reads; ``taken``: names in use (the database then picks another)."""
        return None

    def is_default_name(
        self, kind: str, name: str | None, table: str, columns: tuple[str, ...]
    ) -> bool:
        """``name`` (as reflected) is one this database made up for an unnamed ``kind``
        constraint on ``columns`` (None: it keeps no name at all)."""
        return name is None

    #: sqlglot's name of the dialect (:mod:`planner.sqlexpr` parses SQL fragments with it)
    sqlglot_name: ClassVar[str] = ""
    #: a database is a file named by the URL's database part (SQLite): a missing file is
    #: an empty database, not a connection error
    database_is_file: ClassVar[bool] = False
    #: the Python driver must be told to send BEGIN itself for DDL to be transactional
    #: (pysqlite opens transactions only before INSERT/UPDATE/DELETE)
    driver_needs_explicit_begin: ClassVar[bool] = False

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.name:
            if cls.name in _REGISTRY:
                raise TypeError(f"dialect {cls.name!r} registered twice")
            _REGISTRY[cls.name] = cls

    def not_compared(self, snapshots: Iterable[Any]) -> tuple[str, ...]:
        """What of ``snapshots`` a database of this dialect does not store, so that
        ``verify`` and ``drift`` cannot see a revision get it wrong there (one line each)."""
        return ()

    def string_literal(self, value: str) -> str:
        """An SQL string literal of ``value`` for SQL text dbplan writes itself (the SQL
        standard's: single quotes, inner quotes doubled).

        Example:
            >>> get("sqlite").string_literal("it's")
            "'it''s'"
        """
        return "'" + value.replace("'", "''") + "'"

    def part(self, part: str) -> Any:
        """The module ``planner.dialects.<name>_<part>`` (imported on first use).

        Example:
            >>> get("sqlite").part("nothing")  # doctest: +IGNORE_EXCEPTION_DETAIL
            Traceback (most recent call last):
            ModuleNotFoundError: No module named 'planner.dialects.sqlite_nothing'
        """
        return importlib.import_module(f"planner.dialects.{self.name}_{part}")

    def __repr__(self) -> str:
        return f"<dialect {self.name}>"

    # -- reflection and the normal forms capture predicts -----------------------
    # (planner.state.capture asks these; its NORMALISATIONS table says what each does)

    #: tables and columns keep comments (SQLite has none)
    has_comments: ClassVar[bool] = True
    #: tables live in named schemas a snapshot records (MariaDB, SQLite: the default
    #: schema only, so a snapshot's schema and a foreign key's ``ref_schema`` are None)
    has_schemas: ClassVar[bool] = False
    #: reflection tells which primary-key column autoincrements (SQLite: rowid, never)
    reflects_autoincrement: ClassVar[bool] = True
    #: identity columns (``GENERATED ... AS IDENTITY``): PostgreSQL's; validation refuses
    #: them where a target has none
    has_identity_columns: ClassVar[bool] = False
    #: a column's ``ON UPDATE`` expression (``on_update:``): MariaDB/MySQL's
    has_on_update: ClassVar[bool] = False
    #: a column type change takes ``USING <expression>`` (PostgreSQL): a declared
    #: conversion runs in it; elsewhere the rows are converted in place first
    alters_type_using: ClassVar[bool] = False
    #: ``DEFERRABLE`` keys, uniques and foreign keys, and ``UNLOGGED`` tables, as the
    #: snapshot models them: PostgreSQL's; validation refuses them where a target has none
    has_deferrable_constraints: ClassVar[bool] = False
    has_unlogged_tables: ClassVar[bool] = False
    has_exclusion_constraints: ClassVar[bool] = False
    #: ``COMMENT ON CONSTRAINT`` / ``COMMENT ON POLICY`` (PostgreSQL): the ``comment:`` of
    #: a table's constraints and policies (:mod:`planner.state.constraint_comments`)
    has_constraint_comments: ClassVar[bool] = False
    #: declarative partitioning and table inheritance (PostgreSQL): the table keys
    #: ``partition_by``, ``partition_of`` and ``inherits`` (:mod:`planner.state.partitions`)
    has_partitioning: ClassVar[bool] = False
    #: generated columns may be VIRTUAL (PostgreSQL stores every one)
    has_virtual_generated_columns: ClassVar[bool] = True
    #: indexes can have a ``WHERE`` predicate (MariaDB/MySQL: none, it is dropped)
    has_partial_indexes: ClassVar[bool] = True
    #: enums are named types of their own, kept used or not (PostgreSQL); elsewhere an
    #: enum lives inline in its columns, and enums no column uses are dropped
    has_named_enums: ClassVar[bool] = False
    #: an ``Interval`` keeps years and months (PostgreSQL); elsewhere it is stored as a
    #: point in time, and a managed row's ``P1Y2M`` cannot be written
    interval_months: ClassVar[bool] = False
    #: the sections of objects outside tables the dialect has (``schemas``,
    #: ``extensions``, ``sequences``: :mod:`planner.state.pg_objects`; ``domains``, ``types``,
    #: ``collations``: :mod:`planner.state.pg_types`), and ``index_methods`` (an index's
    #: ``using:`` / ``include:``); validation refuses an entry one of the targets lacks
    object_sections: ClassVar[frozenset[str]] = frozenset()
    #: the keys of a ``sequences:`` entry the dialect has (where it has the section)
    sequence_keys: ClassVar[frozenset[str]] = frozenset()
    #: the longest identifier, in bytes (PostgreSQL) and in characters (MariaDB/MySQL);
    #: None: no limit dbplan checks. Validation checks the targets' limits only.
    max_identifier_bytes: ClassVar[int | None] = None
    max_identifier_chars: ClassVar[int | None] = None
    #: an enum column is a ``VARCHAR`` of its longest value (SQLite)
    enum_as_string: ClassVar[bool] = False
    #: the database adds an index named like each foreign key no index covers (InnoDB)
    adds_foreign_key_indexes: ClassVar[bool] = False
    #: a unique index reflects as a unique constraint and the other way round (MariaDB)
    unique_index_is_constraint: ClassVar[bool] = False
    #: foreign-key actions that mean "the default" (normal form: None)
    default_fk_actions: ClassVar[tuple[str, ...]] = ("NO ACTION",)

    #: canonical type (or a bare type name, standing for every type of that name) ->
    #: the canonical type a column of it reflects as (create + reflect); what is not
    #: listed comes back as written (``coltypes.normalise_type``)
    type_round_trips: ClassVar[Mapping[str, str]] = MappingProxyType({})

    #: server defaults the database spells differently (lower-case text -> its text)
    server_default_spellings: ClassVar[Mapping[str, str]] = MappingProxyType({})
    #: CREATE TABLE folds a unique on the primary key's columns (or an earlier unique's)
    #: into that key (PostgreSQL): such uniques are added after the tables
    folds_uniques_into_keys: ClassVar[bool] = False

    def inserting_rows(self, conn: Any) -> contextlib.AbstractContextManager[None]:
        """Around inserting a snapshot's managed rows into a new database."""
        return contextlib.nullcontext()

    def rows_inserted(self, conn: Any, table: Any) -> None:
        """After inserting the managed rows of ``table`` (a ``sa.Table``)."""

    # -- managed rows read back (planner.state.capture_rows) ---------------------

    def row_read(self, expr: Any, type_text: str) -> Any:
        """What capture selects to read a managed row's column ``expr`` of ``type_text``:
        a form Python compares and a snapshot writes (the column itself here)."""
        return expr

    def row_normal(self, param: Any, type_text: str) -> Any:
        """An expression giving a snapshot value (``param``, bound) in the form
        :meth:`row_read` reads the column in, when comparing in Python is not enough; None
        where it is. Here: a ``postgresql.TYPE(...)`` column is ``TEXT``, holding the
        value's text (``0.1`` as ``'0.1'``), so the value is cast to text."""
        import sqlalchemy as sa

        from planner.state import coltypes

        if coltypes.family(type_text) != "verbatim":
            return None
        return sa.cast(param, sa.Text())

    def row_value(self, type_text: str, value: Any) -> Any:
        """A value :meth:`row_read` read, as a snapshot writes it (unchanged here)."""
        return value

    # -- scratch databases and dumps (``dbplan verify``) -------------------------

    #: a schema dump the chain-built database can be compared with (PostgreSQL: pg_dump)
    has_schema_dump: ClassVar[bool] = False

    def schema_dump(self, url: str, snapshot: Any) -> str:
        """The schema of the database at ``url`` (and ``snapshot``'s managed rows) as text."""
        raise NotImplementedError(f"{self.label} has no schema dump")

    def server_database(self, database: str | None) -> str | None:
        """The database to connect to for creating and dropping others."""
        return database

    def create_database_sql(self, name: str) -> str:
        """``CREATE DATABASE`` of a new, empty database ``name`` (a generated name)."""
        return f'CREATE DATABASE "{name}"'

    def drop_database_sql(self, name: str) -> str:
        """``DROP DATABASE`` of ``name``, even while something is connected to it."""
        return f'DROP DATABASE IF EXISTS "{name}"'

    def kept_pk_name(self, table: str, name: str | None) -> str | None:
        """The name a snapshot records for a primary key the database names ``name``:
        None when it is the one the database gives an unnamed key."""
        return name or None

    def fk_action(self, value: str | None) -> str | None:
        """``ondelete``/``onupdate`` in normal form: the default action is None.

        Example:
            >>> get("mariadb").fk_action("restrict"), get("postgresql").fk_action("restrict")
            (None, 'RESTRICT')
        """
        if not value:
            return None
        # PostgreSQL 15's ``SET NULL (a, b)``: the action without its column list, which
        # the inventory lists as kind ``action_columns`` (planner.dialects.postgresql_properties)
        v = value.split("(", 1)[0].strip().upper()
        return None if v in self.default_fk_actions else v

    def collation_problem(self, name: str) -> str | None:
        """Why ``name`` is not a column collation (``collation:``) of this database, a
        hint of the shape it takes; None: it has that shape (the database still says
        whether it exists).

        Example:
            >>> get("sqlite").collation_problem("NOCASE") is None
            True
            >>> get("mariadb").collation_problem("C")
            'MariaDB/MySQL collations are named <character set>_<collation> (utf8mb4_bin, utf8mb4_unicode_ci)'
        """
        return None

    def reflected_autoincrement(self, raw: dict, serial: bool) -> Any:
        """What a reflected column dict says about autoincrement (``serial``: its default
        was a sequence's ``nextval``)."""
        return raw.get("autoincrement")

    def reflects_lossily(self, satype: Any) -> bool:
        """Would a reflected SQLAlchemy type lose something read as a canonical type (a
        modifier, a blank-padded type)? Capture then reads the column verbatim."""
        return False

    def enum_comments(self, conn: Any, schema: str) -> dict[str, str]:
        """``{enum name: comment}`` of the named enums of ``schema`` that have one (a
        dialect with :attr:`has_named_enums` that keeps comments says)."""
        return {}

    def extension_tables(self, conn: Any, schema: str | None) -> frozenset[str]:
        """The tables of ``schema`` an extension owns (created and dropped with it, never
        captured: PostGIS's ``spatial_ref_sys``); a dialect with extensions says."""
        return frozenset()

    def reflect_tables(self, conn: Any, insp: Any, schema: str | None, names: Any) -> dict:
        """``{name: RawTable}`` of the tables ``names`` of ``schema``, read in bulk
        (:mod:`planner.dialects.reflection`) and fixed by the dialect's capture part."""
        from planner.dialects.reflection import reflect_bulk

        raw = reflect_bulk(insp, schema, names, comments=self.has_comments)
        self.part("capture").fix_reflected(conn, insp, schema, raw)
        return raw


_INSTANCES: dict[str, Dialect] = {}


def canonical_name(name: str) -> str:
    """The canonical dialect name of a SQLAlchemy dialect or driver name.

    Example:
        >>> canonical_name("mariadb+pymysql"), canonical_name("postgresql")
        ('mysql', 'postgresql')
    """
    _load()
    base = name.split("+", 1)[0].strip().lower()
    for cls in _REGISTRY.values():
        if base == cls.name or base in cls.aliases:
            return cls.name
    raise UnknownDialectError(
        f"unknown dialect {name!r}: dbplan supports {', '.join(NAMES)} (mariadb is mysql)"
    )


def get(name: str | Dialect) -> Dialect:
    """The dialect object for a name (``mariadb``, ``postgresql+psycopg`` …) or a dialect.

    Example:
        >>> get("sqlite") is get("sqlite")
        True
    """
    if isinstance(name, Dialect):
        return name
    key = canonical_name(name)
    if key not in _INSTANCES:
        _INSTANCES[key] = _REGISTRY[key]()
    return _INSTANCES[key]


def of_url(url: str) -> Dialect:
    """The dialect of a database URL.

    Example:
        >>> of_url("mysql+pymysql://root@127.0.0.1/x").name
        'mysql'
    """
    return get(url.split(":", 1)[0])


def all_dialects() -> tuple[Dialect, ...]:
    """Every supported dialect, in :data:`NAMES` order."""
    return tuple(get(n) for n in NAMES)


def having(feature: str) -> Dialect:
    """The dialect that has ``feature`` (a ``has_*`` flag, or a section of
    :attr:`Dialect.object_sections`): the one an object of that feature is written for
    and compared in (the first, in :data:`NAMES` order, when several have it).

    Example:
        >>> having("has_partitioning").name, having("domains").label
        ('postgresql', 'PostgreSQL')
    """
    for d in all_dialects():
        if getattr(d, feature, False) is True or feature in d.object_sections:
            return d
    raise UnknownDialectError(f"no dialect has {feature}")


def only_target(d: Dialect) -> str:
    """The fix of a key only ``d`` has: ``[tool.dbplan] dialects = ["postgresql"]``."""
    return f'[tool.dbplan] dialects = ["{d.name}"]'


def naming_dialect() -> Dialect:
    """The dialect whose names for unnamed constraints a snapshot records: the primary
    target, PostgreSQL (``<table>_<columns>_fkey``, ``_key``, ``_check``); capture maps the
    names other dialects made up to them (:meth:`Dialect.is_default_name`).

    Example:
        >>> naming_dialect().default_name("fk", "meters", ("unit_id",))
        'meters_unit_id_fkey'
    """
    return get(NAMES[0])


def _load() -> None:
    if len(_REGISTRY) < len(NAMES):
        for n in NAMES:
            importlib.import_module(f"planner.dialects.{n}")
