"""What every command shares about its output: ``--format``, colour, the error prefix.

Colour is decided once, here (:func:`use_color`), for every command: ``--color`` /
``--no-color`` first, then ``NO_COLOR`` (any non-empty value: off), then ``FORCE_COLOR``
(non-empty and not ``0``: on), then ``TERM=dumb`` (off), else on when the stream is a
terminal. Errors are printed as ``Error: <message>`` (:data:`ERROR_PREFIX`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

#: the one prefix of every error message dbplan prints
ERROR_PREFIX = "Error: "

REPORT_FORMATS = ("text", "json")


def format_option(help_json: str):
    """``--format text|json`` for a reporting command (JSON: the document ``help_json``
    names, schema shipped in ``planner/schemas``)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(REPORT_FORMATS),
        default="text",
        show_default=True,
        help=f"text for a person, json for tools ({help_json}; docs/json-output.md).",
    )


def echo_json(doc: dict[str, Any]) -> None:
    """Print a report document on stdout (planner.review.reports.dump)."""
    from planner.review.reports import dump

    click.echo(dump(doc), nl=False)


def use_color(choice: bool | None = None, stream=None, environ=None) -> bool:
    """Whether to colour output written to ``stream`` (default: stdout).

    Example:
        >>> use_color(None, environ={"FORCE_COLOR": "1"})
        True
        >>> use_color(None, environ={"FORCE_COLOR": "1", "NO_COLOR": "1"})
        False
        >>> use_color(True, environ={"NO_COLOR": "1"})
        True
        >>> use_color(None, environ={"FORCE_COLOR": "1", "TERM": "dumb"})
        True
    """
    if choice is None:
        choice = _group_choice()
    if choice is not None:
        return choice
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force and force != "0":
        return True
    if env.get("TERM") == "dumb":
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def style_error(message: str, *, stream=None) -> str:
    """``Error: <message>``, the prefix in bold red when ``stream`` (stderr) takes colour,
    paths under the project or working directory shown relative to it.

    Example:
        >>> import os
        >>> style_error(os.path.join(os.getcwd(), "schema_state", "a.yaml") + ": bad", stream=None)
        'Error: schema_state/a.yaml: bad'
    """
    text = relative_paths(message)
    stream = sys.stderr if stream is None else stream
    colour = use_color(None, stream=stream) if stream is not None else False
    prefix = click.style(ERROR_PREFIX, fg="red", bold=True) if colour else ERROR_PREFIX
    return prefix + text


def relative_paths(text: str, roots: tuple[str, ...] = ()) -> str:
    """``text`` with absolute paths under ``roots`` (default: the working directory)
    written relative to them: a path shown is one the shell it runs in can use.

    Example:
        >>> relative_paths("/p/x/schema_state/a.yaml: bad", ("/p/x",))
        'schema_state/a.yaml: bad'
    """
    if not roots:
        roots = (os.getcwd(),)
    for root in sorted(
        {r.rstrip(os.sep) for r in roots if r and r != os.sep}, key=len, reverse=True
    ):
        text = text.replace(root + os.sep, "")
    return text


def _group_choice() -> bool | None:
    """``dbplan --color/--no-color`` (before the command), when given."""
    ctx = click.get_current_context(silent=True)
    obj = getattr(ctx.find_root(), "obj", None) if ctx is not None else None
    return getattr(obj, "color", None)


def complete_releases(ctx: click.Context, param, incomplete: str) -> list:
    """Shell completion of release names (``empty`` and the project's snapshots).

    Example:
        >>> [c.value for c in complete_releases(click.Context(click.Command("x")), None, "emp")]
        ['empty']
    """
    from click.shell_completion import CompletionItem

    names = ["empty"]
    try:
        from planner.project import load_project

        root = ctx.find_root()
        project_dir = (root.params or {}).get("project_dir") if root is not None else None
        names += load_project(project_dir).releases()
    except Exception:  # noqa: BLE001 - no project here: complete what we know
        pass
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def echo_error(message: str) -> None:
    """Print ``message`` on stderr as an error (:func:`style_error`)."""
    click.echo(style_error(message), err=True, color=use_color(None, stream=sys.stderr))
