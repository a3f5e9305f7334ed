"""The converters of the row-level security and policy operations
(:mod:`planner.ops.policies`): PostgreSQL only, the statements of
:mod:`planner.dialects.postgresql_policies`."""

from __future__ import annotations

from planner.dialects import postgresql_policies as pol
from planner.ops.policies import AlterPolicy, CreatePolicy, DropPolicy, SetRowLevelSecurity
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg


def _sql(*statements: str) -> list:
    return [_pg(*(custom.SQLTextOp(s) for s in statements))] if statements else []


@TO_ALEMBIC.register(SetRowLevelSecurity)
def _set_rls(op: SetRowLevelSecurity, ctx: EmitContext) -> list:
    return _sql(*pol.rls_statements(op.table_key, op.old, op.new))


@TO_ALEMBIC.register(CreatePolicy)
def _create_policy(op: CreatePolicy, ctx: EmitContext) -> list:
    return _sql(pol.create_policy(op.table_key, op.policy))


@TO_ALEMBIC.register(AlterPolicy)
def _alter_policy(op: AlterPolicy, ctx: EmitContext) -> list:
    return _sql(pol.alter_policy(op.table_key, op.old, op.new))


@TO_ALEMBIC.register(DropPolicy)
def _drop_policy(op: DropPolicy, ctx: EmitContext) -> list:
    return _sql(pol.drop_policy(op.table_key, op.policy))
