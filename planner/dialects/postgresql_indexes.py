"""PostgreSQL index key elements and storage parameters as the snapshot models them
(:class:`planner.state.model.IndexElement`, ``Index.storage``): an expression (as
``pg_get_indexdef`` spells it), a non-default operator class, ``DESC`` / ``NULLS``, a
collation other than the column's, ``WITH (...)`` — read from ``pg_index`` for the
indexes of tables and materialized views, and written back as SQL.

SQLAlchemy's reflection skips expression indexes and reflects the rest without these
properties: :func:`capture` completes the reflected indexes and adds the expression
indexes it skipped.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from planner.state.model import Index, IndexElement

#: one row per key element of each index of the relations ``:oids``; ``colname`` NULL for
#: an expression. An element's collation is named when it is not the column's (for an
#: expression: not the database default).
_ELEMENTS = """
SELECT i.indrelid, ic.relname, k, a.attname, pg_get_indexdef(i.indexrelid, k, true),
       CASE WHEN NOT oc.opcdefault THEN
            CASE WHEN ocn.nspname IN ('pg_catalog', current_schema()) THEN ''
                 ELSE ocn.nspname || '.' END || oc.opcname END,
       i.indoption[k - 1],
       CASE WHEN i.indcollation[k - 1] <> 0
             AND i.indcollation[k - 1] <> coalesce(a.attcollation, 100) THEN co.collname END,
       ic.reloptions
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) k
JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1]
JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
LEFT JOIN pg_attribute a ON i.indkey[k - 1] <> 0 AND a.attrelid = i.indrelid
     AND a.attnum = i.indkey[k - 1]
LEFT JOIN pg_collation co ON co.oid = i.indcollation[k - 1]
WHERE i.indrelid = ANY(:oids)
ORDER BY i.indrelid, ic.relname, k
"""

#: the indexes :func:`capture` adds (reflection skipped them): what the rest of an index is
_INDEX = """
SELECT i.indrelid, ic.relname, i.indisunique, pg_get_expr(i.indpred, i.indrelid), am.amname,
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
             WHERE k.o > i.indnkeyatts ORDER BY k.o)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY(:oids) AND i.indexprs IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
"""

_RELATIONS = """
SELECT c.oid, n.nspname, c.relname FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p')
"""


def rich(conn: Any, oids: list[int]) -> dict[tuple[int, str], dict]:
    """``{(relid, index name): {"columns", "elements", "storage"}}`` of each index of the
    relations ``oids`` with more than plain columns as its key or storage parameters."""
    from planner.state.index_keys import keyed, normal_storage

    if not oids:
        return {}
    found: dict[tuple[int, str], tuple[list[IndexElement], Any]] = {}
    for relid, ix, _k, col, text, opclass, option, collate, reloptions in conn.execute(
        sa.text(_ELEMENTS), {"oids": list(oids)}
    ):
        order = "desc" if option & 1 else None
        nulls = "first" if option & 2 else "last"
        el = IndexElement(
            column=col,
            expression=None if col is not None else text,
            collate=collate,
            opclass=opclass or None,
            order=order,
            nulls=nulls,
        )
        found.setdefault((relid, ix), ([], reloptions))[0].append(el)
    out = {}
    for key, (elements, reloptions) in found.items():
        storage = normal_storage(o.split("=", 1) for o in reloptions or ())
        body = {**keyed((), tuple(elements)), "storage": storage}
        if body["elements"] or storage:
            out[key] = body
    return out


def catalog_index(name: str, unique: Any, where: Any, method: str, include: Any, **kw) -> Index:
    """The :class:`Index` of a ``pg_index`` row (``kw``: its key, comment …)."""
    using = None if method == "btree" else method
    return Index(name=name, unique=bool(unique), where=where, using=using,
                 include=tuple(include), **kw)  # fmt: skip


def capture(conn: Any, snapshot: Any, schemas: list[str], default: str, hint: Any) -> Any:
    """``snapshot`` whose table indexes carry their elements and storage parameters, with
    the expression indexes reflection skipped (an expression spelled as ``hint``'s same
    index spells it, when it means the same)."""
    oids = {}
    for oid, nsp, rel in conn.execute(sa.text(_RELATIONS), {"schemas": schemas}):
        oids[oid] = (None if nsp == default else nsp, rel)
    found = rich(conn, list(oids))
    if not found:
        return snapshot
    added: dict[tuple, list[Index]] = {}
    for relid, ix, unique, where, method, include in conn.execute(
        sa.text(_INDEX), {"oids": [r for r, _ in found]}
    ):
        body = found.get((relid, ix))
        if body is not None:
            added.setdefault(oids[relid], []).append(
                catalog_index(ix, unique, where, method, include, **body)
            )
    by_key = {v: k for k, v in oids.items()}
    hints = {(t.key, i.name): i for t in hint.tables for i in t.indexes} if hint else {}
    tables = []
    for t in snapshot.tables:
        relid = by_key.get(t.key)
        if relid is None:
            tables.append(t)
            continue
        indexes = [
            dataclasses.replace(i, **found[(relid, i.name)]) if (relid, i.name) in found else i
            for i in t.indexes
        ]
        have = {i.name for i in indexes}
        indexes += [i for i in added.get(t.key, ()) if i.name not in have]
        indexes = [spelled_as(i, hints.get((t.key, i.name))) for i in indexes]
        indexes.sort(key=lambda i: i.name)
        tables.append(dataclasses.replace(t, indexes=tuple(indexes)))
    return dataclasses.replace(snapshot, tables=tuple(tables))


def spelled_as(ix: Index, hint: Index | None) -> Index:
    """``ix`` with ``hint``'s spelling of its expressions and predicate when they mean
    the same (what a project wrote stays as written)."""
    if hint is None or not ix.elements or len(hint.elements) != len(ix.elements):
        return ix
    from planner import sqlexpr

    same = dataclasses.replace(ix, elements=hint.elements, columns=hint.columns)
    if sqlexpr.same_field("elements", ix.elements, hint.elements, "postgresql"):
        return same
    return ix


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def element_sql(el: IndexElement) -> str:
    """One key element as ``CREATE INDEX`` writes it.

    Example:
        >>> element_sql(IndexElement(expression="lower(email)", opclass="text_pattern_ops",
        ...                          order="desc", nulls="last"))
        '(lower(email)) text_pattern_ops DESC NULLS LAST'
        >>> element_sql(IndexElement(column="name", collate="C"))
        '"name" COLLATE "C"'
    """
    out = _q(el.column) if el.column is not None else f"({el.expression})"
    if el.collate is not None:
        out += f" COLLATE {_q(el.collate)}"
    if el.opclass is not None:
        out += f" {el.opclass}"
    if el.order is not None:
        out += f" {el.order.upper()}"
    if el.nulls is not None:
        out += f" NULLS {el.nulls.upper()}"
    return out


def key_sql(ix: Index) -> str:
    """The parenthesised key of ``ix`` (its elements, else its columns)."""
    if ix.elements:
        return "(" + ", ".join(element_sql(el) for el in ix.elements) + ")"
    return "(" + ", ".join(_q(c) for c in ix.columns) + ")"


def with_sql(ix: Index) -> str:
    """`` WITH (name = value, ...)`` of ``ix``'s storage parameters, or ``''``."""
    if not ix.storage:
        return ""
    return " WITH (" + ", ".join(f"{k} = {v}" for k, v in ix.storage) + ")"
