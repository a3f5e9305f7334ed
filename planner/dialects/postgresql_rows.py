"""Managed rows of PostgreSQL's own types read back (:mod:`planner.state.capture_rows`).

psycopg hands a column of a ``postgresql.TYPE(...)`` back as a Python object of its own
(a ``Range``, a ``datetime`` of a ``timestamp(3)``, a ``dict`` of an ``hstore``, a blank-
padded ``character(4)``) that never equals the snapshot's text, and that no snapshot can
hold. Such a column is read as PostgreSQL prints it (``CAST(col AS text)``; ``text[]``
for an array of them), and a snapshot value is compared in the same form: cast to the
column's type and printed again (``CAST(CAST(:v AS int4range) AS text)``), so
``'[1,10]'`` and ``'[1,11)'`` are the same value and ``0.1`` in a ``real`` is ``'0.1'``.
"""

from __future__ import annotations

import math
from typing import Any

from planner.state import coltypes

__all__ = ["normal", "read", "value"]


def _verbatim(type_text: str) -> tuple[Any, bool] | None:
    """(the spec of the PostgreSQL type, is it an array of it) of a ``postgresql.TYPE``
    column or an array of one; None for every other type."""
    spec = coltypes.parse_type(type_text)
    if spec.verbatim is not None:
        return spec, False
    if spec.item is not None and spec.item.verbatim is not None:
        return spec.item, True
    return None


def _text(array: bool) -> Any:
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    return postgresql.ARRAY(sa.Text()) if array else sa.Text()


def read(expr: Any, type_text: str) -> Any:
    """``expr`` as text where its type is one of PostgreSQL's own (else ``expr``).

    Example:
        >>> import sqlalchemy as sa
        >>> str(read(sa.column("r"), "postgresql.TYPE(int4range)"))
        'CAST(r AS TEXT)'
    """
    import sqlalchemy as sa

    found = _verbatim(type_text)
    if found is None:
        return expr
    return sa.cast(expr, _text(found[1]))


def normal(param: Any, type_text: str) -> Any:
    """The text of the bound snapshot value ``param`` as the column's type prints it; None
    for the types psycopg reads as Python compares them."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from planner.state.typesa import postgresql_type

    found = _verbatim(type_text)
    if found is None:
        return None
    spec, array = found
    own = postgresql_type(coltypes.format_type(spec))
    if array:
        own = postgresql.ARRAY(own)
    # bound as the column's own type: a portable type's variants share a cache key
    param = sa.bindparam(param.key, param.value, type_=own)
    return sa.cast(sa.cast(param, own), _text(array))


def value(type_text: str, read_value: Any) -> Any:
    """A value :func:`read` read, as a snapshot writes it: a ``real``'s text a float
    (``'0.1'`` -> ``0.1``), everything else the text PostgreSQL printed.

    Example:
        >>> value("postgresql.TYPE(real)", "0.1"), value("postgresql.TYPE(int4range)", "[1,10)")
        (0.1, '[1,10)')
        >>> value("postgresql.ARRAY(postgresql.TYPE(real))", ["1.5", "NaN"])
        [1.5, 'NaN']
    """
    found = _verbatim(type_text)
    if found is None or read_value is None or found[0].verbatim != "real":
        return read_value
    if found[1]:
        return [_real(v) for v in read_value]
    return _real(read_value)


def _real(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        f = float(text)
    except ValueError:
        return text
    return f if math.isfinite(f) else text
