"""PostgreSQL properties of modelled tables, columns, constraints and triggers that
dbplan does not model: listed in the inventory (kind below) so that a capture never
drops one without a word, and ``drift`` / ``verify`` see one added or lost.

Kinds named by their table (``name``):

- ``storage_parameters``: ``WITH (fillfactor = 70, …)``;
- ``replica_identity``: ``REPLICA IDENTITY FULL / NOTHING / USING INDEX``;
- ``clustered``: ``CLUSTER ON`` one of its indexes.

Kinds of a table (``table``), named by a column, a constraint or a trigger:

- ``column_storage``: ``SET STORAGE`` other than the type's default;
- ``column_compression``: ``SET COMPRESSION`` (``pglz``, ``lz4``);
- ``column_statistics``: ``SET STATISTICS n``;
- ``column_options``: ``SET (n_distinct = …)`` (the attribute options a user sets);
- ``not_valid``: a check or foreign key added ``NOT VALID``;
- ``match_full``: a foreign key ``MATCH FULL``;
- ``trigger_disabled``: a trigger ``DISABLE``-d, or enabled ``REPLICA`` / ``ALWAYS`` only.
"""

from __future__ import annotations

from collections.abc import Callable

#: kinds named by their table (``name``)
OF_TABLE = ("storage_parameters", "replica_identity", "clustered")
#: kinds that belong to a table (``table``) and are named by a column, constraint or trigger
ON_TABLE = (
    "column_storage",
    "column_compression",
    "column_statistics",
    "column_options",
    "not_valid",
    "match_full",
    "trigger_disabled",
)

_OWN = """NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
  AND e.objid = c.oid AND e.deptype = 'e')"""

_TABLES = f"""
SELECT n.nspname, c.relname, c.reloptions IS NOT NULL, c.relreplident NOT IN ('d'),
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisclustered)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p') AND {_OWN}
"""

_COLUMNS = f"""
SELECT n.nspname, c.relname, a.attname, a.attstorage <> t.typstorage,
       {{compression}}, COALESCE(a.attstattarget, -1) <> -1,
       EXISTS (SELECT 1 FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p') AND a.attnum > 0
  AND NOT a.attisdropped AND {_OWN}
"""

_CONSTRAINTS = f"""
SELECT n.nspname, c.relname, k.conname, NOT k.convalidated, k.confmatchtype = 'f'
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p') AND k.contype IN ('c', 'f')
  AND k.conparentid = 0 AND {_OWN}
"""

_TRIGGERS = f"""
SELECT n.nspname, c.relname, g.tgname
FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND NOT g.tgisinternal AND g.tgenabled <> 'O' AND {_OWN}
"""


def properties(
    rows: Callable[[str], list], add: Callable[..., None], sch: Callable, version: tuple
) -> None:
    """Add every property above that the captured schemas hold (``rows(sql)`` runs a
    query with ``:schemas`` bound; ``add(kind, name, schema, table)``; ``sch`` maps a
    namespace to the snapshot's schema; ``version`` the server's)."""
    for nsp, rel, options, replica, clustered in rows(_TABLES):
        for kind, present in zip(OF_TABLE, (options, replica, clustered), strict=True):
            if present:
                add(kind, rel, sch(nsp))
    # attcompression: PostgreSQL 14 and later ('' is the default method)
    compression = "a.attcompression::text <> ''" if version >= (14,) else "false"
    for nsp, rel, col, *flags in rows(_COLUMNS.replace("{compression}", compression)):
        for kind, present in zip(ON_TABLE[:4], flags, strict=True):
            if present:
                add(kind, col, sch(nsp), rel)
    for nsp, rel, con, not_valid, match_full in rows(_CONSTRAINTS):
        if not_valid:
            add("not_valid", con, sch(nsp), rel)
        if match_full:
            add("match_full", con, sch(nsp), rel)
    for nsp, rel, trg in rows(_TRIGGERS):
        add("trigger_disabled", trg, sch(nsp), rel)
