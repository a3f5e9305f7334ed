"""The converters of the schema, extension and sequence operations
(:mod:`planner.ops.pg_objects`): PostgreSQL only, plain DDL with quoted names."""

from __future__ import annotations

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
    SetSchemaComment,
)
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import TO_ALEMBIC, EmitContext, _pg
from planner.revisions.literals import quote_ident, quote_qualified, quote_string
from planner.state.pg_objects import Sequence


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
    return _sql(sql)


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


def _options(q: Sequence, old: Sequence | None = None) -> str:
    """``AS bigint INCREMENT BY 5 ...``: every option (create), or those that change."""
    mn, mx, st = q.effective()
    parts = []

    def changed(*fields: str) -> bool:
        return old is None or any(getattr(old, f) != getattr(q, f) for f in fields)

    if changed("type"):
        parts.append(f"AS {q.type}")
    if changed("increment"):
        parts.append(f"INCREMENT BY {q.increment}")
    if changed("type", "increment", "min_value"):
        parts.append(f"MINVALUE {mn}")
    if changed("type", "increment", "max_value"):
        parts.append(f"MAXVALUE {mx}")
    if changed("type", "increment", "min_value", "max_value", "start"):
        parts.append(f"START WITH {st}")
    if changed("cycle"):
        parts.append("CYCLE" if q.cycle else "NO CYCLE")
    return " ".join(parts)


@TO_ALEMBIC.register(CreateSequence)
def _create_sequence(op: CreateSequence, ctx: EmitContext) -> list:
    q = op.sequence
    name = quote_qualified(q.schema, q.name)
    out = [f"CREATE SEQUENCE {name} {_options(q)}"]
    if q.owned_by is not None:
        out.append(f"ALTER SEQUENCE {name} OWNED BY {_owner(q)}")
    if q.comment is not None:
        out.append(_comment(f"SEQUENCE {name}", q.comment))
    return _sql(*out)


def _owner(q: Sequence) -> str:
    if q.owned_by is None:
        return "NONE"
    table, column = q.owned_by
    return f"{quote_qualified(q.schema, table)}.{quote_ident(column)}"


@TO_ALEMBIC.register(DropSequence)
def _drop_sequence(op: DropSequence, ctx: EmitContext) -> list:
    # IF EXISTS: an owned sequence goes with its column (dropped earlier in the plan)
    q = op.sequence
    return _sql(f"DROP SEQUENCE IF EXISTS {quote_qualified(q.schema, q.name)}")


@TO_ALEMBIC.register(AlterSequence)
def _alter_sequence(op: AlterSequence, ctx: EmitContext) -> list:
    q, old = op.new, op.old
    name = quote_qualified(q.schema, q.name)
    out = []
    options = _options(q, old)
    if options:
        out.append(f"ALTER SEQUENCE {name} {options}")
    if q.owned_by != old.owned_by:
        out.append(f"ALTER SEQUENCE {name} OWNED BY {_owner(q)}")
    if q.comment != old.comment:
        out.append(_comment(f"SEQUENCE {name}", q.comment))
    return _sql(*out) if out else []


@TO_ALEMBIC.register(SetEnumSchema)
def _set_enum_schema(op: SetEnumSchema, ctx: EmitContext) -> list:
    name = quote_qualified(op.old.schema, op.old.name)
    return _sql(f"ALTER TYPE {name} SET SCHEMA {quote_ident(op.new.schema or 'public')}")
