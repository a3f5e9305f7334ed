"""References between managed rows by natural key (``category_id: {code: fruit}``).

A row value in the single column of a foreign key whose column is not a JSON or ARRAY
column may be a mapping ``{unique column of the referenced table: value, ...}``: it names
the referenced row by its natural key instead of its surrogate id. The revision resolves
it by a sub-select (``(SELECT id FROM categories WHERE code = :p)``), so parent/child and
self-referencing default rows need no explicit ids. This module knows which values are
such references and the row they name; it imports nothing of the planner.

Example:
    >>> from planner.state.model import Column, ForeignKey, FrozenMap, Table
    >>> t = Table(name="items", columns=(Column(name="category_id", type="Integer"),),
    ...           foreign_keys=(ForeignKey(name="fk", columns=("category_id",),
    ...                                    ref_table="categories", ref_columns=("id",)),))
    >>> reference_fk(t, "category_id", FrozenMap({"code": "fruit"})).ref_table
    'categories'
"""

from __future__ import annotations

from typing import Any

from planner.state.model import ForeignKey, FrozenMap, Table

__all__ = ["is_reference_column", "reference_fk", "reference_match"]

#: type families whose values may be mappings themselves (never references)
_DOCUMENT_FAMILIES = frozenset({"json", "array"})


def is_reference_column(t: Table, column: str) -> ForeignKey | None:
    """The single-column foreign key of ``column`` when its values may be references."""
    if not t.has_column(column):
        return None
    for fk in t.foreign_keys:
        if fk.columns == (column,) and len(fk.ref_columns) == 1:
            try:
                from planner.state.coltypes import family

                fam = family(t.column(column).type)
            except Exception:  # noqa: BLE001 - an unknown type: no document family
                fam = None
            if fam in _DOCUMENT_FAMILIES:
                return None
            return fk
    return None


def reference_fk(t: Table, column: str, value: Any) -> ForeignKey | None:
    """The foreign key through which ``value`` of ``column`` references a row by its
    natural key; None when ``value`` is a plain value."""
    if not isinstance(value, FrozenMap) or not value:
        return None
    return is_reference_column(t, column)


def reference_match(value: FrozenMap) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The columns and values a reference names its row by, sorted by column.

    Example:
        >>> reference_match(FrozenMap({"code": "fruit", "kind": "x"}))
        (('code', 'kind'), ('fruit', 'x'))
    """
    return tuple(k for k, _ in value), tuple(v for _, v in value)
