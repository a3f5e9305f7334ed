"""SQL fragments of a snapshot, parsed with sqlglot: refused unless one expression, compared
by meaning.

A snapshot carries SQL text in four fields: check constraints (``checks``), column
``server_default`` and ``backfill``, and the ``where`` of a partial index. dbplan writes
that text into DDL verbatim, so a snapshot is code. Two things follow:

- :func:`refusal` / :func:`check_snapshot`: a fragment must be exactly **one SQL
  expression** as every supported database reads it: no ``;``, no comment, no parenthesis
  closed that it did not open, no statement (``SELECT``, ``DROP`` …). Each dialect's own
  tokenizer is asked (MariaDB reads ``\\'`` inside a string as a quote, PostgreSQL and
  SQLite do not), and the text must parse as an expression on at least one of them.
- :func:`same_meaning` / :func:`canonical`: two fragments compare equal when their
  parsed trees agree after normalising what the databases rewrite (casts PostgreSQL adds,
  ``= ANY (ARRAY[…])`` for ``IN (…)``, ``BETWEEN`` spelled out, parentheses, identifier
  quoting, booleans, ``now()`` for ``CURRENT_TIMESTAMP``); operator precedence,
  associativity of ``-`` and the text of string literals are kept.

Example:
    >>> refusal("0); DROP TABLE victim; CREATE TABLE pwned (x int") is not None
    True
    >>> refusal("area > 0") is None
    True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as _GlotDialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from planner import dialects

if TYPE_CHECKING:
    from planner.state.model import Snapshot

__all__ = [
    "Fragment",
    "check_snapshot",
    "fragments",
    "refusal",
]

#: what to do instead, in every refusal
HINT = (
    "write exactly one SQL expression here (no ';', no comment, no statement), "
    'e.g. server_default: "0" or a check like "area > 0"; '
    "other SQL belongs in a hand-written revision"
)

#: nodes an expression field never holds: statements and their parts
_STATEMENTS = (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Star, exp.Alias)


class Refusal(NamedTuple):
    """Why a fragment is refused: the reason and the 0-based offset of the culprit."""

    reason: str
    offset: int


class Fragment(NamedTuple):
    """One SQL fragment of a snapshot: its YAML path, what it is for people, its text."""

    path: tuple
    what: str
    text: str


def _glot(dialect: str) -> _GlotDialect:
    return _GlotDialect.get_or_raise(dialects.get(dialect).sqlglot_name)


def _tokens_refusal(text: str, dialect: dialects.Dialect) -> Refusal | None:
    """A reason ``text`` is more than one expression to ``dialect``'s tokenizer."""
    try:
        tokens = _glot(dialect.name).tokenize(text)
    except TokenError as e:
        return Refusal(f"{dialect.label} cannot read it ({_first_line(e)})", 0)
    depth = 0
    for t in tokens:
        if t.comments:
            return Refusal(f"it holds a comment (on {dialect.label})", t.start)
        if t.token_type == TokenType.SEMICOLON:
            return Refusal(
                f"';' at character {t.start + 1} ends the statement on {dialect.label}",
                t.start,
            )
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth < 0:
                return Refusal(
                    f"')' at character {t.start + 1} closes a parenthesis it did not open "
                    f"(on {dialect.label})",
                    t.start,
                )
    if depth:
        return Refusal(f"a parenthesis is left open (on {dialect.label})", len(text))
    return None


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _parse(text: str, dialect: str) -> exp.Expression:
    """The one expression ``text`` is on ``dialect``; ParseError otherwise."""
    trees = sqlglot.parse(text, read=_glot(dialect))
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise ParseError(f"{len(trees)} statements")
    tree = trees[0]
    if not isinstance(tree, (exp.Condition, exp.Interval)) or isinstance(tree, _STATEMENTS):
        raise ParseError(f"a {type(tree).__name__.upper()} statement, not an expression")
    for node in tree.walk():
        if isinstance(node, _STATEMENTS):
            raise ParseError(f"it holds a {type(node).__name__.upper()} statement")
    return tree


@functools.lru_cache(maxsize=8192)
def refusal(text: str) -> Refusal | None:
    """Why ``text`` is not exactly one SQL expression on every dialect, or None.

    Example:
        >>> refusal("1; DROP TABLE t").reason
        "';' at character 2 ends the statement on PostgreSQL"
        >>> refusal("'it''s'") is None
        True
    """
    if not text.strip():
        return Refusal("it is empty", 0)
    if "\x00" in text:
        return Refusal("it holds a NUL character", text.index("\x00"))
    for d in dialects.all_dialects():
        r = _tokens_refusal(text, d)
        if r is not None:
            return r
    errors = []
    for d in dialects.all_dialects():
        try:
            _parse(text, d.name)
            return None
        except (ParseError, TokenError) as e:
            errors.append((d, e))
    d, e = errors[0]
    detail = _first_line(e)
    offset = 0
    if isinstance(e, ParseError) and e.errors and e.errors[0].get("col"):
        offset = max(0, int(e.errors[0]["col"]) - 1) if e.errors[0].get("line") == 1 else 0
    return Refusal(f"it does not parse as one SQL expression ({detail})", offset)


def fragments(snapshot: Snapshot) -> list[Fragment]:
    """Every SQL fragment of ``snapshot`` with its YAML path, in snapshot order."""
    out = []
    for t in snapshot.tables:
        tp = ("tables", t.name)
        for c in t.columns:
            cp = (*tp, "columns", c.name)
            if c.server_default is not None:
                out.append(
                    Fragment(
                        (*cp, "server_default"),
                        f"server_default of column {t.qualified_name}.{c.name}",
                        c.server_default,
                    )
                )
            if c.backfill is not None:
                out.append(
                    Fragment(
                        (*cp, "backfill"),
                        f"backfill of column {t.qualified_name}.{c.name}",
                        c.backfill,
                    )
                )
        for ck in t.checks:
            out.append(
                Fragment((*tp, "checks", ck.name), f"check constraint {ck.name}", ck.sqltext)
            )
        for ix in t.indexes:
            if ix.where is not None:
                out.append(
                    Fragment(
                        (*tp, "indexes", ix.name, "where"),
                        f"where clause of index {ix.name}",
                        ix.where,
                    )
                )
    return out


def check_snapshot(snapshot: Snapshot, add: Callable[..., None]) -> None:
    """Report every SQL fragment of ``snapshot`` that is not one expression.

    ``add(path, message, hint, offset=...)`` records a problem (the validator's
    collector); empty texts are left to the validator's own messages.
    """
    for f in fragments(snapshot):
        if not f.text.strip():
            continue
        r = refusal(f.text)
        if r is not None:
            add(
                f.path,
                f"{f.what} is not one SQL expression: {r.reason}",
                HINT,
                offset=r.offset or None,
            )
