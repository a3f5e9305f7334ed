"""SQLite."""

from __future__ import annotations

from planner.dialects.base import Dialect


class SQLite(Dialect):
    name = "sqlite"
    label = "SQLite"
    aliases = ("sqlite3",)
    driver_needs_explicit_begin = True
