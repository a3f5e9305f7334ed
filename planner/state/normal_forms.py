"""Normal forms of server defaults and reflected check texts, as the databases give them
back: shared by the database capture and the models' capture, so both write one form."""

from __future__ import annotations

import re

_NOW = re.compile(
    r"^(?:now|current_timestamp|localtimestamp|transaction_timestamp)(?:\s*\(\s*\d*\s*\))?$",
    re.IGNORECASE,
)
_CAST = re.compile(
    r"^(?P<lit>'(?:[^']|'')*'|-?\d+(?:\.\d+)?)(?:::[A-Za-z_][\w .\"]*(?:\[\])?(?:\(\d+(?:,\s*\d+)?\))?)+$"
)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_BOOL_TRUE = {"true", "1", "'1'", "'t'", "'true'", "b'1'"}
_BOOL_FALSE = {"false", "0", "'0'", "'f'", "'false'", "b'0'"}
_NUMERIC_TYPES = ("Integer", "BigInteger", "SmallInteger", "Numeric", "Float", "Double", "REAL")


def normalise_server_default(text: str | None, *, type: str | None = None) -> str | None:
    """The normal form of a server default (see NORMALISATIONS in the module docstring).

    Example:
        >>> normalise_server_default("'info'::event_level")
        "'info'"
        >>> normalise_server_default("current_timestamp()")
        'now()'
        >>> normalise_server_default("0", type="Boolean")
        'false'
        >>> normalise_server_default("01", type="SmallInteger")
        '1'
    """
    if text is None:
        return None
    t = text.strip()
    while _outer_parens(t):
        t = t[1:-1].strip()
    if not t or t.upper() == "NULL" or t.upper().startswith("NULL::"):
        return None
    m = _CAST.match(t)
    if m:
        t = m.group("lit")
    if _NOW.match(t):
        return "now()"
    base = (type or "").split("(")[0]
    if base == "Boolean":
        if t.lower() in _BOOL_TRUE:
            return "true"
        if t.lower() in _BOOL_FALSE:
            return "false"
    if base in _NUMERIC_TYPES:
        if len(t) > 2 and t[0] == "'" and t[-1] == "'" and _NUMBER.match(t[1:-1]):
            t = t[1:-1]
        if _NUMBER.match(t) and "." in t and "e" not in t.lower():
            t = t.rstrip("0").rstrip(".")
        if _NUMBER.match(t) and "e" not in t.lower():
            # the databases store a number, not its spelling: 01 and +1 read back as 1
            sign = "-" if t[0] == "-" else ""
            whole, dot, frac = t.lstrip("+-").partition(".")
            t = sign + (whole.lstrip("0") or "0") + dot + frac
    return t


def _outer_parens(t: str) -> bool:
    if not (t.startswith("(") and t.endswith(")")):
        return False
    depth = 0
    in_str = False
    for i, ch in enumerate(t):
        if ch == "'":
            in_str = not in_str
        elif not in_str:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(t) - 1:
                    return False
    return True


_LITERAL_CAST = re.compile(
    r"('(?:[^']|'')*'|\b\d+(?:\.\d+)?)::[A-Za-z_]\w*(?:\s+(?:varying|precision))?(?:\[\])?"
)


_QUOTED_NUMBER_CAST = re.compile(
    r"'(-?\d+(?:\.\d+)?)'::(?:integer|bigint|smallint|numeric|real|double precision)\b"
)


def _clean_sql(text: str) -> str:
    """Reflected SQL without identifier quotes (MariaDB backticks), outer parentheses,
    or PostgreSQL casts of literals (``''::text`` -> ``''``)."""
    t = text.strip()
    while _outer_parens(t):
        t = t[1:-1].strip()
    t = t.replace("`", "").replace("\\'", "''")
    t = _QUOTED_NUMBER_CAST.sub(r"\1", t)  # PostgreSQL's '-1'::integer is -1
    return _LITERAL_CAST.sub(r"\1", t)
