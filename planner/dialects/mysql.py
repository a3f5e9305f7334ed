"""MariaDB and MySQL 8 (variants of one dialect)."""

from __future__ import annotations

from planner.dialects.base import Dialect


class MySQL(Dialect):
    name = "mysql"
    label = "MariaDB/MySQL"
    sqlglot_name = "mysql"
    aliases = ("mariadb",)
    foreign_key_needs_index = True
    foreign_key_tied_to_key = True

    def string_literal(self, value: str) -> str:
        r"""Backslashes and quotes doubled: the same value by default and no way out of the
        string under ``NO_BACKSLASH_ESCAPES`` either.

        Example:
            >>> print(MySQL().string_literal("a\\'b"))
            'a\\''b'
        """
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
