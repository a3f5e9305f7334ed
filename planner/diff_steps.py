"""The data steps between two snapshots (:class:`~planner.ops.steps.RunDataStep`).

Steps are a migration hint of the release that declares them: going up (``new`` is the
later release), each step of ``new`` whose name ``old`` does not list runs, in the order
written; going down (``new`` is the earlier release, as the downgrade plan diffs), each
step of ``old`` that ``new`` does not list is undone, in reverse order. The later release
is the greater PEP 440 version (``empty`` first).

Example:
    >>> from planner.state.model import Column, DataStep, Snapshot, Table
    >>> t = Table(name="t", columns=(Column(name="c", type="Integer"),))
    >>> s = DataStep(name="fill", writes=("t.c",), sql=(("*", "UPDATE t SET c = 1"),), irreversible=True)
    >>> a, b = Snapshot(release="1", tables=(t,)), Snapshot(release="2", tables=(t,), steps=(s,))
    >>> [op.describe() for op in diff_steps(a, b)], [op.describe() for op in diff_steps(b, a)]
    (['Run data step fill (writes t.c)'], ['Refuse the downgrade: data step fill has no downgrade'])
"""

from __future__ import annotations

from planner.ops.base import PlannerError
from planner.ops.steps import RunDataStep, Target
from planner.state.model import Snapshot, table_key_str


class StepError(PlannerError):
    """A data step names what neither release has."""


def _order(release: str) -> tuple:
    from packaging.version import InvalidVersion, Version

    if release == "empty":
        return (0, Version("0"), "")
    try:
        return (1, Version(release), "")
    except InvalidVersion:
        return (2, Version("0"), release)


def _exists(snapshot: Snapshot, target: Target) -> bool:
    key, column = target
    t = snapshot.get_table(key)
    return t is not None and (column is None or t.has_column(column))


def _check(op: RunDataStep, old: Snapshot, new: Snapshot, later: Snapshot) -> None:
    for target in op.reads + op.writes:
        if not (_exists(old, target) or _exists(new, target)):
            key, column = target
            shown = table_key_str(key) + (f".{column}" if column else "")
            raise StepError(
                f"data step {op.step.name!r} of release {later.release} names "
                f"{shown}, which neither release {old.release} nor {new.release} has; name a "
                "table or column of either release in reads/writes"
            )


def diff_steps(old: Snapshot, new: Snapshot) -> list[RunDataStep]:
    """The step operations between ``old`` and ``new`` (see the module docstring)."""
    if old.release == new.release:
        return []
    up = _order(new.release) > _order(old.release)
    later, earlier = (new, old) if up else (old, new)
    done = {s.name for s in earlier.steps}
    ops = [
        RunDataStep(step=s, down=not up, seq=i if up else len(later.steps) - i)
        for i, s in enumerate(later.steps)
        if s.name not in done
    ]
    for op in ops:
        _check(op, old, new, later)
    return ops if up else ops[::-1]
