"""PostgreSQL properties of modelled tables, columns, constraints and triggers that
dbplan does not model: listed in the inventory (kind below) so that a capture never
drops one without a word, and ``drift`` / ``verify`` see one added or lost.

Kinds named by their table (``name``):

- ``storage_parameters``: ``WITH (fillfactor = 70, …)``;
- ``replica_identity``: ``REPLICA IDENTITY FULL / NOTHING / USING INDEX``;
- ``clustered``: ``CLUSTER ON`` one of its indexes;
- ``typed_table``: ``CREATE TABLE … OF type`` (dbplan creates a plain table).

Kinds of a table (``table``), named by a column, a constraint or a trigger:

- ``column_storage``: ``SET STORAGE`` other than the type's default;
- ``column_compression``: ``SET COMPRESSION`` (``pglz``, ``lz4``);
- ``column_statistics``: ``SET STATISTICS n``;
- ``column_options``: ``SET (n_distinct = …)`` (the attribute options a user sets);
- ``not_valid``: a check or foreign key added ``NOT VALID``;
- ``match_full``: a foreign key ``MATCH FULL``;
- ``action_columns``: a foreign key ``ON DELETE SET NULL (a)`` / ``SET DEFAULT (a)``
  (PostgreSQL 15: dbplan models the action on all the key's columns);
- ``nulls_not_distinct``: a unique constraint ``NULLS NOT DISTINCT`` (PostgreSQL 15);
- ``no_inherit``: a check ``NO INHERIT``;
- ``view_column_default``: a view's column given a default (``ALTER VIEW … ALTER COLUMN
  … SET DEFAULT``), named by the column, ``table`` the view;
- ``trigger_disabled``: a trigger ``DISABLE``-d, or enabled ``REPLICA`` / ``ALWAYS`` only.
"""

from __future__ import annotations

from collections.abc import Callable

#: kinds named by their table (``name``)
OF_TABLE = ("storage_parameters", "replica_identity", "clustered", "typed_table")
#: kinds that belong to a table (``table``) and are named by a column, constraint or trigger
ON_TABLE = (
    "column_storage",
    "column_compression",
    "column_statistics",
    "column_options",
    "not_valid",
    "match_full",
    "action_columns",
    "nulls_not_distinct",
    "no_inherit",
    "view_column_default",
    "trigger_disabled",
)

_OWN = """NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
  AND e.objid = c.oid AND e.deptype = 'e')"""

# each property's setting, NULL when the table (column, constraint) has none: its
# presence is listed, its value is the entry's fingerprint
_TABLES = f"""
SELECT n.nspname, c.relname, c.reloptions::text,
       CASE WHEN c.relreplident <> 'd' THEN c.relreplident::text ||
         coalesce((SELECT ' ' || ic.relname FROM pg_index i JOIN pg_class ic
                   ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident),
                  '') END,
       (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisclustered),
       CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p') AND {_OWN}
"""

_COLUMNS = f"""
SELECT n.nspname, c.relname, a.attname,
       CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END,
       {{compression}},
       CASE WHEN COALESCE(a.attstattarget, -1) <> -1 THEN a.attstattarget::text END,
       (SELECT string_agg(o, ',' ORDER BY o) FROM unnest(a.attoptions) o
        WHERE o LIKE 'n\\_distinct%')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p') AND a.attnum > 0
  AND NOT a.attisdropped AND {_OWN}
"""

_CONSTRAINTS = f"""
SELECT n.nspname, c.relname, k.conname, NOT k.convalidated, k.confmatchtype = 'f',
       {{action_columns}}, {{nulls_not_distinct}}, k.contype = 'c' AND k.connoinherit,
       pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p') AND k.contype IN ('c', 'f', 'u')
  AND k.conparentid = 0 AND {_OWN}
"""

_NULLS_NOT_DISTINCT = """k.contype = 'u' AND EXISTS (SELECT 1 FROM pg_index i
  WHERE i.indexrelid = k.conindid AND i.indnullsnotdistinct)"""

_VIEW_DEFAULTS = f"""
SELECT n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid)
FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.adnum
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('v', 'm') AND {_OWN}
"""

_TRIGGERS = f"""
SELECT n.nspname, c.relname, g.tgname, g.tgenabled::text
FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND NOT g.tgisinternal AND g.tgenabled <> 'O' AND {_OWN}
"""


def properties(
    rows: Callable[[str], list], add: Callable[..., None], sch: Callable, version: tuple
) -> None:
    """Add every property above that the captured schemas hold (``rows(sql)`` runs a
    query with ``:schemas`` bound; ``add(kind, name, schema, table, text=setting)``, the
    setting giving the entry's fingerprint; ``sch`` maps a namespace to the snapshot's
    schema; ``version`` the server's)."""
    for nsp, rel, *settings in rows(_TABLES):
        for kind, setting in zip(OF_TABLE, settings, strict=True):
            if setting is not None:
                add(kind, rel, sch(nsp), text=setting)
    # attcompression: PostgreSQL 14 and later ('' is the default method)
    compression = (
        "CASE WHEN a.attcompression::text <> '' THEN a.attcompression::text END"
        if version >= (14,)
        else "NULL"
    )
    for nsp, rel, col, *settings in rows(_COLUMNS.replace("{compression}", compression)):
        for kind, setting in zip(ON_TABLE[:4], settings, strict=True):
            if setting is not None:
                add(kind, col, sch(nsp), rel, text=setting)
    # confdelsetcols: PostgreSQL 15 and later
    pg15 = version >= (15,)
    sql = _CONSTRAINTS.replace(
        "{action_columns}", "k.confdelsetcols IS NOT NULL" if pg15 else "false"
    ).replace("{nulls_not_distinct}", _NULLS_NOT_DISTINCT if pg15 else "false")
    kinds = ("not_valid", "match_full", "action_columns", "nulls_not_distinct", "no_inherit")
    for nsp, rel, con, *flags, definition in rows(sql):
        for kind, present in zip(kinds, flags, strict=True):
            if present:  # the constraint as written (SET NULL (a) …)
                add(kind, con, sch(nsp), rel, text=definition)
    for nsp, view, col, default in rows(_VIEW_DEFAULTS):
        add("view_column_default", col, sch(nsp), view, text=default)
    for nsp, rel, trg, enabled in rows(_TRIGGERS):
        add("trigger_disabled", trg, sch(nsp), rel, text=enabled)
