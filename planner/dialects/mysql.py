"""MariaDB and MySQL 8 (variants of one dialect)."""

from __future__ import annotations

import re
from types import MappingProxyType

from planner.dialects.base import Dialect

#: the shape of a MariaDB/MySQL collation name (SHOW COLLATION)
_COLLATION = re.compile(r"^[a-z0-9]+_[a-z0-9_]+$")


class MySQL(Dialect):
    name = "mysql"
    label = "MariaDB/MySQL"
    #: MariaDB and MySQL: 64 characters for tables, columns, indexes, constraints
    max_identifier_chars = 64
    sqlglot_name = "mysql"
    aliases = ("mariadb",)
    foreign_key_needs_index = True
    foreign_key_tied_to_key = True
    transactional_ddl = False
    runtime_names = ("mysql", "mariadb")

    has_partial_indexes = False
    #: a column's ``ON UPDATE`` (``on_update:``, :mod:`planner.dialects.mysql_on_update`)
    has_on_update = True
    #: MariaDB 10.3+ has ``CREATE SEQUENCE`` (bigint, no owner, no schema but the
    #: database; MySQL 8 has none and refuses it when the revision runs)
    object_sections = frozenset({"sequences"})
    sequence_keys = frozenset({"start", "increment", "min_value", "max_value", "cache", "cycle"})
    #: the two ends of an integer foreign key must be the same integer type
    foreign_key_same_integer_type = True
    adds_foreign_key_indexes = True
    unique_index_is_constraint = True
    #: SHOW CREATE TABLE leaves out RESTRICT, the default
    default_fk_actions = ("NO ACTION", "RESTRICT")

    def collation_problem(self, name: str) -> str | None:
        """A MariaDB/MySQL collation is ``<character set>_<name>``, in lower case (as the
        capture reads it): ``utf8mb4_bin``.

        Example:
            >>> MySQL().collation_problem("utf8mb4_unicode_ci") is None
            True
            >>> MySQL().collation_problem("UTF8MB4_BIN")
            'write utf8mb4_bin'
        """
        if _COLLATION.match(name):
            return None
        if _COLLATION.match(name.lower()):  # as information_schema spells it
            return f"write {name.lower()}"
        return (
            f"{self.label} collations are named <character set>_<collation> (utf8mb4_bin, "
            "utf8mb4_unicode_ci)"
        )

    type_round_trips = MappingProxyType(
        {
            "String": "Text",
            "Numeric": "Numeric(10)",
            "Time(timezone=True)": "Time",
            "DateTime(timezone=True)": "DateTime",
            # SQLAlchemy's epoch emulation: DATETIME, seconds only
            "Interval": "mysql.TYPE(datetime)",
            "Uuid": "mysql.TYPE(char(32))",
            "postgresql.JSONB": "JSON",
            "postgresql.ARRAY": "JSON",
            "postgresql.INET": "String(45)",
            "postgresql.CIDR": "String(45)",
            "postgresql.TSVECTOR": "Text",
            "postgresql.TYPE": "Text",
        }
    )

    def not_compared(self, snapshots):
        """A trigger, function or procedure runs with the ``sql_mode`` of the session that
        created it; capture does not keep it (see ``mysql_routines``).

        Example:
            >>> from planner.state.model import Routine, Snapshot
            >>> f = Routine(kind="function", name="f", definition="...", dialect="mysql")
            >>> MySQL().not_compared([Snapshot(release="1", routines=(f,))])
            ('the sql_mode of triggers, functions and procedures (each runs with that of the session creating it)',)
        """
        snapshots = list(snapshots)
        if not any(r.dialect == self.name for s in snapshots for r in s.routines):
            return ()
        out = [
            "the sql_mode of triggers, functions and procedures (each runs with that of "
            "the session creating it)"
        ]
        shared = {
            moment
            for s in snapshots
            for moment in self.part("routines").same_moment(
                r for r in s.routines if r.dialect == self.name
            )
        }
        for table, timing, event in sorted(shared):
            out.append(
                f"the order of the {timing} {event} triggers of {table} (created in name "
                "order; FOLLOWS / PRECEDES in a definition set it)"
            )
        return tuple(out)

    def inserting_rows(self, conn):
        """A key of 0 stays 0 (``NO_AUTO_VALUE_ON_ZERO``)."""
        return self.part("build").no_auto_value_on_zero(conn)

    def server_database(self, database):
        return database or "mysql"

    def create_database_sql(self, name):
        return f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"

    def drop_database_sql(self, name):
        return f"DROP DATABASE IF EXISTS `{name}`"

    def kept_pk_name(self, table, name):
        """A primary key is always named ``PRIMARY``."""
        return None

    def is_default_name(self, kind, name, table, columns):
        """InnoDB's names for unnamed constraints: ``<table>_ibfk_<n>`` for a foreign key,
        the first column's name (``<column>_<n>`` when taken) for a unique key,
        ``CONSTRAINT_<n>`` for a table check (a column check: the column's name).

        Example:
            >>> from planner.dialects import get
            >>> my = get("mariadb")
            >>> my.is_default_name("fk", "meters_ibfk_1", "meters", ("unit_id",))
            True
            >>> my.is_default_name("uq", "code_2", "units", ("code",)), my.is_default_name("uq", "uq_x", "units", ("code",))
            (True, False)
        """
        if name is None:
            return True
        if kind == "fk":
            return re.fullmatch(re.escape(table) + r"_ibfk_\d+", name) is not None
        if kind == "uq" and columns:
            return re.fullmatch(re.escape(columns[0]) + r"(_\d+)?", name) is not None
        if kind == "ck":
            return re.fullmatch(r"CONSTRAINT_\d+", name) is not None or name in columns
        return False

    def string_literal(self, value: str) -> str:
        r"""Backslashes and quotes doubled: the same value by default and no way out of the
        string under ``NO_BACKSLASH_ESCAPES`` either.

        Example:
            >>> print(MySQL().string_literal("a\\'b"))
            'a\\''b'
        """
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
