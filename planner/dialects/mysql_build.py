"""MariaDB/MySQL: creating a database from a snapshot (``planner.state.build``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa


@contextlib.contextmanager
def no_auto_value_on_zero(conn: sa.engine.Connection) -> Iterator[None]:
    """MariaDB/MySQL store an inserted 0 in an AUTO_INCREMENT column as the next value
    unless ``sql_mode`` has ``NO_AUTO_VALUE_ON_ZERO``: set it for the inserts, then restore."""
    mode = conn.execute(sa.text("SELECT @@SESSION.sql_mode")).scalar() or ""
    if "NO_AUTO_VALUE_ON_ZERO" in mode.upper().split(","):
        yield
        return
    conn.execute(
        sa.text("SET SESSION sql_mode = :m"),
        {"m": ",".join(filter(None, [mode, "NO_AUTO_VALUE_ON_ZERO"]))},
    )
    try:
        yield
    finally:
        conn.execute(sa.text("SET SESSION sql_mode = :m"), {"m": mode})
