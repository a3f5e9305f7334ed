"""MariaDB's sequences (``CREATE SEQUENCE``, MariaDB 10.3+; reached as
``get("mysql").part("objects")``): the ``sequences:`` section of
:mod:`planner.state.pg_objects` as MariaDB has it. MariaDB has no schemas but the
database and no extensions; its sequences are ``bigint``, own no column and keep
start, increment, bounds, cache and cycle (``Dialect.sequence_keys``). MySQL 8 has no
sequences: a revision creating one fails there.

Capture reads each sequence of the database (``information_schema.TABLES`` of type
``SEQUENCE``) and its one row (``SELECT ... FROM s``); a value equal to MariaDB's default
(bounds ``1 .. 2**63 - 2`` ascending, ``-(2**63) + 1 .. -1`` descending, start at the
bound, cache 1000) is left out, so a hand-written entry and a capture compare equal.
A statement leaves out what the entry leaves out: MariaDB fills in its own default.

Example:
    >>> from planner.state.pg_objects import Sequence
    >>> create_sql(Sequence(name="s", start=10, cache=50))
    ['CREATE SEQUENCE `s` START WITH 10 CACHE 50 NOCYCLE']
    >>> normal(Sequence(name="s", max_value=2**63 - 2, cache=1000)) == Sequence(name="s")
    True
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from planner.state.pg_objects import Sequence

#: MariaDB's defaults: the largest ascending value, the smallest descending one, cache
MAX_UP = 2**63 - 2
MIN_DOWN = -(2**63) + 1
CACHE = 1000

_SEQUENCES = """
SELECT TABLE_NAME FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE' ORDER BY TABLE_NAME
"""


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def normal(q: Sequence) -> Sequence:
    """``q`` without the values that are MariaDB's defaults (see the module)."""
    changes: dict[str, Any] = {}
    if q.increment > 0 and q.max_value == MAX_UP:
        changes["max_value"] = None
    if q.increment < 0 and q.min_value == MIN_DOWN:
        changes["min_value"] = None
    if q.cache == CACHE:
        changes["cache"] = None
    q = dataclasses.replace(q, **changes) if changes else q
    if q.start is not None and q.start == _default_start(q):
        q = dataclasses.replace(q, start=None)
    return q


def _default_start(q: Sequence) -> int:
    if q.increment > 0:
        return q.min_value if q.min_value is not None else 1
    return q.max_value if q.max_value is not None else -1


def all_schemas(conn: Any) -> list[str | None]:
    """The one schema a capture takes: the database."""
    return [None]


def capture(conn: Any, snapshot: Any, schemas: list[str | None], *, hint: Any = None) -> Any:
    """``snapshot`` with the sequences of the database."""
    out = []
    for (name,) in conn.execute(sa.text(_SEQUENCES)).all():
        mn, mx, start, inc, cache, cycle = conn.execute(
            sa.text(
                "SELECT minimum_value, maximum_value, start_value, increment, cache_size, "
                f"cycle_option FROM {_q(name)}"
            )
        ).one()
        q = Sequence(
            name=name,
            increment=int(inc),
            start=int(start),
            min_value=int(mn),
            max_value=int(mx),
            cache=int(cache),
            cycle=bool(cycle),
        )
        out.append(normal(q))
    return dataclasses.replace(snapshot, sequences=tuple(out))


def _options(q: Sequence, old: Sequence | None = None) -> list[str]:
    """The options of ``q``: those it gives (create), or those that change from ``old``
    (a value left out goes back to MariaDB's default)."""
    q = normal(q)
    if old is not None:
        old = normal(old)
    up = q.increment > 0
    mn = q.min_value if q.min_value is not None else (1 if up else MIN_DOWN)
    mx = q.max_value if q.max_value is not None else (MAX_UP if up else -1)
    st = q.start if q.start is not None else (mn if up else mx)
    parts = []

    def changed(*fields: str) -> bool:
        return any(getattr(old, f) != getattr(q, f) for f in fields)

    if old is None:
        if q.increment != 1:
            parts.append(f"INCREMENT BY {q.increment}")
        if q.min_value is not None or not up:
            parts.append(f"MINVALUE {mn}")
        if q.max_value is not None or not up:
            parts.append(f"MAXVALUE {mx}")
        if q.start is not None or not up:
            parts.append(f"START WITH {st}")
        if q.cache is not None:
            parts.append(f"CACHE {q.cache}")
        parts.append("CYCLE" if q.cycle else "NOCYCLE")
        return parts
    if changed("increment"):
        parts.append(f"INCREMENT BY {q.increment}")
    if changed("increment", "min_value"):
        parts.append(f"MINVALUE {mn}")
    if changed("increment", "max_value"):
        parts.append(f"MAXVALUE {mx}")
    if changed("increment", "min_value", "max_value", "start"):
        # the start and where the sequence stands: MariaDB's RESTART WITH
        parts.append(f"START WITH {st} RESTART WITH {st}")
    if changed("cache"):
        parts.append(f"CACHE {q.cache if q.cache is not None else CACHE}")
    if changed("cycle"):
        parts.append("CYCLE" if q.cycle else "NOCYCLE")
    return parts


def create_sql(q: Sequence) -> list[str]:
    return [" ".join([f"CREATE SEQUENCE {_q(q.name)}", *_options(q)])]


def alter_sql(old: Sequence, new: Sequence) -> list[str]:
    parts = _options(new, old)
    return [" ".join([f"ALTER SEQUENCE {_q(new.name)}", *parts])] if parts else []


def drop_sql(q: Sequence) -> list[str]:
    return [f"DROP SEQUENCE IF EXISTS {_q(q.name)}"]


def before_tables(snapshot: Any) -> list[str]:
    """The statements creating ``snapshot``'s sequences before its tables (a column
    default may use one: ``dbplan setup``)."""
    return [sql for q in snapshot.sequences for sql in create_sql(q)]


def after_tables(snapshot: Any) -> list[str]:
    """Nothing: a MariaDB sequence owns no column."""
    return []
