"""``dbplan setup | upgrade | downgrade | stamp | current | history``: the database at hand.

The database URL is ``--url``, else ``$SQLALCHEMY_DATABASE_URI``, else ``[tool.dbplan]
url``, else the ``sqlalchemy.url`` of the project's alembic.ini, else the SQLite file
``dbplan.sqlite`` in the project directory. Targets may be releases or revisions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from planner.cli.output import complete_releases, echo_json, format_option

URL_OPTION = click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Database URL (default: $SQLALCHEMY_DATABASE_URI, [tool.dbplan] url, dbplan.sqlite).",
)


LOCK_TIMEOUT_OPTION = click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help=(
        "Wait at most this long for the migration lock another upgrade of the database "
        "holds, then fail naming the holder (default: $DBPLAN_LOCK_TIMEOUT, else 300)."
    ),
)


def _set_lock_timeout(seconds: float | None) -> None:
    import os

    if seconds is not None:
        os.environ["DBPLAN_LOCK_TIMEOUT"] = repr(seconds)


@contextlib.contextmanager
def user_errors(obj) -> Iterator[None]:
    """Turn dbplan errors into ``click.ClickException`` (exit 1); re-raise under --debug."""
    from planner.state.errors import DbplanError

    try:
        yield
    except click.ClickException:  # Differences, Refused: their own exit codes
        raise
    except DbplanError as e:
        if obj is not None and obj.debug:
            raise
        raise click.ClickException(str(e)) from e


@contextlib.contextmanager
def revision_progress(project) -> Iterator[None]:
    """One line on stderr as each revision starts, and its time when the next starts or
    all end: ``upgrade ed8f9b29c54b -> bb462547e067 (release 0.2.0) ... 0.4 s``.

    Alembic logs ``Running upgrade a -> b, message`` as it starts each revision (logger
    ``alembic.runtime.migration``); this listens there, so nothing below the CLI changes.
    """
    import logging
    import time

    from planner.runtime.releases import revision_releases

    try:
        releases = revision_releases(project)
    except Exception:  # noqa: BLE001 - labels are a nicety; the upgrade reports errors
        releases = {}
    started: list[float] = []

    def finish(ok: bool = True) -> None:
        if started:
            took = time.monotonic() - started.pop()
            click.echo(f" {'done' if ok else 'failed'} ({took:.1f} s)", err=True)

    class Progress(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = record.getMessage()
            if not text.startswith("Running "):
                return
            finish()
            step, _, _message = text[len("Running ") :].partition(", ")
            direction, _, move = step.partition(" ")
            _, _, new = move.partition(" -> ")
            new = new.strip()
            rel = releases.get(new) if direction == "upgrade" else None
            down_to = move.partition(" -> ")[2] if direction == "downgrade" else ""
            label = f" (release {rel})" if rel else ""
            if direction == "downgrade":
                rel_to = releases.get(down_to.strip())
                label = f" (to release {rel_to})" if rel_to else ""
            shown = move.strip()
            shown = f"base {shown}" if shown.startswith("->") else shown
            click.echo(f"{direction} {shown}{label} ...", err=True, nl=False)
            started.append(time.monotonic())

    logger = logging.getLogger("alembic.runtime.migration")
    handler = Progress(level=logging.INFO)
    old_level, old_disabled = logger.level, logger.disabled
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    # a logging.config.fileConfig of an earlier Alembic run in this process (another
    # project's alembic.ini) may have disabled the logger: the progress needs it
    logger.disabled = False
    logger.addHandler(handler)
    try:
        yield
        finish()
    except BaseException:
        finish(ok=False)
        raise
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.disabled = old_disabled


def _label(revision: str, releases: dict[str, str]) -> str:
    release = releases.get(revision)
    return f"{revision} (release {release})" if release else revision


def _heads(heads: tuple[str, ...], releases: dict[str, str]) -> str:
    return ", ".join(_label(h, releases) for h in heads) if heads else "base (no revision)"


@click.command()
@click.option(
    "--release",
    "-r",
    "release",
    default=None,
    shell_complete=complete_releases,
    help="Release to create (default: the newest).",
)
@URL_OPTION
@click.option("--force", is_flag=True, help="Drop the tables of a non-empty database first.")
@click.option("--no-stamp", is_flag=True, help="Do not record the release's revision.")
@click.pass_obj
def setup(obj, release: str | None, url: str | None, force: bool, no_stamp: bool) -> None:
    """Create the database straight from a snapshot (schema and rows) and stamp it.

    Refuses a database that already has tables; --force drops them first (for
    development and test databases). The database is stamped with the revision that
    produces the release, so later `dbplan upgrade` runs continue from there.

    Setup is all or nothing: on PostgreSQL and SQLite creating and stamping are one
    transaction; MariaDB/MySQL cannot roll DDL back, so on a failure setup drops the
    tables it created and says so. Either way the database is as it was (tables --force
    dropped stay dropped) and setup can be re-run once the cause is fixed.

    Before it commits, setup captures the new database and compares it with the
    snapshot, as `dbplan drift` does; a difference (something dbplan cannot build as
    modelled) fails setup, naming each one, and nothing is kept.

    Exit codes: 0 created, 1 error (nothing kept), 3 the built database differs from the
    snapshot (each difference named; nothing kept).
    """
    from planner.cli import Differences
    from planner.runtime import redact
    from planner.runtime import setup as run_setup
    from planner.runtime.apply import SetupMismatch

    with user_errors(obj):
        try:
            result = run_setup(
                obj.project, release=release, url=url, force=force, stamp_revision=not no_stamp
            )
        except SetupMismatch as e:
            if obj is not None and obj.debug:
                raise
            raise Differences(str(e)) from e
    if result.dropped:
        click.echo(f"dropped {len(result.dropped)} table(s): {', '.join(result.dropped)}")
    click.echo(
        f"created {redact(result.url)} at release {result.release}: {len(result.tables)} table(s)"
    )
    if result.revision:
        click.echo(f"stamped revision {result.revision}")
    else:
        click.echo("not stamped (--no-stamp)")


@click.command()
@click.option(
    "-r",
    "--revision",
    "target",
    default="head",
    show_default=True,
    metavar="REV|RELEASE",
    shell_complete=complete_releases,
    help="Revision or release to upgrade to.",
)
@URL_OPTION
@LOCK_TIMEOUT_OPTION
@click.pass_obj
def upgrade(obj, target: str, url: str | None, lock_timeout: float | None) -> None:
    """Upgrade the database (Alembic) to a revision or release (default: head).

    Concurrent upgrades of one database run one after another (a migration lock per
    database); a lock held longer than --lock-timeout fails with exit 1, naming the
    session that holds it where the server says.
    """
    from planner.runtime import redact
    from planner.runtime import upgrade as run_upgrade

    _set_lock_timeout(lock_timeout)
    with user_errors(obj), revision_progress(obj.project):
        result = run_upgrade(obj.project, target, url=url)
    _report(result, redact)


@click.command()
@click.option(
    "-r",
    "--revision",
    "target",
    required=True,
    metavar="REV|RELEASE|base",
    shell_complete=complete_releases,
    help="Revision, release, -1 or base to downgrade to.",
)
@URL_OPTION
@LOCK_TIMEOUT_OPTION
@click.pass_obj
def downgrade(obj, target: str, url: str | None, lock_timeout: float | None) -> None:
    """Downgrade the database (Alembic) to a revision, release or base."""
    from planner.runtime import downgrade as run_downgrade
    from planner.runtime import redact

    _set_lock_timeout(lock_timeout)
    with user_errors(obj), revision_progress(obj.project):
        result = run_downgrade(obj.project, target, url=url)
    _report(result, redact)


@click.command()
@click.argument("target", metavar="RELEASE|REV|base", shell_complete=complete_releases)
@URL_OPTION
@click.option(
    "--no-check",
    is_flag=True,
    help="Stamp without comparing the database with the release's snapshot first.",
)
@click.pass_obj
def stamp(obj, target: str, url: str | None, no_check: bool) -> None:
    """Record a release's revision in the database without running any revision.

    For a database whose schema already is that release: one the application built
    with `metadata.create_all`, one restored from a dump, one an adopted project never
    stamped, or one repaired by hand after a revision failed part-way (`dbplan drift`
    names what is missing). The database is first compared with the release's
    snapshot, as `dbplan drift` does, and stamped only if they agree; --no-check skips
    the comparison. `base` removes the record. Nothing else in the database changes.

    \b
    Examples:
      dbplan stamp 1.0.0                  # an adopted database built by create_all
      dbplan stamp 0.4.0 --url postgresql+psycopg://app@db/app
      dbplan stamp base                   # forget the revision

    Exit codes: 0 stamped, 1 error, 3 the database differs from the release's
    snapshot (differences listed, nothing stamped).
    """
    from planner.runtime import redact
    from planner.runtime.stamp import stamp_checked

    with user_errors(obj):
        result = stamp_checked(obj.project, target, url=url, check=not no_check)
    shown = redact(result.url)
    if not result.stamped:
        click.echo(
            f"{shown} differs from release {result.release} in "
            f"{len(result.differences)} place(s); not stamped:"
        )
        for line in result.differences:
            click.echo(f"  {line}")
        click.echo(
            "upgrade or repair the database first, or stamp with --no-check if the "
            "differences are intended"
        )
        raise SystemExit(3)
    was = ", ".join(result.before) or "base (no revision)"
    if result.revision is None:
        click.echo(f"{shown}: {was} -> base (no revision); no revision ran")
        return
    label = _label(result.revision, {result.revision: result.release} if result.release else {})
    how = "matches its snapshot" if result.checked else "not compared (--no-check)"
    click.echo(f"{shown}: {was} -> {label}; no revision ran; the database {how}")


def _report(result, redact) -> None:
    releases = dict(result.releases)
    if result.before == result.after:
        click.echo(f"{redact(result.url)}: already at {_heads(result.after, releases)}")
    else:
        click.echo(
            f"{redact(result.url)}: {_heads(result.before, releases)} -> "
            f"{_heads(result.after, releases)}"
        )


@click.command()
@URL_OPTION
@click.pass_obj
def current(obj, url: str | None) -> None:
    """Show the database's revision and the release it produces."""
    from planner.runtime import current as run_current

    with user_errors(obj):
        result = run_current(obj.project, url=url)
    releases = dict(result.releases)
    if not result.after:
        click.echo("base (no revision)")
    for head in result.after:
        click.echo(_label(head, releases))


@click.command()
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Also mark the revision this database is at (no database is read without it).",
)
@format_option("schema dbplan.history/1")
@click.pass_obj
def history(obj, url: str | None, fmt: str = "text") -> None:
    """List revisions oldest first, with the releases they produce."""
    from planner.runtime import current_heads, database_url
    from planner.runtime import history as run_history

    with user_errors(obj):
        revisions = run_history(obj.project)
        at = set(current_heads(database_url(obj.project, url))) if url else set()
    if fmt == "json":
        from planner.review.reports import history_document

        echo_json(history_document(revisions, current=at))
        return
    if not revisions:
        click.echo("no revisions")
    for r in revisions:
        down = ", ".join(r.down_revisions) or "base"
        line = f"{down} -> {r.revision}"
        if r.is_head:
            line += " (head)"
        if r.revision in at:
            line += " (current)"
        line += f"  [{r.release}]" if r.release else "  [-]"
        if r.message:
            line += f"  {r.message}"
        # a hand-written message may hold terminal control characters: shown escaped
        click.echo("".join(c if c.isprintable() else repr(c)[1:-1] for c in line))
