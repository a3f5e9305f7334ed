"""The diff of PostgreSQL table properties changed in place (:mod:`planner.ops.pg_tables`):
a foreign key whose ``deferrable`` alone changes gets an ``ALTER CONSTRAINT`` (not a drop
and an add), a table whose ``unlogged`` changes ``SET LOGGED`` / ``SET UNLOGGED``; and
exclusion constraints, dropped and added (compared by meaning).

Example:
    >>> from planner.state.model import Column, Table
    >>> a = Table(name="t", columns=(Column(name="id", type="Integer"),))
    >>> [op.describe() for op in diff_pg_table(a, dataclasses.replace(a, unlogged=True))[1]]
    ['Make table t UNLOGGED']
"""

from __future__ import annotations

import dataclasses

from planner.ops.base import Operation
from planner.ops.pg_tables import (
    AddExclusion,
    AlterConstraintDeferrable,
    DropExclusion,
    SetTableLogged,
)
from planner.state.model import Table
from planner.state.pg_tables_yaml import same_exclusion


def diff_pg_table(ot: Table, nt: Table) -> tuple[Table, list[Operation]]:
    """The operations changing ``ot``'s properties in place into ``nt``'s, and ``ot`` as
    they leave it (for the rest of the table's diff: a foreign key altered in place is
    then unchanged)."""
    from planner.diff_constraint_comments import diff_constraint_comments

    ot, comments = diff_constraint_comments(ot, nt)  # COMMENT ON CONSTRAINT alone
    ops: list[Operation] = []
    if ot.unlogged != nt.unlogged:
        ops.append(SetTableLogged(table_key=nt.key, unlogged=nt.unlogged))
    new_fks = {fk.name: fk for fk in nt.foreign_keys}
    fks = []
    for fk in ot.foreign_keys:
        nfk = new_fks.get(fk.name)
        if (
            nfk is not None
            and nfk.deferrable != fk.deferrable
            and dataclasses.replace(nfk, deferrable=fk.deferrable) == fk
        ):
            ops.append(
                AlterConstraintDeferrable(
                    table_key=nt.key, name=fk.name, old=fk.deferrable, new=nfk.deferrable
                )
            )
            fk = nfk
        fks.append(fk)
    if ops:
        ot = dataclasses.replace(ot, foreign_keys=tuple(fks), unlogged=nt.unlogged)
    # exclusion constraints: dropped, added, changed (drop + add), compared by meaning
    old_ex = {e.name: e for e in ot.exclusions}
    new_ex = {e.name: e for e in nt.exclusions}
    for name in sorted(old_ex.keys() | new_ex.keys()):
        a, b = old_ex.get(name), new_ex.get(name)
        if same_exclusion(a, b):
            continue
        if a is not None:
            ops.append(DropExclusion(table_key=nt.key, exclusion=a))
        if b is not None:
            ops.append(AddExclusion(table_key=nt.key, exclusion=b))
    return ot, ops + comments
