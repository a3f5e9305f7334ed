"""PostgreSQL column types dbplan has no canonical spelling for, read from the catalog
as ``postgresql.TYPE(<name>)`` (see :mod:`planner.state.typeverbatim`)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_COLUMN_TYPE = """
SELECT t.typname, t.typcategory, e.typname AS item, tn.nspname, en.nspname AS item_schema,
       format_type(a.atttypid, a.atttypmod) AS spelled, current_schema() AS here
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace en ON en.oid = e.typnamespace
WHERE n.nspname = coalesce(:schema, current_schema()) AND c.relname = :table
  AND a.attname = :column AND NOT a.attisdropped
"""


def verbatim_type(conn: Any, schema: str | None, table: str, column: str) -> str | None:
    """``postgresql.TYPE(hstore)`` (``postgresql.ARRAY(postgresql.TYPE(circle))`` for an
    array; ``postgresql.TYPE(other.pair)`` outside the default schema;
    ``postgresql.TYPE(geometry(Point,4326))`` with its modifiers) for the column's type;
    None when its name does not fit the type grammar (a quoted name) or its modifiers do
    not: the caller refuses it."""
    row = conn.execute(
        sa.text(_COLUMN_TYPE), {"schema": schema, "table": table, "column": column}
    ).first()
    if row is None:
        return None
    typname, category, item, nsp, item_nsp, spelled, here = row
    name, where = (item, item_nsp) if item is not None else (typname, nsp)
    if not _NAME.fullmatch(name) or not _NAME.fullmatch(where):
        return None
    bare = where in ("pg_catalog", here)
    spelled = spelled[:-2] if item is not None and spelled.endswith("[]") else spelled
    if spelled not in (name, f"{where}.{name}"):
        # a built-in type with modifiers (bit(3), real, "char") is kept as the catalog
        # spells it; an extension's (geometry(Point,4326)) as its canonical spelling
        modified = (
            _modified(spelled)
            if where == "pg_catalog"
            else _extension_modified(spelled, name, name if bare else f"{where}.{name}")
        )
        if modified is None:
            return None
        return (
            f"postgresql.ARRAY(postgresql.TYPE({modified}))"
            if item is not None
            else (f"postgresql.TYPE({modified})")
        )
    # a type of another schema (an extension's, a composite type's) by its qualified name
    text = f"postgresql.TYPE({name if bare else f'{where}.{name}'})"
    return f"postgresql.ARRAY({text})" if item is not None else text


def _modified(spelled: str) -> str | None:
    """``spelled`` when it is a built-in type with modifiers, as the grammar reads it."""
    from planner.state.typespec import TypeParseError, parse_type

    try:
        spec = parse_type(f"postgresql.TYPE({spelled})")
    except TypeParseError:
        return None
    return spelled if spec.verbatim == spelled else None


def _extension_modified(spelled: str, name: str, qualified: str) -> str | None:
    """``qualified(mods)`` in the grammar's canonical spelling, when ``spelled`` is the
    type ``name`` (qualified or not) followed by modifiers the grammar reads."""
    from planner.state.typespec import TypeParseError, parse_type

    for head in (qualified, name):  # format_type() qualifies a type not on the search path
        if spelled.startswith(head + "("):
            try:
                spec = parse_type(f"postgresql.TYPE({qualified}{spelled[len(head) :]})")
            except TypeParseError:
                return None
            return spec.verbatim
    return None
