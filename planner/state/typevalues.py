"""Values of a column type: checked, read and written (see :mod:`planner.state.coltypes`)."""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
import math
import re
import uuid as _uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from planner.state.model import thaw

if TYPE_CHECKING:  # pragma: no cover
    pass


from planner.state.typechanges import (
    _INT_BITS,
    _numeric_digits,
    _str_capacity,
)
from planner.state.typespec import (
    _BY_NAME,
    _EMPTY,
    TypeSpec,
    _spec,
    format_type,
    nearest,
)

# ---------------------------------------------------------------------------------------
# values


def _value_spec(text: str | TypeSpec) -> TypeSpec:
    """The spec whose values a column of ``text`` takes: a dialect's verbatim type with a
    nearest canonical one takes that type's (``mysql.TYPE(datetime(3))``: a DateTime's)."""
    spec = _spec(text)
    if spec.verbatim:
        near = nearest(format_type(spec))
        if near != format_type(spec):
            return _spec(near)
    return spec


def _show(value: Any) -> str:
    """A short repr of a value for messages."""
    if isinstance(value, str) and len(value) > 20:
        return repr(value[:20] + "...")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


#: the special values of a ``Float`` or ``Numeric``, as a snapshot writes them (strings:
#: the loader refuses YAML's ``.nan``/``.inf``); ``Infinity`` fits a ``Numeric`` only
#: without precision
_NUMERIC_SPECIALS = ("NaN", "Infinity", "-Infinity")


def _special_text(d: Decimal) -> str:
    if d.is_nan():
        return "NaN"
    return "-Infinity" if d.is_signed() else "Infinity"


def _strip_zeros(d: Decimal) -> Decimal:
    """``d`` without trailing fraction zeros; exact (``Decimal.normalize`` rounds to the
    context precision)."""
    if d == 0:
        return Decimal(0)
    sign, digits, exp = d.as_tuple()
    if not isinstance(exp, int):
        return d  # NaN, Infinity: no digits to strip
    while exp < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exp = digits[:-1], exp + 1
    return Decimal((sign, digits, exp))


_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<y>-?\d+)Y)?(?:(?P<mo>-?\d+)M)?(?:(?P<d>-?\d+)D)?"
    r"(?:T(?:(?P<h>-?\d+)H)?(?:(?P<m>-?\d+)M)?(?:(?P<s>-?\d+(?:\.\d+)?)S)?)?$"
)


def duration_parts(value: str) -> tuple[int, int, int]:
    """(months, days, microseconds) of an ISO-8601 duration, each signed, as PostgreSQL
    keeps an interval: ``P1Y2M`` is 14 months, never 425 days.

    Example:
        >>> duration_parts("P1Y2M3DT4H"), duration_parts("-P1M"), duration_parts("P1M-2D")
        ((14, 3, 14400000000), (-1, 0, 0), (1, -2, 0))
    """
    m = _DURATION.match(value)
    if m is None or value.endswith(("P", "T")):
        raise ValueError(f"not an ISO-8601 duration like 'P1DT2H30M': {value!r}")
    sec = m["s"] or "0"
    neg_s = sec.startswith("-")
    whole, _, frac = sec.lstrip("-").partition(".")
    micros = int(whole) * 1_000_000 + int((frac + "000000")[:6])
    micros = (-micros if neg_s else micros) + (
        int(m["h"] or 0) * 3600 + int(m["m"] or 0) * 60
    ) * 1_000_000
    parts = (int(m["y"] or 0) * 12 + int(m["mo"] or 0), int(m["d"] or 0), micros)
    return tuple(-p for p in parts) if m["sign"] else parts  # type: ignore[return-value]


def _parse_duration(value: str) -> _dt.timedelta:
    """The ``timedelta`` of a duration without years or months (ValueError with them:
    a month has no fixed length)."""
    months, days, micros = duration_parts(value)
    if months:
        raise ValueError(f"a duration with years or months is not a fixed time: {value!r}")
    return _dt.timedelta(days=days, microseconds=micros)


def _time_text(micros: int, sign: str = "") -> str:
    hours, rest = divmod(micros, 3600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, frac_us = divmod(rest, 1_000_000)
    time = ""
    if hours:
        time += f"{sign}{hours}H"
    if minutes:
        time += f"{sign}{minutes}M"
    if seconds or frac_us:
        frac = f".{frac_us:06d}".rstrip("0") if frac_us else ""
        time += f"{sign}{seconds}{frac}S"
    return time


def format_duration_parts(months: int, days: int, micros: int, *, lead: bool = True) -> str:
    """The canonical ISO-8601 text of (months, days, microseconds): one leading ``-``
    when no part is positive, else a sign on each negative part (PostgreSQL's
    ``1 year -3 days`` is ``P1Y-3D``); without ``lead``, always a sign on each negative
    part (PostgreSQL reads no leading ``-``).

    Example:
        >>> format_duration_parts(14, 0, 0), format_duration_parts(-14, -1, 0)
        ('P1Y2M', '-P1Y2M1D')
        >>> format_duration_parts(1, -2, 3_600_000_000), format_duration_parts(0, 0, 0)
        ('P1M-2DT1H', 'PT0S')
    """
    parts = (months, days, micros)
    lead_ = "-" if lead and all(p <= 0 for p in parts) and any(parts) else ""
    if lead_:
        parts = (-months, -days, -micros)

    def signed(n: int) -> tuple[str, int]:
        return ("-", -n) if n < 0 else ("", n)

    (ms, mo), (ds, d), (ts, us) = (signed(p) for p in parts)
    years, mo_left = divmod(mo, 12)
    text = f"{lead_}P"
    if years:
        text += f"{ms}{years}Y"
    if mo_left:
        text += f"{ms}{mo_left}M"
    if d:
        text += f"{ds}{d}D"
    time = _time_text(us, ts)
    if not time and not (years or mo_left or d):
        time = "0S"
    return text + ("T" + time if time else "")


def duration_from_text(text: str) -> tuple[int, int, int] | None:
    """:func:`duration_parts` of an ISO-8601 duration; None for other text."""
    try:
        return duration_parts(text)
    except ValueError:
        return None


def duration_text(months: int, days: int, micros: int) -> str:
    """The ISO-8601 duration a snapshot writes for (months, days, microseconds):
    without months, that of the ``timedelta`` (``PT24H`` is ``P1D``).

    Example:
        >>> duration_text(14, 0, 0), duration_text(0, 1, 7_200_000_000)
        ('P1Y2M', 'P1DT2H')
    """
    if months:
        return format_duration_parts(months, days, micros)
    return _format_duration(_dt.timedelta(days=days, microseconds=micros))


def _format_duration(delta: _dt.timedelta) -> str:
    sign = "-" if delta < _dt.timedelta(0) else ""
    delta = abs(delta)
    days = delta.days
    time = _time_text(delta.seconds * 1_000_000 + delta.microseconds)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    if not (days or time):
        time = "0S"
    return text + ("T" + time if time else "")


def _temporal(spec: TypeSpec, value: Any) -> Any:
    """Parse an ISO-8601 date/time/datetime string (or pass a Python value through)."""
    if spec.name == "Date":
        if isinstance(value, _dt.datetime):
            raise ValueError("a date, not a date and time")
        if isinstance(value, _dt.date):
            return value
        return _dt.date.fromisoformat(value)
    if spec.name == "Time":
        if isinstance(value, _dt.time):
            return value
        return _dt.time.fromisoformat(value)
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    return _dt.datetime.fromisoformat(value)


def value_problem(
    text: str, value: Any, *, enums: Mapping[str, Sequence[str]] = _EMPTY
) -> str | None:
    """Why a YAML row value does not fit the column type; None when it fits.

    None (SQL NULL) always fits here (nullability is checked elsewhere). An ``Enum``
    whose values are not in ``enums`` is not checked.

    Example:
        >>> value_problem("String(3)", "abcd")
        "value 'abcd' is 4 characters, longer than String(3)"
        >>> value_problem("SmallInteger", 7) is None
        True
    """
    spec = _spec(text)
    if value is None:
        return None
    return _problem(spec, format_type(spec), _BY_NAME[spec.name].family, enums, value)


def value_checker(
    text: str | TypeSpec, *, enums: Mapping[str, Sequence[str]] = _EMPTY
) -> Callable[[Any], str | None]:
    """``value_problem`` of one column type, with the type parsed and spelled once.

    The function returned gives what ``value_problem(text, value, enums=enums)`` gives,
    for any value; the common values (an int of an integer type, a string of a string
    type, a bool of a Boolean) are accepted without further work, so checking thousands
    of managed rows costs a small constant per value.

    Example:
        >>> check = value_checker("String(3)")
        >>> check("abc") is None, check("abcd")
        (True, "value 'abcd' is 4 characters, longer than String(3)")
    """
    spec = _spec(text)
    fam = _BY_NAME[spec.name].family
    slow = functools.partial(_problem, spec, format_type(spec), fam, enums)

    def checked(value: Any) -> str | None:
        return None if value is None else slow(value)

    if fam == "integer":
        bits = _INT_BITS[spec.name]
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

        def integer(value: Any) -> str | None:
            if type(value) is int and low <= value <= high:
                return None
            return checked(value)

        return integer
    if fam == "string":
        cap = _str_capacity(spec)
        if cap is None:

            def text_(value: Any) -> str | None:
                return None if type(value) is str else checked(value)

            return text_

        def string(value: Any) -> str | None:
            if type(value) is str and len(value) <= cap:
                return None
            return checked(value)

        return string
    if fam == "boolean":

        def boolean(value: Any) -> str | None:
            return None if value is True or value is False else checked(value)

        return boolean
    return checked


def _problem(
    spec: TypeSpec, shown: str, fam: str, enums: Mapping[str, Sequence[str]], value: Any
) -> str | None:
    """:func:`value_problem` of a value that is not None, the type parsed and spelled."""
    if fam == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"value {_show(value)} is not an integer, expected for {shown}"
        bits = _INT_BITS[spec.name]
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        if not low <= value <= high:
            return f"value {value} is out of the range of {shown} ({low} .. {high})"
        return None
    if fam == "boolean":
        if not isinstance(value, bool):
            return f"value {_show(value)} is not true or false, expected for {shown}"
        return None
    if fam == "string":
        if not isinstance(value, str):
            return f"value {_show(value)} is not a string, expected for {shown}; quote it"
        cap = _str_capacity(spec)
        if cap is not None and len(value) > cap:
            return f"value {_show(value)} is {len(value)} characters, longer than {shown}"
        return None
    if fam == "float" and value in _NUMERIC_SPECIALS:
        return None  # a float column holds them; YAML's .inf/.nan are refused on loading
    if fam == "numeric" and value in _NUMERIC_SPECIALS:
        if value != "NaN" and _numeric_digits(spec) is not None:
            return (
                f"value {value!r} does not fit {shown}: only a Numeric without precision holds it"
            )
        return None
    if fam in ("float", "numeric"):
        d = _decimal(value)
        if d is None:
            return f"value {_show(value)} is not a finite number or decimal string, expected for {shown}"
        digits = _numeric_digits(spec) if fam == "numeric" else None
        if digits is not None:
            sign, dig, exp = _strip_zeros(d).as_tuple()
            assert isinstance(exp, int)
            frac = max(0, -exp)
            whole = max(0, len(dig) + exp) if d != 0 else 0
            if frac > digits[1]:
                return f"value {_show(value)} has {frac} decimal places, more than {shown} keeps"
            if whole > digits[0]:
                return f"value {_show(value)} has {whole} integer digits, more than {shown} holds ({digits[0]})"
        return None
    if fam in ("date", "time", "datetime"):
        if not isinstance(value, (str, _dt.date, _dt.time)):
            return f"value {_show(value)} is not an ISO-8601 string, expected for {shown}"
        try:
            parsed = _temporal(spec, value)
        except (ValueError, TypeError):
            example = {"date": "2024-01-31", "time": "13:45:00", "datetime": "2024-01-31T13:45:00"}
            return f"value {_show(value)} is not an ISO-8601 {fam} like {example[fam]!r}, expected for {shown}"
        if fam in ("datetime", "time"):
            aware = parsed.utcoffset() is not None
            tz = dict(spec.kwargs).get("timezone", False)
            if tz and not aware and fam == "datetime":
                return (
                    f"value {_show(value)} has no UTC offset, needed by {shown} (add e.g. +00:00)"
                )
            if not tz and aware:
                return f"value {_show(value)} has a UTC offset, but {shown} stores none"
        return None
    if fam == "interval":
        if isinstance(value, _dt.timedelta):
            return None
        try:
            duration_parts(value if isinstance(value, str) else "")
        except ValueError:
            return f"value {_show(value)} is not an ISO-8601 duration like 'P1DT2H30M', expected for {shown}"
        return None
    if fam == "binary":
        if isinstance(value, (bytes, bytearray, memoryview)):
            return None
        try:
            bytes.fromhex(value if isinstance(value, str) else "-")
        except ValueError:
            return f"value {_show(value)} is not a hexadecimal string, expected for {shown}"
        return None
    if fam == "uuid":
        if isinstance(value, _uuid.UUID):
            return None
        try:
            _uuid.UUID(value if isinstance(value, str) else "-")
        except ValueError:
            return f"value {_show(value)} is not a UUID, expected for {shown}"
        return None
    if fam == "enum":
        assert spec.enum is not None
        if not isinstance(value, str):
            return f"value {_show(value)} is not a string, expected for {shown}"
        if spec.enum in enums and value not in enums[spec.enum]:
            allowed = ", ".join(enums[spec.enum])
            return f"value {_show(value)} is not a value of enum {spec.enum} ({allowed})"
        return None
    if fam == "json":
        return None
    if fam == "array":
        assert spec.item is not None
        if not isinstance(value, (list, tuple)):
            return f"value {_show(value)} is not a list, expected for {shown}"
        for i, item in enumerate(value):
            if item is None:
                continue
            problem = value_problem(spec.item, item, enums=enums)
            if problem:
                return f"item {i}: {problem}"
        return None
    if fam == "network":
        try:
            if spec.name == "postgresql.CIDR":
                ipaddress.ip_network(value, strict=True)
            else:
                ipaddress.ip_interface(value)
        except (ValueError, TypeError):
            kind = "network (host bits zero)" if spec.name == "postgresql.CIDR" else "IP address"
            return f"value {_show(value)} is not an {kind}, expected for {shown}"
        return None
    if fam == "tsvector":
        if not isinstance(value, str):
            return f"value {_show(value)} is not a string, expected for {shown}"
        return None
    return None  # pragma: no cover - every family is handled above


def json_safe(value: Any) -> Any:
    """``value`` with each ``Decimal`` (in lists, at any depth) a JSON number: the float of
    the same value (the ``Decimal`` itself when no float is, or it is not finite). Floats
    only, so a list stays of one type (PostgreSQL casts a ``float8[]`` to ``numeric[]``).

    Example:
        >>> json_safe([Decimal("1.50"), Decimal("2"), [Decimal("0.1")]])
        [1.5, 2.0, [0.1]]
    """
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, Decimal) and value.is_finite():
        f = float(value)
        return f if Decimal(repr(f)) == value else value
    return value


def python_value(text: str, value: Any) -> Any:
    """Convert a (valid) YAML row value into the Python value to bind.

    Example:
        >>> python_value("Date", "2024-01-31")
        datetime.date(2024, 1, 31)
        >>> python_value("Numeric(10, 2)", "1.50")
        Decimal('1.50')
    """
    spec = _value_spec(text)
    if value is None:
        return None
    fam = _BY_NAME[spec.name].family
    if fam in ("date", "time", "datetime"):
        return _temporal(spec, value)
    if fam == "numeric":
        if value in _NUMERIC_SPECIALS:
            return Decimal(value)
        d = _decimal(value)
        return d if d is not None else value
    if fam == "float":
        return float(value)  # float("NaN"), float("-Infinity") too
    if fam == "uuid":
        return value if isinstance(value, _uuid.UUID) else _uuid.UUID(str(value))
    if fam == "binary":
        return bytes(value) if not isinstance(value, str) else bytes.fromhex(value)
    if fam == "interval":
        if isinstance(value, _dt.timedelta):
            return value
        months, days, micros = duration_parts(value)
        if months:  # no timedelta holds a month: PostgreSQL reads the ISO-8601 text
            return format_duration_parts(months, days, micros, lead=False)
        return _dt.timedelta(days=days, microseconds=micros)
    if fam == "json":
        return thaw(value)
    if fam == "array":
        assert spec.item is not None
        return [python_value(spec.item, v) for v in value]
    if fam == "network":
        return str(value)
    return value


def yaml_value(text: str, value: Any) -> Any:
    """The canonical YAML value of a value read from a database (or written in YAML).

    Dates and times become ISO-8601 strings (aware datetimes in UTC), ``Decimal`` a
    string without exponent or trailing zeros, UUIDs and addresses strings, bytes a
    lowercase hex string, intervals ISO-8601 durations, MySQL's 0/1 booleans bools.
    ``python_value(t, yaml_value(t, x))`` gives ``x`` back (equal, not identical).

    Example:
        >>> from decimal import Decimal
        >>> yaml_value("Numeric(10, 2)", Decimal("1.50"))
        '1.5'
        >>> yaml_value("Boolean", 1)
        True
    """
    spec = _value_spec(text)
    if value is None:
        return None
    fam = _BY_NAME[spec.name].family
    if fam == "boolean":
        return bool(value)
    if fam == "integer":
        return int(value)
    if fam in ("date", "time", "datetime"):
        v = _temporal(spec, value)
        if isinstance(v, _dt.datetime) and v.utcoffset() is not None:
            v = v.astimezone(_dt.UTC)
        return v.isoformat()
    if fam == "numeric":
        if isinstance(value, Decimal) and not value.is_finite():
            return _special_text(value)
        d = _decimal(value)
        if d is None:
            return value
        if d == 0:
            return "0"
        return format(_strip_zeros(d), "f")
    if fam == "float":
        f = float(value)
        return f if math.isfinite(f) else _special_text(Decimal(f))
    if fam == "uuid":
        return str(value if isinstance(value, _uuid.UUID) else _uuid.UUID(str(value)))
    if fam == "binary":
        return value.lower() if isinstance(value, str) else bytes(value).hex()
    if fam == "interval":
        if isinstance(value, _dt.timedelta):
            return _format_duration(value)
        return duration_text(*duration_parts(value))
    if fam == "network":
        return str(value)
    if fam == "enum":
        # a Python enum member (models with enum classes) is stored by its name
        return value if isinstance(value, str) else getattr(value, "name", value)
    if fam == "array":
        assert spec.item is not None
        return [yaml_value(spec.item, v) for v in value]
    if fam == "json":
        return thaw(value)
    return value
