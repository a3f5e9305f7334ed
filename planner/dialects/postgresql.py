"""PostgreSQL: what it does differently from the SQL standard defaults of ``base``."""

from __future__ import annotations

from planner.dialects.base import Dialect


class PostgreSQL(Dialect):
    name = "postgresql"
    label = "PostgreSQL"
    sqlglot_name = "postgres"
    aliases = ("postgres", "pg")
    foreign_key_tied_to_key = True

    def string_literal(self, value: str) -> str:
        r"""A literal that reads the same whatever ``standard_conforming_strings`` says: a
        value with a backslash is an escape string (``E'...'``), its backslashes written
        ``\134`` (octal: never ``\:``, which ``sa.text`` would unescape), quotes doubled.

        Example:
            >>> PostgreSQL().string_literal("it's")
            "'it''s'"
            >>> print(PostgreSQL().string_literal("a\\'b"))
            E'a\134''b'
        """
        if "\\" not in value:
            return super().string_literal(value)
        return "E'" + value.replace("\\", "\\134").replace("'", "''") + "'"
