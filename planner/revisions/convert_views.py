"""The converters of the view operations (:mod:`planner.ops.views`): the statements of
each dialect's ``<name>_views`` module, one branch per dialect (the definition runs as
written); and the PostgreSQL comment of an index (of a table or a materialized view)."""

from __future__ import annotations

from planner.dialects import all_dialects
from planner.dialects import postgresql_views as pg_views
from planner.ops.index_comments import SetIndexComment, SetViewIndexComment
from planner.ops.views import (
    CreateView,
    CreateViewIndex,
    DropView,
    DropViewIndex,
    SetViewColumnComment,
    SetViewComment,
)
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext
from planner.state.model import Index


def _switch(make) -> list:
    branches = [
        (d.runtime_names, [custom.SQLTextOp(s) for s in make(d.part("views"))])
        for d in all_dialects()
    ]
    return [custom.DialectSwitchOp(branches, [])]


@TO_ALEMBIC.register(CreateView)
def _create_view(op: CreateView, ctx: EmitContext) -> list:
    return _switch(lambda part: part.create_sql(op.view))


@TO_ALEMBIC.register(DropView)
def _drop_view(op: DropView, ctx: EmitContext) -> list:
    return _switch(lambda part: part.drop_sql(op.view))


@TO_ALEMBIC.register(CreateViewIndex)
def _create_view_index(op: CreateViewIndex, ctx: EmitContext) -> list:
    return _switch(lambda part: part.create_index_sql(op.view_key, op.index))


def index_comment(schema: str | None, index: Index) -> list:
    """``COMMENT ON INDEX``, in the PostgreSQL branch only (the only dialect with one)."""
    sql = pg_views.index_comment_sql(schema, index)
    return [custom.DialectSwitchOp([(custom.POSTGRESQL, [custom.SQLTextOp(s) for s in sql])], [])]


@TO_ALEMBIC.register(SetViewIndexComment)
def _set_view_index_comment(op: SetViewIndexComment, ctx: EmitContext) -> list:
    return index_comment(op.view_key[0], op.index)


@TO_ALEMBIC.register(SetIndexComment)
def _set_index_comment(op: SetIndexComment, ctx: EmitContext) -> list:
    return index_comment(op.table_key[0], op.index)


@TO_ALEMBIC.register(DropViewIndex)
def _drop_view_index(op: DropViewIndex, ctx: EmitContext) -> list:
    return _switch(lambda part: part.drop_index_sql(op.view_key, op.index))


@TO_ALEMBIC.register(SetViewColumnComment)
def _set_view_column_comment(op: SetViewColumnComment, ctx: EmitContext) -> list:
    return _switch(lambda part: part.column_comment_sql(op.view, op.column_name, op.new))


@TO_ALEMBIC.register(SetViewComment)
def _set_view_comment(op: SetViewComment, ctx: EmitContext) -> list:
    return _switch(lambda part: part.comment_sql(op.view, op.new))
