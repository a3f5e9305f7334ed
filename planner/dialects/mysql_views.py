"""MariaDB/MySQL's views as dbplan models them (see :mod:`planner.state.views`): the
definition as ``SHOW CREATE VIEW`` gives it (the server's normal form, without the
database name), what it reads parsed from it (:func:`planner.viewsql.reads_of`)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.state.inventory import Found
from planner.state.model import Snapshot, View

#: ``CREATE ALGORITHM=... DEFINER=... SQL SECURITY ... VIEW `v` AS <definition>``
_CREATE = re.compile(r"^CREATE\b.*?\bVIEW\s+(`(?:[^`]|``)+`|\S+)\s+AS\s+", re.S)


def views(
    conn: Any, snapshot: Snapshot, schemas: list[str | None]
) -> tuple[list[View], list[Found]]:
    """The views of the connection's database."""
    from planner.viewsql import reads_of

    names = [
        n
        for (n,) in conn.execute(
            sa.text(
                "SELECT TABLE_NAME FROM information_schema.VIEWS "
                "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME"
            )
        )
    ]
    out = []
    for name in names:
        quoted = "`" + name.replace("`", "``") + "`"
        row = conn.execute(sa.text(f"SHOW CREATE VIEW {quoted}")).first()
        m = _CREATE.match(row[1]) if row is not None else None
        if m is None:
            continue  # left to the inventory
        definition = row[1][m.end() :].strip()
        reads = reads_of(definition, "mysql", snapshot)
        out.append(View(name=name, definition=definition, reads=reads))
    return out, []


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def create_sql(view: View) -> list[str]:
    """``CREATE VIEW `v` AS <definition>``."""
    return [f"CREATE VIEW {_q(view.name)} AS {view.definition}"]


def drop_sql(view: View) -> list[str]:
    return [f"DROP VIEW {_q(view.name)}"]


def create_index_sql(key: tuple, ix: Any) -> list[str]:
    return []  # no materialized views here (validation refuses them where a target)


def drop_index_sql(key: tuple, ix: Any) -> list[str]:
    return []


def comment_sql(view: View, comment: str | None) -> list[str]:
    return []  # views keep no comment here


def column_comment_sql(view: View, column: str, comment: str | None) -> list[str]:
    return []  # nor their columns
