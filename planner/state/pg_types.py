"""PostgreSQL domains, composite types and collations a snapshot models (sections
``domains:``, ``types:`` and ``collations:``).

The model is pure (no SQL text is run here): :class:`Domain` (with its
:class:`DomainCheck` constraints), :class:`CompositeType` (its :class:`Attribute` list)
and :class:`Collation`; their comparison for ``drift`` / ``verify`` (:func:`compare`,
checks and defaults by meaning) and what they use of each other (:func:`type_refs`).

A column uses a domain or a composite type by its name, ``postgresql.TYPE(name)``, as
any type dbplan has no spelling for. A type name of a domain or an attribute is SQL as
PostgreSQL spells it (``format_type``); the usual aliases (``int``, ``varchar(20)``)
are read as the catalog spells them (:func:`canonical_type`).

Example:
    >>> canonical_type("VARCHAR(20)"), canonical_type("int4"), canonical_type("posint")
    ('character varying(20)', 'integer', 'posint')
    >>> Domain(name="posint", type="int", checks=(DomainCheck(name="pos", sqltext="VALUE > 0"),)).type
    'integer'
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

#: the sections of this module, as the snapshot's YAML keys, in the writer's order
SECTIONS = ("collations", "domains", "types")
PROVIDERS = ("icu", "libc")

_ALIASES = {
    "int": "integer",
    "int4": "integer",
    "int2": "smallint",
    "int8": "bigint",
    "bool": "boolean",
    "float8": "double precision",
    "float4": "real",
    "float": "double precision",
    "varchar": "character varying",
    "char": "character",
    "bpchar": "character",
    "decimal": "numeric",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
    "timetz": "time with time zone",
    "time": "time without time zone",
}
_SPELLED = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*(\(\s*[0-9 ,]*\))?\s*(\[\])?\s*", re.S)


#: a type whose modifiers are words too: an extension's (``geometry(Point, 4326)``)
_WORDED = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*"
    r"\(((?:\s*(?:-?[0-9]+|[A-Za-z_][A-Za-z0-9_]*)\s*,)*\s*(?:-?[0-9]+|[A-Za-z_][A-Za-z0-9_]*)\s*)\)"
    r"\s*(\[\])?\s*",
    re.S,
)


def canonical_type(text: str) -> str:
    """``text`` as ``format_type`` spells the same type (aliases, case, spaces; an
    extension's modifiers as a capture reads them: ``geometry(Point,4326)``); any other
    text as written (stripped).

    Example:
        >>> canonical_type("geometry(POINT, 4326)[]")
        'geometry(Point,4326)[]'
    """
    worded = _WORDED.fullmatch(text)
    if worded is not None and re.search(r"[A-Za-z_]", worded.group(2)):
        spelled = _extension_type(worded.group(1), worded.group(2))
        return text.strip() if spelled is None else spelled + (worded.group(3) or "")
    m = _SPELLED.fullmatch(text)
    if m is None:
        return text.strip()
    base = " ".join(m.group(1).lower().split())
    mods = re.sub(r"\s+", "", m.group(2) or "").replace(",", ",")
    if mods:
        mods = "(" + ",".join(mods[1:-1].split(",")) + ")"
    name = _ALIASES.get(base, base)
    if name in ("timestamp without time zone", "time without time zone") and mods:
        word = name.split(" ")[0]
        out = f"{word}{mods} without time zone"
    elif name in ("timestamp with time zone", "time with time zone") and mods:
        word = name.split(" ")[0]
        out = f"{word}{mods} with time zone"
    else:
        out = name + mods
    return out + (m.group(3) or "")


def _extension_type(name: str, mods: str) -> str | None:
    """``name(mods)`` as the dialect's ``typmods`` part spells it; None when it refuses."""
    from planner.dialects import having

    schema, _, bare = name.rpartition(".")
    words = [m.strip() for m in mods.split(",")]
    parsed = tuple(int(m) if re.fullmatch(r"-?[0-9]+", m) else m for m in words)
    try:
        return having("domains").part("typmods").canonical((bare,), parsed, (), schema=schema)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainCheck:
    """A ``CONSTRAINT name CHECK (sqltext)`` of a domain (``VALUE`` is the value)."""

    name: str
    sqltext: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Domain:
    """``CREATE DOMAIN name AS type [COLLATE c] [DEFAULT d] [NOT NULL] [CHECK ...]``."""

    name: str
    schema: str | None = None
    type: str
    nullable: bool = True
    default: str | None = None
    #: sorted by name
    checks: tuple[DomainCheck, ...] = ()
    collation: str | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "type", canonical_type(self.type))
        checks = tuple(sorted(self.checks, key=lambda c: c.name))
        if checks != self.checks:
            set_(self, "checks", checks)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribute:
    """An attribute of a composite type (order matters); ``comment``: PostgreSQL's
    ``COMMENT ON COLUMN type.attribute``."""

    name: str
    type: str
    comment: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", canonical_type(self.type))


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositeType:
    """``CREATE TYPE name AS (attribute type, ...)``."""

    name: str
    schema: str | None = None
    attributes: tuple[Attribute, ...] = ()
    comment: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True, slots=True, kw_only=True)
class Collation:
    """``CREATE COLLATION name (provider = p, locale = l, deterministic = d)``."""

    name: str
    schema: str | None = None
    provider: str = "libc"
    locale: str
    deterministic: bool = True
    comment: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


def _sort(items: Any) -> tuple:
    return tuple(sorted(items, key=lambda o: (o.schema or "", o.name)))


sort_domains = sort_types = sort_collations = _sort


# --------------------------------------------------------------------------- uses
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VERBATIM = re.compile(
    r"postgresql\.TYPE\(\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\)"
)


def type_names(text: str | None) -> set[str]:
    """The bare names a type text may use (a domain or composite type of the snapshot is
    among them): ``postgresql.TYPE(x)`` or SQL (``x``, ``x[]``, ``other.x``).

    Example:
        >>> sorted(type_names("postgresql.ARRAY(postgresql.TYPE(pair))"))
        ['pair']
        >>> sorted(type_names("other.pair[]")), sorted(type_names("postgresql.TYPE(other.pair)"))
        (['other.pair'], ['other.pair'])
    """
    if not text:
        return set()
    found = set(_VERBATIM.findall(text))
    if found or "postgresql." in text:
        return found
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*(\[\])?\s*", text)
    return {m.group(1)} if m else set()


def uses(snapshot: Any) -> list[tuple[tuple, str, str]]:
    """``(path, what, section)`` of each object of these sections (``Dialect.object_sections``
    says which dialects have them: PostgreSQL)."""
    out: list[tuple[tuple, str, str]] = []
    out += [
        (("domains", d.name), f"domain {d.qualified_name}", "domains") for d in snapshot.domains
    ]
    out += [
        (("types", t.name), f"type {t.qualified_name}", "types") for t in snapshot.composite_types
    ]
    out += [
        (("collations", c.name), f"collation {c.qualified_name}", "collations")
        for c in snapshot.collations
    ]
    return out


# --------------------------------------------------------------------------- compare
def _show(v: Any) -> str:
    return "none" if v is None else repr(v)


def same_domain(a: Domain, b: Domain) -> list[str]:
    """The fields of two domains that differ (checks and defaults by meaning)."""
    from planner.dialects import having
    from planner.sqlexpr import same_meaning

    pg = having("domains")
    out = []
    for f in ("schema", "type", "nullable", "collation", "comment"):
        if getattr(a, f) != getattr(b, f):
            out.append(f)
    if not same_meaning(a.default, b.default, pg):
        out.append("default")
    ca = {c.name: c.sqltext for c in a.checks}
    cb = {c.name: c.sqltext for c in b.checks}
    if ca.keys() != cb.keys() or any(not same_meaning(ca[k], cb[k], pg) for k in ca):
        out.append("checks")
    return out


def changed_checks(a: Domain, b: Domain) -> tuple[list[DomainCheck], list[DomainCheck]]:
    """``(dropped, added)`` checks from ``a`` to ``b`` (a changed one is both)."""
    from planner.dialects import having
    from planner.sqlexpr import same_meaning

    pg = having("domains")
    ca = {c.name: c for c in a.checks}
    cb = {c.name: c for c in b.checks}
    changed = {
        k for k in ca.keys() & cb.keys() if not same_meaning(ca[k].sqltext, cb[k].sqltext, pg)
    }
    dropped = [ca[k] for k in sorted((ca.keys() - cb.keys()) | changed)]
    added = [cb[k] for k in sorted((cb.keys() - ca.keys()) | changed)]
    return dropped, added


def compare(actual: Any, expected: Any) -> list[str]:
    """The differences in domains, composite types and collations (``actual`` captured).

    Example:
        >>> from planner.state.model import Snapshot
        >>> d = Domain(name="posint", type="integer")
        >>> compare(Snapshot(release="1"), Snapshot(release="1", domains=(d,)))
        ['domain posint: missing']
    """
    out: list[str] = []
    out += _named("domain", actual.domains, expected.domains, same_domain)
    out += _named("type", actual.composite_types, expected.composite_types, _type_fields)
    out += _attribute_comments(actual.composite_types, expected.composite_types)
    out += _named("collation", actual.collations, expected.collations, _fields)
    return out


def _fields(a: Any, b: Any) -> list[str]:
    return [f for f in a.__dataclass_fields__ if getattr(a, f) != getattr(b, f)]


def bare(t: CompositeType) -> CompositeType:
    """``t`` without the comments of its attributes (what ``CREATE`` / ``ALTER TYPE``
    write; the comments are written apart)."""
    attrs = tuple(dataclasses.replace(a, comment=None) for a in t.attributes)
    return t if attrs == t.attributes else dataclasses.replace(t, attributes=attrs)


def _type_fields(a: CompositeType, b: CompositeType) -> list[str]:
    """The fields of two composite types that differ, attributes without their comments
    (:func:`_attribute_comments` names those)."""
    return _fields(bare(a), bare(b))


def attribute_comment_changes(a: CompositeType | None, b: CompositeType) -> list[tuple]:
    """``(attribute, old, new)`` of each attribute of ``b`` whose comment is not ``a``'s
    (``a`` None or without the attribute: none), in ``b``'s order."""
    had = {x.name: x.comment for x in a.attributes} if a is not None else {}
    return [
        (x.name, had.get(x.name), x.comment) for x in b.attributes if had.get(x.name) != x.comment
    ]


def _attribute_comments(have_items: Any, need_items: Any) -> list[str]:
    have = {o.qualified_name: o for o in have_items}
    out = []
    for b in sorted(need_items, key=lambda o: o.qualified_name):
        a = have.get(b.qualified_name)
        if a is None or [x.name for x in a.attributes] != [x.name for x in b.attributes]:
            continue  # missing, or its attributes differ: said already
        for name, old, new in attribute_comment_changes(a, b):
            out.append(
                f"type {b.qualified_name}: comment of attribute {name} {_show(old)}, "
                f"snapshot says {_show(new)}"
            )
    return out


def _named(kind: str, have_items: Any, need_items: Any, differ: Any) -> list[str]:
    have = {o.qualified_name: o for o in have_items}
    need = {o.qualified_name: o for o in need_items}
    out = []
    for name in sorted(need.keys() - have.keys()):
        out.append(f"{kind} {name}: missing")
    for name in sorted(have.keys() - need.keys()):
        out.append(f"{kind} {name}: in the database, not in the snapshot")
    for name in sorted(have.keys() & need.keys()):
        a, b = have[name], need[name]
        for f in differ(a, b):
            out.append(
                f"{kind} {name}: {f} {_show(getattr(a, f))}, snapshot says {_show(getattr(b, f))}"
            )
    return out


# --------------------------------------------------------------------------- order
def user_type_refs(obj: Any) -> set[str]:
    """The names of other types ``obj`` (a domain or composite type) may use."""
    if isinstance(obj, Domain):
        return type_names(obj.type)
    return set().union(*(type_names(a.type) for a in obj.attributes)) if obj.attributes else set()


def creation_order(snapshot: Any) -> list[Any]:
    """The domains and composite types of ``snapshot``, each after those it uses."""
    items = [*snapshot.domains, *snapshot.composite_types]
    names = {o.name: o for o in items} | {o.qualified_name: o for o in items}
    done: list[Any] = []
    seen: set[int] = set()

    def visit(o: Any, depth: int = 0) -> None:
        if id(o) in seen or depth > len(items):
            return
        seen.add(id(o))
        for n in sorted(user_type_refs(o)):
            if n in names:
                visit(names[n], depth + 1)
        done.append(o)

    for o in items:
        visit(o)
    return done
