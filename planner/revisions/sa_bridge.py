"""The bridge from snapshot objects to SQLAlchemy ones (``sa.Table``, ``sa.Column``, types)
for the Alembic operations of a revision (never for a database).

Example:
    >>> from planner.state.model import Column, Table
    >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),))
    >>> sa_table(t, {}).c.id.nullable
    False
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from planner.ops import enums_of_type
from planner.revisions.literals import ddl_text, default_text
from planner.state import coltypes
from planner.state.model import Column, ForeignKey, Table

#: :func:`sa_type`'s types by (type text, values of the enums it names): a type is not
#: changed by the columns and tables that use it, and building one with its dialect
#: variants takes a fraction of a millisecond, thousands of times for a big revision
_SA_TYPES: dict[tuple[str, tuple], Any] = {}
_SA_TYPES_MAX = 4096


def sa_type(type_text: str, enums: dict[str, tuple[str, ...]], collation: str | None = None) -> Any:
    """The SQLAlchemy type of a column, enums not created by table DDL (shared: not to be
    changed; :func:`new_sa_type` makes one of its own); ``collation``: the column's own
    (``COLLATE``), set on a string type (:func:`collated`).

    Example:
        >>> sa_type("String(80)", {})
        String(length=80)
        >>> sa_type("Text", {}, "C")
        Text(collation='C')
    """
    key = (
        type_text,
        collation,
        tuple(
            (enums.get(name), getattr(enums.get(name), "schema", None))  # its schema too
            for name in enums_of_type(type_text)
        ),
    )
    found = _SA_TYPES.get(key)
    if found is None:
        found = collated(new_sa_type(type_text, enums), collation)
        if len(_SA_TYPES) >= _SA_TYPES_MAX:
            _SA_TYPES.clear()
        _SA_TYPES[key] = found
    return found


def new_sa_type(type_text: str, enums: dict[str, tuple[str, ...]]) -> Any:
    """:func:`sa_type`, a new object the caller may change.

    Example:
        >>> new_sa_type("String(80)", {}) is not new_sa_type("String(80)", {})
        True
    """
    return coltypes.to_sqlalchemy(type_text, enums=enums, create_enum_type=False)


def collated(t: Any, collation: str | None) -> Any:
    """``t`` with ``collation`` set (a string type, not an enum; its dialect variants too):
    SQLAlchemy writes ``TEXT COLLATE "C"`` (PostgreSQL, SQLite), ``VARCHAR(20) COLLATE
    utf8mb4_bin`` (MariaDB) wherever the type is written: a created table, an added
    column, a type change and MariaDB's ``MODIFY`` of the whole column."""
    if collation is None:
        return t
    for impl in (t, *getattr(t, "_variant_mapping", {}).values()):
        if isinstance(impl, sa.String) and not isinstance(impl, sa.Enum):
            impl.collation = collation
    return t


def column_sa_type(col: Column, enums: dict[str, tuple[str, ...]]) -> Any:
    """:func:`sa_type` of a snapshot column, with its collation."""
    return sa_type(col.type, enums, col.collation)


def sa_column(
    col: Column, enums: dict[str, tuple[str, ...]], *, primary_key: bool = False
) -> sa.Column:
    """A ``sa.Column`` for a snapshot column (for Alembic ops, not for a database).

    Example:
        >>> sa_column(Column(name="n", type="Integer", nullable=False), {}).nullable
        False
    """
    kw: dict[str, Any] = {}
    if col.ddl_default is not None:
        kw["server_default"] = default_text(col.ddl_default)
    if col.comment is not None:
        kw["comment"] = col.comment
    if col.autoincrement is not None:
        kw["autoincrement"] = col.autoincrement
    args: list[Any] = []
    if col.identity is not None:
        args.append(sa.Identity(always=col.identity == "always"))
    if col.generated is not None:
        args.append(sa.Computed(ddl_text(col.generated.expression), persisted=col.generated.stored))
    return sa.Column(
        col.name,
        column_sa_type(col, enums),
        *args,
        nullable=col.nullable,
        primary_key=primary_key,
        **kw,
    )


def sa_table(table: Table, enums: dict[str, tuple[str, ...]]) -> sa.Table:
    """A ``sa.Table`` with columns, primary key, uniques and checks (no FKs, indexes, rows).

    Example:
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),))
        >>> sa_table(t, {}).name
        'units'
    """
    md = sa.MetaData()
    items: list[Any] = [sa_column(c, enums) for c in table.columns]
    if table.primary_key is not None and table.primary_key.columns:
        items.append(
            sa.PrimaryKeyConstraint(*table.primary_key.columns, name=table.primary_key.name)
        )
    for u in table.uniques:
        items.append(sa.UniqueConstraint(*u.columns, name=u.name, **deferrable_kw(u.deferrable)))
    for ck in table.checks:
        items.append(sa.CheckConstraint(ddl_text(ck.sqltext), name=ck.name))
    kw: dict[str, Any] = {"prefixes": ["UNLOGGED"]} if table.unlogged else {}
    return sa.Table(table.name, md, *items, schema=table.schema, comment=table.comment, **kw)


def deferrable_kw(deferrable: str | None) -> dict[str, Any]:
    """SQLAlchemy's ``deferrable`` / ``initially`` of a snapshot's ``deferrable`` value.

    Example:
        >>> deferrable_kw("deferred"), deferrable_kw(None)
        ({'deferrable': True, 'initially': 'DEFERRED'}, {})
    """
    if deferrable is None:
        return {}
    return {"deferrable": True, "initially": deferrable.upper()}


def sa_table_full(table: Table, enums: dict[str, tuple[str, ...]]) -> sa.Table:
    """:func:`sa_table` with the foreign keys and indexes: a table as the snapshot defines it
    (``copy_from`` of a SQLite batch rebuild, instead of reflecting the table).

    Example:
        >>> from planner.state.model import Index
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           indexes=(Index(name="ix_id", columns=("id",)),))
        >>> [ix.name for ix in sa_table_full(t, {}).indexes]
        ['ix_id']
    """
    table = portable(table)  # SQLite's copy: no PostgreSQL properties
    t = sa_table(table, enums)
    for fk in table.foreign_keys:
        t.append_constraint(sa_foreign_key(fk))
    for ix in table.indexes:
        kw = {} if ix.where is None else {"sqlite_where": sa.text(ix.where)}
        sa.Index(ix.name, *(t.c[c] for c in ix.columns), unique=ix.unique, **kw)
    return t


def has_pg_properties(table: Table) -> bool:
    """Does ``table`` say ``unlogged`` or ``deferrable`` anywhere?"""
    pk = table.primary_key
    return (
        table.unlogged
        or (pk is not None and pk.deferrable is not None)
        or any(fk.deferrable for fk in table.foreign_keys)
        or any(u.deferrable for u in table.uniques)
        or bool(table.exclusions)
    )


def portable(table: Table) -> Table:
    """``table`` without its PostgreSQL properties (for the other databases)."""
    if not has_pg_properties(table):
        return table
    pk = table.primary_key
    return dataclasses.replace(
        table,
        unlogged=False,
        primary_key=dataclasses.replace(pk, deferrable=None) if pk is not None else None,
        foreign_keys=tuple(dataclasses.replace(fk, deferrable=None) for fk in table.foreign_keys),
        uniques=tuple(dataclasses.replace(u, deferrable=None) for u in table.uniques),
        exclusions=(),
    )


def sa_foreign_key(fk: ForeignKey) -> sa.ForeignKeyConstraint:
    """A ``sa.ForeignKeyConstraint`` for a snapshot foreign key (for Alembic ops).

    Example:
        >>> fk = ForeignKey(name="fk_a_b", columns=("b_id",), ref_table="b", ref_columns=("id",))
        >>> [e.target_fullname for e in sa_foreign_key(fk).elements]
        ['b.id']
    """
    prefix = ".".join(p for p in (fk.ref_schema, fk.ref_table) if p)
    targets: list[Any] = [f"{prefix}.{c}" for c in fk.ref_columns]
    if fk_target_has_dot(fk.ref_schema, fk.ref_table, fk.ref_columns):
        # SQLAlchemy splits a 'table.column' string at every dot: Column objects
        # (rendered into the batch's table_args, see alembic_ops._batch_lines)
        cols = [sa.Column(c) for c in dict.fromkeys(fk.ref_columns)]
        ref = sa.Table(fk.ref_table, sa.MetaData(), *cols, schema=fk.ref_schema)
        targets = [ref.c[c] for c in fk.ref_columns]
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        targets,
        name=fk.name,
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
        **deferrable_kw(fk.deferrable),
    )


def fk_target_has_dot(schema: str | None, table: str, columns: Sequence[str]) -> bool:
    """Whether a foreign key's target has a name with a dot in it.

    SQLAlchemy 2.0 spells a target as one ``'schema.table.column'`` string and splits it
    at every dot (``'p.1.0'`` is column ``0`` of table ``1`` in schema ``p``), and so
    do Alembic's ``create_foreign_key`` and its batch copy: such a target is given as
    Column objects instead (:func:`planner.revisions.alembic_ops.fk_constraint_source`).

    Example:
        >>> fk_target_has_dot(None, "p", ["1.0"]), fk_target_has_dot(None, "p", ["id"])
        (True, False)
    """
    return any("." in name for name in (schema or "", table, *columns))


__all__ = [
    "collated",
    "column_sa_type",
    "deferrable_kw",
    "fk_target_has_dot",
    "new_sa_type",
    "sa_column",
    "sa_foreign_key",
    "sa_table",
    "sa_table_full",
    "sa_type",
]
