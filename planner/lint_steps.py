"""Lint rules about data steps (registered into :mod:`planner.lint`'s rules):

=====  ========  =============================================================
code   severity  finding
=====  ========  =============================================================
R019   warning   a column or table is dropped while a new column or table appears (for a
                 column: on its table, or a new table referencing it) and no data step
                 reads the dropped one and writes a new one
R020   warning   a data step declares ``downgrade: none`` (the downgrade stops there)
R021   danger    a data step or a backfill per dialect has no SQL for a target dialect
                 (the revision stops there on that database)
=====  ========  =============================================================

Example:
    >>> from planner.lint import RULES
    >>> RULES["R019"].severity, RULES["R020"].severity, RULES["R021"].severity
    (<Severity.WARNING: 'warning'>, <Severity.WARNING: 'warning'>, <Severity.DANGER: 'danger'>)
"""

from __future__ import annotations

from collections.abc import Iterator

from planner import ops as O
from planner.lint import LintContext, Severity, rule
from planner.ops.steps import RunDataStep, Target
from planner.state.model import TableKey, table_key_str


def _new_targets(
    ctx: LintContext, dropped: TableKey, table: bool
) -> list[tuple[TableKey, str | None]]:
    """The columns and tables the plan adds that could take the dropped data (a new table
    as ``(key, None)``): for a dropped table, every new table; for a dropped column, the
    columns added to its table and the new tables whose foreign keys reference it."""
    out: list[tuple[TableKey, str | None]] = []
    for op in ctx.plan.ops:
        if isinstance(op, O.CreateTable):
            refs = {fk.ref_key for fk in op.table.foreign_keys}
            refs |= {
                o.fk.ref_key
                for o in ctx.plan.ops
                if isinstance(o, O.AddForeignKey) and o.table_key == op.table.key
            }
            if table or dropped in refs:
                out.append((op.table.key, None))
        elif isinstance(op, O.AddColumn) and (table or op.table_key == dropped):
            if op.column.generated is None:  # a generated column takes no data
                out.append((op.table_key, op.column.name))
    return out


def _meets(targets: tuple[Target, ...], key: TableKey, column: str | None) -> bool:
    """A target names table ``key`` (and ``column``, when one is given, or the table)."""
    return any(k == key and (column is None or c is None or c == column) for k, c in targets)


def _shown(key: TableKey, column: str | None) -> str:
    return table_key_str(key) + (f".{column}" if column else "")


@rule("R019", Severity.WARNING, O.DropColumn, O.DropTable)
def _dropped_without_step(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A column or table is dropped while a new one appears and no data step moves data between them."""
    if isinstance(op, O.DropTable):
        key, column = op.table.key, None
    else:
        if op.column.generated is not None:
            return  # the database computes its values: there is nothing to move
        key, column = op.table_key, op.column.name
    new = _new_targets(ctx, key, column is None)
    if not new:
        return
    steps = [o for o in ctx.plan.ops if isinstance(o, RunDataStep) and not o.down]
    for s in steps:
        if _meets(s.reads, key, column) and any(_meets(s.writes, k, c) for k, c in new):
            return
    gone = _shown(key, column)
    appearing = ", ".join(_shown(k, c) for k, c in new[:3]) + (" …" if len(new) > 3 else "")
    yield (
        f"{gone} is dropped while {appearing} appears, and no data step reads {gone} and "
        "writes a new column or table: its values are lost",
        f"declare a data step under steps: with reads: [{gone}] and writes: [what takes "
        "its values], its sql, a guard and a downgrade; if the values are meant to go, ignore this",
    )


@rule("R020", Severity.WARNING, RunDataStep)
def _step_without_downgrade(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A data step without a downgrade (``downgrade: none``): the downgrade stops there."""
    if op.down or not op.step.irreversible:
        return
    yield (
        f"data step {op.step.name} has no downgrade: the revision's downgrade refuses to run",
        "write downgrade: SQL that undoes the step, or keep a backup to restore instead",
    )


def _missing(pairs: tuple[tuple[str, str], ...], ctx: LintContext) -> list[str]:
    """The target dialects a per-dialect SQL mapping has no entry for."""
    have = {d for d, _ in pairs}
    if not pairs or "*" in have:
        return []
    return [t.name for t in ctx.plan.targets if t.name not in have]


@rule("R021", Severity.DANGER, RunDataStep, O.BackfillColumn)
def _no_sql_for_a_target(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A data step or backfill given per dialect has no SQL for a target dialect."""
    if isinstance(op, RunDataStep):
        if op.refuses:
            return
        what, pairs = f"data step {op.step.name}", op.sql
        if op.down:
            what = f"the downgrade of {what}"
    else:
        what, pairs = f"the backfill of {_shown(op.table_key, op.column)}", op.by_dialect
    missing = _missing(pairs, ctx)
    if missing:
        yield (
            f"{what} has no SQL for {', '.join(missing)}: the revision stops there on that database",
            f"add {', '.join(f'{d}: <SQL>' for d in missing)} to it, or write it once for every database",
        )
