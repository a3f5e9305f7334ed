"""The converters of the partitioning and inheritance operations
(:mod:`planner.ops.partitions`): PostgreSQL only, plain DDL built with quoted names by
the dialect's ``partitions`` part (bounds and keys run as written)."""

from __future__ import annotations

from planner.dialects import having
from planner.ops.partitions import AttachPartition, DetachPartition, SetInherits
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg
from planner.state.model import Table


def _part():
    return having("has_partitioning").part("partitions")


def _sql(*statements: str) -> list:
    return [_pg(*(custom.SQLTextOp(s) for s in statements))]


def create_partition(table: Table) -> list:
    """``CREATE TABLE ... PARTITION OF`` (op.create_table cannot say it), its comment."""
    out = [_part().create_partition_sql(table)]
    if table.comment is not None:
        out.append(_part().comment_sql(table))
    return _sql(*out)


@TO_ALEMBIC.register(DetachPartition)
def _detach(op: DetachPartition, ctx: EmitContext) -> list:
    return _sql(_part().detach_sql(op.table))


@TO_ALEMBIC.register(AttachPartition)
def _attach(op: AttachPartition, ctx: EmitContext) -> list:
    return _sql(_part().attach_sql(op.table))


@TO_ALEMBIC.register(SetInherits)
def _set_inherits(op: SetInherits, ctx: EmitContext) -> list:
    table = Table(name=op.table_key[1], schema=op.table_key[0])
    return _sql(_part().inherit_sql(table, op.parent, add=op.add))
