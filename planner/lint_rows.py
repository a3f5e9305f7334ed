"""Lint rules of the row modes (part of :mod:`planner.lint`, which imports this module).

=====  ========  =============================================================
code   severity  finding
=====  ========  =============================================================
R022   danger    a ``sync`` table loses the rows its snapshot does not declare (users' rows too)
=====  ========  =============================================================

Example:
    >>> from planner.lint import RULES
    >>> RULES["R022"].severity.value
    'danger'
"""

from __future__ import annotations

from collections.abc import Iterator

from planner import ops as O
from planner.lint import LintContext, Severity, rule
from planner.state.model import table_key_str


@rule("R022", Severity.DANGER, O.PruneRows)
def _sync_prunes(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A sync table loses the rows its snapshot does not declare, users' rows included."""
    table = table_key_str(op.table_key)
    kept = len(op.keys)
    yield (
        f"rows.mode sync: every row of {table} but the {kept} declared "
        f"{'one' if kept == 1 else 'ones'} is deleted, users' rows included (they cannot "
        "come back on downgrade)",
        "keep rows.mode managed (or seed) if users add rows to this table; generate refuses "
        "this without --allow-destructive",
    )
