"""MariaDB and MySQL 8 (variants of one dialect)."""

from __future__ import annotations

from planner.dialects.base import Dialect


class MySQL(Dialect):
    name = "mysql"
    label = "MariaDB/MySQL"
    aliases = ("mariadb",)
    foreign_key_needs_index = True
    foreign_key_tied_to_key = True
    transactional_ddl = False
