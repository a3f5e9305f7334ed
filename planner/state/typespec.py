"""Column type expressions: the spec, the tokenizer and parser, canonical spelling and
the forms each dialect holds a type in (see :mod:`planner.state.coltypes`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from planner.errors import DbplanError

if TYPE_CHECKING:  # pragma: no cover
    pass


_EMPTY: Mapping[str, Sequence[str]] = MappingProxyType({})


# ---------------------------------------------------------------------------------------
# the spec and its errors


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeSpec:
    """A parsed, canonical column type.

    Example:
        >>> parse_type("Numeric(10, 2)")
        TypeSpec(name='Numeric', args=(10, 2), kwargs=(), item=None, enum=None, verbatim=None)
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
    #: the database's own type of ``postgresql.TYPE(...)``: a name (``hstore``, ``circle``) or
    #: a built-in type with modifiers as the catalog spells it (``bit(3)``)
    verbatim: str | None = None


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
    # any other type of the database, by its name there (an extension's, a range, a
    # geometric or user-defined type): created and compared verbatim
    _Def(name="postgresql.TYPE", family="verbatim", kind="verbatim"),
    # a MariaDB/MySQL type no canonical type creates exactly (datetime(3), int unsigned),
    # as information_schema.COLUMNS.COLUMN_TYPE spells it
    _Def(name="mysql.TYPE", family="verbatim", kind="verbatim"),
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
    r"\s*(?:(?P<int>-?\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[().,=])"
    r'|(?P<quoted>"(?:[^"]|"")*")|(?P<bad>\S))'
)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Tok:
    kind: str  # "int", "name", "quoted" (a quoted name: ``"char"``, ``"Odd Enum"``), "punct", "end"
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
        if d.kind == "verbatim":
            return self.verbatim_args(d, has_parens)
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
        if tok.kind not in ("name", "quoted"):
            raise TypeParseError(
                f"expected the name of a snapshot enum, found {_describe(tok)}",
                hint='e.g. Enum(event_level), or Enum("Odd Name") for a name that is '
                "not a plain word; the values are listed under 'enums:'",
                offset=tok.offset,
            )
        self.take()
        name = tok.text[1:-1].replace('""', '"') if tok.kind == "quoted" else tok.text
        self.expect(")", f"')' after Enum({tok.text}")
        return TypeSpec(name=d.name, enum=name)

    def verbatim_args(self, d: _Def, has_parens: bool) -> TypeSpec:
        """``TYPE(name)``, or a type with its modifiers as the database spells it: a
        built-in one (``TYPE(bit(3))``, ``TYPE(timestamp(3) with time zone)``), an
        extension's (``TYPE(geometry(Point,4326))``), or ``TYPE("char")`` (the dialect's
        ``typmods`` part knows which)."""
        tok = self.peek(1) if has_parens else self.peek()
        typmods = _typmods(d)
        if has_parens and tok.kind == "quoted":
            self.take()
            self.take()
            self.expect(")", f"')' after {d.name}({tok.text}")
            if not typmods.is_quoted(tok.text):
                raise TypeParseError(
                    f"{d.name}({tok.text}): a quoted type name",
                    hint="write the name unquoted; only the internal types "
                    f"{', '.join(sorted(typmods.QUOTED))} are written quoted",
                    offset=tok.offset,
                )
            return TypeSpec(name=d.name, verbatim=tok.text)
        if not has_parens or tok.kind != "name":
            raise TypeParseError(
                f"{d.name} needs the database's name of the type",
                hint=f"e.g. {d.name}(hstore)",
                offset=tok.offset,
            )
        self.take()
        schema = ""
        if self.peek(1).text == "." and not getattr(typmods, "HAS_NAMED_TYPES", True):
            raise TypeParseError(
                f"{d.name}(...) takes no qualified name", hint=typmods.HINT, offset=tok.offset
            )
        if self.peek(1).text == ".":  # a type of another schema: other.pair
            schema = self.take().text
            self.take()
            part = self.peek()
            if part.kind != "name":
                raise TypeParseError(
                    f"expected the name of a type after {d.name}({schema}., "
                    f"found {_describe(part)}",
                    hint=f"e.g. {d.name}({schema}.pair)",
                    offset=part.offset,
                )
        words = self.words()
        # a built-in type's modifiers are integers; an extension's words too (Point)
        mods = self.modifiers(words, words_too=bool(schema) or not typmods.is_modified(words))
        after = self.words() if self.peek().kind == "name" else ()
        shown = f"{schema}." * bool(schema) + " ".join(words)
        self.expect(")", f"')' after {d.name}({shown}")
        if schema and (len(words) > 1 or after):
            raise TypeParseError(
                f"{d.name}({shown}...): a type of another schema is one name",
                offset=tok.offset,
            )
        if mods is None and not after and len(words) == 1:
            if schema or not typmods.is_modified(words):
                return TypeSpec(name=d.name, verbatim=shown)
        try:
            text = typmods.canonical(words, mods, after, schema=schema)
        except ValueError as e:
            raise TypeParseError(
                f"{d.name}({shown}...): {e}",
                hint=typmods.HINT,
                offset=tok.offset,
            ) from None
        return TypeSpec(name=d.name, verbatim=text)

    def modifiers(self, words: tuple[str, ...], *, words_too: bool) -> tuple[int | str, ...] | None:
        """``(3)``, ``(Point, 4326)`` after a type name: integers (and words)."""
        if self.peek().text != "(" or self.peek().kind != "punct":
            return None
        self.take()
        found: list[int | str] = []
        kinds = ("int", "name") if words_too else ("int",)
        while True:
            mod = self.peek()
            if mod.kind not in kinds:
                what = "a modifier (an integer or a word)" if words_too else "an integer modifier"
                raise TypeParseError(
                    f"expected {what} of {' '.join(words)}, found {_describe(mod)}",
                    offset=mod.offset,
                )
            self.take()
            found.append(int(mod.text) if mod.kind == "int" else mod.text)
            if self.peek().text != ",":
                break
            self.take()
        self.expect(")", f"')' closing the modifiers of {' '.join(words)}")
        return tuple(found)

    def words(self) -> tuple[str, ...]:
        out: list[str] = []
        while self.peek().kind == "name":
            out.append(self.take().text)
        return tuple(out)

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


def _typmods(d: _Def) -> Any:
    """The dialect part that spells its built-in types with modifiers (``postgresql.TYPE``:
    :mod:`planner.dialects.postgresql_typmods`; ``mysql.TYPE``:
    :mod:`planner.dialects.mysql_typmods`)."""
    from planner.dialects import get

    return get(d.name.split(".")[0]).part("typmods")


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
    if d.kind == "verbatim":
        if not spec.verbatim:
            raise ValueError(f"a {d.name} TypeSpec needs verbatim=<type name>")
        return TypeSpec(name=d.name, verbatim=spec.verbatim)
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
        return f"{spec.name}({enum_argument(spec.enum)})"
    if spec.verbatim is not None:
        return f"{spec.name}({spec.verbatim})"
    if spec.item is not None:
        return f"{spec.name}({format_type(spec.item)})"
    parts = [str(a) for a in spec.args] + [f"{k}={v!r}" for k, v in spec.kwargs]
    return f"{spec.name}({', '.join(parts)})" if parts else spec.name


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: the argument of ``Enum(...)`` in a regular expression: a plain word or a quoted name
#: (:func:`enum_argument`); :func:`unquote_enum` turns a match into the name
ENUM_ARG = r'(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")*")'
_PLAIN_ENUM = re.compile(rf"^Enum\(\s*({ENUM_ARG})\s*\)$")


def plain_enum(text: str) -> str | None:
    """The enum's name when ``text`` is exactly ``Enum(<name>)``, else None.

    Example:
        >>> plain_enum('Enum("Odd Enum")'), plain_enum("postgresql.ARRAY(Enum(x))")
        ('Odd Enum', None)
    """
    m = _PLAIN_ENUM.match(text)
    return unquote_enum(m.group(1)) if m else None


def unquote_enum(arg: str) -> str:
    """The name an ``Enum(...)`` argument (:data:`ENUM_ARG`) spells.

    Example:
        >>> unquote_enum('"Odd ""Enum"" name"'), unquote_enum("mood")
        ('Odd "Enum" name', 'mood')
    """
    return arg[1:-1].replace('""', '"') if arg.startswith('"') else arg


def enum_argument(name: str) -> str:
    """An enum's name as ``Enum(...)`` spells it: a plain word as it is, any other name
    in double quotes (``""`` for a quote).

    Example:
        >>> enum_argument("mood"), enum_argument("Odd Enum")
        ('mood', '"Odd Enum"')
    """
    return name if _WORD.match(name) else '"' + name.replace('"', '""') + '"'


def enum_type(name: str) -> str:
    """``Enum(<name>)`` (see :func:`enum_argument`).

    Example:
        >>> parse_type(enum_type('say "hi"')).enum
        'say "hi"'
    """
    return f"Enum({enum_argument(name)})"


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
# dialect round trips


def _round_trips() -> Mapping[tuple[str, str], str]:
    from planner.dialects import all_dialects

    return MappingProxyType(
        {(d.name, k): v for d in all_dialects() for k, v in d.type_round_trips.items()}
    )


#: (dialect, canonical type or type name) -> canonical type after create + reflect
#: (each dialect's ``type_round_trips``). A key with a bare name (``postgresql.ARRAY``)
#: stands for every type of that name.
DIALECT_NORMALISATION: Mapping[tuple[str, str], str] = _round_trips()


def nearest(text: str) -> str:
    """The canonical type nearest ``text``: itself, or for a dialect's verbatim type whose
    part names one, that type (SQLAlchemy sees the column as it: an ``int(10) unsigned``
    key autoincrements as an integer one does).

    Example:
        >>> nearest("mysql.TYPE(int(10) unsigned)"), nearest("postgresql.TYPE(hstore)")
        ('BigInteger', 'postgresql.TYPE(hstore)')
    """
    from planner.dialects import get

    spec = parse_type(text)
    if spec.verbatim:
        part = get(spec.name.split(".")[0]).part("typmods")
        if hasattr(part, "portable"):
            return part.portable(spec.verbatim)
    return format_type(spec)


def normalise_type(text: str, dialect: Any, *, enums: Mapping[str, Sequence[str]] = _EMPTY) -> str:
    """The canonical type a column of ``text`` has after a round trip through ``dialect``.

    Used to compare a captured database with a snapshot. ``Enum`` on SQLite becomes
    ``String(<longest value>)`` and needs ``enums``; without it the Enum is kept.

    Example:
        >>> from planner.dialects.postgresql import PostgreSQL
        >>> from planner.dialects.sqlite import SQLite
        >>> normalise_type("DateTime(timezone=True)", SQLite())
        'DateTime'
        >>> normalise_type("postgresql.ARRAY(Integer)", PostgreSQL())
        'postgresql.ARRAY(Integer)'
    """
    from planner.dialects import get

    spec = parse_type(text)
    canonical = format_type(spec)
    d = get(dialect)
    round_trips = d.type_round_trips
    if canonical in round_trips:
        return round_trips[canonical]
    if (spec.item is not None or spec.verbatim) and spec.name in round_trips:
        return round_trips[spec.name]
    if spec.verbatim and get(spec.name.split(".")[0]) is not d and nearest(canonical) != canonical:
        # another dialect's type (mysql.TYPE(int(10) unsigned)): the canonical type nearest it
        return normalise_type(nearest(canonical), d, enums=enums)
    if d.enum_as_string and spec.enum is not None and spec.enum in enums:
        return f"String({max((len(v) for v in enums[spec.enum]), default=1) or 1})"
    return canonical
