"""The converters of the routine operations (:mod:`planner.ops.routines`): each runs in
its dialect's branch of the revision only, as the SQL the dialect's ``routines`` part
writes (definitions as written, ``op.execute``; drops name the object)."""

from __future__ import annotations

from planner.dialects import get
from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine, SetRoutineComment
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.state.model import Routine


def _for(r: Routine, statements: list[str]) -> list:
    """``statements`` as a switch taken by ``r``'s dialect only (the revision keeps the
    branches of its target dialects)."""
    d = get(r.dialect)
    return [custom.DialectSwitchOp([(d.runtime_names, [custom.SQLTextOp(s) for s in statements])])]


@TO_ALEMBIC.register(CreateRoutine)
def _create_routine(op: CreateRoutine, ctx: EmitContext) -> list:
    r = op.routine
    return _for(r, get(r.dialect).part("routines").create_sql(r))


@TO_ALEMBIC.register(DropRoutine)
def _drop_routine(op: DropRoutine, ctx: EmitContext) -> list:
    r = op.routine
    return _for(r, get(r.dialect).part("routines").drop_sql(r))


@TO_ALEMBIC.register(ReplaceRoutine)
def _replace_routine(op: ReplaceRoutine, ctx: EmitContext) -> list:
    r = op.new
    return _for(r, get(r.dialect).part("routines").replace_sql(r))


@TO_ALEMBIC.register(SetRoutineComment)
def _set_routine_comment(op: SetRoutineComment, ctx: EmitContext) -> list:
    r = op.new
    return _for(r, get(r.dialect).part("routines").comment_sql(r))
