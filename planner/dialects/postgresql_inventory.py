"""PostgreSQL's inventory: every object in the catalog of the captured schemas that the
snapshot does not model (see :mod:`planner.state.inventory`).

Objects an extension owns (``pg_depend.deptype = 'e'``) are the extension's: the
``extension`` entry stands for them. Objects of ``alembic_version`` are Alembic's.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from planner.dialects import postgresql_properties as props
from planner.dialects.postgresql_views import ODD_INDEX
from planner.state.inventory import Found, fingerprint
from planner.state.model import Routine, Snapshot, Table, Unmanaged

#: Alembic's table: its triggers, grants … are not the project's
_SKIP = ("alembic_version",)
#: kinds whose name is a table's
_NAMED_BY_TABLE = ("grants", *props.OF_TABLE)


def _not_extension(catalog: str, oid: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass "
        f"AND e.objid = {oid} AND e.deptype = 'e')"
    )


_RELATIONS = f"""
SELECT n.nspname, c.relname, c.relkind, c.relispartition, c.relpersistence,
       CASE WHEN c.relrowsecurity THEN 'on' WHEN c.relforcerowsecurity THEN 'forced_only'
       END AS rls,
       CASE WHEN c.relacl IS NOT NULL OR EXISTS (SELECT 1 FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL AND NOT a.attisdropped)
       THEN concat_ws(' ', c.relacl::text, (SELECT string_agg(a.attname || '=' ||
              a.attacl::text, ' ' ORDER BY a.attnum) FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL AND NOT a.attisdropped))
       END AS acl,
       CASE WHEN c.reltablespace <> 0 THEN (SELECT spcname FROM pg_tablespace
              WHERE oid = c.reltablespace) END AS tablespace,
       c.relkind = 'm' AND NOT c.relispopulated AS no_data,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS viewdef,
       (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
         WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1) AS parent
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND {_not_extension("pg_class", "c.oid")}
"""

_INDEXES = """
SELECT n.nspname, t.relname, ic.relname AS index_name, {ODD_INDEX} AS odd,
       pg_get_indexdef(i.indexrelid),
       (SELECT spcname FROM pg_tablespace WHERE oid = ic.reltablespace) AS tablespace
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY(:schemas) AND t.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_inherits x WHERE x.inhrelid = i.indexrelid)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
""".replace("{ODD_INDEX}", ODD_INDEX)

#: a partition's own primary key, unique or foreign key (not one attached to its parent's)
_PARTITION_KEYS = """
SELECT n.nspname, t.relname, k.conname,
       CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' ELSE 'foreign key' END
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND t.relispartition AND k.contype IN ('p', 'u', 'f')
  AND k.conparentid = 0
"""

#: an inheritance child's own key, unique, foreign key or index on an inherited column
_INHERITED_KEYS = """
SELECT n.nspname, t.relname, coalesce(k.conname, ic.relname)
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = t.oid
WHERE n.nspname = ANY(:schemas) AND NOT t.relispartition
  AND EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = t.oid)
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid
              AND a.attnum = ANY(i.indkey::int2[]) AND a.attinhcount > 0)
UNION ALL
SELECT n.nspname, t.relname, k.conname
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND k.contype = 'f' AND NOT t.relispartition
  AND EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = t.oid)
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid
              AND a.attnum = ANY(k.conkey) AND a.attinhcount > 0)
"""

_CONSTRAINTS = """
SELECT n.nspname, t.relname, k.conname, k.contype, k.condeferrable,
       pg_get_constraintdef(k.oid), k.condeferred
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND (k.contype = 'x' OR k.condeferrable)
  AND k.contype NOT IN ('p', 'u', 'f')
"""

_COLUMNS = """
SELECT n.nspname, t.relname, a.attname, a.attidentity, a.attgenerated,
       a.attcollation <> ty.typcollation AS collate,
       tn.nspname AS type_schema, ty.typname, ty.typtype
FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_type ty ON ty.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = ty.typnamespace
WHERE n.nspname = ANY(:schemas) AND t.relkind IN ('r', 'p') AND a.attnum > 0
  AND NOT a.attisdropped
"""

#: identity columns whose sequence has options the snapshot does not model (identity
#: columns are modelled as ``identity: always | by_default``, with the default options)
_IDENTITY_OPTIONS = """
SELECT n.nspname, t.relname, a.attname,
       concat_ws(', ', CASE WHEN q.seqstart <> q.seqmin THEN 'START ' || q.seqstart END,
                 CASE WHEN q.seqincrement <> 1 THEN 'INCREMENT ' || q.seqincrement END,
                 CASE WHEN q.seqmin <> 1 THEN 'MINVALUE ' || q.seqmin END,
                 CASE WHEN q.seqmax <> CASE q.seqtypid WHEN 'int2'::regtype THEN 32767
                      WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END
                      THEN 'MAXVALUE ' || q.seqmax END,
                 CASE WHEN q.seqcache <> 1 THEN 'CACHE ' || q.seqcache END,
                 CASE WHEN q.seqcycle THEN 'CYCLE' END) AS detail,
       a.attidentity <> '' AS identity
FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid
     AND d.refobjsubid = a.attnum AND d.classid = 'pg_class'::regclass
     AND d.deptype = CASE WHEN a.attidentity <> '' THEN 'i' ELSE 'a' END
JOIN pg_sequence q ON q.seqrelid = d.objid
WHERE n.nspname = ANY(:schemas) AND (q.seqstart <> q.seqmin
      OR q.seqincrement <> 1 OR q.seqmin <> 1 OR q.seqcache <> 1 OR q.seqcycle
      OR q.seqmax <> CASE q.seqtypid WHEN 'int2'::regtype THEN 32767
                     WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END)
"""

#: ``modelled``: a plpgsql or SQL function or procedure whose argument and result types
#: are built in, that no view, type or domain uses; one a column default, generated
#: column, check or index of a table uses is created before that table (the graph rule
#: of :mod:`planner.graph_routines`), every other one after the tables. ``unorderable``:
#: one a table uses whose SQL-standard body (``BEGIN ATOMIC``: ``prosrc`` empty) reads a
#: relation: resolved at creation, it may need a table that needs it (capture refuses it)
_FUNCTIONS = f"""
SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       p.prokind,
       p.prokind IN ('f', 'p') AND l.lanname IN ('plpgsql', 'sql')
       AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes::oid[] || p.prorettype) x
                       JOIN pg_type ty ON ty.oid = x
                       JOIN pg_namespace tn ON tn.oid = ty.typnamespace
                       WHERE tn.nspname <> 'pg_catalog')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_proc'::regclass
                       AND d.refobjid = p.oid AND (d.classid IN ('pg_rewrite'::regclass,
                       'pg_type'::regclass)
                       OR d.classid = 'pg_constraint'::regclass AND NOT EXISTS (
                          SELECT 1 FROM pg_constraint k WHERE k.oid = d.objid
                          AND k.conrelid <> 0)
                       OR d.classid = 'pg_class'::regclass AND NOT EXISTS (
                          SELECT 1 FROM pg_class i WHERE i.oid = d.objid
                          AND i.relkind IN ('i', 'I'))))
       AS modelled,
       CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END,
       p.oid, obj_description(p.oid, 'pg_proc'),
       p.prosrc = '' AND l.lanname = 'sql'
       AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                   AND d.objid = p.oid AND d.refclassid = 'pg_class'::regclass)
       AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_proc'::regclass
                   AND d.refobjid = p.oid AND d.classid IN ('pg_attrdef'::regclass,
                   'pg_constraint'::regclass, 'pg_class'::regclass)) AS unorderable
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY(:schemas) AND {_not_extension("pg_proc", "p.oid")}
"""

#: the tables whose column defaults (generated columns too), checks and indexes call a
#: function: capture makes sure the snapshot's expressions show each call
#: (:mod:`planner.routine_uses` orders the function before them from those)
_FUNCTION_USERS = """
SELECT d.refobjid, n.nspname, c.relname FROM pg_depend d
JOIN pg_class c ON c.oid = CASE d.classid
     WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
     WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint WHERE oid = d.objid)
     WHEN 'pg_class'::regclass THEN (SELECT indrelid FROM pg_index WHERE indexrelid = d.objid)
     END
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.refclassid = 'pg_proc'::regclass AND n.nspname = ANY(:schemas)
ORDER BY 1, 2, 3
"""

#: a trigger of a table or a view (``INSTEAD OF``), not a constraint trigger: modelled
#: when its function is modelled or built in (one on a view dbplan leaves alone goes back
#: to the inventory with it: :func:`planner.state.inventory.capture`)
_TRIGGERS = """
SELECT n.nspname, t.relname, g.tgname, t.relkind IN ('r', 'v') AND g.tgconstraint = 0,
       g.tgfoid, fn.nspname = 'pg_catalog', pg_get_triggerdef(g.oid),
       obj_description(g.oid, 'pg_trigger')
FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_proc f ON f.oid = g.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE n.nspname = ANY(:schemas) AND NOT g.tgisinternal
"""

_TYPES = f"""
SELECT n.nspname, ty.typname, ty.typtype
FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace
WHERE n.nspname = ANY(:schemas) AND ty.typtype IN ('b', 'c', 'd', 'e', 'r')
  AND (ty.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = ty.typrelid) = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_type o WHERE o.typarray = ty.oid)
  AND {_not_extension("pg_type", "ty.oid")}
"""

#: privileges granted on a sequence, function, procedure or type (tables and views:
#: ``relacl`` in :data:`_RELATIONS`); NULL is the owner's default, nothing granted
_GRANTS = f"""
SELECT n.nspname, 'sequence ' || c.relname, c.relacl::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind = 'S' AND c.relacl IS NOT NULL
  AND {_not_extension("pg_class", "c.oid")}
UNION ALL
SELECT n.nspname, CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END
       || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.proacl::text
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY(:schemas) AND p.proacl IS NOT NULL AND {_not_extension("pg_proc", "p.oid")}
UNION ALL
SELECT n.nspname, 'type ' || t.typname, t.typacl::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY(:schemas) AND t.typacl IS NOT NULL AND {_not_extension("pg_type", "t.oid")}
"""

_ON_TABLE = {
    "policy": "SELECT n.nspname, t.relname, x.polname, concat_ws(' ', x.polcmd, "
    "x.polpermissive, x.polroles::text, pg_get_expr(x.polqual, x.polrelid), "
    "pg_get_expr(x.polwithcheck, x.polrelid)) FROM pg_policy x "
    "JOIN pg_class t ON t.oid = x.polrelid",
    "rule": "SELECT n.nspname, t.relname, x.rulename, pg_get_ruledef(x.oid) FROM pg_rewrite x "
    "JOIN pg_class t ON t.oid = x.ev_class",
}
#: a rule of an extension's view comes with it (PostGIS's geometry_columns_insert), as
#: pg_dump has it; a policy on an extension's table is the user's (pg_dump dumps it)
_ON_TABLE_WHERE = {
    "policy": "TRUE",
    "rule": f"x.rulename <> '_RETURN' AND {_not_extension('pg_class', 't.oid')}",
}

#: default privileges (``ALTER DEFAULT PRIVILEGES``) of the database or of a captured
#: schema, named ``<role> <objects>`` (``app tables``); the ACL is the fingerprint
_DEFAULT_PRIVILEGES = """
SELECT n.nspname, pg_get_userbyid(d.defaclrole) || ' ' || CASE d.defaclobjtype
       WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
       WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END,
       d.defaclacl::text
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR n.nspname = ANY(:schemas)
"""

#: objects owned by a role other than the database's owner (``pg_database.datdba``; a
#: schema may also be ``pg_database_owner``'s, as PostgreSQL 15's ``public`` is), named
#: like grants; a sequence owned by a column follows its table, an extension's objects
#: the extension
_OWNERS = f"""
WITH db AS (SELECT datdba FROM pg_database WHERE datname = current_database())
SELECT n.nspname, CASE WHEN c.relkind = 'S' THEN 'sequence ' ELSE '' END || c.relname,
       pg_get_userbyid(c.relowner)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, db
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND c.relowner <> db.datdba AND {_not_extension("pg_class", "c.oid")}
  AND NOT EXISTS (SELECT 1 FROM pg_depend o WHERE o.classid = 'pg_class'::regclass
                  AND o.objid = c.oid AND o.deptype IN ('a', 'i')
                  AND o.refclassid = 'pg_class'::regclass)
UNION ALL
SELECT n.nspname, CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END
       || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       pg_get_userbyid(p.proowner)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, db
WHERE n.nspname = ANY(:schemas) AND p.proowner <> db.datdba
  AND {_not_extension("pg_proc", "p.oid")}
UNION ALL
SELECT n.nspname, 'type ' || t.typname, pg_get_userbyid(t.typowner)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace, db
WHERE n.nspname = ANY(:schemas) AND t.typowner <> db.datdba AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
  AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_type o WHERE o.typarray = t.oid)
  AND {_not_extension("pg_type", "t.oid")}
UNION ALL
SELECT NULL, 'schema ' || n.nspname, pg_get_userbyid(n.nspowner)
FROM pg_namespace n, db
WHERE n.nspname = ANY(:schemas) AND n.nspowner <> db.datdba
  AND pg_get_userbyid(n.nspowner) <> 'pg_database_owner'
  AND {_not_extension("pg_namespace", "n.oid")}
"""

#: kind -> (catalog, name column, namespace column) of schema objects named by name
#: and the catalog's text of its definition (its fingerprint), NULL where there is none
_IN_SCHEMA = {
    "operator": ("pg_operator", "oprname", "oprnamespace", "x.oprcode::text"),
    "operator_class": ("pg_opclass", "opcname", "opcnamespace", "NULL"),
    "operator_family": ("pg_opfamily", "opfname", "opfnamespace", "NULL"),
    "conversion": ("pg_conversion", "conname", "connamespace", "x.conproc::text"),
    "statistics": (
        "pg_statistic_ext",
        "stxname",
        "stxnamespace",
        "pg_get_statisticsobjdef(x.oid)",
    ),
    "text_search": ("pg_ts_config", "cfgname", "cfgnamespace", "NULL"),
}
_TEXT_SEARCH_MORE = (
    ("pg_ts_dict", "dictname", "dictnamespace", "x.dictinitoption"),
    ("pg_ts_parser", "prsname", "prsnamespace", "NULL"),
    ("pg_ts_template", "tmplname", "tmplnamespace", "NULL"),
)

#: database-wide objects: kind -> query of their names
#: (and the text of their definition: their fingerprint)
_DATABASE = {
    "event_trigger": "SELECT evtname, concat_ws(' ', evtevent, evtfoid::regproc::text, "
    "evtenabled, evttags::text) FROM pg_event_trigger",
    "publication": "SELECT p.pubname, concat_ws(' ', p.puballtables, p.pubinsert, "
    "p.pubupdate, p.pubdelete, p.pubtruncate, (SELECT string_agg(t.schemaname || '.' || "
    "t.tablename, ',' ORDER BY t.schemaname, t.tablename) FROM pg_publication_tables t "
    "WHERE t.pubname = p.pubname)) FROM pg_publication p",
    "foreign_server": "SELECT srvname, srvoptions::text FROM pg_foreign_server UNION ALL "
    "SELECT fdwname, fdwoptions::text FROM pg_foreign_data_wrapper",
    "cast": "SELECT format_type(castsource, NULL) || ' AS ' || format_type(casttarget, NULL), "
    "concat_ws(' ', castfunc::regproc::text, castcontext, castmethod) "
    "FROM pg_cast c WHERE c.oid >= 16384 AND "
    "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_cast'::regclass "
    "AND e.objid = c.oid AND e.deptype = 'e')",
}

#: comments on objects dbplan models without their comment: listed as kind ``comment``,
#: named ``<object kind> <name>`` (tables, columns, views, schemas, sequences, indexes,
#: enums, composite types, collations, extensions and modelled routines keep theirs; the
#: comment of a routine left alone is listed with :data:`_FUNCTIONS` / :data:`_TRIGGERS`;
#: plpgsql, the one extension a capture leaves out, has its comment listed when it
#: differs from its control file's, schema None)
_COMMENTS = """
SELECT NULL, 'extension ' || e.extname, obj_description(e.oid, 'pg_extension')
FROM pg_extension e
LEFT JOIN pg_available_extensions a ON a.name = e.extname
WHERE obj_description(e.oid, 'pg_extension') IS DISTINCT FROM a.comment
  AND e.extname = 'plpgsql'
"""

#: comments on the index of a primary key, unique or exclusion constraint: modelled
#: (``index_comment:`` of the constraint, postgresql_tables), listed (``index <name>``)
#: when the snapshot does not model the constraint
_KEY_INDEX_COMMENTS = f"""
SELECT n.nspname, t.relname, c.relname, k.conname, k.contype, d.description
FROM pg_description d
JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid AND d.objsubid = 0
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_constraint k ON k.conindid = c.oid AND k.contype IN ('p', 'u', 'x')
JOIN pg_class t ON t.oid = k.conrelid
WHERE c.relkind IN ('i', 'I') AND n.nspname = ANY(:schemas)
  AND {_not_extension("pg_class", "c.oid")}
"""

#: comments on constraints: modelled (``comment:`` of the constraint,
#: postgresql_tables), listed when the snapshot does not model the constraint
_CONSTRAINT_COMMENTS = """
SELECT n.nspname, t.relname, k.conname, k.contype, d.description FROM pg_description d
JOIN pg_constraint k ON d.classoid = 'pg_constraint'::regclass AND k.oid = d.objoid
JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND t.relkind IN ('r', 'p')
"""

#: comments dbplan does not model on parts of objects it does model: a column of a view
#: or materialized view dbplan leaves alone (``column <view>.<column>``; a modelled
#: view's are its ``column_comments``); listed as kind ``comment`` so that drift and
#: verify see one added, changed or dropped (an attribute of a composite type keeps
#: its own, ``attributes[].comment``, and so does a modelled collation, ``comment:``)
_VIEW_COLUMN_COMMENTS = f"""
SELECT n.nspname, c.relname, a.attname, d.description FROM pg_description d
JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY(:schemas)
  AND {_not_extension("pg_class", "c.oid")}
"""


def _collation_comments() -> str:
    """The comments of the collations a capture does not model (``collation <name>``)."""
    from planner.dialects.postgresql_types import MODELLED_COLLATION

    return f"""
SELECT n.nspname, 'collation ' || c.collname, d.description FROM pg_description d
JOIN pg_collation c ON d.classoid = 'pg_collation'::regclass AND c.oid = d.objoid
JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname = ANY(:schemas) AND NOT ({MODELLED_COLLATION})
  AND {_not_extension("pg_collation", "c.oid")}
"""


_RELKIND = {"v": "view", "m": "materialized_view", "f": "foreign_table"}
_PROKIND = {"f": "function", "w": "function", "p": "procedure", "a": "aggregate"}


def _refuse_atomic(name: str, schema: str | None) -> None:
    from planner.state.capture_models import CaptureError

    raise CaptureError(
        f"function {schema + '.' if schema else ''}{name}: a column default, check or index "
        "calls it and its BEGIN ATOMIC body reads a table, which PostgreSQL resolves when "
        "the function is created: dbplan cannot order it before the tables that call it "
        "(hint: write the body as a string, AS $$ ... $$, checked when it is called)"
    )


def _check_calls(r: Routine | None, table: Table | None) -> None:
    """Refuse a modelled function a modelled table calls (the catalog says) where the
    table's expressions show no call to it: nothing would order it before the table."""
    from planner.routine_uses import expressions, uses

    if r is None or table is None or uses(r, list(expressions(table)), table.schema):
        return
    from planner.state.capture_models import CaptureError

    raise CaptureError(
        f"function {r.schema + '.' if r.schema else ''}{r.name}: table {table.name} uses it "
        "(a default, check or index), but dbplan finds no call to it in the table's "
        "expressions, so it cannot create it before the table (hint: call it by its "
        "name, schema-qualified outside the default schema)"
    )


def inventory(conn: Any, snapshot: Snapshot | None, schemas: list[str | None]) -> list[Found]:
    """Every object of the captured ``schemas`` the snapshot does not model.

    ``snapshot`` None: before reflection, when only refusals matter (owned sequences and
    indexes are then judged against no model).
    """
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    names = sorted({s or default for s in schemas})
    out: list[Found] = []

    def sch(nspname: str) -> str | None:
        return None if nspname == default else nspname

    def add(
        kind: str,
        name: str,
        schema: str | None = None,
        table=None,
        detail="",
        definition=None,
        comment=None,
        text=None,
    ) -> None:
        """``text``: what the catalog shows of a listed object's definition (its
        fingerprint); ``definition``: the statement of one dbplan models (a routine)."""
        if table in _SKIP or (table is None and name in _SKIP and kind in _NAMED_BY_TABLE):
            return
        digest = fingerprint(text) if text is not None and definition is None else None
        obj = Unmanaged(kind=kind, name=name, schema=schema, table=table, fingerprint=digest)
        comment = comment if definition is not None else None
        out.append(Found(obj=obj, detail=detail, definition=definition, comment=comment))

    def rows(sql: str, **params):
        return conn.execute(sa.text(sql), {"schemas": names, **params}).all()

    for (nsp,) in conn.execute(
        sa.text(
            # an empty one holds nothing to lose (dbplan creates a table's schema with
            # it and leaves it behind when its last table goes): not listed
            "SELECT nspname FROM pg_namespace n WHERE NOT (nspname = ANY(:schemas)) "
            "AND nspname !~ '^pg_' AND nspname <> 'information_schema' AND ("
            "EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = n.oid) OR "
            "EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = n.oid) OR "
            "EXISTS (SELECT 1 FROM pg_type WHERE typnamespace = n.oid))"
        ),
        {"schemas": names},
    ):
        add("schema", nsp)
    tables = {t.key: t for t in snapshot.tables} if snapshot else {}
    for row in rows(_RELATIONS):
        nsp, rel, kind, part, persistence, rls, acl, tablespace, no_data, viewdef, parent = row
        s = sch(nsp)
        if tablespace is not None:  # a table's, view's or materialized view's
            add("tablespace", rel, s, text=tablespace)
        if no_data:  # modelled, but dbplan creates it WITH DATA
            add("not_populated", rel, s)
        if kind in _RELKIND:
            add(_RELKIND[kind], rel, s, text=viewdef)
        # partitioned tables, partitions and inheritance: modelled (postgresql_partitions)
        if persistence == "u" and (kind != "r" or part or parent is not None):
            add("unlogged", rel, s)  # an unlogged table: modelled (postgresql_tables)
        # row-level security and policies of a modelled table are modelled
        # (postgresql_policies); FORCE without ENABLE is not
        if rls == "forced_only" or (rls and (s, rel) not in tables):
            add("row_level_security", rel, s, detail="forced, not enabled" if rls != "on" else "")
        if acl is not None:
            add("grants", rel, s, text=acl)
    for nsp, rel, con, what in rows(_PARTITION_KEYS):
        add("partition_key", con, sch(nsp), rel, detail=what)
    for nsp, rel, con in rows(_INHERITED_KEYS):
        add("inheritance", con, sch(nsp), rel, detail="on an inherited column")
    # sequences and extensions are modelled (postgresql_objects), like enums of any schema
    for nsp, table, ix, odd, indexdef, tablespace in rows(_INDEXES):
        if table in _SKIP:
            continue
        if tablespace is not None:
            add("tablespace", f"index {ix}", sch(nsp), text=tablespace)
        t = tables.get((sch(nsp), table))
        modelled = t is not None and any(i.name == ix for i in t.indexes)
        if odd or (snapshot is not None and not modelled):
            add("index", ix, sch(nsp), table, text=indexdef)
    for nsp, table, con, contype, deferrable, condef, deferred in rows(_CONSTRAINTS):
        if contype == "x":
            t = tables.get((sch(nsp), table))
            if t is None or all(e.name != con for e in t.exclusions):  # else: modelled
                add("exclusion_constraint", con, sch(nsp), table, text=condef)
        elif deferrable:  # of a key, unique or foreign key: modelled (postgresql_tables)
            add("deferrable", con, sch(nsp), table, text=f"{condef} {deferred}")
    for nsp, table, col, _identity, _generated, collate, tnsp, typname, _ in rows(_COLUMNS):
        s = sch(nsp)
        if collate and not _collation_modelled(tables.get((s, table)), col):
            add("collate", col, s, table)  # on a type that is not a string, or qualified
        if tnsp not in names and tnsp not in ("pg_catalog", "information_schema"):
            add("type_outside", col, s, table, f"type {tnsp}.{typname}")
    for nsp, table, col, detail, identity in rows(_IDENTITY_OPTIONS):
        if identity:  # identity: modelled, with the default options
            add("identity_options", col, sch(nsp), table, detail, text=detail)
        elif _serial_key(tables.get((sch(nsp), table)), col):
            # a serial key's sequence, modelled as its autoincrement (another owned
            # sequence is modelled with its options): the options are left alone
            add("sequence_options", col, sch(nsp), table, text=detail)
    modelled_functions = set()
    called: dict[int, Routine] = {}
    for nsp, name, prokind, modelled, definition, oid, comment, unorderable in rows(_FUNCTIONS):
        if modelled and unorderable:
            _refuse_atomic(name, sch(nsp))
        if modelled:
            modelled_functions.add(oid)
        text = _statement(definition) if modelled else None
        if text is not None and snapshot is not None:
            called[oid] = Routine(kind="function", name=name, schema=sch(nsp), definition=text)
        kind = _PROKIND.get(prokind, "function")
        add(kind, name, sch(nsp), definition=text, comment=comment, text=definition)
        if comment is not None and not modelled:  # left alone, with its comment
            what = f"{'procedure' if prokind == 'p' else 'function'} {name}"
            add("comment", what, sch(nsp), text=comment)
    for oid, nsp, table in rows(_FUNCTION_USERS) if called else ():
        _check_calls(called.get(oid), tables.get((sch(nsp), table)))
    for nsp, table, trg, on_table, fn, builtin, definition, comment in rows(_TRIGGERS):
        modelled = on_table and (builtin or fn in modelled_functions) and table not in _SKIP
        text = _statement(definition) if modelled else None
        add("trigger", trg, sch(nsp), table, definition=text, comment=comment, text=definition)
        if comment is not None and not modelled and table not in _SKIP:
            add("comment", f"trigger {trg} on {table}", sch(nsp), text=comment)
    for nsp, typname, typtype in rows(_TYPES):
        # enums, domains and composite types are modelled (postgresql_types); base and
        # range types are not
        if typtype not in ("e", "d", "c"):
            add("type", typname, sch(nsp))
    for nsp, name, acl in rows(_GRANTS):
        add("grants", name, sch(nsp), text=acl)
    for nsp, name, role in rows(_OWNERS):  # the role's name is the fingerprint
        add("owner", name, sch(nsp) if nsp is not None else None, text=role)
    for kind, sql in _ON_TABLE.items():
        for nsp, table, name, definition in rows(
            f"{sql} JOIN pg_namespace n ON n.oid = t.relnamespace "
            f"WHERE n.nspname = ANY(:schemas) AND {_ON_TABLE_WHERE[kind]}"
        ):
            if kind == "policy" and (sch(nsp), table) in tables:
                continue  # modelled: the table's policies (postgresql_policies)
            add(kind, name, sch(nsp), table, text=definition)
    for nsp, what, comment in rows(_COMMENTS):
        add("comment", what, sch(nsp), text=comment)
    for nsp, what, comment in rows(_collation_comments()):
        add("comment", what, sch(nsp), text=comment)
    for nsp, view, column, comment in rows(_VIEW_COLUMN_COMMENTS):
        # a view dbplan models takes its own back (planner.state.views.capture)
        add("comment", f"column {view}.{column}", sch(nsp), text=comment)
    props.properties(rows, add, sch, conn.dialect.server_version_info or (0,))
    from planner.dialects.postgresql_tables import CONSTRAINT_KINDS
    from planner.state.constraint_comments import constraints

    def modelled(nsp: str, table: str, con: str, contype: str) -> bool:
        t = tables.get((sch(nsp), table))
        kind = CONSTRAINT_KINDS.get(contype)
        return (
            snapshot is not None
            and t is not None
            and any(k == kind and (k == "primary key" or n == con) for k, n, _ in constraints(t))
        )

    for nsp, table, con, contype, comment in rows(_CONSTRAINT_COMMENTS):
        if not modelled(nsp, table, con, contype):  # else: the constraint's comment
            add("comment", f"constraint {con} on {table}", sch(nsp), text=comment)
    for nsp, table, index, con, contype, comment in rows(_KEY_INDEX_COMMENTS):
        if not modelled(nsp, table, con, contype):  # else: its index_comment
            add("comment", f"index {index}", sch(nsp), text=comment)
    in_schema = [(k, *v) for k, v in _IN_SCHEMA.items()]
    in_schema += [("text_search", *v) for v in _TEXT_SEARCH_MORE]
    for kind, catalog, col, nspcol, definition in in_schema:
        for nsp, name, text in rows(
            f"SELECT n.nspname, x.{col}, {definition} FROM {catalog} x "
            f"JOIN pg_namespace n ON n.oid = x.{nspcol} WHERE n.nspname = ANY(:schemas) "
            f"AND {_not_extension(catalog, 'x.oid')}"
        ):
            add(kind, name, sch(nsp), text=text)
    for nsp, name, acl in rows(_DEFAULT_PRIVILEGES):
        add("default_privileges", name, sch(nsp) if nsp is not None else None, text=acl)
    from planner.dialects.postgresql_types import MODELLED_COLLATION  # the others: here

    for nsp, name in rows(
        "SELECT n.nspname, c.collname FROM pg_collation c JOIN pg_namespace n "
        "ON n.oid = c.collnamespace WHERE n.nspname = ANY(:schemas) "
        f"AND NOT ({MODELLED_COLLATION}) AND {_not_extension('pg_collation', 'c.oid')}"
    ):
        add("collation", name, sch(nsp))
    for kind, sql in _DATABASE.items():
        for name, text in conn.execute(sa.text(sql)):
            add(kind, name, text=text)
    return out


def _serial_key(t: Any, column: str) -> bool:
    """Is ``column`` of the captured table ``t`` a serial key (its sequence not listed:
    :mod:`planner.dialects.postgresql_objects`)?"""
    return (
        t is not None
        and t.primary_key is not None
        and column in t.primary_key.columns
        and t.has_column(column)
        and t.column(column).server_default is None
    )


def _collation_modelled(t: Any, column: str) -> bool:
    """Does the captured table ``t`` model ``column``'s own collation (``collation:``)?"""
    return t is not None and t.has_column(column) and t.column(column).collation is not None


def _statement(definition: str) -> str:
    """A definition as the snapshot keeps it: the database's text without trailing blanks."""
    return definition.rstrip()
