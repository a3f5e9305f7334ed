"""Managed rows checked in bulk, a column at a time (issue 17).

:func:`planner.state.validate.validate` checks a table's rows one by one, each problem at
its row. Most tables of many rows have none, so it first asks :func:`rows_fit` whether
any row would give one, from the rows' columns taken whole: the same checks (known
columns, required columns present, NOT NULL, each value fitting its column type, the
key present and distinct, the primary key and unique constraints not repeated, row
references found among the parent's rows), as set and ``map`` operations over a column.
Only a table for which the answer is not a plain yes is checked row by row, which then
reports every problem as before; so the answer never changes what is reported, only
how long finding nothing takes.

Example:
    >>> import dataclasses
    >>> from planner.state.model import Column, FrozenMap, PrimaryKey, RowSet, Table
    >>> t = Table(
    ...     name="units",
    ...     columns=(Column(name="id", type="Integer", nullable=False),),
    ...     primary_key=PrimaryKey(columns=("id",)),
    ...     rows=RowSet(key=("id",), rows=(FrozenMap({"id": 1}), FrozenMap({"id": 2}))),
    ... )
    >>> columns = {"id": (None, False, True)}
    >>> rows_fit(t, columns, ["id"], [])
    True
    >>> again = RowSet(key=("id",), rows=(FrozenMap({"id": 1}), FrozenMap({"id": 1})))
    >>> rows_fit(dataclasses.replace(t, rows=again), columns, ["id"], [])
    False
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from planner.state.model import Table

__all__ = ["keys_of", "rows_fit", "unique_keys"]

_NAME, _VALUE = itemgetter(0), itemgetter(1)


def unique_keys(t: Table) -> list[tuple[str, tuple[str, ...]]]:
    """``(what, columns)`` of the primary key, unique constraints and unique indexes
    whose values the rows of ``t`` must not repeat (those other than the rows' key)."""
    rs = t.rows
    assert rs is not None
    key = set(rs.key)
    keys: list[tuple[str, tuple[str, ...]]] = []
    if t.primary_key is not None and t.primary_key.columns and set(t.primary_key.columns) != key:
        keys.append(("the primary key", t.primary_key.columns))
    keys += [(f"unique constraint {u.name}", u.columns) for u in t.uniques if set(u.columns) != key]
    keys += [
        (f"unique index {ix.name}", ix.columns)
        for ix in t.indexes
        if ix.unique and ix.where is None and set(ix.columns) != key
    ]
    return keys


#: rows whose values by column are known (the cache decodes them a column at a time):
#: ``id(rows) -> (rows, {column: values})``; each entry holds its rows, so an id is not
#: reused while it is here; the oldest go beyond :data:`_KNOWN_MAX`
_KNOWN: dict[int, tuple[Sequence, dict[str, list]]] = {}
_KNOWN_MAX = 16


def remember_columns(rows: Sequence, columns: dict[str, list]) -> None:
    """Record that every row of ``rows`` names exactly ``columns``' names, with the values
    ``columns`` lists in row order (:func:`keys_of` then reads them instead of every row)."""
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.pop(next(iter(_KNOWN)))
    _KNOWN[id(rows)] = (rows, columns)


def keys_of(rows: Sequence, cols: Sequence[str]) -> list[tuple]:
    """:meth:`~planner.state.model.RowSet.key_of` of every row, in order; a column at a
    time when the rows all name the same columns (tables of many rows).

    Example:
        >>> from planner.state.model import FrozenMap
        >>> keys_of([FrozenMap({"a": 1, "b": 2}), FrozenMap({"a": 3, "b": 4})], ["b", "c"])
        [(2, None), (4, None)]
    """
    known = _KNOWN.get(id(rows))
    if known is not None and known[0] is rows:
        nones = [None] * len(rows)
        return list(zip(*[known[1].get(c, nones) for c in cols], strict=True))
    if rows and len(set(map(len, rows))) == 1:
        positions = list(zip(*rows, strict=True))
        names = [set(map(_NAME, p)) for p in positions]
        if all(len(n) == 1 for n in names):
            index = {n.pop(): j for j, n in enumerate(names)}
            nones = [None] * len(rows)
            lists = [list(map(_VALUE, positions[index[c]])) if c in index else nones for c in cols]
            return list(zip(*lists, strict=True))
    return [tuple([dict(r).get(c) for c in cols]) for r in rows]


def _columns(rows: Sequence) -> tuple[int, dict[str, list]] | None:
    """The rows' values by column (None where a row has no such column), or None when
    rows of one length do not all name the same columns."""
    lengths = set(map(len, rows))
    if len(lengths) == 1:
        groups = [rows]
    else:
        by_len: dict[int, list] = {}
        for row in rows:
            by_len.setdefault(len(row), []).append(row)
        groups = list(by_len.values())
    out: dict[str, list] = {}
    done = 0
    for group in groups:
        for position in zip(*group, strict=True):
            names = set(map(_NAME, position))
            if len(names) != 1:
                return None
            name = names.pop()
            column = out.get(name)
            if column is None:
                column = out[name] = [None] * done
            column += map(_VALUE, position)
        done += len(group)
        for column in out.values():
            if len(column) < done:
                column += [None] * (done - len(column))
    return done, out


def rows_fit(
    t: Table,
    columns: dict[str, tuple[Callable[[Any], str | None] | None, bool, bool]],
    required: Sequence[str],
    references: Sequence[tuple[Any, tuple[str, ...], set, Table]],
) -> bool:
    """Whether checking the rows of ``t`` one by one would find no problem.

    Args:
        columns: column name -> (checker of a value or None, nullable, required), as
            ``validate._check_rows`` builds it.
        required: the columns every row must give.
        references: ``validate._reference_checks`` of ``t``.
    """
    rs = t.rows
    if rs is None:
        return True
    found = _columns(rs.rows)
    if found is None:
        return False
    n, values = found
    present = set()
    for name, column in values.items():
        entry = columns.get(name)
        if entry is None:
            return False  # a column the table does not have
        check, nullable, _ = entry
        if None in column:
            if not nullable:
                return False
            present_in_all = False
        else:
            present_in_all = True
        if check is not None and any(map(check, column)):
            return False
        if present_in_all:
            present.add(name)
    if not set(required) <= present:
        return False  # a required column missing (or null) in some row
    nones = [None] * n
    key = [values.get(col, nones) for col in rs.key]
    if any(None in column for column in key):
        return False  # a row without its key
    keys = key[0] if len(key) == 1 else list(zip(*key, strict=True))
    if len(set(keys)) != n:
        return False  # a key repeated
    for _what, cols in unique_keys(t):
        lists = [values.get(col, nones) for col in cols]
        projected = list(zip(*lists, strict=True))
        if any(None in column for column in lists):
            projected = [p for p in projected if None not in p]  # not compared, as in SQL
        if len(set(projected)) != len(projected):
            return False
    for _fk, cols, have, _parent in references:
        wanted = set(zip(*[values.get(col, nones) for col in cols], strict=True))
        for w in wanted:
            if None not in w and w not in have:
                return False
    return True
