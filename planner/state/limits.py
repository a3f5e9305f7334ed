"""Identifier limits of the target dialects, as validation checks them: PostgreSQL's
63 bytes where PostgreSQL is a target, MariaDB/MySQL's 64 characters where it is; SQLite
has none. Only the targets' limits are checked (``[tool.dbplan] dialects``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: PostgreSQL's NAMEDATALEN - 1, in bytes (the strictest limit; MySQL allows 64 characters).
#: Validation checks the limits of the target dialects only (:func:`validate`'s ``targets``).
MAX_IDENTIFIER_BYTES = 63

#: names of at most this many characters fit MAX_IDENTIFIER_BYTES whatever they hold
SURELY_SHORT = MAX_IDENTIFIER_BYTES // 4


def target_limits(targets: Iterable[str] | None) -> tuple:
    """(label, bytes, characters) of each target dialect with an identifier limit.

    Example:
        >>> target_limits(["sqlite"]), [x[0] for x in target_limits(None)]
        ((), ['PostgreSQL', 'MariaDB/MySQL'])
    """
    from planner import dialects

    chosen = dialects.all_dialects() if targets is None else [dialects.get(t) for t in targets]
    return tuple(
        (d.label, d.max_identifier_bytes, d.max_identifier_chars)
        for d in chosen
        if d.max_identifier_bytes is not None or d.max_identifier_chars is not None
    )


def check_length(c: Any, path: tuple, what: str, name: str | None) -> None:
    """One problem for a name over a target's limit (the first limit it passes)."""
    if name is None:
        return
    for label, max_bytes, max_chars in c.limits:
        size = len(name.encode("utf-8"))
        if max_bytes is not None and size > max_bytes:
            c.add(
                path,
                f"{what} '{name}' is {size} bytes long, over the {max_bytes}-byte limit of {label}",
                f"shorten it; {label} would silently truncate it",
            )
            return
        if max_chars is not None and len(name) > max_chars:
            c.add(
                path,
                f"{what} '{name}' is {len(name)} characters long, over the "
                f"{max_chars}-character limit of {label}",
                f"shorten it; {label} refuses it",
            )
            return


def checks_pg_labels(c: Any) -> bool:
    """A target keeps enum labels within MAX_IDENTIFIER_BYTES (PostgreSQL's labels)."""
    return any(b == MAX_IDENTIFIER_BYTES for _, b, _ in c.limits)
