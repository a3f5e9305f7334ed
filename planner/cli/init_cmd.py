"""``dbplan init [DIR]``: scaffold a project, or adopt an existing Alembic project.

Adopting records the existing head revision as the first release's revision in
pyproject.toml (``[tool.dbplan.releases]``); no revision file is rewritten.
"""

from __future__ import annotations

import click

from planner.cli.db_cmd import user_errors


@click.command()
@click.argument("directory", metavar="[DIR]", required=False, type=click.Path(file_okay=False))
@click.option(
    "--url", default=None, metavar="URL", help="Database URL to record as [tool.dbplan] url."
)
@click.option("--adopt", is_flag=True, help="Bring over the existing Alembic project in DIR.")
@click.option(
    "--from-db",
    "from_db",
    default=None,
    metavar="URL",
    help="With --adopt: the live database (at the head revision) to capture.",
)
@click.option(
    "--release",
    "release",
    default=None,
    metavar="R",
    help="With --adopt: the release the captured snapshot describes.",
)
@click.option(
    "--rows-of",
    "rows_of",
    multiple=True,
    metavar="TABLE",
    help="With --adopt: manage the current rows of TABLE (repeatable).",
)
@click.option(
    "--alembic-config",
    "alembic_config",
    default=None,
    metavar="PATH",
    help="With --adopt: the project's Alembic config (alembic.ini, or pyproject.toml with "
    "[tool.alembic]) when dbplan does not find it; recorded as [tool.dbplan] alembic_config.",
)
@click.pass_obj
def init(
    obj,
    directory: str | None,
    url: str | None,
    adopt: bool,
    from_db: str | None,
    release: str | None,
    rows_of: tuple[str, ...],
    alembic_config: str | None,
) -> None:
    """Scaffold a dbplan project in DIR (default: the current directory).

    \b
    Creates schema_state/, migrations/ (env.py, script.py.mako, versions/) and the
    [tool.dbplan] table of pyproject.toml (appended; the rest is kept). Refuses a
    directory that is initialised already.

    \b
    With --adopt --from-db URL --release R: keep the existing Alembic environment,
    capture the live database (which must be at the head revision) as
    schema_state/R.yaml, and record the head as R's revision (and the target
    dialect of URL as [tool.dbplan] dialects). The Alembic setup is found at
    alembic.ini, [tool.alembic], migrations/alembic.ini (Flask-Migrate) or one
    */alembic.ini; --alembic-config PATH names it otherwise.
    """
    target = directory or (obj.project_dir if obj is not None and obj.project_dir else ".")
    if adopt:
        missing = [n for n, v in (("--from-db", from_db), ("--release", release)) if not v]
        if missing:
            raise click.UsageError(f"--adopt needs {' and '.join(missing)}")
        if url:
            raise click.UsageError("--url is for a new project; with --adopt use --from-db")
        from planner.runtime.scaffold import adopt_project

        with user_errors(obj):
            result = adopt_project(
                target,
                from_db=from_db,
                release=release,
                rows_of=rows_of,
                alembic_config=alembic_config,
            )
        click.echo(
            f"adopted {result.root}: release {result.release} = revision {result.revision} "
            f"({result.tables} table(s) captured)"
        )
        click.echo(f"  Alembic setup: {result.layout} (environment {result.migrations}/)")
        for path in result.written:
            click.echo(f"  wrote {path}")
        click.echo(f"  kept {result.migrations}/ (env.py, script.py.mako, versions) unchanged")
        return
    if from_db or release or rows_of or alembic_config:
        raise click.UsageError(
            "--from-db, --release, --rows-of and --alembic-config go with --adopt"
        )
    from planner.runtime.scaffold import init_project

    with user_errors(obj):
        result = init_project(target, url=url)
        schema = _write_schema(result.root)
    click.echo(f"initialised {result.root}")
    for path in (*result.written, *schema):
        click.echo(f"  wrote {path}")
    click.echo("next: dbplan snapshot --release 0.1.0 --from-models yourapp.models:Base")


def _write_schema(root) -> tuple[str, ...]:
    """Write the JSON Schema of snapshots beside them (editors resolve the files'
    ``$schema`` comment to it): the path written, or () when one is there already."""
    from pathlib import Path

    from planner.project import load_project
    from planner.state.yamlio import SCHEMA_FILENAME, _atomic_write, schema_text

    project = load_project(Path(root))
    path = project.snapshots_dir / SCHEMA_FILENAME
    if path.exists():
        return ()
    project.snapshots_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, schema_text().encode("utf-8"), overwrite=False)
    return (project.display(path),)
