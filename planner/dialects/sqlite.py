"""SQLite."""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

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

    #: the collations SQLite has without an application's own (sqlite3_create_collation)
    collations = ("BINARY", "NOCASE", "RTRIM")

    def collation_problem(self, name: str) -> str | None:
        """SQLite's own collations, spelled in capitals (as the capture writes them).

        Example:
            >>> SQLite().collation_problem("nocase")
            "write NOCASE: SQLite's collations are BINARY, NOCASE and RTRIM"
        """
        if name in self.collations:
            return None
        known = "SQLite's collations are BINARY, NOCASE and RTRIM"
        if name.upper() in self.collations:
            return f"write {name.upper()}: {known}"
        return f"{known}; one an application registers is not created by a migration"

    def not_compared(self, snapshots: Iterable[Any]) -> tuple[str, ...]:
        """SQLite keeps an enum column as a string (no type, no CHECK from dbplan): the
        label order of each enum with two labels or more is not stored.

        Example:
            >>> from planner.dialects import get
            >>> from planner.state.model import Enum, Snapshot
            >>> get("sqlite").not_compared([Snapshot(release="1", enums=(Enum(name="level", values=("a", "b")),))])
            ('the label order of enum level (SQLite stores an enum as a string)',)
        """
        names = sorted({e.name for s in snapshots for e in s.enums if len(e.values) > 1})
        if not names:
            return ()
        which = f"enum{'s' if len(names) > 1 else ''} {', '.join(names)}"
        return (f"the label order of {which} (SQLite stores an enum as a string)",)
