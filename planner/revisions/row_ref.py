"""A row value that names another row by its natural key, as revision source.

``category_id: {code: fruit}`` in a snapshot becomes, in the revision, the scalar
sub-select of the referenced row's id with bound values::

    sa.select(sa.column('id')).select_from(
        sa.select(sa.column('id')).select_from(sa.table('categories', schema=None))
        .where(sa.column('code') == 'fruit').subquery('_ref')).scalar_subquery()

The inner select sits in a derived table so MariaDB/MySQL accept it in an INSERT or
UPDATE of the referenced table itself (a self-reference; error 1093 otherwise).
:func:`planner.revisions.literals.py_literal` writes it like any other value.

Example:
    >>> print(RowRef(table="c", schema=None, column="id", match=(("code", "x"),)).source())
    sa.select(sa.column('id')).select_from(sa.select(sa.column('id')).select_from(sa.table('c', schema=None)).where(sa.column('code') == 'x').subquery('_ref')).scalar_subquery()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["RowRef"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RowRef:
    """The value of ``column`` of the row of ``table`` whose ``match`` columns hold the
    given (bound) values."""

    table: str
    schema: str | None
    column: str
    match: tuple[tuple[str, Any], ...]

    def source(self) -> str:
        from planner.revisions.literals import py_literal

        col = f"sa.column({py_literal(self.column)})"
        tests = [f"sa.column({py_literal(c)}) == {py_literal(v)}" for c, v in self.match]
        where = tests[0] if len(tests) == 1 else f"sa.and_({', '.join(tests)})"
        table = f"sa.table({py_literal(self.table)}, schema={py_literal(self.schema)})"
        inner = f"sa.select({col}).select_from({table}).where({where}).subquery('_ref')"
        return f"sa.select({col}).select_from({inner}).scalar_subquery()"
