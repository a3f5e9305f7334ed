"""The diff of PostgreSQL table properties changed in place (:mod:`planner.ops.pg_tables`):
a foreign key whose ``deferrable`` alone changes gets an ``ALTER CONSTRAINT`` (not a drop
and an add), a table whose ``unlogged`` changes ``SET LOGGED`` / ``SET UNLOGGED``.

Example:
    >>> from planner.state.model import Column, Table
    >>> a = Table(name="t", columns=(Column(name="id", type="Integer"),))
    >>> [op.describe() for op in diff_pg_table(a, dataclasses.replace(a, unlogged=True))[1]]
    ['Make table t UNLOGGED']
"""

from __future__ import annotations

import dataclasses

from planner.ops.base import Operation
from planner.ops.pg_tables import AlterConstraintDeferrable, SetTableLogged
from planner.state.model import Table


def diff_pg_table(ot: Table, nt: Table) -> tuple[Table, list[Operation]]:
    """The operations changing ``ot``'s properties in place into ``nt``'s, and ``ot`` as
    they leave it (for the rest of the table's diff: a foreign key altered in place is
    then unchanged)."""
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
    return ot, ops
