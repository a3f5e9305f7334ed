"""The converters of the domain, composite type and collation operations
(:mod:`planner.ops.pg_types`): PostgreSQL only, the DDL of
:mod:`planner.dialects.postgresql_types` as ``op.execute`` text (quoted names; SQL
fragments of the snapshot run as written, as everywhere)."""

from __future__ import annotations

from planner.dialects import postgresql_types as ddl
from planner.ops.pg_type_comments import SetAttributeComment, SetCollationComment
from planner.ops.pg_types import (
    AlterCompositeType,
    AlterDomain,
    CreateCollation,
    CreateCompositeType,
    CreateDomain,
    DropCollation,
    DropCompositeType,
    DropDomain,
)
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg
from planner.state.pg_types import changed_checks


def _sql(statements: list[str]) -> list:
    return [_pg(*(custom.SQLTextOp(s) for s in statements))] if statements else []


@TO_ALEMBIC.register(CreateDomain)
def _create_domain(op: CreateDomain, ctx: EmitContext) -> list:
    return _sql(ddl.create_domain(op.domain))


@TO_ALEMBIC.register(DropDomain)
def _drop_domain(op: DropDomain, ctx: EmitContext) -> list:
    return _sql(ddl.drop_domain(op.domain))


@TO_ALEMBIC.register(AlterDomain)
def _alter_domain(op: AlterDomain, ctx: EmitContext) -> list:
    dropped, added = changed_checks(op.old, op.new)
    return _sql(ddl.alter_domain(op.old, op.new, dropped, added))


@TO_ALEMBIC.register(CreateCompositeType)
def _create_type(op: CreateCompositeType, ctx: EmitContext) -> list:
    return _sql(ddl.create_type(op.type))


@TO_ALEMBIC.register(DropCompositeType)
def _drop_type(op: DropCompositeType, ctx: EmitContext) -> list:
    return _sql(ddl.drop_type(op.type))


@TO_ALEMBIC.register(AlterCompositeType)
def _alter_type(op: AlterCompositeType, ctx: EmitContext) -> list:
    return _sql(ddl.alter_type(op.old, op.new, op.changes()))


@TO_ALEMBIC.register(CreateCollation)
def _create_collation(op: CreateCollation, ctx: EmitContext) -> list:
    return _sql(ddl.create_collation(op.collation))


@TO_ALEMBIC.register(DropCollation)
def _drop_collation(op: DropCollation, ctx: EmitContext) -> list:
    return _sql(ddl.drop_collation(op.collation))


@TO_ALEMBIC.register(SetAttributeComment)
def _set_attribute_comment(op: SetAttributeComment, ctx: EmitContext) -> list:
    return _sql([ddl.attribute_comment(op.type, op.attribute, op.new)])


@TO_ALEMBIC.register(SetCollationComment)
def _set_collation_comment(op: SetCollationComment, ctx: EmitContext) -> list:
    return _sql([ddl.collation_comment(op.new, op.new.comment)])
