"""MariaDB/MySQL column types that no canonical type creates exactly: ``bit(3)``,
``char(2)``, ``float``, ``double(10,4)``, ``datetime(3)``, ``time(0)``, ``timestamp``,
``int(10) unsigned``, ``mediumint(9)``, ``tinyint(4)``, ``year(4)``,
``decimal(6,2) unsigned``, ``mediumtext``, ``binary(4)``, ``varbinary(10)``,
``longblob`` …

A column of one is captured verbatim, as ``information_schema.COLUMNS.COLUMN_TYPE``
spells it (``mysql.TYPE(datetime(3))``), and re-created as the SQLAlchemy type that
creates exactly that type (``mysql.DATETIME(fsp=3)``). A column type a canonical type
creates (``int(11)`` is ``Integer``, ``datetime(6)`` is ``DateTime``, ``varchar(20)`` is
``String(20)``) keeps its canonical spelling, and ``mysql.TYPE(...)`` of one is refused
naming it: each type has one spelling. Hand-written aliases and defaults read as the
catalog spells them (``integer unsigned`` is ``int(10) unsigned``, ``float(30)`` is
``double``, ``datetime(0)`` is ``datetime``, ``char`` is ``char(1)``).
"""

from __future__ import annotations

import re
from typing import Any

from planner.dialects.typmods import one_modifier as _one

#: a ``postgresql.TYPE(other.pair)``-like qualified name has no meaning here
HAS_NAMED_TYPES = False
#: what the parser's error hint says takes modifiers
HINT = (
    "mysql.TYPE(...) takes a MariaDB/MySQL type as information_schema.COLUMNS.COLUMN_TYPE "
    "spells it: bit(3), char(2), float, double(10,4), datetime(3), time(0), timestamp, "
    "int(10) unsigned, year(4), decimal(6,2) unsigned, mediumtext, binary(4), varbinary(10)"
)

#: integer types -> (display width, unsigned display width): MariaDB's defaults
_INTS = {
    "tinyint": (4, 3),
    "smallint": (6, 5),
    "mediumint": (9, 8),
    "int": (11, 10),
    "bigint": (20, 20),
}
#: the types taking no modifier
_BARE = frozenset(
    {"tinytext", "mediumtext", "longtext", "text", "tinyblob", "mediumblob", "longblob", "blob"}
)
#: spellings people write -> the catalog's name
_ALIASES = {
    ("integer",): "int",
    ("int1",): "tinyint",
    ("int2",): "smallint",
    ("int3",): "mediumint",
    ("int4",): "int",
    ("int8",): "bigint",
    ("middleint",): "mediumint",
    ("real",): "double",
    ("double", "precision"): "double",
    ("float4",): "float",
    ("float8",): "double",
    ("dec",): "decimal",
    ("numeric",): "decimal",
    ("fixed",): "decimal",
    ("bool",): "boolean",
    ("character",): "char",
}
_NUMBERS = frozenset({*_INTS, "float", "double", "decimal"})
_FRACTIONS = frozenset({"datetime", "time", "timestamp"})
_LENGTHS = {"bit": (1, 64, 1), "char": (0, 255, 1), "binary": (0, 255, 1)}
_REQUIRED_LENGTHS = {"varchar": 65_532, "varbinary": 65_532}

#: a column type -> the canonical type creating exactly it (decimal and varchar aside)
_CANONICAL = {
    "smallint(6)": "SmallInteger",
    "int(11)": "Integer",
    "bigint(20)": "BigInteger",
    "tinyint(1)": "Boolean",
    "text": "Text",
    "double": "Float",
    "date": "Date",
    "datetime(6)": "DateTime",
    "time(6)": "Time",
    "blob": "LargeBinary",
}


#: no MariaDB type is written quoted (``postgresql.TYPE("char")`` is PostgreSQL's)
QUOTED: tuple[str, ...] = ()


def is_quoted(text: str) -> bool:
    """No ``mysql.TYPE("...")``: MariaDB has no quoted type names."""
    return False


def is_modified(words: tuple[str, ...]) -> bool:
    """Every ``mysql.TYPE(...)`` is read by :func:`canonical` (a name alone too: it must
    be one of the types listed here)."""
    return True


def canonical(
    words: tuple[str, ...],
    mods: tuple[int, ...] | None,
    after: tuple[str, ...],
    *,
    schema: str = "",
) -> str:
    """The catalog's spelling (``COLUMN_TYPE``) of the type ``words (mods) after``.

    Raises:
        ValueError: not a type of this list, modifiers it does not take, or a type a
            canonical type already spells (then the message names it).

    Example:
        >>> canonical(("integer",), None, ("unsigned",))
        'int(10) unsigned'
        >>> canonical(("float",), (30,), ("unsigned",)), canonical(("datetime",), (0,), ())
        ('double unsigned', 'datetime')
        >>> canonical(("datetime",), (6,), ())
        Traceback (most recent call last):
        ValueError: datetime(6) is DateTime: write that
    """
    spelled = spell(words, mods, after)
    same = canonical_of(spelled)
    if same is not None:
        raise ValueError(f"{spelled} is {same}: write that")
    return spelled


def spell(words: tuple[str, ...], mods: tuple[int, ...] | None, after: tuple[str, ...]) -> str:
    """``COLUMN_TYPE`` of ``words (mods) after``, whether or not a canonical type spells
    it (:func:`canonical` refuses those).

    Example:
        >>> spell(("double", "precision"), (10, 4), ("unsigned",))
        'double(10,4) unsigned'
        >>> spell(("bool",), None, ())
        'tinyint(1)'
    """
    low = tuple(w.lower() for w in words)
    flags = tuple(w.lower() for w in after)
    name = _ALIASES.get(low[:2]) if len(low) >= 2 else None
    rest = low[2:] if name else ()
    if name is None:
        name, rest = _ALIASES.get(low[:1], low[0] if low else ""), low[1:]
    if rest:
        if mods is not None or flags:
            raise ValueError(f"{name}: unexpected words {' '.join(rest)!r}")
        flags = rest
    if name == "boolean":
        if mods is not None or flags:
            raise ValueError("boolean takes no modifier")
        return "tinyint(1)"
    if name not in _NUMBERS and flags:
        raise ValueError(f"{name}: unexpected words {' '.join(flags)!r}")
    tail = _sign(name, flags)
    if name in _INTS:
        width = _one(name, mods, 255, low=1)
        if width is None:
            width = _INTS[name][1 if tail else 0]
        return f"{name}({width}){tail}"
    if name in ("float", "double"):
        if mods is not None and len(mods) == 1:  # float(p): single below 25, double above
            (p,) = mods
            if not 0 <= p <= 53:
                raise ValueError(f"{name}({p}): the precision must be between 0 and 53")
            return ("float" if name == "float" and p <= 24 else "double") + tail
        if mods is None:
            return name + tail
        m, d = _two(name, mods)
        if not 1 <= m <= 255 or not 0 <= d <= min(m, 30):
            raise ValueError(f"{name}({m},{d}): 1 to 255 digits, 0 to 30 (and at most M) after")
        return f"{name}({m},{d}){tail}"
    if name == "decimal":
        m, d = (10, 0) if mods is None else (mods[0], 0) if len(mods) == 1 else _two(name, mods)
        if not 1 <= m <= 65 or not 0 <= d <= min(m, 38):
            raise ValueError(f"decimal({m},{d}): 1 to 65 digits, 0 to 38 (and at most M) after")
        return f"decimal({m},{d}){tail}"
    if name in _FRACTIONS:
        fsp = _one(name, mods, 6, low=0)
        return f"{name}({fsp})" if fsp else name
    if name in _LENGTHS:
        low_len, high, default = _LENGTHS[name]
        length = _one(name, mods, high, low=low_len)
        return f"{name}({default if length is None else length})"
    if name in _REQUIRED_LENGTHS:
        if mods is None:
            raise ValueError(f"{name} needs a length")
        return f"{name}({_one(name, mods, _REQUIRED_LENGTHS[name], low=0)})"
    if name == "year":
        width = _one(name, mods, 4, low=2)
        if width not in (None, 2, 4):
            raise ValueError("year takes a width of 2 or 4")
        return f"year({width or 4})"
    if name == "date":
        if mods is not None:
            raise ValueError("date takes no modifier")
        return "date"
    if name in _BARE:
        if mods is not None:
            raise ValueError(f"{name} takes no modifier (write the type its length needs)")
        return name
    raise ValueError(f"{' '.join(words)!r} is not a MariaDB/MySQL type dbplan re-creates")


def _sign(name: str, flags: tuple[str, ...]) -> str:
    """`` unsigned`` / `` unsigned zerofill`` (zerofill implies unsigned), or ``''``."""
    if not set(flags) <= {"signed", "unsigned", "zerofill"} or len(set(flags)) != len(flags):
        raise ValueError(f"{name}: unexpected words {' '.join(flags)!r}")
    if "zerofill" in flags:
        if "signed" in flags:
            raise ValueError(f"{name}: zerofill is unsigned")
        return " unsigned zerofill"
    if "unsigned" in flags and "signed" in flags:
        raise ValueError(f"{name}: signed or unsigned, not both")
    return " unsigned" if "unsigned" in flags else ""


def _two(name: str, mods: tuple[int, ...]) -> tuple[int, int]:
    if len(mods) != 2:
        raise ValueError(f"{name} takes (digits, digits after the point), found {len(mods)}")
    return mods[0], mods[1]


def canonical_of(spelled: str) -> str | None:
    """The canonical type creating exactly the column type ``spelled`` (a catalog
    spelling); None: only ``mysql.TYPE(spelled)`` does.

    Example:
        >>> canonical_of("decimal(10,0)"), canonical_of("varchar(20)"), canonical_of("char(32)")
        ('Numeric(10)', 'String(20)', None)
    """
    if spelled in _CANONICAL:
        return _CANONICAL[spelled]
    name, mods, flags = parse(spelled)
    if name == "varchar" and mods and mods[0] >= 1:
        return f"String({mods[0]})"
    if name == "decimal" and not flags and mods:
        return f"Numeric({mods[0]})" if mods[1] == 0 else f"Numeric({mods[0]}, {mods[1]})"
    return None


def parse(spelled: str) -> tuple[str, tuple[int, ...], tuple[str, ...]]:
    """(name, modifiers, words after) of a catalog spelling.

    Example:
        >>> parse("double(10,4) unsigned"), parse("mediumtext")
        (('double', (10, 4), ('unsigned',)), ('mediumtext', (), ()))
    """
    head, _, rest = spelled.partition("(")
    if not rest:
        name, *flags = spelled.split()
        return name, (), tuple(flags)
    inside, _, after = rest.partition(")")
    mods = tuple(int(m) for m in inside.split(",") if m.strip())
    return head.strip(), mods, tuple(after.split())


#: a catalog spelling: words, integer modifiers, words
_SPELLED = re.compile(r"([a-z0-9 ]*)(?:\(([\d ,]*)\))?([a-z ]*)")


def reads(column_type: str) -> str | None:
    """The type text of a column whose ``COLUMN_TYPE`` is ``column_type``: a canonical
    type (``Integer``) or ``mysql.TYPE(...)``; None: a type outside this module's list
    (``set('a')``, ``uuid``, ``inet6``, ``point``).

    Example:
        >>> reads("int(10) unsigned"), reads("int unsigned"), reads("int(11)")
        ('mysql.TYPE(int(10) unsigned)', 'mysql.TYPE(int(10) unsigned)', 'Integer')
        >>> reads("set('a','b')") is None
        True
    """
    m = _SPELLED.fullmatch(column_type.lower())
    if m is None or not m[1].split():
        return None
    words, mods, after = m.groups()
    try:
        spelled = spell(
            tuple(words.split()),
            None if mods is None else tuple(int(x) for x in mods.split(",")),
            tuple(after.split()),
        )
    except ValueError:
        return None
    return canonical_of(spelled) or f"mysql.TYPE({spelled})"


def portable(text: str) -> str:
    """The canonical type nearest ``text`` (a catalog spelling): what a column of it is
    on the other dialects, and the type SQLAlchemy checks a column against (an
    ``AUTO_INCREMENT`` key of ``int(10) unsigned`` is an integer).

    Example:
        >>> portable("int(10) unsigned"), portable("datetime(3)"), portable("char(2)")
        ('BigInteger', 'DateTime', 'String(2)')
    """
    name, mods, flags = parse(text)
    unsigned = "unsigned" in flags
    if name in _INTS:
        wider = {"tinyint": "SmallInteger", "smallint": "Integer", "mediumint": "Integer"}
        signed = {"tinyint": "SmallInteger", "smallint": "SmallInteger", "mediumint": "Integer"}
        return (wider if unsigned else signed).get(
            name, "BigInteger" if unsigned or name == "bigint" else "Integer"
        )
    if name == "decimal":
        return f"Numeric({mods[0]})" if mods[1] == 0 else f"Numeric({mods[0]}, {mods[1]})"
    simple = {
        "float": "Float",
        "double": "Float",
        "datetime": "DateTime",
        "timestamp": "DateTime",
        "time": "Time",
        "date": "Date",
        "year": "SmallInteger",
        "bit": "BigInteger",
    }
    if name in simple:
        return simple[name]
    if name in ("char", "varchar"):
        return f"String({max(mods[0], 1)})"
    return "Text" if name.endswith("text") else "LargeBinary"


def sa_type(text: str) -> Any:
    """The SQLAlchemy type creating exactly ``text`` (a catalog spelling).

    Example:
        >>> sa_type("int(10) unsigned"), sa_type("datetime(3)")
        (INTEGER(display_width=10, unsigned=True), DATETIME(fsp=3))
    """
    from sqlalchemy.dialects import mysql

    name, mods, flags = parse(text)
    sign = {"unsigned": "unsigned" in flags, "zerofill": "zerofill" in flags}
    sign = {k: v for k, v in sign.items() if v}
    ints = {
        "tinyint": mysql.TINYINT,
        "smallint": mysql.SMALLINT,
        "mediumint": mysql.MEDIUMINT,
        "int": mysql.INTEGER,
        "bigint": mysql.BIGINT,
    }
    if name in ints:
        return ints[name](display_width=mods[0], **sign)
    if name in ("float", "double", "decimal"):
        cls = {"float": mysql.FLOAT, "double": mysql.DOUBLE, "decimal": mysql.DECIMAL}[name]
        digits = {"precision": mods[0], "scale": mods[1]} if mods else {}
        return cls(**digits, **sign)
    fractions = {"datetime": mysql.DATETIME, "time": mysql.TIME, "timestamp": mysql.TIMESTAMP}
    if name in fractions:
        return fractions[name](fsp=mods[0]) if mods else fractions[name]()
    sized = {
        "bit": mysql.BIT,
        "char": mysql.CHAR,
        "binary": mysql.BINARY,
        "varchar": mysql.VARCHAR,
        "varbinary": mysql.VARBINARY,
    }
    if name in sized:
        return sized[name](mods[0])
    if name == "year":
        return mysql.YEAR(mods[0])
    bare = {
        "tinytext": mysql.TINYTEXT,
        "mediumtext": mysql.MEDIUMTEXT,
        "longtext": mysql.LONGTEXT,
        "text": mysql.TEXT,
        "tinyblob": mysql.TINYBLOB,
        "mediumblob": mysql.MEDIUMBLOB,
        "longblob": mysql.LONGBLOB,
        "blob": mysql.BLOB,
        "date": mysql.DATE,
    }
    return bare[name]() if name in bare else None
