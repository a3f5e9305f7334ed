"""PostgreSQL table properties the snapshot models besides columns and keys: which
primary keys, uniques and foreign keys are ``DEFERRABLE`` (``INITIALLY IMMEDIATE`` or
``DEFERRED``), and which tables are ``UNLOGGED``. Captured from the catalog after
reflection (SQLAlchemy's reflection does not tell them for every kind of constraint)."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

_DEFERRABLE = """
SELECT n.nspname, t.relname, k.conname, k.contype, k.condeferred
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND k.condeferrable AND k.contype IN ('p', 'u', 'f')
"""

_UNLOGGED = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind = 'r' AND c.relpersistence = 'u'
"""

#: the constraint kinds (``pg_constraint.contype``) whose DEFERRABLE the snapshot models
MODELLED_DEFERRABLE = ("p", "u", "f")


def capture(conn: Any, snapshot: Any, schemas: list[str | None]) -> Any:
    """``snapshot`` with ``deferrable`` on its deferrable keys, uniques and foreign keys
    and ``unlogged`` on its unlogged tables, as the database has them."""
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    names = sorted({s or default for s in schemas})

    def key(nsp: str, rel: str) -> tuple[str | None, str]:
        return (None if nsp == default else nsp, rel)

    deferrable: dict[tuple, dict[tuple[str, str], str]] = {}
    for nsp, rel, con, contype, deferred in conn.execute(sa.text(_DEFERRABLE), {"schemas": names}):
        deferrable.setdefault(key(nsp, rel), {})[(contype, con)] = (
            "deferred" if deferred else "immediate"
        )
    unlogged = {key(nsp, rel) for nsp, rel in conn.execute(sa.text(_UNLOGGED), {"schemas": names})}
    if not deferrable and not unlogged:
        return snapshot
    tables = []
    for t in snapshot.tables:
        found = deferrable.get(t.key, {})
        if found:
            t = _with_deferrable(t, found)
        if t.key in unlogged:
            t = dataclasses.replace(t, unlogged=True)
        tables.append(t)
    return dataclasses.replace(snapshot, tables=tuple(tables))


def _with_deferrable(t: Any, found: dict[tuple[str, str], str]) -> Any:
    pk = t.primary_key
    if pk is not None:
        kinds = [v for (contype, _), v in found.items() if contype == "p"]
        if kinds:
            pk = dataclasses.replace(pk, deferrable=kinds[0])
    fks = tuple(
        dataclasses.replace(fk, deferrable=found.get(("f", fk.name))) for fk in t.foreign_keys
    )
    uniques = tuple(dataclasses.replace(u, deferrable=found.get(("u", u.name))) for u in t.uniques)
    return dataclasses.replace(t, primary_key=pk, foreign_keys=fks, uniques=uniques)
