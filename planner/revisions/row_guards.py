"""Managed rows that would collide with users' rows: checked before a revision changes anything.

A managed row declared with an explicit surrogate id (``{id: 4, ...}``) collides with a
row a user inserted under the same id after the previous release (the sequence or
AUTO_INCREMENT handed out ``4``). The insert would fail in the middle of the revision,
after PostgreSQL's enum values (added in an autocommit block) or MariaDB's DDL
(which commits itself) were already applied. :func:`preflight_guards` gives, for a plan,
one :class:`GuardFreeKeysOp` per table: at the very start of ``upgrade()`` (or
``downgrade()``) it looks for rows that already hold a value of the primary key or of a
unique constraint/index the plan's inserted rows need, and stops with a message naming
the managed row and the fix, before anything is changed. Offline (``--sql``) there is
no database to ask: the check is left out.

Values held by the table's managed rows before the plan are not checked (the plan
itself moves them: a row deleted and another inserted with its key).

Example:
    >>> from planner.plan import make_plan
    >>> from planner.state.yamlio import load_snapshot
    >>> s010, s020 = (load_snapshot(f"schema_state/{r}.yaml") for r in ("0.1.0", "0.2.0"))
    >>> [type(o).__name__ for o in preflight_guards(make_plan(s010, s020))]
    ['GuardFreeKeysOp', 'GuardFreeKeysOp']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from alembic.autogenerate import renderers

from planner import ops as our
from planner.revisions import alembic_ops as custom
from planner.revisions.alembic_ops import _column, _keys_test, _table_stub
from planner.revisions.convert import EmitContext, _serial_column
from planner.revisions.convert_rows import _bind_value, _rows_kw, _types_of
from planner.revisions.literals import py_literal
from planner.state.model import FrozenMap

if TYPE_CHECKING:
    from planner.plan import Plan
    from planner.state.model import Table

__all__ = ["GuardFreeKeysOp", "preflight_guards", "unique_sets"]


class GuardFreeKeysOp(custom._RowsOp):
    """Stop before any change when a row already holds a value the managed rows need.

    ``checks``: ``(columns, [values of each managed row], [what each row is])`` per
    primary key / unique constraint / unique index of the table.
    """

    def __init__(
        self,
        table_name: str,
        *,
        checks: Sequence[tuple[tuple[str, ...], list[dict[str, Any]], list[str]]],
        surrogate: tuple[str, ...] | None = None,
        **kw: Any,
    ):
        super().__init__(table_name, **kw)
        self.checks = list(checks)
        #: the key column the database numbers (sequence, AUTO_INCREMENT, rowid), if any
        self.surrogate = surrogate


def unique_sets(t: Table) -> list[tuple[str, ...]]:
    """The column sets whose values are unique in ``t``: primary key, unique constraints,
    unique indexes without ``where`` (each once, in that order).

    Example:
        >>> from planner.state.model import Column, PrimaryKey, Table, Unique
        >>> t = Table(name="t", columns=(Column(name="id", type="Integer"), Column(name="code", type="Text")),
        ...           primary_key=PrimaryKey(columns=("id",)), uniques=(Unique(name="uq", columns=("code",)),))
        >>> unique_sets(t)
        [('id',), ('code',)]
    """
    sets: list[tuple[str, ...]] = []
    if t.primary_key is not None and t.primary_key.columns:
        sets.append(tuple(t.primary_key.columns))
    sets += [tuple(u.columns) for u in t.uniques]
    sets += [tuple(i.columns) for i in t.indexes if i.unique and i.where is None]
    out: list[tuple[str, ...]] = []
    for s in sets:
        if s and s not in out:
            out.append(s)
    return out


def _changed_columns(plan: Plan) -> dict:
    """Columns per table that the plan renames or retypes (their old values are not the
    values the rows give): ``{table key: {column, ...}}``."""
    out: dict = {}
    for op in plan.ops:
        if isinstance(op, our.RenameColumn):
            out.setdefault(op.table_key, set()).update({op.old, op.new})
        elif isinstance(op, our.AlterColumnType):
            out.setdefault(op.table_key, set()).add(op.column)
    return out


def preflight_guards(plan: Plan) -> list:
    """The :class:`GuardFreeKeysOp` of each existing table the plan inserts managed rows into."""
    fresh = {op.table_key for op in plan.ops if isinstance(op, (our.CreateTable, our.DropTable))}
    changed = _changed_columns(plan)
    # a sync table's prune deletes a user's row holding a value first: nothing collides
    pruned = {op.table_key for op in plan.ops if isinstance(op, our.PruneRows)}
    inserts: dict = {}
    for op in plan.ops:
        if (
            isinstance(op, our.InsertRows)
            and op.table_key not in fresh
            and op.table_key not in pruned
        ):
            inserts.setdefault(op.table_key, []).extend((r, op.mode) for r in op.rows)
    ctx = EmitContext(before=plan.old, after=plan.old)
    out: list = []
    for key in sorted(inserts, key=lambda k: (k[0] or "", k[1])):
        t = plan.old.get_table(key)
        if t is None:
            continue  # renamed in the plan: its old name holds the rows
        types = _types_of(ctx, key, "before")
        managed = t.rows.rows if t.rows is not None else ()
        new_rows = plan.new.get_table(key)
        row_key = new_rows.rows.key if new_rows is not None and new_rows.rows else ()
        checks = []
        for cols in unique_sets(t):
            if any(not t.has_column(c) for c in cols) or set(cols) & changed.get(key, set()):
                continue
            held = {tuple(dict(r).get(c) for c in cols) for r in managed}
            values: list[dict[str, Any]] = []
            names: list[str] = []
            for row, mode in inserts[key]:
                r = dict(row)
                vals = tuple(r.get(c) for c in cols)
                if any(c not in r or r[c] is None for c in cols) or vals in held:
                    continue
                if any(isinstance(r[c], FrozenMap) for c in cols):
                    continue  # a row named by its natural key: its id is the database's
                if mode == "seed" and set(cols) == set(row_key):
                    continue  # a seed row whose key is there is left alone, not inserted
                values.append({c: _bind_value(types.get(c), r[c]) for c in cols})
                names.append(", ".join(f"{c}={r[c]!r}" for c in cols))
            if values:
                checks.append((cols, values, names))
        if checks:
            serial = _serial_column(t)
            surrogate = (serial,) if serial is not None else None
            kw = _rows_kw(ctx, key, "before")
            out.append(GuardFreeKeysOp(key[1], checks=checks, surrogate=surrogate, **kw))
    return out


#: the fix where the colliding value is a surrogate id the database numbers
_SURROGATE_FIX = (
    ", or declare the managed rows without ids (rows.key: a natural key backed by a unique "
    "constraint; the database assigns the ids)"
)


@renderers.dispatch_for(GuardFreeKeysOp)
def _render_guard_free_keys(autogen_context, op: GuardFreeKeysOp) -> list[str]:
    if not op.checks:
        return []
    shown = ".".join(p for p in (op.schema, op.table_name) if p)
    lines = ["if not op.get_context().as_sql:"]
    for cols, values, names in op.checks:
        picked = ", ".join(_column(autogen_context, op, c) for c in cols)
        before = f"cannot insert the managed rows of {shown}: a row with ({', '.join(cols)}) = "
        after = (
            " is already in the table but is not a managed row of the previous release "
            "(a user's row?); nothing was changed. Managed rows needing those values: "
            + "; ".join(f"({n})" for n in names)
            + ". Fix: give the user's row another value"
            + (_SURROGATE_FIX if cols == op.surrogate else " (or remove it)")
            + ", then upgrade again"
        )
        lines += [
            "_taken = op.get_bind().execute(",
            f"    sa.select({picked})",
            f"    .select_from({_table_stub(autogen_context, op)})",
            f"    .where({_keys_test(autogen_context, op, values)})",
            ").first()",
            "if _taken is not None:",
            f"raise RuntimeError({py_literal(before)} + repr(tuple(_taken)) + {py_literal(after)})",
            "",
        ]
    lines.append("")
    return lines
