"""The foreign keys of a table as the loader reads them (``Shape.foreign_key``)."""

from __future__ import annotations

from typing import Any

from planner.state import constraint_comments, pg_tables_yaml
from planner.state.model import ForeignKey
from planner.state.shape import _MISSING, FK_KEYS, REF_KEYS


def read_foreign_key(shape: Any, name: str, body: Any, path: tuple) -> ForeignKey | None:
    """Foreign key ``name`` of ``body`` at ``path``; problems go to ``shape``."""
    fk = shape.mapping(
        body, path, f"foreign key '{name}'", allowed=FK_KEYS, required=("columns", "references")
    )
    if fk is None or "columns" not in fk or "references" not in fk:
        return None
    cols = shape.names(fk["columns"], (*path, "columns"), "columns")
    rp = (*path, "references")
    ref = shape.mapping(
        fk["references"], rp, "references", allowed=REF_KEYS, required=("table", "columns")
    )
    if ref is None or "table" not in ref or "columns" not in ref:
        return None
    ref_table = shape.text(ref["table"], (*rp, "table"), "a table name")
    if ref["table"] is None:
        shape.add((*rp, "table"), "expected a table name, found null")
    ref_cols = shape.names(ref["columns"], (*rp, "columns"), "columns")
    ref_schema = shape.text(ref.get("schema", _MISSING), (*rp, "schema"), "a schema name")
    ondelete = shape.text(fk.get("ondelete", _MISSING), (*path, "ondelete"), "a referential action")
    onupdate = shape.text(fk.get("onupdate", _MISSING), (*path, "onupdate"), "a referential action")
    deferrable = pg_tables_yaml.read_deferrable(
        shape, fk.get("deferrable"), (*path, "deferrable"), f"foreign key '{name}'"
    )
    if cols is None or ref_table is None or ref_cols is None:
        return None
    return ForeignKey(
        comment=constraint_comments.read(shape, fk, path),
        deferrable=deferrable,
        name=name,
        columns=cols,
        ref_table=ref_table,
        ref_columns=ref_cols,
        ref_schema=ref_schema,
        ondelete=ondelete,
        onupdate=onupdate,
    )
