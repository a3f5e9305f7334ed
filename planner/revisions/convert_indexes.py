"""The Alembic ``CreateIndexOp`` of a snapshot index: its columns, or (PostgreSQL) its
key elements as ``sa.text()`` (an expression, ``COLLATE``, an operator class, ``DESC`` /
``NULLS``), and the dialect keyword arguments of its predicate, method, ``INCLUDE``
columns and storage parameters (``postgresql_with``)."""

from __future__ import annotations

from typing import Any

from alembic.operations import ops as alembic_ops

from planner.revisions.literals import ddl_text
from planner.state.model import Index, Table


def index_op(table: Table, index: Index) -> alembic_ops.CreateIndexOp:
    """``op.create_index(...)`` of ``index`` on ``table``.

    Example:
        >>> from planner.state.model import IndexElement
        >>> ix = Index(name="ix", columns=("email",), storage=(("fillfactor", "70"),),
        ...            elements=(IndexElement(expression="lower(email)", order="desc"),))
        >>> op = index_op(Table(name="u"), ix)
        >>> [str(c) for c in op.columns], op.kw
        (['(lower(email)) DESC'], {'postgresql_with': {'fillfactor': '70'}})
    """
    kw: dict[str, Any] = {}
    if index.where is not None:
        kw = {"postgresql_where": ddl_text(index.where), "sqlite_where": ddl_text(index.where)}
    if index.using is not None:
        kw["postgresql_using"] = index.using
    if index.include:
        kw["postgresql_include"] = list(index.include)
    if index.storage:
        kw["postgresql_with"] = dict(index.storage)
    columns: list[Any] = list(index.columns)
    if index.elements:
        from planner.dialects import having

        part = having("has_index_methods").part("indexes")  # the elements are PostgreSQL's
        columns = [ddl_text(part.element_sql(el)) for el in index.elements]
    return alembic_ops.CreateIndexOp(
        index.name, table.name, columns, schema=table.schema, unique=index.unique, **kw
    )
