"""``dbplan generate [FROM] [TO]``: write the Alembic revision between two releases.

FROM and TO as for ``dbplan plan`` (default: the two newest releases; ``empty`` is the
state before the first). The revision goes into the project's Alembic environment
through Alembic's own API, so ``script.py.mako``, ``file_template`` and
``post_write_hooks`` apply. Its ``down_revision`` is the revision that produces FROM.

Exit codes: 0 written; 1 error (nothing written: invalid snapshot, FROM without a
revision, revision or file exists already); 4 refused: the upgrade is destructive and
``--allow-destructive`` was not given (the operations are listed, nothing written).
"""

from __future__ import annotations

import click


@click.command("generate")
@click.argument("from_release", metavar="[FROM]", required=False)
@click.argument("to_release", metavar="[TO]", required=False)
@click.option("-m", "--message", default=None, help="Revision message (default: the TO release).")
@click.option("--rev-id", default=None, help="Revision id (default: derived from both snapshots).")
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Write the revision even when the upgrade drops tables, columns or rows.",
)
@click.pass_obj
def generate(obj, from_release, to_release, message, rev_id, allow_destructive) -> None:
    """Write the Alembic revision FROM -> TO (default: the two newest releases).

    The upgrade body is `dbplan plan FROM TO`, the downgrade body the plan back;
    down_revision is the revision that produces FROM (`empty` writes the base
    revision). The revision id is derived from both snapshots, so the same
    snapshots always give the same file, and an existing revision is never
    overwritten. The file imports only alembic and sqlalchemy.

    \b
    Examples:
      dbplan generate                       # the two newest releases
      dbplan generate empty 0.1.0           # the base revision
      dbplan generate 0.4.0 0.5.0 -m "drop hospital kind" --allow-destructive

    Exit codes: 0 written, 1 error (nothing written), 4 the upgrade has
    destructive operations (drops tables, columns or managed rows) and
    --allow-destructive was not given.
    """
    from planner.cli import Refused
    from planner.cli.plan_cmd import resolve_releases
    from planner.revisions.generation import DestructiveRefused
    from planner.revisions.generation import generate as generate_revision

    project = obj.project
    frm, to = resolve_releases(project.releases(), from_release, to_release)
    try:
        result = generate_revision(
            project, frm, to, message=message, rev_id=rev_id, allow_destructive=allow_destructive
        )
    except DestructiveRefused as e:
        raise Refused(str(e)) from None
    down = result.down_revision or "base"
    click.echo(
        f"wrote {project.display(result.path)}: revision {result.revision} "
        f"({result.from_release} -> {result.to_release}, down_revision {down}, "
        f"{result.operations} operation{'s' if result.operations != 1 else ''})"
    )
