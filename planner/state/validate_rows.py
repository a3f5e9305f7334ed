"""Validation of row references by natural key and of ``dropped_columns`` hints (part of
:func:`planner.state.validate.validate`).

A reference ``category_id: {code: fruit}`` must name columns that are unique in the
referenced table (its primary key, a unique constraint or a unique index without
``where``), give each a non-null scalar, and name a managed row of that table. Key columns
of a row set cannot hold references (rows are matched by their key values as written).

Example:
    >>> from planner.state.shape import load_snapshot_text
    >>> text = '''
    ... snapshot: 1
    ... release: "1"
    ... tables:
    ...   c:
    ...     columns: {id: {type: Integer, primary_key: true}, code: {type: Text, nullable: false},
    ...               parent_id: {type: Integer}}
    ...     unique: {uq_c_code: [code]}
    ...     foreign_keys: {fk_c: {columns: [parent_id], references: {table: c, columns: [id]}}}
    ...     rows: {key: [code], values: [{code: a}, {code: b, parent_id: {code: zz}}]}
    ... '''
    >>> try:
    ...     load_snapshot_text(text, "x.yaml")
    ... except Exception as e:
    ...     print(str(e).splitlines()[0])
    x.yaml:10:66: tables.c.rows.values[1].parent_id: row references c(code='zz') by natural key, which is not among the managed rows of c (add that row to c or fix the value)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.state.model import FrozenMap, Snapshot, Table
from planner.state.rowrefs import is_reference_column, reference_fk, reference_match

__all__ = ["check_dropped_columns", "check_row_references", "reference_value_check"]

Add = Callable[..., None]


def _unique_sets(t: Table) -> list[frozenset[str]]:
    sets = []
    if t.primary_key is not None and t.primary_key.columns:
        sets.append(frozenset(t.primary_key.columns))
    sets += [frozenset(u.columns) for u in t.uniques]
    sets += [frozenset(ix.columns) for ix in t.indexes if ix.unique and ix.where is None]
    return sets


def reference_value_check(t: Table, column: str, check: Any) -> Any:
    """The value check of ``column``, letting references through (checked by
    :func:`check_row_references`) where the column can hold them."""
    if check is None or is_reference_column(t, column) is None:
        return check

    def checked(value: Any) -> str | None:
        if isinstance(value, FrozenMap):
            return None
        return check(value)

    return checked


def check_row_references(add: Add, s: Snapshot, t: Table, rp: tuple) -> None:
    """Each reference value of ``t``'s rows names a managed row of the referenced table
    by columns unique there."""
    rs = t.rows
    if rs is None:
        return
    for i, row in enumerate(rs.rows):
        for col, value in row:
            fk = reference_fk(t, col, value)
            if fk is None:
                continue
            vp = (*rp, "values", i, col)
            if col in rs.key:
                add(
                    vp,
                    f"key column {col} holds a reference {dict(value)!r}; rows are matched "
                    "by their key values as written",
                    f"give {col} its value, or key the rows by other columns",
                )
                continue
            parent = s.get_table(fk.ref_key)
            if parent is None:
                continue  # the foreign key check reports the missing table
            cols, vals = reference_match(value)
            unknown = [c for c in cols if not parent.has_column(c)]
            if unknown:
                add(
                    vp,
                    f"reference names unknown column(s) {', '.join(unknown)} of "
                    f"{parent.qualified_name}",
                    "name the referenced row by columns of that table",
                )
                continue
            if frozenset(cols) not in _unique_sets(parent):
                add(
                    vp,
                    f"reference by ({', '.join(cols)}) does not name one row of "
                    f"{parent.qualified_name}: no primary key, unique constraint or unique "
                    "index on exactly those columns",
                    f"name the row by a unique key of {parent.qualified_name}, or add a "
                    "unique constraint on those columns",
                )
                continue
            if any(v is None or isinstance(v, (FrozenMap, tuple)) for v in vals):
                add(vp, "a reference needs a scalar value for each column it names")
                continue
            declared = parent.rows.rows if parent.rows is not None else ()
            if not any(
                all(dict(r).get(c) == v for c, v in zip(cols, vals, strict=True)) for r in declared
            ):
                shown = ", ".join(f"{c}={v!r}" for c, v in zip(cols, vals, strict=True))
                add(
                    vp,
                    f"row references {parent.qualified_name}({shown}) by natural key, which "
                    f"is not among the managed rows of {parent.qualified_name}",
                    f"add that row to {parent.qualified_name} or fix the value",
                )


def check_dropped_columns(add: Add, t: Table, tp: tuple) -> None:
    """``dropped_columns`` names columns the table no longer has."""
    for name, _ in t.dropped_columns:
        if t.has_column(name):
            add(
                (*tp, "dropped_columns", name),
                f"dropped_columns names column {name}, which {t.qualified_name} still has",
                "dropped_columns is for the NOT NULL columns this release drops; remove the entry",
            )


def check_row_uniqueness(add: Add, t: Table, rp: tuple) -> None:
    """Rows must not repeat the values of the primary key or a unique constraint/index."""
    rs = t.rows
    assert rs is not None
    from planner.state import rowcheck

    for what, cols in rowcheck.unique_keys(t):
        if not cols:
            continue
        seen: dict[tuple, int] = {}
        for i, row in enumerate(rs.rows):
            values = dict(row)
            projected = tuple(values.get(col) for col in cols)
            if None in projected:
                continue
            if projected in seen:
                add(
                    (*rp, "values", i),
                    f"row repeats {show_key(cols, projected)} of row {seen[projected]}, violating {what}",
                    "change one of the rows",
                )
            else:
                seen[projected] = i


def show_key(cols: tuple[str, ...], key: tuple) -> str:
    return ", ".join(f"{c}={v!r}" for c, v in zip(cols, key, strict=True))
