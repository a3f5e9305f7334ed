"""The converters of the routine operations (:mod:`planner.ops.routines`): PostgreSQL
only; the definitions run as written (``op.execute``), drops name the object."""

from __future__ import annotations

import re

from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg
from planner.revisions.literals import quote_ident, quote_qualified
from planner.state.model import Routine

_CREATE = re.compile(r"\s*CREATE\s+(FUNCTION|PROCEDURE)\b", re.I)


def _drop_sql(r: Routine) -> str:
    if r.table is not None:
        return f"DROP TRIGGER {quote_ident(r.name)} ON {quote_qualified(r.schema, r.table)}"
    name, _, args = r.name.partition("(")
    return f"DROP {r.kind.upper()} {quote_qualified(r.schema, name)}({args}"


def _replace_sql(r: Routine) -> str:
    """The definition as ``CREATE OR REPLACE`` (a hand-written ``CREATE FUNCTION`` too)."""
    return _CREATE.sub(lambda m: f"CREATE OR REPLACE {m.group(1).upper()}", r.definition, 1)


@TO_ALEMBIC.register(CreateRoutine)
def _create_routine(op: CreateRoutine, ctx: EmitContext) -> list:
    return [_pg(custom.SQLTextOp(op.routine.definition))]


@TO_ALEMBIC.register(DropRoutine)
def _drop_routine(op: DropRoutine, ctx: EmitContext) -> list:
    return [_pg(custom.SQLTextOp(_drop_sql(op.routine)))]


@TO_ALEMBIC.register(ReplaceRoutine)
def _replace_routine(op: ReplaceRoutine, ctx: EmitContext) -> list:
    return [_pg(custom.SQLTextOp(_replace_sql(op.new)))]
