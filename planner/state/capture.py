"""Capture snapshots from SQLAlchemy models and live databases, and turn them back into MetaData.

Three directions meet here:

* :func:`to_metadata` — a :class:`~planner.state.model.Snapshot` as ``sa.MetaData``
  (tables, constraints, indexes, enums, comments, server defaults; hints in
  ``column.info["dbplan"]``, managed rows in ``table.info["dbplan_rows"]``).
* :func:`from_metadata` — the inverse, pure (no database): models -> snapshot.
* :func:`from_database` / :func:`capture_for` — reflection of a live PostgreSQL,
  MariaDB/MySQL or SQLite database, normalised as the table below says, and
  :func:`normalise_for`, which applies to a snapshot what a dialect cannot represent, so
  that ``capture_for(url, s) == normalise_for(s, dialect)`` for a database built from ``s``.

How a database is read back is documented in :data:`NORMALISATIONS` (a Markdown table,
copied into ``docs/snapshot-format.md``): what each dialect cannot represent or spells
differently, and the normal form capture uses. With a hint (:func:`capture_for`), a
spelling equivalent under that normal form is given back in the hint's own spelling, so
only real differences remain.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from planner import dialects
from planner.dialects.reflection import TYPE_KEY, RawTable
from planner.sqlexpr import same_meaning
from planner.state import coltypes, column_kinds
from planner.state.capture_models import (
    SKIP_TABLES,
    CaptureError,
    _check_columns,
    _plain,
    _qualified,
    from_metadata,
    plain_enum,
    to_metadata,
)
from planner.state.capture_rows import _engine, count_rows, read_rows
from planner.state.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)
from planner.state.naming import ConventionError, convention_name
from planner.state.normal_forms import _clean_sql, normalise_server_default
from planner.state.typespec import enum_type

__all__ = [
    "NORMALISATIONS",
    "CaptureError",
    "capture_for",
    "count_rows",
    "from_database",
    "from_metadata",
    "normalise_for",
    "normalise_server_default",
    "to_metadata",
]

#: Every normalisation applied when capturing a database and in :func:`normalise_for`
#: (Markdown; ``docs/snapshot-format.md`` carries a copy).
NORMALISATIONS = """\
| what | found in the database | normal form |
|---|---|---|
| server default: no default | `NULL`, `NULL::type` | none (`None`) |
| server default: parentheses | `(now())`, `(0)` (SQLite) | outer parentheses removed |
| server default: literal casts | `'info'::event_level`, `'-1'::integer` (PostgreSQL) | `'info'`, `-1` |
| server default: serial | `nextval('t_id_seq'::regclass)` (PostgreSQL) | on a primary-key column dropped (the column autoincrements); elsewhere kept, its sequence under `sequences` |
| server default: current time | `CURRENT_TIMESTAMP`, `current_timestamp()`, `current_timestamp(6)`, `localtimestamp`, `now()` | `now()` (created as `CURRENT_TIMESTAMP` on SQLite) |
| server default: Boolean columns | `1`, `'1'`, `'t'`, `true` / `0`, `'0'`, `'f'`, `false` (MariaDB stores 1/0) | `true` / `false` |
| server default: numeric columns | `'5'`, `1.50` (MariaDB pads to the scale) | `5`, `1.5` |
| primary key name | PostgreSQL `<table>_pkey`; MariaDB always `PRIMARY` | `None` (the dialect's default); any other name is kept, a `pk` convention's name included |
| autoincrement | serial / `AUTO_INCREMENT` / identity | `None` when it equals SQLAlchemy's "auto" (the single integer primary-key column without a foreign key); `False` on that column without a serial; `True` on another primary-key column with one; outside the primary key `None` (no effect); SQLite (rowid) always `None` |
| generation expression | `(a * (q)::numeric)` (PostgreSQL), `` (`a` * 2) `` (MariaDB), SQLite's text from the CREATE TABLE statement; `PERSISTENT` (MariaDB) | with a hint: the hint's expression when both mean the same; else the text without identifier quotes, outer parentheses and casts of literals; `PERSISTENT` is `stored: true` |
| identity | `GENERATED ALWAYS` / `BY DEFAULT AS IDENTITY` (PostgreSQL) | `identity: always` / `by_default`; `autoincrement` as for a serial column; its sequence is not listed |
| column collation | `attcollation` (PostgreSQL), `COLLATION_NAME` (MariaDB), the `COLLATE` of the `CREATE TABLE` text (SQLite) | `collation:` when not the type's (MariaDB: the table's) default, on a string type; SQLite's in capitals, `BINARY` none |
| primary-key nullability | SQLite: a key column without `NOT NULL` (`id INTEGER PRIMARY KEY`) reflects as nullable | NOT NULL |
| comments | SQLite has none | `None` on SQLite |
| schemas | SQLite, MariaDB: the default schema only | `None` there; the default schema named explicitly is `None` everywhere |
| enums (PostgreSQL) | `get_enums()` | every enum, used or not, of every captured schema (`schema` when not the default one; `comment` from `obj_description(oid, 'pg_type')`) |
| enums (MariaDB) | inline `ENUM('a', 'b')` per column | `Enum(x)` with the hint's enum of the same values (the column's own hint first); no hint: `<table>_<column>`, equal value lists share one; enums no column uses are dropped |
| enums (SQLite) | `VARCHAR(<longest value>)` | `Enum(x)` when the hint's column is `Enum(x)` of that length, else `String(n)`; enums no column uses are dropped |
| types | reflected SQLAlchemy type | `coltypes.from_sqlalchemy`; with a hint, the hint's type when `coltypes.normalise_type` makes them equal on the dialect (`DateTime(timezone=True)` -> `DateTime` on MariaDB/SQLite, `postgresql.JSONB` -> `JSON`, ...) |
| JSON (MariaDB) | `LONGTEXT` + `CHECK (json_valid(col))` | `JSON`, no check |
| a column without a type (SQLite) | `CREATE TABLE t (a, b)`: BLOB affinity, SQLAlchemy's `NullType` | `LargeBinary` (created `BLOB`: the same affinity) |
| check text | `((name)::text <> ''::text)` (PostgreSQL), `` `name` <> '' ``, `'it\\'s'` (MariaDB) | with a hint: the hint's text when both mean the same (`planner.sqlexpr.same_meaning`: parsed, PostgreSQL's casts, `= ANY (ARRAY[...])` vs `IN (...)`, `BETWEEN`, parentheses, quoting, booleans, `now()`); else the text without identifier quotes, outer parentheses and casts of literals, MariaDB's `\\'` written `''` |
| partial index `where` | PostgreSQL, SQLite | as the check text; MariaDB has none: dropped |
| unique index vs unique constraint | MariaDB reflects both as either | a unique index the hint declares stays an index; otherwise a unique constraint |
| foreign-key indexes | MariaDB adds an index named like each foreign key no index covers | dropped unless the hint declares it |
| FK `ondelete`/`onupdate` | `NO ACTION`; MariaDB omits `RESTRICT` | `None` for `NO ACTION` (the default), and for `RESTRICT` on MariaDB |
| unnamed constraints | SQLite keeps no name; MariaDB makes up `<table>_ibfk_<n>`, `<column>[_<n>]` (unique), `CONSTRAINT_<n>` (check) | the hint's constraint with the same columns (checks: the same text), else the hint's naming convention, else the name PostgreSQL gives (`<table>_<cols>_fkey`, `<table>_<cols>_key`, `<table>[_<col>]_check`); a column-level `UNIQUE` (an `sqlite_autoindex`) is a unique constraint |
| routines | `pg_get_functiondef` / `pg_get_triggerdef` (PostgreSQL), `SHOW CREATE` with `DEFINER=` taken out (MariaDB), `sqlite_master.sql` (SQLite) | with a hint: the hint's definition when both mean the same (`routines_yaml.same_definition`); a database holds the entries of its own dialect only |
| `alembic_version` | Alembic's table | never captured |
| managed rows (`capture_for`) | every row of the table | only the snapshot's managed tables, only rows whose key the snapshot declares, only the columns each row declares, in the snapshot's order; a value is the snapshot's own when it binds to what the database holds (a zone-aware datetime also matches the naive wall time MariaDB/SQLite store; a `postgresql.TYPE(...)` column is read as text, `CAST(col AS text)` on PostgreSQL, and the snapshot's value compared in that form, `CAST(CAST(:v AS int4range) AS text)`, so `0.1` in a `real`, `'[1,10]'` in an `int4range` match), else `coltypes.yaml_value` of it (PostgreSQL's text of such a column; a `real` a float) |
| managed rows (`from_database --rows-of`) | every row | all rows, ordered by the primary key (all columns without one), values by `coltypes.yaml_value` (a `postgresql.TYPE(...)` column as for `capture_for`); a row the newest snapshot (`enums_hint`) manages under the same key keeps that snapshot's spelling of each value the database holds, in a column of the same type (`'12.50'`, not `'12.5'`) |
| view definitions | `pg_get_viewdef` (PostgreSQL), `SHOW CREATE VIEW` (MariaDB: with `ALGORITHM`, `DEFINER`, `SQL SECURITY`), the statement in `sqlite_master` | the query as the database stores it (PostgreSQL: no trailing `;` or blanks; MariaDB: the text after `AS`); compared by meaning (`planner.viewsql`) |
| view comments | MariaDB and SQLite keep none | `None` there |
"""


# ---------------------------------------------------------------------------
# database -> snapshot
# ---------------------------------------------------------------------------


def from_database(
    url_or_engine: str | sa.engine.Engine,
    *,
    release: str,
    rows_of: Iterable[str] = (),
    schemas: Iterable[str | None] | None = None,
    enums_hint: Snapshot | None = None,
) -> Snapshot:
    """Reflect a live database (PostgreSQL, MariaDB/MySQL, SQLite) as a snapshot.

    ``rows_of`` names tables whose rows become managed rows (all rows, ordered by the
    primary key). ``schemas``: ``None`` = the default schema. ``enums_hint`` names the
    inline enums of MariaDB (and SQLite VARCHARs) by their values.

    Example:
        >>> s = from_database("sqlite://", release="0.1.0")
        >>> s.tables
        ()
    """
    return _capture(
        url_or_engine,
        release=release,
        rows_of=tuple(rows_of),
        schemas=schemas,
        hint=enums_hint,
        full_hint=False,
    )


def capture_for(
    url_or_engine: str | sa.engine.Engine | sa.engine.Connection, snapshot: Snapshot
) -> Snapshot:
    """Capture a database for comparison with ``snapshot`` (its release, its managed rows).

    ``url_or_engine`` may be an open connection: it is read in its transaction.

    ``snapshot`` is the hint: equivalent spellings (types, defaults, checks) take the
    snapshot's, and rows are those of the snapshot's managed tables whose key the
    snapshot declares. Compare the result with :func:`normalise_for`.

    Example:
        >>> capture_for("sqlite://", Snapshot(release="0.1.0")) == Snapshot(release="0.1.0")
        True
    """
    schemas = sorted({t.schema for t in snapshot.tables if t.schema}) or None
    if schemas is not None:
        schemas = [None, *schemas]
    rows_of = tuple(t.qualified_name for t in snapshot.tables if t.rows is not None)
    return _capture(
        url_or_engine,
        release=snapshot.release,
        rows_of=rows_of,
        schemas=schemas,
        hint=snapshot,
        full_hint=True,
    )


def _capture(url_or_engine, *, release, rows_of, schemas, hint, full_hint) -> Snapshot:
    engine, owned = _engine(url_or_engine)
    try:
        with engine.connect() as conn:
            from planner.state import inventory  # never silent: what is not modelled

            reflector = _Reflector(conn, hint=hint, full_hint=full_hint)
            objects = _objects_part(reflector.dialect_obj)
            if objects is not None and (schemas is None or full_hint):
                schemas = objects.all_schemas(conn)  # every schema but the system ones
            listed = [None] if schemas is None else list(schemas)
            # refuse before reflecting what reflection gets wrong
            inventory.refuse(inventory.take(conn, reflector.dialect_obj, None, listed))
            snap = reflector.snapshot(release=release, rows_of=rows_of, schemas=schemas)
            if objects is not None:  # schemas, extensions, sequences
                snap = objects.capture(conn, snap, listed, hint=hint if full_hint else None)
            parts = _dialect_part(reflector.dialect_obj, "partitions")
            if parts is not None:  # partitioning and inheritance: parents own columns
                snap = parts.capture(conn, snap, listed)
            snap = inventory.capture(conn, reflector.dialect_obj, snap, listed)
            if hint is not None and full_hint and snap.routines:
                from planner.state import routines_yaml  # the hint's spelling, its choices

                snap = routines_yaml.left_alone(snap, hint)
                snap = dataclasses.replace(
                    snap, routines=routines_yaml.spelled_as(snap.routines, hint.routines)
                )
            if hint is not None and full_hint and snap.views:
                from planner.state import views  # the hint's spelling of the same query

                snap = views.spelled_as(snap, hint, reflector.dialect_obj.name)
            return _plain(snap)
    finally:
        if owned:
            engine.dispose()


def _dialect_part(dialect, name: str):
    """The dialect's part ``name``, if it has one."""
    try:
        return dialect.part(name)
    except ModuleNotFoundError:
        return None


def _objects_part(dialect):
    """The dialect's schemas, extensions and sequences part, if it has one (PostgreSQL)."""
    try:
        return dialect.part("objects")
    except ModuleNotFoundError:
        return None


class _Reflector:
    """One reflection pass over a connection (private; see :func:`from_database`)."""

    def __init__(self, conn: sa.engine.Connection, *, hint: Snapshot | None, full_hint: bool):
        self.conn = conn
        self.dialect_obj = dialects.get(conn.engine.dialect.name)
        self.dialect = self.dialect_obj.name
        self.insp = sa.inspect(conn)
        self.hint = hint
        self.full_hint = full_hint
        self.default_schema = self.insp.default_schema_name
        self.hint_enums = hint.enums_by_name() if hint else {}
        self.by_values = {e.values: e.name for e in hint.enums} if hint else {}
        self.found_enums: dict[str, Enum] = {}

    # -- whole database ------------------------------------------------------
    def snapshot(self, *, release, rows_of, schemas) -> Snapshot:
        schema_list = [None] if schemas is None else list(schemas)
        # the default schema named explicitly is the default schema (None in snapshots)
        schema_list = list(
            dict.fromkeys(None if x == self.default_schema else x for x in schema_list)
        )
        if self.dialect_obj.has_named_enums:
            for schema in schema_list:
                comments = self.dialect_obj.enum_comments(self.conn, schema or self.default_schema)
                for e in self.insp.get_enums(schema=schema or self.default_schema):
                    if e.get("schema") not in (None, self.default_schema, schema):
                        continue
                    self.found_enums[e["name"]] = Enum(
                        name=e["name"],
                        values=tuple(e["labels"]),
                        schema=None if e.get("schema") == self.default_schema else e.get("schema"),
                        comment=comments.get(e["name"]),
                    )
            self.by_values = {
                **{e.values: e.name for e in self.found_enums.values()},
                **self.by_values,
            }
        tables = []
        for schema in schema_list:
            # an extension's own tables (PostGIS's spatial_ref_sys) come with the extension
            skip = SKIP_TABLES | self.dialect_obj.extension_tables(self.conn, schema)
            names = [n for n in sorted(self.insp.get_table_names(schema=schema)) if n not in skip]
            # every table of the schema in one catalog query per kind (not one per table)
            raw = self.dialect_obj.reflect_tables(self.conn, self.insp, schema, names)
            for name in names:
                tables.append(self.table(name, schema, rows_of, raw[name]))
        names = {_qualified(t.schema, t.name) for t in tables}
        missing = [r for r in rows_of if r not in names]
        if missing and not self.full_hint:
            raise CaptureError(
                f"--rows-of names table(s) not in the database: {', '.join(missing)} "
                "(check the names; schema-qualify tables outside the default schema)"
            )
        convention = self.hint.naming_convention if self.full_hint and self.hint else ()
        return Snapshot(
            release=release,
            tables=tuple(tables),
            enums=tuple(self.found_enums.values()),
            naming_convention=convention,
        )

    def hint_table(self, name: str, schema: str | None) -> Table | None:
        if not self.hint:
            return None
        return self.hint.get_table((schema, name))

    # -- one table -----------------------------------------------------------
    def table(self, name: str, schema: str | None, rows_of, rt: RawTable) -> Table:
        self.table_schema = schema
        hint = self.hint_table(name, schema) if self.full_hint else None
        enum_hint = self.hint_table(name, schema)
        raw_checks = rt.checks
        json_cols = rt.json_columns
        checks = []
        unnamed = 0
        made: set[str] = set()  # names given to unnamed constraints of this table
        raw_columns = rt.columns
        column_names = [c["name"] for c in raw_columns]
        for ck in raw_checks:
            text = _clean_sql(ck["sqltext"])
            if ck.get("name") in json_cols and re.fullmatch(r"json_valid\(.*\)", text, re.S):
                continue
            ck_name = ck.get("name")
            ck_cols = _check_columns(text, column_names)
            if self.dialect_obj.is_default_name("ck", ck_name, name, ck_cols):
                same = [
                    c
                    for c in (hint or enum_hint or _NO_TABLE).checks
                    if same_meaning(c.sqltext, text, self.dialect)
                ]
                unnamed += 1
                ck_name = (
                    same[0].name
                    if same
                    else self.derive(
                        "ck", name, (), number=unnamed, check_columns=ck_cols, taken=made
                    )
                )
                made.add(ck_name)
            checks.append(Check(name=ck_name, sqltext=self.check_text(ck_name, text, hint)))
        pk_raw = rt.pk or {}
        pk_cols = tuple(pk_raw.get("constrained_columns") or ())
        raw_fks = rt.foreign_keys
        fks = [self.foreign_key(fk, name, hint or enum_hint, made) for fk in raw_fks]
        fk_cols = {c for fk in fks for c in fk.columns}
        columns = []
        for raw in raw_columns:
            columns.append(self.column(raw, name, pk_cols, fk_cols, json_cols, hint, enum_hint))
        columns = self.fix_autoincrement(columns, pk_cols, fk_cols)
        # a serial column outside the primary key keeps its default: its sequence is
        # modelled (``sequences:``), not its autoincrement
        columns = [
            dataclasses.replace(c, server_default=_nextval(raw))
            if c.name not in pk_cols and _nextval(raw) is not None
            else c
            for c, raw in zip(columns, raw_columns, strict=True)
        ]
        pk = None
        if pk_cols:
            pk = PrimaryKey(name=self.pk_name(name, pk_cols, pk_raw.get("name")), columns=pk_cols)
        uniques, indexes = self.uniques_and_indexes(name, schema, rt, hint, made)
        if self.dialect_obj.adds_foreign_key_indexes:
            # InnoDB adds an index named after each foreign key no index covers (after its
            # first column when the key has no name of its own)
            declared = {i.name for i in hint.indexes} if hint else set()
            fk_named = {(fk.name, fk.columns) for fk in fks}
            for raw_fk in raw_fks:
                cols = tuple(raw_fk["constrained_columns"])
                fk_named |= {(raw_fk.get("name"), cols), (cols[0], cols)}
            indexes = [
                i
                for i in indexes
                if i.unique or i.name in declared or (i.name, i.columns) not in fk_named
            ]
        comment = rt.comment if self.dialect_obj.has_comments else None
        t = Table(
            name=name,
            schema=schema,
            columns=tuple(columns),
            primary_key=pk,
            foreign_keys=tuple(fks),
            uniques=tuple(uniques),
            checks=tuple(checks),
            indexes=tuple(indexes),
            comment=comment,
        )
        qname = _qualified(schema, name)
        if qname in rows_of:
            t = dataclasses.replace(t, rows=self.rows(t, hint, enum_hint))
        return t

    def column(self, raw, table, pk_cols, fk_cols, json_cols, hint, enum_hint) -> Column:
        name = raw["name"]
        hcol = hint.column(name) if hint and hint.has_column(name) else None
        ecol = enum_hint.column(name) if enum_hint and enum_hint.has_column(name) else None
        own = raw.get(TYPE_KEY)  # the type as the dialect read it from the catalog
        try:
            if isinstance(own, Exception):
                raise own
            if self.dialect_obj.reflects_lossily(raw["type"]):
                raise coltypes.TypeReflectionError(
                    f"type {raw['type']!r} has modifiers or a kind of its own that no "
                    "canonical type keeps, and no verbatim form"
                )
            type_text = own or self.type_text(
                raw["type"], ecol, f"{table}_{name}", is_json=name in json_cols
            )
        except coltypes.TypeReflectionError as e:  # any other type: verbatim, or named
            from planner.state import typeverbatim

            type_text = typeverbatim.reflect(
                self.conn, self.dialect_obj, self.table_schema, table, name, e
            )
        if (
            hcol is not None
            and hcol.type != type_text
            and _same_type(
                hcol.type,
                type_text,
                self.dialect,
                {e.name: e.values for e in self.hint_enums.values()},
            )
        ):
            type_text = hcol.type
        default = raw.get("default")
        serial = False
        if isinstance(default, str) and default.strip().lower().startswith("nextval("):
            default, serial = None, True
        default = normalise_server_default(default, type=type_text)
        if hcol is not None and hcol.server_default is not None and default is not None:
            hint_default = normalise_server_default(hcol.server_default, type=hcol.type)
            if same_meaning(hint_default, default, self.dialect):
                default = hcol.server_default
        auto = self.dialect_obj.reflected_autoincrement(raw, serial)
        comment = raw.get("comment") if self.dialect_obj.has_comments else None
        return Column(
            name=name,
            type=type_text,
            # SQLite reflects `id INTEGER PRIMARY KEY` (no NOT NULL) as nullable: primary-key
            # columns are NOT NULL in the normal form
            nullable=bool(raw["nullable"]) and name not in pk_cols,
            autoincrement=auto is True,
            server_default=default,
            on_update=self.on_update(raw, hcol),
            comment=comment or None,
            identity=column_kinds.captured_identity(raw),
            generated=column_kinds.captured_generated(raw, hcol, self.dialect),
            collation=column_kinds.captured_collation(raw, type_text),
        )

    def on_update(self, raw: dict, hcol: Column | None) -> str | None:
        """The column's ``ON UPDATE`` (MariaDB/MySQL), the hint's spelling when it means
        the same."""
        text = normalise_server_default(raw.get("on_update"))
        if text is not None and hcol is not None and hcol.on_update is not None:
            if same_meaning(normalise_server_default(hcol.on_update), text, self.dialect):
                return hcol.on_update
        return text

    def type_text(
        self, satype, ecol: Column | None, fallback: str, *, is_json: bool = False
    ) -> str:
        by_values = self.by_values
        if isinstance(satype, sa.Enum):
            values = tuple(satype.enums)
            name = None
            if ecol is not None:
                hinted = plain_enum(ecol.type)
                if (
                    hinted is not None
                    and hinted in self.hint_enums
                    and self.hint_enums[hinted].values == values
                ):
                    name = hinted
            if self.dialect_obj.has_named_enums and satype.name:
                name = satype.name
            name = name or by_values.get(values)
            if not name:
                # an inline enum no hint names: <table>_<column>, shared by equal value lists
                name = fallback
                self.by_values = by_values = {**by_values, values: name}
            if name:
                self.found_enums.setdefault(name, Enum(name=name, values=values))
                return enum_type(name)
        if self.dialect_obj.enum_as_string and ecol is not None and self.hint_enums:
            hinted = plain_enum(ecol.type)
            if hinted in self.hint_enums and isinstance(satype, sa.String):
                e = self.hint_enums[hinted]
                if satype.length == max((len(v) for v in e.values), default=0):
                    # the hint's name and values, not its comment: a VARCHAR has none
                    self.found_enums.setdefault(e.name, dataclasses.replace(e, comment=None))
                    return enum_type(e.name)
        return coltypes.from_sqlalchemy(
            satype, dialect=self.dialect, enum_names_by_values=by_values, is_json=is_json
        )

    def fix_autoincrement(self, columns, pk_cols, fk_cols) -> list[Column]:
        out = []
        auto_col = _auto_column(columns, pk_cols, fk_cols)
        for c in columns:
            if not self.dialect_obj.reflects_autoincrement or c.name not in pk_cols:
                value = None
            elif c.name == auto_col:
                value = None if c.autoincrement else False
            else:
                value = True if c.autoincrement else None
            out.append(dataclasses.replace(c, autoincrement=value))
        return out

    def pk_name(self, table: str, cols, name: str | None) -> str | None:
        return self.dialect_obj.kept_pk_name(table, name)

    def derive(
        self,
        kind: str,
        table: str,
        columns,
        *,
        referred_table: str | None = None,
        number: int = 0,
        check_columns: tuple[str, ...] = (),
        taken: set[str] | None = None,
    ) -> str:
        """A name for a constraint the database left unnamed, or named the way it names
        unnamed ones (:meth:`Dialect.is_default_name`): the hint's convention, else the
        name the naming dialect gives (``<table>_<cols>_fkey``, ``_key``, ``_check``), the
        one :func:`from_metadata` records for models that leave it unnamed."""
        conventions = self.hint.conventions if self.hint else {}
        kw = {
            "table": table,
            "columns": list(columns),
            "referred_table": referred_table,
            "constraint_name": str(number) if kind == "ck" else None,
        }
        template = conventions.get(kind)
        if template:
            try:
                return convention_name(template, **kw)
            except ConventionError:
                pass
        from planner.dialects import naming_dialect

        name = naming_dialect().default_name(
            kind, table, tuple(columns), check_columns=check_columns, taken=taken or set()
        )
        assert name is not None
        return name

    def foreign_key(self, raw, table: str, hint: Table | None, made: set[str]) -> ForeignKey:
        opts = raw.get("options") or {}
        name = raw.get("name")
        cols = tuple(raw["constrained_columns"])
        if self.dialect_obj.is_default_name("fk", name, table, cols):
            same = [
                f
                for f in (hint.foreign_keys if hint else ())
                if f.columns == cols and f.ref_table == raw["referred_table"]
            ]
            name = (
                same[0].name
                if same
                else self.derive(
                    "fk", table, cols, referred_table=raw["referred_table"], taken=made
                )
            )
            made.add(name)
        ref_schema = raw.get("referred_schema")
        if ref_schema == self.default_schema or not self.dialect_obj.has_schemas:
            ref_schema = None
        return ForeignKey(
            name=name,
            columns=cols,
            ref_table=raw["referred_table"],
            ref_columns=tuple(raw["referred_columns"]),
            ref_schema=ref_schema,
            ondelete=self.dialect_obj.fk_action(opts.get("ondelete")),
            onupdate=self.dialect_obj.fk_action(opts.get("onupdate")),
        )

    def check_text(self, name: str, text: str, hint: Table | None) -> str:
        if hint is not None:
            for ck in hint.checks:
                if ck.name == name and same_meaning(ck.sqltext, text, self.dialect):
                    return ck.sqltext
        return text

    def uniques_and_indexes(
        self, name, schema, raw: RawTable, hint, made
    ) -> tuple[list[Unique], list[Index]]:
        hint_ix = {i.name: i for i in hint.indexes} if hint else {}
        uniques, indexes = [], []
        uq_names = set()
        raw_uniques = list(raw.uniques)
        for u in raw_uniques:
            cols = tuple(u["column_names"])
            if u.get("name"):
                uq_names.add(u["name"])  # its index (MariaDB) is the constraint
            if self.dialect_obj.is_default_name("uq", u.get("name"), name, cols):
                hinted = (hint.uniques if hint else ()) + tuple(
                    i for i in (hint.indexes if hint else ()) if i.unique and i.where is None
                )
                same = [x for x in hinted if x.columns == cols]
                made_name = same[0].name if same else self.derive("uq", name, cols, taken=made)
                made.add(made_name)
                u = {**u, "name": made_name}
            uq_names.add(u["name"])
            h = hint_ix.get(u["name"])
            if self.dialect_obj.unique_index_is_constraint and h is not None and h.unique:
                indexes.append(Index(name=u["name"], columns=tuple(u["column_names"]), unique=True))
            else:
                uniques.append(Unique(name=u["name"], columns=tuple(u["column_names"])))
        for ix in raw.indexes:
            if ix.get("duplicates_constraint") or ix["name"] in uq_names:
                continue
            if any(c is None for c in ix["column_names"]):
                continue  # not modelled: the inventory lists it as unmanaged
            opts = ix.get("dialect_options") or {}
            where = opts.get(f"{self.dialect}_where")
            if where is not None:
                where = _clean_sql(str(where))
                h = hint_ix.get(ix["name"])
                if h is not None and h.where and same_meaning(h.where, where, self.dialect):
                    where = h.where
            using = opts.get(f"{self.dialect}_using")
            indexes.append(
                Index(
                    name=ix["name"],
                    columns=tuple(ix["column_names"]),
                    unique=bool(ix.get("unique")),
                    where=where,
                    using=None if using in (None, "btree") else str(using),
                    include=tuple(opts.get(f"{self.dialect}_include") or ()),
                )
            )
        return uniques, indexes

    # -- rows ------------------------------------------------------------------
    def rows(self, t: Table, hint: Table | None, spelling: Table | None = None) -> RowSet:
        """``t``'s rows; ``spelling``: the newest snapshot's table, whose spelling of a
        value the database holds is kept (:func:`~planner.state.capture_rows.read_rows`)."""
        return read_rows(self.conn, t, hint, self.found_enums, spelling)


def _nextval(raw) -> str | None:
    default = raw.get("default")
    if isinstance(default, str) and default.strip().lower().startswith("nextval("):
        return default.strip()
    return None


def _same_type(a: str, b: str, dialect: str, enums: Mapping[str, tuple[str, ...]]) -> bool:
    try:
        na = coltypes.normalise_type(a, dialect, enums=enums)
        return na == coltypes.normalise_type(b, dialect, enums=enums)
    except Exception:  # noqa: BLE001 - unknown spellings are simply different
        return False


_NO_TABLE = Table(name="")

_INTEGER_TYPES = ("Integer", "BigInteger", "SmallInteger")


def _auto_column(columns: Iterable[Column], pk_cols, fk_cols) -> str | None:
    """The column SQLAlchemy's ``autoincrement="auto"`` makes autoincrementing, if any."""
    if len(pk_cols) != 1:
        return None
    (name,) = pk_cols
    if name in fk_cols:
        return None
    for c in columns:
        if c.name == name and coltypes.nearest(c.type).split("(")[0] in _INTEGER_TYPES:
            return name
    return None


# ---------------------------------------------------------------------------
# snapshot side of the comparison
# ---------------------------------------------------------------------------


def normalise_for(snapshot: Snapshot, dialect: str | dialects.Dialect) -> Snapshot:
    """``snapshot`` as a database of ``dialect`` can hold it (the NORMALISATIONS table).

    ``dialect`` is ``postgresql``, ``mysql`` (also ``mariadb``) or ``sqlite``. Hints
    are dropped; the result compares equal to :func:`capture_for` of a database built
    from ``snapshot``.

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="a", type="Integer", comment="x"),))
        >>> from planner.dialects.sqlite import SQLite
        >>> normalise_for(Snapshot(release="1", tables=(t,)), SQLite()).table("t").column("a").comment is None
        True
    """
    d = dialects.get(dialect)
    tables = []
    used_enums: set[str] = set()
    for t in snapshot.tables:
        fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
        pk_cols = t.primary_key.columns if t.primary_key else ()
        auto_col = _auto_column(t.columns, pk_cols, fk_cols)
        cols = []
        for c in t.columns:
            used = plain_enum(c.type)
            if used is not None:
                used_enums.add(used)
            auto = c.autoincrement
            if not d.reflects_autoincrement or c.name not in pk_cols:
                auto = None
            elif c.name == auto_col:
                auto = None if auto in (None, True) else False
            else:
                auto = True if auto else None
            cols.append(
                dataclasses.replace(
                    c,
                    autoincrement=auto,
                    comment=c.comment if d.has_comments else None,
                    server_default=_keep_default(c),
                    renamed_from=None,
                    backfill=None,
                )
            )
        pk = t.primary_key
        if pk is not None and pk.name is not None and d.kept_pk_name(t.name, pk.name) is None:
            pk = dataclasses.replace(pk, name=None)
        fks = t.foreign_keys
        indexes = t.indexes
        fks = tuple(
            dataclasses.replace(
                fk,
                ref_schema=fk.ref_schema if d.has_schemas else None,
                ondelete=d.fk_action(fk.ondelete),
                onupdate=d.fk_action(fk.onupdate),
            )
            for fk in fks
        )
        if not d.has_partial_indexes:
            indexes = tuple(dataclasses.replace(i, where=None) for i in indexes)
        tables.append(
            dataclasses.replace(
                t,
                schema=t.schema if d.has_schemas else None,
                columns=tuple(cols),
                primary_key=pk,
                foreign_keys=fks,
                indexes=indexes,
                comment=t.comment if d.has_comments else None,
                renamed_from=None,
            )
        )
    schemas = snapshot.schemas
    if d.has_schemas:  # a table's (enum's ...) schema exists with it: captured, so listed
        from planner.state.pg_objects import implied_schemas

        schemas = implied_schemas(snapshot)
    enums = snapshot.enums
    if not d.has_schemas:
        enums = tuple(dataclasses.replace(e, schema=None) for e in enums)
    if not d.has_named_enums:  # inline ENUMs: no type to comment on
        enums = tuple(dataclasses.replace(e, comment=None) for e in enums if e.name in used_enums)
    from planner.state.routines_yaml import of_dialect  # a database holds its own only

    routines = of_dialect(snapshot.routines, d)
    views = snapshot.views
    if not d.has_view_comments:
        views = tuple(dataclasses.replace(v, comment=None) for v in views)
    return dataclasses.replace(
        snapshot,
        tables=tuple(tables),
        enums=enums,
        routines=routines,
        views=views,
        schemas=schemas,
    )


def _keep_default(c: Column) -> str | None:
    if c.server_default is None:
        return None
    if normalise_server_default(c.server_default, type=c.type) is None:
        return None
    return c.server_default
