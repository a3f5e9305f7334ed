"""``dbplan check``: every snapshot valid, then the project's other checkers.

Exit 0 when everything is valid; 1 when a snapshot is invalid (every problem printed,
one line each, ``file:line:col: path: message (hint)``); 3 when a checker reports
findings (e.g. a revision out of sync with its snapshots).

Checkers are named in :data:`CHECKERS` as ``"module:function"`` and imported only when
their module exists. Each is called as ``fn(project, snapshots)`` with the snapshots in
release order (``dict[str, Snapshot]``) and returns a list of finding lines.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable

import click

from planner.cli.output import format_option

#: Checkers run once every snapshot is valid: "module:function" -> findings (exit 3).
CHECKERS: list[str] = [
    "planner.revisions.sync:check_revisions",
    "planner.state.steps_check:check_steps",
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


def _run_checkers(project, snapshots: dict, render_all: bool) -> list[str]:
    """The findings of every checker; ``render_all`` goes to those that take it."""
    import inspect

    out: list[str] = []
    for fn in _checkers():
        takes = "render_all" in inspect.signature(fn).parameters
        out.extend(
            fn(project, snapshots, render_all=render_all) if takes else fn(project, snapshots)
        )
    return out


def load_all(project, session=None) -> tuple[dict, list]:
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
    from planner.state.session import LoadSession

    session = session or LoadSession(targets=project.dialect_names)
    prefetch((files[release] for release in valid), session=session)
    snapshots = {}
    for release in sort_releases(valid):
        path = files[release]
        # long-lived, cycle-free objects: not for the cyclic collector to scan (see session)
        with session.paused_gc(freeze=True):
            try:
                snapshots[release] = load_snapshot(
                    path, filename=project.display(path), session=session
                )
            except SnapshotError as e:
                problems.extend(e.problems)
    return snapshots, problems


@click.command("check")
@click.option(
    "--models",
    "models_ref",
    metavar="MODULE:ATTR",
    help="Also compare these models with the newest snapshot (default: [tool.dbplan] models).",
)
@click.option(
    "--rows",
    "rows_ref",
    metavar="MODULE:ATTR",
    help="Managed rows for --models (default: [tool.dbplan] rows).",
)
@click.option(
    "--render-all",
    is_flag=True,
    help="Render every revision again and compare, even one whose `# dbplan: body=` line "
    "says it is as generated (that line is a checksum anyone can recompute, not a "
    "signature: use this where revision files come from people you do not trust).",
)
@format_option("schema dbplan.check/1")
@click.pass_obj
def check(
    obj,
    models_ref: str | None,
    rows_ref: str | None,
    render_all: bool = False,
    fmt: str = "text",
) -> None:
    """Validate every snapshot, then check revisions against them.

    A revision is out of sync when a snapshot changed after it was generated, or its
    upgrade()/downgrade() differ from what dbplan generates now (a deliberate hand
    edit is recorded with the line `# dbplan: edited=<digest>` the finding names);
    the chain is checked for release order and a single head.

    With --models (or [tool.dbplan] models = "app.models:Base.metadata"), the models
    are captured as `snapshot --from-models` does and compared with the newest
    snapshot: each operation that would turn the snapshot into the models is a finding
    ("did someone change a model and forget the snapshot?"). Hints (renamed_from,
    backfill) and row keys are not differences.

    Exit 0 when all is valid, 1 when a snapshot is invalid, 3 on findings.
    """
    from planner.cli import Differences
    from planner.state.errors import Problem

    project = obj.project
    snapshots, problems = load_all(project, obj.session)
    if not project.snapshot_files():
        raise click.ClickException(
            f"no snapshots in {project.display(project.snapshots_dir)}/ "
            "(write one with dbplan snapshot --release R ...)"
        )
    models_ref = models_ref or project.models_ref
    rows_ref = rows_ref or (project.rows_ref if models_ref == project.models_ref else None)
    if rows_ref and not models_ref:
        raise click.UsageError("--rows goes with --models MODULE:ATTR")
    if fmt == "json":
        return _check_json(
            project,
            snapshots,
            sorted(problems, key=Problem.sort_key),
            models_ref,
            rows_ref,
            render_all,
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
    findings.extend(_run_checkers(project, snapshots, render_all))
    if models_ref:
        findings.extend(models_findings(project, snapshots, models_ref, rows_ref))
    if findings:
        for line in findings:
            click.echo(line, err=True)
        raise Differences(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")


def models_findings(project, snapshots: dict, models_ref: str, rows_ref: str | None) -> list[str]:
    """One line per operation that would turn the newest snapshot into the models.

    The capture takes the newest snapshot's hints and row keys first, so only the state
    counts. An empty list when the models match.

    Example:
        >>> models_findings(load_project("."), {}, "app.models:Base", None)  # no snapshots
        []
    """
    from planner.cli.snapshot_cmd import _from_models
    from planner.diff import diff_snapshots
    from planner.renames import Renames
    from planner.state.hints import carry_hints

    if not snapshots:
        return []
    release = list(snapshots)[-1]
    newest = snapshots[release]
    captured = _from_models(project.root, release, models_ref, rows_ref)
    captured, _ = carry_hints(newest, captured)
    # models declare no views: the snapshot's are not a difference from them
    captured = dataclasses.replace(captured, views=newest.views)
    ops = diff_snapshots(newest, captured, renames=Renames(), targets=project.targets)
    shown = project.display(project.snapshot_path(release))
    found = [
        f"{shown}: the models ({models_ref}) differ: {d}"
        for d in sorted({op.describe() for op in ops})
    ]
    if found:  # the fix, once, under the last finding (not a finding of its own)
        found[-1] += (
            f"\n(update the snapshot: dbplan snapshot --release {release} "
            f"--from-models {models_ref}{' --rows ' + rows_ref if rows_ref else ''} --force)"
        )
    return found


def _check_json(
    project,
    snapshots: dict,
    problems: list,
    models_ref: str | None,
    rows_ref: str | None,
    render_all: bool = False,
) -> None:
    """``check --format json``: the document on stdout, the summary and exit code as in text."""
    from planner.cli import Differences
    from planner.cli.output import echo_json
    from planner.review.reports import check_document

    findings: list[str] = []
    if not problems:
        findings.extend(_run_checkers(project, snapshots, render_all))
        if models_ref:
            findings.extend(models_findings(project, snapshots, models_ref, rows_ref))
    echo_json(check_document(snapshots, problems, findings))
    if problems:
        files = len({p.file for p in problems})
        raise click.ClickException(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{files} snapshot{'s' if files != 1 else ''}"
        )
    if findings:
        raise Differences(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}")
