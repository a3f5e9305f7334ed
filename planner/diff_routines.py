"""The diff of the routines (functions, procedures, triggers) two snapshots manage.

A routine of one side only is created or dropped; a changed function or procedure is
replaced in place (``CREATE OR REPLACE``: the triggers using it stay); a changed trigger
is dropped and created again.

Example:
    >>> from planner.state.model import Routine, Snapshot
    >>> f = Routine(kind="function", name="f()", definition="CREATE FUNCTION f() ...")
    >>> [op.describe() for op in diff_routines(Snapshot(release="1"),
    ...                                         Snapshot(release="2", routines=(f,)))]
    ['Create function f()']
"""

from __future__ import annotations

from planner.ops.base import Operation
from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine
from planner.state.model import Snapshot


def diff_routines(old: Snapshot, new: Snapshot) -> list[Operation]:
    """The routine operations turning ``old``'s routines into ``new``'s."""
    have = {r.key: r for r in old.routines}
    want = {r.key: r for r in new.routines}
    ops: list[Operation] = []
    for key in sorted(want.keys() - have.keys(), key=str):
        ops.append(CreateRoutine(routine=want[key]))
    for key in sorted(have.keys() - want.keys(), key=str):
        ops.append(DropRoutine(routine=have[key]))
    for key in sorted(have.keys() & want.keys(), key=str):
        a, b = have[key], want[key]
        if a.definition == b.definition:
            continue
        if a.table is None:
            ops.append(ReplaceRoutine(old=a, new=b))
        else:
            ops += [DropRoutine(routine=a), CreateRoutine(routine=b)]
    return ops
