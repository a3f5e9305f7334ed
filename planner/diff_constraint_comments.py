"""The diff of the comments of a table's constraints (PostgreSQL ``COMMENT ON
CONSTRAINT``): a constraint that stays and whose comment alone changes gets one
:class:`~planner.ops.constraint_comments.SetConstraintComment` (not a drop and an add); one
that is dropped and added again writes its new comment when it is added.

Example:
    >>> from planner.state.model import Check, Column, Table
    >>> a = Table(name="t", columns=(Column(name="b", type="Integer"),),
    ...           checks=(Check(name="ck", sqltext="b > 0"),))
    >>> b = dataclasses.replace(a, checks=(Check(name="ck", sqltext="(b > 0)", comment="pos"),))
    >>> ot, ops = diff_constraint_comments(a, b)
    >>> [op.describe() for op in ops], ot.checks[0].comment
    (["Set the comment of check ck on t to 'pos'"], 'pos')
"""

from __future__ import annotations

import dataclasses

from planner import sqlexpr
from planner.ops.constraint_comments import SetConstraintComment, SetConstraintIndexComment
from planner.state.constraint_comments import comments_of, constraints, with_comment
from planner.state.model import Table
from planner.state.pg_tables_yaml import same_exclusion


def _stays(kind: str, a, b) -> bool:
    """``a`` and ``b`` differ at most in their comment, as the rest of the table's diff
    compares them (so the constraint stays)."""
    a = dataclasses.replace(a, **dict(comments_of(kind, b)))
    if kind == "primary key":
        return a == b
    if kind == "exclusion constraint":
        return same_exclusion(a, b)
    return sqlexpr.same_object(a, b)


def diff_constraint_comments(ot: Table, nt: Table) -> tuple[Table, list]:
    """The comment changes of the constraints ``ot`` and ``nt`` share that otherwise
    stay (their own, and those of the indexes of keys, uniques and exclusions), and ``ot``
    with those comments changed (the rest of the diff then sees them equal)."""
    have = {(kind, name): o for kind, name, o in constraints(ot)}
    if ot.primary_key is not None and nt.primary_key is not None:
        have[("primary key", nt.primary_key.name)] = ot.primary_key
    ops = []
    for kind, name, b in constraints(nt):
        a = have.get((kind, name))
        if a is None or not _stays(kind, a, b):
            continue
        for key, new in comments_of(kind, b):
            old = getattr(a, key)
            if old == new:
                continue
            op = SetConstraintComment if key == "comment" else SetConstraintIndexComment
            ops.append(op(table_key=nt.key, constraint=kind, name=name, old=old, new=new))
            ot = with_comment(ot, kind, a.name, new, key)
    return ot, ops
