"""Managed rows of PostgreSQL's own types read back (:mod:`planner.state.capture_rows`).

psycopg hands a column of a ``postgresql.TYPE(...)`` back as a Python object of its own
(a ``Range``, a ``datetime`` of a ``timestamp(3)``, a ``dict`` of an ``hstore``, a blank-
padded ``character(4)``) that never equals the snapshot's text, and that no snapshot can
hold. Such a column is read as PostgreSQL prints it (``CAST(col AS text)``; ``text[]``
for an array of them), and a snapshot value is compared in the same form: cast to the
column's type and printed again (``CAST(CAST(:v AS int4range) AS text)``), so
``'[1,10]'`` and ``'[1,11)'`` are the same value and ``0.1`` in a ``real`` is ``'0.1'``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from planner.state import coltypes

__all__ = ["normal", "read", "value"]


def _verbatim(type_text: str) -> tuple[Any, bool] | None:
    """(the spec of the PostgreSQL type, is it an array of it) of a ``postgresql.TYPE``
    column or an array of one; None for every other type."""
    spec = coltypes.parse_type(type_text)
    if spec.verbatim is not None:
        return spec, False
    if spec.item is not None and spec.item.verbatim is not None:
        return spec.item, True
    return None


def _interval(type_text: str) -> bool:
    """A plain ``Interval`` column: psycopg reads it as a ``timedelta``, a month as 30
    days and a year as 365 (``1 year 2 mons`` came back as ``P425D``), so it is read as
    text and written as an ISO-8601 duration with its years and months."""
    spec = coltypes.parse_type(type_text)
    return spec.verbatim is None and coltypes.family(type_text) == "interval"


def _text(array: bool) -> Any:
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    return postgresql.ARRAY(sa.Text()) if array else sa.Text()


def read(expr: Any, type_text: str) -> Any:
    """``expr`` as text where its type is one of PostgreSQL's own (else ``expr``).

    Example:
        >>> import sqlalchemy as sa
        >>> str(read(sa.column("r"), "postgresql.TYPE(int4range)"))
        'CAST(r AS TEXT)'
    """
    import sqlalchemy as sa

    if _interval(type_text):
        return sa.cast(expr, sa.Text())
    found = _verbatim(type_text)
    if found is None:
        return expr
    return sa.cast(expr, _text(found[1]))


def normal(param: Any, type_text: str) -> Any:
    """The text of the bound snapshot value ``param`` as the column's type prints it; None
    for the types psycopg reads as Python compares them."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from planner.state.typesa import postgresql_type

    if _interval(type_text):
        typed = sa.bindparam(param.key, param.value, type_=postgresql.INTERVAL())
        return sa.cast(sa.cast(typed, postgresql.INTERVAL()), sa.Text())
    found = _verbatim(type_text)
    if found is None:
        return None
    spec, array = found
    own = postgresql_type(coltypes.format_type(spec))
    if array:
        own = postgresql.ARRAY(own)
    # bound as the column's own type: a portable type's variants share a cache key
    param = sa.bindparam(param.key, param.value, type_=own)
    return sa.cast(sa.cast(param, own), _text(array))


def value(type_text: str, read_value: Any) -> Any:
    """A value :func:`read` read, as a snapshot writes it: a ``real``'s text a float
    (``'0.1'`` -> ``0.1``), everything else the text PostgreSQL printed.

    Example:
        >>> value("postgresql.TYPE(real)", "0.1"), value("postgresql.TYPE(int4range)", "[1,10)")
        (0.1, '[1,10)')
        >>> value("postgresql.ARRAY(postgresql.TYPE(real))", ["1.5", "NaN"])
        [1.5, 'NaN']
    """
    if read_value is not None and _interval(type_text):
        return interval_iso(read_value)
    found = _verbatim(type_text)
    if found is None or read_value is None or found[0].verbatim != "real":
        return read_value
    if found[1]:
        return [_real(v) for v in read_value]
    return _real(read_value)


def _real(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        f = float(text)
    except ValueError:
        return text
    return f if math.isfinite(f) else text


_PG_FIELD = re.compile(r"([+-]?\d+) (year|mon|day)s?")
_PG_TIME = re.compile(r"([+-])?(\d+):(\d\d):(\d\d)(?:\.(\d+))?")
_MONTHS = {"year": 12, "mon": 1}


def interval_iso(text: Any) -> Any:
    """PostgreSQL's text of an interval (``IntervalStyle`` ``postgres`` or ``iso_8601``)
    as the ISO-8601 duration a snapshot writes; text of another style as it is.

    Example:
        >>> interval_iso("1 year 2 mons -3 days +04:05:06.5"), interval_iso("-1 years")
        ('P1Y2M-3DT4H5M6.5S', '-P1Y')
        >>> interval_iso("1 day 02:00:00"), interval_iso("00:00:00"), interval_iso("P1Y2M")
        ('P1DT2H', 'PT0S', 'P1Y2M')
    """
    if not isinstance(text, str):
        return text
    parts = coltypes.duration_from_text(text)
    if parts is None:
        months = days = micros = 0
        rest = _PG_FIELD.sub("", text).strip()
        for n, unit in _PG_FIELD.findall(text):
            if unit == "day":
                days += int(n)
            else:
                months += int(n) * _MONTHS[unit]
        if rest:
            m = _PG_TIME.fullmatch(rest)
            if m is None:
                return text
            sign, h, mi, sec, frac = m.groups()
            micros = ((int(h) * 60 + int(mi)) * 60 + int(sec)) * 1_000_000
            micros += int(((frac or "") + "000000")[:6])
            micros = -micros if sign == "-" else micros
        parts = (months, days, micros)
    return coltypes.duration_text(*parts)
