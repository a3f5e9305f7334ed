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
from typing import Any

import sqlalchemy as sa

from planner.sqlexpr import same_meaning
from planner.state import coltypes
from planner.state.capture_models import (
    _ENUM_TYPE,
    SKIP_TABLES,
    CaptureError,
    _check_columns,
    _plain,
    _qualified,
    from_metadata,
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
        return read_rows(self.conn, t, hint, self.found_enums)


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
