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
``postgresql.INET``, ``postgresql.CIDR``, ``postgresql.TSVECTOR``, ``postgresql.TYPE(<name>)``
(any other PostgreSQL type by its name; a built-in one with modifiers as ``format_type()``
spells it, ``postgresql.TYPE(bit(3))``: :mod:`planner.dialects.postgresql_typmods`),
``mysql.TYPE(<COLUMN_TYPE>)`` (a MariaDB/MySQL type no canonical type creates exactly,
``mysql.TYPE(datetime(3))``, ``mysql.TYPE(int(10) unsigned)``:
:mod:`planner.dialects.mysql_typmods`).

Canonical spelling omits defaults (``DateTime(timezone=False)`` -> ``DateTime``,
``Numeric(10, 0)`` -> ``Numeric(10)``), writes keyword-given positional parameters
positionally (``String(length=80)`` -> ``String(80)``) and puts one space after each comma.

The parts live in :mod:`planner.state.typespec` (the spec, parser, canonical spelling,
dialect round trips), :mod:`planner.state.typechanges` (widening, narrowing,
conversion: :func:`type_change`), :mod:`planner.state.typevalues` (values) and
:mod:`planner.state.typesa` (SQLAlchemy); this module re-exports them.

Parsing and every planning helper (:func:`family`, :func:`is_narrowing`,
:func:`value_problem` ...) work without SQLAlchemy; only :func:`to_sqlalchemy` and
:func:`from_sqlalchemy` import it, lazily.

What a dialect cannot represent (``DIALECT_NORMALISATION``, applied by
:func:`normalise_type`): a type created on a database and reflected back may come back
as another canonical type.

- PostgreSQL represents every type but ``mysql.TYPE(...)``, which is the canonical type
  nearest it there and on SQLite (:func:`nearest`).
- MariaDB/MySQL: ``DateTime(timezone=True)`` -> ``DateTime`` and ``Time(timezone=True)``
  -> ``Time`` (no zone-aware types); ``Interval`` -> ``mysql.TYPE(datetime)`` (SQLAlchemy's
  epoch emulation); ``Uuid`` -> ``mysql.TYPE(char(32))``; ``String`` without length ->
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

from planner.state.typechanges import (
    CONVERSION,
    NARROWING,
    REINTERPRETATION,
    WIDENING,
    fk_compatible,
    is_narrowing,
    is_widening,
    needs_using_cast,
    type_change,
)
from planner.state.typesa import (
    from_sqlalchemy,
    json_columns_from_checks,
    mariadb_json_columns,
    to_sqlalchemy,
)
from planner.state.typespec import (
    DIALECT_NORMALISATION,
    TypeParseError,
    TypeReflectionError,
    TypeSpec,
    canonical_type,
    enum_name,
    family,
    format_type,
    known_type_names,
    nearest,
    normalise_type,
    parse_type,
)
from planner.state.typevalues import (
    duration_from_text,
    duration_text,
    json_safe,
    python_value,
    value_checker,
    value_problem,
    yaml_value,
)

__all__ = [
    "CONVERSION",
    "DIALECT_NORMALISATION",
    "NARROWING",
    "REINTERPRETATION",
    "TypeParseError",
    "TypeReflectionError",
    "TypeSpec",
    "WIDENING",
    "canonical_type",
    "duration_from_text",
    "duration_text",
    "enum_name",
    "family",
    "fk_compatible",
    "format_type",
    "from_sqlalchemy",
    "is_narrowing",
    "is_widening",
    "json_columns_from_checks",
    "json_safe",
    "known_type_names",
    "mariadb_json_columns",
    "nearest",
    "needs_using_cast",
    "normalise_type",
    "parse_type",
    "python_value",
    "to_sqlalchemy",
    "type_change",
    "value_checker",
    "value_problem",
    "yaml_value",
]
