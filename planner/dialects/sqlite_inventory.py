"""SQLite's inventory: every object of ``sqlite_master`` (and property of a table) that
the snapshot does not model (see :mod:`planner.state.inventory`)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.dialects import sqlite_properties
from planner.state.inventory import Found, fingerprint
from planner.state.model import Snapshot, Unmanaged

_SKIP = ("alembic_version",)

#: the end of a CREATE TABLE: ``) WITHOUT ROWID``, ``) STRICT``, both (in either order)
_OPTIONS = re.compile(r"\)\s*((?:(?:WITHOUT\s+ROWID|STRICT)\s*,?\s*)+);?\s*$", re.I | re.S)


def _declared(conn: Any, table: str) -> dict[str, str]:
    """The collations the columns of ``table`` declare (its CREATE TABLE text)."""
    sql = conn.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).scalar()
    return declared_collations(conn, table, sql) if sql else {}


def _ordered(conn: Any, index: str, collated: dict[str, str]) -> bool:
    """The index has a key column in ``DESC`` order or with a collation of its own: other
    than its column's (``collated``: the table's declared ones; BINARY otherwise), which
    an index takes when it names none (``PRAGMA index_xinfo``: seqno, cid, name, desc,
    coll, key)."""
    quoted = '"' + index.replace('"', '""') + '"'
    rows = conn.exec_driver_sql(f"PRAGMA index_xinfo({quoted})").all()
    return any(
        r[5] and (r[3] or str(r[4]).upper() != collated.get(r[2], "BINARY").upper()) for r in rows
    )


def inventory(conn: Any, snapshot: Snapshot | None, schemas: list[str | None]) -> list[Found]:
    """Every view, trigger, virtual table and WITHOUT ROWID or STRICT
    table of the main database, every index dbplan did not model, and every column
    declared with a collation other than BINARY the capture did not model (a type that
    is not a string)."""
    out: list[Found] = []

    def add(kind: str, name: str, table: str | None = None, text: str | None = None) -> None:
        """``text``: the statement that made the object (its fingerprint)."""
        if table not in _SKIP and name not in _SKIP:
            digest = fingerprint(text) if text is not None else None
            out.append(Found(obj=Unmanaged(kind=kind, name=name, table=table, fingerprint=digest)))

    master = conn.execute(
        sa.text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    ).all()
    virtual = {n for type_, n, _, sql in master if type_ == "table" and _is_virtual(sql)}
    tables = {t.name: t for t in snapshot.tables} if snapshot else {}
    for type_, name, table, sql in master:
        if type_ == "view":
            add("view", name, text=sql)
        elif type_ == "trigger":
            continue  # below: modelled (a definition) or left alone
        elif type_ == "table" and name in virtual:
            add("virtual_table", name, text=sql)
        elif type_ == "table" and sql and not name.startswith("sqlite_"):
            if any(name.startswith(f"{v}_") for v in virtual):
                continue  # a shadow table of a virtual table: refused with it
            t = tables.get(name)
            for col in declared_collations(conn, name, sql):
                if t is None or not t.has_column(col) or t.column(col).collation is None:
                    add("collate", col, name)  # on a type that is not a string
            sqlite_properties.properties(name, sql, t, add)
            m = _OPTIONS.search(sql)
            options = m.group(1).upper() if m else ""
            if "ROWID" in options:
                add("without_rowid", name)
            if "STRICT" in options:
                add("strict", name)
        elif type_ == "index" and sql and snapshot is not None:
            t = tables.get(table)
            if t is not None and not any(i.name == name for i in t.indexes):
                if not any(u.name == name for u in t.uniques):
                    add("index", name, table, text=sql)
            elif t is not None and _ordered(conn, name, _declared(conn, table)):
                add("index", name, table, text=sql)  # DESC or COLLATE: reflection leaves them out
    from planner.dialects import sqlite_routines

    # a trigger of a view too (INSTEAD OF): back to the inventory if the view is not modelled
    views = {n for type_, n, _, _ in master if type_ == "view"}
    modelled = set(tables) | views if snapshot is not None else None
    for kind, name, table, definition in sqlite_routines.captured(conn, modelled):
        if table not in _SKIP:
            out.append(
                Found(obj=Unmanaged(kind=kind, name=name, table=table), definition=definition)
            )
    return out


def _is_virtual(sql: str | None) -> bool:
    return bool(sql) and re.match(r"\s*CREATE\s+VIRTUAL\s+TABLE", sql, re.I) is not None


def declared_collations(conn: Any, table: str, sql: str) -> dict[str, str]:
    """``{column: collation}`` of the columns of ``table`` whose definition in ``sql``
    says ``COLLATE`` (other than BINARY, the default; in capitals, as SQLite compares
    them): SQLite keeps a column's collation only in that text.

    Example:
        >>> import sqlite3
        >>> c = sqlite3.connect(":memory:")
        >>> sql = 'CREATE TABLE t (id INTEGER, "n m" TEXT COLLATE nocase, b TEXT COLLATE BINARY)'
        >>> _ = c.execute(sql)
        >>> e = sa.create_engine("sqlite://", creator=lambda: c)
        >>> with e.connect() as conn:
        ...     declared_collations(conn, "t", sql)
        {'n m': 'NOCASE'}
    """
    if not re.search(r"\bCOLLATE\b", sql, re.I):
        return {}
    quoted = table.replace('"', '""')
    names = [r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{quoted}")').all()]
    out = {}
    for col in names:
        spelled = "|".join(re.escape(x) for x in (f'"{col}"', f"`{col}`", f"[{col}]", col))
        m = re.search(rf"(?:^|[(,])\s*(?:{spelled})\s[^,]*?\bCOLLATE\s+[\"'`\[]?(\w+)", sql, re.I)
        if m and m.group(1).upper() != "BINARY":
            out[col] = m.group(1).upper()
    return out
