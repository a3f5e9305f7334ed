"""What every command shares about its output: ``--format``, colour, the error prefix.

Colour is decided once, here (:func:`use_color`), for every command: ``--color`` /
``--no-color`` first, then ``NO_COLOR`` (any non-empty value: off), then ``FORCE_COLOR``
(non-empty and not ``0``: on), then ``TERM=dumb`` (off), else on when the stream is a
terminal. Errors are printed as ``dbplan: error: <message>`` (:data:`ERROR_PREFIX`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

#: the one prefix of every error message dbplan prints
ERROR_PREFIX = "dbplan: error: "

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
