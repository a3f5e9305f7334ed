"""MariaDB/MySQL's inventory: every object of the database (``information_schema``)
that the snapshot does not model (see :mod:`planner.state.inventory`).

A MariaDB database is one schema: ``schemas`` is always the connection's database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from planner.state.inventory import Found
from planner.state.model import Snapshot, Unmanaged

_SKIP = ("alembic_version",)

#: index types dbplan models (InnoDB's B-tree); FULLTEXT, SPATIAL, HASH … it does not
_MODELLED_INDEX_TYPES = ("BTREE",)


def inventory(conn: Any, snapshot: Snapshot | None, schemas: list[str | None]) -> list[Found]:
    """Every view, trigger, routine, event, sequence, partitioned or
    system-versioned table, index and column COLLATE dbplan cannot model, of the
    connection's database."""
    out: list[Found] = []

    def add(kind: str, name: str, table: str | None = None, detail: str = "") -> None:
        if table in _SKIP or (table is None and name in _SKIP):
            return
        out.append(Found(obj=Unmanaged(kind=kind, name=name, table=table), detail=detail))

    def rows(sql: str):
        return conn.execute(sa.text(sql)).all()

    db = "DATABASE()"
    for name, type_ in rows(
        f"SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = {db}"
    ):
        if type_ == "VIEW":
            add("view", name)
        elif type_ == "SEQUENCE":
            continue  # modelled: sequences: (planner.dialects.mysql_objects)
        elif type_ == "SYSTEM VERSIONED":
            add("system_versioned", name)
        elif type_ not in ("BASE TABLE", "TEMPORARY", "LOCAL TEMPORARY"):
            add("system_versioned", name, detail=type_)
    # triggers, functions, procedures: modelled (a definition) or left alone
    from planner.dialects import mysql_routines

    modelled = {t.name for t in snapshot.tables} if snapshot is not None else None
    for kind, name, table, definition in mysql_routines.captured(conn, modelled):
        if table not in _SKIP:
            obj = Unmanaged(kind=kind, name=name, table=table)
            out.append(Found(obj=obj, definition=definition))
    for (name,) in rows(
        f"SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = {db}"
    ):
        add("event", name)
    for (table,) in rows(
        "SELECT DISTINCT TABLE_NAME FROM information_schema.PARTITIONS "
        f"WHERE TABLE_SCHEMA = {db} AND PARTITION_NAME IS NOT NULL"
    ):
        add("partitioning", table)
    # a column's own collation (COLLATE): modelled (collation:) on a string type
    tables = {t.name: t for t in snapshot.tables} if snapshot is not None else {}
    for table, col in rows(
        "SELECT c.TABLE_NAME, c.COLUMN_NAME FROM information_schema.COLUMNS c "
        "JOIN information_schema.TABLES t "
        "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
        f"WHERE c.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
        "AND c.COLLATION_NAME IS NOT NULL AND c.COLLATION_NAME <> t.TABLE_COLLATION"
    ):
        t = tables.get(table)
        if t is None or not t.has_column(col) or t.column(col).collation is None:
            add("collate", col, table)  # an enum's, or a table's dbplan does not model
    for table, ix, type_, sub_part, collation in rows(
        "SELECT s.TABLE_NAME, s.INDEX_NAME, s.INDEX_TYPE, s.SUB_PART, s.COLLATION "
        "FROM information_schema.STATISTICS s JOIN information_schema.TABLES t "
        "ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME "
        f"WHERE s.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
        "AND s.INDEX_NAME <> 'PRIMARY'"
    ):
        if type_ not in _MODELLED_INDEX_TYPES or sub_part is not None or collation == "D":
            add("index", ix, table)
    return out
