"""What the operations on a generated column need: the columns its expression reads."""

from __future__ import annotations

from planner.ops.base import Ref, _col_ref
from planner.state.column_kinds import expression_columns
from planner.state.model import Column, TableKey


def generated_refs(table_key: TableKey, column: Column) -> frozenset[Ref]:
    """The columns a generated column's expression reads (a ref for every name in it:
    one that is no column of the table has no giver and makes no edge).

    Example:
        >>> from planner.state.model import Generated
        >>> c = Column(name="g", type="Integer", generated=Generated(expression="a * 2"))
        >>> [key for _, key in generated_refs((None, "t"), c)]
        [(None, 't', 'a')]
    """
    return frozenset(_col_ref(table_key, c) for c in expression_columns(column, None))
