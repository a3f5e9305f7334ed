"""The comments of constraints and policies (PostgreSQL ``COMMENT ON CONSTRAINT`` /
``COMMENT ON POLICY``), in the PostgreSQL branch only: the converters of
:class:`~planner.ops.constraint_comments.SetConstraintComment` and
:class:`~planner.ops.constraint_comments.SetPolicyComment`, and the comment written after
each operation that creates a commented constraint or policy (``CREATE TABLE``, the
``ADD CONSTRAINT`` of a key, foreign key, unique, check or exclusion, ``CREATE POLICY``):
each such converter is wrapped here, so a constraint dropped and added again (by the diff
or around another change) keeps its comment."""

from __future__ import annotations

from collections.abc import Callable

from planner import ops as our
from planner.dialects.postgresql import PostgreSQL
from planner.dialects.postgresql_policies import policy_comment_sql
from planner.dialects.postgresql_tables import (
    constraint_comment_sql,
    key_index_comment_sql,
    key_index_name,
)
from planner.ops.constraint_comments import (
    SetConstraintComment,
    SetConstraintIndexComment,
    SetPolicyComment,
)
from planner.ops.pg_tables import AddExclusion
from planner.ops.policies import CreatePolicy
from planner.revisions import alembic_ops as custom
from planner.revisions import (  # noqa: F401 - the converters wrapped below come first
    convert_pg_tables,
    convert_policies,
    convert_schema,
)
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg
from planner.state.constraint_comments import constraints


def _sql(statements: list[str]) -> list:
    return [_pg(*(custom.SQLTextOp(s) for s in statements))] if statements else []


def _pk_name(key: tuple, pk) -> str:
    """The primary key's name as PostgreSQL has it (``<table>_pkey`` when it has none)."""
    return pk.name or PostgreSQL().default_name("pk", key[1], pk.columns)


def _comment(key: tuple, kind: str, obj) -> list[str]:
    """The comments of a created constraint: its own, then its index's."""
    if obj is None:
        return []
    name = _pk_name(key, obj) if kind == "primary key" else obj.name
    out = [constraint_comment_sql(key, name, obj.comment)] if obj.comment is not None else []
    if getattr(obj, "index_comment", None) is not None:
        out.append(key_index_comment_sql(key, key_index_name(key, kind, obj), obj.index_comment))
    return out


@TO_ALEMBIC.register(SetConstraintComment)
def _set_constraint_comment(op: SetConstraintComment, ctx: EmitContext) -> list:
    name = op.name
    if op.constraint == "primary key" and name is None:
        t = ctx.after.get_table(op.table_key) or ctx.before.get_table(op.table_key)
        name = _pk_name(op.table_key, t.primary_key)
    return _sql([constraint_comment_sql(op.table_key, name, op.new)])


@TO_ALEMBIC.register(SetConstraintIndexComment)
def _set_constraint_index_comment(op: SetConstraintIndexComment, ctx: EmitContext) -> list:
    t = ctx.after.get_table(op.table_key) or ctx.before.get_table(op.table_key)
    found = [
        o
        for k, n, o in constraints(t)
        if k == op.constraint and (k == "primary key" or n == op.name)
    ]
    index = key_index_name(op.table_key, op.constraint, found[0]) if found else op.name
    return _sql([key_index_comment_sql(op.table_key, index, op.new)])


@TO_ALEMBIC.register(SetPolicyComment)
def _set_policy_comment(op: SetPolicyComment, ctx: EmitContext) -> list:
    return _sql([policy_comment_sql(op.table_key, op.name, op.new)])


def _then(op_type: type, comments: Callable[[object], list[str]]) -> None:
    """Wrap the converter of ``op_type``: its operations, then the statements
    ``comments(op)``."""
    inner = TO_ALEMBIC.lookup(op_type)
    if getattr(inner, "writes_comments", False):  # wrapped already
        return

    def convert(op, ctx: EmitContext) -> list:
        return [*inner(op, ctx), *_sql(comments(op))]

    convert.writes_comments = True  # type: ignore[attr-defined]
    TO_ALEMBIC.add(op_type, convert, replace=True)


def _table_comments(op: our.CreateTable) -> list[str]:
    return [s for kind, _, o in constraints(op.table) for s in _comment(op.table.key, kind, o)]


_then(our.CreateTable, _table_comments)
_then(our.AddPrimaryKey, lambda op: _comment(op.table_key, "primary key", op.primary_key))
_then(our.AddForeignKey, lambda op: _comment(op.table_key, "foreign key", op.fk))
_then(our.AddUnique, lambda op: _comment(op.table_key, "unique", op.unique))
_then(our.AddCheck, lambda op: _comment(op.table_key, "check", op.check))
_then(AddExclusion, lambda op: _comment(op.table_key, "exclusion constraint", op.exclusion))
_then(
    CreatePolicy,
    lambda op: (
        [policy_comment_sql(op.table_key, op.policy.name, op.policy.comment)]
        if op.policy.comment is not None
        else []
    ),
)
