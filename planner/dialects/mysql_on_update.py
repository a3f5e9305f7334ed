"""MariaDB/MySQL ``ON UPDATE``: a column the database sets on every UPDATE of its row
(``updated_at TIMESTAMP DEFAULT current_timestamp() ON UPDATE current_timestamp()``).

The snapshot keeps it apart from the default (``on_update:``); SQLAlchemy reads and
writes the two as one server default text, ``<default> ON UPDATE <it>`` (MySQL's idiom
``server_default=sa.text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")``): a capture
splits it, a revision joins it again.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

#: `` ON UPDATE `` outside quotes, the clause SHOW CREATE TABLE writes after DEFAULT
_ON_UPDATE = re.compile(r"^((?:[^']|'(?:[^']|'')*')*?)\s+ON\s+UPDATE\s+(\S.*?)\s*$", re.I | re.S)


def split(default: str | None) -> tuple[str | None, str | None]:
    """``(default, on_update)`` of a reflected (or modelled) server default text; the
    default None when it is ``NULL``.

    Example:
        >>> split("current_timestamp() ON UPDATE current_timestamp()")
        ('current_timestamp()', 'current_timestamp()')
        >>> split("NULL ON UPDATE current_timestamp(3)")
        (None, 'current_timestamp(3)')
        >>> split("'a ON UPDATE b'")
        ("'a ON UPDATE b'", None)
    """
    if default is None:
        return None, None
    m = _ON_UPDATE.match(default)
    if m is None:
        return default, None
    head = m[1].strip()
    return (None if head.upper() == "NULL" else head), m[2]


def joined(default: str | None, on_update: str | None) -> str | None:
    """The server default text SQLAlchemy writes for a column: the default, then
    ``ON UPDATE <on_update>`` (``NULL`` before it when there is no default).

    Example:
        >>> joined("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP")
        'CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'
        >>> joined(None, "now()"), joined("0", None)
        ('NULL ON UPDATE now()', '0')
    """
    if on_update is None:
        return default
    return f"{'NULL' if default is None else default} ON UPDATE {on_update}"


def reflected(conn: Any, schema: str | None) -> dict[str, dict[str, str]]:
    """``{table: {column: on_update}}`` from ``information_schema.COLUMNS.EXTRA`` (MariaDB
    ``on update current_timestamp()``, MySQL ``DEFAULT_GENERATED on update
    CURRENT_TIMESTAMP``): SQLAlchemy's SHOW CREATE TABLE parser keeps ``ON UPDATE`` only
    after an unquoted default, and loses it after ``DEFAULT NULL`` or a quoted one."""
    rows = conn.execute(
        sa.text(
            "SELECT TABLE_NAME, COLUMN_NAME, EXTRA FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = coalesce(:s, database()) AND EXTRA LIKE '%on update%'"
        ),
        {"s": schema},
    ).all()
    out: dict[str, dict[str, str]] = {}
    for table, column, extra in rows:
        m = re.search(r"\bon\s+update\s+(\S.*?)\s*$", extra, re.I)
        if m:
            out.setdefault(table, {})[column] = m[1]
    return out


def split_reflected(columns: list[dict], on_update: dict[str, str]) -> list[dict]:
    """Reflected columns with ``on_update`` (``{column: on_update}``, from the catalog)
    taken out of their ``default``."""
    out = []
    for c in columns:
        d = c.get("default")
        if c["name"] in on_update:
            default, _ = split(d) if isinstance(d, str) else (d, None)
            if isinstance(default, str) and default.upper() == "NULL":
                default = None
            c = {**c, "default": default, "on_update": on_update[c["name"]]}
        out.append(c)
    return out
