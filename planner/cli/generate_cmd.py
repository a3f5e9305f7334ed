"""``dbplan generate [FROM] [TO]``: write the Alembic revision between two releases.

FROM and TO as for ``dbplan plan`` (default: the two newest releases; ``empty`` is the
state before the first). The revision goes into the project's Alembic environment
through Alembic's own API, so ``script.py.mako``, ``file_template`` and
``post_write_hooks`` apply. Its ``down_revision`` is the revision that produces FROM.

A release that has a revision already is refused (a second revision would be a second
head); ``--replace`` rewrites a stale one dbplan wrote, unless a later revision revises
it or the database (``--url``, else the project's URL) shows it applied.

Exit codes: 0 written; 1 error (nothing written: invalid snapshot, FROM without a
revision, TO with one, a backwards pair, revision or file exists already); 4 refused: the upgrade is destructive and
``--allow-destructive`` was not given (the operations are listed, nothing written), or the
downgrade would add a dropped NOT NULL column back without a backfill (``dropped_columns``).
"""

from __future__ import annotations

import click

from planner.cli.output import complete_releases, echo_json, format_option


@click.command("generate")
@click.argument("from_release", metavar="[FROM]", required=False, shell_complete=complete_releases)
@click.argument("to_release", metavar="[TO]", required=False, shell_complete=complete_releases)
@click.option("-m", "--message", default=None, help="Revision message (default: the TO release).")
@click.option("--rev-id", default=None, help="Revision id (default: derived from both snapshots).")
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Write the revision even when the upgrade drops tables, columns or rows.",
)
@click.option(
    "--allow-failing-downgrade",
    is_flag=True,
    help="Write the revision even when its downgrade adds a dropped NOT NULL column back "
    "without a backfill (it fails on a table with rows; prefer dropped_columns).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Rewrite the stale revision of TO (never an applied one, never one a later "
    "revision revises).",
)
@click.option(
    "--url",
    default=None,
    help="With --replace: the database whose current revision must not be replaced "
    "(default: $SQLALCHEMY_DATABASE_URI, [tool.dbplan] url, alembic.ini).",
)
@format_option("schema dbplan.generate/1")
@click.pass_obj
def generate(
    obj,
    from_release,
    to_release,
    message,
    rev_id,
    allow_destructive,
    allow_failing_downgrade,
    replace,
    url,
    fmt="text",
) -> None:
    """Write the Alembic revision FROM -> TO (default: the two newest releases).

    The upgrade body is `dbplan plan FROM TO`, the downgrade body the plan back;
    down_revision is the revision that produces FROM: one dbplan wrote, or the
    adopted revision of [tool.dbplan.releases] (`empty` writes the base revision,
    only in a project without revisions). The revision id is derived from both
    snapshots, so the same snapshots always give the same file. The file imports
    only alembic and sqlalchemy.

    generate never makes a second head: a release that has a revision is refused;
    --replace rewrites a stale one dbplan wrote (not an adopted one, not one a
    later revision revises, not one the database shows applied). Two runs at once
    take turns (a lock file in the versions directory). --rev-id takes what
    Alembic takes (e.g. v1.2.0.a; not @ - + : whitespace, quotes or /); control
    characters in -m are removed.

    \b
    Examples:
      dbplan generate                       # the two newest releases
      dbplan generate empty 0.1.0           # the base revision
      dbplan generate 0.4.0 0.5.0 -m "drop hospital kind" --allow-destructive
      dbplan generate 0.4.0 0.5.0 --replace  # rewrite a stale, unapplied revision

    Lint findings of the upgrade and of the downgrade are printed on stderr
    ("finding: upgrade: ...", "finding: downgrade: ..."). A downgrade that would
    add a dropped NOT NULL column back unfilled is refused, --allow-destructive
    or not: give the newer snapshot's table dropped_columns: {col: {backfill:
    SQL}} (or pass --allow-failing-downgrade).

    Exit codes: 0 written, 1 error (nothing written), 4 the upgrade has
    destructive operations (drops tables, columns or managed rows, or prunes a
    sync table) and --allow-destructive was not given, or the downgrade would
    fail over existing rows.
    """
    from planner.cli import Refused
    from planner.cli.plan_cmd import resolve_releases
    from planner.revisions.generation import DestructiveRefused
    from planner.revisions.generation import generate as generate_revision

    project = obj.project
    frm, to = resolve_releases(project.releases(), from_release, to_release)
    try:
        result = generate_revision(
            project,
            frm,
            to,
            message=message,
            rev_id=rev_id,
            allow_destructive=allow_destructive,
            allow_failing_downgrade=allow_failing_downgrade,
            replace=replace,
            database_heads=lambda: _database_heads(project, url),
        )
    except DestructiveRefused as e:
        if fmt == "json":
            from planner.review.reports import generate_document

            echo_json(generate_document(refused=str(e)))
        raise Refused(str(e)) from None
    if fmt == "json":
        from planner.review.reports import generate_document

        echo_json(generate_document(result, display=project.display))
        return
    for path in result.replaced:
        click.echo(f"replaced {project.display(path)}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for finding in result.findings:  # the upgrade's, then the downgrade's
        click.echo(f"finding: {finding}", err=True)
    down = result.down_revision or "base"
    click.echo(
        f"wrote {project.display(result.path)}: revision {result.revision} "
        f"({result.from_release} -> {result.to_release}, down_revision {down}, "
        f"{result.operations} operation{'s' if result.operations != 1 else ''})"
    )


def _database_heads(project, url: str | None) -> tuple[str, ...]:
    """The revisions the project's database records (``dbplan current``); DatabaseUnseen
    naming the database when it cannot be read."""
    from planner.project import DEFAULT_SQLITE
    from planner.revisions.generation import DatabaseUnseen
    from planner.runtime.apply import current_heads
    from planner.runtime.config import database_url, redact
    from planner.runtime.errors import MigrationError

    resolved = database_url(project, url)
    if resolved == project.default_url and not (project.root / DEFAULT_SQLITE).exists():
        raise DatabaseUnseen(
            "no database configured (pass --url, set $SQLALCHEMY_DATABASE_URI or [tool.dbplan] url)"
        )
    missing = _missing_database_file(resolved)
    if missing is not None:
        raise DatabaseUnseen(f"{redact(resolved)}: no such database file {missing}; pass --url")
    try:
        return current_heads(resolved)
    except MigrationError as e:
        raise DatabaseUnseen(f"cannot read {redact(resolved)} ({e}); pass --url") from None
    except Exception as e:  # noqa: BLE001 - a driver not installed, a bad URL ...
        raise DatabaseUnseen(
            f"cannot read {redact(resolved)} ({type(e).__name__}: {e}); pass --url"
        ) from None


def _missing_database_file(url: str) -> str | None:
    """The file of a file-based database URL when that file does not exist."""
    import os

    from sqlalchemy.engine import make_url

    from planner.dialects import of_url

    try:
        dialect = of_url(url)
        database = make_url(url).database
    except Exception:  # noqa: BLE001 - current_heads reports a bad URL
        return None
    if not dialect.database_is_file or not database or database == ":memory:":
        return None
    return None if os.path.exists(database) else database
