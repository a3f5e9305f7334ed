"""The conversion of our operations into Alembic operation objects: the registry, the
context each converter gets and the helpers the converters share.

Converters live in :mod:`planner.revisions.convert_schema` (tables, columns, keys,
indexes, enums) and :mod:`planner.revisions.convert_rows` (managed rows); each is
registered in :data:`TO_ALEMBIC` for its operation type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alembic.operations import ops as alembic_ops

from planner.registry import Registry
from planner.revisions import alembic_ops as custom
from planner.revisions.literals import default_text, quote_ident
from planner.revisions.sa_bridge import column_sa_type, sa_type
from planner.state import coltypes
from planner.state.model import Column, Snapshot, Table

#: our op type -> function(op, EmitContext) -> list of Alembic ops
TO_ALEMBIC = Registry("to_alembic")

#: Alembic ops that run inside ``batch_alter_table`` (table alterations)
BATCHED = (
    alembic_ops.AddColumnOp,
    alembic_ops.DropColumnOp,
    alembic_ops.AlterColumnOp,
    alembic_ops.CreateForeignKeyOp,
    alembic_ops.CreateUniqueConstraintOp,
    alembic_ops.CreateCheckConstraintOp,
    alembic_ops.CreatePrimaryKeyOp,
    alembic_ops.DropConstraintOp,
)

#: the name a PostgreSQL enum is moved to while it is rebuilt
REBUILD_SUFFIX = "__dbplan_old"


@dataclass(frozen=True, slots=True, kw_only=True)
class EmitContext:
    """The snapshot state just before and just after the operation being converted."""

    before: Snapshot
    after: Snapshot
    #: foreign keys of the plan's new and dropped tables that stay apart from their
    #: ``CreateTable`` / ``DropTable`` (tables in a cycle): ``{table key: (fk, ...)}``.
    #: SQLite checks no reference when it creates a table (and dbplan's migrations run
    #: without ``PRAGMA foreign_keys``): there they are declared in ``CREATE TABLE`` and
    #: go with ``DROP TABLE``, and no table is rebuilt to add or drop them
    apart: Any = None
    #: the plan's target snapshot (None: not known): the uses of what an op creates that
    #: later ops make (a function a table created after it calls)
    new: Snapshot | None = None

    def enums(self, which: str = "after") -> dict[str, tuple[str, ...]]:
        snap = self.after if which == "after" else self.before
        from planner.state.pg_objects import enum_values

        return enum_values(snap.enums)

    def table(self, key: tuple[str | None, str], which: str = "after") -> Table:
        first, second = (self.after, self.before) if which == "after" else (self.before, self.after)
        t = first.get_table(key) or second.get_table(key)
        if t is None:
            raise KeyError(f"no table {key!r} before or after the operation")
        return t


def _existing(
    col: Column, enums: dict[str, tuple[str, ...]], table: Table | None = None
) -> dict[str, Any]:
    """``existing_*`` keywords of ``alter_column`` (MySQL rewrites the whole column)."""
    kw: dict[str, Any] = {
        "existing_type": column_sa_type(col, enums),
        "existing_nullable": col.nullable,
        "existing_server_default": col.ddl_default,
    }
    if col.comment is not None:
        kw["existing_comment"] = col.comment
    if col.autoincrement is not None:
        kw["existing_autoincrement"] = col.autoincrement
    elif table is not None and table.has_column(col.name) and _serial_column(table) == col.name:
        kw["existing_autoincrement"] = True
    return kw


def _table_or_none(ctx: EmitContext, key) -> Table | None:
    return ctx.before.get_table(key) or ctx.after.get_table(key)


def _modify(table_key, *operations: alembic_ops.MigrateOperation) -> alembic_ops.ModifyTableOps:
    return custom.TableBatchOp(table_key[1], list(operations), schema=table_key[0])


def _pg(*operations: alembic_ops.MigrateOperation, otherwise=()) -> custom.DialectSwitchOp:
    return custom.DialectSwitchOp([(custom.POSTGRESQL, operations)], otherwise)


def _pg_type_sql(type_text: str, enums: dict[str, tuple[str, ...]]) -> str:
    from sqlalchemy.dialects import postgresql

    t = sa_type(type_text, enums)
    pg = custom.POSTGRESQL[0]
    impl = t._variant_mapping.get(pg, t) if hasattr(t, "_variant_mapping") else t
    return impl.compile(dialect=postgresql.dialect())


def _using(column: str, old_type: str, new_type: str, enums) -> str | None:
    """The PostgreSQL ``USING`` expression of a type change, when one is needed."""
    if not coltypes.needs_using_cast(old_type, new_type):
        return None
    col = quote_ident(column)
    target = _pg_type_sql(new_type, enums)
    old_family, new_family = coltypes.family(old_type), coltypes.family(new_type)
    if old_family in ("enum", "json") or new_family == "enum":
        return f"{col}::text::{target}"
    if old_family == new_family == "verbatim":
        # two types of their own rarely have a cast between them (int4range -> int8range,
        # tsrange -> tstzrange): through their text forms, which any type reads
        return f"{col}::text::{target}"
    return f"{col}::{target}"


def _serial_column(t: Table) -> str | None:
    """The single integer primary-key column PostgreSQL backs with a sequence."""
    pk = t.primary_key
    if pk is None or len(pk.columns) != 1:
        return None
    col = t.column(pk.columns[0])
    if col.autoincrement is False:
        return None
    try:
        return col.name if coltypes.family(col.type) == "integer" else None
    except Exception:  # noqa: BLE001
        return None


def _default(text: str | None) -> Any:
    return None if text is None else default_text(text)


def _keeping_zero(operations: list) -> list:
    """MySQL: ``operations`` with ``NO_AUTO_VALUE_ON_ZERO`` added to the session's
    ``sql_mode``, then the mode as it was (a key 0 stays 0 instead of becoming the next
    AUTO_INCREMENT value)."""
    return [
        custom.SQLTextOp("SET @dbplan_sql_mode = @@SESSION.sql_mode"),
        custom.SQLTextOp(
            "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"
        ),
        *operations,
        custom.SQLTextOp("SET SESSION sql_mode = @dbplan_sql_mode"),
    ]
