"""Bulk reflection: what capture reads of a schema's tables, one catalog query per kind.

:meth:`planner.dialects.base.Dialect.reflect_tables` reads every table of a schema
with SQLAlchemy 2's multi-table inspector methods (``get_multi_columns``,
``get_multi_pk_constraint`` …: on PostgreSQL one catalog query each for all tables, where
per-table calls cost one query per table and kind); a dialect without bulk methods in
SQLAlchemy (MariaDB/MySQL, SQLite) falls back to SQLAlchemy's per-table loop inside the
same call. Each dialect's ``<name>_capture`` module then fixes what SQLAlchemy reads
wrongly (names with quotes, column lists split at commas …) — see
:func:`fix_reflected` there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

__all__ = ["RawTable", "fix_names", "reflect_bulk"]


#: the key a dialect's capture part sets on a reflected column (a dict of
#: ``RawTable.columns``): the column's own collation, read as ``collation:``
#: (:func:`planner.state.column_kinds.captured_collation`)
COLLATION_KEY = "dbplan_collation"
#: the key a dialect's capture part sets on a reflected column whose type it reads from
#: the catalog itself: the type text (``mysql.TYPE(datetime(3))``), or a
#: :class:`~planner.state.typespec.TypeReflectionError` when dbplan cannot re-create it
TYPE_KEY = "dbplan_type"


@dataclasses.dataclass
class RawTable:
    """What SQLAlchemy's inspector gives for one table (its dictionaries, unchanged
    shape), fixed by the dialect's capture part."""

    columns: list[dict]
    pk: dict
    foreign_keys: list[dict]
    indexes: list[dict]
    uniques: list[dict]
    checks: list[dict]
    comment: str | None = None
    #: columns declared JSON the database stores as text with a check (MariaDB)
    json_columns: frozenset[str] = frozenset()


#: the inspector's multi-table methods and the :class:`RawTable` field each fills
_KINDS = (
    ("columns", "columns"),
    ("pk_constraint", "pk"),
    ("foreign_keys", "foreign_keys"),
    ("indexes", "indexes"),
    ("unique_constraints", "uniques"),
    ("check_constraints", "checks"),
)


def reflect_bulk(
    insp: Any, schema: str | None, names: Iterable[str], *, comments: bool
) -> dict[str, RawTable]:
    """``{name: RawTable}`` of the tables ``names`` of ``schema`` (None: the default).

    Every table of the schema is read at once (no name filter: a filter of thousands of
    names costs more than the tables it leaves out); tables not in ``names`` are dropped.
    ``comments``: read table comments (a database without them has no such method).
    """
    want = set(names)
    got: dict[str, dict[str, Any]] = {n: {} for n in want}
    kinds = list(_KINDS) + ([("table_comment", "comment")] if comments else [])
    for method, field in kinds:
        for (_schema, name), value in getattr(insp, f"get_multi_{method}")(schema=schema).items():
            if name in want:
                got[name][field] = value
    out = {}
    for name, fields in got.items():
        comment = fields.pop("comment", None)
        fields.setdefault("pk", {})
        for _method, field in _KINDS:
            fields.setdefault(field, [])
        out[name] = RawTable(**fields, comment=(comment or {}).get("text"))
    return out


def fix_names(got: Any, fields: tuple[str, ...], quote: str) -> Any:
    """``got`` (an inspector result: a dict or a list of them) with ``quote`` doubled
    inside the ``fields`` (names, lists of names) undone.

    Example:
        >>> fix_names([{"name": 'a""b', "x": '""'}], ("name",), '"')
        [{'name': 'a"b', 'x': '""'}]
    """

    def fix(v: Any) -> Any:
        if isinstance(v, str):
            return v.replace(quote * 2, quote)
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    if isinstance(got, dict):
        return {k: fix(v) if k in fields else v for k, v in got.items()}
    if isinstance(got, list):
        return [fix_names(g, fields, quote) for g in got]
    return got
