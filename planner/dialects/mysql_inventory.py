"""MariaDB/MySQL's inventory: every object of the database (``information_schema``)
that the snapshot does not model (see :mod:`planner.state.inventory`).

A MariaDB database is one schema: ``schemas`` is always the connection's database.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from planner.state.inventory import Found, fingerprint
from planner.state.model import Snapshot, Unmanaged

_SKIP = ("alembic_version",)

#: index types dbplan models (InnoDB's B-tree); FULLTEXT, SPATIAL, HASH … it does not
_MODELLED_INDEX_TYPES = ("BTREE",)


def inventory(conn: Any, snapshot: Snapshot | None, schemas: list[str | None]) -> list[Found]:
    """Every view, trigger, routine, event, sequence, partitioned or
    system-versioned table, index, column COLLATE and table or column property dbplan
    cannot model, of the connection's database."""
    out: list[Found] = []

    def add(
        kind: str, name: str, table: str | None = None, detail: str = "", text: Any = None
    ) -> None:
        """``text``: what the catalog shows of the object's definition (its fingerprint)."""
        if table in _SKIP or (table is None and name in _SKIP):
            return
        digest = fingerprint(text) if text is not None else None
        obj = Unmanaged(kind=kind, name=name, table=table, fingerprint=digest)
        out.append(Found(obj=obj, detail=detail))

    def rows(sql: str):
        return conn.execute(sa.text(sql)).all()

    db = "DATABASE()"
    for name, type_, view in rows(
        "SELECT t.TABLE_NAME, t.TABLE_TYPE, v.VIEW_DEFINITION FROM information_schema.TABLES t "
        "LEFT JOIN information_schema.VIEWS v "
        "ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME "
        f"WHERE t.TABLE_SCHEMA = {db}"
    ):
        if type_ == "VIEW":
            add("view", name, text=view)
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
    for name, *definition in rows(
        "SELECT EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, EXECUTE_AT, INTERVAL_VALUE, "
        f"INTERVAL_FIELD, STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = {db}"
    ):
        add("event", name, text=definition)
    parts: dict[str, list] = {}
    for table, *partition in rows(
        "SELECT TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, "
        "PARTITION_DESCRIPTION, SUBPARTITION_NAME FROM information_schema.PARTITIONS "
        f"WHERE TABLE_SCHEMA = {db} AND PARTITION_NAME IS NOT NULL "
        "ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION"
    ):
        parts.setdefault(table, []).append(partition)
    for table, partitions in parts.items():
        add("partitioning", table, text=partitions)
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
        if t is not None and t.has_column(col) and t.column(col).type == "JSON":
            continue  # MariaDB's JSON is LONGTEXT with its own binary collation
        if t is None or not t.has_column(col) or t.column(col).collation is None:
            add("collate", col, table)  # an enum's, or a table's dbplan does not model
    # an IGNORED index (MariaDB 10.6+): SQLAlchemy's reflection skips it
    ignored = "s.IGNORED = 'YES'" if _has_column(conn, "STATISTICS", "IGNORED") else "0"
    indexes: dict[tuple[str, str], list] = {}
    for table, ix, *element in rows(
        "SELECT s.TABLE_NAME, s.INDEX_NAME, s.INDEX_TYPE, s.SUB_PART, s.COLLATION, "
        f"{ignored}, s.NON_UNIQUE, s.COLUMN_NAME "
        "FROM information_schema.STATISTICS s JOIN information_schema.TABLES t "
        "ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME "
        f"WHERE s.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
        "AND s.INDEX_NAME <> 'PRIMARY' ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX"
    ):
        indexes.setdefault((table, ix), []).append(element)
    for (table, ix), elements in indexes.items():
        if any(
            type_ not in _MODELLED_INDEX_TYPES
            or sub_part is not None
            or collation == "D"
            or skipped
            for type_, sub_part, collation, skipped, *_ in elements
        ):  # its type, columns, prefixes and orders are its fingerprint
            add("index", ix, table, text=elements)
    _table_properties(conn, add)
    _view_and_trigger_properties(conn, add)
    return out


def _view_and_trigger_properties(conn: Any, add: Any) -> None:
    """A view's ``ALGORITHM`` / ``SQL SECURITY`` other than the defaults (dbplan creates
    ``UNDEFINED`` / ``DEFINER``), a table whose triggers of one timing and event fire in
    an order (``FOLLOWS`` / ``PRECEDES``) other than their names' (dbplan creates them
    in name order), and ``COMPRESSED`` columns."""
    db = "DATABASE()"
    for view, algorithm, security in conn.execute(
        sa.text(
            "SELECT TABLE_NAME, ALGORITHM, SECURITY_TYPE FROM information_schema.VIEWS "
            f"WHERE TABLE_SCHEMA = {db} AND (ALGORITHM <> 'UNDEFINED' "
            "OR SECURITY_TYPE <> 'DEFINER')"
        )
    ).all():
        add("view_options", view, text=[algorithm, security])
    fired: dict[tuple[str, str, str], list[str]] = {}
    for table, timing, event, name in conn.execute(
        sa.text(
            "SELECT EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, TRIGGER_NAME "
            f"FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {db} "
            "ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER"
        )
    ).all():
        fired.setdefault((table, timing, event), []).append(name)
    for table in sorted({t for (t, *_), names in fired.items() if names != sorted(names)}):
        orders = [names for (t, *_), names in sorted(fired.items()) if t == table]
        add("trigger_order", table, text=orders)
    for table, col, type_ in conn.execute(
        sa.text(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE FROM information_schema.COLUMNS c "
            f"WHERE c.TABLE_SCHEMA = {db} AND c.COLUMN_TYPE LIKE '%COMPRESSED%'"
        )
    ).all():
        add("column_compression", col, table, text=type_)


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
            add("engine", table, detail=engine, text=engine)
        implied = (*_NOT_OPTIONS, *_ENGINE_SHOWS.get((engine or "").lower(), ()))
        declared = [o for o in (options or "").split() if o.lower() not in implied]
        if declared:
            add("table_options", table, detail=" ".join(declared), text=declared)
        if collation and db_collation and collation != db_collation:
            add("charset", table, detail=collation, text=collation)
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
    for table, ix, comment in conn.execute(
        sa.text(
            "SELECT DISTINCT s.TABLE_NAME, s.INDEX_NAME, s.INDEX_COMMENT "
            "FROM information_schema.STATISTICS s "
            "JOIN information_schema.TABLES t "
            "ON t.TABLE_SCHEMA = s.TABLE_SCHEMA AND t.TABLE_NAME = s.TABLE_NAME "
            f"WHERE s.TABLE_SCHEMA = {db} AND t.TABLE_TYPE = 'BASE TABLE' "
            "AND s.INDEX_COMMENT <> ''"
        )
    ).all():
        add("comment", f"index {ix} on {table}", text=comment)


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
