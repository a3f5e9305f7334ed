"""The dialect variants of dbplan's portable SQLAlchemy types (``with_variant``).

:func:`planner.state.typesa.to_sqlalchemy` builds the type every dialect understands
and asks :func:`portable` for the variants: PostgreSQL's native types (``ARRAY``,
``JSONB``, ``INET``, ``CIDR``, ``TSVECTOR``, named ``ENUM``) and MariaDB/MySQL's
spellings (``DOUBLE`` for ``Float``, ``TEXT`` for a ``String`` without a length,
``DATETIME(6)``/``TIME(6)`` to keep microseconds). The variant names are each
dialect's :attr:`~planner.dialects.base.Dialect.runtime_names`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from planner.dialects.base import get

__all__ = ["enum_variant", "float_for_reading", "portable"]

_POSTGRESQL_TYPES = ("postgresql.INET", "postgresql.CIDR", "postgresql.TSVECTOR")


def portable(
    spec: Any, base: Any, *, enums: Mapping[str, Sequence[str]], plain: Callable[[Any], Any]
) -> Any:
    """``base`` (the type of ``spec`` every dialect understands) with the variant the
    dialects that spell ``spec`` differently need. ``plain`` gives a spec's SQLAlchemy
    type as PostgreSQL sees it (``planner.state.typesa._plain``)."""
    from sqlalchemy.dialects import mysql, postgresql

    pg = get("postgresql").runtime_names
    my = get("mysql").runtime_names
    if spec.item is not None:
        return base.with_variant(postgresql.ARRAY(_pg_item(spec.item, enums, plain)), *pg)
    if spec.name == "postgresql.JSONB":
        return base.with_variant(postgresql.JSONB(), *pg)
    if spec.verbatim is not None:  # postgresql.TYPE(...), mysql.TYPE(...): its dialect's
        return base.with_variant(plain(spec), *get(spec.name.split(".")[0]).runtime_names)
    if spec.name in _POSTGRESQL_TYPES:
        return base.with_variant(plain(spec), *pg)
    if spec.name == "Float":
        return base.with_variant(mysql.DOUBLE(), *my)
    if spec.name == "String" and not spec.args:
        return base.with_variant(_text(), *my)
    if spec.name == "DateTime":
        return base.with_variant(mysql.DATETIME(fsp=6), *my)
    if spec.name == "Time":
        return base.with_variant(mysql.TIME(fsp=6), *my)
    return base


def _text() -> Any:
    import sqlalchemy as sa

    return sa.Text()


def float_for_reading() -> Any:
    """``Float`` for reading rows: coltypes' MariaDB variant is ``mysql.DOUBLE()`` with
    ``asdecimal=True``, whose values come back as Decimals rounded to 10 places
    (1.66e-291 read as 0E-10); rows are read as floats."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql

    return sa.Float().with_variant(mysql.DOUBLE(asdecimal=False), *get("mysql").runtime_names)


def enum_variant(base: Any, name: str, values: Sequence[str], *, schema: str | None = None) -> Any:
    """An enum for migrations that create the type separately: PostgreSQL's named
    ``ENUM`` with ``create_type=False``."""
    from sqlalchemy.dialects import postgresql

    variant = postgresql.ENUM(*values, name=name, schema=schema, create_type=False)
    return base.with_variant(variant, *get("postgresql").runtime_names)


def _pg_item(spec: Any, enums: Mapping[str, Sequence[str]], plain: Callable[[Any], Any]) -> Any:
    """The PostgreSQL type of an ARRAY item (no variants)."""
    from sqlalchemy.dialects import postgresql

    if spec.enum is not None:
        if spec.enum not in enums:
            raise KeyError(f"Enum({spec.enum}): no enum {spec.enum!r} among the snapshot's enums")
        schema = getattr(enums[spec.enum], "schema", None)
        return postgresql.ENUM(*enums[spec.enum], name=spec.enum, schema=schema, create_type=False)
    return plain(spec)
