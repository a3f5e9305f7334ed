"""The shape of a table's ``rows`` (and ``rows.mode``) and of ``dropped_columns`` (part of :class:`planner.state.shape.Shape`).

Example:
    >>> from planner.state.shape import load_snapshot_text
    >>> s = load_snapshot_text(
    ...     "snapshot: 1\\nrelease: '1'\\ntables:\\n  t:\\n    columns: {id: {type: Integer, primary_key: true}}\\n"
    ...     "    rows: {mode: seed, values: [{id: 1}]}\\n", "x.yaml")
    >>> s.table("t").rows.mode
    'seed'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.state.model import ROW_MODES, FrozenMap, RowSet

if TYPE_CHECKING:
    from planner.state.reader import Path_
    from planner.state.shape import Shape

__all__ = ["DROPPED_COLUMN_KEYS", "read_dropped_columns", "read_row_mode", "read_rows"]

DROPPED_COLUMN_KEYS = ("backfill",)


def read_row_mode(shape: Shape, value: Any, path: Path_) -> str:
    """``rows.mode``: one of :data:`~planner.state.model.ROW_MODES` (default ``managed``)."""
    from planner.state.shape import _MISSING, _describe, _suggest

    if value is _MISSING:
        return ROW_MODES[0]
    if isinstance(value, str) and value in ROW_MODES:
        return value
    shape.add(
        path,
        f"expected a row mode ({', '.join(ROW_MODES)}), found {_describe(value)}",
        _suggest(value, ROW_MODES),
    )
    return ROW_MODES[0]


def read_dropped_columns(shape: Shape, body: Any, path: Path_) -> tuple[tuple[str, str], ...]:
    """``dropped_columns: {column: {backfill: SQL}}``: the downgrade's backfills of the
    NOT NULL columns this release drops."""
    out = []
    for name, entry in shape.names_mapping(body, path, "columns").items():
        ep = (*path, name)
        e = shape.mapping(
            entry,
            ep,
            f"dropped column '{name}'",
            allowed=DROPPED_COLUMN_KEYS,
            required=("backfill",),
        )
        if e is None or "backfill" not in e:
            continue
        sql = shape.text(e["backfill"], (*ep, "backfill"), "SQL text", sql=True)
        if sql is None:
            shape.add((*ep, "backfill"), "expected SQL text, found null")
            continue
        out.append((name, sql))
    return tuple(sorted(out))


def read_rows(self: Shape, body: Any, path: Path_, pk_columns: tuple[str, ...]) -> RowSet | None:
    """A table's ``rows:`` block (``values`` read line by line arrive frozen)."""
    from planner.state.rowlines import FrozenRows
    from planner.state.shape import _MISSING, ROWS_KEYS, _describe, _quote_hint

    r = self.mapping(body, path, "rows", allowed=ROWS_KEYS, required=("values",))
    if r is None:
        return None
    key: tuple[str, ...] | None = pk_columns
    if "key" in r:
        key = self.names(r["key"], (*path, "key"), "key columns")
    elif not pk_columns:
        self.add(
            path,
            "rows need a key: the table has no primary key",
            "give rows.key: [column, ...] naming a natural key",
            at_key=True,
        )
        key = None
    values = r.get("values")
    if "values" not in r:
        return None
    if not isinstance(values, list):
        self.add(
            (*path, "values"),
            f"expected a list of rows, found {_describe(values)}",
            "write values: [] for none",
        )
        return None
    if type(values) is FrozenRows:  # read line by line, already frozen (rowlines)
        return RowSet(key=key, rows=tuple(values)) if key is not None else None
    out = []
    for i, row in enumerate(values):
        rp = (*path, "values", i)
        if not isinstance(row, dict):
            self.add(rp, f"expected a row (a mapping of column: value), found {_describe(row)}")
            continue
        bad = [k for k in row if not isinstance(k, str)]
        for k in bad:
            self.add(
                (*rp, k),
                f"a column name must be a string, found {_describe(k)}",
                _quote_hint(k),
                at_key=True,
            )
        if not bad:
            out.append(FrozenMap(row))
    mode = read_row_mode(self, r.get("mode", _MISSING), (*path, "mode"))
    if key is None:
        return None
    return RowSet(key=key, rows=tuple(out), mode=mode)
