"""SQLite."""

from __future__ import annotations

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
