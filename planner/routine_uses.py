"""The functions a table's SQL expressions call: column defaults, generated columns,
checks, index expressions and predicates, exclusion constraints.

Found by parsing the expressions (sqlglot, in the routine's dialect): a snapshot may be
written by hand, so what the catalog recorded at capture time is not at hand. A call
matches a snapshot routine (a function of no table) by its name, any overload: a
qualified call (``app.gen_code()``) one of that schema, an unqualified one one of the
default schema or of the table's own. The graph orders a function's creation before
the operations that make such a use and its drop after those that remove one
(:mod:`planner.graph_routines`); ``dbplan setup`` creates the functions the tables use
before the tables (:func:`planner.state.build.create_from_snapshot`).

Example:
    >>> from planner.state.model import PRIMARY
    >>> sorted(calls("name = norm(name) AND app.gen_code() <> lower(x)", PRIMARY), key=str)
    [('app', 'gen_code'), (None, 'lower'), (None, 'norm')]
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from typing import Any

from planner import sqlexpr
from planner.state.model import Routine, Snapshot, Table

__all__ = ["calls", "expressions", "table_uses", "uses"]

#: the fields of the model objects that hold an SQL expression
_EXPRESSION_FIELDS = ("server_default", "expression", "sqltext", "where")
#: the fields not to look into (rows hold values, not SQL)
_SKIPPED = frozenset({"rows", "policies", "partition_of", "comment"})
_CALL = re.compile(r"\b(?:([a-z_][a-z0-9_$]*)\s*\.\s*)?([a-z_][a-z0-9_$]*)\s*\(", re.I)


@functools.lru_cache(maxsize=4096)
def calls(text: str, dialect: str) -> frozenset[tuple[str | None, str]]:
    """The functions ``text`` calls: ``(schema or None, name)``, names lower case: the
    calls sqlglot parses, and every ``name(`` of the text as written (sqlglot renames a
    few it knows: ``len`` is ``LENGTH``; one more edge orders nothing wrong)."""
    out = {(s.lower() if s else None, n.lower()) for s, n in _CALL.findall(text)}
    try:
        tree = sqlexpr._parse(text, dialect)  # noqa: SLF001 - the module's one parser
    except (sqlexpr.ParseError, sqlexpr.TokenError, ValueError):
        return frozenset(out)
    exp = sqlexpr.exp
    for f in tree.find_all(exp.Func):
        if isinstance(f, (exp.Binary, exp.Unary)):  # AND, OR, NOT: operators
            continue
        name = f.name if isinstance(f, exp.Anonymous) else f.sql_name()
        parent = f.parent
        schema = None
        if isinstance(parent, exp.Dot) and parent.expression is f:
            schema = parent.this.name.lower() or None
        out.add((schema, name.lower()))
    return frozenset(out)


def expressions(obj: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """``(where, text)`` of every SQL expression in a model object (a table, column,
    check, index …), ``where`` naming the part that holds it."""
    if isinstance(obj, (tuple, list)):
        for x in obj:
            yield from expressions(x, where)
        return
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return
    kind = type(obj).__name__.lower()
    name = getattr(obj, "name", None)
    if isinstance(obj, Table) or not isinstance(name, str):
        here = where
    else:
        here = f"{kind} {name}" if kind != "column" else f"column {name}"
    for f in dataclasses.fields(obj):
        if f.name in _SKIPPED:
            continue
        value = getattr(obj, f.name)
        if f.name in _EXPRESSION_FIELDS and isinstance(value, str):
            yield (here or kind, value)
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            yield from expressions(value, here)


def _matches(r: Routine, call: tuple[str | None, str], table_schema: str | None) -> bool:
    schema, name = call
    if r.name.partition("(")[0].lower() != name:
        return False
    if schema is not None:
        return (r.schema or "").lower() == schema or (r.schema is None and schema == "public")
    return r.schema is None or r.schema == table_schema


def uses(
    r: Routine, found: Iterator[tuple[str, str]] | list[tuple[str, str]], schema: str | None
) -> str | None:
    """The first part (``check ck_p_name``) of ``found`` (``(where, text)``, of a table
    in ``schema``) that calls the function ``r``, or None."""
    if r.table is not None or r.kind != "function":
        return None
    for where, text in found:
        if any(_matches(r, c, schema) for c in calls(text, r.dialect)):
            return where
    return None


def table_uses(snapshot: Snapshot, r: Routine) -> str | None:
    """The first table part of ``snapshot`` that calls ``r`` (``p: check ck_p_name``)."""
    for t in snapshot.tables:
        where = uses(r, list(expressions(t)), t.schema)
        if where is not None:
            return f"{t.schema + '.' if t.schema else ''}{t.name}: {where}"
    return None
