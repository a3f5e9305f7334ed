"""Routine definitions (triggers, functions, procedures) as token lists, for comparing
them by meaning (MariaDB/MySQL and SQLite; see ``<dialect>_routines``).

A definition written by hand and the one the database gives back for the same object
differ in whitespace, keyword case, identifier quoting and comments: :func:`tokens`
drops comments, keeps string literals as written, lowers words outside them and
unquotes identifiers that need no quotes, so both give the same list.

Example:
    >>> tokens("CREATE  trigger `t_n` -- note\\n BEFORE insert ON t FOR EACH ROW SET NEW.n = 'A b'")
    ['create', 'trigger', 't_n', 'before', 'insert', 'on', 't', 'for', 'each', 'row', 'set', 'new', '.', 'n', '=', "'A b'"]
"""

from __future__ import annotations

import re

#: an identifier that means the same quoted or not (case aside)
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def tokens(
    sql: str,
    *,
    identifier_quotes: str = '`"',
    string_quotes: str = "'",
    hash_comments: bool = False,
    backslash_escapes: bool = False,
) -> list[str]:
    """The tokens of ``sql`` in normal form (see the module).

    Args:
        identifier_quotes: the characters quoting an identifier (``[...]`` is SQLite's too).
        string_quotes: the characters quoting a string literal (kept as written).
        hash_comments: ``#`` starts a comment to the end of the line (MySQL).
        backslash_escapes: a backslash escapes the next character in a string (MySQL).
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i) or (hash_comments and c == "#"):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in string_quotes:
            j = _closing(sql, i, c, backslash_escapes)
            out.append(sql[i:j])
            i = j
        elif c in identifier_quotes or (c == "[" and "[" in identifier_quotes):
            close = "]" if c == "[" else c
            j = _closing(sql, i, close, False)
            name = sql[i + 1 : j - 1].replace(close * 2, close)
            out.append(name.lower() if _PLAIN.fullmatch(name) else sql[i:j])
            i = j
        elif c.isalnum() or c in "_$@":
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] in "_$@"):
                j += 1
            out.append(sql[i:j].lower())
            i = j
        else:
            out.append(c)
            i += 1
    return out


def _closing(sql: str, i: int, quote: str, backslash: bool) -> int:
    """The index just past the literal or quoted name opening at ``i``."""
    j = i + 1
    n = len(sql)
    while j < n:
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
            continue
        if ch == quote:
            if j + 1 < n and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n


def drop_sequence(toks: list[str], seq: tuple[str, ...], *, start: int = 0) -> list[str]:
    """``toks`` without the first occurrence of ``seq`` at or after ``start``.

    Example:
        >>> drop_sequence(["create", "or", "replace", "trigger"], ("or", "replace"))
        ['create', 'trigger']
    """
    k = len(seq)
    for i in range(start, len(toks) - k + 1):
        if tuple(toks[i : i + k]) == seq:
            return toks[:i] + toks[i + k :]
    return toks


def name_token(text: str) -> str:
    """A name unquoted and lowered, for comparing an entry's name with its definition's
    (MariaDB and SQLite compare trigger and routine names without case).

    Example:
        >>> name_token("T_N"), name_token("`T_N`"), name_token('"my trigger"')
        ('t_n', 't_n', 'my trigger')
    """
    if len(text) > 1 and text[0] in '`"[':
        close = "]" if text[0] == "[" else text[0]
        text = text[1:-1].replace(close * 2, close)
    return text.lower()


#: a name in a definition: quoted (backticks, double quotes, brackets) or plain
NAME = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|[\w$]+)"
