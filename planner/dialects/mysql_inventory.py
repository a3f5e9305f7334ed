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
    system-versioned table, index, column COLLATE and table or column property dbplan
    cannot model, of the connection's database."""
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
    # an IGNORED index (MariaDB 10.6+): SQLAlchemy's reflection skips it
    ignored = "s.IGNORED = 'YES'" if _has_column(conn, "STATISTICS", "IGNORED") else "0"
    for table, ix, type_, sub_part, collation, skipped in rows(
        "SELECT s.TABLE_NAME, s.INDEX_NAME, s.INDEX_TYPE, s.SUB_PART, s.COLLATION, "
        f"{ignored} FROM information_schema.STATISTICS s JOIN information_schema.TABLES t "
        "ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME "
        f"WHERE s.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
        "AND s.INDEX_NAME <> 'PRIMARY'"
    ):
        if (
            type_ not in _MODELLED_INDEX_TYPES
            or sub_part is not None
            or collation == "D"
            or skipped
        ):
            add("index", ix, table)
    _table_properties(conn, add)
    return out


#: CREATE_OPTIONS words that are not options of the table's own
_NOT_OPTIONS = ("partitioned",)
#: CREATE_OPTIONS words an engine shows without their being declared
_ENGINE_SHOWS = {"aria": ("transactional=1",)}


def _table_properties(conn: Any, add: Any) -> None:
    """The properties of tables and columns dbplan models the object without: an ENGINE
    other than the server's default, declared table options (``ROW_FORMAT``,
    ``KEY_BLOCK_SIZE``, ``STATS_PERSISTENT``, an explicit ``AUTO_INCREMENT`` start …: what
    ``CREATE_OPTIONS`` shows, never the moving counter), a default collation other than
    the database's, INVISIBLE columns and index comments."""
    db = "DATABASE()"
    for table, engine, options, collation, default_engine, db_collation in conn.execute(
        sa.text(
            "SELECT t.TABLE_NAME, t.ENGINE, t.CREATE_OPTIONS, t.TABLE_COLLATION, "
            "@@default_storage_engine, s.DEFAULT_COLLATION_NAME "
            "FROM information_schema.TABLES t JOIN information_schema.SCHEMATA s "
            f"ON s.SCHEMA_NAME = t.TABLE_SCHEMA WHERE t.TABLE_SCHEMA = {db} "
            "AND t.TABLE_TYPE = 'BASE TABLE'"
        )
    ).all():
        if engine and default_engine and engine.lower() != default_engine.lower():
            add("engine", table, detail=engine)
        implied = (*_NOT_OPTIONS, *_ENGINE_SHOWS.get((engine or "").lower(), ()))
        declared = [o for o in (options or "").split() if o.lower() not in implied]
        if declared:
            add("table_options", table, detail=" ".join(declared))
        if collation and db_collation and collation != db_collation:
            add("charset", table, detail=collation)
    for table, col in conn.execute(
        sa.text(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME FROM information_schema.COLUMNS c "
            "JOIN information_schema.TABLES t "
            "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
            f"WHERE c.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
            "AND c.EXTRA LIKE '%INVISIBLE%'"
        )
    ).all():
        add("invisible", col, table)
    for table, ix in conn.execute(
        sa.text(
            "SELECT DISTINCT s.TABLE_NAME, s.INDEX_NAME FROM information_schema.STATISTICS s "
            "JOIN information_schema.TABLES t "
            "ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME "
            f"WHERE s.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
            "AND s.INDEX_COMMENT <> ''"
        )
    ).all():
        add("comment", f"index {ix} on {table}")


def _has_column(conn: Any, table: str, column: str) -> bool:
    """``information_schema.<table>`` has ``column`` (MariaDB and MySQL differ)."""
    return bool(
        conn.execute(
            sa.text(
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                "TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = :t AND COLUMN_NAME = :c"
            ),
            {"t": table, "c": column},
        ).scalar()
    )
