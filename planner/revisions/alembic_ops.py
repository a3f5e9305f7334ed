"""Alembic operation objects that Alembic has no renderer for, and their renderers.

A generated revision must run without dbplan, so these operations exist only at
generation time: each renderer (registered with ``alembic.autogenerate.renderers``)
returns plain ``op.*`` / ``sa.*`` lines. Building blocks:

- :class:`DialectSwitchOp` — ``if op.get_context().dialect.name in (<names>): ...``
  around other operations (standard or custom), for the few portable differences;
- :class:`AutocommitOp` — ``with op.get_context().autocommit_block(): ...``;
- :class:`SQLTextOp` — ``op.execute(sa.text(...))`` for DDL SQLAlchemy has no construct for;
- :class:`CreatePgEnumOp` / :class:`DropPgEnumOp` — the PostgreSQL named type;
- :class:`InsertRowsOp`, :class:`UpdateRowOp`, :class:`DeleteRowsOp` — managed rows as
  ``op.bulk_insert`` / ``sa.update`` / ``sa.delete`` on ``sa.table()`` stubs, values bound;
- dbplan's own subclasses of Alembic's operations where it renders one differently
  (:class:`AddPrimaryKeyOp`, :class:`AddForeignKeyOp`, :class:`AlterColumnOp`,
  :class:`SetTableCommentOp`, :class:`DropTableCommentOp`, :class:`RenameTableOp`) and
  :class:`TableBatchOp`, a table batch with its declared SQLite rebuild plan
  (:class:`BatchPlan`). No renderer of Alembic's own types is replaced.

Renderers return a list of lines. Alembic's printer indents after a line ending in
``:`` and dedents at a blank line, so every block ends with ``""``; values are written
with :func:`planner.revisions.literals.py_literal` and never start a line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic.autogenerate import render as alembic_render
from alembic.autogenerate import renderers
from alembic.autogenerate.render import _repr_type, render_op
from alembic.operations import ops as alembic_ops

from planner.dialects.mysql import MySQL
from planner.dialects.postgresql import PostgreSQL
from planner.dialects.sqlite import SQLite
from planner.revisions.alembic_compat import with_new_column_name
from planner.revisions.copy_from import plain_table, table_source
from planner.revisions.literals import py_literal, sql_text_call
from planner.revisions.row_ref import RowRef
from planner.revisions.sa_bridge import fk_target_has_dot

if TYPE_CHECKING:
    from planner.revisions.copy_from import CopyFrom
    from planner.state.model import Snapshot, Table

#: dialect names as ``connection.dialect.name`` spells them (each dialect's runtime names)
POSTGRESQL = PostgreSQL.runtime_names
MYSQL = MySQL.runtime_names
SQLITE = SQLite.runtime_names


# dbplan's own operations extending Alembic's -----------------------------------
#
# Renderers are registered for these subclasses only: Alembic's rendering of its own
# operation types stays as it is for any other code in the same interpreter
# (tests/revisions/test_alembic_isolation.py). Alembic's dispatch follows the class's MRO.


class AddPrimaryKeyOp(alembic_ops.CreatePrimaryKeyOp):
    """``create_primary_key`` with every name written as a Python literal."""


class AddForeignKeyOp(alembic_ops.CreateForeignKeyOp):
    """``create_foreign_key``; a target whose names hold a dot through ``add_constraint``
    (see :func:`planner.revisions.sa_bridge.fk_target_has_dot`)."""


class AlterColumnOp(alembic_ops.AlterColumnOp):
    """``alter_column`` with the keywords Alembic's renderer leaves out
    (``existing_autoincrement`` for MySQL's ``MODIFY``, ``postgresql_using``)."""


class SetTableCommentOp(alembic_ops.CreateTableCommentOp):
    """``create_table_comment`` with the table name quoted (Alembic writes it bare)."""


class DropTableCommentOp(alembic_ops.DropTableCommentOp):
    """``drop_table_comment`` with the table name quoted."""


class RenameTableOp(alembic_ops.RenameTableOp):
    """``rename_table`` (Alembic ships no renderer for it)."""


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """The snapshot states around one table batch: the table before and after it (None
    where the table does not exist) and the whole snapshots (their enums)."""

    before: Table | None
    after: Table | None
    snapshot_before: Snapshot
    snapshot_after: Snapshot


class TableBatchOp(alembic_ops.ModifyTableOps):
    """Table alterations in ``with op.batch_alter_table(...)``, with what SQLite's rebuild
    of the table needs (:mod:`planner.revisions.sqlite_batch` fills it in).

    Args:
        plan: the states around the batch (None: unknown, SQLite reflects the table).
        sqlite_only: only SQLite runs the batch (no ``if``/``else`` around the rebuild).
    """

    def __init__(
        self,
        table_name: str,
        ops: Sequence[alembic_ops.MigrateOperation],
        *,
        schema: str | None = None,
        plan: BatchPlan | None = None,
        sqlite_only: bool = False,
    ):
        super().__init__(table_name, list(ops), schema=schema)
        self.plan = plan
        self.sqlite_only = sqlite_only
        #: the table SQLite's rebuild copies from, as the snapshot defines it (a
        #: :class:`~planner.revisions.copy_from.CopyFrom` or a ``sa.Table``); None: reflect
        self.copy_from: CopyFrom | sa.Table | None = None
        #: what SQLite runs instead of ``ops`` when the rebuild creates the constraints
        self.sqlite_ops: list[alembic_ops.MigrateOperation] | None = None


class DialectSwitchOp(alembic_ops.MigrateOperation):
    """Operations chosen at run time by ``op.get_context().dialect.name``.

    Args:
        branches: ``(dialect names, operations)`` pairs, tested in order.
        otherwise: operations for every other dialect (may be empty).
    """

    def __init__(
        self,
        branches: Sequence[tuple[Sequence[str], Sequence[alembic_ops.MigrateOperation]]],
        otherwise: Sequence[alembic_ops.MigrateOperation] = (),
    ):
        self.branches = tuple((tuple(names), list(body)) for names, body in branches)
        self.otherwise = list(otherwise)


class AutocommitOp(alembic_ops.MigrateOperation):
    """Operations run outside the migration's transaction (``autocommit_block``)."""

    def __init__(self, body: Sequence[alembic_ops.MigrateOperation]):
        self.body = list(body)


class SQLTextOp(alembic_ops.MigrateOperation):
    """``op.execute(sa.text(sql))``: DDL without a SQLAlchemy construct (values quoted in ``sql``)."""

    def __init__(self, sql: str):
        self.sql = sql


class CommentOp(alembic_ops.MigrateOperation):
    """A ``# comment`` line in the revision (newlines folded)."""

    def __init__(self, text: str):
        self.text = text


class CreatePgEnumOp(alembic_ops.MigrateOperation):
    """``CREATE TYPE name AS ENUM (...)`` through SQLAlchemy's ``CreateEnumType``."""

    def __init__(self, name: str, values: Sequence[str]):
        self.name = name
        self.values = tuple(values)


class DropPgEnumOp(alembic_ops.MigrateOperation):
    """``DROP TYPE name`` through SQLAlchemy's ``DropEnumType``."""

    def __init__(self, name: str, values: Sequence[str]):
        self.name = name
        self.values = tuple(values)


class DropMySQLFKIndexOp(alembic_ops.MigrateOperation):
    """MySQL keeps the index it created for a foreign key when the key is dropped: drop it."""

    def __init__(self, name: str, table_name: str, *, schema: str | None):
        self.name = name
        self.table_name = table_name
        self.schema = schema


class _RowsOp(alembic_ops.MigrateOperation):
    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None,
        columns: Sequence[str],
        column_types: dict[str, Any] | None = None,
    ):
        self.table_name = table_name
        self.schema = schema
        self.columns = tuple(columns)
        #: SQLAlchemy types of the columns (as in the column ops): values bind as those types
        self.column_types = dict(column_types or {})


class InsertRowsOp(_RowsOp):
    """``op.bulk_insert`` of rows (dicts), in order; runs of rows with the same columns."""

    def __init__(self, table_name: str, *, rows: Sequence[dict[str, Any]], **kw: Any):
        super().__init__(table_name, **kw)
        self.rows = [dict(r) for r in rows]


class UpdateRowOp(_RowsOp):
    """``UPDATE table SET values WHERE key`` with bound values."""

    def __init__(self, table_name: str, *, key: dict[str, Any], values: dict[str, Any], **kw: Any):
        super().__init__(table_name, **kw)
        self.key = dict(key)
        self.values = dict(values)


class DeleteRowsOp(_RowsOp):
    """``DELETE FROM table WHERE key IN (...)`` with bound values."""

    def __init__(self, table_name: str, *, keys: Sequence[dict[str, Any]], **kw: Any):
        super().__init__(table_name, **kw)
        self.keys = [dict(k) for k in keys]


class GuardReferencedRowsOp(_RowsOp):
    """Before deleting managed rows: stop with a clear error when user rows still reference one.

    ``references`` are the foreign keys that would refuse the delete (no ON DELETE action):
    ``(table, schema, constraint name, columns, referred columns)``. Runs online only.
    """

    def __init__(
        self,
        table_name: str,
        *,
        keys: Sequence[dict[str, Any]],
        references: Sequence[tuple[str, str | None, str, tuple[str, ...], tuple[str, ...]]],
        **kw: Any,
    ):
        super().__init__(table_name, **kw)
        self.keys = [dict(k) for k in keys]
        self.references = list(references)


# renderers -----------------------------------------------------------------


def _render_all(autogen_context, body: Sequence[alembic_ops.MigrateOperation]) -> list[str]:
    lines: list[str] = []
    for sub in body:
        lines.extend(render_op(autogen_context, sub))
    return lines or ["pass"]


def _dialect_test(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"op.get_context().dialect.name == {names[0]!r}"
    return f"op.get_context().dialect.name in {tuple(names)!r}"


@renderers.dispatch_for(DialectSwitchOp)
def _render_dialect_switch(autogen_context, op: DialectSwitchOp) -> list[str]:
    branches = [(n, b) for n, b in op.branches if b]
    if not branches:
        return _render_all(autogen_context, op.otherwise) if op.otherwise else []
    lines: list[str] = []
    for i, (names, body) in enumerate(branches):
        lines.append(f"{'if' if i == 0 else 'elif'} {_dialect_test(names)}:")
        lines.extend(_render_all(autogen_context, body))
    if op.otherwise:
        lines.append("else:")
        lines.extend(_render_all(autogen_context, op.otherwise))
    lines.append("")
    return lines


@renderers.dispatch_for(AutocommitOp)
def _render_autocommit(autogen_context, op: AutocommitOp) -> list[str]:
    return ["with op.get_context().autocommit_block():", *_render_all(autogen_context, op.body), ""]


@renderers.dispatch_for(SQLTextOp)
def _render_sql_text(autogen_context, op: SQLTextOp) -> list[str]:
    return [f"op.execute({sql_text_call(op.sql)})"]


@renderers.dispatch_for(CommentOp)
def _render_comment(autogen_context, op: CommentOp) -> list[str]:
    return ["# " + " ".join(op.text.split())]


def pg_enum_source(
    name: str,
    values: Sequence[str],
    *,
    create_type: bool | None = None,
    schema: str | None = None,
) -> str:
    """Python source of a ``postgresql.ENUM`` (an inline ``ENUM`` on MySQL, ``VARCHAR`` on SQLite).

    Example:
        >>> print(pg_enum_source("level", ["info", "it's"], create_type=False))
        postgresql.ENUM('info', "it's", name='level', create_type=False)
    """
    args = [py_literal(v) for v in values] + [f"name={py_literal(name)}"]
    if schema is not None:
        args.append(f"schema={py_literal(schema)}")
    if create_type is not None:
        args.append(f"create_type={create_type!r}")
    return f"postgresql.ENUM({', '.join(args)})"


@renderers.dispatch_for(CreatePgEnumOp)
def _render_create_pg_enum(autogen_context, op: CreatePgEnumOp) -> list[str]:
    return [f"op.execute(postgresql.CreateEnumType({pg_enum_source(op.name, op.values)}))"]


@renderers.dispatch_for(DropMySQLFKIndexOp)
def _render_drop_mysql_fk_index(autogen_context, op: DropMySQLFKIndexOp) -> list[str]:
    name, table, schema = py_literal(op.name), py_literal(op.table_name), py_literal(op.schema)
    # SQLAlchemy reads MariaDB index names from SHOW CREATE TABLE with backticks doubled
    return [
        f"if op.get_context().dialect.name in {MYSQL!r} and {name} in ["
        "ix['name'].replace('``', '`') for ix in "
        f"sa.inspect(op.get_bind()).get_indexes({table}, schema={schema})]:",
        f"op.drop_index({name}, table_name={table}, schema={schema})",
        "",
    ]


@renderers.dispatch_for(DropPgEnumOp)
def _render_drop_pg_enum(autogen_context, op: DropPgEnumOp) -> list[str]:
    return [f"op.execute(postgresql.DropEnumType({pg_enum_source(op.name, op.values)}))"]


def _column(autogen_context, op: _RowsOp, name: str) -> str:
    """``sa.column(name, type)``: typed, so values bind (and render offline) as that type."""
    t = op.column_types.get(name)
    typ = f", {_repr_type(t, autogen_context)}" if t is not None else ""
    return f"sa.column({py_literal(name)}{typ})"


def _table_stub(autogen_context, op: _RowsOp, columns: Sequence[str] | None = None) -> str:
    cols = [_column(autogen_context, op, c) for c in (op.columns if columns is None else columns)]
    args = [py_literal(op.table_name), *cols, f"schema={py_literal(op.schema)}"]
    return f"sa.table({', '.join(args)})"


def _row_dict(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in row.items()) + "}"


def _key_test(autogen_context, op: _RowsOp, key: dict[str, Any]) -> str:
    tests = []
    for col, value in key.items():
        if value is None:
            tests.append(f"{_column(autogen_context, op, col)}.is_(None)")
        else:
            tests.append(f"{_column(autogen_context, op, col)} == {py_literal(value)}")
    return tests[0] if len(tests) == 1 else f"sa.and_({', '.join(tests)})"


@renderers.dispatch_for(InsertRowsOp)
def _render_insert_rows(autogen_context, op: InsertRowsOp) -> list[str]:
    runs: list[tuple[tuple[str, ...], list[dict[str, Any]]]] = []
    for row in op.rows:
        cols = tuple(c for c in op.columns if c in row) + tuple(
            sorted(c for c in row if c not in op.columns)
        )
        ordered = {c: row[c] for c in cols}
        if runs and runs[-1][0] == cols:
            runs[-1][1].append(ordered)
        else:
            runs.append((cols, [ordered]))
    lines: list[str] = []
    for cols, rows in runs:
        if any(isinstance(v, RowRef) for r in rows for v in r.values()):
            # a value is a sub-select (a row named by its natural key): one INSERT per row
            for r in rows:
                lines += [
                    "op.execute(",
                    f"    sa.insert({_table_stub(autogen_context, op, cols)})",
                    f"    .values({_row_dict(r)})",
                    ")",
                ]
            continue
        lines.append("op.bulk_insert(")
        lines.append(f"    {_table_stub(autogen_context, op, cols)},")
        lines.append("    [")
        lines.extend(f"        {_row_dict(r)}," for r in rows)
        lines.append("    ],")
        lines.append(")")
    return lines


@renderers.dispatch_for(UpdateRowOp)
def _render_update_row(autogen_context, op: UpdateRowOp) -> list[str]:
    if not op.values:
        return []  # nothing to set (an empty SET is a syntax error)
    return [
        "op.execute(",
        f"    sa.update({_table_stub(autogen_context, op)})",
        f"    .where({_key_test(autogen_context, op, op.key)})",
        f"    .values({_row_dict(op.values)})",
        ")",
    ]


@renderers.dispatch_for(DeleteRowsOp)
def _render_delete_rows(autogen_context, op: DeleteRowsOp) -> list[str]:
    if not op.keys:
        return []
    key_cols = list(op.keys[0])
    single = len(key_cols) == 1 and all(k[key_cols[0]] is not None for k in op.keys)
    if single:
        values = ", ".join(py_literal(k[key_cols[0]]) for k in op.keys)
        test = f"{_column(autogen_context, op, key_cols[0])}.in_([{values}])"
        return [
            "op.execute(",
            f"    sa.delete({_table_stub(autogen_context, op)})",
            f"    .where({test})",
            ")",
        ]
    lines: list[str] = []
    for key in op.keys:
        lines.extend(
            [
                "op.execute(",
                f"    sa.delete({_table_stub(autogen_context, op)})",
                f"    .where({_key_test(autogen_context, op, key)})",
                ")",
            ]
        )
    return lines


#: column names SQLAlchemy can name a bind parameter after
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _keys_test(autogen_context, op: _RowsOp, keys: Sequence[dict[str, Any]]) -> str:
    cols = list(keys[0])
    if len(cols) == 1 and all(k[cols[0]] is not None for k in keys):
        values = ", ".join(py_literal(k[cols[0]]) for k in keys)
        if _PLAIN_NAME.fullmatch(cols[0]):
            return f"{_column(autogen_context, op, cols[0])}.in_([{values}])"
        # SQLAlchemy names the expanding parameter after the column: a quote or bracket
        # in the name breaks its [POSTCOMPILE_...] marker, so the parameter gets its own
        return (
            f"{_column(autogen_context, op, cols[0])}"
            f".in_(sa.bindparam('keys', [{values}], expanding=True))"
        )
    tests = [_key_test(autogen_context, op, k) for k in keys]
    return tests[0] if len(tests) == 1 else f"sa.or_({', '.join(tests)})"


@renderers.dispatch_for(GuardReferencedRowsOp)
def _render_guard_referenced_rows(autogen_context, op: GuardReferencedRowsOp) -> list[str]:
    if not op.keys or not op.references:
        return []
    key_cols = list(op.keys[0])
    here = f"sa.table({py_literal(op.table_name)}, schema={py_literal(op.schema)})"
    lines = ["if not op.get_context().as_sql:"]
    for table, schema, name, columns, ref_columns in op.references:
        there = f"sa.table({py_literal(table)}, schema={py_literal(schema)})"
        inner = f"sa.select(sa.column({py_literal(columns[0])})).select_from({there})"
        inner += f".where(sa.column({py_literal(columns[0])}).is_not(None))"
        if (table, schema) == (op.table_name, op.schema):
            inner += f".where(sa.not_({_keys_test(autogen_context, op, op.keys)}))"  # rows deleted together
        shown = ".".join(p for p in (op.schema, op.table_name) if p)
        before = f"cannot delete the managed row of {shown} with ({', '.join(key_cols)}) = "
        after = (
            f": rows of {'.'.join(p for p in (schema, table) if p)} still reference it through "
            f"{name} ({', '.join(columns)} -> {', '.join(ref_columns)}); delete or repoint "
            "those rows, then upgrade again"
        )
        lines += [
            "_held = op.get_bind().execute(",
            f"    sa.select({', '.join(f'sa.column({py_literal(c)})' for c in key_cols)})",
            f"    .select_from({here})",
            f"    .where({_keys_test(autogen_context, op, op.keys)})",
            f"    .where(sa.column({py_literal(ref_columns[0])}).in_({inner}))",
            ").first()",
            "if _held is not None:",
            f"raise RuntimeError({py_literal(before)} + repr(tuple(_held)) + {py_literal(after)})",
            "",
        ]
    lines.append("")
    return lines


class BackfillOp(alembic_ops.MigrateOperation):
    """``UPDATE table SET column = <sql> WHERE column IS NULL`` (the snapshot's backfill hint)."""

    def __init__(self, table_name: str, *, schema: str | None, column: str, sql: str):
        self.table_name = table_name
        self.schema = schema
        self.column = column
        self.sql = sql


@renderers.dispatch_for(BackfillOp)
def _render_backfill(autogen_context, op: BackfillOp) -> list[str]:
    col = py_literal(op.column)
    stub = (
        f"sa.table({py_literal(op.table_name)}, sa.column({col}), schema={py_literal(op.schema)})"
    )
    return [
        "op.execute(",
        f"    sa.update({stub})",
        f"    .where(sa.column({col}).is_(None))",
        f"    .values({{{col}: sa.literal_column({py_literal(op.sql)})}})",
        ")",
    ]


@renderers.dispatch_for(AddPrimaryKeyOp)
def _render_create_primary_key(autogen_context, op: AddPrimaryKeyOp) -> list[str]:
    cols = "[" + ", ".join(py_literal(c) for c in op.columns) + "]"
    if autogen_context._has_batch:
        return [f"batch_op.create_primary_key({py_literal(op.constraint_name)}, {cols})"]
    return [
        f"op.create_primary_key({py_literal(op.constraint_name)}, {py_literal(op.table_name)}, "
        f"{cols}, schema={py_literal(op.schema)})"
    ]


def _has_dotted_target(constraint: sa.ForeignKeyConstraint) -> bool:
    try:
        targets = [e.column for e in constraint.elements]
    except sa.exc.NoReferenceError:
        return False  # a 'table.column' string to a table of no MetaData here: no dot
    table = targets[0].table
    return fk_target_has_dot(table.schema, table.name, [c.name for c in targets])


def _creates_dotted_fk(op: alembic_ops.MigrateOperation) -> bool:
    return isinstance(op, alembic_ops.CreateForeignKeyOp) and fk_target_has_dot(
        op.kw.get("referent_schema"), op.referent_table, op.remote_cols
    )


def _fk_constraint_source(
    name: str | None,
    columns: Sequence[str],
    ref_schema: str | None,
    ref_table: str,
    ref_columns: Sequence[str],
    kw: dict[str, Any],
    table: str = "",
) -> str:
    """``sa.ForeignKeyConstraint`` whose target columns are Column objects (of a stub
    ``sa.Table`` each), so that no ``'table.column'`` string is split at a dot.

    Example:
        >>> print(_fk_constraint_source("fk_w", ["w"], None, "p", ["1.0"], {"ondelete": None}))
        sa.ForeignKeyConstraint(['w'], [sa.Table('p', sa.MetaData(), sa.Column('1.0'), schema=None).c['1.0']], name='fk_w')
    """
    targets = [
        f"sa.Table({py_literal(ref_table)}, sa.MetaData(), sa.Column({py_literal(c)}), "
        f"schema={py_literal(ref_schema)}).c[{py_literal(c)}]"
        for c in ref_columns
    ]
    args = [
        "[" + ", ".join(py_literal(c) for c in columns) + "]",
        "[" + ", ".join(targets) + "]",
        f"name={py_literal(name)}",
    ]
    for k in ("onupdate", "ondelete", "deferrable", "initially", "match"):
        if kw.get(k) is not None:
            args.append(f"{k}={py_literal(kw[k])}")
    if table:
        args.append(f"table={table}")
    return f"sa.ForeignKeyConstraint({', '.join(args)})"


@renderers.dispatch_for(AddForeignKeyOp)
def _render_create_foreign_key(autogen_context, op: AddForeignKeyOp) -> str:
    """Alembic's ``create_foreign_key``; for a target with a dot (see
    :func:`fk_target_has_dot`) the constraint ``create_foreign_key`` would build, given to
    ``add_constraint`` of the same implementation (in a batch: queued in order)."""
    if not _creates_dotted_fk(op):
        return alembic_render._add_fk_constraint(autogen_context, op)
    cols = ", ".join(f"sa.Column({py_literal(c)})" for c in dict.fromkeys(op.local_cols))
    source = (
        f"sa.Table({py_literal(op.source_table)}, sa.MetaData(), {cols}, "
        f"schema={py_literal(op.kw.get('source_schema'))})"
    )
    fk = _fk_constraint_source(
        op.constraint_name,
        op.local_cols,
        op.kw.get("referent_schema"),
        op.referent_table,
        op.remote_cols,
        op.kw,
        table=source,
    )
    impl = "batch_op.impl" if autogen_context._has_batch else "op.get_context().impl"
    return f"{impl}.add_constraint({fk})"


#: Alembic's own alter_column renderer, extended below with keywords it leaves out
_alembic_alter_column = alembic_render._alter_column
#: alter_column keywords Alembic's renderer drops; MySQL needs existing_autoincrement
#: to keep AUTO_INCREMENT through MODIFY/CHANGE, PostgreSQL postgresql_using for casts
_ALTER_EXTRA_KW = ("existing_autoincrement", "postgresql_using")


@renderers.dispatch_for(AlterColumnOp)
def _render_alter_column(autogen_context, op: AlterColumnOp) -> str:
    text = with_new_column_name(_alembic_alter_column(autogen_context, op), op)
    extra = [(k, op.kw[k]) for k in _ALTER_EXTRA_KW if op.kw.get(k) is not None]
    if extra:
        assert text.endswith(")")
        text = text[:-1] + "".join(f",\n{' ' * 11}{k}={py_literal(v)}" for k, v in extra) + ")"
    return text


#: Alembic's own ModifyTableOps renderer (``with op.batch_alter_table(...)``)
_alembic_modify_table = alembic_render._render_modify_table


def _batch_lines(autogen_context, op, body, copy_from, recreate: str | None = None) -> list[str]:
    # foreign keys to names with a dot cannot be copied by the rebuild (it respells their
    # target as a 'table.column' string): they go to table_args, as the rebuilt table
    # gets them, unless the batch drops one of their columns (the copy would skip them);
    # so do the ones the batch creates when SQLite always rebuilds (see fk_target_has_dot)
    # a CopyFrom of plain names (no dot anywhere) is written directly; the others as the
    # sa.Table they make
    direct = hasattr(copy_from, "source") and plain_table(copy_from.table)
    if hasattr(copy_from, "to_sa") and not direct:
        copy_from = copy_from.to_sa()
    dotted = (
        []
        if direct
        else sorted(
            (c for c in copy_from.foreign_key_constraints if _has_dotted_target(c)),
            key=lambda c: c.name,
        )
    )
    dropped = {o.column_name for o in body if isinstance(o, alembic_ops.DropColumnOp)}
    table_args = [
        _fk_constraint_source(
            c.name,
            list(c.column_keys),
            c.elements[0].column.table.schema,
            c.elements[0].column.table.name,
            [e.column.name for e in c.elements],
            {"onupdate": c.onupdate, "ondelete": c.ondelete},
        )
        for c in dotted
        if not dropped & set(c.column_keys)
    ]
    if recreate == "always":
        created = [o for o in body if _creates_dotted_fk(o)]
        body = [o for o in body if o not in created]
        table_args += [
            _fk_constraint_source(
                o.constraint_name,
                o.local_cols,
                o.kw.get("referent_schema"),
                o.referent_table,
                o.remote_cols,
                o.kw,
            )
            for o in created
        ]
    # the table first, one line each so that the printer indents them (a repr holds no
    # raw newline), then the batch
    source = (
        copy_from.source(autogen_context)
        if direct
        else table_source(autogen_context, copy_from, dotted)
    )
    table = f"_copy_from = {source}".split("\n")
    assert table[-1] == ")", table[-1]
    lines = [table[0], *(f"    {line}" for line in table[1:-1]), table[-1]]
    extra = "" if recreate is None else f"recreate={recreate!r}, "
    args = f", table_args=[{', '.join(table_args)}]" if table_args else ""
    lines.append(
        f"with op.batch_alter_table({op.table_name!r}, schema={op.schema!r}, "
        f"{extra}copy_from=_copy_from{args}) as batch_op:"
    )
    body_start = len(lines)
    with autogen_context._within_batch():
        for sub in body:
            lines.extend(render_op(autogen_context, sub))
    if len(lines) == body_start:
        lines.append("pass")
    lines.append("")
    return lines


@renderers.dispatch_for(TableBatchOp)
def _render_modify_table(autogen_context, op: TableBatchOp) -> list[str]:
    """Batch mode with ``copy_from=`` the table as the snapshot defines it (set by
    ``emit``) where SQLite rebuilds the table; with ``sqlite_ops``, SQLite runs a rebuild
    that creates the table's new constraints itself (other dialects run ``op.ops``)."""
    copy_from = op.copy_from
    if copy_from is None or not op.ops or not autogen_context.opts.get("render_as_batch"):
        return _alembic_modify_table(autogen_context, op)
    if op.sqlite_ops is None:
        return _batch_lines(autogen_context, op, op.ops, copy_from)
    sqlite = _batch_lines(autogen_context, op, op.sqlite_ops, copy_from, recreate="always")
    if op.sqlite_only:
        return sqlite
    other = _alembic_modify_table(autogen_context, op)
    return [f"if {_dialect_test(SQLITE)}:", *sqlite, "else:", *other, ""]


@renderers.dispatch_for(SetTableCommentOp)
def _render_create_table_comment(autogen_context, op: SetTableCommentOp) -> list[str]:
    # Alembic's own renderer writes the table name without quoting it
    return [
        f"op.create_table_comment({py_literal(op.table_name)}, {py_literal(op.comment)}, "
        f"existing_comment={py_literal(op.existing_comment)}, schema={py_literal(op.schema)})"
    ]


@renderers.dispatch_for(DropTableCommentOp)
def _render_drop_table_comment(autogen_context, op: DropTableCommentOp) -> list[str]:
    return [
        f"op.drop_table_comment({py_literal(op.table_name)}, "
        f"existing_comment={py_literal(op.existing_comment)}, schema={py_literal(op.schema)})"
    ]


@renderers.dispatch_for(RenameTableOp)
def _render_rename_table(autogen_context, op: RenameTableOp) -> list[str]:
    return [
        f"op.rename_table({py_literal(op.table_name)}, {py_literal(op.new_table_name)}, "
        f"schema={py_literal(op.schema)})"
    ]
