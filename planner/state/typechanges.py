"""Type changes: widening, narrowing, conversion (see :mod:`planner.state.coltypes`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    pass


from planner.state.typespec import (
    _BY_NAME,
    _EMPTY,
    TypeParseError,
    TypeSpec,
    _spec,
    canonical_type,
    format_type,
    nearest,
    normalise_type,
)

# ---------------------------------------------------------------------------------------
# type changes

_INT_BITS = {"SmallInteger": 16, "Integer": 32, "BigInteger": 64}
_INT_DIGITS = {"SmallInteger": 5, "Integer": 10, "BigInteger": 19}
#: longest text rendering of a value (for X -> String(n)); None = unbounded / unknown
_TEXT_WIDTH = {
    "SmallInteger": 6,
    "Integer": 11,
    "BigInteger": 20,
    "Boolean": 5,
    "Date": 10,
    "Time": 21,
    "DateTime": 32,
    "Uuid": 36,
    "postgresql.INET": 49,
    "postgresql.CIDR": 49,
    "Float": 24,
}


def _str_capacity(spec: TypeSpec) -> int | None:
    """Maximum length of a string type; None = unbounded."""
    if spec.name == "String" and spec.args:
        return spec.args[0]
    return None


def _text_width(spec: TypeSpec, enums: Mapping[str, Sequence[str]]) -> int | None:
    if spec.name == "Numeric" and spec.args:
        return spec.args[0] + 2
    if spec.name == "Enum" and spec.enum in enums:
        return max((len(v) for v in enums[spec.enum]), default=0)
    if spec.name == "String":
        return _str_capacity(spec)
    return _TEXT_WIDTH.get(spec.name)


def _numeric_digits(spec: TypeSpec) -> tuple[int, int] | None:
    """(integer digits, fraction digits) of a Numeric; None = unbounded."""
    if not spec.args:
        return None
    p = spec.args[0]
    s = spec.args[1] if len(spec.args) > 1 else 0
    return (p - s, s)


def _fits(old: TypeSpec, new: TypeSpec, enums: Mapping[str, Sequence[str]]) -> bool | None:
    """Does every value of ``old`` fit into ``new`` unchanged?  None: neither (a value
    is reinterpreted, e.g. a time zone is added), so neither widening nor narrowing."""
    fo, fn = _BY_NAME[old.name].family, _BY_NAME[new.name].family
    if fn == "string" and fo == "binary":
        return False  # bytes become their escaped text (PostgreSQL: '\\x...')
    if fn == "string":
        cap = _str_capacity(new)
        if cap is None:
            return True
        width = _text_width(old, enums)
        return width is not None and width <= cap
    if fo == "integer" and fn == "integer":
        return _INT_BITS[old.name] <= _INT_BITS[new.name]
    if fo == "integer" and fn == "numeric":
        digits = _numeric_digits(new)
        return digits is None or digits[0] >= _INT_DIGITS[old.name]
    if fo == "integer" and fn == "float":
        return old.name != "BigInteger"
    if fo == "numeric" and fn == "numeric":
        a, b = _numeric_digits(old), _numeric_digits(new)
        if b is None:
            return True
        if a is None:
            return False
        return a[0] <= b[0] and a[1] <= b[1]
    if fo in ("date", "datetime") and fn == "datetime":
        if fo == "date":
            return True
        return None  # only the time zone flag differs
    if fo == "time" and fn == "time":
        return None
    if fo == "json" and fn == "json":
        return True
    if old.name == "postgresql.CIDR" and new.name == "postgresql.INET":
        return True
    if fo == "enum" and fn == "enum":
        if old.enum in enums and new.enum in enums:
            return set(enums[old.enum]) <= set(enums[new.enum])
        return False
    if fo == "array" and fn == "array":
        assert old.item is not None and new.item is not None
        if old.item == new.item:
            return True
        return _fits(old.item, new.item, enums)
    return False


def is_widening(old: str, new: str, *, enums: Mapping[str, Sequence[str]] = _EMPTY) -> bool:
    """True when the type changes and every value of ``old`` fits ``new`` unchanged.

    ``enums`` (name -> values) lets ``Enum(a) -> Enum(b)`` and ``Enum -> String(n)`` be
    judged; without it they count as narrowing.

    Example:
        >>> is_widening("String(80)", "String(120)"), is_widening("Integer", "BigInteger")
        (True, True)
    """
    a, b = _spec(old), _spec(new)
    return a != b and _fits(a, b, enums) is True


def is_narrowing(old: str, new: str, *, enums: Mapping[str, Sequence[str]] = _EMPTY) -> bool:
    """True when the type changes and some value of ``old`` may not fit ``new``.

    A change of family is narrowing, except to ``Text``/``String`` wide enough and a few
    exact conversions (``Integer -> Numeric(12)``, ``Date -> DateTime``). A change that
    only reinterprets values (``DateTime -> DateTime(timezone=True)``) is neither.

    Example:
        >>> is_narrowing("String(120)", "String(80)"), is_narrowing("Text", "String(80)")
        (True, True)
        >>> is_narrowing("Integer", "Text")
        False
    """
    a, b = _spec(old), _spec(new)
    return a != b and _fits(a, b, enums) is False


#: families a value keeps its meaning across (numbers; calendar dates): a change inside
#: one that does not fit loses digits, a range or the time of day (narrowing); a change
#: to another family converts every value
_KIN = {
    "integer": "number",
    "numeric": "number",
    "float": "number",
    "date": "calendar",
    "datetime": "calendar",
}

#: the kinds :func:`type_change` tells apart
WIDENING, NARROWING, CONVERSION, REINTERPRETATION = (
    "widening",
    "narrowing",
    "conversion",
    "reinterpretation",
)


_KIND_RANK = {WIDENING: 0, REINTERPRETATION: 1, CONVERSION: 2, NARROWING: 3}


def type_change(
    old: str,
    new: str,
    *,
    enums: Mapping[str, Sequence[str]] = _EMPTY,
    dialects: Iterable[str] | None = None,
) -> tuple[str, str | None]:
    """Classify a column type change: the one classifier diff, risk and lint use.

    ``dialects`` (names): classify the types as each of these databases holds them
    (:func:`normalise_type`: MariaDB's ``Numeric`` is ``DECIMAL(10,0)``, it has no
    zone-aware types) and return the worst; None: the types as written.

    Returns ``(kind, why)``:

    * ``widening`` (why None): every value of ``old`` fits ``new`` unchanged (the same
      type, too);
    * ``narrowing``: inside one kind of value (text, numbers, calendar dates, one enum's
      values, …) some values may not fit: truncated, rounded or rejected;
    * ``conversion``: another kind of value; every value must convert (``String ->
      Integer``, ``Integer -> String(5)``);
    * ``reinterpretation``: values are kept but read differently (a time zone added).

    Example:
        >>> type_change("Integer", "Numeric(10, 2)")
        ('narrowing', 'values needing more than 8 digits before the decimal point are rejected')
        >>> type_change("Integer", "BigInteger"), type_change("String(10)", "Integer")[0]
        (('widening', None), 'conversion')
    """
    if dialects is not None:
        return _worst_change(old, new, enums, dialects)
    try:
        a, b = _spec(old), _spec(new)
    except TypeParseError:
        return (CONVERSION, f"existing {old} values must convert to {new}")
    if a == b:
        return (WIDENING, None)
    if bool(a.verbatim) != bool(b.verbatim):
        near = _through_nearest(a, b, old, new, enums)
        if near is not None:
            return near
    fits = _fits(a, b, enums)
    if fits is True:
        return (WIDENING, None)
    fa, fb = _BY_NAME[a.name].family, _BY_NAME[b.name].family
    if fits is None:
        if dict(a.kwargs).get("timezone") and not dict(b.kwargs).get("timezone"):
            return (NARROWING, "the time zone offset is lost")
        return (REINTERPRETATION, f"existing {old} values are read as {new}")
    why = _narrowing_why(a, b, fa, fb, enums)
    if why is not None:
        return (NARROWING, why)
    if fb == "string":
        return (CONVERSION, f"{old} values must fit in {_str_capacity(b)} characters as text")
    return (CONVERSION, f"existing {old} values must convert to {new}")


def _through_nearest(
    a: TypeSpec, b: TypeSpec, old: str, new: str, enums: Mapping[str, Sequence[str]]
) -> tuple[str, str | None] | None:
    """A change between a canonical type and a dialect's verbatim type that has a nearest
    canonical one (``mysql.TYPE(char(32))`` is a ``String(32)``), classified through it:
    every value of a verbatim type fits its nearest type, so a change from one is what the
    change from that type is; one to it is never better than narrowing (the nearest type
    holds more: ``BigInteger`` has negatives ``int unsigned`` rejects). None: no nearest."""
    na, nb = nearest(format_type(a)), nearest(format_type(b))
    if (na, nb) == (format_type(a), format_type(b)):
        return None
    kind, why = type_change(na, nb, enums=enums)
    if b.verbatim and kind == WIDENING:
        return (NARROWING, f"values of {old} may not fit {new}")
    return (kind, why)


def _worst_change(
    old: str, new: str, enums: Mapping[str, Sequence[str]], dialects: Iterable[str]
) -> tuple[str, str | None]:
    """:func:`type_change` on each dialect's form of the two types: the worst."""
    from planner.dialects import get

    worst: tuple[str, str | None] = (WIDENING, None)
    for name in dialects:
        try:
            a, b = normalise_type(old, name, enums=enums), normalise_type(new, name, enums=enums)
            as_written = (canonical_type(old), canonical_type(new))
        except TypeParseError:
            a, b = as_written = (old, new)
        kind, why = type_change(a, b, enums=enums)
        if (a, b) != as_written and why is not None:
            why = f"{why} ({get(name).label} holds {old} -> {new} as {a} -> {b})"
        if _KIND_RANK[kind] > _KIND_RANK[worst[0]]:
            worst = (kind, why)
    return worst


def _narrowing_why(
    a: TypeSpec, b: TypeSpec, fa: str, fb: str, enums: Mapping[str, Sequence[str]]
) -> str | None:
    """Why a change inside one kind of value that does not fit narrows; None: it is a
    change of kind (a conversion)."""
    if fa == "string" and fb == "string":
        return f"values longer than {_str_capacity(b)} characters are truncated or rejected"
    if fa == "enum" and fb == "enum":
        if a.enum in enums and b.enum in enums:
            gone = [v for v in enums[a.enum] if v not in set(enums[b.enum])]
            return f"values {', '.join(map(repr, gone))} have no place in {b.enum}"
        return None
    if fa == "array" and fb == "array":
        assert a.item is not None and b.item is not None
        inner = _narrowing_why(
            a.item, b.item, _BY_NAME[a.item.name].family, _BY_NAME[b.item.name].family, enums
        )
        return None if inner is None else f"items: {inner}"
    if fa == fb == "verbatim":  # postgresql.TYPE(bit(3)) -> postgresql.TYPE(bit(5))
        return f"values of {format_type(a)} may not fit {format_type(b)}"
    if fa == fb and fa not in _KIN:
        return f"values of {a.name} may not fit {b.name}"
    if _KIN.get(fa) is None or _KIN.get(fa) != _KIN.get(fb):
        return None
    if fb == "integer":
        if fa == "integer":
            return f"values outside the range of {b.name} are rejected"
        return "fractional parts are rounded away (and values out of range rejected)"
    if fb == "numeric":
        digits = _numeric_digits(b)
        assert digits is not None  # unbounded Numeric fits every number
        whole, frac = digits
        have = _numeric_digits(a) if fa == "numeric" else None
        if fa == "integer" or have is None or have[0] > whole:
            return f"values needing more than {whole} digits before the decimal point are rejected"
        if frac == 0:
            return "fractional digits are rounded away"
        return f"digits beyond {frac} decimal places are rounded away"
    if fb == "float":
        return f"values with more digits than {b.name} holds are rounded"
    if fb == "date":
        return "the time of day is lost"
    return None


#: families whose values PostgreSQL converts with an implicit or assignment cast
_PG_NUMBERS = frozenset({"integer", "numeric", "float"})


#: date/time conversions PostgreSQL makes without USING (D=Date, T=Time, TZ=with zone,
#: DT=DateTime, I=Interval), checked against a real server by the tests
_PG_TEMPORAL_CASTS = frozenset(
    {
        ("D", "DT"),
        ("D", "DTTZ"),
        ("DT", "DTTZ"),
        ("DTTZ", "DT"),
        ("DT", "D"),
        ("DTTZ", "D"),
        ("DT", "T"),
        ("DTTZ", "T"),
        ("DTTZ", "TTZ"),
        ("T", "TTZ"),
        ("TTZ", "T"),
        ("T", "I"),
        ("I", "T"),
    }
)


def _short(spec: TypeSpec) -> str:
    letters = {"Date": "D", "DateTime": "DT", "Time": "T", "Interval": "I"}[spec.name]
    return letters + ("TZ" if dict(spec.kwargs).get("timezone") else "")


def needs_using_cast(old: str, new: str) -> bool:
    """Does PostgreSQL need ``ALTER COLUMN ... TYPE new USING col::new``?

    PostgreSQL converts without ``USING`` only along implicit or assignment casts:
    between number types, from anything to a string type, along most date/time
    conversions (``Date -> DateTime``, ``DateTime -> Time``, not ``Time -> DateTime``),
    between ``JSON``/``JSONB`` and between ``INET``/``CIDR``; arrays follow their items. Everything else (``String -> Integer``,
    ``Integer -> Boolean``, ``Text -> JSONB``, ``Enum(a) -> Enum(b)``) needs ``USING``.

    Example:
        >>> needs_using_cast("String(10)", "Integer"), needs_using_cast("Integer", "BigInteger")
        (True, False)
    """
    a, b = _spec(old), _spec(new)
    if a == b:
        return False
    fa, fb = _BY_NAME[a.name].family, _BY_NAME[b.name].family
    if fb == "string":
        return False
    if fa in _PG_NUMBERS and fb in _PG_NUMBERS:
        return False
    timey = {"date", "datetime", "time", "interval"}
    if fa in timey and fb in timey:
        return (_short(a), _short(b)) not in _PG_TEMPORAL_CASTS
    if fa == fb and fa in ("json", "network"):
        return False
    if fa == "array" and fb == "array":
        assert a.item is not None and b.item is not None
        return needs_using_cast(a.item, b.item)
    return True


def fk_compatible(a: str, b: str, *, dialect: str | None = None) -> bool:
    """May columns of types ``a`` and ``b`` be the two ends of a foreign key?

    Same family; strings of any length; integers of any size except on MySQL/MariaDB
    (which needs the same size), Numeric with equal precision and scale, the same enum,
    and never ``JSON`` (no equality on PostgreSQL).

    Example:
        >>> fk_compatible("Integer", "BigInteger"), fk_compatible("String(8)", "Text")
        (True, True)
        >>> fk_compatible("Integer", "String(8)")
        False
    """
    from planner.dialects import get

    sa_, sb = _spec(a), _spec(b)
    fa, fb = _BY_NAME[sa_.name].family, _BY_NAME[sb.name].family
    if fa != fb or "JSON" in (sa_.name, sb.name):
        return False
    if fa == "integer" and dialect is not None and get(dialect).foreign_key_same_integer_type:
        return sa_.name == sb.name
    if fa in ("numeric", "enum", "array", "tsvector"):
        return sa_ == sb
    if fa in ("datetime", "time"):
        return sa_ == sb
    return True
