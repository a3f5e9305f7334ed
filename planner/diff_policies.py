"""The diff of the row-level security and policies of two snapshots' tables.

A new table is created without them (``CreateTable`` makes the bare table), then given
them; a dropped table takes its policies with it (``DROP TABLE``). A policy of one side
only is created or dropped; one whose roles or expressions change (compared by meaning:
:func:`planner.state.policies.same_policy`) is altered in place (``ALTER POLICY``), one
whose command or permissiveness changes is dropped and created again; so is a policy
that an operation of the plan does not survive (a type change or drop of a column it
reads: :func:`planner.ops.policies.disturbs`).

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> from planner.state.policies import Policy
    >>> a = Table(name="t", columns=(Column(name="o", type="Text"),))
    >>> b = Table(name="t", columns=a.columns, row_level_security="enabled",
    ...           policies=(Policy(name="own", using="o = current_user"),))
    >>> [op.describe() for op in diff_policies(Snapshot(release="1", tables=(a,)),
    ...                                        Snapshot(release="2", tables=(b,)), [])]
    ['Enable row-level security on t', 'Create policy own on t']
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.ops.base import Operation
from planner.ops.constraint_comments import SetPolicyComment
from planner.ops.policies import (
    AlterPolicy,
    CreatePolicy,
    DropPolicy,
    SetRowLevelSecurity,
    alterable,
    disturbs,
)
from planner.state.model import Snapshot, Table
from planner.state.policies import columns_read, same_policy


def diff_policies(old: Snapshot, new: Snapshot, ops: Sequence[Operation]) -> list[Operation]:
    """The operations turning ``old``'s row-level security and policies into ``new``'s,
    given the other operations of the plan (``ops``: the column changes a policy may
    not survive)."""
    out: list[Operation] = []
    olds = old.tables_by_key()
    for key in sorted(new.tables_by_key(), key=lambda k: (k[0] or "", k[1])):
        nt = new.get_table(key)
        ot = olds.get(key)
        if nt is None:
            continue
        if ot is None:
            ot = Table(name=nt.name, schema=nt.schema, columns=nt.columns)
        if not ot.policies and not nt.policies and ot.row_level_security == nt.row_level_security:
            continue
        out += _diff_table(ot, nt, ops)
    return out


def _diff_table(ot: Table, nt: Table, ops: Sequence[Operation]) -> list[Operation]:
    key = nt.key
    out: list[Operation] = []
    if ot.row_level_security != nt.row_level_security:
        out.append(
            SetRowLevelSecurity(table_key=key, old=ot.row_level_security, new=nt.row_level_security)
        )
    have = {p.name: p for p in ot.policies}
    want = {p.name: p for p in nt.policies}
    table_ops = [op for op in ops if op.table_key == key]

    def disturbed(cols: tuple[str, ...]) -> bool:
        return any(disturbs(op, key, cols) for op in table_ops)

    for name in sorted(have.keys() | want.keys()):
        a, b = have.get(name), want.get(name)
        a_cols = columns_read(a, ot.column_names) if a is not None else ()
        b_cols = columns_read(b, nt.column_names) if b is not None else ()
        drop = create = False
        if a is None:
            create = True
        elif b is None:
            drop = True
        elif disturbed(a_cols) or disturbed(b_cols):
            drop = create = True
        elif same_policy(a, b) or alterable(a, b):
            if not same_policy(a, b):
                out.append(
                    AlterPolicy(table_key=key, old=a, new=b, old_columns=a_cols, new_columns=b_cols)
                )
            if a.comment != b.comment:  # COMMENT ON POLICY alone; a created one has its own
                out.append(SetPolicyComment(table_key=key, name=name, old=a.comment, new=b.comment))
            continue
        else:
            drop = create = True
        if drop and a is not None:
            out.append(DropPolicy(table_key=key, policy=a, columns=a_cols))
        if create and b is not None:
            out.append(CreatePolicy(table_key=key, policy=b, columns=b_cols))
    return out
