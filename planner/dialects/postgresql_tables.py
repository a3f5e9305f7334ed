"""PostgreSQL table properties the snapshot models besides columns and keys: which
primary keys, uniques and foreign keys are ``DEFERRABLE`` (``INITIALLY IMMEDIATE`` or
``DEFERRED``), which tables are ``UNLOGGED``, and their exclusion constraints (each
element's column, or its expression as ``pg_get_indexdef`` spells it, and operator), and
the comments of indexes. Captured from the catalog after
reflection (SQLAlchemy's reflection does not tell them for every kind of constraint)."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from planner.state.model import Exclusion, ExclusionElement

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

#: exclusion constraints as the snapshot models them: not deferrable, every operator class
#: the method's default for its type, no INCLUDE, no ASC/DESC/NULLS options
_EXCLUSIONS = """
SELECT n.nspname, t.relname, k.conname, am.amname,
       ARRAY(SELECT CASE WHEN i.indkey[j - 1] <> 0
                         THEN (SELECT a.attname::text FROM pg_attribute a
                               WHERE a.attrelid = t.oid AND a.attnum = i.indkey[j - 1]) END
             FROM generate_subscripts(k.conexclop, 1) j ORDER BY j) AS cols,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, j, true)
             FROM generate_subscripts(k.conexclop, 1) j ORDER BY j) AS exprs,
       ARRAY(SELECT o.oprname::text FROM unnest(k.conexclop) WITH ORDINALITY x(op, j)
             JOIN pg_operator o ON o.oid = x.op ORDER BY x.j) AS ops,
       pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_index i ON i.indexrelid = k.conindid
JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY(:schemas) AND k.contype = 'x' AND NOT k.condeferrable
  AND i.indnkeyatts = i.indnatts
  AND NOT EXISTS (SELECT 1 FROM unnest(i.indoption::int2[]) o WHERE o <> 0)
  AND NOT EXISTS (SELECT 1 FROM unnest(i.indclass::oid[]) x JOIN pg_opclass oc ON oc.oid = x
                  WHERE NOT oc.opcdefault)
"""

#: the comments of table indexes (``COMMENT ON INDEX``)
_INDEX_COMMENTS = """
SELECT n.nspname, t.relname, ic.relname, obj_description(i.indexrelid, 'pg_class')
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND t.relkind IN ('r', 'p')
  AND obj_description(i.indexrelid, 'pg_class') IS NOT NULL
"""

#: the comments of table constraints (``COMMENT ON CONSTRAINT``)
_CONSTRAINT_COMMENTS = """
SELECT n.nspname, t.relname, k.conname, k.contype, d.description FROM pg_constraint k
JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = k.oid
JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(:schemas) AND t.relkind IN ('r', 'p')
"""

#: ``pg_constraint.contype`` -> the constraint kind of :mod:`planner.state.constraint_comments`
CONSTRAINT_KINDS = {
    "p": "primary key",
    "f": "foreign key",
    "u": "unique",
    "c": "check",
    "x": "exclusion constraint",
}

#: the constraint kinds (``pg_constraint.contype``) whose DEFERRABLE the snapshot models
MODELLED_DEFERRABLE = ("p", "u", "f")


def capture(conn: Any, snapshot: Any, schemas: list[str | None]) -> Any:
    """``snapshot`` with ``deferrable`` on its deferrable keys, uniques and foreign keys
    ``unlogged`` on its unlogged tables and ``comment`` on its commented indexes and
    constraints, as the database has them."""
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
    exclusions: dict[tuple, list[Exclusion]] = {}
    for nsp, rel, con, method, cols, exprs, ops, where in conn.execute(
        sa.text(_EXCLUSIONS), {"schemas": names}
    ):
        elements = tuple(
            ExclusionElement(operator=op, column=col)
            if col is not None
            else ExclusionElement(operator=op, expression=expr)
            for col, expr, op in zip(cols, exprs, ops, strict=True)
        )
        exclusions.setdefault(key(nsp, rel), []).append(
            Exclusion(name=con, elements=elements, using=method, where=where)
        )
    comments: dict[tuple, dict[str, str]] = {}
    for nsp, rel, ix, comment in conn.execute(sa.text(_INDEX_COMMENTS), {"schemas": names}):
        comments.setdefault(key(nsp, rel), {})[ix] = comment
    on_constraints: dict[tuple, list[tuple[str, str, str]]] = {}
    for nsp, rel, con, contype, comment in conn.execute(
        sa.text(_CONSTRAINT_COMMENTS), {"schemas": names}
    ):
        if contype in CONSTRAINT_KINDS:
            on_constraints.setdefault(key(nsp, rel), []).append(
                (CONSTRAINT_KINDS[contype], con, comment)
            )
    if not deferrable and not unlogged and not exclusions and not comments and not on_constraints:
        return snapshot
    tables = []
    for t in snapshot.tables:
        found = deferrable.get(t.key, {})
        if found:
            t = _with_deferrable(t, found)
        if t.key in unlogged:
            t = dataclasses.replace(t, unlogged=True)
        if t.key in exclusions:
            t = dataclasses.replace(t, exclusions=tuple(exclusions[t.key]))
        if t.key in comments:
            on = comments[t.key]
            indexes = tuple(dataclasses.replace(i, comment=on.get(i.name)) for i in t.indexes)
            t = _with_key_index_comments(dataclasses.replace(t, indexes=indexes), on)
        for kind, con, comment in on_constraints.get(t.key, ()):
            t = _with_constraint_comment(t, kind, con, comment)
        tables.append(t)
    return dataclasses.replace(snapshot, tables=tuple(tables))


def _with_key_index_comments(t: Any, on: dict[str, str]) -> Any:
    """``t`` with the ``index_comment`` of each key, unique and exclusion constraint whose
    index (named as the constraint) has a comment in ``on`` (index name -> comment)."""
    from planner.state.constraint_comments import INDEXED, constraints, with_comment

    for kind, name, o in list(constraints(t)):
        index = key_index_name(t.key, kind, o)
        if kind in INDEXED and on.get(index) is not None:
            t = with_comment(t, kind, name, on[index], "index_comment")
    return t


def key_index_name(key: tuple, kind: str, o: Any) -> str:
    """The name of the index of a key, unique or exclusion constraint ``o`` of the table
    ``key``: the constraint's (``<table>_pkey`` for a primary key without a name)."""
    if kind == "primary key" and o.name is None:
        from planner.dialects.postgresql import PostgreSQL

        return PostgreSQL().default_name("pk", key[1], o.columns)
    return o.name


def key_index_comment_sql(key: tuple, index: str, comment: str | None) -> str:
    """``COMMENT ON INDEX`` the index ``index`` of the table ``key`` (``IS NULL``: none).

    Example:
        >>> print(key_index_comment_sql(("app", "t"), "t_pkey", "it's"))
        COMMENT ON INDEX "app"."t_pkey" IS 'it''s'
    """
    from planner.dialects import get
    from planner.dialects.postgresql_views import _qq

    value = "NULL" if comment is None else get("postgresql").string_literal(comment)
    return f"COMMENT ON INDEX {_qq(key[0], index)} IS {value}"


def _with_constraint_comment(t: Any, kind: str, name: str, comment: str) -> Any:
    """``t`` with the comment of its constraint ``kind`` ``name`` (the primary key: the
    table's, whatever its name); ``t`` when it does not model that constraint (the
    inventory lists the comment)."""
    from planner.state.constraint_comments import constraints, with_comment

    for k, n, _ in constraints(t):
        if k == kind and (k == "primary key" or n == name):
            return with_comment(t, k, n, comment)
    return t


def constraint_comment_sql(key: tuple, name: str, comment: str | None) -> str:
    """``COMMENT ON CONSTRAINT`` ``name`` of the table ``key`` (``IS NULL``: none).

    Example:
        >>> print(constraint_comment_sql(("app", "t"), "ck", "it's"))
        COMMENT ON CONSTRAINT "ck" ON "app"."t" IS 'it''s'
    """
    from planner.dialects import get
    from planner.dialects.postgresql_views import _q, _qq

    value = "NULL" if comment is None else get("postgresql").string_literal(comment)
    return f"COMMENT ON CONSTRAINT {_q(name)} ON {_qq(*key)} IS {value}"


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
