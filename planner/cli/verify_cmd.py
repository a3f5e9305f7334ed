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
@click.pass_obj
def verify(obj, url: str | None, pg_dump: bool) -> None:
    """Prove the revision chain reproduces every snapshot, up and down.

    On a scratch database, apply the revisions from base to head one at a time and
    compare the database (schema and managed rows) with each release's snapshot; then
    downgrade one revision at a time back to base with the same comparison. Exit 3 on
    any difference.
    """
    from planner.runtime.verify import verify as run_verify
    from planner.runtime.verify import verify_steps

    with user_errors(obj):
        total = len(verify_steps(obj.project))
        if sys.stderr.isatty():
            with click.progressbar(
                length=total, label="verifying", file=sys.stderr, show_pos=True
            ) as bar:
                result = run_verify(
                    obj.project, url=url, pg_dump=pg_dump, on_step=lambda _s: bar.update(1)
                )
        else:
            result = run_verify(obj.project, url=url, pg_dump=pg_dump, on_step=_plain_progress)
    lines = result.differences
    for line in lines:
        click.echo(line)
    if result.pg_dump_diff:
        click.echo(result.pg_dump_diff, nl=False)
    ups = sum(1 for s in result.steps if s.direction == "upgrade")
    summary = f"{ups} revision(s) up and {len(result.steps) - ups} step(s) down on {result.url}"
    if pg_dump:
        summary += ", pg_dump compared"
    if not result.ok:
        problems = len(lines) + (1 if result.pg_dump_diff else 0)
        raise Differences(f"verify: {problems} difference(s) ({summary})")
    click.echo(f"verify: ok, {summary}: every step matches its snapshot")


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
@click.pass_obj
def drift(obj, url: str | None) -> None:
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
    for line in result.differences:
        click.echo(f"drift at {result.release}: {line}")
    if result.partial is not None:
        click.echo(f"drift at {result.release}: {result.partial.message}")
        raise Differences(
            f"drift: partial upgrade to {result.partial.target} in {where}: "
            f"{len(result.partial.applied)} of {result.partial.total} change(s) applied, "
            f"{len(result.differences)} difference(s) from {result.release}"
        )
    if result.differences:
        raise Differences(f"drift: {len(result.differences)} difference(s) in {where}")
    click.echo(f"drift: none, {where} matches its snapshot")
