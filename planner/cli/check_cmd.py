"""``dbplan check``: every snapshot valid, then the project's other checkers.

Exit 0 when everything is valid; 1 when a snapshot is invalid (every problem printed,
one line each, ``file:line:col: path: message (hint)``); 3 when a checker reports
findings (e.g. a revision out of sync with its snapshots).

Checkers are named in :data:`CHECKERS` as ``"module:function"`` and imported only when
their module exists. Each is called as ``fn(project, snapshots)`` with the snapshots in
release order (``dict[str, Snapshot]``) and returns a list of finding lines.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
from collections.abc import Callable

import click

#: Checkers run once every snapshot is valid: "module:function" -> findings (exit 3).
CHECKERS: list[str] = [
    "planner.revisions.sync:check_revisions",
]


def _checkers() -> list[Callable]:
    out = []
    for spec in CHECKERS:
        module, _, attr = spec.partition(":")
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            found = None
        if found is None:
            continue
        out.append(getattr(importlib.import_module(module), attr))
    return out


def load_all(project) -> tuple[dict, list]:
    """Load every snapshot of ``project`` in release order: (snapshots, problems).

    Example:
        >>> snapshots, problems = load_all(load_project("."))
        >>> list(snapshots), problems
        (['0.1.0', '0.2.0'], [])
    """
    from planner.project import sort_releases
    from planner.state.errors import Problem, SnapshotError
    from planner.state.yamlio import load_snapshot

    files = project.snapshot_files()
    problems: list[Problem] = []
    valid = []
    for stem in sorted(files):
        try:
            sort_releases([stem])
        except Exception as e:  # noqa: BLE001 - ProjectError names the file
            problems.append(Problem(file=project.display(files[stem]), message=str(e)))
            continue
        valid.append(stem)
    from planner.state.prefetch import prefetch

    prefetch(files[release] for release in valid)
    snapshots = {}
    for release in sort_releases(valid):
        path = files[release]
        # long-lived, cycle-free objects: not for the cyclic collector to scan (see plan_cmd)
        enabled = gc.isenabled()
        gc.disable()
        try:
            snapshots[release] = load_snapshot(path, filename=project.display(path))
        except SnapshotError as e:
            problems.extend(e.problems)
        finally:
            gc.freeze()
            if enabled:
                gc.enable()
    return snapshots, problems


@click.command("check")
@click.pass_obj
def check(obj) -> None:
    """Validate every snapshot, then check revisions against them.

    A revision is out of sync when a snapshot changed after it was generated, or its
    upgrade()/downgrade() differ from what dbplan generates now (a deliberate hand
    edit is recorded with the line `# dbplan: edited=<digest>` the finding names);
    the chain is checked for release order and a single head.

    Exit 0 when all is valid, 1 when a snapshot is invalid, 3 on findings.
    """
    from planner.cli import Differences
    from planner.state.errors import Problem

    project = obj.project
    snapshots, problems = load_all(project)
    if not project.snapshot_files():
        raise click.ClickException(
            f"no snapshots in {project.display(project.snapshots_dir)}/ "
            "(write one with dbplan snapshot --release R ...)"
        )
    if problems:
        problems = sorted(problems, key=Problem.sort_key)
        for p in problems:
            click.echo(str(p), err=True)
        files = len({p.file for p in problems})
        count = sum(p.more or 1 for p in problems)  # a capped list's last line counts the rest
        raise click.ClickException(
            f"{count:,} problem{'s' if count != 1 else ''} in "
            f"{files} snapshot{'s' if files != 1 else ''}"
        )
    n = len(snapshots)
    click.echo(f"{n} snapshot{'s' if n != 1 else ''} valid: {', '.join(snapshots)}")
    findings: list[str] = []
    for fn in _checkers():
        findings.extend(fn(project, snapshots))
    if findings:
        for line in findings:
            click.echo(line, err=True)
        raise Differences(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")
