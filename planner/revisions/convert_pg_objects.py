"""The converters of the schema, extension and sequence operations
(:mod:`planner.ops.pg_objects`): plain DDL with quoted names; schemas and extensions
PostgreSQL only, sequences in a branch for each dialect that has them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner import dialects
from planner.dialects.postgresql_objects import extension_comment_sql
from planner.ops.pg_objects import (
    AlterExtension,
    AlterSequence,
    CreateExtension,
    CreateSchema,
    CreateSequence,
    DropExtension,
    DropSchema,
    DropSequence,
    SetEnumSchema,
    SetExtensionComment,
    SetSchemaComment,
)
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg
from planner.revisions.literals import quote_ident, quote_qualified, quote_string
from planner.state.pg_objects import Sequence, unfit_keys


def _sql(*statements: str) -> list:
    return [_pg(*(custom.SQLTextOp(s) for s in statements))]


def _comment(what: str, comment: str | None) -> str:
    return f"COMMENT ON {what} IS " + ("NULL" if comment is None else quote_string(comment))


@TO_ALEMBIC.register(CreateSchema)
def _create_schema(op: CreateSchema, ctx: EmitContext) -> list:
    # IF NOT EXISTS: a table of the schema created by an older revision made it already
    out = [f"CREATE SCHEMA IF NOT EXISTS {quote_ident(op.schema.name)}"]
    if op.schema.comment is not None:
        out.append(_comment(f"SCHEMA {quote_ident(op.schema.name)}", op.schema.comment))
    return _sql(*out)


@TO_ALEMBIC.register(DropSchema)
def _drop_schema(op: DropSchema, ctx: EmitContext) -> list:
    return _sql(f"DROP SCHEMA {quote_ident(op.schema.name)}")


@TO_ALEMBIC.register(SetSchemaComment)
def _set_schema_comment(op: SetSchemaComment, ctx: EmitContext) -> list:
    return _sql(_comment(f"SCHEMA {quote_ident(op.new.name)}", op.new.comment))


@TO_ALEMBIC.register(CreateExtension)
def _create_extension(op: CreateExtension, ctx: EmitContext) -> list:
    e = op.extension
    sql = f"CREATE EXTENSION IF NOT EXISTS {quote_ident(e.name)}"
    if e.schema is not None:
        sql += f" SCHEMA {quote_ident(e.schema)}"
    if e.version is not None:
        sql += f" VERSION {quote_string(e.version)}"
    return _sql(sql, *(extension_comment_sql(e) if e.comment is not None else ()))


@TO_ALEMBIC.register(SetExtensionComment)
def _set_extension_comment(op: SetExtensionComment, ctx: EmitContext) -> list:
    return _sql(*extension_comment_sql(op.new))


@TO_ALEMBIC.register(DropExtension)
def _drop_extension(op: DropExtension, ctx: EmitContext) -> list:
    return _sql(f"DROP EXTENSION {quote_ident(op.extension.name)}")


@TO_ALEMBIC.register(AlterExtension)
def _alter_extension(op: AlterExtension, ctx: EmitContext) -> list:
    out = []
    name = quote_ident(op.new.name)
    if op.new.version != op.old.version and op.new.version is not None:
        # PostgreSQL has no path back down for most extensions: update where a path
        # exists, else warn (verify then reports the version left behind)
        n, v = quote_string(op.new.name), quote_string(op.new.version)
        out.append(
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension_update_paths("
            f"{n}) WHERE source = (SELECT extversion FROM pg_extension WHERE extname = {n}) "
            f"AND target = {v} AND path IS NOT NULL) THEN "
            f"ALTER EXTENSION {name} UPDATE TO {v}; ELSE RAISE WARNING "
            f"'extension %: no update path to version %', {n}, {v}; END IF; END $$"
        )
    if op.new.schema != op.old.schema:
        out.append(f"ALTER EXTENSION {name} SET SCHEMA {quote_ident(op.new.schema or 'public')}")
    return _sql(*out) if out else []


def _sequence_sql(statements: Callable[[Any], list[str]], *sequences: Sequence) -> list:
    """A switch with a branch for each dialect that has sequences
    (``Dialect.object_sections``) and their keys (a project without named targets: one
    owned by a column is PostgreSQL's), each with the statements its ``objects`` part
    writes (``statements(part)``; the revision keeps the branches of its target dialects)."""
    branches = []
    for d in dialects.all_dialects():
        fits = not any(unfit_keys(q, d) for q in sequences)
        if "sequences" in d.object_sections and fits:
            sql = statements(d.part("objects"))
            if sql:
                branches.append((d.runtime_names, [custom.SQLTextOp(s) for s in sql]))
    return [custom.DialectSwitchOp(branches)] if branches else []


@TO_ALEMBIC.register(CreateSequence)
def _create_sequence(op: CreateSequence, ctx: EmitContext) -> list:
    return _sequence_sql(lambda part: part.create_sql(op.sequence), op.sequence)


@TO_ALEMBIC.register(DropSequence)
def _drop_sequence(op: DropSequence, ctx: EmitContext) -> list:
    return _sequence_sql(lambda part: part.drop_sql(op.sequence), op.sequence)


@TO_ALEMBIC.register(AlterSequence)
def _alter_sequence(op: AlterSequence, ctx: EmitContext) -> list:
    return _sequence_sql(lambda part: part.alter_sql(op.old, op.new), op.old, op.new)


@TO_ALEMBIC.register(SetEnumSchema)
def _set_enum_schema(op: SetEnumSchema, ctx: EmitContext) -> list:
    name = quote_qualified(op.old.schema, op.old.name)
    return _sql(f"ALTER TYPE {name} SET SCHEMA {quote_ident(op.new.schema or 'public')}")
