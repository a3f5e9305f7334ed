"""PostgreSQL's schemas, extensions and sequences, read from the catalog for a capture,
and the statements creating, altering and dropping a sequence (in a revision, in setup)
(:mod:`planner.state.pg_objects`).

A capture takes every schema but the system ones (``pg_*``, ``information_schema``)
and those an extension owns. Sequences an identity column owns, and the sequence of a
serial primary-key column (modelled as its ``autoincrement``), are not listed; every
other sequence is, with its owner (``OWNED BY``). ``plpgsql`` is always there and not
listed among the extensions.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from planner.state.pg_objects import Extension, Schema, Sequence

_SCHEMAS = """
SELECT n.nspname, obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass
                  AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname
"""

_EXTENSIONS = """
SELECT e.extname, e.extversion, n.nspname,
       CASE WHEN obj_description(e.oid, 'pg_extension') IS DISTINCT FROM a.comment
            THEN coalesce(obj_description(e.oid, 'pg_extension'), '') END
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_available_extensions a ON a.name = e.extname
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname
"""

_SEQUENCES = """
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcycle, d.deptype, t.relname, a.attname,
       obj_description(c.oid, 'pg_class'), s.seqcache
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class t ON t.oid = d.refobjid
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE n.nspname = ANY(:schemas)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
"""


def all_schemas(conn: Any) -> list[str | None]:
    """Every schema a capture takes: None (the default schema) and the others by name."""
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    names = [r[0] for r in conn.execute(sa.text(_SCHEMAS))]
    return [None, *(n for n in names if n != default)]


def capture(conn: Any, snapshot: Any, schemas: list[str | None], *, hint: Any = None) -> Any:
    """``snapshot`` with the schemas, extensions and sequences of the database.

    ``hint`` (``capture_for``): an extension it lists without a version takes any."""
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    names = sorted({s or default for s in schemas})

    def sch(nspname: str) -> str | None:
        return None if nspname == default else nspname

    found = [
        Schema(name=n, comment=c)
        for n, c in conn.execute(sa.text(_SCHEMAS))
        if n != default and n in names
    ]
    any_version = {e.name for e in hint.extensions if e.version is None} if hint else set()
    extensions = [
        Extension(name=n, version=None if n in any_version else v, schema=sch(s), comment=c)
        for n, v, s, c in conn.execute(sa.text(_EXTENSIONS))
    ]
    tables = {t.key: t for t in snapshot.tables}
    sequences = []
    for row in conn.execute(sa.text(_SEQUENCES), {"schemas": names}):
        nsp, name, typ, start, inc, mn, mx, cycle, deptype, table, column, comment, cache = row
        if deptype == "i":
            continue  # an identity column's own
        owned = (table, column) if deptype == "a" and table is not None else None
        t = tables.get((sch(nsp), table)) if owned else None
        if t is not None and t.primary_key and column in t.primary_key.columns:
            if t.has_column(column) and t.column(column).server_default is None:
                continue  # a serial key column's: modelled as its autoincrement
        if owned is not None and (t is None or not t.has_column(column)):
            owned = None  # owned by a table dbplan does not capture
        sequences.append(
            Sequence(
                name=name,
                schema=sch(nsp),
                type=typ,
                increment=int(inc),
                start=int(start),
                min_value=int(mn),
                max_value=int(mx),
                cycle=bool(cycle),
                owned_by=owned,
                comment=comment,
                cache=None if int(cache) == 1 else int(cache),  # 1: PostgreSQL's default
            )
        )
    from planner.dialects import (
        postgresql_indexes,  # index elements (expressions, opclasses …), storage parameters
        postgresql_tables,  # deferrable keys, unlogged tables
        postgresql_types,  # domains, composite types, collations
    )

    snapshot = postgresql_indexes.capture(conn, snapshot, names, default, hint)
    snapshot = postgresql_tables.capture(conn, snapshot, schemas)
    snapshot = postgresql_types.capture(
        conn,
        dataclasses.replace(
            snapshot,
            schemas=tuple(found),
            extensions=tuple(extensions),
            sequences=tuple(sequences),
        ),
        names,
        default,
    )
    from planner.dialects import postgresql_policies  # row-level security, policies

    return postgresql_policies.capture(conn, snapshot, names, default, hint)


# --------------------------------------------------------------------------- direct build
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qq(schema: str | None, name: str) -> str:
    return f"{_q(schema)}.{_q(name)}" if schema else _q(name)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def before_tables(snapshot: Any) -> list[str]:
    """The statements creating ``snapshot``'s schemas, extensions and sequences (without
    owners) and its enums outside the default schema, before its tables (``dbplan setup``)."""
    out = []
    for s in snapshot.schemas:
        out.append(f"CREATE SCHEMA IF NOT EXISTS {_q(s.name)}")
        if s.comment is not None:
            out.append(f"COMMENT ON SCHEMA {_q(s.name)} IS {_lit(s.comment)}")
    for e in snapshot.extensions:
        sql = f"CREATE EXTENSION IF NOT EXISTS {_q(e.name)}"
        if e.schema is not None:
            sql += f" SCHEMA {_q(e.schema)}"
        if e.version is not None:
            sql += f" VERSION {_lit(e.version)}"
        out.append(sql)
        if e.comment is not None:
            out += extension_comment_sql(e)
    for q in snapshot.sequences:
        mn, mx, st = q.effective()
        name = _qq(q.schema, q.name)
        out.append(
            f"CREATE SEQUENCE {name} AS {q.type} INCREMENT BY {q.increment} MINVALUE {mn} "
            f"MAXVALUE {mx} START WITH {st} {f'CACHE {q.cache} ' if q.cache else ''}"
            f"{'CYCLE' if q.cycle else 'NO CYCLE'}"
        )
        if q.comment is not None:
            out.append(f"COMMENT ON SEQUENCE {name} IS {_lit(q.comment)}")
    from planner.dialects import postgresql_types  # domains, composite types, collations

    return out + postgresql_types.before_tables(snapshot)


def after_tables(snapshot: Any) -> list[str]:
    """``ALTER SEQUENCE ... OWNED BY`` of each owned sequence, once its table exists;
    the row-level security and policies of the tables."""
    from planner.dialects import postgresql_policies as pol

    out = [
        f"ALTER SEQUENCE {_qq(q.schema, q.name)} OWNED BY "
        f"{_qq(q.schema, q.owned_by[0])}.{_q(q.owned_by[1])}"
        for q in snapshot.sequences
        if q.owned_by is not None
    ]
    for t in snapshot.tables:
        out += pol.rls_statements(t.key, None, t.row_level_security)
        out += [pol.create_policy(t.key, p) for p in t.policies]
    return out


# --------------------------------------------------------------------------- revisions
def _string(text: str) -> str:
    """A string literal that reads the same whatever ``standard_conforming_strings``."""
    from planner.dialects import get

    return get("postgresql").string_literal(text)


def _comment_sql(name: str, comment: str | None) -> str:
    return f"COMMENT ON SEQUENCE {name} IS " + ("NULL" if comment is None else _string(comment))


def _options(q: Sequence, old: Sequence | None = None) -> str:
    """``AS bigint INCREMENT BY 5 ...``: every option (create), or those that change."""
    mn, mx, st = q.effective()
    parts = []

    def changed(*fields: str) -> bool:
        return old is None or any(getattr(old, f) != getattr(q, f) for f in fields)

    if changed("type"):
        parts.append(f"AS {q.type}")
    if changed("increment"):
        parts.append(f"INCREMENT BY {q.increment}")
    if changed("type", "increment", "min_value"):
        parts.append(f"MINVALUE {mn}")
    if changed("type", "increment", "max_value"):
        parts.append(f"MAXVALUE {mx}")
    if changed("type", "increment", "min_value", "max_value", "start"):
        parts.append(f"START WITH {st}")
    if (q.cache is not None) if old is None else changed("cache"):
        parts.append(f"CACHE {q.cache or 1}")
    if changed("cycle"):
        parts.append("CYCLE" if q.cycle else "NO CYCLE")
    return " ".join(parts)


def _owner(q: Sequence) -> str:
    if q.owned_by is None:
        return "NONE"
    table, column = q.owned_by
    return f"{_qq(q.schema, table)}.{_q(column)}"


def create_sql(q: Sequence) -> list[str]:
    """The statements of a revision creating ``q`` (with its owner and comment)."""
    name = _qq(q.schema, q.name)
    out = [f"CREATE SEQUENCE {name} {_options(q)}"]
    if q.owned_by is not None:
        out.append(f"ALTER SEQUENCE {name} OWNED BY {_owner(q)}")
    if q.comment is not None:
        out.append(_comment_sql(name, q.comment))
    return out


def drop_sql(q: Sequence) -> list[str]:
    # IF EXISTS: an owned sequence goes with its column (dropped earlier in the plan)
    return [f"DROP SEQUENCE IF EXISTS {_qq(q.schema, q.name)}"]


def alter_sql(old: Sequence, q: Sequence) -> list[str]:
    name = _qq(q.schema, q.name)
    out = []
    options = _options(q, old)
    if options:
        out.append(f"ALTER SEQUENCE {name} {options}")
    if q.owned_by != old.owned_by:
        out.append(f"ALTER SEQUENCE {name} OWNED BY {_owner(q)}")
    if q.comment != old.comment:
        out.append(_comment_sql(name, q.comment))
    return out


def extension_comment_sql(e: Any) -> list[str]:
    """The statement giving the extension ``e`` its ``comment`` (None: the control
    file's, read from ``pg_available_extensions`` when the statement runs; ``""``: none).

    Example:
        >>> from planner.state.pg_objects import Extension
        >>> print(extension_comment_sql(Extension(name="citext", comment="it's"))[0])
        COMMENT ON EXTENSION "citext" IS 'it''s'
        >>> print(extension_comment_sql(Extension(name="citext"))[0])
        DO 'BEGIN EXECUTE format(''COMMENT ON EXTENSION %I IS %L'', ''citext''::text, (SELECT comment FROM pg_available_extensions WHERE name = ''citext'')); END'
    """
    if e.comment is not None:
        return [f"COMMENT ON EXTENSION {_q(e.name)} IS {_lit(e.comment)}"]
    name = _lit(e.name)
    body = (
        "BEGIN EXECUTE format('COMMENT ON EXTENSION %I IS %L', "
        f"{name}::text, (SELECT comment FROM pg_available_extensions WHERE name = {name})); END"
    )
    return [f"DO {_lit(body)}"]
