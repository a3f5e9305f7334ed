"""The snapshot keys of identity and generated columns: reading them (for
:mod:`planner.state.shape`) and the facts the other layers ask about them.

``identity: always`` or ``identity: by_default`` (PostgreSQL ``GENERATED ALWAYS | BY
DEFAULT AS IDENTITY``); ``generated: {expression: "price * qty", stored: true}``
(``GENERATED ALWAYS AS (expr) STORED | VIRTUAL``; ``stored`` defaults to true).

Example:
    >>> from planner.state.model import Column, Generated
    >>> c = Column(name="total", type="Integer", generated=Generated(expression="a + b"))
    >>> expression_columns(c, ("a", "b", "c"))
    ('a', 'b')
    >>> made_by_database(Column(name="id", type="Integer", identity="always"))
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from planner.state.model import IDENTITY_KINDS, Column, Generated

GENERATED_KEYS = ("expression", "stored")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\"(?:[^\"]|\"\")+\"|`[^`]+`")


def read_identity(shape: Any, value: Any, path: tuple) -> str | None:
    """The ``identity`` key of a column: ``always`` or ``by_default``."""
    if value is None:
        return None
    if isinstance(value, str) and value in IDENTITY_KINDS:
        return value
    shape.add(
        path,
        f"expected identity always or by_default, found {value!r}",
        "write identity: always (GENERATED ALWAYS AS IDENTITY) or identity: by_default",
    )
    return None


def read_generated(shape: Any, value: Any, path: tuple) -> Generated | None:
    """The ``generated`` key of a column: ``{expression: SQL, stored: bool}``."""
    if value is None:
        return None
    body = shape.mapping(
        value, path, "a generated column", allowed=GENERATED_KEYS, required=("expression",)
    )
    if body is None:
        return None
    expr = shape.text(body.get("expression"), (*path, "expression"), "SQL text", sql=True)
    stored = shape.flag(body.get("stored"), (*path, "stored"), "stored")
    if expr is None:
        return None
    if not expr.strip():
        shape.add((*path, "expression"), "expected SQL text, found an empty expression")
        return None
    return Generated(expression=expr, stored=True if stored is None else stored)


def expression_columns(col: Column, names: Iterable[str] | None) -> tuple[str, ...]:
    """The columns of ``names`` a generated column's expression reads (sorted; None:
    every name the expression holds, function names and keywords too)."""
    if col.generated is None:
        return ()
    words = set()
    for w in _WORD.findall(col.generated.expression):
        if w[0] in '"`':
            w = w[1:-1].replace('""', '"')
        words.add(w)
    if names is not None:
        words &= set(names)
    return tuple(sorted(words - {col.name}))


def made_by_database(col: Column) -> bool:
    """Does the database make the column's value itself (identity, generated)?"""
    return col.identity is not None or col.generated is not None


# --------------------------------------------------------------------------- capture
def captured_identity(raw: dict) -> str | None:
    """``always`` / ``by_default`` from a reflected column (SQLAlchemy's ``identity``)."""
    found = raw.get("identity")
    if not found:
        return None
    return "always" if found.get("always") else "by_default"


def captured_generated(raw: dict, hint: Column | None, dialect: str) -> Generated | None:
    """The generation of a reflected column (SQLAlchemy's ``computed``), its expression
    in the hint's spelling when both mean the same (:func:`planner.sqlexpr.same_meaning`),
    else as :func:`planner.state.normal_forms._clean_sql` leaves the database's text."""
    from planner.sqlexpr import same_meaning
    from planner.state.normal_forms import _clean_sql

    found = raw.get("computed")
    if not found:
        return None
    text = _clean_sql(str(found.get("sqltext") or ""))
    stored = bool(found.get("persisted"))
    if hint is not None and hint.generated is not None:
        if hint.generated.expression == text or same_meaning(
            hint.generated.expression, text, dialect
        ):
            text = hint.generated.expression
    return Generated(expression=text, stored=stored)


def captured_collation(raw: dict, type_text: str) -> str | None:
    """A reflected column's own collation (set by the dialect's capture part), on a
    string type only: on another (a verbatim type, a domain) it is not modelled, and the
    inventory lists it (kind ``collate``)."""
    from planner.dialects.reflection import COLLATION_KEY
    from planner.state import coltypes

    found = raw.get(COLLATION_KEY)
    if found is None or coltypes.family(type_text) != "string":
        return None
    return str(found)
