"""Column types: a small safe grammar, canonical spelling, and the bridge to SQLAlchemy.

A column ``type`` in a snapshot is a SQLAlchemy type expression such as ``String(80)``,
``Numeric(10, 2)``, ``DateTime(timezone=True)``, ``Enum(event_level)`` or
``postgresql.ARRAY(Integer)``. It is read by a tokenizer and a recursive-descent parser,
never ``eval``. Grammar::

    type   := NAME ["." NAME] ["(" [arg {"," arg}] ")"]
    arg    := INT | NAME "=" (INT | "True" | "False") | type    (an identifier in Enum(...))

Known names (case-sensitive, see :func:`known_type_names`): ``SmallInteger``, ``Integer``,
``BigInteger``, ``Boolean``, ``String[(length)]``, ``Text``, ``Float``,
``Numeric[(precision[, scale])]``, ``Date``, ``Time[(timezone=True)]``,
``DateTime[(timezone=True)]``, ``Interval``, ``LargeBinary``, ``JSON``, ``Uuid``,
``Enum(<snapshot enum>)``, ``postgresql.JSONB``, ``postgresql.ARRAY(<type>)``,
``postgresql.INET``, ``postgresql.CIDR``, ``postgresql.TSVECTOR``.

Canonical spelling omits defaults (``DateTime(timezone=False)`` -> ``DateTime``,
``Numeric(10, 0)`` -> ``Numeric(10)``), writes keyword-given positional parameters
positionally (``String(length=80)`` -> ``String(80)``) and puts one space after each comma.

Parsing and every planning helper (:func:`family`, :func:`is_narrowing`,
:func:`value_problem` ...) work without SQLAlchemy; only :func:`to_sqlalchemy` and
:func:`from_sqlalchemy` import it, lazily.

What a dialect cannot represent (``DIALECT_NORMALISATION``, applied by
:func:`normalise_type`): a type created on a database and reflected back may come back
as another canonical type.

- PostgreSQL represents every type.
- MariaDB/MySQL: ``DateTime(timezone=True)`` -> ``DateTime`` and ``Time(timezone=True)``
  -> ``Time`` (no zone-aware types); ``Interval`` -> ``DateTime`` (SQLAlchemy's epoch
  emulation); ``Uuid`` -> ``String(32)`` (``CHAR(32)``); ``String`` without length ->
  ``Text`` (VARCHAR needs a length); ``Numeric`` -> ``Numeric(10)`` (``DECIMAL(10,0)``);
  the PostgreSQL types degrade through ``with_variant``: ``postgresql.JSONB`` and
  ``postgresql.ARRAY(...)`` -> ``JSON``, ``postgresql.INET`` / ``postgresql.CIDR`` ->
  ``String(45)``, ``postgresql.TSVECTOR`` -> ``Text``. ``Enum(x)`` is an inline
  ``ENUM('a', ...)`` found again by its values. MariaDB stores ``JSON`` as ``LONGTEXT``
  with a ``json_valid`` check: pass ``is_json=True`` to :func:`from_sqlalchemy` (see
  :func:`json_columns_from_checks`).
- SQLite: as MariaDB for zones, ``Interval``, ``Uuid`` and the PostgreSQL types, and
  ``Enum(x)`` -> ``String(<longest value>)`` (a ``VARCHAR`` without constraint).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import ipaddress
import math
import re
import uuid as _uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from planner.errors import DbplanError
from planner.state.model import thaw

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.types import TypeEngine

__all__ = [
    "DIALECT_NORMALISATION",
    "TypeParseError",
    "TypeReflectionError",
    "TypeSpec",
    "canonical_type",
    "enum_name",
    "family",
    "fk_compatible",
    "format_type",
    "from_sqlalchemy",
    "is_narrowing",
    "is_widening",
    "json_columns_from_checks",
    "mariadb_json_columns",
    "known_type_names",
    "needs_using_cast",
    "normalise_type",
    "parse_type",
    "python_value",
    "to_sqlalchemy",
    "type_change",
    "value_problem",
    "yaml_value",
]

_EMPTY: Mapping[str, Sequence[str]] = MappingProxyType({})


# ---------------------------------------------------------------------------------------
# the spec and its errors


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeSpec:
    """A parsed, canonical column type.

    Example:
        >>> parse_type("Numeric(10, 2)")
        TypeSpec(name='Numeric', args=(10, 2), kwargs=(), item=None, enum=None)
    """

    name: str
    #: positional integer arguments, trailing defaults omitted
    args: tuple[int, ...] = ()
    #: ``(key, value)`` pairs sorted by key, defaults omitted
    kwargs: tuple[tuple[str, Any], ...] = ()
    #: the item type of ``postgresql.ARRAY``
    item: TypeSpec | None = None
    #: the snapshot enum of ``Enum(name)``
    enum: str | None = None


class TypeParseError(DbplanError, ValueError):
    """A type expression that does not parse or names an unknown type.

    Attributes:
        message: what was expected and what was found.
        hint: a suggested fix (``did you mean 'String'?``) or None.
        offset: 0-based character offset in the text.
    """

    def __init__(self, message: str, *, hint: str | None = None, offset: int = 0):
        self.message = message
        self.hint = hint
        self.offset = offset
        super().__init__(f"{message} ({hint})" if hint else message)


class TypeReflectionError(DbplanError, ValueError):
    """A SQLAlchemy type that has no canonical spelling."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Def:
    name: str
    family: str
    #: positional parameters (all optional and integer)
    params: tuple[str, ...] = ()
    #: keyword flags and their defaults
    flags: tuple[tuple[str, bool], ...] = ()
    #: "plain", "enum" (one identifier argument) or "array" (one type argument)
    kind: str = "plain"
    #: other spellings people write, for "did you mean" hints
    aliases: tuple[str, ...] = ()


_DEFS: tuple[_Def, ...] = (
    _Def(name="SmallInteger", family="integer", aliases=("SMALLINT", "INT2", "TINYINT")),
    _Def(name="Integer", family="integer", aliases=("INT", "INTEGER", "INT4", "SERIAL")),
    _Def(name="BigInteger", family="integer", aliases=("BIGINT", "INT8", "BIGSERIAL")),
    _Def(name="Boolean", family="boolean", aliases=("BOOL", "BOOLEAN")),
    _Def(
        name="String",
        family="string",
        params=("length",),
        aliases=("VARCHAR", "CHAR", "Unicode", "NVARCHAR", "str"),
    ),
    _Def(name="Text", family="string", aliases=("TEXT", "UnicodeText", "CLOB")),
    _Def(name="Float", family="float", aliases=("FLOAT", "DOUBLE", "Double", "REAL")),
    _Def(
        name="Numeric",
        family="numeric",
        params=("precision", "scale"),
        aliases=("NUMERIC", "DECIMAL", "Decimal"),
    ),
    _Def(name="Date", family="date", aliases=("DATE",)),
    _Def(name="Time", family="time", flags=(("timezone", False),), aliases=("TIME",)),
    _Def(
        name="DateTime",
        family="datetime",
        flags=(("timezone", False),),
        aliases=("DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "Timestamp"),
    ),
    _Def(name="Interval", family="interval", aliases=("INTERVAL",)),
    _Def(name="LargeBinary", family="binary", aliases=("BLOB", "BYTEA", "BINARY", "bytes")),
    _Def(name="JSON", family="json", aliases=("Json",)),
    _Def(name="Uuid", family="uuid", aliases=("UUID",)),
    _Def(name="Enum", family="enum", kind="enum", aliases=("ENUM",)),
    _Def(name="postgresql.JSONB", family="json", aliases=("JSONB",)),
    _Def(name="postgresql.ARRAY", family="array", kind="array", aliases=("ARRAY",)),
    _Def(name="postgresql.INET", family="network", aliases=("INET",)),
    _Def(name="postgresql.CIDR", family="network", aliases=("CIDR",)),
    _Def(name="postgresql.TSVECTOR", family="tsvector", aliases=("TSVECTOR",)),
)
_BY_NAME: dict[str, _Def] = {d.name: d for d in _DEFS}
_ALIASES: dict[str, str] = {a: d.name for d in _DEFS for a in d.aliases}


def known_type_names() -> tuple[str, ...]:
    """The canonical type names, in documentation order.

    Example:
        >>> known_type_names()[:3]
        ('SmallInteger', 'Integer', 'BigInteger')
    """
    return tuple(d.name for d in _DEFS)


def _suggest(name: str) -> str | None:
    """A ``did you mean ...`` hint for an unknown type name."""
    names = known_type_names()
    folded = {n.lower(): n for n in names}
    short = {n.split(".")[-1].lower(): n for n in names}
    candidates: list[str] = []
    low = name.lower()
    for prefix in ("sqlalchemy.", "sa.", "sqltypes.", "types."):
        if low.startswith(prefix):
            low = low[len(prefix) :]
            name = name[len(name) - len(low) :]
    if low in folded:
        candidates.append(folded[low])
    elif low in short:
        candidates.append(short[low])
    elif name in _ALIASES:
        candidates.append(_ALIASES[name])
    elif name.upper() in _ALIASES:
        candidates.append(_ALIASES[name.upper()])
    else:
        candidates.extend(difflib.get_close_matches(name, names, n=1, cutoff=0.6))
        if not candidates:
            lowered = difflib.get_close_matches(low, list(folded), n=1, cutoff=0.6)
            candidates.extend(folded[c] for c in lowered)
    if not candidates:
        return None
    return f"did you mean {candidates[0]!r}?"


# ---------------------------------------------------------------------------------------
# tokenizer and parser

_TOKEN = re.compile(
    r"\s*(?:(?P<int>-?\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[().,=])|(?P<bad>\S))"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Tok:
    kind: str  # "int", "name", "punct", "end"
    text: str
    offset: int


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing whitespace left
            break
        kind = m.lastgroup or "bad"
        start = m.start(kind)
        tokens.append(_Tok(kind=kind, text=m.group(kind), offset=start))
        pos = m.end()
    tokens.append(_Tok(kind="end", text="", offset=len(text.rstrip())))
    return tokens


class _Parser:
    """Recursive descent over the token list (module-private, one use per parse)."""

    __slots__ = ("text", "tokens", "pos")

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self, ahead: int = 0) -> _Tok:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> _Tok:
        tok = self.peek()
        self.pos += 1
        return tok

    def expect(self, text: str, what: str) -> _Tok:
        tok = self.peek()
        if tok.text != text or tok.kind != "punct":
            raise TypeParseError(f"expected {what}, found {_describe(tok)}", offset=tok.offset)
        return self.take()

    def parse(self) -> TypeSpec:
        spec = self.type_expr()
        tok = self.peek()
        if tok.kind != "end":
            raise TypeParseError(
                f"unexpected {_describe(tok)} after the type {format_type(spec)!r}",
                offset=tok.offset,
            )
        return spec

    def type_expr(self) -> TypeSpec:
        first = self.peek()
        if first.kind != "name":
            raise TypeParseError(
                f"expected a type name, found {_describe(first)}",
                hint="e.g. 'Integer' or 'String(80)'",
                offset=first.offset,
            )
        self.take()
        name = first.text
        while self.peek().text == "." and self.peek().kind == "punct":
            self.take()
            part = self.peek()
            if part.kind != "name":
                raise TypeParseError(
                    f"expected a name after '.', found {_describe(part)}", offset=part.offset
                )
            self.take()
            name += "." + part.text
        d = _BY_NAME.get(name)
        if d is None:
            raise TypeParseError(f"unknown type {name!r}", hint=_suggest(name), offset=first.offset)
        has_parens = self.peek().text == "(" and self.peek().kind == "punct"
        if d.kind == "enum":
            return self.enum_args(d, has_parens)
        if d.kind == "array":
            return self.array_args(d, has_parens)
        args: dict[str, tuple[Any, int]] = {}
        if has_parens:
            self.take()
            if self.peek().text != ")":
                self.arguments(d, args)
            self.expect(")", f"',' or ')' closing {name}(")
        return _build(d, args)

    def arguments(self, d: _Def, args: dict[str, tuple[Any, int]]) -> None:
        index = 0
        seen_keyword = False
        while True:
            tok = self.peek()
            if tok.kind == "name" and self.peek(1).text == "=":
                self.take()
                self.take()
                value_tok = self.take()
                value = _literal(value_tok)
                self.keyword(d, tok, value, value_tok, args)
                seen_keyword = True
            elif tok.kind == "int":
                if seen_keyword:
                    raise TypeParseError(
                        "positional argument after a keyword argument", offset=tok.offset
                    )
                if index >= len(d.params):
                    raise TypeParseError(
                        f"{d.name} takes {_count(len(d.params), 'positional argument')}, "
                        f"found {tok.text}",
                        hint=_usage(d),
                        offset=tok.offset,
                    )
                args[d.params[index]] = (int(tok.text), tok.offset)
                index += 1
                self.take()
            else:
                raise TypeParseError(
                    f"expected an argument of {d.name}, found {_describe(tok)}",
                    hint=_usage(d),
                    offset=tok.offset,
                )
            if self.peek().text == "," and self.peek().kind == "punct":
                self.take()
                continue
            return

    def keyword(
        self, d: _Def, key: _Tok, value: Any, value_tok: _Tok, args: dict[str, tuple[Any, int]]
    ) -> None:
        allowed = d.params + tuple(k for k, _ in d.flags)
        if key.text not in allowed:
            close = difflib.get_close_matches(key.text, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else _usage(d)
            raise TypeParseError(
                f"unknown argument {key.text!r} of {d.name}", hint=hint, offset=key.offset
            )
        if key.text in args:
            raise TypeParseError(
                f"argument {key.text!r} of {d.name} given twice", offset=key.offset
            )
        flags = dict(d.flags)
        if key.text in flags and not isinstance(value, bool):
            raise TypeParseError(
                f"{d.name}({key.text}=...) must be True or False, found {value_tok.text!r}",
                offset=value_tok.offset,
            )
        if key.text in d.params and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeParseError(
                f"{d.name}({key.text}=...) must be an integer, found {value_tok.text!r}",
                offset=value_tok.offset,
            )
        args[key.text] = (value, key.offset)

    def enum_args(self, d: _Def, has_parens: bool) -> TypeSpec:
        if not has_parens:
            raise TypeParseError(
                "Enum needs the name of a snapshot enum",
                hint="e.g. Enum(event_level)",
                offset=self.peek().offset,
            )
        self.take()
        tok = self.peek()
        if tok.kind != "name":
            raise TypeParseError(
                f"expected the name of a snapshot enum, found {_describe(tok)}",
                hint="e.g. Enum(event_level); the values are listed under 'enums:'",
                offset=tok.offset,
            )
        self.take()
        self.expect(")", f"')' after Enum({tok.text}")
        return TypeSpec(name=d.name, enum=tok.text)

    def array_args(self, d: _Def, has_parens: bool) -> TypeSpec:
        if not has_parens:
            raise TypeParseError(
                f"{d.name} needs an item type",
                hint=f"e.g. {d.name}(Integer)",
                offset=self.peek().offset,
            )
        self.take()
        start = self.peek()
        item = self.type_expr()
        if item.name == d.name:
            raise TypeParseError(f"{d.name} of {d.name} is not supported", offset=start.offset)
        self.expect(")", f"')' closing {d.name}(")
        return TypeSpec(name=d.name, item=item)


def _literal(tok: _Tok) -> Any:
    if tok.kind == "int":
        return int(tok.text)
    if tok.kind == "name" and tok.text in ("True", "False"):
        return tok.text == "True"
    hint = None
    if tok.kind == "name" and tok.text.lower() in ("true", "false"):
        hint = f"did you mean {tok.text.capitalize()!r}?"
    raise TypeParseError(
        f"expected True, False or an integer, found {_describe(tok)}", hint=hint, offset=tok.offset
    )


def _build(d: _Def, args: Mapping[str, tuple[Any, int]]) -> TypeSpec:
    """Check argument values and drop defaults."""
    if d.name == "String" and "length" in args:
        length, off = args["length"]
        if length < 1:
            raise TypeParseError(f"String length must be at least 1, found {length}", offset=off)
    if d.name == "Numeric":
        if "scale" in args and "precision" not in args:
            raise TypeParseError(
                "Numeric scale given without precision",
                hint="write Numeric(precision, scale), e.g. Numeric(10, 2)",
                offset=args["scale"][1],
            )
        if "precision" in args:
            p, off = args["precision"]
            if not 1 <= p <= 1000:
                raise TypeParseError(
                    f"Numeric precision must be between 1 and 1000, found {p}", offset=off
                )
            if "scale" in args:
                s, off = args["scale"]
                if not 0 <= s <= p:
                    raise TypeParseError(
                        f"Numeric scale must be between 0 and the precision {p}, found {s}",
                        offset=off,
                    )
    positional = [args[p][0] if p in args else None for p in d.params]
    if d.name == "Numeric" and len(positional) == 2 and positional[1] == 0:
        positional[1] = None  # NUMERIC(p) means scale 0
    while positional and positional[-1] is None:
        positional.pop()
    kwargs = tuple(
        sorted((k, args[k][0]) for k, default in d.flags if k in args and args[k][0] != default)
    )
    return TypeSpec(name=d.name, args=tuple(positional), kwargs=kwargs)


def _describe(tok: _Tok) -> str:
    if tok.kind == "bad":
        return f"character {tok.text!r}"
    return "the end of the text" if tok.kind == "end" else repr(tok.text)


def _count(n: int, word: str) -> str:
    if n == 0:
        return f"no {word}s"
    return f"{n} {word}" + ("s" if n > 1 else "")


def _usage(d: _Def) -> str:
    parts = list(d.params) + [f"{k}=True" for k, _ in d.flags]
    if not parts:
        return f"{d.name} takes no arguments"
    return f"usage: {d.name}({', '.join(parts)})"


def parse_type(text: str) -> TypeSpec:
    """Parse a type expression into a canonical :class:`TypeSpec`.

    Raises:
        TypeParseError: with ``offset`` of the offending token and a ``hint``.

    Example:
        >>> parse_type("DateTime(timezone=True)").kwargs
        (('timezone', True),)
        >>> parse_type("postgresql.ARRAY(Enum(level))").item.enum
        'level'
    """
    if not isinstance(text, str):
        raise TypeParseError(f"a type must be text, found {type(text).__name__}")
    spec = _PARSED.get(text)
    if spec is None:
        spec = _Parser(text).parse()  # raises for bad text: errors are never cached
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[text] = spec
    return spec


#: parsed specs by text (a TypeSpec is immutable, so sharing one is safe); bounded
_PARSED: dict[str, TypeSpec] = {}
_PARSED_MAX = 65536


def _normalise_spec(spec: TypeSpec) -> TypeSpec:
    """Drop defaults from a hand-built spec (parsed specs are already canonical)."""
    d = _BY_NAME.get(spec.name)
    if d is None:
        raise ValueError(f"unknown type {spec.name!r}")
    if d.kind == "enum":
        if not spec.enum:
            raise ValueError("an Enum TypeSpec needs enum=<name>")
        return TypeSpec(name=d.name, enum=spec.enum)
    if d.kind == "array":
        if spec.item is None:
            raise ValueError(f"a {d.name} TypeSpec needs item=<TypeSpec>")
        return TypeSpec(name=d.name, item=_normalise_spec(spec.item))
    args = {p: (v, 0) for p, v in zip(d.params, spec.args, strict=False) if v is not None}
    if len(spec.args) > len(d.params):
        raise ValueError(f"{d.name} takes at most {len(d.params)} arguments")
    flags = dict(d.flags)
    for k, v in spec.kwargs:
        if k not in flags:
            raise ValueError(f"unknown argument {k!r} of {d.name}")
        args[k] = (v, 0)
    return _build(d, args)


def format_type(spec: TypeSpec) -> str:
    """The canonical text of a type.

    Example:
        >>> format_type(TypeSpec(name="Numeric", args=(10, 2)))
        'Numeric(10, 2)'
        >>> format_type(TypeSpec(name="DateTime", kwargs=(("timezone", False),)))
        'DateTime'
    """
    spec = _normalise_spec(spec)
    if spec.enum is not None:
        return f"{spec.name}({spec.enum})"
    if spec.item is not None:
        return f"{spec.name}({format_type(spec.item)})"
    parts = [str(a) for a in spec.args] + [f"{k}={v!r}" for k, v in spec.kwargs]
    return f"{spec.name}({', '.join(parts)})" if parts else spec.name


def canonical_type(text: str) -> str:
    """``format_type(parse_type(text))``.

    Example:
        >>> canonical_type("Numeric( 10,2 )")
        'Numeric(10, 2)'
    """
    return format_type(parse_type(text))


def enum_name(text: str) -> str | None:
    """The snapshot enum a type uses, also as an array item; None when it uses none.

    Example:
        >>> enum_name("postgresql.ARRAY(Enum(event_level))")
        'event_level'
    """
    spec = parse_type(text)
    while spec.item is not None:
        spec = spec.item
    return spec.enum


def _spec(text: str | TypeSpec) -> TypeSpec:
    return text if isinstance(text, TypeSpec) else parse_type(text)


def family(text: str) -> str:
    """The family of a type: integer, string, numeric, float, boolean, date, time,
    datetime, interval, binary, json, uuid, enum, array, network or tsvector.

    Example:
        >>> family("BigInteger"), family("Text"), family("postgresql.JSONB")
        ('integer', 'string', 'json')
    """
    return _BY_NAME[_spec(text).name].family


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
    sa_, sb = _spec(a), _spec(b)
    fa, fb = _BY_NAME[sa_.name].family, _BY_NAME[sb.name].family
    if fa != fb or "JSON" in (sa_.name, sb.name):
        return False
    if fa == "integer" and dialect in ("mysql", "mariadb"):
        return sa_.name == sb.name
    if fa in ("numeric", "enum", "array", "tsvector"):
        return sa_ == sb
    if fa in ("datetime", "time"):
        return sa_ == sb
    return True


# ---------------------------------------------------------------------------------------
# values


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


def _strip_zeros(d: Decimal) -> Decimal:
    """``d`` without trailing fraction zeros; exact (``Decimal.normalize`` rounds to the
    context precision)."""
    if d == 0:
        return Decimal(0)
    sign, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    while exp < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exp = digits[:-1], exp + 1
    return Decimal((sign, digits, exp))


_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def _parse_duration(value: str) -> _dt.timedelta:
    m = _DURATION.match(value)
    if m is None or value.endswith(("P", "T")):
        raise ValueError(f"not an ISO-8601 duration like 'P1DT2H30M': {value!r}")
    whole, _, frac = (m["s"] or "0").partition(".")
    delta = _dt.timedelta(
        days=int(m["d"] or 0),
        hours=int(m["h"] or 0),
        minutes=int(m["m"] or 0),
        seconds=int(whole),
        microseconds=int((frac + "000000")[:6]),
    )
    return -delta if m["sign"] else delta


def _format_duration(delta: _dt.timedelta) -> str:
    sign = "-" if delta < _dt.timedelta(0) else ""
    delta = abs(delta)
    days = delta.days
    hours, rest = divmod(delta.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    time = ""
    if hours:
        time += f"{hours}H"
    if minutes:
        time += f"{minutes}M"
    if seconds or delta.microseconds or not (days or hours or minutes):
        frac = f".{delta.microseconds:06d}".rstrip("0") if delta.microseconds else ""
        time += f"{seconds}{frac}S"
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
    shown = format_type(spec)
    fam = _BY_NAME[spec.name].family
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
            _parse_duration(value if isinstance(value, str) else "")
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


def python_value(text: str, value: Any) -> Any:
    """Convert a (valid) YAML row value into the Python value to bind.

    Example:
        >>> python_value("Date", "2024-01-31")
        datetime.date(2024, 1, 31)
        >>> python_value("Numeric(10, 2)", "1.50")
        Decimal('1.50')
    """
    spec = _spec(text)
    if value is None:
        return None
    fam = _BY_NAME[spec.name].family
    if fam in ("date", "time", "datetime"):
        return _temporal(spec, value)
    if fam == "numeric":
        d = _decimal(value)
        return d if d is not None else value
    if fam == "float":
        return float(value)
    if fam == "uuid":
        return value if isinstance(value, _uuid.UUID) else _uuid.UUID(str(value))
    if fam == "binary":
        return bytes(value) if not isinstance(value, str) else bytes.fromhex(value)
    if fam == "interval":
        return value if isinstance(value, _dt.timedelta) else _parse_duration(value)
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
    spec = _spec(text)
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
        d = _decimal(value)
        if d is None:
            return value
        if d == 0:
            return "0"
        return format(_strip_zeros(d), "f")
    if fam == "float":
        return float(value)
    if fam == "uuid":
        return str(value if isinstance(value, _uuid.UUID) else _uuid.UUID(str(value)))
    if fam == "binary":
        return value.lower() if isinstance(value, str) else bytes(value).hex()
    if fam == "interval":
        v = value if isinstance(value, _dt.timedelta) else _parse_duration(value)
        return _format_duration(v)
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


# ---------------------------------------------------------------------------------------
# dialect round trips

#: (dialect, canonical type or type name) -> canonical type after create + reflect.
#: A key with a bare name (``postgresql.ARRAY``) stands for every type of that name.
DIALECT_NORMALISATION: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("mysql", "String"): "Text",
        ("mysql", "Numeric"): "Numeric(10)",
        ("mysql", "Time(timezone=True)"): "Time",
        ("mysql", "DateTime(timezone=True)"): "DateTime",
        ("mysql", "Interval"): "DateTime",
        ("mysql", "Uuid"): "String(32)",
        ("mysql", "postgresql.JSONB"): "JSON",
        ("mysql", "postgresql.ARRAY"): "JSON",
        ("mysql", "postgresql.INET"): "String(45)",
        ("mysql", "postgresql.CIDR"): "String(45)",
        ("mysql", "postgresql.TSVECTOR"): "Text",
        ("sqlite", "Time(timezone=True)"): "Time",
        ("sqlite", "DateTime(timezone=True)"): "DateTime",
        ("sqlite", "Interval"): "DateTime",
        ("sqlite", "Uuid"): "String(32)",
        ("sqlite", "postgresql.JSONB"): "JSON",
        ("sqlite", "postgresql.ARRAY"): "JSON",
        ("sqlite", "postgresql.INET"): "String(45)",
        ("sqlite", "postgresql.CIDR"): "String(45)",
        ("sqlite", "postgresql.TSVECTOR"): "Text",
    }
)


def _dialect_key(dialect: str) -> str:
    return "mysql" if dialect == "mariadb" else dialect


def normalise_type(text: str, dialect: str, *, enums: Mapping[str, Sequence[str]] = _EMPTY) -> str:
    """The canonical type a column of ``text`` has after a round trip through ``dialect``.

    Used to compare a captured database with a snapshot. ``Enum`` on SQLite becomes
    ``String(<longest value>)`` and needs ``enums``; without it the Enum is kept.

    Example:
        >>> normalise_type("DateTime(timezone=True)", "sqlite")
        'DateTime'
        >>> normalise_type("postgresql.ARRAY(Integer)", "postgresql")
        'postgresql.ARRAY(Integer)'
    """
    spec = parse_type(text)
    canonical = format_type(spec)
    d = _dialect_key(dialect)
    if (d, canonical) in DIALECT_NORMALISATION:
        return DIALECT_NORMALISATION[(d, canonical)]
    if spec.item is not None and (d, spec.name) in DIALECT_NORMALISATION:
        return DIALECT_NORMALISATION[(d, spec.name)]
    if d == "sqlite" and spec.enum is not None and spec.enum in enums:
        return f"String({max((len(v) for v in enums[spec.enum]), default=1) or 1})"
    return canonical


# ---------------------------------------------------------------------------------------
# SQLAlchemy


def _enum_type(
    name: str, enums: Mapping[str, Sequence[str]], *, create_enum_type: bool
) -> TypeEngine:
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    if name not in enums:
        raise KeyError(f"Enum({name}): no enum {name!r} among the snapshot's enums")
    values = list(enums[name])
    length = max((len(v) for v in values), default=1) or 1
    base = sa.Enum(
        *values,
        name=name,
        create_constraint=False,
        validate_strings=False,
        native_enum=True,
        length=length,
    )
    if create_enum_type:
        return base
    return base.with_variant(postgresql.ENUM(*values, name=name, create_type=False), "postgresql")


def _pg_item(spec: TypeSpec, enums: Mapping[str, Sequence[str]]) -> TypeEngine:
    """The PostgreSQL type of an ARRAY item (no variants)."""
    from sqlalchemy.dialects import postgresql

    if spec.enum is not None:
        if spec.enum not in enums:
            raise KeyError(f"Enum({spec.enum}): no enum {spec.enum!r} among the snapshot's enums")
        return postgresql.ENUM(*enums[spec.enum], name=spec.enum, create_type=False)
    t = _plain(spec)
    return t


def _plain(spec: TypeSpec) -> TypeEngine:
    """The SQLAlchemy type as PostgreSQL sees it (no variants, no enums)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    kw = dict(spec.kwargs)
    simple = {
        "SmallInteger": sa.SmallInteger,
        "Integer": sa.Integer,
        "BigInteger": sa.BigInteger,
        "Boolean": sa.Boolean,
        "Text": sa.Text,
        "Float": sa.Float,
        "Date": sa.Date,
        "Interval": sa.Interval,
        "LargeBinary": sa.LargeBinary,
        "JSON": sa.JSON,
        "Uuid": sa.Uuid,
        "postgresql.JSONB": postgresql.JSONB,
        "postgresql.INET": postgresql.INET,
        "postgresql.CIDR": postgresql.CIDR,
        "postgresql.TSVECTOR": postgresql.TSVECTOR,
    }
    if spec.name in simple:
        return simple[spec.name]()
    if spec.name == "String":
        return sa.String(*spec.args)
    if spec.name == "Numeric":
        return sa.Numeric(*spec.args)
    if spec.name == "DateTime":
        return sa.DateTime(timezone=kw.get("timezone", False))
    if spec.name == "Time":
        return sa.Time(timezone=kw.get("timezone", False))
    raise TypeError(f"{format_type(spec)} has no plain SQLAlchemy type")  # pragma: no cover


def to_sqlalchemy(
    text: str,
    *,
    enums: Mapping[str, Sequence[str]] = _EMPTY,
    create_enum_type: bool = True,
) -> TypeEngine:
    """The SQLAlchemy type of a canonical type, portable to every supported dialect.

    ``Enum(name)`` needs ``enums`` (name -> values): a native type on PostgreSQL (with
    ``create_enum_type=False``, a ``postgresql.ENUM(create_type=False)`` variant, for
    migrations that create the type separately), an inline ``ENUM`` on MariaDB and a
    plain ``VARCHAR`` on SQLite. ``postgresql.*`` types degrade elsewhere through
    ``with_variant``: ``JSONB``/``ARRAY`` -> ``JSON``, ``INET``/``CIDR`` -> ``String(45)``,
    ``TSVECTOR`` -> ``Text``. On MariaDB ``Float`` is ``DOUBLE``, ``String`` without a
    length ``TEXT``, and ``DateTime``/``Time`` keep microseconds (``DATETIME(6)``), as on
    PostgreSQL.

    Example:
        >>> to_sqlalchemy("String(80)")
        String(length=80)
    """
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql, postgresql

    spec = _spec(text)
    if spec.enum is not None:
        return _enum_type(spec.enum, enums, create_enum_type=create_enum_type)
    if spec.item is not None:
        return sa.JSON().with_variant(postgresql.ARRAY(_pg_item(spec.item, enums)), "postgresql")
    if spec.name == "postgresql.JSONB":
        return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    if spec.name in ("postgresql.INET", "postgresql.CIDR"):
        return sa.String(45).with_variant(_plain(spec), "postgresql")
    if spec.name == "postgresql.TSVECTOR":
        return sa.Text().with_variant(_plain(spec), "postgresql")
    if spec.name == "Float":
        return sa.Float().with_variant(mysql.DOUBLE(), "mysql", "mariadb")
    if spec.name == "String" and not spec.args:
        return sa.String().with_variant(sa.Text(), "mysql", "mariadb")
    if spec.name == "DateTime":
        return _plain(spec).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    if spec.name == "Time":
        return _plain(spec).with_variant(mysql.TIME(fsp=6), "mysql", "mariadb")
    return _plain(spec)


def json_columns_from_checks(checks: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Columns that MariaDB marks as JSON: ``CHECK (json_valid(`col`))``.

    ``checks`` are the dicts of ``Inspector.get_check_constraints``.

    Example:
        >>> sorted(json_columns_from_checks([{"name": "data", "sqltext": "json_valid(`data`)"}]))
        ['data']
    """
    found = set()
    for check in checks:
        # the column-level check MariaDB adds is named after its column and quotes it with
        # backticks doubled inside: match that exactly first (any character in the name)
        name = check.get("name")
        text = re.sub(
            r"^\s*\(\s*(.*?)\s*\)\s*$", r"\1", check.get("sqltext") or "", flags=re.S
        ).strip()
        if name and text == "json_valid(`" + name.replace("`", "``") + "`)":
            found.add(name)
            continue
        m = re.fullmatch(
            r"\s*\(?\s*json_valid\(\s*`?([^`)]+)`?\s*\)\s*\)?\s*", check.get("sqltext") or ""
        )
        if m:
            found.add(m.group(1))
    return frozenset(found)


def mariadb_json_columns(
    connection: Any, table: str, *, schema: str | None = None
) -> frozenset[str]:
    """Columns of a MariaDB table declared ``JSON`` (stored as ``LONGTEXT`` with a
    column-level ``json_valid`` check that SQLAlchemy does not reflect).

    Returns an empty set on other dialects (MySQL has a native ``JSON`` type).

    Example:
        >>> with engine.connect() as conn:  # doctest: +SKIP
        ...     mariadb_json_columns(conn, "events")
        frozenset({'payload'})
    """
    import sqlalchemy as sa

    if not getattr(connection.dialect, "is_mariadb", False):
        return frozenset()
    rows = connection.execute(
        sa.text(
            "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table"
        ),
        {"schema": schema, "table": table},
    ).all()
    return json_columns_from_checks({"name": n, "sqltext": t} for n, t in rows)


def _variant_for(satype: Any, dialect: str | None) -> Any:
    mapping = getattr(satype, "_variant_mapping", None) or {}
    if dialect is not None:
        key = _dialect_key(dialect)
        for k in (dialect, key, "mariadb" if key == "mysql" else None):
            if k and k in mapping:
                return mapping[k]
        return satype
    return mapping.get("postgresql", satype)


def from_sqlalchemy(
    satype: Any,
    *,
    dialect: str | None = None,
    enum_names_by_values: Mapping[tuple[str, ...], str] = _EMPTY,
    is_json: bool = False,
) -> str:
    """The canonical type text of a SQLAlchemy type (reflected, or from users' models).

    Args:
        satype: a ``TypeEngine`` instance (or class).
        dialect: the dialect it was reflected from / will run on; selects a
            ``with_variant`` variant (without it, a ``postgresql`` variant wins).
        enum_names_by_values: snapshot enum names by their values, to name MariaDB's
            inline ``ENUM('a', 'b')`` (and unnamed ``sa.Enum``).
        is_json: the column is JSON although it reflects as text (MariaDB ``LONGTEXT``
            with a ``json_valid`` check, see :func:`json_columns_from_checks`).

    Raises:
        TypeReflectionError: the type has no canonical spelling.

    Example:
        >>> import sqlalchemy as sa
        >>> from_sqlalchemy(sa.VARCHAR(80)), from_sqlalchemy(sa.TIMESTAMP(timezone=True))
        ('String(80)', 'DateTime(timezone=True)')
    """
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql, postgresql
    from sqlalchemy.types import _Binary

    if isinstance(satype, type):
        satype = satype()
    satype = _variant_for(satype, dialect)
    if isinstance(satype, (sa.Interval, postgresql.INTERVAL)):
        return "Interval"  # sa.Interval is a TypeDecorator over DateTime
    if isinstance(satype, sa.TypeDecorator):
        impl = satype.impl_instance
        return from_sqlalchemy(
            impl, dialect=dialect, enum_names_by_values=enum_names_by_values, is_json=is_json
        )

    def tz(t: Any) -> str:
        return "(timezone=True)" if getattr(t, "timezone", False) else ""

    if isinstance(satype, sa.Enum):
        name = satype.name
        if not name:
            values = tuple(satype.enums)
            name = enum_names_by_values.get(values)
            if name is None:
                raise TypeReflectionError(
                    f"enum type with values {list(values)} matches no snapshot enum; "
                    "declare it under 'enums:'"
                )
        return f"Enum({name})"
    if isinstance(satype, sa.Boolean):
        return "Boolean"
    if isinstance(satype, mysql.TINYINT):
        return "Boolean" if satype.display_width == 1 else "SmallInteger"
    if isinstance(satype, sa.BigInteger):
        return "BigInteger"
    if isinstance(satype, sa.SmallInteger):
        return "SmallInteger"
    if isinstance(satype, sa.Integer):
        return "Integer"
    if isinstance(satype, sa.Float):
        return "Float"
    if isinstance(satype, sa.Numeric):
        args = [a for a in (satype.precision, satype.scale) if a is not None]
        return format_type(_normalise_spec(TypeSpec(name="Numeric", args=tuple(args))))
    if isinstance(satype, sa.Text) or (
        isinstance(satype, sa.String)
        and type(satype).__name__ in ("TINYTEXT", "MEDIUMTEXT", "LONGTEXT")
    ):
        return "JSON" if is_json else "Text"
    if isinstance(satype, sa.String):
        if is_json:
            return "JSON"
        return f"String({satype.length})" if satype.length else "String"
    if isinstance(satype, sa.DateTime):
        return "DateTime" + tz(satype)
    if isinstance(satype, sa.Date):
        return "Date"
    if isinstance(satype, sa.Time):
        return "Time" + tz(satype)
    if isinstance(satype, _Binary):
        return "LargeBinary"
    if isinstance(satype, postgresql.JSONB):
        return "postgresql.JSONB"
    if isinstance(satype, sa.JSON):
        return "JSON"
    if isinstance(satype, sa.Uuid):
        return "Uuid"
    if isinstance(satype, sa.ARRAY):
        if (satype.dimensions or 1) > 1:
            raise TypeReflectionError(f"{satype!r}: multi-dimensional arrays are not supported")
        item = from_sqlalchemy(
            satype.item_type, dialect=dialect, enum_names_by_values=enum_names_by_values
        )
        return f"postgresql.ARRAY({item})"
    if isinstance(satype, postgresql.INET):
        return "postgresql.INET"
    if isinstance(satype, postgresql.CIDR):
        return "postgresql.CIDR"
    if isinstance(satype, postgresql.TSVECTOR):
        return "postgresql.TSVECTOR"
    raise TypeReflectionError(
        f"type {satype!r} has no canonical spelling; known: {', '.join(known_type_names())}"
    )
