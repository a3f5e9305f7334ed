"""``dbplan check``'s checker of data steps across releases: what a step reads must be a
table or column of the previous release or of its own (a step may read what its release
drops, so loading one snapshot cannot tell), one ``file:line:col`` line per problem.

Example:
    >>> from planner.state.model import Column, Table
    >>> s = Snapshot(release="1", tables=(Table(name="t", columns=(Column(name="c", type="Text"),)),))
    >>> _has(s, "t.c"), _has(s, "t"), _has(s, "t.d")
    (True, True, False)
"""

from __future__ import annotations

from typing import Any

from planner.state.model import Snapshot
from planner.state.steps_yaml import parse_target


def _has(snapshot: Snapshot, name: str) -> bool:
    target = parse_target(name)
    if target is None:
        return False
    schema, table, column = target
    t = snapshot.get_table((schema, table))
    return t is not None and (column is None or t.has_column(column))


def check_steps(project: Any, snapshots: dict[str, Snapshot]) -> list[str]:
    """Problems of each release's new steps against the release before it."""
    from planner.state.reader import parse_yaml

    files = project.snapshot_files()
    out: list[str] = []
    releases = list(snapshots)
    for prev, release in zip(releases, releases[1:], strict=False):
        old, new = snapshots[prev], snapshots[release]
        done = {s.name for s in old.steps}
        bad = []
        for i, step in enumerate(new.steps):
            if step.name in done:
                continue
            for key in ("reads", "writes"):
                for j, name in enumerate(getattr(step, key)):
                    if not (_has(old, name) or _has(new, name)):
                        bad.append(((i, key, j), step.name, key, name))
        if not bad:
            continue
        path = files[release]
        shown = project.display(path)
        _, sm, _ = parse_yaml(path.read_bytes(), shown)
        for (i, key, j), step, verb, name in bad:
            line, col = sm.locate(("steps", i, key, j))
            out.append(
                f"{shown}:{line}:{col}: steps[{i}].{key}[{j}]: data step {step!r} "
                f"{verb[:-1]}s {name}, which neither release {prev} nor {release} has "
                "(name a table or column of either release)"
            )
    return out
