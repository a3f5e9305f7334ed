"""MariaDB/MySQL reflection fixes (reached as ``get("mysql").part("capture")``).

SHOW CREATE TABLE doubles a backtick inside a name and SQLAlchemy keeps both; it also
keeps the backslash escapes of enum values, and its parser skips a foreign key to a
table whose name ends with a backtick. The JSON columns MariaDB stores as ``LONGTEXT``
with a ``json_valid`` check are found here too.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.dialects import mysql_on_update, mysql_typmods
from planner.dialects.reflection import COLLATION_KEY, TYPE_KEY, RawTable, fix_names

#: the name fields of each inspector result that SQLAlchemy reads from DDL text
_NAME_FIELDS = {
    "columns": ("name",),
    "pk": ("name", "constrained_columns"),
    "foreign_keys": ("name", "constrained_columns", "referred_table", "referred_columns"),
    "indexes": ("name", "column_names"),
    "uniques": ("name", "column_names"),
    "checks": ("name",),
}

#: MariaDB/MySQL string escapes SHOW CREATE TABLE may write in an enum value
_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


def fix_reflected(
    conn: sa.engine.Connection, insp: Any, schema: str | None, raw: dict[str, RawTable]
) -> None:
    from planner.state.coltypes import mariadb_json_columns

    for t in raw.values():
        for field, names in _NAME_FIELDS.items():
            setattr(t, field, fix_names(getattr(t, field), names, "`"))
    unparsed = _unparsed_fks(conn, schema, raw) if raw else {}
    nextvals = _sequence_defaults(conn, schema) if raw else {}
    on_update = mysql_on_update.reflected(conn, schema) if raw else {}
    collated = _own_collations(conn, schema) if raw else {}
    column_types = _column_types(conn, schema) if raw else {}
    for table, t in raw.items():
        t.foreign_keys = t.foreign_keys + unparsed.get(table, [])
        if table in nextvals:
            t.columns = [
                {**c, "default": nextvals[table].get(c["name"], c.get("default"))}
                for c in t.columns
            ]
        t.columns = mysql_on_update.split_reflected(
            _fix_enum_values(t.columns), on_update.get(table, {})
        )
        if table in collated:  # a column's own collation: collation:
            t.columns = [
                {**c, COLLATION_KEY: collated[table][c["name"]]}
                if c["name"] in collated[table]
                else c
                for c in t.columns
            ]
        t.json_columns = mariadb_json_columns(conn, table, schema=schema)
        if table in column_types:
            t.columns = _exact_types(table, t, column_types[table])
    if raw:
        _column_checks(conn, schema, raw)


def _column_checks(conn: sa.engine.Connection, schema: str | None, raw: dict[str, RawTable]):
    """MariaDB's column-level checks (``n int CHECK (n > 0)``, named after the column):
    SQLAlchemy reads only the table-level ``CONSTRAINT … CHECK`` lines of SHOW CREATE
    TABLE. Modelled as a table check of that name (the same rule; a revision writes it at
    table level). The ``json_valid`` check of a JSON column is the column's type."""
    from planner.state.typesa import json_columns_from_checks

    has_level = conn.execute(
        sa.text(
            "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
            "'information_schema' AND TABLE_NAME = 'CHECK_CONSTRAINTS' AND COLUMN_NAME = 'LEVEL'"
        )
    ).scalar()
    if not has_level:
        return  # MySQL: every check is the table's, and SQLAlchemy reads them
    for table, name, clause in conn.execute(
        sa.text(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
            "FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = coalesce(:s, database()) AND LEVEL = 'Column' "
            "ORDER BY TABLE_NAME, CONSTRAINT_NAME"
        ),
        {"s": schema},
    ).all():
        t = raw.get(table)
        if t is None or any(c.get("name") == name for c in t.checks):
            continue
        if json_columns_from_checks([{"name": name, "sqltext": clause}]):
            continue  # a JSON column's (mariadb_json_columns)
        t.checks = [*t.checks, {"name": name, "sqltext": clause}]


def _column_types(conn: sa.engine.Connection, schema: str | None) -> dict[str, dict]:
    """``{table: {column: COLUMN_TYPE}}`` of the schema (what SQLAlchemy's types lose:
    ``datetime(3)``, ``int unsigned``, ``char(2)`` …)."""
    rows = conn.execute(
        sa.text(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = coalesce(:s, database())"
        ),
        {"s": schema},
    ).all()
    out: dict[str, dict] = {}
    for table, column, column_type in rows:
        out.setdefault(table, {})[column] = column_type
    return out


def _exact_types(table: str, t: RawTable, column_types: dict[str, str]) -> list:
    """The columns of ``t`` with the type their ``COLUMN_TYPE`` reads as
    (:func:`planner.dialects.mysql_typmods.reads`: the canonical type creating exactly it,
    else ``mysql.TYPE(datetime(3))``), and a refusal naming the type where dbplan
    cannot re-create it (``set('a','b')``, ``uuid``); an ENUM and a JSON column (a
    ``longtext`` with its check) keep SQLAlchemy's reading."""
    from planner.state.typespec import TypeReflectionError

    out = []
    for c in t.columns:
        spelled = column_types.get(c["name"])
        if spelled is not None:  # a COMPRESSED column: listed (mysql_inventory), same type
            spelled = spelled.replace(" /*M!100301 COMPRESSED*/", "")
        if spelled is None or c["name"] in t.json_columns or spelled.startswith("enum("):
            out.append(c)
            continue
        text = mysql_typmods.reads(spelled)
        if text is None:
            own: Any = TypeReflectionError(
                f"column type {spelled} (information_schema.COLUMNS.COLUMN_TYPE) has no "
                "form dbplan re-creates; change the column's type, or leave the table out "
                "of the snapshot"
            )
        else:
            own = text
        out.append({**c, TYPE_KEY: own})
    return out


def _unparsed_fks(conn: sa.engine.Connection, schema: str | None, raw: dict[str, RawTable]):
    """``{table: [fk, ...]}``: the foreign keys SQLAlchemy's SHOW CREATE TABLE parser skips
    (a referenced table whose name ends with a backtick: ``REFERENCES `a```` ``), read
    from information_schema for the whole schema. ON DELETE/UPDATE RESTRICT is the default
    SHOW CREATE TABLE leaves out, so it is left out here too."""
    rows = conn.execute(
        sa.text(
            "SELECT r.TABLE_NAME, r.CONSTRAINT_NAME, r.REFERENCED_TABLE_NAME, r.DELETE_RULE, "
            "r.UPDATE_RULE, k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME, "
            "k.REFERENCED_TABLE_SCHEMA "
            "FROM information_schema.REFERENTIAL_CONSTRAINTS r "
            "JOIN information_schema.KEY_COLUMN_USAGE k "
            "ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA "
            "AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME "
            "WHERE r.CONSTRAINT_SCHEMA = coalesce(:s, database()) "
            "ORDER BY r.TABLE_NAME, r.CONSTRAINT_NAME, k.ORDINAL_POSITION"
        ),
        {"s": schema},
    ).all()
    current = None
    out: dict[str, dict[str, dict]] = {}
    for table, name, ref_table, on_delete, on_update, col, ref_col, ref_schema in rows:
        t = raw.get(table)
        if t is None or name in {fk.get("name") for fk in t.foreign_keys}:
            continue
        fks = out.setdefault(table, {})
        fk = fks.get(name)
        if fk is None:
            opts = {
                k: v
                for k, v in (("ondelete", on_delete), ("onupdate", on_update))
                if v and v != "RESTRICT"
            }
            fk = fks[name] = {
                "name": name,
                "constrained_columns": [],
                "referred_schema": schema if schema else None,
                "referred_table": ref_table,
                "referred_columns": [],
                "options": opts,
            }
            if ref_schema:
                if current is None:
                    current = schema or conn.execute(sa.text("SELECT database()")).scalar()
                if ref_schema != current:
                    fk["referred_schema"] = ref_schema
        fk["constrained_columns"].append(col)
        fk["referred_columns"].append(ref_col)
    return {table: list(fks.values()) for table, fks in out.items()}


#: MariaDB's spelling of a sequence default: ``nextval(`db`.`s`)``
_NEXTVAL = re.compile(r"\s*nextval\(\s*(?:`((?:[^`]|``)+)`\.)?`((?:[^`]|``)+)`\s*\)\s*$", re.I)


def _own_collations(conn: sa.engine.Connection, schema: str | None) -> dict[str, dict]:
    """``{table: {column: collation}}`` of the columns whose collation is not their
    table's (``COLLATE`` of their own; SQLAlchemy reads it only from SHOW CREATE TABLE's
    text, where MariaDB also writes the character set)."""
    rows = conn.execute(
        sa.text(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLLATION_NAME "
            "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
            "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
            "WHERE c.TABLE_SCHEMA = coalesce(:s, database()) "
            "AND c.COLLATION_NAME IS NOT NULL AND c.COLLATION_NAME <> t.TABLE_COLLATION"
        ),
        {"s": schema},
    ).all()
    out: dict[str, dict] = {}
    for table, column, collation in rows:
        out.setdefault(table, {})[column] = collation
    return out


def _sequence_defaults(conn: sa.engine.Connection, schema: str | None) -> dict[str, dict]:
    """``{table: {column: default}}`` of the columns whose default takes a sequence's next
    value (SQLAlchemy's SHOW CREATE TABLE parser loses it), as ``NEXT VALUE FOR s``: the
    sequence of the same database unqualified, so the snapshot names no database (and
    the default is not taken for a PostgreSQL serial's ``nextval``)."""
    rows = conn.execute(
        sa.text(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, database() "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = coalesce(:s, database()) "
            "AND COLUMN_DEFAULT LIKE 'nextval(%'"
        ),
        {"s": schema},
    ).all()
    out: dict[str, dict] = {}
    for table, column, default, current in rows:
        m = _NEXTVAL.match(default)
        if m is None:
            continue
        db, name = (g.replace("``", "`") if g else g for g in m.groups())
        seq = _ident(name) if db in (None, schema or current) else f"{_ident(db)}.{_ident(name)}"
        out.setdefault(table, {})[column] = f"NEXT VALUE FOR {seq}"
    return out


def _ident(name: str) -> str:
    """A name as MariaDB reads it: bare when it is a plain word, else backquoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return "`" + name.replace("`", "``") + "`"


def _fix_enum_values(columns: list) -> list:
    """The values of ENUM columns with SHOW CREATE TABLE's backslash escapes undone
    (SQLAlchemy undoes only doubled quotes): a value ``a\\`` is read as ``a\\\\``."""
    out = []
    for col in columns:
        t = col.get("type")
        if isinstance(t, sa.Enum) and any("\\" in v for v in t.enums):
            values = [
                re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), v, flags=re.S) for v in t.enums
            ]
            col = {**col, "type": type(t)(*values)}
        out.append(col)
    return out
