"""PostgreSQL built-in types whose modifiers dbplan's canonical types cannot carry:
``bit(3)``, ``bit varying(5)``, ``character(2)``, ``timestamp(3) with time zone``,
``time(0) without time zone``, ``interval day to second(3)`` and ``real``.

A column of one is captured verbatim, as ``format_type()`` spells it
(``postgresql.TYPE(bit(3))``), and re-created as the SQLAlchemy type that creates exactly
that type (``postgresql.BIT(3)``). Hand-written aliases read as the catalog spells them
(``timestamptz(3)`` is ``timestamp(3) with time zone``, ``bpchar(2)`` is
``character(2)``, ``float4`` is ``real``), so a snapshot and a capture agree.

Any other type with modifiers is an extension's (``geometry(Point,4326)``), spelled and
created by :mod:`planner.dialects.postgresql_exttypes`, as is ``"char"``.
"""

from __future__ import annotations

from typing import Any

from planner.dialects.postgresql_exttypes import QUOTED
from planner.dialects.postgresql_exttypes import canonical as _extension_type
from planner.dialects.postgresql_exttypes import is_own as _is_extension_type
from planner.dialects.postgresql_exttypes import sa_type as _extension_sa_type
from planner.dialects.typmods import one_modifier as _one

__all__ = ["QUOTED", "canonical", "is_modified", "is_quoted", "lossy", "parse", "sa_type"]

#: what the parser's error hint says takes modifiers
HINT = (
    "modifiers are taken by bit, bit varying, character, timestamp, time, interval and "
    "the types of extensions (geometry(Point,4326)); any other type is written by its "
    "name alone"
)

#: leading words (any alias) -> (the catalog's name, its words after the modifiers)
_NAMES: dict[tuple[str, ...], tuple[str, str]] = {
    ("bit",): ("bit", ""),
    ("bit", "varying"): ("bit varying", ""),
    ("varbit",): ("bit varying", ""),
    ("character",): ("character", ""),
    ("char",): ("character", ""),
    ("bpchar",): ("character", ""),
    ("timestamp",): ("timestamp", " without time zone"),
    ("timestamptz",): ("timestamp", " with time zone"),
    ("time",): ("time", " without time zone"),
    ("timetz",): ("time", " with time zone"),
    ("real",): ("real", ""),
    ("float4",): ("real", ""),
    ("interval",): ("interval", ""),
}
_ZONES = {
    ("without", "time", "zone"): " without time zone",
    ("with", "time", "zone"): " with time zone",
}
_FIELDS = frozenset(
    {
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "year to month",
        "day to hour",
        "day to minute",
        "day to second",
        "hour to minute",
        "hour to second",
        "minute to second",
    }
)
#: the largest precision of each (PostgreSQL's limits); bit and character lengths
_MAX_PRECISION = {"timestamp": 6, "time": 6, "interval": 6}
_MAX_LENGTH = 10_485_760
#: built-in types taking modifiers that a canonical type spells (``Numeric(10, 2)``)
_CANONICAL = frozenset({"numeric", "decimal", "varchar", "float"})
#: the first word of the catalog's spelling of each of these types
_BUILT_IN = frozenset(name.split(" ")[0] for name, _ in _NAMES.values())


def is_quoted(text: str) -> bool:
    """Is ``text`` a type written quoted (``"char"``, not ``char``, which is
    ``character(1)``)?

    Example:
        >>> is_quoted('"char"'), is_quoted('"Pair"')
        (True, False)
    """
    return text in QUOTED


def is_modified(words: tuple[str, ...]) -> bool:
    """Is ``words`` (the leading words of a ``postgresql.TYPE(...)``) one of these types?

    Example:
        >>> is_modified(("bit", "varying")), is_modified(("hstore",))
        (True, False)
    """
    return tuple(w.lower() for w in words[:2]) in _NAMES or (
        bool(words) and (words[0].lower(),) in _NAMES
    )


def canonical(
    words: tuple[str, ...],
    mods: tuple[int | str, ...] | None,
    after: tuple[str, ...],
    *,
    schema: str = "",
) -> str:
    """The catalog's spelling of the type ``words (mods) after`` (``schema``: of a type
    of that schema, an extension's).

    Raises:
        ValueError: modifiers the type does not take, or a built-in type written with
            modifiers that a canonical type spells (``numeric(10,2)`` is ``Numeric``).

    Example:
        >>> canonical(("timestamptz",), (3,), ())
        'timestamp(3) with time zone'
        >>> canonical(("interval", "day", "to", "second"), (3,), ())
        'interval day to second(3)'
        >>> canonical(("char",), None, ())
        'character(1)'
        >>> canonical(("geometry",), ("point", 4326), ())
        'geometry(Point,4326)'
    """
    low = tuple(w.lower() for w in words)
    key = low[:2] if low[:2] in _NAMES else low[:1]
    if schema or key not in _NAMES:
        if len(words) != 1 or after or not mods:
            raise ValueError(f"{' '.join(words)!r} is not a type taking modifiers")
        if not schema and low[0] in _CANONICAL:
            raise ValueError(f"{words[0]} has a canonical type (Numeric, String, Float)")
        return f"{schema}." * bool(schema) + _extension_type(words[0], mods)
    if mods is not None and not all(isinstance(m, int) for m in mods):
        raise ValueError(f"{' '.join(words)} takes integer modifiers")
    name, tail = _NAMES[key]
    rest = low[len(key) :]
    after_low = tuple(w.lower() for w in after)
    if name == "interval":
        fields = " ".join(rest or after_low)
        if rest and after_low:
            raise ValueError("interval: fields are written before the precision")
        if fields and fields not in _FIELDS:
            raise ValueError(f"interval: unknown fields {fields!r}")
        if mods is not None and fields and not fields.endswith("second"):
            raise ValueError(f"interval {fields}: only fields ending in second take a precision")
        prec = _one(name, mods, _MAX_PRECISION[name], low=0)
        return (
            "interval"
            + (f" {fields}" if fields else "")
            + (f"({prec})" if prec is not None else "")
        )
    zone = rest or after_low
    if rest and after_low:
        raise ValueError(f"{name}: the time zone is written after the modifier")
    if zone:
        if name not in ("timestamp", "time") or zone not in _ZONES:
            raise ValueError(f"{name}: unexpected words {' '.join(zone)!r}")
        if key in (("timestamptz",), ("timetz",)):
            raise ValueError(f"{key[0]}: already names the time zone")
        tail = _ZONES[zone]
    if key == ("bpchar",) and mods is None and not zone:
        return "bpchar"  # blank-trimmed text of any length, not character(1)
    if name == "real":
        if mods is not None:
            raise ValueError("real takes no modifier")
        return "real"
    if name in _MAX_PRECISION:
        prec = _one(name, mods, _MAX_PRECISION[name], low=0)
        return name + (f"({prec})" if prec is not None else "") + tail
    length = _one(name, mods, _MAX_LENGTH, low=1)
    if length is None and name != "bit varying":
        length = 1  # bit and character without a length are bit(1) and character(1)
    return name + (f"({length})" if length is not None else "")


def parse(text: str) -> tuple[str, int | None, str, bool]:
    """(name, modifier, interval fields, with time zone) of a canonical spelling.

    Example:
        >>> parse("timestamp(3) with time zone"), parse("interval day to second(3)")
        (('timestamp', 3, '', True), ('interval', 3, 'day to second', False))
    """
    tz = False
    for zone in _ZONES.values():
        if text.endswith(zone):
            text, tz = text[: -len(zone)], zone == " with time zone"
            break
    head, _, rest = text.partition("(")
    mod = int(rest.rstrip(")")) if rest else None
    name, _, fields = head.strip().partition(" ") if head.startswith("interval") else (head, "", "")
    return name.strip(), mod, fields.strip(), tz


def sa_type(text: str) -> Any:
    """The SQLAlchemy type creating exactly ``text`` (a canonical spelling), or None
    when ``text`` is not one of these types.

    Example:
        >>> sa_type("bit varying(5)")
        BIT(length=5, varying=True)
        >>> sa_type("geometry(Point,4326)")
        DOMAIN('geometry(Point,4326)', Text())
    """
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    if text.partition(" ")[0].partition("(")[0] not in _BUILT_IN and _is_extension_type(text):
        return _extension_sa_type(text)
    name, mod, extra, tz = parse(text)
    if name == "bit":
        return postgresql.BIT(mod)
    if name == "bit varying":
        return postgresql.BIT(mod, varying=True)
    if name == "character":
        return sa.CHAR(mod)
    if name == "timestamp":
        return postgresql.TIMESTAMP(timezone=tz, precision=mod)
    if name == "time":
        return postgresql.TIME(timezone=tz, precision=mod)
    if name == "interval":
        return postgresql.INTERVAL(precision=mod, fields=extra or None)
    if name == "real":
        return sa.REAL()
    return None


def lossy(satype: Any) -> bool:
    """Would a reflected PostgreSQL type lose something as a canonical type (a
    ``character`` read as ``String``, a precision, ``real`` read as ``Float``)?"""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    if isinstance(satype, sa.ARRAY):
        return lossy(satype.item_type)
    if isinstance(satype, postgresql.BIT) or isinstance(satype, sa.REAL):
        return True
    if isinstance(satype, sa.CHAR) or type(satype) is sa.String:
        return True  # character(n); name and "char" reflect as a bare String
    if isinstance(satype, postgresql.INTERVAL):
        return satype.precision is not None or bool(satype.fields)
    if isinstance(satype, (sa.DateTime, sa.Time)):
        return getattr(satype, "precision", None) is not None
    return False
