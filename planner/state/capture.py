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
import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx
import sqlalchemy as sa
from sqlalchemy.engine import default as sa_default
from sqlalchemy.sql import naming as sa_naming
from sqlalchemy.sql import schema as sa_schema
from sqlalchemy.sql.base import _NONE_NAME
from sqlalchemy.sql.elements import conv

from planner.sqlexpr import escape_binds, same_meaning, unescape_binds
from planner.state import coltypes
from planner.state.errors import DbplanError
from planner.state.model import (
    NAMING_CONVENTION_KEYS,
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
    freeze,
    thaw,
)
from planner.state.naming import ConventionError, convention_name

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
| server default: serial | `nextval('t_id_seq'::regclass)` (PostgreSQL) | dropped; the column autoincrements |
| server default: current time | `CURRENT_TIMESTAMP`, `current_timestamp()`, `current_timestamp(6)`, `localtimestamp`, `now()` | `now()` (created as `CURRENT_TIMESTAMP` on SQLite) |
| server default: Boolean columns | `1`, `'1'`, `'t'`, `true` / `0`, `'0'`, `'f'`, `false` (MariaDB stores 1/0) | `true` / `false` |
| server default: numeric columns | `'5'`, `1.50` (MariaDB pads to the scale) | `5`, `1.5` |
| primary key name | PostgreSQL `<table>_pkey`; MariaDB always `PRIMARY` | `None` (the dialect's default); any other name is kept, a `pk` convention's name included |
| autoincrement | serial / `AUTO_INCREMENT` / identity | `None` when it equals SQLAlchemy's "auto" (the single integer primary-key column without a foreign key); `False` on that column without a serial; `True` on another primary-key column with one; outside the primary key `None` (no effect); SQLite (rowid) always `None` |
| primary-key nullability | SQLite: a key column without `NOT NULL` (`id INTEGER PRIMARY KEY`) reflects as nullable | NOT NULL |
| comments | SQLite has none | `None` on SQLite |
| schemas | SQLite, MariaDB: the default schema only | `None` there; the default schema named explicitly is `None` everywhere |
| enums (PostgreSQL) | `get_enums()` | every enum, used or not |
| enums (MariaDB) | inline `ENUM('a', 'b')` per column | `Enum(x)` with the hint's enum of the same values (the column's own hint first); no hint: `<table>_<column>`, equal value lists share one; enums no column uses are dropped |
| enums (SQLite) | `VARCHAR(<longest value>)` | `Enum(x)` when the hint's column is `Enum(x)` of that length, else `String(n)`; enums no column uses are dropped |
| types | reflected SQLAlchemy type | `coltypes.from_sqlalchemy`; with a hint, the hint's type when `coltypes.normalise_type` makes them equal on the dialect (`DateTime(timezone=True)` -> `DateTime` on MariaDB/SQLite, `postgresql.JSONB` -> `JSON`, ...) |
| JSON (MariaDB) | `LONGTEXT` + `CHECK (json_valid(col))` | `JSON`, no check |
| check text | `((name)::text <> ''::text)` (PostgreSQL), `` `name` <> '' ``, `'it\\'s'` (MariaDB) | with a hint: the hint's text when both mean the same (`planner.sqlexpr.same_meaning`: parsed, PostgreSQL's casts, `= ANY (ARRAY[...])` vs `IN (...)`, `BETWEEN`, parentheses, quoting, booleans, `now()`); else the text without identifier quotes, outer parentheses and casts of literals, MariaDB's `\\'` written `''` |
| partial index `where` | PostgreSQL, SQLite | as the check text; MariaDB has none: dropped |
| unique index vs unique constraint | MariaDB reflects both as either | a unique index the hint declares stays an index; otherwise a unique constraint |
| foreign-key indexes | MariaDB adds an index named like each foreign key no index covers | dropped unless the hint declares it |
| FK `ondelete`/`onupdate` | `NO ACTION`; MariaDB omits `RESTRICT` | `None` for `NO ACTION` (the default), and for `RESTRICT` on MariaDB |
| unnamed constraints | SQLite keeps no name; MariaDB makes up `<table>_ibfk_<n>`, `<column>[_<n>]` (unique), `CONSTRAINT_<n>` (check) | the hint's constraint with the same columns (checks: the same text), else the hint's naming convention, else the name PostgreSQL gives (`<table>_<cols>_fkey`, `<table>_<cols>_key`, `<table>[_<col>]_check`); a column-level `UNIQUE` (an `sqlite_autoindex`) is a unique constraint |
| `alembic_version` | Alembic's table | never captured |
| managed rows (`capture_for`) | every row of the table | only the snapshot's managed tables, only rows whose key the snapshot declares, only the columns each row declares, in the snapshot's order; a value is the snapshot's own when it binds to what the database holds (a zone-aware datetime also matches the naive wall time MariaDB/SQLite store), else `coltypes.yaml_value` of it |
| managed rows (`from_database --rows-of`) | every row | all rows, ordered by the primary key (all columns without one), values by `coltypes.yaml_value` |
"""

#: ``column.info`` / ``table.info`` key holding the migration hints
INFO_HINTS = "dbplan"
#: ``table.info`` key holding the managed rows: ``(key, rows)``
INFO_ROWS = "dbplan_rows"
#: ``metadata.info`` keys written by :func:`to_metadata`
INFO_ENUMS = "dbplan_enums"
INFO_CONVENTION = "dbplan_naming_convention"

SKIP_TABLES = frozenset({"alembic_version"})

#: renders model expressions as portable SQL: ``sa.true()`` as ``true`` (PostgreSQL, MariaDB
#: and SQLite >= 3.23 read it), not the ``1`` of a dialect without native booleans, which
#: PostgreSQL refuses as the default of a boolean column
_GENERIC = sa_default.DefaultDialect()
_GENERIC.supports_native_boolean = True


class CaptureError(DbplanError):
    """A model or database cannot be expressed as a snapshot."""


# ---------------------------------------------------------------------------
# snapshot -> MetaData
# ---------------------------------------------------------------------------


def to_metadata(snapshot: Snapshot) -> sa.MetaData:
    """Build the SQLAlchemy ``MetaData`` that creates ``snapshot``'s schema.

    Every name is passed as a ``conv`` so the naming convention (set on the MetaData
    for objects added later) never renames a declared object.

    Example:
        >>> from planner.state.model import Column, PrimaryKey, Snapshot, Table
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> md = to_metadata(Snapshot(release="0.1.0", tables=(t,)))
        >>> [c.name for c in md.tables["units"].primary_key.columns]
        ['id']
    """
    nc = dict(snapshot.naming_convention)
    md = sa.MetaData(naming_convention=nc) if nc else sa.MetaData()
    md.info[INFO_CONVENTION] = snapshot.naming_convention
    md.info[INFO_ENUMS] = snapshot.enums
    shared = {
        e.name: sa.Enum(*e.values, name=e.name, metadata=md, create_constraint=False)
        for e in snapshot.enums
    }
    cyclic = _cyclic_foreign_keys(snapshot)
    built = [(t, _table_to_sa(t, md, shared)) for t in snapshot.tables]
    for t, sat in built:  # after every table exists: FKs refer to Column objects
        for fk in t.foreign_keys:
            sat.append_constraint(_fk_to_sa(fk, md, use_alter=(t.key, fk.name) in cyclic))
    return md


def _fk_to_sa(fk: ForeignKey, md: sa.MetaData, *, use_alter: bool) -> sa.ForeignKeyConstraint:
    prefix = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
    ref = md.tables.get(prefix)
    if ref is not None and all(c in ref.c for c in fk.ref_columns):
        targets: list[Any] = [ref.c[c] for c in fk.ref_columns]  # names may contain dots
    else:
        targets = [f"{prefix}.{c}" for c in fk.ref_columns]
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        targets,
        name=conv(fk.name),
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
        use_alter=use_alter,
    )


def _cyclic_foreign_keys(snapshot: Snapshot) -> set[tuple[tuple[str | None, str], str]]:
    """(table key, fk name) of foreign keys between tables of one dependency cycle."""
    g = nx.DiGraph()
    for t in snapshot.tables:
        g.add_node(t.key)
        for fk in t.foreign_keys:
            if fk.ref_key != t.key:
                g.add_edge(t.key, fk.ref_key)
    out = set()
    for comp in nx.strongly_connected_components(g):
        if len(comp) < 2:
            continue
        for t in snapshot.tables:
            if t.key in comp:
                out.update(
                    (t.key, fk.name)
                    for fk in t.foreign_keys
                    if fk.ref_key in comp and fk.ref_key != t.key
                )
    return out


def _sa_type(text: str, shared: Mapping[str, sa.Enum]) -> Any:
    m = _ENUM_TYPE.match(text)
    if m and m.group(1) in shared:
        return shared[m.group(1)]
    return coltypes.to_sqlalchemy(text, enums={k: tuple(v.enums) for k, v in shared.items()})


_ENUM_TYPE = re.compile(r"^Enum\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$")


def _table_to_sa(t: Table, md: sa.MetaData, shared) -> sa.Table:
    pk = t.primary_key
    pk_cols = tuple(pk.columns) if pk else ()
    implicit_pk = (
        pk is not None
        and pk.name is None
        and pk_cols == tuple(c.name for c in t.columns if c.name in pk_cols)
    )
    items: list[Any] = []
    for c in t.columns:
        kw: dict[str, Any] = {"nullable": c.nullable}
        if c.server_default is not None:
            kw["server_default"] = sa.text(escape_binds(c.server_default))
        if c.comment is not None:
            kw["comment"] = c.comment
        hints = {k: v for k, v in (("renamed_from", c.renamed_from), ("backfill", c.backfill)) if v}
        if hints:
            kw["info"] = {INFO_HINTS: hints}
        items.append(
            sa.Column(
                c.name,
                _sa_type(c.type, shared),
                primary_key=implicit_pk and c.name in pk_cols,
                autoincrement="auto" if c.autoincrement is None else c.autoincrement,
                **kw,
            )
        )
    if pk is not None and not implicit_pk:
        items.append(sa.PrimaryKeyConstraint(*pk_cols, name=_conv(pk.name)))
    for u in t.uniques:
        items.append(sa.UniqueConstraint(*u.columns, name=conv(u.name)))
    for ck in t.checks:
        items.append(sa.CheckConstraint(sa.text(escape_binds(ck.sqltext)), name=conv(ck.name)))
    for ix in t.indexes:
        kw = {}
        if ix.where is not None:
            where = sa.text(escape_binds(ix.where))
            kw = {"postgresql_where": where, "sqlite_where": where}
        items.append(sa.Index(conv(ix.name), *ix.columns, unique=ix.unique, **kw))
    info: dict[str, Any] = {}
    if t.renamed_from:
        info[INFO_HINTS] = {"renamed_from": t.renamed_from}
    if t.rows is not None:
        info[INFO_ROWS] = (tuple(t.rows.key), tuple(thaw(r) for r in t.rows.rows))
    sat = sa.Table(t.name, md, *items, schema=t.schema, comment=t.comment, info=info)
    if pk is not None and pk.name is None:
        sat.primary_key.name = None  # the dialect's default name, even under a pk convention
    return sat


def _conv(name: str | None) -> Any:
    return conv(name) if name else None


# ---------------------------------------------------------------------------
# MetaData -> snapshot
# ---------------------------------------------------------------------------

RowsSpec = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def from_metadata(md: Any, *, release: str, rows: RowsSpec | None = None) -> Snapshot:
    """The snapshot of a MetaData, a declarative base, or anything with ``.metadata``.

    Unnamed constraints and indexes are named by the MetaData's ``naming_convention``;
    one that stays unnamed is an error. ``rows`` adds managed rows:
    ``{table: [row, ...]}``, ``{table: {"key": [...], "values": [...]}}``, or a callable
    returning either.

    Example:
        >>> import sqlalchemy as sa
        >>> md = sa.MetaData()
        >>> _ = sa.Table("units", md, sa.Column("id", sa.Integer, primary_key=True))
        >>> from_metadata(md, release="0.1.0").table("units").primary_key.columns
        ('id',)
    """
    md = _as_metadata(md)
    problems: list[str] = []
    enums = _enums_of(md, problems)
    by_values = {e.values: e.name for e in enums.values()}
    row_spec = rows() if callable(rows) else (rows or {})
    tables = []
    for sat in sorted(md.tables.values(), key=lambda t: (t.schema or "", t.name)):
        tables.append(_table_from_sa(sat, by_values, row_spec, problems))
    unknown = set(row_spec) - {_qualified(t.schema, t.name) for t in tables}
    for name in sorted(unknown):
        problems.append(f"rows given for unknown table {name!r} (check the table name)")
    if problems:
        raise CaptureError(
            "cannot capture the models:\n" + "\n".join(f"  {p}" for p in sorted(problems))
        )
    convention = md.info.get(INFO_CONVENTION)
    if convention is None:
        convention = _convention_of(md)
    return _plain(
        Snapshot(
            release=release,
            tables=tuple(tables),
            enums=tuple(enums.values()),
            naming_convention=convention,
        )
    )


def _plain(obj: Any) -> Any:
    """``obj`` with SQLAlchemy's ``str`` subclasses (``quoted_name``, ``conv``) made plain
    ``str``: YAML dumping and equality must not depend on them."""
    if isinstance(obj, str):
        return str.__str__(obj)
    if isinstance(obj, FrozenMap):
        return FrozenMap((_plain(k), _plain(v)) for k, v in obj)
    if isinstance(obj, tuple):
        return tuple(_plain(v) for v in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return dataclasses.replace(obj, **changes)
    return obj


def _as_metadata(obj: Any) -> sa.MetaData:
    if isinstance(obj, sa.MetaData):
        return obj
    md = getattr(obj, "metadata", None)
    if isinstance(md, sa.MetaData):
        return md
    raise CaptureError(
        f"{obj!r} is not a SQLAlchemy MetaData or declarative base "
        "(point at the MetaData or the Base class, e.g. app.models:Base)"
    )


def _convention_of(md: sa.MetaData) -> tuple[tuple[str, str], ...]:
    nc = md.naming_convention
    if dict(nc) == dict(sa_schema.DEFAULT_NAMING_CONVENTION):
        return ()
    return tuple(
        sorted((k, v) for k, v in nc.items() if k in NAMING_CONVENTION_KEYS and isinstance(v, str))
    )


def _enums_of(md: sa.MetaData, problems: list[str]) -> dict[str, Enum]:
    found: dict[str, Enum] = {e.name: e for e in md.info.get(INFO_ENUMS, ())}
    for sat in md.tables.values():
        for col in sat.columns:
            for satype in _enum_types(col.type):
                if not satype.name:
                    continue
                e = Enum(name=satype.name, values=tuple(satype.enums))
                old = found.setdefault(e.name, e)
                if old.values != e.values:
                    problems.append(
                        f"enum {e.name!r} has two value lists: {list(old.values)} and "
                        f"{list(e.values)} ({sat.name}.{col.name}; give the types one list)"
                    )
    return dict(sorted(found.items()))


def _enum_types(satype: Any) -> list[sa.Enum]:
    if isinstance(satype, sa.TypeDecorator):
        satype = satype.impl_instance if hasattr(satype, "impl_instance") else satype.impl
    if isinstance(satype, sa.Enum):
        return [satype]
    item = getattr(satype, "item_type", None)
    return _enum_types(item) if item is not None else []


def _type_text(satype: Any, *, dialect: str | None, by_values: Mapping[tuple, str]) -> str:
    enums = _enum_types(satype)
    if enums and enums[0] is satype and satype.name:
        return f"Enum({satype.name})"
    return coltypes.from_sqlalchemy(satype, dialect=dialect, enum_names_by_values=by_values)


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _sql(clause: Any) -> str:
    """SQL text of a DDL fragment (check, index predicate, default) without table prefixes."""
    if isinstance(clause, str):
        return clause
    if isinstance(clause, sa.TextClause):
        return unescape_binds(clause.text)  # the SQL it runs: \:x is :x
    ddl = _GENERIC.ddl_compiler(_GENERIC, None)
    return str(ddl.sql_compiler.process(clause, include_table=False, literal_binds=True))


#: convention key of each constraint kind ``_name_of`` names
_KIND_KEYS = {
    "foreign key": "fk",
    "unique constraint": "uq",
    "check constraint": "ck",
    "index": "ix",
}


def _name_of(
    const: Any,
    sat: sa.Table,
    kind: str,
    what: str,
    problems: list[str],
    *,
    columns: tuple[str, ...] = (),
    check_columns: tuple[str, ...] = (),
) -> str | None:
    """The constraint's name: given, from the naming convention, else the name the
    naming dialect (PostgreSQL) gives an unnamed one (``<table>_<cols>_fkey`` …), which
    capture maps every dialect's own made-up names to."""
    name = const.name
    if isinstance(name, conv):
        return str(name)
    try:
        derived = sa_naming._constraint_name_for_table(const, sat)
    except sa.exc.InvalidRequestError as e:
        problems.append(f"{_qualified(sat.schema, sat.name)}: {kind} {what}: {e}")
        return None
    if derived:
        return str(derived)
    if name is None or name is _NONE_NAME:
        from planner.dialects import naming_dialect

        taken = sat.info.setdefault(_INFO_TAKEN, set())
        made = naming_dialect().default_name(
            _KIND_KEYS[kind], sat.name, columns, check_columns=check_columns, taken=taken
        )
        taken.add(made)
        return made
    return str(name)


#: ``sat.info`` key: the names ``_name_of`` gave the table's unnamed constraints
_INFO_TAKEN = "dbplan_default_names"


def _check_columns(sqltext: str, columns: Iterable[str]) -> tuple[str, ...]:
    """The columns a check expression reads (distinct, in order of appearance): the
    identifiers outside string literals that name a column of the table.

    Example:
        >>> _check_columns("note <> 'qty' AND qty > 0 AND note > ''", ["qty", "note", "id"])
        ('note', 'qty')
    """
    known = set(columns)
    text = re.sub(r"'(?:[^']|'')*'", "''", sqltext)
    out: list[str] = []
    for m in _IDENT.finditer(text):
        quoted, backtick, bare = m.groups()
        name = quoted.replace('""', '"') if quoted else (backtick or bare)
        if name in known and name not in out:
            out.append(name)
    return tuple(out)


_IDENT = re.compile(r'"((?:[^"]|"")+)"|`([^`]+)`|\b([A-Za-z_][\w$]*)\b')


def _table_from_sa(sat: sa.Table, by_values, row_spec, problems: list[str]) -> Table:
    qname = _qualified(sat.schema, sat.name)
    columns = []
    for col in sat.columns:
        columns.append(_column_from_sa(col, qname, by_values, problems))
    pk = None
    if sat.primary_key is not None and len(sat.primary_key.columns):
        pk = PrimaryKey(
            name=_pk_name(sat, problems), columns=tuple(c.name for c in sat.primary_key.columns)
        )
    fks, uniques, checks = [], [], []
    for const in sat.constraints:
        if isinstance(const, sa.PrimaryKeyConstraint):
            continue
        cols = tuple(c.name for c in const.columns) if hasattr(const, "columns") else ()
        if isinstance(const, sa.ForeignKeyConstraint):
            fks.append(_fk_from_sa(const, sat, problems))
        elif isinstance(const, sa.UniqueConstraint):
            name = _name_of(
                const, sat, "unique constraint", f"on ({', '.join(cols)})", problems, columns=cols
            )
            if name:
                uniques.append(Unique(name=name, columns=cols))
        elif isinstance(const, sa.CheckConstraint):
            if getattr(const, "_type_bound", False):
                continue  # implied by a Boolean/Enum type with create_constraint
            text = _sql(const.sqltext)
            name = _name_of(
                const,
                sat,
                "check constraint",
                repr(text),
                problems,
                check_columns=_check_columns(text, (c.name for c in sat.columns)),
            )
            if name:
                checks.append(Check(name=name, sqltext=text))
    indexes = []
    for ix in sat.indexes:
        indexes.append(_index_from_sa(ix, sat, problems))
    rows = _rows_for(sat, columns, pk, row_spec, problems)
    return Table(
        name=sat.name,
        schema=sat.schema,
        columns=tuple(columns),
        primary_key=pk,
        foreign_keys=tuple(f for f in fks if f),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(i for i in indexes if i),
        comment=sat.comment,
        rows=rows,
        renamed_from=(sat.info.get(INFO_HINTS) or {}).get("renamed_from"),
    )


def _pk_name(sat: sa.Table, problems: list[str]) -> str | None:
    """The primary key's name: given, or from the ``pk`` convention; None = the dialect's."""
    const = sat.primary_key
    name = const.name
    if isinstance(name, conv):
        return str(name)
    if name is None:
        return None  # left unnamed on purpose (to_metadata does this for "dialect default")
    if name is _NONE_NAME:
        try:
            derived = sa_naming._constraint_name_for_table(const, sat)
        except sa.exc.InvalidRequestError:
            return None
        return str(derived) if derived else None
    return _name_of(const, sat, "primary key", "", problems)


def _column_from_sa(col: sa.Column, qname: str, by_values, problems: list[str]) -> Column:
    try:
        type_text = _type_text(col.type, dialect=None, by_values=by_values)
    except Exception as e:  # noqa: BLE001 - any unsupported type is reported with its column
        fix = ""
        if any(not t.name for t in _enum_types(col.type)):
            fix = " (give the sa.Enum a name=..., or use a Python enum class)"
        problems.append(f"{qname}.{col.name}: type {col.type!r} is not supported: {e}{fix}")
        type_text = "?"
    server_default = None
    sd = col.server_default
    autoincrement = None if col.autoincrement == "auto" else bool(col.autoincrement)
    if isinstance(sd, sa.Identity):
        sd, autoincrement = None, True  # an identity column is how autoincrement is spelled
    if sd is not None:
        if isinstance(sd, sa.DefaultClause):
            arg = sd.arg
            if isinstance(arg, str):
                # a plain string is rendered quoted (DEFAULT '0'); the database reads it back
                # in its normal form (0 on a Numeric column, false on a Boolean one)
                quoted = "'" + arg.replace("'", "''") + "'"
                server_default = normalise_server_default(quoted, type=type_text)
            else:
                server_default = _sql(arg)
        else:
            problems.append(
                f"{qname}.{col.name}: server default {type(sd).__name__} is not supported "
                "(use server_default=sa.text(...))"
            )
    hints = col.info.get(INFO_HINTS) or {}
    return Column(
        name=col.name,
        type=type_text,
        nullable=bool(col.nullable),
        autoincrement=autoincrement,
        server_default=server_default,
        comment=col.comment,
        renamed_from=hints.get("renamed_from"),
        backfill=hints.get("backfill"),
    )


def _fk_from_sa(const: sa.ForeignKeyConstraint, sat: sa.Table, problems) -> ForeignKey | None:
    cols = tuple(e.parent.name for e in const.elements)
    ref_schema, ref_table, ref_cols = None, None, []
    for e in const.elements:
        try:
            target = e.column  # resolved: names may contain dots
        except sa.exc.NoReferenceError:
            table_part, _, colname = e.target_fullname.rpartition(".")
            schema, _, table = table_part.rpartition(".")
            ref_cols.append(colname)
            ref_table, ref_schema = table, schema or None
        else:
            ref_cols.append(target.name)
            ref_table, ref_schema = target.table.name, target.table.schema
    name = _name_of(const, sat, "foreign key", f"on ({', '.join(cols)})", problems, columns=cols)
    if not name:
        return None
    return ForeignKey(
        name=name,
        columns=cols,
        ref_table=ref_table,
        ref_columns=tuple(ref_cols),
        ref_schema=ref_schema,
        ondelete=const.ondelete.upper() if const.ondelete else None,
        onupdate=const.onupdate.upper() if const.onupdate else None,
    )


def _index_from_sa(ix: sa.Index, sat: sa.Table, problems) -> Index | None:
    cols = []
    for expr in ix.expressions:
        if isinstance(expr, sa.Column):
            cols.append(expr.name)
        elif isinstance(expr, str):
            cols.append(expr)
        else:
            problems.append(
                f"{_qualified(sat.schema, sat.name)}: index {ix.name!r} on an expression "
                "is not supported (index columns only)"
            )
            return None
    name = _name_of(ix, sat, "index", f"on ({', '.join(cols)})", problems, columns=tuple(cols))
    if not name:
        return None
    where = None
    for dialect in ("postgresql", "sqlite"):
        clause = (
            ix.dialect_options[dialect]._non_defaults.get("where")
            if dialect in ix.dialect_options
            else None
        )
        if clause is not None:
            where = _sql(clause)
            break
    return Index(name=name, columns=tuple(cols), unique=bool(ix.unique), where=where)


def _rows_for(sat: sa.Table, columns, pk, row_spec, problems) -> RowSet | None:
    qname = _qualified(sat.schema, sat.name)
    spec = row_spec.get(qname, row_spec.get(sat.name) if sat.schema is None else None)
    if spec is None:
        stored = sat.info.get(INFO_ROWS)
        if stored is None:
            return None
        key, values = stored  # snapshot values already (to_metadata): kept as they are
        return RowSet(key=tuple(key), rows=tuple(FrozenMap(r) for r in values))
    elif isinstance(spec, Mapping):
        unknown = set(spec) - {"key", "values"}
        if unknown:
            problems.append(
                f"{qname}: rows: unknown key(s) {sorted(unknown)} (expected key, values)"
            )
        key, values = spec.get("key"), spec.get("values", [])
    else:
        key, values = None, spec
    if not key:
        key = pk.columns if pk else ()
    if not key:
        problems.append(f"{qname}: rows need a key (the table has no primary key; give 'key')")
        return None
    types = {c.name: c.type for c in columns}
    missing = [k for k in key if k not in types]
    if missing:
        problems.append(f"{qname}: row key column(s) {missing} not in the table")
        return None
    out = []
    for i, row in enumerate(values):
        if not isinstance(row, Mapping):
            problems.append(f"{qname}: row {i} is not a mapping of column -> value")
            continue
        bad = sorted(set(row) - set(types))
        if bad:
            problems.append(f"{qname}: row {i} names unknown column(s) {bad}")
            continue
        out.append(FrozenMap({k: _yaml(types[k], v) for k, v in row.items()}))
    return RowSet(key=tuple(key), rows=tuple(out))


def _yaml(type_text: str, value: Any) -> Any:
    if value is None:
        return None
    return freeze(coltypes.yaml_value(type_text, value))


# ---------------------------------------------------------------------------
# server defaults and check texts
# ---------------------------------------------------------------------------

_NOW = re.compile(
    r"^(?:now|current_timestamp|localtimestamp|transaction_timestamp)(?:\s*\(\s*\d*\s*\))?$",
    re.IGNORECASE,
)
_CAST = re.compile(
    r"^(?P<lit>'(?:[^']|'')*'|-?\d+(?:\.\d+)?)(?:::[A-Za-z_][\w .\"]*(?:\[\])?(?:\(\d+(?:,\s*\d+)?\))?)+$"
)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_BOOL_TRUE = {"true", "1", "'1'", "'t'", "'true'", "b'1'"}
_BOOL_FALSE = {"false", "0", "'0'", "'f'", "'false'", "b'0'"}
_NUMERIC_TYPES = ("Integer", "BigInteger", "SmallInteger", "Numeric", "Float", "Double", "REAL")


def normalise_server_default(text: str | None, *, type: str | None = None) -> str | None:
    """The normal form of a server default (see NORMALISATIONS in the module docstring).

    Example:
        >>> normalise_server_default("'info'::event_level")
        "'info'"
        >>> normalise_server_default("current_timestamp()")
        'now()'
        >>> normalise_server_default("0", type="Boolean")
        'false'
        >>> normalise_server_default("01", type="SmallInteger")
        '1'
    """
    if text is None:
        return None
    t = text.strip()
    while _outer_parens(t):
        t = t[1:-1].strip()
    if not t or t.upper() == "NULL" or t.upper().startswith("NULL::"):
        return None
    m = _CAST.match(t)
    if m:
        t = m.group("lit")
    if _NOW.match(t):
        return "now()"
    base = (type or "").split("(")[0]
    if base == "Boolean":
        if t.lower() in _BOOL_TRUE:
            return "true"
        if t.lower() in _BOOL_FALSE:
            return "false"
    if base in _NUMERIC_TYPES:
        if len(t) > 2 and t[0] == "'" and t[-1] == "'" and _NUMBER.match(t[1:-1]):
            t = t[1:-1]
        if _NUMBER.match(t) and "." in t and "e" not in t.lower():
            t = t.rstrip("0").rstrip(".")
        if _NUMBER.match(t) and "e" not in t.lower():
            # the databases store a number, not its spelling: 01 and +1 read back as 1
            sign = "-" if t[0] == "-" else ""
            whole, dot, frac = t.lstrip("+-").partition(".")
            t = sign + (whole.lstrip("0") or "0") + dot + frac
    return t


def _outer_parens(t: str) -> bool:
    if not (t.startswith("(") and t.endswith(")")):
        return False
    depth = 0
    in_str = False
    for i, ch in enumerate(t):
        if ch == "'":
            in_str = not in_str
        elif not in_str:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(t) - 1:
                    return False
    return True


_LITERAL_CAST = re.compile(
    r"('(?:[^']|'')*'|\b\d+(?:\.\d+)?)::[A-Za-z_]\w*(?:\s+(?:varying|precision))?(?:\[\])?"
)


_QUOTED_NUMBER_CAST = re.compile(
    r"'(-?\d+(?:\.\d+)?)'::(?:integer|bigint|smallint|numeric|real|double precision)\b"
)


def _clean_sql(text: str) -> str:
    """Reflected SQL without identifier quotes (MariaDB backticks), outer parentheses,
    or PostgreSQL casts of literals (``''::text`` -> ``''``)."""
    t = text.strip()
    while _outer_parens(t):
        t = t[1:-1].strip()
    t = t.replace("`", "").replace("\\'", "''")
    t = _QUOTED_NUMBER_CAST.sub(r"\1", t)  # PostgreSQL's '-1'::integer is -1
    return _LITERAL_CAST.sub(r"\1", t)


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


def capture_for(url_or_engine: str | sa.engine.Engine, snapshot: Snapshot) -> Snapshot:
    """Capture a database for comparison with ``snapshot`` (its release, its managed rows).

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


def _engine(url_or_engine: str | sa.engine.Engine) -> tuple[sa.engine.Engine, bool]:
    if isinstance(url_or_engine, sa.engine.Engine):
        return url_or_engine, False
    return sa.create_engine(url_or_engine), True


def _dialect_name(engine: sa.engine.Engine) -> str:
    return "mysql" if engine.dialect.name in ("mysql", "mariadb") else engine.dialect.name


def _capture(url_or_engine, *, release, rows_of, schemas, hint, full_hint) -> Snapshot:
    engine, owned = _engine(url_or_engine)
    try:
        with engine.connect() as conn:
            return _plain(
                _Reflector(conn, hint=hint, full_hint=full_hint).snapshot(
                    release=release, rows_of=rows_of, schemas=schemas
                )
            )
    finally:
        if owned:
            engine.dispose()


#: the name fields of each inspector result that SQLAlchemy reads from DDL text
_NAME_FIELDS = {
    "get_columns": ("name",),
    "get_pk_constraint": ("name", "constrained_columns"),
    "get_foreign_keys": ("name", "constrained_columns", "referred_table", "referred_columns"),
    "get_indexes": ("name", "column_names"),
    "get_unique_constraints": ("name", "column_names"),
    "get_check_constraints": ("name",),
}

#: one token of SQLite DDL: a string, a quoted identifier, a word (``$`` is a word
#: character of an unquoted SQLite name: ``pk_$``), or one character
_SQLITE_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[\w$]+|\S""")


def _sqlite_ident(token: str) -> str:
    """An SQLite identifier token unquoted (``"a""b"`` -> ``a"b``)."""
    if token[:1] == '"' or token[:1] == "`":
        return token[1:-1].replace(token[0] * 2, token[0])
    if token[:1] == "[":
        return token[1:-1]
    return token


def _sqlite_named_keys(sql: str) -> dict[tuple[str, tuple[str, ...], int], str]:
    """``{(kind, columns, n): name}`` of the named PRIMARY KEY / UNIQUE constraints in a
    CREATE TABLE statement (``kind``: ``pk`` or ``uq``; ``n`` counts the constraints of
    the same kind and columns before it: two uniques may share their columns).

    Example:
        >>> _sqlite_named_keys('CREATE TABLE t (a INT, CONSTRAINT "p""k" PRIMARY KEY (a), '
        ...                    "CONSTRAINT u UNIQUE (`x,)`, a), CHECK (a <> 'CONSTRAINT'))")
        {('pk', ('a',), 0): 'p"k', ('uq', ('x,)', 'a'), 0): 'u'}
    """
    tokens = [m.group(0) for m in _SQLITE_TOKEN.finditer(sql or "")]
    out: dict[tuple[str, tuple[str, ...], int], str] = {}
    for i, tok in enumerate(tokens[:-2]):
        if tok.upper() != "CONSTRAINT":
            continue
        name, rest = _sqlite_ident(tokens[i + 1]), [t.upper() for t in tokens[i + 2 : i + 5]]
        if rest[:3] == ["PRIMARY", "KEY", "("]:
            kind, j = "pk", i + 5
        elif rest[:2] == ["UNIQUE", "("]:
            kind, j = "uq", i + 4
        else:
            continue
        cols: list[str] = []
        expect_name = True
        while j < len(tokens) and tokens[j] != ")":
            if tokens[j] == ",":
                expect_name = True
            elif expect_name:
                cols.append(_sqlite_ident(tokens[j]))
                expect_name = False
            j += 1
        n = sum(1 for k in out if k[:2] == (kind, tuple(cols)))
        out[(kind, tuple(cols), n)] = name
    return out


def _sqlite_ident_list(tokens: list[str], j: int) -> tuple[list[str], int]:
    """The identifiers of a parenthesised list starting at ``tokens[j] == "("``; the index
    after its ``)``."""
    cols: list[str] = []
    expect = True
    j += 1
    while j < len(tokens) and tokens[j] != ")":
        if tokens[j] == ",":
            expect = True
        elif expect:
            cols.append(_sqlite_ident(tokens[j]))
            expect = False
        j += 1
    return cols, j + 1


def _sqlite_foreign_keys(sql: str) -> list[dict]:
    """The table-level FOREIGN KEY clauses of a CREATE TABLE statement: name (or None),
    columns, referred table and columns, ON DELETE / ON UPDATE actions.

    Example:
        >>> _sqlite_foreign_keys('CREATE TABLE t (a INT, CONSTRAINT "f""k" FOREIGN KEY(a) '
        ...                      'REFERENCES "p""q" (x) ON UPDATE CASCADE ON DELETE SET NULL)')
        [{'name': 'f"k', 'columns': ['a'], 'table': 'p"q', 'ref': ['x'], 'ondelete': 'SET NULL', 'onupdate': 'CASCADE'}]
    """
    tokens = [m.group(0) for m in _SQLITE_TOKEN.finditer(sql or "")]
    upper = [t.upper() for t in tokens]
    out = []
    for i in range(len(tokens) - 3):
        if upper[i] != "FOREIGN" or upper[i + 1] != "KEY" or tokens[i + 2] != "(":
            continue
        name = _sqlite_ident(tokens[i - 1]) if i >= 2 and upper[i - 2] == "CONSTRAINT" else None
        cols, j = _sqlite_ident_list(tokens, i + 2)
        if j >= len(tokens) - 1 or upper[j] != "REFERENCES":
            continue
        table, j = _sqlite_ident(tokens[j + 1]), j + 2
        ref: list[str] = []
        if j < len(tokens) and tokens[j] == "(":
            ref, j = _sqlite_ident_list(tokens, j)
        fk = {"name": name, "columns": cols, "table": table, "ref": ref}
        fk.update(ondelete=None, onupdate=None)
        while j + 2 < len(tokens) and upper[j] == "ON" and upper[j + 1] in ("DELETE", "UPDATE"):
            words = upper[j + 2 : j + 4]
            action = " ".join(words) if words[0] in ("SET", "NO") else words[0]
            fk["on" + upper[j + 1].lower()] = action
            j += 2 + len(action.split())
        out.append(fk)
    return out


class _Inspector:
    """SQLAlchemy's inspector with the names it reads from DDL text unquoted.

    MariaDB/MySQL: SHOW CREATE TABLE doubles a backtick inside a name and SQLAlchemy keeps
    both. PostgreSQL: foreign key columns come from the catalog (SQLAlchemy splits the
    definition's text at commas). SQLite: a double quote inside a foreign key or check name stays doubled, and a
    quote in a PRIMARY KEY or UNIQUE name garbles it: those names are read from the
    CREATE TABLE statement, matched by columns.
    """

    def __init__(self, conn: sa.engine.Connection, dialect: str):
        self._insp = sa.inspect(conn)
        self._conn = conn
        self._dialect = dialect

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._insp, attr)
        if self._dialect == "postgresql" and attr == "get_foreign_keys":
            return lambda table, *args, **kw: self._pg_fk_columns(
                table, kw.get("schema"), value(table, *args, **kw)
            )
        fields = _NAME_FIELDS.get(attr)
        if fields is None or self._dialect not in ("mysql", "sqlite"):
            return value

        def call(table: str, *args: Any, **kw: Any) -> Any:
            got = value(table, *args, **kw)
            if self._dialect == "mysql":
                got = _fix_names(got, fields, "`")
                if attr == "get_foreign_keys":
                    return got + self._mysql_unparsed_fks(table, kw.get("schema"), got)
                return _fix_enum_values(got) if attr == "get_columns" else got
            if attr == "get_foreign_keys":
                return self._sqlite_fks(table, kw.get("schema"), got)
            if attr == "get_check_constraints":
                return _fix_names(got, ("name",), '"')
            if attr in ("get_pk_constraint", "get_unique_constraints"):
                return self._sqlite_keys(attr, table, kw.get("schema"), got)
            return got

        return call

    def _mysql_unparsed_fks(self, table: str, schema: str | None, got: list) -> list:
        """MariaDB/MySQL foreign keys SQLAlchemy's SHOW CREATE TABLE parser skips (a
        referenced table whose name ends with a backtick: ``REFERENCES `a```` ``), read
        from information_schema. ON DELETE/UPDATE RESTRICT is the default SHOW CREATE
        TABLE leaves out, so it is left out here too."""
        have = {fk.get("name") for fk in got}
        rows = self._conn.execute(
            sa.text(
                "SELECT r.CONSTRAINT_NAME, r.REFERENCED_TABLE_NAME, r.DELETE_RULE, "
                "r.UPDATE_RULE, k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME, "
                "k.REFERENCED_TABLE_SCHEMA "
                "FROM information_schema.REFERENTIAL_CONSTRAINTS r "
                "JOIN information_schema.KEY_COLUMN_USAGE k "
                "ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA "
                "AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME "
                "WHERE r.CONSTRAINT_SCHEMA = coalesce(:s, database()) AND r.TABLE_NAME = :t "
                "ORDER BY r.CONSTRAINT_NAME, k.ORDINAL_POSITION"
            ),
            {"t": table, "s": schema},
        ).all()
        out: dict[str, dict] = {}
        for name, ref_table, on_delete, on_update, col, ref_col, ref_schema in rows:
            if name in have:
                continue
            fk = out.get(name)
            if fk is None:
                opts = {
                    k: v
                    for k, v in (("ondelete", on_delete), ("onupdate", on_update))
                    if v and v != "RESTRICT"
                }
                fk = out[name] = {
                    "name": name,
                    "constrained_columns": [],
                    "referred_schema": schema if schema else None,
                    "referred_table": ref_table,
                    "referred_columns": [],
                    "options": opts,
                }
                if ref_schema and ref_schema != (
                    schema or self._conn.execute(sa.text("SELECT database()")).scalar()
                ):
                    fk["referred_schema"] = ref_schema
            fk["constrained_columns"].append(col)
            fk["referred_columns"].append(ref_col)
        return list(out.values())

    def _pg_fk_columns(self, table: str, schema: str | None, got: list) -> list:
        """PostgreSQL: SQLAlchemy splits the constraint definition's column lists at commas
        (a column named ``a,b`` comes back as two): take them from the catalog."""
        rows = self._conn.execute(
            sa.text(
                "SELECT c.conname::text, "
                "ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
                "ORDER BY k.i), "
                "ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
                "JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n "
                "ORDER BY k.i) "
                "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                "JOIN pg_namespace s ON s.oid = t.relnamespace "
                "WHERE c.contype = 'f' AND t.relname = :t "
                "AND s.nspname = coalesce(:s, current_schema())"
            ),
            {"t": table, "s": schema},
        ).all()
        by_name = {name: (list(cols), list(refs)) for name, cols, refs in rows}
        out = []
        for fk in got:
            found = by_name.get(fk.get("name"))
            if found is not None:
                fk = {**fk, "constrained_columns": found[0], "referred_columns": found[1]}
            out.append(fk)
        return out

    def _sqlite_sql(self, table: str, schema: str | None) -> str | None:
        master = f'"{schema}".sqlite_master' if schema else "sqlite_master"
        return self._conn.execute(
            sa.text(f"SELECT sql FROM {master} WHERE type = 'table' AND name = :t"), {"t": table}
        ).scalar()

    def _sqlite_fks(self, table: str, schema: str | None, got: list) -> list:
        """Foreign key names and actions from the CREATE TABLE statement, matched by columns
        (SQLAlchemy keeps a quote doubled in a name, and loses the actions of a key to a
        table whose name holds one)."""
        got = _fix_names(got, ("name",), '"')
        sql = self._sqlite_sql(table, schema)
        if not sql or '"' not in sql:
            return got
        parsed = _sqlite_foreign_keys(sql)
        out = []
        for fk in got:
            for p in parsed:
                if (p["columns"], p["table"]) == (fk["constrained_columns"], fk["referred_table"]):
                    if p["ref"] in ([], fk["referred_columns"]):
                        opts = {**(fk.get("options") or {})}
                        for action in ("ondelete", "onupdate"):
                            opts.pop(action, None)
                            if p[action]:
                                opts[action] = p[action]
                        fk = {**fk, "options": opts, "name": p["name"] or fk.get("name")}
                        break
            out.append(fk)
        return out

    def _sqlite_keys(self, attr: str, table: str, schema: str | None, got: Any) -> Any:
        sql = self._sqlite_sql(table, schema)
        if not sql or "CONSTRAINT" not in sql.upper():
            return got
        named = _sqlite_named_keys(sql)
        if attr == "get_pk_constraint":
            # SQLAlchemy reads a name of word characters only: pk_$ comes back as None
            if got and got.get("constrained_columns"):
                cols = tuple(got["constrained_columns"])
                return {**got, "name": named.get(("pk", cols, 0), got.get("name"))}
            return got
        # uniques by columns; several may share theirs (their names tell them apart)
        parsed: dict[tuple[str, ...], list[str]] = {}
        for (kind, cols, _), name in named.items():
            if kind == "uq":
                parsed.setdefault(cols, []).append(name)
        out = []
        for u in got:
            names = parsed.get(tuple(u["column_names"]), [])
            if u.get("name") and names:
                # a name SQLAlchemy read garbled is one the statement holds for those columns
                name = u["name"] if u["name"] in names else names[0]
                names.remove(name)
                u = {**u, "name": name}
            out.append(u)
        # SQLAlchemy's pattern skips a UNIQUE clause naming a column with a quote; those
        # on other columns come back as an sqlite_autoindex, one on exactly the primary key
        # has none (SQLite reuses the key's index): the statement is the only trace of it
        # and of two uniques on the same columns SQLAlchemy returns one
        for cols, names in parsed.items():
            out += [{"name": name, "column_names": list(cols)} for name in names]
        return out


#: MariaDB/MySQL string escapes SHOW CREATE TABLE may write in an enum value
_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


def _fix_enum_values(columns: list) -> list:
    """MariaDB/MySQL: the values of ENUM columns with SHOW CREATE TABLE's backslash escapes
    undone (SQLAlchemy undoes only doubled quotes): a value ``a\\`` is read as ``a\\\\``.
    """
    out = []
    for col in columns:
        t = col.get("type")
        if isinstance(t, sa.Enum) and any("\\" in v for v in t.enums):
            values = [
                re.sub(r"\\(.)", lambda m: _MYSQL_ESCAPES.get(m[1], m[1]), v, flags=re.S)
                for v in t.enums
            ]
            col = {**col, "type": type(t)(*values)}
        out.append(col)
    return out


def _fix_names(got: Any, fields: tuple[str, ...], quote: str) -> Any:
    def fix(v: Any) -> Any:
        if isinstance(v, str):
            return v.replace(quote * 2, quote)
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    if isinstance(got, dict):
        return {k: fix(v) if k in fields else v for k, v in got.items()}
    if isinstance(got, list):
        return [_fix_names(g, fields, quote) for g in got]
    return got


class _Reflector:
    """One reflection pass over a connection (private; see :func:`from_database`)."""

    def __init__(self, conn: sa.engine.Connection, *, hint: Snapshot | None, full_hint: bool):
        self.conn = conn
        self.dialect = _dialect_name(conn.engine)
        from planner.dialects import get as _get_dialect

        self.dialect_obj = _get_dialect(self.dialect)
        self.insp = _Inspector(conn, self.dialect)
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
        if self.dialect == "postgresql":
            for schema in schema_list:
                for e in self.insp.get_enums(schema=schema or self.default_schema):
                    if e.get("schema") not in (None, self.default_schema, schema):
                        continue
                    self.found_enums[e["name"]] = Enum(name=e["name"], values=tuple(e["labels"]))
            self.by_values = {
                **{e.values: e.name for e in self.found_enums.values()},
                **self.by_values,
            }
        tables = []
        for schema in schema_list:
            for name in sorted(self.insp.get_table_names(schema=schema)):
                if name in SKIP_TABLES:
                    continue
                tables.append(self.table(name, schema, rows_of))
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
    def table(self, name: str, schema: str | None, rows_of) -> Table:
        insp = self.insp
        hint = self.hint_table(name, schema) if self.full_hint else None
        enum_hint = self.hint_table(name, schema)
        raw_checks = insp.get_check_constraints(name, schema=schema)
        json_cols: frozenset[str] = frozenset()
        if self.dialect == "mysql":
            json_cols = coltypes.mariadb_json_columns(self.conn, name, schema=schema)
        checks = []
        unnamed = 0
        made: set[str] = set()  # names given to unnamed constraints of this table
        raw_columns = insp.get_columns(name, schema=schema)
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
        pk_raw = insp.get_pk_constraint(name, schema=schema) or {}
        pk_cols = tuple(pk_raw.get("constrained_columns") or ())
        raw_fks = insp.get_foreign_keys(name, schema=schema)
        fks = [self.foreign_key(fk, name, hint or enum_hint, made) for fk in raw_fks]
        fk_cols = {c for fk in fks for c in fk.columns}
        columns = []
        for raw in raw_columns:
            columns.append(self.column(raw, name, pk_cols, fk_cols, json_cols, hint, enum_hint))
        columns = self.fix_autoincrement(columns, pk_cols, fk_cols)
        pk = None
        if pk_cols:
            pk = PrimaryKey(name=self.pk_name(name, pk_cols, pk_raw.get("name")), columns=pk_cols)
        uniques, indexes = self.uniques_and_indexes(name, schema, hint, made)
        if self.dialect == "mysql":
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
        comment = None
        if self.dialect != "sqlite":
            comment = (insp.get_table_comment(name, schema=schema) or {}).get("text")
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
            t = dataclasses.replace(t, rows=self.rows(t, hint))
        return t

    def column(self, raw, table, pk_cols, fk_cols, json_cols, hint, enum_hint) -> Column:
        name = raw["name"]
        hcol = hint.column(name) if hint and hint.has_column(name) else None
        ecol = enum_hint.column(name) if enum_hint and enum_hint.has_column(name) else None
        type_text = self.type_text(raw["type"], ecol, f"{table}_{name}", is_json=name in json_cols)
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
        auto = raw.get("autoincrement")
        if self.dialect == "postgresql":
            auto = serial or bool(raw.get("identity"))
        comment = raw.get("comment") if self.dialect != "sqlite" else None
        return Column(
            name=name,
            type=type_text,
            # SQLite reflects `id INTEGER PRIMARY KEY` (no NOT NULL) as nullable: primary-key
            # columns are NOT NULL in the normal form
            nullable=bool(raw["nullable"]) and name not in pk_cols,
            autoincrement=auto is True,
            server_default=default,
            comment=comment or None,
        )

    def type_text(
        self, satype, ecol: Column | None, fallback: str, *, is_json: bool = False
    ) -> str:
        by_values = self.by_values
        if isinstance(satype, sa.Enum):
            values = tuple(satype.enums)
            name = None
            if ecol is not None:
                m = _ENUM_TYPE.match(ecol.type)
                if (
                    m
                    and m.group(1) in self.hint_enums
                    and self.hint_enums[m.group(1)].values == values
                ):
                    name = m.group(1)
            if self.dialect == "postgresql" and satype.name:
                name = satype.name
            name = name or by_values.get(values)
            if not name:
                # an inline enum no hint names: <table>_<column>, shared by equal value lists
                name = fallback
                self.by_values = by_values = {**by_values, values: name}
            if name:
                self.found_enums.setdefault(name, Enum(name=name, values=values))
                return f"Enum({name})"
        if self.dialect == "sqlite" and ecol is not None and self.hint_enums:
            m = _ENUM_TYPE.match(ecol.type)
            if m and m.group(1) in self.hint_enums and isinstance(satype, sa.String):
                e = self.hint_enums[m.group(1)]
                if satype.length == max((len(v) for v in e.values), default=0):
                    self.found_enums.setdefault(e.name, e)
                    return f"Enum({e.name})"
        return coltypes.from_sqlalchemy(
            satype, dialect=self.dialect, enum_names_by_values=by_values, is_json=is_json
        )

    def fix_autoincrement(self, columns, pk_cols, fk_cols) -> list[Column]:
        out = []
        auto_col = _auto_column(columns, pk_cols, fk_cols)
        for c in columns:
            if self.dialect == "sqlite" or c.name not in pk_cols:
                value = None
            elif c.name == auto_col:
                value = None if c.autoincrement else False
            else:
                value = True if c.autoincrement else None
            out.append(dataclasses.replace(c, autoincrement=value))
        return out

    def pk_name(self, table: str, cols, name: str | None) -> str | None:
        if not name or self.dialect in ("mysql",):
            return None
        if self.dialect == "postgresql" and name == f"{table}_pkey":
            return None
        return name

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
        if ref_schema == self.default_schema or self.dialect != "postgresql":
            ref_schema = None
        return ForeignKey(
            name=name,
            columns=cols,
            ref_table=raw["referred_table"],
            ref_columns=tuple(raw["referred_columns"]),
            ref_schema=ref_schema,
            ondelete=_action(opts.get("ondelete"), self.dialect),
            onupdate=_action(opts.get("onupdate"), self.dialect),
        )

    def check_text(self, name: str, text: str, hint: Table | None) -> str:
        if hint is not None:
            for ck in hint.checks:
                if ck.name == name and same_meaning(ck.sqltext, text, self.dialect):
                    return ck.sqltext
        return text

    def uniques_and_indexes(self, name, schema, hint, made) -> tuple[list[Unique], list[Index]]:
        insp = self.insp
        hint_ix = {i.name: i for i in hint.indexes} if hint else {}
        uniques, indexes = [], []
        uq_names = set()
        raw_uniques = list(insp.get_unique_constraints(name, schema=schema))
        if self.dialect == "sqlite":
            raw_uniques += self.sqlite_unnamed_uniques(name, schema, raw_uniques)
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
            if self.dialect == "mysql" and h is not None and h.unique:
                indexes.append(Index(name=u["name"], columns=tuple(u["column_names"]), unique=True))
            else:
                uniques.append(Unique(name=u["name"], columns=tuple(u["column_names"])))
        for ix in insp.get_indexes(name, schema=schema):
            if ix.get("duplicates_constraint") or ix["name"] in uq_names:
                continue
            if any(c is None for c in ix["column_names"]):
                raise CaptureError(
                    f"{_qualified(schema, name)}: index {ix['name']!r} on an expression "
                    "is not supported (index columns only)"
                )
            opts = ix.get("dialect_options") or {}
            where = opts.get("postgresql_where") or opts.get("sqlite_where")
            if where is not None:
                where = _clean_sql(str(where))
                h = hint_ix.get(ix["name"])
                if h is not None and h.where and same_meaning(h.where, where, self.dialect):
                    where = h.where
            indexes.append(
                Index(
                    name=ix["name"],
                    columns=tuple(ix["column_names"]),
                    unique=bool(ix.get("unique")),
                    where=where,
                )
            )
        return uniques, indexes

    def sqlite_unnamed_uniques(self, name, schema, named) -> list[dict]:
        """Column-level ``UNIQUE`` on SQLite lives only in an ``sqlite_autoindex_*``."""
        pk = tuple(
            (self.insp.get_pk_constraint(name, schema=schema) or {}).get("constrained_columns")
            or ()
        )
        known = {tuple(u["column_names"]) for u in named} | {pk}
        out = []
        for ix in self.insp.get_indexes(name, schema=schema, include_auto_indexes=True):
            cols = tuple(ix["column_names"])
            if (
                ix["name"].startswith("sqlite_autoindex_")
                and ix.get("unique")
                and cols not in known
            ):
                known.add(cols)
                out.append({"name": None, "column_names": list(cols)})
        return out

    # -- rows ------------------------------------------------------------------
    def rows(self, t: Table, hint: Table | None) -> RowSet:
        types = {c.name: c.type for c in t.columns}
        sat = sa.Table(
            t.name,
            sa.MetaData(),
            *(sa.Column(c.name, _read_type(c.type, self.found_enums)) for c in t.columns),
            schema=t.schema,
        )
        if hint is not None and hint.rows is not None:
            return self.managed_rows(sat, types, hint.rows)
        key = t.primary_key.columns if t.primary_key else t.column_names
        stmt = sa.select(sat).order_by(*(sat.c[k] for k in key))
        out = []
        for r in self.conn.execute(stmt).mappings():
            out.append(FrozenMap({k: _yaml(types[k], v) for k, v in r.items()}))
        return RowSet(key=tuple(key), rows=tuple(out))

    def managed_rows(self, sat: sa.Table, types, declared: RowSet) -> RowSet:
        """The database's rows of each declared key, every copy: a key held twice (a
        revision that duplicated a managed row) gives two rows, so a comparison sees it."""
        key = declared.key
        found: dict[tuple, list] = {}
        if all(k in sat.c for k in key):
            for r in self.conn.execute(sa.select(sat)).mappings():
                found.setdefault(tuple(r[k] for k in key), []).append(r)
        out = []
        for row in declared.rows:
            d = dict(row)
            for db in _matching(found, tuple(_bind(types.get(k), d.get(k)) for k in key)):
                values = {}
                for col, want in d.items():
                    if col not in db:
                        continue
                    have = db[col]
                    same = _same_value(_bind(types.get(col), want), have, types.get(col))
                    values[col] = want if same else _yaml(types[col], have)
                out.append(FrozenMap(values))
        return RowSet(key=key, rows=tuple(out))


def _matching(found: dict[tuple, list], bound_key: tuple) -> list:
    """The rows of ``found`` (database key -> rows) that hold ``bound_key``; a zone-aware
    key also matches the naive wall time a dialect without zones stored."""
    rows = found.get(bound_key)
    if rows is None and any(isinstance(v, _dt.datetime) for v in bound_key):
        naive = _naive_key(bound_key)
        rows = [r for k, got in found.items() if _naive_key(k) == naive for r in got]
    return rows or []


def count_rows(
    url_or_engine: str | sa.engine.Engine, table: Table, key: tuple[str, ...], keys: Iterable[tuple]
) -> dict[tuple, int]:
    """How many rows of ``table`` in the database hold each of ``keys`` (values of the
    ``key`` columns, as a snapshot writes them); keys no row holds are left out.

    ``table`` gives the column types the values bind as. Used to find managed rows that
    should be gone (a release deleted them) but are in the database.

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> units = load_snapshot("schema_state/0.2.0.yaml").table("units")
        >>> count_rows("sqlite:///app.sqlite", units, ("name",), [("kilowatt hour",), ("nothing",)])
        {('kilowatt hour',): 1}
    """
    keys = list(keys)
    if not keys or not all(table.has_column(k) for k in key):
        return {}
    types = {c.name: c.type for c in table.columns}
    sat = sa.Table(
        table.name,
        sa.MetaData(),
        *(sa.Column(k, _read_type(types[k], {})) for k in key),
        schema=table.schema,
    )
    engine, owned = _engine(url_or_engine)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(table.name, schema=table.schema):
                return {}
            found: dict[tuple, list] = {}
            for r in conn.execute(sa.select(*sat.c)):
                found.setdefault(tuple(r), []).append(r)
    finally:
        if owned:
            engine.dispose()
    out = {}
    for k in keys:
        n = len(_matching(found, tuple(_bind(types[c], v) for c, v in zip(key, k, strict=True))))
        if n:
            out[k] = n
    return out


def _naive_key(key: tuple) -> tuple:
    return tuple(v.replace(tzinfo=None) if isinstance(v, _dt.datetime) else v for v in key)


def _same_value(bound: Any, have: Any, type_text: str | None = None) -> bool:
    """A snapshot value bound for the database equals what the database holds.

    A zone-aware datetime matches the naive wall time a dialect without zones stored; a
    JSON document (or, in a JSON column ``type_text``, a JSON scalar) matches one whose
    numbers are equal as floats (PostgreSQL's JSONB stores ``6.417673252564703e+16`` as the
    numeric ``64176732525647030``).
    """
    if bound == have:
        return True
    if isinstance(bound, _dt.datetime) and isinstance(have, _dt.datetime):
        if (bound.tzinfo is None) != (have.tzinfo is None):
            return bound.replace(tzinfo=None) == have.replace(tzinfo=None)
    if isinstance(bound, (dict, list)) and isinstance(have, (dict, list)):
        return _same_json(bound, have)
    if type_text is not None and _is_json(type_text):
        return _same_json(bound, have)  # a scalar document
    return False


def _is_json(type_text: str) -> bool:
    try:
        return coltypes.family(type_text) == "json"
    except Exception:  # noqa: BLE001 - an unknown type is not JSON
        return False


def _same_json(a: Any, b: Any) -> bool:
    """Two JSON values are equal, numbers compared as floats where either is a float.

    Example:
        >>> _same_json({"n": [6.417673252564703e+16]}, {"n": [64176732525647030]})
        True
        >>> _same_json({"n": 1.5}, {"n": 2}), _same_json(1, True), _same_json({"a": 1}, {"b": 1})
        (False, False, False)
    """
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) or isinstance(b, float):
            try:
                return float(a) == float(b)
            except OverflowError:
                return False
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _read_type(type_text: str, enums: Mapping[str, Enum]) -> Any:
    m = _ENUM_TYPE.match(type_text)
    if m:
        return sa.String()
    if type_text == "Float":
        # coltypes' MariaDB variant is mysql.DOUBLE(), asdecimal=True: values come back as
        # Decimals rounded to 10 places (1.66e-291 read as 0E-10); rows are read as floats
        from sqlalchemy.dialects import mysql

        return sa.Float().with_variant(mysql.DOUBLE(asdecimal=False), "mysql", "mariadb")
    try:
        return coltypes.to_sqlalchemy(type_text, enums={e.name: e.values for e in enums.values()})
    except Exception:  # noqa: BLE001 - reading rows falls back to the raw driver value
        return sa.types.NullType()


def _bind(type_text: str | None, value: Any) -> Any:
    if value is None or type_text is None:
        return value
    try:
        return coltypes.python_value(type_text, thaw(value))
    except Exception:  # noqa: BLE001 - an unbindable value simply does not match
        return value


def _action(value: str | None, dialect: str) -> str | None:
    """``ondelete``/``onupdate`` in normal form: the default action is ``None``."""
    if not value:
        return None
    v = value.upper()
    if v == "NO ACTION" or (v == "RESTRICT" and dialect == "mysql"):
        return None
    return v


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
        if c.name == name and c.type.split("(")[0] in _INTEGER_TYPES:
            return name
    return None


# ---------------------------------------------------------------------------
# snapshot side of the comparison
# ---------------------------------------------------------------------------


def normalise_for(snapshot: Snapshot, dialect: str) -> Snapshot:
    """``snapshot`` as a database of ``dialect`` can hold it (the NORMALISATIONS table).

    ``dialect`` is ``postgresql``, ``mysql`` (also ``mariadb``) or ``sqlite``. Hints
    are dropped; the result compares equal to :func:`capture_for` of a database built
    from ``snapshot``.

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="a", type="Integer", comment="x"),))
        >>> normalise_for(Snapshot(release="1", tables=(t,)), "sqlite").table("t").column("a").comment is None
        True
    """
    d = "mysql" if dialect in ("mysql", "mariadb") else dialect
    tables = []
    used_enums: set[str] = set()
    for t in snapshot.tables:
        fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
        pk_cols = t.primary_key.columns if t.primary_key else ()
        auto_col = _auto_column(t.columns, pk_cols, fk_cols)
        cols = []
        for c in t.columns:
            m = _ENUM_TYPE.match(c.type)
            if m:
                used_enums.add(m.group(1))
            auto = c.autoincrement
            if d == "sqlite" or c.name not in pk_cols:
                auto = None
            elif c.name == auto_col:
                auto = None if auto in (None, True) else False
            else:
                auto = True if auto else None
            cols.append(
                dataclasses.replace(
                    c,
                    autoincrement=auto,
                    comment=None if d == "sqlite" else c.comment,
                    server_default=_keep_default(c),
                    renamed_from=None,
                    backfill=None,
                )
            )
        pk = t.primary_key
        if pk is not None and pk.name is not None:
            if d == "mysql" or (d == "postgresql" and pk.name == f"{t.name}_pkey"):
                pk = dataclasses.replace(pk, name=None)
        fks = t.foreign_keys
        indexes = t.indexes
        fks = tuple(
            dataclasses.replace(
                fk,
                ref_schema=fk.ref_schema if d == "postgresql" else None,
                ondelete=_action(fk.ondelete, d),
                onupdate=_action(fk.onupdate, d),
            )
            for fk in fks
        )
        if d == "mysql":
            indexes = tuple(dataclasses.replace(i, where=None) for i in indexes)
        tables.append(
            dataclasses.replace(
                t,
                schema=t.schema if d == "postgresql" else None,
                columns=tuple(cols),
                primary_key=pk,
                foreign_keys=fks,
                indexes=indexes,
                comment=None if d == "sqlite" else t.comment,
                renamed_from=None,
            )
        )
    enums = snapshot.enums
    if d != "postgresql":
        enums = tuple(e for e in enums if e.name in used_enums)
    return dataclasses.replace(snapshot, tables=tuple(tables), enums=enums)


def _keep_default(c: Column) -> str | None:
    if c.server_default is None:
        return None
    if normalise_server_default(c.server_default, type=c.type) is None:
        return None
    return c.server_default
