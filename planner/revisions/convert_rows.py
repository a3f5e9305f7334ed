"""Converters of the managed-row operations: rows inserted, updated and deleted with
bound values (:class:`planner.revisions.alembic_ops.InsertRowsOp` and friends)."""

from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa

from planner import ops as our
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _keeping_zero, _pg, _serial_column
from planner.revisions.convert_identity import around_given_ids
from planner.revisions.literals import quote_ident, quote_qualified, quote_string
from planner.revisions.sa_bridge import new_sa_type
from planner.state import coltypes
from planner.state.model import FrozenMap, Table, thaw

# ------------------------------------------------------------------ rows


def _bind_value(type_text: str | None, value: Any) -> Any:
    """A row value as the Python value its typed column binds (as ``state.build`` does).

    Dates and times become ``datetime`` objects, numerics ``Decimal``, UUIDs ``UUID``,
    intervals ``timedelta``: the row stubs carry each column's type, so every dialect
    (and offline ``--sql``, which renders literals) gets the value of the right type.
    Aware datetimes are written in UTC (MySQL and SQLite store them without a zone).
    """
    if value is None or type_text is None:
        return thaw(value) if isinstance(value, (FrozenMap, tuple)) else value
    try:
        fam = coltypes.family(type_text)
        bound = coltypes.python_value(type_text, value)
    except Exception:  # noqa: BLE001 - an unknown type or unparsable value: bind as written
        return thaw(value) if isinstance(value, (FrozenMap, tuple)) else value
    if fam == "datetime" and isinstance(bound, datetime.datetime) and bound.tzinfo is not None:
        bound = bound.astimezone(datetime.UTC)
    if fam == "network":
        return str(value)
    if fam == "array":
        # MariaDB and SQLite hold the array as JSON, which has no Decimal; PostgreSQL
        # casts the float8[] to the column's numeric[]
        return coltypes.json_safe(bound)
    return bound


def _rows_kw(ctx: EmitContext, table_key, which: str = "after") -> dict[str, Any]:
    t = ctx.table(table_key, which)
    enums = ctx.enums(which)
    typed: dict[str, Any] = {}
    for c in t.columns:
        try:
            typ = new_sa_type(c.type, enums)  # _none_as_null changes it
        except Exception:  # noqa: BLE001 - an unknown type: an untyped column
            continue
        typed[c.name] = _none_as_null(typ)
    return {"schema": table_key[0], "columns": t.column_names, "column_types": typed}


def _none_as_null(t: Any) -> Any:
    """JSON types that bind Python None as SQL NULL (not the JSON ``null``)."""
    for typ in (t, *getattr(t, "_variant_mapping", {}).values()):
        if isinstance(typ, sa.JSON):
            typ.none_as_null = True
    return t


def _types_of(ctx: EmitContext, table_key, which: str = "after") -> dict[str, str]:
    t = ctx.table(table_key, which)
    return {c.name: c.type for c in t.columns}


def _row(row: FrozenMap, types: dict[str, str]) -> dict[str, Any]:
    return {c: _bind_value(types.get(c), v) for c, v in row}


@TO_ALEMBIC.register(our.InsertRows)
def _insert_rows(op: our.InsertRows, ctx: EmitContext) -> list:
    from planner.revisions.convert_rowmodes import bound_row, seed_rows

    if op.mode == "seed":
        out: list = seed_rows(op, ctx)
    else:
        rows = [bound_row(ctx, op.table_key, r) for r in op.rows]
        out = [custom.InsertRowsOp(op.table_key[1], rows=rows, **_rows_kw(ctx, op.table_key))]
    t = ctx.table(op.table_key)
    serial = _serial_column(t)
    if serial is not None and any(dict(r).get(serial) == 0 for r in op.rows):
        # MariaDB turns an inserted 0 into the next AUTO_INCREMENT value, unless
        # NO_AUTO_VALUE_ON_ZERO: set for these rows, then the session's mode back
        save, zero, back = _keeping_zero([])
        out = [
            custom.DialectSwitchOp([(custom.MYSQL, [save, zero])]),
            *out,
            custom.DialectSwitchOp([(custom.MYSQL, [back])]),
        ]
    if serial is not None and t.column(serial).identity is None:
        if any(serial in dict(r) for r in op.rows):
            out.append(_pg(custom.SQLTextOp(_setval_sql(t, serial))))
    return around_given_ids(t, {c for r in op.rows for c, _ in r}, out)


def _setval_sql(t: Table, column: str) -> str:
    table = quote_qualified(t.schema, t.name)
    col = quote_ident(column)
    seq = f"pg_get_serial_sequence({quote_string(table)}, {quote_string(column)})"
    # setval(max, true): the next value is max + 1, without computing max + 1 (which
    # overflows at the type's largest key); keys below 1 leave the sequence alone
    return (
        f"SELECT setval({seq}, m, true) FROM (SELECT MAX({col}) AS m FROM {table}) AS keys "
        f"WHERE m >= 1 AND {seq} IS NOT NULL"
    )


@TO_ALEMBIC.register(our.UpdateRow)
def _update_row(op: our.UpdateRow, ctx: EmitContext) -> list:
    from planner.revisions.convert_rowmodes import bound_row

    if not op.new or op.mode == "seed":
        # only columns no longer declared (their database values are left alone): an
        # UPDATE without values would be an empty SET; a seed row keeps a user's edit
        return []
    types = _types_of(ctx, op.table_key)
    key = {c: _bind_value(types.get(c), v) for c, v in zip(op.key_columns, op.key, strict=True)}
    values = bound_row(ctx, op.table_key, op.new)
    update = custom.UpdateRowOp(
        op.table_key[1], key=key, values=values, **_rows_kw(ctx, op.table_key)
    )
    return around_given_ids(ctx.table(op.table_key), {c for c, _ in op.new}, [update])


@TO_ALEMBIC.register(our.DeleteRows)
def _delete_rows(op: our.DeleteRows, ctx: EmitContext) -> list:
    if op.mode == "seed":
        return []  # seed rows are never deleted (a user may rely on them)
    types = _types_of(ctx, op.table_key, "before")
    keys = [
        {c: _bind_value(types.get(c), v) for c, v in zip(op.key, k, strict=True)} for k in op.keys()
    ]
    out: list = []
    t = ctx.table(op.table_key, "before")
    self_refs = [
        c
        for fk in t.foreign_keys
        if fk.ref_key == t.key
        for c in fk.columns
        if t.has_column(c) and t.column(c).nullable
    ]
    if self_refs and len(keys) > 1:
        # MySQL checks foreign keys row by row: rows referencing each other cannot be
        # deleted in one statement, so first cut their references to each other
        cut = [
            custom.UpdateRowOp(
                op.table_key[1],
                key=k,
                values=dict.fromkeys(dict.fromkeys(self_refs)),
                **_rows_kw(ctx, op.table_key, "before"),
            )
            for k in keys
        ]
        out.append(custom.DialectSwitchOp([(custom.MYSQL, cut)]))
    references = _blocking_references(ctx, op.table_key)
    if references:
        guard = custom.GuardReferencedRowsOp(
            op.table_key[1],
            keys=keys,
            references=references,
            **_rows_kw(ctx, op.table_key, "before"),
        )
        out.append(guard)
    out.append(
        custom.DeleteRowsOp(op.table_key[1], keys=keys, **_rows_kw(ctx, op.table_key, "before"))
    )
    return out


def _blocking_references(ctx: EmitContext, table_key) -> list:
    """Single-column foreign keys to ``table_key`` without an ON DELETE action, present
    before and after the revision (so they hold while its rows are deleted)."""
    ref_schema, ref_table = table_key
    out = []
    for t in ctx.before.tables:
        for fk in t.foreign_keys:
            if fk.ref_table != ref_table or fk.ref_schema != ref_schema or len(fk.columns) != 1:
                continue
            if (fk.ondelete or "NO ACTION").upper() not in ("NO ACTION", "RESTRICT"):
                continue
            same = (fk.name, fk.columns, fk.ref_key, fk.ref_columns)
            kept = ctx.after.get_table(t.key)
            if kept is None or not any(
                (k.name, k.columns, k.ref_key, k.ref_columns) == same for k in kept.foreign_keys
            ):
                continue
            out.append((t.name, t.schema, fk.name, fk.columns, fk.ref_columns))
    return sorted(out, key=lambda r: (r[1] or "", r[0], r[2]))
