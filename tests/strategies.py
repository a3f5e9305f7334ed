"""Hypothesis strategies for valid snapshots, and the building blocks behind them.

``snapshots()`` draws snapshots that :func:`planner.state.validate.validate` accepts:
foreign keys point at existing tables and key columns of compatible types, every
constraint/index name is unique in the snapshot, enums are declared before use, default
rows fit their column types and keys, identifiers are awkward (quotes, spaces, unicode,
YAML-looking words such as ``yes`` or ``1.0``), a naming convention is optional.

Building blocks for other strategies (``snapshot_pairs()`` builds on these)::

    identifiers()                 names: awkward but valid (<= 63 UTF-8 bytes)
    type_texts(enums)             canonical column type expressions
    row_values(type_text, enums)  a value that fits the type
    enums()                       a tuple of Enum
    tables(enums=..., names=..., others=...)  one Table (FKs into ``others``)
    snapshots(min_tables=..., max_tables=...)

Example:
    >>> from hypothesis import given
    >>> @given(snapshots())
    ... def test(s): ...
"""

from __future__ import annotations

import dataclasses
import string

from hypothesis import assume
from hypothesis import strategies as st

from planner.state.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)

#: words that YAML 1.1 reads as something other than a string
YAML_LOOKALIKES = (
    "yes",
    "no",
    "on",
    "off",
    "null",
    "true",
    "False",
    "~",
    "1.0",
    "10",
    "0x1f",
    "1e3",
    "2024-01-01",
    "12:30",
    ".inf",
    "-1",
    "1_000",
    "y",
    "n",
    "<<",
    "=",
    "0o7",
    "+1",
)

_ALPHABET = string.ascii_letters + string.digits + "_ -.'\"$#:,[]{}&*!|>%@`éßΩ日本ü\\"

#: text without NUL, which snapshots refuse (planner.state.scalars); else hypothesis's default
_NO_NUL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def _text(**kw):
    return st.text(alphabet=_NO_NUL, **kw)


def identifiers(*, max_bytes: int = 40) -> st.SearchStrategy[str]:
    """Names a database accepts but YAML finds awkward; never empty or over ``max_bytes``.

    Example:
        >>> identifiers().example()  # doctest: +SKIP
        'a b"'
    """
    plain = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
    awkward = st.text(alphabet=_ALPHABET, min_size=1, max_size=12)
    return st.one_of(plain, plain, awkward, st.sampled_from(YAML_LOOKALIKES)).filter(
        lambda s: s.strip() == s and s and len(s.encode("utf-8")) <= max_bytes
    )


def sql_texts() -> st.SearchStrategy[str]:
    """One SQL expression each (validation refuses anything else, see planner/sqlexpr.py):
    quotes, percent signs, colons, unicode, newlines inside string literals."""
    alphabet = string.printable.replace("\\", "") + "éΩ日\u2028"
    return st.one_of(
        st.sampled_from(
            ["now()", "'info'", "0", "1.0", "false", "name <> ''", "'a: b'", "':x'", "'yes'"]
        ),
        st.text(alphabet=alphabet, min_size=0, max_size=20).map(
            lambda s: "'" + s.replace("'", "''") + "'"
        ),
    )


SIMPLE_TYPES = (
    "Integer",
    "BigInteger",
    "SmallInteger",
    "String(40)",
    "String",
    "Text",
    "Boolean",
    "Numeric(10, 2)",
    "Float",
    "Date",
    "DateTime",
    "DateTime(timezone=True)",
    "Time",
    "JSON",
    "postgresql.JSONB",
    "Uuid",
    "postgresql.ARRAY(Integer)",
)


def type_texts(enums: tuple[Enum, ...] = ()) -> st.SearchStrategy[str]:
    """Canonical type expressions; ``Enum(name)`` of the given enums too."""
    choices = list(SIMPLE_TYPES) + [f"Enum({e.name})" for e in enums if _enum_type_ok(e.name)]
    return st.sampled_from(choices)


def _enum_type_ok(name: str) -> bool:
    from planner.state import coltypes

    try:
        return coltypes.enum_name(f"Enum({name})") == name
    except coltypes.TypeParseError:
        return False


_INT_RANGE = {"SmallInteger": 2**15 - 1, "Integer": 2**31 - 1, "BigInteger": 2**63 - 1}

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | _text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(_text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def row_values(type_text: str, enums: tuple[Enum, ...] = ()) -> st.SearchStrategy:
    """A non-null value that fits ``type_text`` (as a YAML row holds it).

    Example:
        >>> row_values("Integer").example()  # doctest: +SKIP
        7
    """
    if type_text in _INT_RANGE:
        m = _INT_RANGE[type_text]
        return st.integers(-m - 1, m)
    if type_text == "String(40)":
        return _text(max_size=40)
    if type_text in ("String", "Text"):
        return _text(max_size=60)
    if type_text == "Boolean":
        return st.booleans()
    if type_text == "Numeric(10, 2)":
        return st.one_of(
            st.integers(-(10**8) + 1, 10**8 - 1),
            st.decimals(
                min_value=-99999999,
                max_value=99999999,
                places=2,
                allow_nan=False,
                allow_infinity=False,
            ).map(str),
        )
    if type_text == "Float":
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if type_text == "Date":
        return st.dates().map(lambda d: d.isoformat())
    if type_text == "DateTime":
        return st.datetimes().map(lambda d: d.isoformat())
    if type_text == "DateTime(timezone=True)":
        return st.datetimes().map(lambda d: d.isoformat() + "+00:00")
    if type_text == "Time":
        return st.times().map(lambda t: t.isoformat())
    if type_text in ("JSON", "postgresql.JSONB"):
        return _json
    if type_text == "Uuid":
        return st.uuids().map(str)
    if type_text == "postgresql.ARRAY(Integer)":
        return st.lists(st.integers(-(2**31), 2**31 - 1), max_size=4)
    if type_text.startswith("Enum("):
        name = type_text[5:-1]
        values = next((e.values for e in enums if e.name == name), ())
        return st.sampled_from(values) if values else st.nothing()
    raise ValueError(f"no value strategy for {type_text}")


@st.composite
def enums(draw, *, max_enums: int = 2) -> tuple[Enum, ...]:
    """Declared enums with distinct, non-empty value lists."""
    names = draw(st.lists(identifiers(), unique=True, max_size=max_enums))
    return tuple(
        Enum(
            name=n, values=tuple(draw(st.lists(identifiers(), min_size=1, max_size=4, unique=True)))
        )
        for n in names
    )


_INTEGER_TYPES = ("Integer", "BigInteger", "SmallInteger")


@st.composite
def tables(
    draw,
    *,
    name: str,
    enums: tuple[Enum, ...] = (),
    names: list[str],
    others: tuple[Table, ...] = (),
    conventions: dict[str, str] | None = None,
) -> Table:
    """One valid table called ``name``.

    Args:
        name: the table name.
        enums: enums its columns may use.
        names: a pool of unused names for constraints and indexes; drawn names are popped.
        others: tables its foreign keys may reference (by their primary key).
        conventions: the snapshot's naming convention (the primary key name follows it).
    """
    col_names = draw(st.lists(identifiers(), min_size=1, max_size=5, unique=True))
    with_pk = draw(st.booleans()) or bool(others)
    columns: list[Column] = []
    pk_col = None
    if with_pk:
        pk_col = col_names[0]
        columns.append(
            Column(
                name=pk_col,
                type=draw(st.sampled_from(_INTEGER_TYPES)),
                nullable=False,
                autoincrement=draw(st.sampled_from([None, None, True, False])),
            )
        )
    for c in col_names[len(columns) :]:
        t = draw(type_texts(enums))
        nullable = draw(st.booleans())
        columns.append(
            Column(
                name=c,
                type=t,
                nullable=nullable,
                server_default=draw(st.none() | sql_texts()),
                comment=draw(st.none() | _text(max_size=15)),
                backfill=None if nullable else draw(st.none() | sql_texts()),
                renamed_from=draw(st.none() | identifiers().filter(lambda x: x not in col_names)),
            )
        )
    # distinct renamed_from values
    seen: set[str] = set()
    for i, c in enumerate(columns):
        if c.renamed_from is not None:
            if c.renamed_from in seen:
                columns[i] = dataclasses.replace(c, renamed_from=None)
            seen.add(c.renamed_from)
    primary_key = None
    if pk_col is not None:
        from planner.state.naming import default_pk_name

        derived = default_pk_name(name, [pk_col], conventions or {})
        pk_name = draw(st.sampled_from([derived, None, names.pop()]))
        primary_key = PrimaryKey(name=pk_name, columns=(pk_col,))
    fks = []
    targets = [t for t in others if t.primary_key is not None]
    for target in (
        draw(st.lists(st.sampled_from(targets), max_size=2, unique_by=lambda t: t.key))
        if targets
        else []
    ):
        ref_col = target.primary_key.columns[0]
        ref_type = target.column(ref_col).type
        cname = draw(identifiers().filter(lambda x, cn=col_names: x not in cn))
        col_names.append(cname)
        columns.append(Column(name=cname, type=ref_type, nullable=True))
        fks.append(
            ForeignKey(
                name=names.pop(),
                columns=(cname,),
                ref_table=target.name,
                ref_schema=target.schema,
                ref_columns=(ref_col,),
                ondelete=draw(st.sampled_from([None, "CASCADE", "SET NULL", "RESTRICT"])),
                onupdate=draw(st.sampled_from([None, "NO ACTION", "CASCADE"])),
            )
        )
    plain_cols = [c.name for c in columns]
    uniques = []
    if draw(st.booleans()):
        uniques.append(
            Unique(
                name=names.pop(),
                columns=tuple(
                    draw(st.lists(st.sampled_from(plain_cols), min_size=1, max_size=2, unique=True))
                ),
            )
        )
    checks = [
        Check(name=names.pop(), sqltext=draw(sql_texts())) for _ in range(draw(st.integers(0, 1)))
    ]
    indexes = []
    for _ in range(draw(st.integers(0, 2))):
        indexes.append(
            Index(
                name=names.pop(),
                columns=tuple(
                    draw(st.lists(st.sampled_from(plain_cols), min_size=1, max_size=2, unique=True))
                ),
                unique=draw(st.booleans()),
                where=draw(st.none() | st.just("x > 0")),
            )
        )
    table = Table(
        name=name,
        schema=draw(st.sampled_from([None, None, "ops", "Sales Data"])),
        columns=tuple(columns),
        primary_key=primary_key,
        foreign_keys=tuple(fks),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(indexes),
        comment=draw(st.none() | _text(max_size=30)),
    )
    if draw(st.booleans()):
        table = dataclasses.replace(table, rows=draw(_rowsets(table, enums)))
    return table


@st.composite
def _rowsets(draw, table: Table, enums: tuple[Enum, ...]) -> RowSet | None:
    # a rows key must be backed by the primary key, a unique constraint or a unique index
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    backed = [u.columns for u in table.uniques]
    backed += [ix.columns for ix in table.indexes if ix.unique and ix.where is None]
    backed = [cols for cols in backed if not set(cols) & fk_cols]
    if table.primary_key is not None and table.primary_key.columns:
        key = table.primary_key.columns
    elif backed:
        key = backed[0]
    else:
        return None
    uniques = [key] + [u.columns for u in table.uniques]
    uniques += [ix.columns for ix in table.indexes if ix.unique and ix.where is None]
    if table.primary_key is not None:
        uniques.append(table.primary_key.columns)
    taken: list[set] = [set() for _ in uniques]
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        values = {}
        for col in table.columns:
            if col.name in fk_cols:
                continue
            required = (not col.nullable and col.server_default is None) or col.name in key
            if required or draw(st.booleans()):
                values[col.name] = draw(row_values(col.type, enums))
        row = FrozenMap(values)
        projected = [tuple(dict(row).get(c) for c in cols) for cols in uniques]
        if any(None not in p and p in seen for p, seen in zip(projected, taken, strict=True)):
            continue
        for p, seen in zip(projected, taken, strict=True):
            seen.add(p)
        rows.append(row)
    return RowSet(key=key, rows=tuple(rows))


@st.composite
def snapshots(
    draw, *, min_tables: int = 0, max_tables: int = 4, release: str | None = None
) -> Snapshot:
    """A valid snapshot (``validate`` returns no problem).

    Example:
        >>> snapshots().example().format  # doctest: +SKIP
        1
    """
    from planner.state.validate import validate

    enum_list = draw(enums())
    conventions: dict[str, str] = {}
    if draw(st.booleans()):
        conventions = {"pk": "pk_%(table_name)s", "ix": "ix_%(table_name)s_%(column_0_N_name)s"}
    n = draw(st.integers(min_tables, max_tables))
    pool = draw(st.lists(identifiers(), unique=True, min_size=n + 6 * n, max_size=n + 6 * n))
    table_names, names = pool[:n], pool[n:]
    names = [x for x in names if not any(x == f"{t}_pkey" or x == f"pk_{t}" for t in table_names)]
    names += [f"name_{i}" for i in range(8 * n)]  # never exhausted
    names.reverse()
    built: list[Table] = []
    for tname in table_names:
        built.append(
            draw(
                tables(
                    name=tname,
                    enums=enum_list,
                    names=names,
                    others=tuple(built),
                    conventions=conventions,
                )
            )
        )
    if built and draw(st.booleans()):
        i = draw(st.integers(0, len(built) - 1))
        old = draw(identifiers().filter(lambda x: x not in table_names))
        built[i] = dataclasses.replace(built[i], renamed_from=old)
    rel = release or draw(st.sampled_from(["0.1.0", "1.10", "2.0.0rc1", "1.0", "3"]))
    snap = Snapshot(
        release=rel,
        tables=tuple(built),
        enums=enum_list,
        naming_convention=tuple(conventions.items()),
    )
    problems = validate(snap)
    assume(not problems)
    return snap
