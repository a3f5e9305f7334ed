"""SQLite's generated columns, read from the CREATE TABLE statement.

SQLAlchemy finds a generated column's expression with a regular expression that runs
to the last parenthesis of the statement when the table is written on one line, and
misses ``AS (...)`` without ``GENERATED ALWAYS``: the expression and its ``STORED`` /
``VIRTUAL`` are read here from the column's definition, parentheses and quotes balanced.

Example:
    >>> sql = "CREATE TABLE t (a INTEGER, b INT AS (a * (2)) STORED, c TEXT AS ('x' || a))"
    >>> generated_columns(sql)
    {'b': ('a * (2)', True), 'c': ("'x' || a", False)}
"""

from __future__ import annotations

import re

from planner.dialects.reflection import RawTable

_QUOTES = {'"': '"', "'": "'", "`": "`", "[": "]"}
_AS = re.compile(r"\b(?:GENERATED\s+ALWAYS\s+)?AS\s*$", re.IGNORECASE)
_KIND = re.compile(r"\s*(STORED|VIRTUAL)\b", re.IGNORECASE)


def _split(body: str) -> list[str]:
    """The top-level comma-separated parts of a parenthesised list's body."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        ch = body[i]
        if ch in _QUOTES:
            end = body.find(_QUOTES[ch], i + 1)
            while ch != "[" and end != -1 and body[end + 1 : end + 2] == ch:
                end = body.find(ch, end + 2)  # a doubled quote inside the quotes
            i = len(body) if end == -1 else end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return [p.strip() for p in parts]


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the one at ``start`` (-1: none)."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch in _QUOTES:
            end = text.find(_QUOTES[ch], i + 1)
            while ch != "[" and end != -1 and text[end + 1 : end + 2] == ch:
                end = text.find(ch, end + 2)
            if end == -1:
                return -1
            i = end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _name(part: str) -> str:
    if part[:1] in _QUOTES:
        q = _QUOTES[part[0]]
        end = part.find(q, 1)
        while q != "]" and end != -1 and part[end + 1 : end + 2] == q:
            end = part.find(q, end + 2)
        return part[1:end].replace(q * 2, q) if q != "]" else part[1:end]
    return part.split()[0] if part.split() else ""


def generated_columns(sql: str | None) -> dict[str, tuple[str, bool]]:
    """``{column: (expression, stored)}`` of a CREATE TABLE statement."""
    if not sql:
        return {}
    open_at = sql.find("(")
    close_at = _closing(sql, open_at) if open_at != -1 else -1
    if close_at == -1:
        return {}
    out = {}
    for part in _split(sql[open_at + 1 : close_at]):
        name = _name(part)
        i = len(name) + 2 if part[:1] in _QUOTES else len(name)
        while i < len(part):
            p = part.find("(", i)
            if p == -1:
                break
            if _AS.search(part[:p]):
                end = _closing(part, p)
                if end == -1:
                    break
                m = _KIND.match(part, end + 1)
                stored = bool(m) and m.group(1).upper() == "STORED"
                out[name] = (part[p + 1 : end].strip(), stored)
                break
            i = _closing(part, p) + 1 or len(part)
    return out


def fix_generated(sql: str | None, t: RawTable) -> None:
    """Replace SQLAlchemy's ``computed`` of each generated column of ``t``."""
    found = generated_columns(sql) if any("computed" in c for c in t.columns) else {}
    for c in t.columns:
        if "computed" in c and c["name"] in found:
            expr, stored = found[c["name"]]
            c["computed"] = {"sqltext": expr, "persisted": stored}
