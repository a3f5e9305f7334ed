"""The diff of the routines (functions, procedures, triggers) two snapshots manage.

A routine of one side only is created or dropped; a changed function or procedure is
replaced (PostgreSQL: ``CREATE OR REPLACE``, the triggers using it stay; MariaDB/MySQL:
dropped and created again); a changed trigger is dropped and created again. Definitions
compare by meaning, as their dialect normalises them
(:func:`planner.state.routines_yaml.same_definition`).

Where the dialect alters a table by rebuilding it (SQLite), the rebuild loses the
table's triggers, and a trigger of another table naming it stops the rename that ends
the rebuild: an unchanged trigger on, or naming, a table the plan alters is dropped
before the rebuild and created again after it.

A view the plan drops and creates again (its definition changes, a column type changes
under it: :func:`planner.diff_views.diff_views`) takes its triggers (``INSTEAD OF``)
with it: an unchanged trigger on such a view is dropped before it and created again
after it (:func:`around_views`).

An object the old snapshot lists under ``unmanaged`` (left alone: it exists) and the new
one models is replaced, not created; one the new snapshot lists under ``unmanaged`` is
not dropped.

Example:
    >>> from planner.state.model import Routine, Snapshot
    >>> f = Routine(kind="function", name="f()", definition="CREATE FUNCTION f() ...")
    >>> [op.describe() for op in diff_routines(Snapshot(release="1"),
    ...                                         Snapshot(release="2", routines=(f,)))]
    ['Create function f()']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from planner import ops as our
from planner.dialects import get
from planner.ops.base import Operation
from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine, SetRoutineComment
from planner.ops.views import CreateView, DropView
from planner.state.model import Routine, Snapshot
from planner.state.routines_yaml import listed_unmanaged, same_definition

#: operations that make SQLite rebuild their table (Alembic's batch mode with recreate;
#: an added column without a default alters in place, but a rebuild is the safe guess)
_REBUILDING = (
    our.AddColumn,
    our.DropColumn,
    our.RenameColumn,
    our.AlterColumnType,
    our.AlterColumnNullable,
    our.AlterColumnDefault,
    our.AlterColumnAutoincrement,
    our.AddPrimaryKey,
    our.DropPrimaryKey,
    our.AddForeignKey,
    our.DropForeignKey,
    our.AddUnique,
    our.DropUnique,
    our.AddCheck,
    our.DropCheck,
)


def diff_routines(
    old: Snapshot, new: Snapshot, *, table_ops: Sequence[Operation] = ()
) -> list[Operation]:
    """The routine operations turning ``old``'s routines into ``new``'s; ``table_ops``:
    the plan's other operations (the tables a rebuild alters)."""
    have = {r.key: r for r in old.routines}
    want = {r.key: r for r in new.routines}
    rebuilt = {op.table_key[1] for op in table_ops if isinstance(op, _REBUILDING)}
    ops: list[Operation] = []
    for key in sorted(want.keys() - have.keys(), key=str):
        r = want[key]
        if not listed_unmanaged(r, old):
            ops.append(CreateRoutine(routine=r))
        elif r.table is None:  # left alone until now: it exists, in some definition
            ops.append(ReplaceRoutine(old=r, new=r))
            if r.comment is not None:  # and with whatever comment: this one
                ops.append(SetRoutineComment(old=replace(r, comment=None), new=r))
        else:
            ops += [DropRoutine(routine=r), CreateRoutine(routine=r)]
    for key in sorted(have.keys() - want.keys(), key=str):
        if not listed_unmanaged(have[key], new):  # to be left alone: it stays
            ops.append(DropRoutine(routine=have[key]))
    for key in sorted(have.keys() & want.keys(), key=str):
        a, b = have[key], want[key]
        if same_definition(a, b):
            if a.table is not None and _lost_by_rebuild(b, rebuilt):
                ops += [DropRoutine(routine=a), CreateRoutine(routine=b)]
            elif a.comment != b.comment:
                ops.append(SetRoutineComment(old=a, new=b))
            continue
        if a.table is None:
            ops.append(ReplaceRoutine(old=a, new=b))
            if a.comment != b.comment:  # CREATE OR REPLACE keeps the old one
                ops.append(SetRoutineComment(old=a, new=b))
        else:
            ops += [DropRoutine(routine=a), CreateRoutine(routine=b)]
    return ops


def _lost_by_rebuild(r: Routine, rebuilt: set[str]) -> bool:
    """``r`` is a trigger its dialect's table rebuilds would lose or break."""
    dialect = get(r.dialect)
    if not dialect.alters_by_rebuild or not rebuilt:
        return False
    part = dialect.part("routines")
    return any(part.reads_table(r, table) for table in sorted(rebuilt))


def around_views(
    old: Snapshot, new: Snapshot, view_ops: Sequence[Operation], routine_ops: Sequence[Operation]
) -> list[Operation]:
    """The drop and create of each trigger of a view that ``view_ops`` drop and create
    again, unless ``routine_ops`` already drop it (changed, or lost by a rebuild).

    Example:
        >>> from planner.ops.views import CreateView, DropView
        >>> from planner.state.model import View
        >>> v = View(name="v", definition="SELECT 1 AS one")
        >>> t = Routine(kind="trigger", name="v_ins", table="v", definition="CREATE TRIGGER ...")
        >>> s = Snapshot(release="1", views=(v,), routines=(t,))
        >>> [op.describe() for op in around_views(s, s, [DropView(view=v), CreateView(view=v)], [])]
        ['Drop trigger v_ins on v', 'Create trigger v_ins on v']
    """
    dropped = {op.view.key for op in view_ops if isinstance(op, DropView)}
    again = dropped & {op.view.key for op in view_ops if isinstance(op, CreateView)}
    if not again:
        return []
    done = {op.routine.key for op in routine_ops if isinstance(op, DropRoutine)}
    want = {r.key: r for r in new.routines}
    out: list[Operation] = []
    for r in old.routines:
        if r.table is None or (r.schema, r.table) not in again or r.key in done:
            continue
        if r.key in want:  # one the new snapshot leaves out is dropped already
            out += [DropRoutine(routine=r), CreateRoutine(routine=want[r.key])]
    return out
