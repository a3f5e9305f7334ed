"""PostgreSQL: what it does differently from the SQL standard defaults of ``base``."""

from __future__ import annotations

from planner.dialects.base import Dialect


class PostgreSQL(Dialect):
    name = "postgresql"
    label = "PostgreSQL"
    aliases = ("postgres", "pg")
    foreign_key_tied_to_key = True
