"""PostgreSQL objects outside tables that a snapshot models: schemas, sequences and
extensions (sections ``schemas:``, ``sequences:`` and ``extensions:``).

The model is pure (no SQL, no YAML): :class:`Schema`, :class:`Sequence` and
:class:`Extension`, their comparison for ``drift`` / ``verify`` (:func:`compare`) and the
check that only PostgreSQL targets use them (:func:`check_targets`).

A sequence keeps only what differs from PostgreSQL's defaults for its type and direction
(``Sequence`` normalises itself), so a hand-written entry spelling a default and a
captured one compare equal.

Example:
    >>> s = Sequence(name="tickets", start=1, min_value=1, max_value=2**63 - 1)
    >>> (s.start, s.min_value, s.max_value)
    (None, None, None)
    >>> Sequence(name="down", increment=-1, max_value=-1).max_value is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: the integer types a sequence can have -> (smallest, largest) value
SEQUENCE_TYPES: dict[str, tuple[int, int]] = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
#: the sections of this module, in the order the writer emits them
SECTIONS = ("schemas", "extensions", "sequences")


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """A schema of the database besides the default one (``CREATE SCHEMA``)."""

    name: str
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Extension:
    """An extension (``CREATE EXTENSION name [SCHEMA s] [VERSION v]``); ``version`` None:
    whatever the server installs by default (a capture always records it)."""

    name: str
    version: str | None = None
    schema: str | None = None
    #: ``COMMENT ON EXTENSION`` when it is not its control file's (None: the control
    #: file's; ``""``: none at all)
    comment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sequence:
    """A sequence; ``owned_by`` is ``(table, column)`` of a table in the same schema
    (``ALTER SEQUENCE ... OWNED BY``: the sequence goes with that column)."""

    name: str
    schema: str | None = None
    #: ``smallint``, ``integer`` or ``bigint`` (PostgreSQL's default)
    type: str = "bigint"
    increment: int = 1
    #: None: the default of the type and direction
    start: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    cycle: bool = False
    owned_by: tuple[str, str] | None = None
    comment: str | None = None
    #: values kept in memory ahead (``CACHE``); None: the dialect's default
    #: (PostgreSQL 1, MariaDB 1000)
    cache: int | None = None

    def __post_init__(self) -> None:
        lo, hi = self.bounds()
        set_ = object.__setattr__
        dmin, dmax = (1, hi) if self.increment > 0 else (lo, -1)
        if self.min_value == dmin:
            set_(self, "min_value", None)
        if self.max_value == dmax:
            set_(self, "max_value", None)
        if self.start is not None and self.start == self.default_start():
            set_(self, "start", None)
        if self.owned_by is not None and not isinstance(self.owned_by, tuple):
            set_(self, "owned_by", tuple(self.owned_by))

    def bounds(self) -> tuple[int, int]:
        return SEQUENCE_TYPES.get(self.type, SEQUENCE_TYPES["bigint"])

    def effective(self) -> tuple[int, int, int]:
        """(min, max, start) as the database holds them."""
        lo, hi = self.bounds()
        mn = self.min_value if self.min_value is not None else (1 if self.increment > 0 else lo)
        mx = self.max_value if self.max_value is not None else (hi if self.increment > 0 else -1)
        st = self.start if self.start is not None else (mn if self.increment > 0 else mx)
        return mn, mx, st

    def default_start(self) -> int:
        lo, hi = self.bounds()
        mn = self.min_value if self.min_value is not None else (1 if self.increment > 0 else lo)
        mx = self.max_value if self.max_value is not None else (hi if self.increment > 0 else -1)
        return mn if self.increment > 0 else mx

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.schema, self.name)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.schema or "", self.name)


def sort_schemas(items: Any) -> tuple[Schema, ...]:
    return tuple(sorted(items, key=lambda s: s.name))


def sort_extensions(items: Any) -> tuple[Extension, ...]:
    return tuple(sorted(items, key=lambda e: e.name))


def sort_sequences(items: Any) -> tuple[Sequence, ...]:
    return tuple(sorted(items, key=lambda s: s.sort_key))


def uses(snapshot: Any) -> list[tuple[tuple, str, str]]:
    """``(path, what, section)`` of each object of these sections ``snapshot`` holds (an
    enum in a schema needs the dialect's ``schemas``)."""
    out: list[tuple[tuple, str, str]] = []
    out += [(("schemas", s.name), f"schema {s.name}", "schemas") for s in snapshot.schemas]
    out += [
        (("extensions", e.name), f"extension {e.name}", "extensions") for e in snapshot.extensions
    ]
    out += [
        (("sequences", s.name), f"sequence {s.qualified_name}", "sequences")
        for s in snapshot.sequences
    ]
    out += [
        (("enums", e.name), f"enum {e.schema}.{e.name}", "schemas")
        for e in snapshot.enums
        if e.schema
    ]
    from planner.state import index_keys, pg_types  # domains ...; using: / include:

    return out + pg_types.uses(snapshot) + index_keys.uses(snapshot)


#: a sequence's field -> its ``sequences:`` key and whether it holds its default value
_SEQUENCE_FIELDS = {
    "schema": lambda q: q.schema is None,
    "type": lambda q: q.type == "bigint",
    "start": lambda q: q.start is None,
    "increment": lambda q: q.increment == 1,
    "min_value": lambda q: q.min_value is None,
    "max_value": lambda q: q.max_value is None,
    "cache": lambda q: q.cache is None,
    "cycle": lambda q: not q.cycle,
    "owned_by": lambda q: q.owned_by is None,
    "comment": lambda q: q.comment is None,
}


def unfit_keys(q: Sequence, dialect: Any) -> list[str]:
    """The keys of ``q`` (those off their default) ``dialect`` has not
    (``Dialect.sequence_keys``).

    Example:
        >>> from planner.dialects import get
        >>> unfit_keys(Sequence(name="s", owned_by=("t", "n"), cache=5), get("mysql"))
        ['owned_by']
    """
    return [k for k, is_default in _SEQUENCE_FIELDS.items()
            if not is_default(q) and k not in dialect.sequence_keys]  # fmt: skip


def check_targets(snapshot: Any, targets: Any, add: Any) -> None:
    """A problem for each object of a section a target dialect lacks
    (``Dialect.object_sections``), and for each key of a sequence one lacks
    (``Dialect.sequence_keys``); ``targets`` None: the project names none, nothing to
    check."""
    if targets is None:
        return
    from planner import dialects
    from planner.state import index_keys, pg_types

    ds = [dialects.get(t) for t in targets]
    inline = sorted({d.label for d in ds if not d.has_named_enums})
    for e in snapshot.enums if inline else ():
        if e.comment is not None:  # an inline ENUM has no type to comment on
            add(
                ("enums", e.name, "comment"),
                f"comment of enum {e.name}: {', '.join(inline)} keeps an enum inline in its "
                "columns, with no type to comment on (a target dialect)",
                "leave out comment:, or make PostgreSQL the only target "
                f"({dialects.only_target(dialects.having('has_named_enums'))})",
            )
    having = {section: sorted(d.label for d in dialects.all_dialects()
                              if section in d.object_sections)
              for section in (*SECTIONS, *pg_types.SECTIONS, *index_keys.SECTIONS)}  # fmt: skip
    for path, what, section in uses(snapshot):
        lacking = sorted({d.label for d in ds if section not in d.object_sections})
        if lacking:
            only = " and ".join(having[section]) or "no target"
            add(
                path,
                f"{what} exists on {only} only, and the targets include {', '.join(lacking)}",
                f"drop it, or make the targets databases that have {section} "
                "([tool.dbplan] dialects)",
            )
            continue
        if section != "sequences":
            continue
        q = next(s for s in snapshot.sequences if s.name == path[1])
        for key, is_default in _SEQUENCE_FIELDS.items():
            if is_default(q):
                continue
            lacking = sorted({d.label for d in ds if key not in d.sequence_keys})
            if lacking:
                add(
                    (*path, key),
                    f"sequence {q.qualified_name}: {', '.join(lacking)} has no sequence "
                    f"{key.replace('_', ' ')} (a target dialect)",
                    f"leave out {key}:, or drop that target",
                )


# --------------------------------------------------------------------------- compare
def _show(v: Any) -> str:
    return "none" if v is None else repr(v)


def compare(actual: Any, expected: Any) -> list[str]:
    """The differences in schemas, extensions and sequences (``actual`` captured).

    Example:
        >>> from planner.state.model import Snapshot
        >>> compare(Snapshot(release="1"), Snapshot(release="1", schemas=(Schema(name="o"),)))
        ['schema o: missing']
    """
    out: list[str] = []
    have_enums = {e.name: e for e in actual.enums}
    for e in expected.enums:
        got = have_enums.get(e.name)
        if got is not None and got.schema != e.schema:
            out.append(
                f"enum {e.name}: schema {_show(got.schema)}, snapshot says {_show(e.schema)}"
            )
    out += _named(
        "schema", {s.name: s for s in actual.schemas}, {s.name: s for s in expected.schemas}
    )
    out += _named(
        "extension",
        {e.name: e for e in actual.extensions},
        {e.name: e for e in expected.extensions},
        # a snapshot that names no version takes what the server installs
        skip_none=("version",),
    )
    out += _named(
        "sequence",
        {s.qualified_name: s for s in actual.sequences},
        {s.qualified_name: s for s in expected.sequences},
    )
    from planner.state import pg_types  # domains, composite types, collations

    return out + pg_types.compare(actual, expected)


def _named(kind: str, have: dict, need: dict, *, skip_none: tuple[str, ...] = ()) -> list[str]:
    out = []
    for name in sorted(need.keys() - have.keys()):
        out.append(f"{kind} {name}: missing")
    for name in sorted(have.keys() - need.keys()):
        out.append(f"{kind} {name}: in the database, not in the snapshot")
    for name in sorted(have.keys() & need.keys()):
        a, b = have[name], need[name]
        for f in a.__dataclass_fields__:
            va, vb = getattr(a, f), getattr(b, f)
            if f in skip_none and vb is None:
                continue
            if va != vb:
                out.append(f"{kind} {name}: {f} {_show(va)}, snapshot says {_show(vb)}")
    return out


class QualifiedValues(tuple):
    """The values of an enum outside the default schema, carrying its ``schema`` (the
    ``name -> values`` mappings the type builders read stay plain mappings)."""

    schema: str | None

    def __new__(cls, values: Any, schema: str | None):
        self = super().__new__(cls, values)
        self.schema = schema
        return self


def enum_values(enums: Any) -> dict[str, tuple[str, ...]]:
    """``{name: values}`` of ``enums``; the values of one in a schema carry it.

    Example:
        >>> from planner.state.model import Enum
        >>> enum_values([Enum(name="m", values=("a",), schema="o")])["m"].schema
        'o'
    """
    return {
        e.name: e.values if e.schema is None else QualifiedValues(e.values, e.schema) for e in enums
    }


def implied_schemas(snapshot: Any) -> tuple[Schema, ...]:
    """The schemas ``snapshot`` lists, and those its tables, enums, sequences, extensions,
    routines and unmanaged objects live in (a table's schema exists with it).

    Example:
        >>> from planner.state.model import Snapshot, Table
        >>> [s.name for s in implied_schemas(Snapshot(release="1", tables=(Table(name="t", schema="o"),)))]
        ['o']
    """
    listed = {s.name: s for s in snapshot.schemas}
    groups = (
        snapshot.tables,
        snapshot.enums,
        snapshot.sequences,
        snapshot.extensions,
        snapshot.routines,
        snapshot.unmanaged,
        snapshot.domains,
        snapshot.composite_types,
        snapshot.collations,
    )
    for group in groups:
        for o in group:
            if o.schema and o.schema not in listed:
                listed[o.schema] = Schema(name=o.schema)
    return sort_schemas(listed.values())
