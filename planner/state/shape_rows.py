"""The shape of ``rows.mode`` and of ``dropped_columns`` (part of :class:`planner.state.shape.Shape`).

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

from planner.state.model import ROW_MODES

if TYPE_CHECKING:
    from planner.state.reader import Path_
    from planner.state.shape import Shape

__all__ = ["DROPPED_COLUMN_KEYS", "read_dropped_columns", "read_row_mode"]

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
