"""``dbplan plan`` and ``dbplan graph``: review the operations between two releases.

FROM and TO are release names (snapshot file stems under ``schema_state/``) or
``empty``, the state before the first release. Without arguments they are the two
newest releases; with a single release FROM is ``empty``; with only FROM given, TO is
the newest release. A FROM later than TO shows the downgrade.
"""

from __future__ import annotations

import shutil
import subprocess

import click

from planner.cli import Differences
from planner.cli.output import complete_releases
from planner.review import FORMATS, GRAPH_FORMATS

EMPTY = "empty"


def resolve_releases(
    releases: list[str], from_release: str | None, to_release: str | None
) -> tuple[str, str]:
    """Fill in FROM and TO from the project's releases (oldest first); check they exist.

    Raises:
        click.BadParameter: a release that is neither known nor ``empty``.
        click.ClickException: the project has no snapshots at all.

    Example:
        >>> resolve_releases(["0.1.0", "0.2.0", "0.3.0"], None, None)
        ('0.2.0', '0.3.0')
        >>> resolve_releases(["0.1.0"], None, None)
        ('empty', '0.1.0')
        >>> resolve_releases(["0.1.0", "0.2.0"], "empty", None)
        ('empty', '0.2.0')
    """
    known = [EMPTY, *releases]
    for value, name in ((from_release, "FROM"), (to_release, "TO")):
        if value is not None and value not in known:
            raise click.BadParameter(
                f"unknown release {value!r} (known: {', '.join(known)})",
                param_hint=name,
            )
    if to_release is None:
        if not releases:
            raise click.ClickException(
                "no snapshots found: write one with `dbplan snapshot --release R ...` "
                "(looked for schema_state/<release>.yaml)"
            )
        if from_release is None:
            from_release = releases[-2] if len(releases) >= 2 else EMPTY
        to_release = releases[-1]
    elif from_release is None:  # pragma: no cover - click fills positionals left to right
        from_release = EMPTY
    return from_release, to_release


def _load(project, release: str, session=None):
    from planner.state.model import empty_snapshot

    if release == EMPTY:
        return empty_snapshot()
    # A snapshot is hundreds of thousands of long-lived objects without cycles: keep the
    # cyclic collector from scanning them while loading (the first allocation after the
    # loader turned it back on paid a collection of all of them) and again and again
    # while planning (planner.state.session).
    from planner.state.session import default_session
    from planner.state.yamlio import load_snapshot

    session = session or default_session()
    with session.paused_gc(freeze=True):
        return load_snapshot(project.snapshot_path(release), session=session)


def _prefetch(project, *releases: str, session=None) -> None:
    """Parse the snapshots the cache lacks side by side (planner.state.prefetch)."""
    from planner.state.prefetch import prefetch

    prefetch((project.snapshot_path(r) for r in releases if r != EMPTY), session=session)


def is_downgrade(releases: list[str], frm: str, to: str) -> bool:
    """True when FROM is a later release than TO (``empty`` comes before every release).

    Example:
        >>> is_downgrade(["0.1.0", "0.2.0"], "0.2.0", "empty")
        True
    """
    order = [EMPTY, *releases]
    return order.index(frm) > order.index(to)


def build_plan(obj, from_release: str | None, to_release: str | None):
    """Load both snapshots of the current project and plan between them.

    Going back (FROM later than TO) plans the downgrade: the rename hints of FROM's
    snapshot are read in reverse, as ``dbplan generate`` does for a revision's downgrade.
    """
    from planner.plan import make_downgrade_plan, make_plan

    project = obj.project
    releases = project.releases()
    frm, to = resolve_releases(releases, from_release, to_release)
    session = obj.session
    _prefetch(project, frm, to, session=session)
    old, new = (to, frm) if is_downgrade(releases, frm, to) else (frm, to)
    old_s, new_s = _load(project, old, session), _load(project, new, session)
    if old == frm:
        return make_plan(old_s, new_s, targets=project.targets)
    return make_downgrade_plan(old_s, new_s, targets=project.targets)


def _use_color(choice: bool | None) -> bool:
    from planner.cli.output import use_color

    return use_color(choice)


_from_arg = click.argument(
    "from_release", metavar="[FROM]", required=False, shell_complete=complete_releases
)
_to_arg = click.argument(
    "to_release", metavar="[TO]", required=False, shell_complete=complete_releases
)


@click.command("plan")
@_from_arg
@_to_arg
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, json for tools (docs/plan-json.md), markdown for a pull request.",
)
@click.option("--check", is_flag=True, help="Exit with code 3 when the plan is not empty.")
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Colour the text output (default: on a terminal, unless NO_COLOR is set or "
    "TERM=dumb; FORCE_COLOR=1 turns it on).",
)
@click.pass_obj
def plan(obj, from_release: str | None, to_release: str | None, fmt: str, check: bool, color):
    """Show the ordered operations from FROM to TO, with risks and lint findings.

    \b
    FROM and TO default to the two newest releases; either may be `empty`.
    Exit codes: 0 ok, 1 invalid snapshot, 2 unknown release, 3 (with --check)
    the plan is not empty.
    """
    from planner.review import render

    the_plan = build_plan(obj, from_release, to_release)
    use_color = fmt == "text" and _use_color(color)
    click.echo(render(the_plan, fmt, color=use_color), nl=False, color=use_color)
    if check and not the_plan.is_empty:
        n = len(the_plan.ops)
        raise Differences(
            f"{n} operation{'' if n == 1 else 's'} from {the_plan.old.release} "
            f"to {the_plan.new.release} (plan --check)"
        )


@click.command("graph")
@_from_arg
@_to_arg
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GRAPH_FORMATS),
    default="dot",
    show_default=True,
    help="dot (Graphviz), mermaid, json, or svg (runs Graphviz's dot).",
)
@click.pass_obj
def graph(obj, from_release: str | None, to_release: str | None, fmt: str):
    """Draw the dependency graph of the plan from FROM to TO.

    Nodes are operations coloured by risk; edges are labelled with the reason
    one operation must run before another.
    """
    from planner.review import render_graph

    the_plan = build_plan(obj, from_release, to_release)
    if fmt != "svg":
        click.echo(render_graph(the_plan, fmt), nl=False)
        return
    click.echo(render_svg(render_graph(the_plan, "dot")), nl=False)


def render_svg(dot_text: str) -> str:
    """Run Graphviz's ``dot -Tsvg`` on ``dot_text``; a clear ClickException when missing."""
    exe = shutil.which("dot")
    if exe is None:
        raise click.ClickException(
            "--format svg needs Graphviz's `dot` program, which is not on PATH: install the "
            "graphviz package (apt-get install graphviz, brew install graphviz, "
            "or conda install graphviz), or use --format dot"
        )
    proc = subprocess.run(
        [exe, "-Tsvg"], input=dot_text, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise click.ClickException(f"Graphviz dot failed: {proc.stderr.strip()}")
    return proc.stdout
