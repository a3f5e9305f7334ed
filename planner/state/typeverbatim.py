"""Column types outside dbplan's canonical list, captured verbatim as a dialect type
(``postgresql.TYPE(hstore)``) from the catalog, or refused naming the column."""

from __future__ import annotations

from typing import Any

from planner.state.typespec import TypeReflectionError


def reflect(
    conn: Any, dialect: Any, schema: str | None, table: str, column: str, error: Exception
) -> str:
    """The verbatim type of ``table.column`` (the dialect's ``verbatim`` part reads the
    catalog), or :class:`TypeReflectionError` naming the column and the cause."""
    try:
        part = dialect.part("verbatim")
    except ModuleNotFoundError:
        part = None
    text = part.verbatim_type(conn, schema, table, column) if part is not None else None
    if text is None:
        where = f"{schema}.{table}" if schema else table
        raise TypeReflectionError(f"{where}.{column}: {error}") from error
    return text
