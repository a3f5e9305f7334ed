"""SQLite's inventory: every object of ``sqlite_master`` (and property of a table) that
the snapshot does not model (see :mod:`planner.state.inventory`)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.state.inventory import Found
from planner.state.model import Snapshot, Unmanaged

_SKIP = ("alembic_version",)

#: the end of a CREATE TABLE: ``) WITHOUT ROWID``, ``) STRICT``, both (in either order)
_OPTIONS = re.compile(r"\)\s*((?:(?:WITHOUT\s+ROWID|STRICT)\s*,?\s*)+);?\s*$", re.I | re.S)


def inventory(conn: Any, snapshot: Snapshot | None, schemas: list[str | None]) -> list[Found]:
    """Every view, trigger, virtual table and WITHOUT ROWID or STRICT
    table of the main database, and every index dbplan did not model."""
    out: list[Found] = []

    def add(kind: str, name: str, table: str | None = None) -> None:
        if table not in _SKIP and name not in _SKIP:
            out.append(Found(obj=Unmanaged(kind=kind, name=name, table=table)))

    master = conn.execute(
        sa.text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    ).all()
    virtual = {n for type_, n, _, sql in master if type_ == "table" and _is_virtual(sql)}
    tables = {t.name: t for t in snapshot.tables} if snapshot else {}
    for type_, name, table, sql in master:
        if type_ == "view":
            add("view", name)
        elif type_ == "trigger":
            continue  # below: modelled (a definition) or left alone
        elif type_ == "table" and name in virtual:
            add("virtual_table", name)
        elif type_ == "table" and sql and not name.startswith("sqlite_"):
            if any(name.startswith(f"{v}_") for v in virtual):
                continue  # a shadow table of a virtual table: refused with it
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
                    add("index", name, table)
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
