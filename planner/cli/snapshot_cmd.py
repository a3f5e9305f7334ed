"""``dbplan snapshot``: write a release's snapshot from models or from a live database.

``--from-models mod:attr`` imports ``mod`` with the project root on ``sys.path`` and
captures ``attr`` (a MetaData, a declarative base, or anything with ``.metadata``;
``attr`` may be dotted). ``--rows mod:attr`` adds managed rows (a mapping or a callable
returning one, see :func:`planner.state.capture.from_metadata`).

``--from-db URL`` reflects a live database; ``--rows-of TABLE`` (repeatable) captures
every row of that table as managed rows. The newest existing snapshot, if any, names
MariaDB's inline enums.

The snapshot is written canonically and atomically to ``schema_state/<release>.yaml``;
an existing file is kept unless ``--force``. ``--stdout`` prints it instead.

Re-capturing a release that has a snapshot keeps the hints the engineer wrote into it
(``renamed_from``, ``backfill``, the ``key`` of managed rows) and says which; pass
``--no-keep-hints`` to write the bare capture.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click


@click.command()
@click.option(
    "--release", "-r", required=True, help="The release the snapshot describes (PEP 440)."
)
@click.option(
    "--from-models",
    "models_ref",
    metavar="MODULE:ATTR",
    help="Capture SQLAlchemy models (MetaData or declarative Base).",
)
@click.option(
    "--rows",
    "rows_ref",
    metavar="MODULE:ATTR",
    help="Managed rows for --from-models: a mapping or a callable.",
)
@click.option("--from-db", "db_url", metavar="URL", help="Reflect a live database.")
@click.option(
    "--rows-of",
    "rows_of",
    multiple=True,
    metavar="TABLE",
    help="With --from-db: capture all rows of TABLE (repeatable).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing snapshot file.")
@click.option(
    "--keep-hints/--no-keep-hints",
    "keep_hints",
    default=True,
    show_default=True,
    help="Over an existing snapshot: keep its renamed_from and backfill hints and row keys.",
)
@click.option(
    "--stdout", "to_stdout", is_flag=True, help="Print the snapshot instead of writing the file."
)
@click.pass_obj
def snapshot(
    obj,
    release: str,
    models_ref: str | None,
    rows_ref: str | None,
    db_url: str | None,
    rows_of: tuple[str, ...],
    force: bool,
    keep_hints: bool,
    to_stdout: bool,
) -> None:
    """Write schema_state/RELEASE.yaml from models (--from-models) or a database (--from-db).

    \b
    Examples:
      dbplan snapshot --release 1.4.0 --from-models app.models:Base --rows app.defaults:ROWS
      dbplan snapshot --release 1.3.0 --from-db postgresql+psycopg://localhost/app --rows-of units
    """
    _check_options(release, models_ref, rows_ref, db_url, rows_of)
    project = obj.project
    if models_ref:
        snap = _from_models(project.root, release, models_ref, rows_ref)
    else:
        snap = _from_db(project, release, db_url, rows_of)
    kept: tuple[str, ...] = ()
    if keep_hints:
        snap, kept = _keep_hints(project, release, snap)
    _report_problems(snap, project.display(project.snapshot_path(release)), project.dialect_names)

    from planner.state.yamlio import SnapshotExistsError, dump_snapshot, write_snapshot

    if to_stdout:
        click.echo(dump_snapshot(snap), nl=False)
        return
    path = project.snapshot_path(release)
    shown = project.display(path)
    try:
        write_snapshot(path, snap, force=force)
    except SnapshotExistsError:
        raise click.ClickException(
            f"{shown} exists; pass --force to overwrite it (or --stdout to only print)"
        ) from None
    rows = sum(len(t.rows.rows) for t in snap.tables if t.rows is not None)
    click.echo(
        f"Wrote {shown}: {len(snap.tables)} tables, {len(snap.enums)} enums, {rows} managed rows."
    )
    if kept:
        click.echo(
            f"Kept {len(kept)} hint(s) of the previous {shown} (--no-keep-hints drops them):"
        )
        for line in kept:
            click.echo(f"  {line}")


def _keep_hints(project, release: str, snap):
    """``snap`` with the hints of the release's existing snapshot, if any, and what was kept."""
    from planner.state.errors import DbplanError
    from planner.state.hints import carry_hints
    from planner.state.yamlio import load_snapshot

    path = project.snapshot_path(release)
    if not path.is_file():
        return snap, ()
    try:
        old = load_snapshot(path, validate=False)
    except DbplanError as e:
        raise click.ClickException(
            f"{project.display(path)} exists but cannot be read, so its hints cannot be kept:"
            f"\n{e}\n(fix it, or pass --no-keep-hints to replace it with the capture)"
        ) from None
    return carry_hints(old, snap)


def _check_options(release, models_ref, rows_ref, db_url, rows_of) -> None:
    from packaging.version import InvalidVersion, Version

    if bool(models_ref) == bool(db_url):
        raise click.UsageError("give exactly one of --from-models MODULE:ATTR or --from-db URL")
    if rows_ref and not models_ref:
        raise click.UsageError("--rows goes with --from-models; with --from-db use --rows-of TABLE")
    if rows_of and not db_url:
        raise click.UsageError(
            "--rows-of goes with --from-db; with --from-models use --rows MODULE:ATTR"
        )
    try:
        Version(release)
    except InvalidVersion:
        raise click.BadParameter(
            f"{release!r} is not a PEP 440 version (e.g. 1.4.0)", param_hint="--release"
        ) from None


def import_ref(ref: str, root) -> Any:
    """The object ``module:attr`` names (``attr`` may be dotted), imported with ``root`` on sys.path.

    Example:
        >>> import_ref("os.path:join", ".").__name__
        'join'
    """
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise click.BadParameter(
            f"{ref!r} is not MODULE:ATTR (e.g. app.models:Base)", param_hint="MODULE:ATTR"
        )
    root = str(root)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        obj = importlib.import_module(module_name)
    except ImportError as e:
        raise click.ClickException(
            f"cannot import {module_name!r}: {e} (run from the project root, or check the module path)"
        ) from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise click.ClickException(
                f"{module_name!r} has no attribute {attr!r} (check the name after ':')"
            ) from None
    return obj


def _from_models(root, release: str, models_ref: str, rows_ref: str | None):
    from planner.state.capture import from_metadata
    from planner.state.errors import DbplanError

    target = import_ref(models_ref, root)
    rows = import_ref(rows_ref, root) if rows_ref else None
    try:
        return from_metadata(target, release=release, rows=rows)
    except DbplanError as e:
        raise click.ClickException(str(e)) from None


def _from_db(project, release: str, url: str, rows_of: tuple[str, ...]):
    import sqlalchemy as sa

    from planner.state.capture import from_database
    from planner.state.errors import DbplanError

    hint = _newest_snapshot(project)
    try:
        return from_database(url, release=release, rows_of=rows_of, enums_hint=hint)
    except sa.exc.ArgumentError as e:
        raise click.ClickException(f"invalid database URL {url!r}: {e}") from None
    except sa.exc.OperationalError as e:
        first = str(e.orig or e).strip().splitlines()[0]
        raise click.ClickException(
            f"cannot read the database: {first} (check the URL and that the server runs)"
        ) from None
    except DbplanError as e:
        raise click.ClickException(str(e)) from None


def _newest_snapshot(project):
    """The newest loadable snapshot (names MariaDB's inline enums), or None."""
    from planner.state.errors import DbplanError
    from planner.state.yamlio import load_snapshot

    try:
        releases = project.releases()
    except DbplanError:
        return None
    for release in reversed(releases):
        try:
            return load_snapshot(project.snapshot_path(release), validate=False)
        except DbplanError:
            continue
    return None


def _report_problems(snap, shown: str, targets: tuple[str, ...] | None) -> None:
    """Refuse to write a snapshot the loader would reject (for the project's targets)."""
    from planner.state.errors import SnapshotError
    from planner.state.validate import validate

    problems = validate(snap, file=shown, targets=targets)
    if problems:
        raise click.ClickException(
            "the captured state is not a valid snapshot:\n" + str(SnapshotError(problems))
        )
