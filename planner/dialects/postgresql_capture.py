"""PostgreSQL reflection fixes (reached as ``get("postgresql").part("capture")``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from planner.dialects.reflection import COLLATION_KEY, RawTable

#: the column lists of every foreign key of one schema, from the catalog
_FK_COLUMNS = sa.text(
    "SELECT t.relname::text, c.conname::text, "
    "ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
    "ORDER BY k.i), "
    "ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
    "JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n "
    "ORDER BY k.i) "
    "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
    "JOIN pg_namespace s ON s.oid = t.relnamespace "
    "WHERE c.contype = 'f' AND s.nspname = coalesce(:s, current_schema())"
)


#: the columns of one schema with a collation of their own (not their type's default),
#: of pg_catalog or the default schema (one elsewhere stays unmanaged: kind collate)
_COLLATED = sa.text(
    "SELECT t.relname::text, a.attname::text, c.collname::text "
    "FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid "
    "JOIN pg_namespace s ON s.oid = t.relnamespace "
    "JOIN pg_type ty ON ty.oid = a.atttypid "
    "JOIN pg_collation c ON c.oid = a.attcollation "
    "JOIN pg_namespace cn ON cn.oid = c.collnamespace "
    "WHERE s.nspname = coalesce(:s, current_schema()) AND a.attnum > 0 "
    "AND NOT a.attisdropped AND a.attcollation <> ty.typcollation "
    "AND cn.nspname IN ('pg_catalog', current_schema())"
)


#: the ``nextval`` defaults of one schema's columns, as the catalog spells them
_NEXTVAL = sa.text(
    "SELECT t.relname::text, a.attname::text, pg_get_expr(d.adbin, d.adrelid) "
    "FROM pg_attrdef d JOIN pg_class t ON t.oid = d.adrelid "
    "JOIN pg_namespace s ON s.oid = t.relnamespace "
    "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
    "WHERE s.nspname = :s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'"
)


def _fix_nextval(conn: sa.engine.Connection, schema: str, raw: dict[str, RawTable]) -> None:
    """SQLAlchemy qualifies an unqualified ``nextval('seq')`` default of a table in
    ``schema`` with that schema, but the catalog leaves it unqualified because the
    sequence is found on the search path (``public.seq`` used by ``app.items``): keep the
    catalog's spelling then, so the default names the sequence it uses."""
    found = {(t, c): text for t, c, text in conn.execute(_NEXTVAL, {"s": schema}).all()}
    for table, t in raw.items():
        fixed = []
        for c in t.columns:
            text = found.get((table, c["name"]))
            if text is not None and "." not in text.split("'")[1]:
                c = {**c, "default": text}
            fixed.append(c)
        t.columns = fixed


def fix_reflected(
    conn: sa.engine.Connection, insp: Any, schema: str | None, raw: dict[str, RawTable]
) -> None:
    """Each column's own collation (one query for the schema; SQLAlchemy's reflection
    leaves it out before 2.0 and never qualifies it). SQLAlchemy splits a foreign key
    definition's column lists at commas (a column named ``a,b`` comes back as two): take
    them from the catalog, one query for the schema. A ``nextval`` default of another
    schema's sequence keeps the catalog's spelling (:func:`_fix_nextval`)."""
    if schema is not None and any(
        str(c.get("default") or "").startswith("nextval(") for t in raw.values() for c in t.columns
    ):
        _fix_nextval(conn, schema, raw)
    if raw:
        collated: dict[str, dict[str, str]] = {}
        for table, col, name in conn.execute(_COLLATED, {"s": schema}).all():
            collated.setdefault(table, {})[col] = name
        for table, t in raw.items():
            if table in collated:
                by_col = collated[table]
                t.columns = [
                    {**c, COLLATION_KEY: by_col[c["name"]]} if c["name"] in by_col else c
                    for c in t.columns
                ]
    if not any(t.foreign_keys for t in raw.values()):
        return
    by_table: dict[str, dict[str, tuple[list, list]]] = {}
    for table, name, cols, refs in conn.execute(_FK_COLUMNS, {"s": schema}).all():
        by_table.setdefault(table, {})[name] = (list(cols), list(refs))
    for table, t in raw.items():
        by_name = by_table.get(table, {})
        out = []
        for fk in t.foreign_keys:
            found = by_name.get(fk.get("name"))
            if found is not None:
                fk = {**fk, "constrained_columns": found[0], "referred_columns": found[1]}
            out.append(fk)
        t.foreign_keys = out
