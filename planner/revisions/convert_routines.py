"""The converters of the routine operations (:mod:`planner.ops.routines`): each runs in
its dialect's branch of the revision only, as the SQL the dialect's ``routines`` part
writes (definitions as written, ``op.execute``; drops name the object)."""

from __future__ import annotations

from planner.dialects import get
from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine, SetRoutineComment
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.routine_uses import table_uses
from planner.state.model import Routine


def _for(r: Routine, statements: list[str]) -> list:
    """``statements`` as a switch taken by ``r``'s dialect only (the revision keeps the
    branches of its target dialects)."""
    d = get(r.dialect)
    return [custom.DialectSwitchOp([(d.runtime_names, [custom.SQLTextOp(s) for s in statements])])]


def _early(r: Routine, ctx: EmitContext, statements: list[str]) -> list[str]:
    """A function a table of the target snapshot calls is created before that table
    (:mod:`planner.graph_routines`), maybe before a table its body reads: its body is
    not checked when created (the dialect's ``unchecked``, if it checks bodies)."""
    unchecked = getattr(get(r.dialect).part("routines"), "unchecked", None)
    if unchecked is None or ctx.new is None or table_uses(ctx.new, r) is None:
        return statements
    return unchecked(statements)


@TO_ALEMBIC.register(CreateRoutine)
def _create_routine(op: CreateRoutine, ctx: EmitContext) -> list:
    r = op.routine
    return _for(r, _early(r, ctx, get(r.dialect).part("routines").create_sql(r)))


@TO_ALEMBIC.register(DropRoutine)
def _drop_routine(op: DropRoutine, ctx: EmitContext) -> list:
    r = op.routine
    return _for(r, get(r.dialect).part("routines").drop_sql(r))


@TO_ALEMBIC.register(ReplaceRoutine)
def _replace_routine(op: ReplaceRoutine, ctx: EmitContext) -> list:
    r = op.new
    return _for(r, _early(r, ctx, get(r.dialect).part("routines").replace_sql(r)))


@TO_ALEMBIC.register(SetRoutineComment)
def _set_routine_comment(op: SetRoutineComment, ctx: EmitContext) -> list:
    r = op.new
    return _for(r, get(r.dialect).part("routines").comment_sql(r))
