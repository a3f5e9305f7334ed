"""SQLite."""

from __future__ import annotations

from types import MappingProxyType

from planner.dialects.base import Dialect


class SQLite(Dialect):
    name = "sqlite"
    label = "SQLite"
    sqlglot_name = "sqlite"
    aliases = ("sqlite3",)
    runtime_names = ("sqlite",)
    alters_by_rebuild = True
    database_is_file = True
    driver_needs_explicit_begin = True
    has_comments = False
    reflects_autoincrement = False
    enum_as_string = True
    type_round_trips = MappingProxyType(
        {
            "Time(timezone=True)": "Time",
            "DateTime(timezone=True)": "DateTime",
            "Interval": "DateTime",
            "Uuid": "String(32)",
            "postgresql.JSONB": "JSON",
            "postgresql.ARRAY": "JSON",
            "postgresql.INET": "String(45)",
            "postgresql.CIDR": "String(45)",
            "postgresql.TSVECTOR": "Text",
            "postgresql.TYPE": "Text",
        }
    )
    #: SQLite has no ``now()``
    server_default_spellings = MappingProxyType({"now()": "CURRENT_TIMESTAMP"})
