"""The columns of a table as the loader reads them: the plain ones (``Shape.table`` builds
them without the general checks, which would find nothing to report), each distinct one
built once per file and shared, and the parts of the others read per dialect.
"""

from __future__ import annotations

from typing import Any

from planner.state.model import Column
from planner.state.reader import Path_

#: the column keys :func:`plain_column` takes, with the one type of value each holds
#: (or null): strings for texts, bools for flags
_PLAIN_COLUMN_KEYS = {
    "type": str,
    "primary_key": bool,
    "nullable": bool,
    "autoincrement": bool,
    "server_default": str,
    "comment": str,
    "renamed_from": str,
}


def plain_column(c: dict) -> bool:
    """A column body of only plain keys holding values the reading takes as they are (a
    type, texts, flags): :meth:`Shape.table` builds its column without the general
    checks, which would find nothing to report."""
    if c.get("type").__class__ is not str:
        return False
    for key, value in c.items():
        kind = _PLAIN_COLUMN_KEYS.get(key)
        if kind is None or (value is not None and value.__class__ is not kind):
            return False
    return True


def backfill_dialects(shape: Any, c: dict, path: Path_) -> tuple[tuple[str, str], ...]:
    """A backfill given per dialect (``{postgresql: ..., mysql: ..., sqlite: ...}``)."""
    if not isinstance(c.get("backfill"), dict):
        return ()
    from planner.state.steps_yaml import sql_pairs

    return sql_pairs(shape, c["backfill"], (*path, "backfill"), "backfill") or ()


def using(shape: Any, c: dict, path: Path_) -> tuple[tuple[str, str], ...]:
    """A column's ``using`` (the conversion of a type change), as ``(dialect, sql)`` pairs."""
    if "using" not in c:
        return ()
    from planner.state.steps_yaml import sql_pairs

    return sql_pairs(shape, c["using"], (*path, "using"), "conversion") or ()


class PlainColumns:
    """The plain columns of one file by their values: most columns repeat one of another
    table (``id``, ``name``: 7,295 distinct of 32,206 at N = 2,000), and a column is
    immutable, so each distinct one is built (its type made canonical) once, and shared."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: dict[tuple, Column] = {}

    def column(self, name: str, c: dict, pk_columns: tuple[str, ...]) -> Column:
        """Column ``name`` of the :func:`plain_column` body ``c`` (``pk_columns``: the
        table's primary key, whose columns are not nullable unless said)."""
        nullable = c.get("nullable")
        if nullable is None:
            nullable = name not in pk_columns
        key = (
            name,
            c["type"],
            nullable,
            c.get("autoincrement"),
            c.get("server_default"),
            c.get("comment"),
            c.get("renamed_from"),
        )
        column = self._made.get(key)
        if column is None:
            column = self._made[key] = Column(
                name=name,
                type=canonical_type(key[1]),
                nullable=nullable,
                autoincrement=key[3],
                server_default=key[4],
                comment=key[5],
                renamed_from=key[6],
            )
        return column


def canonical_type(text: str) -> str:
    """Canonical spelling when the type parses; the text as written otherwise."""
    try:
        from planner.state import coltypes
    except ImportError:  # pragma: no cover - during bootstrap only
        return text
    try:
        return coltypes.canonical_type(text)
    except Exception:  # noqa: BLE001 - validate() reports the parse problem with its position
        return text
