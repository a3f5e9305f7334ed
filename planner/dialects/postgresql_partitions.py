"""PostgreSQL declarative partitioning and table inheritance: capture (reached as
``get("postgresql").part("partitions")``) and the SQL that emit writes for them.

Capture reads the catalog: ``pg_get_partkeydef`` (``partition_by``), ``relpartbound``
through ``pg_get_expr`` (``partition_of``) and ``pg_inherits`` (``inherits``), then takes
away what a table has from its parent: a partition's columns, keys, checks and indexes
(every one the parent's, or an index/constraint attached to one of its parent's; its own
indexes stay unmanaged, listed by the inventory), an inheritance child's inherited
columns (``attinhcount > 0``) and inherited checks (``coninhcount > 0``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from planner.state.model import PartitionOf, Snapshot, Table
from planner.state.partitions import partition_bound, qualified

_RELATIONS = """
SELECT n.nspname, c.relname, c.relkind, c.relispartition,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
       ARRAY(SELECT pn.nspname || '.' || p.relname FROM pg_inherits i
             JOIN pg_class p ON p.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = p.relnamespace
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
       ARRAY(SELECT pn.nspname FROM pg_inherits i
             JOIN pg_class p ON p.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = p.relnamespace
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
       ARRAY(SELECT p.relname FROM pg_inherits i
             JOIN pg_class p ON p.oid = i.inhparent
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno),
       ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid
             AND a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount > 0),
       ARRAY(SELECT k.conname::text FROM pg_constraint k WHERE k.conrelid = c.oid
             AND (k.coninhcount > 0 OR k.conparentid <> 0))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p')
  AND (c.relkind = 'p' OR c.relispartition
       OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid))
"""


def capture(conn: Any, snapshot: Snapshot, schemas: list[str | None]) -> Snapshot:
    """``snapshot`` with the partitioning and inheritance of its tables, each table's
    inherited columns, keys, checks and indexes left to its parent."""
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    names = sorted({s or default for s in schemas})

    def sch(nspname: str) -> str | None:
        return None if nspname == default else nspname

    found = {}
    for row in conn.execute(sa.text(_RELATIONS), {"schemas": names}):
        nsp, rel, kind, is_part, key, bound, _, pnsps, pnames, cols, cons = row
        found[(sch(nsp), rel)] = (kind, is_part, key, bound, pnsps, pnames, set(cols), set(cons))
    if not found:
        return snapshot
    tables = []
    for t in snapshot.tables:
        got = found.get(t.key)
        tables.append(t if got is None else _table(t, got, sch))
    return dataclasses.replace(snapshot, tables=tuple(tables))


def _table(t: Table, got: tuple, sch: Any) -> Table:
    kind, is_part, key, bound, pnsps, pnames, cols, cons = got
    changes: dict[str, Any] = {}
    if kind == "p":
        changes["partition_by"] = key
    if is_part:
        changes.update(
            partition_of=PartitionOf(
                table=pnames[0], schema=sch(pnsps[0]), bound=partition_bound(bound)
            ),
            columns=(), primary_key=None, foreign_keys=(), uniques=(), indexes=(),
            checks=tuple(c for c in t.checks if c.name not in cons),
        )  # fmt: skip
        return dataclasses.replace(t, **changes)
    parents = []
    for nsp, name in zip(pnsps, pnames, strict=True):
        s = sch(nsp)
        parents.append(name if s == t.schema else f"{nsp}.{name}")
    if parents:
        changes.update(
            inherits=tuple(parents),
            columns=tuple(c for c in t.columns if c.name not in cols),
            checks=tuple(c for c in t.checks if c.name not in cons),
        )
    return dataclasses.replace(t, **changes)


# --------------------------------------------------------------------------- emit SQL
def create_partition_sql(t: Table) -> str:
    """``CREATE TABLE ... PARTITION OF parent [(checks)] bound [PARTITION BY key]``."""
    assert t.partition_of is not None
    p = t.partition_of
    parent = qualified(p.schema if p.schema is not None else t.schema, p.table)
    checks = ", ".join(
        f"CONSTRAINT {qualified(None, c.name)} CHECK ({c.sqltext})" for c in t.checks
    )
    sql = f"CREATE TABLE {qualified(t.schema, t.name)} PARTITION OF {parent}"
    if checks:
        sql += f" ({checks})"
    sql += f" {p.bound}"
    if t.partition_by is not None:
        sql += f" PARTITION BY {t.partition_by}"
    return sql


def attach_sql(t: Table) -> str:
    """``ALTER TABLE parent ATTACH PARTITION t bound``."""
    p = t.partition_of
    assert p is not None
    parent = qualified(p.schema if p.schema is not None else t.schema, p.table)
    return f"ALTER TABLE {parent} ATTACH PARTITION {qualified(t.schema, t.name)} {p.bound}"


def detach_sql(t: Table) -> str:
    """``ALTER TABLE parent DETACH PARTITION t``."""
    p = t.partition_of
    assert p is not None
    parent = qualified(p.schema if p.schema is not None else t.schema, p.table)
    return f"ALTER TABLE {parent} DETACH PARTITION {qualified(t.schema, t.name)}"


def inherit_sql(t: Table, parent: str, *, add: bool) -> str:
    """``ALTER TABLE t [NO] INHERIT parent`` (``parent`` as ``inherits`` names it)."""
    s, dot, n = parent.rpartition(".")
    ref = qualified(s if dot else t.schema, n)
    verb = "INHERIT" if add else "NO INHERIT"
    return f"ALTER TABLE {qualified(t.schema, t.name)} {verb} {ref}"


def comment_sql(t: Table) -> str:
    """``COMMENT ON TABLE t IS '...'`` (the comment a string literal)."""
    text = (t.comment or "").replace("'", "''")
    return f"COMMENT ON TABLE {qualified(t.schema, t.name)} IS '{text}'"
