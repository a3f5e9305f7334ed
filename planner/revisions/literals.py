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
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from planner import dialects, sqlexpr
from planner.dialects.postgresql import PostgreSQL
from planner.revisions.row_ref import RowRef
from planner.sqlexpr import escape_binds
from planner.state.model import FrozenMap

_BIND = sqlexpr.BIND


@dataclass(frozen=True, slots=True, kw_only=True)
class PerDialect:
    """A value that differs by dialect, chosen at run time (``x if dialect in (...) else y``)."""

    default: Any
    #: ``((dialect names), value)`` pairs, tested in order
    cases: tuple[tuple[tuple[str, ...], Any], ...] = ()


def py_literal(value: Any) -> str:
    r"""Python source for a row value: ``repr`` of str/int/float/bool/None, dicts and lists.

    Non-finite floats become ``float('nan')``; ``Decimal``, dates, times, intervals and
    UUIDs their constructor calls (``decimal.Decimal('1.5')``, ``datetime.date(2024, 1, 31)``:
    the revision imports those modules), bound through typed columns; bytes ``b'...'``;
    JSON objects keep sorted keys.

    Example:
        >>> print(py_literal({"a": [1, 2.5, None], "b": "it's"}))
        {'a': [1, 2.5, None], 'b': "it's"}
        >>> py_literal(float("inf"))
        "float('inf')"
        >>> print(py_literal(datetime.datetime(2024, 1, 31, 8, 0, tzinfo=datetime.UTC)))
        datetime.datetime(2024, 1, 31, 8, 0, tzinfo=datetime.timezone.utc)
    """
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, RowRef):  # a row named by its natural key: a sub-select
        return value.source()
    if isinstance(value, PerDialect):
        text = py_literal(value.default)
        for names, v in reversed(value.cases):
            text = (
                f"{py_literal(v)} if op.get_context().dialect.name in {tuple(names)!r} else {text}"
            )
        return f"({text})"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"float({repr(str(value))})"
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return f"decimal.Decimal({str(value)!r})"
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        # the revision imports datetime (see emit.render_ops): typed columns bind objects
        return _datetime_source(value)
    if isinstance(value, uuid.UUID):
        return f"uuid.UUID({str(value)!r})"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return repr(bytes(value))
    if isinstance(value, FrozenMap):
        value = value.as_dict()
    if isinstance(value, Mapping):
        items = ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} value into a revision: {value!r}")


def _datetime_source(value: Any) -> str:
    """``repr`` of a date/time/datetime/timedelta: ``datetime.<type>(...)`` source.

    A zone other than UTC repeats ``datetime.timezone(datetime.timedelta(...))``, which
    ``repr`` spells the same way; anything else (a ``zoneinfo`` zone) is refused.
    """
    tz = getattr(value, "tzinfo", None)
    if tz is not None and not isinstance(tz, datetime.timezone):
        raise TypeError(f"cannot write a value with zone {tz!r} into a revision: {value!r}")
    text = repr(value)
    if not text.startswith("datetime."):
        raise TypeError(f"cannot write {type(value).__name__} value {value!r} into a revision")
    return text


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
    r"""A PostgreSQL string literal (the SQL text dbplan writes is PostgreSQL's: ``ALTER
    TYPE ... ADD VALUE``) that reads the same with ``standard_conforming_strings`` on or
    off: :meth:`planner.dialects.postgresql.PostgreSQL.string_literal`.

    Example:
        >>> quote_string("it's")
        "'it''s'"
        >>> print(quote_string("x\\'; DROP TABLE t; --"))
        E'x\134''; DROP TABLE t; --'
    """
    return dialects.get(PostgreSQL.name).string_literal(value)


def sql_text_call(sql: str) -> str:
    r"""Python source ``sa.text('...')`` for SQL text, with ``:name`` escaped.

    Example:
        >>> print(sql_text_call("SELECT ':a', 1::int"))
        sa.text("SELECT '\\:a', 1::int")
    """
    return f"sa.text({escape_binds(sql)!r})"


def default_text(sql: str) -> sa.TextClause:
    r"""``sa.text`` of a snapshot server default: Alembic writes its text into the revision
    as it is (no compile), and the revision's ``sa.text`` reads ``\:name`` back as a
    literal ``:name``, never a bind parameter written as ``NULL``.

    Example:
        >>> default_text("':x'").text
        "'\\:x'"
    """
    return sa.text(_BIND.sub(lambda m: "\\:" + m.group(1), sql))


def ddl_text(sql: str) -> sa.TextClause:
    r"""``sa.text`` of snapshot SQL (a check, an index ``where``) that Alembic renders into
    a revision: Alembic compiles it once to write the file (the compile turns ``\:x``
    into ``:x``) and the revision hands that text to ``sa.text`` again when it runs, so
    ``:name`` is escaped twice and stays literal both times, never a bind parameter
    written as ``NULL``.

    Example:
        >>> from sqlalchemy.dialects import sqlite
        >>> print(ddl_text("note <> ':x'").compile(dialect=sqlite.dialect()))
        note <> '\:x'
    """
    return sa.text(_BIND.sub(lambda m: "\\\\:" + m.group(1), sql))
