"""SQLite's views as dbplan models them (see :mod:`planner.state.views`): the definition
is the query of the statement ``sqlite_master`` keeps (SQLite stores it as written),
what it reads parsed from it (:func:`planner.viewsql.reads_of`). A view declared with a
column list (``CREATE VIEW v (a, b) AS``) is left to the inventory."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.state.inventory import Found
from planner.state.model import Snapshot, View

_NAME = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[^\s(]+)'
_CREATE = re.compile(
    rf"^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?:{_NAME}\s*\.\s*)?{_NAME}\s+AS\s+",
    re.I | re.S,
)


def views(
    conn: Any, snapshot: Snapshot, schemas: list[str | None]
) -> tuple[list[View], list[Found]]:
    """The views of the main database."""
    from planner.viewsql import reads_of

    out = []
    for name, sql in conn.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name")
    ):
        m = _CREATE.match(sql or "")
        if m is None:
            continue  # a column list, or a spelling not understood: left to the inventory
        definition = sql[m.end() :].strip()
        out.append(
            View(name=name, definition=definition, reads=reads_of(definition, "sqlite", snapshot))
        )
    return out, []


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_sql(view: View) -> list[str]:
    """``CREATE VIEW "v" AS <definition>``."""
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
