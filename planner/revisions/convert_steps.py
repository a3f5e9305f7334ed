"""The converter of data steps (:class:`~planner.ops.steps.RunDataStep`) and the Alembic
op that renders one.

A guarded step runs only while its guard returns a row ("work remains"), and after it
ran the revision checks that the guard returns nothing, else stops naming the step: run
twice, a guarded step does nothing the second time. Offline (``--sql``) the step's SQL
is written without its guard. A step per dialect becomes a dialect switch; a target
without SQL for the step stops with a message. The downgrade of a step declared
``downgrade: none`` stops first, before the downgrade changes anything.
"""

from __future__ import annotations

from alembic.autogenerate import renderers
from alembic.operations import ops as alembic_ops

from planner import dialects
from planner.ops.steps import RunDataStep
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.revisions.literals import py_literal, sql_text_call
from planner.state.steps_yaml import ANY

#: (dialect name, its run-time names) of every dialect: one branch each of a switch
_BRANCHES = tuple((d.name, d.runtime_names) for d in dialects.all_dialects())


class DataStepOp(alembic_ops.MigrateOperation):
    """Run a data step's ``sql`` while ``guard`` (may be None) returns rows, then check it
    returns none; ``refusal``: raise this message instead."""

    def __init__(
        self, name: str, *, sql: str | None, guard: str | None, refusal: str | None = None
    ):
        self.name = name
        self.sql = sql
        self.guard = guard
        self.refusal = refusal


@renderers.dispatch_for(DataStepOp)
def _render_data_step(autogen_context, op: DataStepOp) -> list[str]:
    if op.refusal is not None or op.sql is None:
        return [f"raise RuntimeError({py_literal(op.refusal)})", ""]
    run = f"op.execute({sql_text_call(op.sql)})"
    if op.guard is None:
        return [f"# data step {op.name}", run]
    remains = f"op.get_bind().execute({sql_text_call(op.guard)}).first() is not None"
    left = (
        f"data step {op.name} left work behind: its guard still returns rows after the step "
        "ran; correct the step's SQL or its guard in the snapshot and generate again"
    )
    return [
        f"# data step {op.name}: runs while its guard finds work",
        f"if op.get_context().as_sql or {remains}:",
        run,
        f"if not op.get_context().as_sql and {remains}:",
        f"raise RuntimeError({py_literal(left)})",
        "",
        "",
    ]


def _pick(pairs: tuple[tuple[str, str], ...], dialect: str) -> str | None:
    d = dict(pairs)
    return d.get(dialect, d.get(ANY))


@TO_ALEMBIC.register(RunDataStep)
def _run_data_step(op: RunDataStep, ctx: EmitContext) -> list:
    name = op.step.name
    if op.refuses:
        refusal = (
            f"cannot downgrade: data step {name} of this revision has no downgrade "
            "(downgrade: none in its snapshot); restore a backup taken before the upgrade, "
            "or write the step's downgrade and generate the revision again"
        )
        return [DataStepOp(name, sql=None, guard=None, refusal=refusal)]
    dialects = {d for d, _ in op.sql + op.guard}
    if dialects <= {ANY}:
        return [DataStepOp(name, sql=_pick(op.sql, ANY), guard=_pick(op.guard, ANY))]
    branches = []
    for dialect, names in _BRANCHES:
        sql = _pick(op.sql, dialect)
        missing = f"data step {name} has no SQL for {dialect}; add sql: {{{dialect}: ...}}"
        branches.append(
            (
                names,
                [
                    DataStepOp(
                        name,
                        sql=sql,
                        guard=_pick(op.guard, dialect),
                        refusal=None if sql is not None else missing,
                    )
                ],
            )
        )
    return [custom.DialectSwitchOp(branches)]


# --------------------------------------------------------------- type-change conversions


class ConvertValuesOp(alembic_ops.MigrateOperation):
    """``UPDATE table SET column = <sql>``: a type change's declared conversion (``using``)
    where the database has no ``USING``: the rows are converted in place, in the old
    type, before the type changes (the database then casts the converted text)."""

    def __init__(self, table_name: str, *, schema: str | None, column: str, sql: str):
        self.table_name = table_name
        self.schema = schema
        self.column = column
        self.sql = sql


@renderers.dispatch_for(ConvertValuesOp)
def _render_convert_values(autogen_context, op: ConvertValuesOp) -> list[str]:
    col = py_literal(op.column)
    stub = (
        f"sa.table({py_literal(op.table_name)}, sa.column({col}), schema={py_literal(op.schema)})"
    )
    return [
        "op.execute(",
        f"    sa.update({stub})",
        f"    .values({{{col}: sa.literal_column({py_literal(op.sql)})}})",
        ")",
    ]


def pg_using(using: tuple[tuple[str, str], ...]) -> str | None:
    """The declared ``USING`` expression of the dialect whose type change takes one
    (:attr:`~planner.dialects.base.Dialect.alters_type_using`; None: none declared)."""
    for d in dialects.all_dialects():
        if d.alters_type_using:
            return _pick(using, d.name)
    return None


def convert_in_place(table_key, column: str, using: tuple[tuple[str, str], ...]) -> list:
    """The in-place conversions before a type change where the database has no ``USING``
    (MariaDB, SQLite; may be empty)."""
    branches = []
    for dialect, names in _BRANCHES:
        if dialects.get(dialect).alters_type_using:
            continue
        sql = _pick(using, dialect)
        if sql is not None:
            op = ConvertValuesOp(table_key[1], schema=table_key[0], column=column, sql=sql)
            branches.append((names, [op]))
    return [custom.DialectSwitchOp(branches)] if branches else []


def backfill_by_dialect(op) -> list:
    """A :class:`~planner.ops.BackfillColumn` given per dialect: one branch each (a target
    without one stops with a message naming the column)."""
    branches = []
    for dialect, names in _BRANCHES:
        sql = _pick(op.by_dialect, dialect)
        if sql is None:
            where = ".".join(p for p in (*op.table_key, op.column) if p)
            missing = f"the backfill of {where} has no SQL for {dialect}; add {dialect}: to it"
            body = [DataStepOp(where, sql=None, guard=None, refusal=missing)]
        else:
            key = op.table_key
            body = [custom.BackfillOp(key[1], schema=key[0], column=op.column, sql=sql)]
        branches.append((names, body))
    return [custom.DialectSwitchOp(branches)]
