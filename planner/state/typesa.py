"""Column types to and from SQLAlchemy (see :mod:`planner.state.coltypes`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.types import TypeEngine


from planner.state.typespec import (
    _EMPTY,
    TypeReflectionError,
    TypeSpec,
    _normalise_spec,
    _spec,
    enum_type,
    format_type,
    known_type_names,
)

# ---------------------------------------------------------------------------------------
# SQLAlchemy


def _enum_type(
    name: str, enums: Mapping[str, Sequence[str]], *, create_enum_type: bool
) -> TypeEngine:
    import sqlalchemy as sa

    if name not in enums:
        raise KeyError(f"Enum({name}): no enum {name!r} among the snapshot's enums")
    values = list(enums[name])
    # an enum outside the default schema: its values carry the schema (pg_objects)
    schema = getattr(enums[name], "schema", None)
    length = max((len(v) for v in values), default=1) or 1
    base = sa.Enum(
        *values,
        name=name,
        schema=schema,
        create_constraint=False,
        validate_strings=False,
        native_enum=True,
        length=length,
    )
    if create_enum_type:
        return base
    from planner.dialects.sa_types import enum_variant

    return enum_variant(base, name, values, schema=schema)


def _typmods_sa_type(spec: TypeSpec) -> TypeEngine | None:
    from planner.dialects import get

    return get(spec.name.split(".")[0]).part("typmods").sa_type(spec.verbatim)


def _typmods_portable(spec: TypeSpec) -> str | None:
    from planner.dialects import get

    part = get(spec.name.split(".")[0]).part("typmods")
    return part.portable(spec.verbatim) if hasattr(part, "portable") else None


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
    if spec.verbatim is not None:
        # a built-in type with modifiers (bit(3)): the SQLAlchemy type creating exactly it
        modified = _typmods_sa_type(spec)
        if modified is not None:
            return modified
        # a named type PostgreSQL already has: in DDL, its name (never created or dropped)
        schema, _, name = spec.verbatim.rpartition(".")  # other.pair: pair of schema other
        return postgresql.DOMAIN(name, sa.Text(), schema=schema or None, create_type=False)
    if spec.name == "String":
        return sa.String(*spec.args)
    if spec.name == "Numeric":
        return sa.Numeric(*spec.args)
    if spec.name == "DateTime":
        return sa.DateTime(timezone=kw.get("timezone", False))
    if spec.name == "Time":
        return sa.Time(timezone=kw.get("timezone", False))
    raise TypeError(f"{format_type(spec)} has no plain SQLAlchemy type")  # pragma: no cover


def postgresql_type(text: str) -> TypeEngine:
    """The SQLAlchemy type of a canonical type as PostgreSQL sees it (no variants, no
    enums): ``postgresql.TYPE(int4range)`` is the named type ``int4range``.

    Example:
        >>> postgresql_type("postgresql.TYPE(real)")
        REAL()
    """
    return _plain(_spec(text))


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

    from planner.dialects.sa_types import portable

    spec = _spec(text)
    if spec.enum is not None:
        return _enum_type(spec.enum, enums, create_enum_type=create_enum_type)
    if spec.item is not None or spec.name == "postgresql.JSONB":
        base = sa.JSON()
    elif spec.name in ("postgresql.INET", "postgresql.CIDR"):
        base = sa.String(45)
    elif spec.verbatim is not None:
        # the canonical type nearest it where its dialect's part names one (mysql.TYPE:
        # int(10) unsigned is a BigInteger elsewhere), else TEXT
        near = _typmods_portable(spec)
        base = sa.Text() if near is None else _plain(_spec(near))
    elif spec.name == "postgresql.TSVECTOR":
        base = sa.Text()
    else:
        base = _plain(spec)
    return portable(spec, base, enums=enums, plain=_plain)


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
        >>> import sqlalchemy as sa
        >>> with sa.create_engine("sqlite:///app.sqlite").connect() as conn:
        ...     mariadb_json_columns(conn, "units")
        frozenset()
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
    from planner.dialects import NAMES, get

    mapping = getattr(satype, "_variant_mapping", None) or {}
    if dialect is not None:
        d = get(dialect)
        for k in (dialect, d.name, *d.runtime_names):
            if k in mapping:
                return mapping[k]
        return satype
    return mapping.get(NAMES[0], satype)  # the primary target's variant wins


@functools.cache
def _sa_modules() -> tuple[Any, Any, Any, Any]:
    """SQLAlchemy's modules :func:`from_sqlalchemy` reads, imported on first use (not at
    import time: commands that never reflect do not pay for SQLAlchemy)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql, postgresql
    from sqlalchemy.types import _Binary

    return sa, mysql, postgresql, _Binary


#: SQLAlchemy types that subclass a canonical one but are types of their own in the
#: database (``citext`` is not ``text``): captured verbatim, never as the canonical type
_VERBATIM_ONLY = frozenset({"CITEXT"})


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
    sa, mysql, postgresql, _Binary = _sa_modules()

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
        return enum_type(name)
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
    if isinstance(satype, postgresql.DOMAIN) and re.fullmatch(r"[A-Za-z_]\w*", str(satype.name)):
        return f"postgresql.TYPE({satype.name})"
    if type(satype).__name__ in _VERBATIM_ONLY:
        raise TypeReflectionError(f"type {satype!r} is a type of its own, kept verbatim")
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
