"""The diff of generated columns: a column whose generation changes (its expression by
meaning, :func:`planner.sqlexpr.same_everywhere`; stored or virtual; a column becoming
generated or plain), a generated column whose type changes, or one that reads a column
whose type changes, is dropped and added again (no database alters a generation
expression in place; PostgreSQL refuses to retype a column a generated column reads).

Example:
    >>> from planner.state.model import Column, Generated, Table
    >>> a = Column(name="a", type="Integer")
    >>> g = Column(name="g", type="Integer", generated=Generated(expression="a * 2"))
    >>> old = Table(name="t", columns=(a, g))
    >>> new = Table(name="t", columns=(a, Column(name="g", type="Integer",
    ...             generated=Generated(expression="(a) * 2"))))
    >>> sorted(rebuilt_columns(old, new))
    []
    >>> sorted(rebuilt_columns(old, Table(name="t", columns=(Column(name="a", type="BigInteger"), g))))
    ['g']
"""

from __future__ import annotations

from planner import sqlexpr
from planner.state.column_kinds import expression_columns
from planner.state.model import Generated, Table


def same_generated(a: Generated | None, b: Generated | None) -> bool:
    """Two generations agree: both none, or the same storage and expressions that mean the
    same on every dialect."""
    if a is None or b is None:
        return a is b
    return a.stored == b.stored and sqlexpr.same_everywhere(a.expression, b.expression)


def rebuilt_columns(ot: Table, nt: Table) -> set[str]:
    """The columns of both versions of a table that are dropped and added again."""
    if not any(c.generated is not None for c in (*ot.columns, *nt.columns)):
        return set()
    retyped = {
        c.name for c in nt.columns if ot.has_column(c.name) and ot.column(c.name).type != c.type
    }
    out = set()
    for nc in nt.columns:
        if not ot.has_column(nc.name):
            continue
        oc = ot.column(nc.name)
        if oc.generated is None and nc.generated is None:
            continue
        if not same_generated(oc.generated, nc.generated) or oc.type != nc.type:
            out.add(nc.name)
        elif set(expression_columns(oc, ot.column_names)) & retyped:
            out.add(nc.name)
    return out
