"""SQL fragments of a snapshot, parsed with sqlglot: refused unless one expression, compared
by meaning.

A snapshot carries SQL text in four fields: check constraints (``checks``), column
``server_default`` and ``backfill``, and the ``where`` of a partial index. dbplan writes
that text into DDL verbatim, so a snapshot is code. Two things follow:

- :func:`refusal` / :func:`check_snapshot`: a fragment must be exactly **one SQL
  expression** as every supported database reads it: no ``;``, no comment, no parenthesis
  closed that it did not open, no statement (``SELECT``, ``DROP`` …). Each dialect's own
  tokenizer is asked (MariaDB reads ``\\'`` inside a string as a quote, PostgreSQL and
  SQLite do not), and the text must parse as an expression on at least one of them.
- :func:`same_meaning` / :func:`canonical`: two fragments compare equal when their
  parsed trees agree after normalising what the databases rewrite (casts PostgreSQL adds,
  ``= ANY (ARRAY[…])`` for ``IN (…)``, ``BETWEEN`` spelled out, parentheses, identifier
  quoting, booleans, ``now()`` for ``CURRENT_TIMESTAMP``); operator precedence,
  associativity of ``-`` and the text of string literals are kept.

Example:
    >>> refusal("0); DROP TABLE victim; CREATE TABLE pwned (x int") is not None
    True
    >>> refusal("area > 0") is None
    True
    >>> from planner.dialects.postgresql import PostgreSQL
    >>> pg = PostgreSQL()
    >>> same_meaning("(summary)::text <> ''::text", "summary <> ''", pg)
    True
    >>> same_meaning("(a > 0 OR b > 0) AND c > 0", "a > 0 OR b > 0 AND c > 0", pg)
    False
"""

from __future__ import annotations

import dataclasses
import decimal
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from planner import dialects
from planner.errors import DbplanError

if TYPE_CHECKING:
    from planner.state.model import Snapshot


class _Lazy:
    """Stands for a name from sqlglot until first used: importing sqlglot takes about
    0.1 s, which a command whose SQL fragments are all equal as text never needs. The
    first attribute read imports it and binds the real objects to the module's names."""

    __slots__ = ("_name",)

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        _import_sqlglot()
        return getattr(globals()[self._name], attr)


class _NotYetImported(DbplanError):  # noqa: N818 - never raised
    """sqlglot's ParseError and TokenError before sqlglot is imported: no sqlglot error
    can be raised before, and this placeholder catches nothing."""


sqlglot: Any = _Lazy("sqlglot")
exp: Any = _Lazy("exp")
_GlotDialect: Any = _Lazy("_GlotDialect")
TokenType: Any = _Lazy("TokenType")
ParseError: Any = _NotYetImported
TokenError: Any = _NotYetImported
# bound by _import_sqlglot, which every path reaching them has run (each first calls
# sqlglot through one of the names above)
_STATEMENTS: Any = None
_STRING_TYPES: Any = None
_NEGATED: Any = None


def _import_sqlglot() -> None:
    global sqlglot, exp, _GlotDialect, ParseError, TokenError, TokenType  # noqa: PLW0603
    global _STATEMENTS, _STRING_TYPES, _NEGATED  # noqa: PLW0603
    import sqlglot
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect as _GlotDialect
    from sqlglot.errors import ParseError, TokenError
    from sqlglot.tokens import TokenType

    #: nodes an expression field never holds: statements and their parts
    _STATEMENTS = (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Star, exp.Alias)
    #: cast targets PostgreSQL adds on its own (``(name)::text``, ``''::character varying``)
    _STRING_TYPES = frozenset(
        {
            exp.DataType.Type.TEXT,
            exp.DataType.Type.VARCHAR,
            exp.DataType.Type.CHAR,
            exp.DataType.Type.NCHAR,
            exp.DataType.Type.NVARCHAR,
            exp.DataType.Type.BPCHAR,
            exp.DataType.Type.NAME,
        }
    )
    #: the comparison ``NOT (x op y)`` is, in three-valued logic too
    _NEGATED = {
        exp.EQ: exp.NEQ,
        exp.NEQ: exp.EQ,
        exp.GT: exp.LTE,
        exp.LTE: exp.GT,
        exp.LT: exp.GTE,
        exp.GTE: exp.LT,
    }


__all__ = [
    "Fragment",
    "canonical",
    "check_snapshot",
    "escape_binds",
    "unescape_binds",
    "fragments",
    "refusal",
    "same_everywhere",
    "same_field",
    "same_meaning",
    "same_object",
    "columns_of",
]

#: what to do instead, in every refusal
HINT = (
    "write exactly one SQL expression here (no ';', no comment, no statement), "
    'e.g. server_default: "0" or a check like "area > 0"; '
    "other SQL belongs in a hand-written revision"
)

#: the pattern ``sa.text()`` takes for a bind parameter (``sqlalchemy.sql.elements``)
BIND = re.compile(r"(?<![:\w\$\x5c]):([\w\$]+)(?![:\w\$])", re.UNICODE)


def escape_binds(sql: str) -> str:
    r"""``sql`` with every ``:name`` escaped (``\:name``): ``sa.text`` keeps it literal.

    Example:
        >>> print(escape_binds("note <> ':x' AND t = 'a:b' AND n::int > 0"))
        note <> '\:x' AND t = 'a:b' AND n::int > 0
    """
    return BIND.sub(lambda m: "\\:" + m.group(1), sql)


#: an escaped ``\\:name`` as ``sa.text()`` reads it (``sqlalchemy.sql.compiler``)
_ESCAPED_BIND = re.compile(r"\x5c(:[\w\$]*)(?![:\w\$])", re.UNICODE)


def unescape_binds(sql: str) -> str:
    r"""The SQL ``sa.text(sql)`` runs: ``\:name`` is ``:name`` (inverse of :func:`escape_binds`).

    Example:
        >>> print(unescape_binds("note <> '\\:x'"))
        note <> ':x'
    """
    return _ESCAPED_BIND.sub(lambda m: m.group(1), sql)


class Refusal(NamedTuple):
    """Why a fragment is refused: the reason and the 0-based offset of the culprit."""

    reason: str
    offset: int


class Fragment(NamedTuple):
    """One SQL fragment of a snapshot: its YAML path, what it is for people, its text."""

    path: tuple
    what: str
    text: str


def _glot(dialect: str | dialects.Dialect) -> _GlotDialect:
    return _GlotDialect.get_or_raise(dialects.get(dialect).sqlglot_name)


def _tokens_refusal(text: str, dialect: dialects.Dialect) -> Refusal | None:
    """A reason ``text`` is more than one expression to ``dialect``'s tokenizer."""
    try:
        tokens = _glot(dialect.name).tokenize(text)
    except TokenError as e:
        return Refusal(f"{dialect.label} cannot read it ({_first_line(e)})", 0)
    depth = 0
    for t in tokens:
        if t.comments:
            return Refusal(f"it holds a comment (on {dialect.label})", t.start)
        if t.token_type == TokenType.SEMICOLON:
            return Refusal(
                f"';' at character {t.start + 1} ends the statement on {dialect.label}",
                t.start,
            )
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth < 0:
                return Refusal(
                    f"')' at character {t.start + 1} closes a parenthesis it did not open "
                    f"(on {dialect.label})",
                    t.start,
                )
    if depth:
        return Refusal(f"a parenthesis is left open (on {dialect.label})", len(text))
    return None


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _parse(text: str, dialect: str | dialects.Dialect) -> exp.Expression:
    """The one expression ``text`` is on ``dialect``; ParseError otherwise."""
    trees = sqlglot.parse(text, read=_glot(dialect))
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise ParseError(f"{len(trees)} statements")
    tree = trees[0]
    if not isinstance(tree, (exp.Condition, exp.Interval)) or isinstance(tree, _STATEMENTS):
        raise ParseError(f"a {type(tree).__name__.upper()} statement, not an expression")
    for node in tree.walk():
        if isinstance(node, _STATEMENTS):
            raise ParseError(f"it holds a {type(node).__name__.upper()} statement")
    return tree


#: ``NEXT VALUE FOR s`` (MariaDB's sequence default, as a capture writes it), the name
#: bare or backquoted, optionally qualified by its database
_NEXT_VALUE = re.compile(
    r"\s*NEXT\s+VALUE\s+FOR\s+(?:[A-Za-z_][A-Za-z0-9_$]*|`(?:[^`]|``)+`)"
    r"(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|`(?:[^`]|``)+`))?\s*\Z",
    re.I,
)


@functools.lru_cache(maxsize=8192)
def refusal(text: str) -> Refusal | None:
    """Why ``text`` is not exactly one SQL expression on every dialect, or None.

    Example:
        >>> refusal("1; DROP TABLE t").reason
        "';' at character 2 ends the statement on PostgreSQL"
        >>> refusal("'it''s'") is None
        True
        >>> refusal("NEXT VALUE FOR `my seq`") is None
        True
    """
    if not text.strip():
        return Refusal("it is empty", 0)
    if "\x00" in text:
        return Refusal("it holds a NUL character", text.index("\x00"))
    if _NEXT_VALUE.match(text):
        return None  # MariaDB's sequence default, which sqlglot does not parse
    for d in dialects.all_dialects():
        r = _tokens_refusal(text, d)
        if r is not None:
            return r
    errors = []
    for d in dialects.all_dialects():
        try:
            _parse(text, d.name)
            return None
        except (ParseError, TokenError) as e:
            errors.append((d, e))
    d, e = errors[0]
    detail = _first_line(e)
    offset = 0
    if isinstance(e, ParseError) and e.errors and e.errors[0].get("col"):
        offset = max(0, int(e.errors[0]["col"]) - 1) if e.errors[0].get("line") == 1 else 0
    return Refusal(f"it does not parse as one SQL expression ({detail})", offset)


def fragments(snapshot: Snapshot) -> list[Fragment]:
    """Every SQL fragment of ``snapshot`` with its YAML path, in snapshot order."""
    out = []
    for t in snapshot.tables:
        tp = ("tables", t.name)
        for c in t.columns:
            cp = (*tp, "columns", c.name)
            if c.server_default is not None:
                out.append(
                    Fragment(
                        (*cp, "server_default"),
                        f"server_default of column {t.qualified_name}.{c.name}",
                        c.server_default,
                    )
                )
            if c.on_update is not None:
                out.append(
                    Fragment(
                        (*cp, "on_update"),
                        f"on_update of column {t.qualified_name}.{c.name}",
                        c.on_update,
                    )
                )
            if c.backfill is not None:
                out.append(
                    Fragment(
                        (*cp, "backfill"),
                        f"backfill of column {t.qualified_name}.{c.name}",
                        c.backfill,
                    )
                )
            if c.generated is not None:
                out.append(
                    Fragment(
                        (*cp, "generated", "expression"),
                        f"generation expression of column {t.qualified_name}.{c.name}",
                        c.generated.expression,
                    )
                )
        for ck in t.checks:
            out.append(
                Fragment((*tp, "checks", ck.name), f"check constraint {ck.name}", ck.sqltext)
            )
        for ix in t.indexes:
            if ix.where is not None:
                out.append(
                    Fragment(
                        (*tp, "indexes", ix.name, "where"),
                        f"where clause of index {ix.name}",
                        ix.where,
                    )
                )
            out += [
                Fragment((*tp, "indexes", ix.name, "columns", i, "expression"),
                         f"expression {i + 1} of index {ix.name}", el.expression)
                for i, el in enumerate(ix.elements) if el.expression is not None
            ]  # fmt: skip
    return out


def check_snapshot(snapshot: Snapshot, add: Callable[..., None]) -> None:
    """Report every SQL fragment of ``snapshot`` that is not one expression.

    ``add(path, message, hint, offset=...)`` records a problem (the validator's
    collector); empty texts are left to the validator's own messages.
    """
    found = [f for f in fragments(snapshot) if f.text.strip()]
    for i, reason, offset in _refusals(tuple(f.text for f in found)):
        add(
            found[i].path,
            f"{found[i].what} is not one SQL expression: {reason}",
            HINT,
            offset=offset or None,
        )


def _refusals(texts: tuple[str, ...]) -> list[tuple[int, str, int]]:
    """``(index, reason, offset)`` of each refused text, remembered in the snapshot cache
    by the texts, this module's source, sqlglot's version and the dialects: a project
    whose fragments did not change since the last command imports no sqlglot (about
    0.1 s of a small plan's 0.25 s)."""
    if not texts:
        return []

    def compute() -> list[tuple[int, str, int]]:
        out = []
        for i, text in enumerate(texts):
            r = refusal(text)
            if r is not None:
                out.append((i, r.reason, r.offset))
        return out

    stamp = _refusal_stamp()
    if stamp is None:
        return compute()
    from planner.state import cache

    data = "\0".join(texts).encode("utf-8", "surrogatepass")
    key = cache.content_key("sql-refusals", stamp + data)
    found = cache.memo("sql-refusals", key, compute)
    if not _is_refusal_list(found, len(texts)):
        return compute()
    return found


def _is_refusal_list(v: object, n: int) -> bool:
    return type(v) is list and all(
        type(x) is tuple
        and len(x) == 3
        and type(x[0]) is int
        and 0 <= x[0] < n
        and type(x[1]) is str
        and type(x[2]) is int
        for x in v
    )


@functools.cache
def _refusal_stamp() -> bytes | None:
    """What :func:`refusal` depends on besides its text: this file, sqlglot's version (read
    from its files, not by importing it), the dialects' names and labels; None when
    sqlglot's version cannot be read (then nothing is remembered)."""
    import hashlib
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sqlglot")
    if spec is None or spec.origin is None:
        return None
    try:
        h = hashlib.sha256(Path(__file__).read_bytes())
        h.update(b"\0" + (Path(spec.origin).parent / "_version.py").read_bytes())
    except OSError:
        return None
    for d in dialects.all_dialects():
        h.update(repr((d.name, d.label, d.sqlglot_name)).encode() + b"\0")
    return h.digest() + b"\0"


# ---------------------------------------------------------------------------
# comparing by meaning
# ---------------------------------------------------------------------------

#: spellings of "the current time" the databases store for one another
_NOW_FUNCTIONS = frozenset({"now", "current_timestamp", "localtimestamp", "getdate"})
#: argument keys that carry no meaning (sqlglot's inferred type, flags left at default)
_SKIP_ARGS = frozenset({"_type", "comments"})


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _is_string_type(dt: exp.Expression) -> bool:
    if not isinstance(dt, exp.DataType):
        return False
    if dt.this in _STRING_TYPES:
        return True
    if dt.this == exp.DataType.Type.ARRAY and dt.expressions:
        return _is_string_type(dt.expressions[0])
    return False


def _is_literalish(node: exp.Expression) -> bool:
    node = _unparen(node)
    if isinstance(node, exp.Neg):
        node = _unparen(node.this)
    if isinstance(node, (exp.Literal, exp.Null, exp.Boolean)):
        return True
    if isinstance(node, exp.Array):
        return all(_is_literalish(e) for e in node.expressions)
    if isinstance(node, exp.Cast):
        return _is_literalish(node.this)
    return False


def _number(text: str) -> str | None:
    try:
        d = decimal.Decimal(text.strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    d = d.normalize()
    return format(d, "f") if d != 0 else "0"


def _array_items(node: exp.Expression) -> list | None:
    """The items of ``ARRAY[...]`` (casts and parentheses around it ignored), or None."""
    node = _unparen(node)
    while isinstance(node, exp.Cast):
        node = _unparen(node.this)
    if isinstance(node, exp.Array):
        return list(node.expressions)
    return None


def _quantified(node: exp.Expression, name: str) -> list | None:
    """The array items of ``ANY (ARRAY[...])`` / ``ALL (ARRAY[...])``, or None."""
    node = _unparen(node)
    if name == "ANY" and isinstance(node, exp.Any):
        return _array_items(node.this)
    if name == "ALL" and isinstance(node, exp.All):
        return _array_items(node.this)
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == name:
        if len(node.expressions) == 1:
            return _array_items(node.expressions[0])
    return None


def _bin(name: str, this: Any, expression: Any) -> tuple:
    """A canonical binary node, as the generic case below writes one."""
    return (name, (("expression", expression), ("this", this)))


def _canon(node: Any) -> Any:
    """A hashable tree of ``node`` that equal meanings share (see the module docstring)."""
    if isinstance(node, list):
        return tuple(_canon(n) for n in node)
    if not isinstance(node, exp.Expression):
        return node if not isinstance(node, str) else node
    if isinstance(node, exp.Paren):
        return _canon(node.this)
    if isinstance(node, exp.Identifier):
        name = node.this
        return ("id", name if node.quoted and name != name.lower() else name.lower())
    if isinstance(node, exp.Literal):
        if node.is_string:
            return ("str", node.this)
        n = _number(node.this)
        return ("num", n if n is not None else node.this)
    if isinstance(node, exp.Boolean):
        return ("num", "1" if node.this else "0")
    if isinstance(node, exp.Null):
        return ("null",)
    if isinstance(node, exp.Neg):
        inner = _canon(node.this)
        if inner[0] == "num" and not inner[1].startswith("-"):
            return ("num", "0" if inner[1] == "0" else "-" + inner[1])
        return ("neg", inner)
    if isinstance(node, exp.Cast):
        inner = _canon(node.this)
        to = node.args.get("to")
        if _is_string_type(to) or _is_literalish(node.this):
            if inner[0] == "str" and to is not None and to.is_type(*exp.DataType.NUMERIC_TYPES):
                n = _number(inner[1])
                if n is not None:
                    return ("num", n)
            return inner
        return ("cast", inner, _canon(to))
    if isinstance(node, exp.DataType):
        return ("type", node.sql().lower())
    if isinstance(node, (exp.CurrentTimestamp, exp.Localtimestamp)):
        return ("now",)
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
        if name in _NOW_FUNCTIONS and len(node.expressions) <= 1:
            return ("now",)
        if name == "octet_length" and len(node.expressions) == 1:
            # the byte length, as sqlglot reads MySQL's length() (MariaDB stores
            # length(x) in a check constraint as octet_length(x))
            return ("length", (("binary", True), ("this", _canon(node.expressions[0]))))
        return ("fn", name, _canon(node.expressions))
    if isinstance(node, (exp.And, exp.Or)):
        kind = type(node)
        parts: list = []
        stack = [node]
        while stack:  # flatten a AND (b AND c): the same conjunction
            n = stack.pop()
            n = _unparen(n) if n is not node else n
            if type(n) is kind:
                stack += [n.expression, n.this]
            else:
                parts.append(_canon(n))
        return (kind.__name__.lower(), tuple(parts))
    if isinstance(node, exp.EQ):
        items = _quantified(node.expression, "ANY")
        if items is not None:
            return ("in", _canon(node.this), _canon(items))
    if isinstance(node, exp.NEQ):
        items = _quantified(node.expression, "ALL")
        if items is not None:
            return ("not", ("in", _canon(node.this), _canon(items)))
    if isinstance(node, exp.In) and not node.args.get("query"):
        return ("in", _canon(node.this), _canon(node.expressions))
    if isinstance(node, exp.Between):
        x = _canon(node.this)
        return (
            "and",
            (_bin("gte", x, _canon(node.args["low"])), _bin("lte", x, _canon(node.args["high"]))),
        )
    if isinstance(node, exp.Not):
        inner = _unparen(node.this)
        if isinstance(inner, exp.Between):
            x = _canon(inner.this)
            return (
                "or",
                (
                    _bin("lt", x, _canon(inner.args["low"])),
                    _bin("gt", x, _canon(inner.args["high"])),
                ),
            )
        flipped = _NEGATED.get(type(inner))
        if flipped is not None:  # NOT (a = b) is a <> b (MariaDB stores it so), NULLs alike
            return _canon(flipped(this=inner.this, expression=inner.expression))
        return ("not", _canon(inner))
    args = tuple(
        (k, _canon(v))
        for k, v in sorted(node.args.items())
        if k not in _SKIP_ARGS and v is not None and v is not False and v != []
    )
    return (type(node).__name__.lower(), args)


@functools.lru_cache(maxsize=8192)
def canonical(text: str, dialect: str | dialects.Dialect) -> Any:
    """The meaning of an SQL expression as ``dialect`` reads it: a hashable tree, or
    ``("text", stripped)`` when it does not parse there.

    Example:
        >>> from planner.dialects.postgresql import PostgreSQL
        >>> pg = PostgreSQL()
        >>> canonical("x BETWEEN 1 AND 2", pg) == canonical(
        ...     "((x >= 1) AND (x <= 2))", pg)
        True
    """
    try:
        return _canon(_parse(text, dialect))
    except (ParseError, TokenError, ValueError):
        return ("text", text.strip())


def same_meaning(a: str | None, b: str | None, dialect: str | dialects.Dialect) -> bool:
    """``a`` and ``b`` mean the same SQL expression on ``dialect`` (None only equals None).

    Example:
        >>> from planner.dialects.postgresql import PostgreSQL
        >>> pg = PostgreSQL()
        >>> same_meaning("kind IN ('a', 'b')",
        ...              "((kind)::text = ANY ((ARRAY['a'::character varying, "
        ...              "'b'::character varying])::text[]))", pg)
        True
        >>> same_meaning("a - b - c", "a - (b - c)", pg)
        False
        >>> same_meaning("'n/a'", "'N / A'", pg)
        False
    """
    if a is None or b is None:
        return a is b
    if a == b:
        return True
    return canonical(a, dialect) == canonical(b, dialect)


#: snapshot fields holding SQL text (compared by meaning)
SQL_FIELDS = frozenset(
    {"sqltext", "where", "server_default", "on_update", "backfill", "expression"}
)


def _same_items(a: Any, b: Any, same: Callable[[Any, Any], bool]) -> bool:
    """``a`` and ``b`` are tuples of as many dataclasses (an index's elements), each pair
    ``same``."""
    return (
        isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and bool(a)
        and all(dataclasses.is_dataclass(x) and same(x, y) for x, y in zip(a, b, strict=True))
    )  # fmt: skip


def same_field(field: str, a: Any, b: Any, dialect: str | dialects.Dialect | None) -> bool:
    """Two values of a snapshot field agree: SQL fields by meaning on ``dialect`` (when
    known), every other field by ``==``.

    Example:
        >>> from planner.dialects.postgresql import PostgreSQL
        >>> pg = PostgreSQL()
        >>> same_field("sqltext", "x IN (1, 2)", "x = ANY (ARRAY[1, 2])", pg)
        True
        >>> same_field("comment", "a", "A", pg)
        False
    """
    if a == b:
        return True
    if dialect is not None and _same_items(a, b, lambda x, y: _same_fields(x, y, dialect)):
        return True
    if dialect is None or field not in SQL_FIELDS:
        return False
    return same_meaning(a, b, dialect)


def _same_fields(a: Any, b: Any, dialect: Any) -> bool:
    return type(a) is type(b) and all(
        same_field(f.name, getattr(a, f.name), getattr(b, f.name), dialect)
        for f in dataclasses.fields(a)
    )


def same_everywhere(a: str | None, b: str | None) -> bool:
    """``a`` and ``b`` mean the same on every dialect that reads both (and one does):
    for comparing snapshots that belong to no one dialect (``plan``, ``check``).

    Example:
        >>> same_everywhere("(name)::text <> ''::text", "name <> ''")
        True
        >>> same_everywhere("a - b - c > 0", "a - (b - c) > 0")
        False
    """
    if a is None or b is None:
        return a is b
    if a == b:
        return True
    read = False
    for d in dialects.all_dialects():
        ca, cb = canonical(a, d.name), canonical(b, d.name)
        if ca[0] == "text" or cb[0] == "text":
            continue
        if ca != cb:
            return False
        read = True
    return read


def same_object(a: Any, b: Any) -> bool:
    """Two snapshot objects (a check, an index) are equal, their SQL fields by meaning on
    every dialect (:func:`same_everywhere`)."""
    if a == b:
        return True
    if a is None or b is None or type(a) is not type(b):
        return False
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x != y and not (f.name in SQL_FIELDS and same_everywhere(x, y)):
            if not _same_items(x, y, same_object):
                return False
    return True


def columns_of(text: str, dialect: str | dialects.Dialect | None = None) -> tuple[str, ...]:
    """The columns an SQL expression reads, in order, each once (an index expression's:
    what it depends on).

    Example:
        >>> columns_of("lower((email)::text) || name")
        ('email', 'name')
    """
    try:  # index expressions are PostgreSQL's (the dialect with index methods)
        tree = _parse(text, dialect or dialects.having("has_index_methods"))
    except (ParseError, TokenError):
        return tuple(dict.fromkeys(re.findall(r"\b([a-z_][a-z0-9_]*)\b(?!\s*\()", text)))
    return tuple(dict.fromkeys(c.name for c in tree.find_all(exp.Column, bfs=False) if not c.table))
