"""The table a SQLite batch rebuild copies from (``copy_from=``), rendered as source.

A big revision rebuilds hundreds of tables on SQLite; building each as a ``sa.Table``
and rendering it through Alembic's ``create_table`` renderer (which copies the table
once more) took most of the time of ``dbplan generate``. :meth:`CopyFrom.source` writes
the same text directly from the snapshot's table for tables whose names are plain
identifiers, with Alembic's own renderers for each column type (once per type), server
default and check constraint; any other table goes through the ``sa.Table``
(:func:`table_source`). tests/revisions/test_copy_from.py
holds both to the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alembic.autogenerate import render as alembic_render
from alembic.operations import ops as alembic_ops

from planner import ops as our
from planner.dialects.sqlite import SQLite
from planner.revisions.literals import ddl_text, default_text, py_literal, sql_text_call
from planner.revisions.sa_bridge import sa_table_full, sa_type

if TYPE_CHECKING:
    import sqlalchemy as sa

    from planner.state.model import Table

#: names written the same by ``repr`` of a ``str`` and of SQLAlchemy's ``quoted_name``,
#: and read back whole from an ``'schema.table.column'`` foreign key target
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")


@dataclass(frozen=True, slots=True)
class CopyFrom:
    """A table as the snapshot defines it, with the values of the snapshot's enums."""

    table: Table
    enums: dict[str, tuple[str, ...]]

    def to_sa(self) -> sa.Table:
        """The ``sa.Table`` (:func:`planner.revisions.sa_bridge.sa_table_full`)."""
        return sa_table_full(self.table, self.enums)

    def __post_init__(self) -> None:
        from planner.revisions.sa_bridge import portable  # SQLite's: no PostgreSQL properties

        object.__setattr__(self, "table", portable(self.table))

    def source(self, autogen_context: Any) -> str:
        """``sa.Table(name, sa.MetaData(), columns..., constraints..., indexes..., schema=...)``:
        :func:`table_source` of :meth:`to_sa`."""
        if not plain_table(self.table):
            return table_source(autogen_context, self.to_sa())
        return _direct_source(autogen_context, self.table, self.enums)


def plain_table(table: Table) -> bool:
    """Are all names of ``table`` plain identifiers, its column names distinct and every
    column its keys and indexes name one of them (what :func:`_direct_source` needs)?"""
    names = [c.name for c in table.columns]
    have = set(names)
    if len(have) != len(names):
        return False
    idents = [table.name, *names]
    if table.schema is not None:
        idents.append(table.schema)
    used: list[str] = []
    pk = table.primary_key
    if pk is not None:
        if pk.name is not None:
            idents.append(pk.name)
        used += pk.columns
    for u in table.uniques:
        idents.append(u.name)
        used += u.columns
    for ck in table.checks:
        idents.append(ck.name)
    for fk in table.foreign_keys:
        idents += [fk.name, fk.ref_table, *fk.ref_columns]
        if fk.ref_schema is not None:
            idents.append(fk.ref_schema)
        used += fk.columns
    for ix in table.indexes:
        idents.append(ix.name)
        used += ix.columns
    if not have.issuperset(used):
        return False
    if any(
        type(c.nullable) is not bool
        or c.autoincrement not in (None, True, False)
        or c.identity is not None  # sa.Identity / sa.Computed: Alembic's renderer
        or c.generated is not None
        for c in table.columns
    ):
        return False
    return all(type(n) is str and _PLAIN.match(n) for n in idents)


def _direct_source(autogen_context: Any, table: Table, enums: dict[str, tuple[str, ...]]) -> str:
    """What ``table_source(autogen_context, sa_table_full(table, enums))`` writes (Alembic's
    ``_add_table`` of a ``CreateTableOp.from_table``), for a :func:`plain_table`."""
    args = [_column_source(autogen_context, c, enums) for c in table.columns]
    constraints: list[str] = []
    pk = table.primary_key
    if pk is not None and pk.columns:
        pk_args = [repr(c) for c in pk.columns]
        if pk.name:
            pk_args.append(f"name={pk.name!r}")
        constraints.append(f"sa.PrimaryKeyConstraint({', '.join(pk_args)})")
    for u in table.uniques:
        u_args = [repr(c) for c in u.columns]
        if u.name:
            u_args.append(f"name={u.name!r}")
        constraints.append(f"sa.UniqueConstraint({', '.join(u_args)})")
    for ck in table.checks:
        constraints.append(_check_source(autogen_context, ck.sqltext, ck.name))
    for fk in table.foreign_keys:
        prefix = ".".join(p for p in (fk.ref_schema, fk.ref_table) if p)
        opts = [f"name={fk.name!r}"] if fk.name else []
        if fk.onupdate:
            opts.append(f"onupdate={fk.onupdate!r}")
        if fk.ondelete:
            opts.append(f"ondelete={fk.ondelete!r}")
        cols = ", ".join(repr(c) for c in fk.columns)
        refs = ", ".join(repr(f"{prefix}.{c}") for c in fk.ref_columns)
        constraints.append(f"sa.ForeignKeyConstraint([{cols}], [{refs}], {', '.join(opts)})")
    args += sorted(constraints)
    if len(args) > alembic_render.MAX_PYTHON_ARGS:
        body = "*[" + ",\n".join(args) + "]"
    else:
        body = ",\n".join(args)
    tail = [
        index_source(ix.name, ix.columns, ix.unique, ix.where)
        for ix in sorted(table.indexes, key=lambda i: i.name)
    ]
    if table.schema is not None:
        tail.append(f"schema={py_literal(table.schema)}")
    return f"sa.Table({table.name!r},\nsa.MetaData(),\n{body}{''.join(f',{chr(10)}{t}' for t in tail)}\n)"


def _column_source(autogen_context: Any, col: Any, enums: dict[str, tuple[str, ...]]) -> str:
    """Alembic's ``_render_column`` of :func:`planner.revisions.emit.sa_column` (copied, as
    ``CreateTableOp.to_table`` does)."""
    import sqlalchemy as sa

    opts: list[str] = []
    if col.ddl_default is not None:
        rendered = alembic_render._render_server_default(
            sa.schema.DefaultClause(default_text(col.ddl_default)), autogen_context
        )
        if rendered:
            opts.append(f"server_default={rendered}")
    if col.autoincrement is not None:
        opts.append(f"autoincrement={col.autoincrement}")
    opts.append(f"nullable={col.nullable}")
    if col.comment is not None:
        opts.append(f"comment={col.comment!r}")
    return f"sa.Column({col.name!r}, {_type_source(autogen_context, col.type, enums, col.collation)}, {', '.join(opts)})"


def _type_source(
    autogen_context: Any,
    type_text: str,
    enums: dict[str, tuple[str, ...]],
    collation: str | None = None,
) -> str:
    """Alembic's rendering of a column's type (with its collation), once per type and
    rendering."""
    from sqlalchemy.sql.base import SchemaEventTarget

    def render() -> str:
        t = sa_type(type_text, enums, collation)
        if isinstance(t, SchemaEventTarget):  # what Column._copy does to the type
            t = t.copy()
        return alembic_render._repr_type(t, autogen_context)

    key = (
        "type",
        type_text,
        collation,
        tuple(enums.get(name) for name in our.enums_of_type(type_text)),
    )
    return _once(autogen_context, key, render)


def _check_source(autogen_context: Any, sqltext: str, name: str) -> str:
    import sqlalchemy as sa

    def render() -> str:
        check = sa.CheckConstraint(ddl_text(sqltext), name=name)
        return alembic_render._render_check_constraint(check, autogen_context, None)

    return _once(autogen_context, ("check", sqltext, name), render)


def _once(autogen_context: Any, key: tuple, render: Callable[[], str]) -> str:
    """``render()``, once per ``key`` and rendering (kept on the Alembic context)."""
    memo = autogen_context.__dict__.setdefault("_dbplan_sources", {})
    found = memo.get(key)
    if found is None:
        found = memo[key] = render()
    return found


def table_source(autogen_context, table, leave_out: Sequence[Any] = ()) -> str:
    """``sa.Table(name, sa.MetaData(), columns..., constraints..., indexes..., schema=...)``
    of a ``sa.Table``, without the constraints in ``leave_out``
    (:class:`CopyFrom` writes the same text without one)."""
    create = alembic_ops.CreateTableOp.from_table(table)
    if leave_out:
        create.columns = [c for c in create.columns if all(c is not x for x in leave_out)]
    # keywords after the indexes (below); SQLite has no comments: none needed
    create.schema = None
    create.comment = None
    text = alembic_render._add_table(autogen_context, create)
    prefix = "op.create_table("
    assert text.startswith(prefix) and text.endswith("\n)"), text
    # the name is a repr (no raw newline): the first ",\n" ends it
    name, rest = text[len(prefix) :].split(",\n", 1)
    indexes = []
    for ix in sorted(table.indexes, key=lambda i: i.name):
        where = ix.dialect_options[SQLite.name].get("where")
        indexes.append(
            index_source(
                ix.name,
                [c.name for c in ix.columns],
                ix.unique,
                None if where is None else where.text,
            )
        )
    if table.schema is not None:
        indexes.append(f"schema={py_literal(table.schema)}")
    rest = rest[: -len("\n)")] + "".join(f",\n{ix}" for ix in indexes) + "\n)"
    return f"sa.Table({name},\nsa.MetaData(),\n{rest}"


def index_source(name: str, columns: Sequence[str], unique: bool, where: str | None) -> str:
    """``sa.Index(...)`` of a ``copy_from`` table.

    Example:
        >>> index_source("ix_a", ["a"], True, "a > 0")
        "sa.Index('ix_a', 'a', unique=True, sqlite_where=sa.text('a > 0'))"
    """
    args = [py_literal(name), *(py_literal(c) for c in columns)]
    if unique:
        args.append("unique=True")
    if where is not None:
        args.append(f"sqlite_where={sql_text_call(where)}")
    return f"sa.Index({', '.join(args)})"
