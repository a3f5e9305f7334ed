"""Python and SQL literals for generated revision files.

Revision files must be valid Python whatever names and values contain (quotes,
backslashes, newlines, ``\"\"\"``, ``%``, ``{}``, non-ASCII), so every value is written with
:func:`py_literal` (``repr`` of plain types), never spliced into source text by hand.

DDL that SQLAlchemy has no construct for (``ALTER TYPE ... ADD VALUE``) is written as SQL
text with :func:`quote_ident` / :func:`quote_string` and wrapped by :func:`sql_text_call`,
which escapes ``:name`` so ``sa.text`` does not take it for a bind parameter.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from planner.state.model import FrozenMap

#: the pattern sa.text() treats as a bind parameter (sqlalchemy.sql.elements.TextClause)
_BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)


@dataclass(frozen=True, slots=True, kw_only=True)
class PerDialect:
    """A value that differs by dialect, chosen at run time (``x if dialect in (...) else y``)."""

    default: Any
    #: ``((dialect names), value)`` pairs, tested in order
    cases: tuple[tuple[tuple[str, ...], Any], ...] = ()


def py_literal(value: Any) -> str:
    r"""Python source for a row value: ``repr`` of str/int/float/bool/None, dicts and lists.

    Non-finite floats become ``float('nan')``; ``Decimal``, dates and times become strings
    (the database casts them on insert); JSON objects keep sorted keys.

    Example:
        >>> print(py_literal({"a": [1, 2.5, None], "b": "it's"}))
        {'a': [1, 2.5, None], 'b': "it's"}
        >>> py_literal(float("inf"))
        "float('inf')"
    """
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, PerDialect):
        text = py_literal(value.default)
        for names, v in reversed(value.cases):
            text = f"{py_literal(v)} if op.get_context().dialect.name in {tuple(names)!r} else {text}"
        return f"({text})"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"float({repr(str(value))})"
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return repr(str(value))
    if isinstance(value, (datetime.date, datetime.time)):
        return repr(value.isoformat())
    if isinstance(value, FrozenMap):
        value = value.as_dict()
    if isinstance(value, Mapping):
        items = ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} value into a revision: {value!r}")


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier (PostgreSQL), inner quotes doubled.

    Example:
        >>> print(quote_ident('a"b'))
        "a""b"
    """
    return '"' + name.replace('"', '""') + '"'


def quote_qualified(schema: str | None, name: str) -> str:
    """``"schema"."name"`` or ``"name"``.

    Example:
        >>> quote_qualified("ops", "sites")
        '"ops"."sites"'
    """
    return f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)


def quote_string(value: str) -> str:
    """A single-quoted SQL string literal, inner quotes doubled (standard_conforming_strings).

    Example:
        >>> quote_string("it's")
        "'it''s'"
    """
    return "'" + value.replace("'", "''") + "'"


def sql_text_call(sql: str) -> str:
    r"""Python source ``sa.text('...')`` for SQL text, with ``:name`` escaped.

    Example:
        >>> print(sql_text_call("SELECT ':a', 1::int"))
        sa.text("SELECT '\\:a', 1::int")
    """
    return f"sa.text({_BIND.sub(lambda m: chr(92) + ':' + m.group(1), sql)!r})"
