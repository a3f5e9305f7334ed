"""Revision ops of the row modes and of references by natural key.

- ``seed`` inserts: :class:`SeedRowsOp`, one ``INSERT ... SELECT <values> WHERE NOT
  EXISTS (SELECT * FROM t WHERE <key>)`` per row (a row whose key is there, a user's or
  an earlier seed, is left as it is); seed updates and deletes write nothing.
- ``sync``: :class:`PruneRowsOp`, ``DELETE FROM t WHERE NOT (<key> IN <declared keys>)``.
- references (``category_id: {code: fruit}``): :func:`bound_row` turns each into a
  :class:`~planner.revisions.row_ref.RowRef`, a sub-select written with bound values.

Example:
    >>> from planner.state.model import Column, ForeignKey, FrozenMap, Snapshot, Table
    >>> t = Table(name="t", columns=(Column(name="id", type="Integer"), Column(name="p", type="Integer")),
    ...           foreign_keys=(ForeignKey(name="fk", columns=("p",), ref_table="t", ref_columns=("id",)),))
    >>> s = Snapshot(release="1", tables=(t,))
    >>> bound_row(EmitContext(before=s, after=s), t.key, FrozenMap({"p": FrozenMap({"id": 1})}))["p"].table
    't'
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import renderers

from planner import ops as our
from planner.revisions import alembic_ops as custom
from planner.revisions.alembic_ops import _key_test, _keys_test, _table_stub
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.revisions.literals import py_literal
from planner.revisions.row_ref import RowRef
from planner.state.model import FrozenMap
from planner.state.rowrefs import reference_fk, reference_match

__all__ = ["PruneRowsOp", "SeedRowsOp", "bound_row"]


def bound_row(ctx: EmitContext, table_key, row: FrozenMap, which: str = "after") -> dict[str, Any]:
    """``row``'s values bound for ``table_key``'s column types, references as :class:`RowRef`."""
    from planner.revisions.convert_rows import _bind_value, _types_of

    t = ctx.table(table_key, which)
    types = _types_of(ctx, table_key, which)
    out: dict[str, Any] = {}
    for c, v in row:
        fk = reference_fk(t, c, v)
        if fk is None:
            out[c] = _bind_value(types.get(c), v)
            continue
        parent = ctx.table(fk.ref_key, which)
        ptypes = {pc.name: pc.type for pc in parent.columns}
        cols, vals = reference_match(v)
        match = tuple((k, _bind_value(ptypes.get(k), x)) for k, x in zip(cols, vals, strict=True))
        out[c] = RowRef(
            table=fk.ref_table, schema=fk.ref_schema, column=fk.ref_columns[0], match=match
        )
    return out


class SeedRowsOp(custom._RowsOp):
    """Insert each row unless a row with its ``key`` values is in the table."""

    def __init__(self, table_name: str, *, rows: list[dict[str, Any]], key: tuple[str, ...], **kw):
        super().__init__(table_name, **kw)
        self.rows = [dict(r) for r in rows]
        self.key = tuple(key)


class PruneRowsOp(custom._RowsOp):
    """Delete every row whose ``key`` values are not among ``keys`` (or, with
    ``set_null``, set those columns NULL in them)."""

    def __init__(
        self, table_name: str, *, keys: list[dict[str, Any]], set_null: tuple[str, ...] = (), **kw
    ):
        super().__init__(table_name, **kw)
        self.keys = [dict(k) for k in keys]
        self.set_null = tuple(set_null)


def _typed_value(autogen_context, op: custom._RowsOp, column: str, value: Any) -> str:
    """A value in a SELECT list: a bind parameter typed as its column (PostgreSQL needs
    the type of a parameter that is not compared with a column), or a sub-select."""
    if isinstance(value, RowRef):
        return value.source()
    from alembic.autogenerate.render import _repr_type

    t = op.column_types.get(column)
    typ = f", type_={_repr_type(t, autogen_context)}" if t is not None else ""
    return f"sa.bindparam(None, {py_literal(value)}{typ})"


@renderers.dispatch_for(SeedRowsOp)
def _render_seed_rows(autogen_context, op: SeedRowsOp) -> list[str]:
    lines: list[str] = []
    for row in op.rows:
        cols = [c for c in op.columns if c in row] + sorted(c for c in row if c not in op.columns)
        values = ", ".join(_typed_value(autogen_context, op, c, row[c]) for c in cols)
        key = {c: row[c] for c in op.key}
        stub = _table_stub(autogen_context, op, cols)
        lines += [
            "op.execute(",
            f"    sa.insert({stub}).from_select(",
            f"        {py_literal(cols)},",
            f"        sa.select({values}).where(",
            f"            ~sa.exists().select_from({_table_stub(autogen_context, op, list(op.key))})"
            f".where({_key_test(autogen_context, op, key)})",
            "        ),",
            "    )",
            ")",
        ]
    return lines


@renderers.dispatch_for(PruneRowsOp)
def _render_prune_rows(autogen_context, op: PruneRowsOp) -> list[str]:
    stub = _table_stub(autogen_context, op)
    where = f".where(sa.not_({_keys_test(autogen_context, op, op.keys)}))" if op.keys else ""
    if op.set_null:
        values = "{" + ", ".join(f"{py_literal(c)}: None" for c in op.set_null) + "}"
        return ["op.execute(", f"    sa.update({stub}){where}.values({values})", ")"]
    return ["op.execute(", f"    sa.delete({stub}){where}", ")"]


def _rows_kw(ctx: EmitContext, table_key, which: str = "after") -> dict[str, Any]:
    from planner.revisions.convert_rows import _rows_kw as kw

    return kw(ctx, table_key, which)


def seed_rows(op: our.InsertRows, ctx: EmitContext) -> list:
    """The revision ops of a seed insert (called by the InsertRows converter)."""
    rows = [bound_row(ctx, op.table_key, r) for r in op.rows]
    return [SeedRowsOp(op.table_key[1], rows=rows, key=op.key, **_rows_kw(ctx, op.table_key))]


@TO_ALEMBIC.register(our.PruneRows)
def _prune_rows(op: our.PruneRows, ctx: EmitContext) -> list:
    from planner.revisions.convert_rows import _bind_value, _types_of

    types = _types_of(ctx, op.table_key)
    keys = [
        {c: _bind_value(types.get(c), v) for c, v in zip(op.key, k, strict=True)} for k in op.keys
    ]
    kw = _rows_kw(ctx, op.table_key)
    out: list = []
    t = ctx.table(op.table_key)
    self_refs = tuple(
        c
        for fk in t.foreign_keys
        if fk.ref_key == t.key
        for c in fk.columns
        if t.has_column(c) and t.column(c).nullable
    )
    if self_refs:
        # MySQL checks foreign keys row by row: rows referencing each other cannot be
        # deleted in one statement, so first cut the references of the rows that go
        cut = PruneRowsOp(op.table_key[1], keys=keys, set_null=self_refs, **kw)
        out.append(custom.DialectSwitchOp([(custom.MYSQL, [cut])]))
    out.append(PruneRowsOp(op.table_key[1], keys=keys, **kw))
    return out


@TO_ALEMBIC.register(our.ChangeRowMode)
def _change_row_mode(op: our.ChangeRowMode, ctx: EmitContext) -> list:
    return []  # the rows' own operations follow the mode (a comment alone is no body)
