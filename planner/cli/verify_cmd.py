"""``dbplan verify`` and ``dbplan drift``: a database compared with its snapshot.

Each difference is one line naming the step and the object::

    0.3.0 after upgrade: sites.name: type String(80), snapshot says String(120)

Both exit 3 when they find a difference (``Differences``), 0 otherwise.
"""

from __future__ import annotations

import sys

import click

from planner.cli import Differences
from planner.cli.db_cmd import user_errors
from planner.cli.output import echo_json, format_option


@click.command()
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Server to verify on: a scratch database is created there and dropped "
    "(default: a temporary SQLite file).",
)
@click.option(
    "--pg-dump",
    "pg_dump",
    is_flag=True,
    help="Also compare pg_dump of the chain-built database with a setup-built one "
    "(PostgreSQL --url).",
)
@click.option(
    "--from",
    "start",
    default=None,
    metavar="RELEASE",
    help="Start at RELEASE: set its database up from its snapshot, stamp its revision, "
    "then prove every later revision (default for an adopted project: its oldest "
    "release with a snapshot).",
)
@click.option(
    "--from-base",
    "from_base",
    is_flag=True,
    help="Replay the whole chain from its first revision (the default for projects "
    "dbplan wrote from the start).",
)
@click.option(
    "--data",
    "data",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Users' rows for the first verified release (YAML `{table: [{column: value}]}`, "
    "or .sql INSERT statements): loaded there, then proved after every step, up and down.",
)
@format_option("schema dbplan.verify/1")
@click.pass_obj
def verify(
    obj,
    url: str | None,
    pg_dump: bool,
    start: str | None,
    from_base: bool,
    data: str | None = None,
    fmt: str = "text",
) -> None:
    """Prove the revision chain reproduces every snapshot, up and down.

    On a scratch database, apply the revisions from base to head one at a time and
    compare the database (schema and managed rows) with each release's snapshot; then
    downgrade one revision at a time back to base with the same comparison. Exit 3 on
    any difference.

    \b
    An adopted project (dbplan init --adopt) starts at its oldest release with a
    snapshot instead: that database is set up from the snapshot and stamped at the
    adopted revision, then every later revision is proved up and back down to it.
    --from RELEASE starts elsewhere; --from-base replays from the first revision.

    \b
    --data FILE loads users' rows at the first verified release and, after every step,
    proves each row is still there with its values (by primary key) unless the
    revision's plan renames, retypes (compared by meaning), drops or writes it; after
    each downgrade, that the rows returned (a dropped column's values cannot: noted).
    """
    from planner.runtime.verify import verify as run_verify
    from planner.runtime.verify import verify_steps
    from planner.runtime.verify_start import BASE

    if start and from_base:
        raise click.UsageError("give --from RELEASE or --from-base, not both")
    start = BASE if from_base else start
    with user_errors(obj):
        total = len(verify_steps(obj.project, start=start))
        if sys.stderr.isatty():
            with click.progressbar(
                length=total, label="verifying", file=sys.stderr, show_pos=True
            ) as bar:
                result = run_verify(
                    obj.project,
                    url=url,
                    pg_dump=pg_dump,
                    on_step=lambda _s: bar.update(1),
                    start=start,
                    data=data,
                )
        else:
            result = run_verify(
                obj.project,
                url=url,
                pg_dump=pg_dump,
                on_step=_plain_progress,
                start=start,
                data=data,
            )
    lines = result.differences
    if fmt == "json":
        echo_json(_verify_json(obj.project, result))
    else:
        for line in lines:
            click.echo(line)
        if result.pg_dump_diff:
            click.echo(result.pg_dump_diff, nl=False)
        if result.data is not None:
            for line in _data_notes(result.data):
                click.echo(line, err=True)
    ups = sum(1 for s in result.steps if s.direction == "upgrade")
    downs = sum(1 for s in result.steps if s.direction == "downgrade")
    summary = f"{ups} revision(s) up and {downs} step(s) down on {result.url}"
    if result.start is not None:
        summary = f"from release {result.start} (set up from its snapshot), " + summary
    if pg_dump:
        summary += ", pg_dump compared"
    if result.data is not None:
        rows = sum(n for _t, n in result.data.loaded)
        summary += f", {rows} user row(s) of {result.data.file} proved"
    if not result.ok:
        problems = len(lines) + (1 if result.pg_dump_diff else 0)
        raise Differences(f"verify: {problems} difference(s) ({summary})")
    unseen = "; ".join(result.not_compared)
    if unseen:  # never "ok" for what the database cannot show
        unseen = (
            f", except what it cannot store, not compared: {unseen}"
            " (verify on another dialect with --url)"
        )
    click.echo(f"verify: ok, {summary}: every step matches its snapshot{unseen}", err=fmt == "json")


def _locator(project, release: str | None):
    from planner.review.reports import SnapshotLocator

    files = project.snapshot_files()
    if release is None or release not in files:
        return None
    return SnapshotLocator.from_file(files[release], project.display(files[release]))


def _verify_json(project, result) -> dict:
    from planner.review.reports import verify_document

    locators = {}
    for s in result.steps:
        if s.differences and s.release not in locators:
            locators[s.release] = _locator(project, s.release)
    from planner.runtime.verify_data import data_document

    doc = verify_document(result, {k: v for k, v in locators.items() if v is not None})
    doc["data"] = data_document(result.data)
    return doc


def _data_notes(data) -> list[str]:
    """What the users' rows were allowed to lose or could not get back (stderr)."""
    out = []
    for s in data.steps:
        label = f"{s.release or s.revision or 'base'} after {s.direction}"
        out += [f"{label}: data: {n}" for n in s.notes]
    return out


def _plain_progress(step) -> None:
    mark = "ok" if not step.differences else f"{len(step.differences)} difference(s)"
    click.echo(f"{step.label}: {mark}", err=True)


@click.command()
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Database URL (default: $SQLALCHEMY_DATABASE_URI, [tool.dbplan] url, dbplan.sqlite).",
)
@format_option("schema dbplan.drift/1")
@click.pass_obj
def drift(obj, url: str | None, fmt: str = "text") -> None:
    """Compare a live database with the snapshot of the release it is stamped at.

    Schema and managed rows are compared; rows users added to managed tables are not
    drift. Exit 3 with one line per difference. A database that holds part of the next
    release's changes (a revision that failed part-way on MariaDB/MySQL, which cannot
    roll DDL back) is reported as a partial upgrade, naming what was and was not applied.
    """
    from planner.runtime import redact
    from planner.runtime.verify import drift as run_drift

    with user_errors(obj):
        result = run_drift(obj.project, url=url)
    where = f"{redact(result.url)} at release {result.release} (revision {result.revision})"
    if fmt == "json":
        from planner.review.reports import drift_document

        locator = _locator(obj.project, result.release) if result.differences else None
        echo_json(drift_document(result, redact(result.url), locator))
    else:
        for line in result.differences:
            click.echo(f"drift at {result.release}: {line}")
        if result.partial is not None:
            click.echo(f"drift at {result.release}: {result.partial.message}")
    if result.partial is not None:
        raise Differences(
            f"drift: partial upgrade to {result.partial.target} in {where}: "
            f"{len(result.partial.applied)} of {result.partial.total} change(s) applied, "
            f"{len(result.differences)} difference(s) from {result.release}"
        )
    if result.differences:
        raise Differences(f"drift: {len(result.differences)} difference(s) in {where}")
    click.echo(f"drift: none, {where} matches its snapshot", err=fmt == "json")
