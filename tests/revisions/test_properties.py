"""Properties over random snapshots (tests/strategies.py): every pair renders to valid,
deterministic Python importing only alembic and sqlalchemy.

That a generated chain reproduces both snapshots on a real database is the convergence
suite's job (tests/convergence: every dialect, known open bugs tracked as cases)."""

from __future__ import annotations

import ast
import dataclasses
import re

from hypothesis import HealthCheck, given, settings

from planner.revisions.generation import render_revision
from tests.revisions.test_render import imported_modules, module_text
from tests.strategies import snapshots


@given(snapshots(release="1.0.0"), snapshots(release="2.0.0"))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_pair_renders_valid_deterministic_python(old, new):
    a = render_revision(old, new, from_release="1.0.0", to_release="2.0.0")
    b = render_revision(old, new, from_release="1.0.0", to_release="2.0.0")
    assert a == b
    text = module_text(a)
    ast.parse(text)
    # row values are bound as the Python objects the column types take (standard library)
    allowed = {"alembic", "sqlalchemy", "datetime", "decimal", "uuid"}
    assert {m.split(".")[0] for m in imported_modules(text)} <= allowed


_DEFAULT_FITS = {
    "integer": re.compile(r"^-?\d+$"),
    "numeric": re.compile(r"^-?\d+(\.\d+)?$"),
    "float": re.compile(r"^-?\d+(\.\d+)?$"),
    "string": re.compile(r"^'[^']*'$"),
    "boolean": re.compile(r"^(true|false)$", re.IGNORECASE),
    "datetime": re.compile(r"^now\(\)$"),
}


def _fits(column) -> bool:
    from planner.state.coltypes import family

    pattern = _DEFAULT_FITS.get(family(column.type))
    return pattern is not None and bool(pattern.match(column.server_default))


def executable(snapshot):
    """The snapshot without the strategy's free-form SQL (defaults that do not fit their
    column, checks, partial indexes) that a real database would reject."""
    tables = []
    for t in snapshot.tables:
        cols = tuple(
            c
            if c.server_default is None or _fits(c)
            else dataclasses.replace(c, server_default=None, nullable=True, backfill=None)
            for c in t.columns
        )
        indexes = tuple(dataclasses.replace(i, where=None) for i in t.indexes)
        tables.append(dataclasses.replace(t, columns=cols, checks=(), indexes=indexes))
    return dataclasses.replace(snapshot, tables=tuple(tables))


def _unique_pk(table) -> bool:
    """A UNIQUE on exactly the primary-key columns (capture on SQLite does not see it)."""
    pk = set(table.primary_key.columns) if table.primary_key else set()
    return any(set(u.columns) == pk for u in table.uniques) or any(
        i.unique and set(i.columns) == pk for i in table.indexes
    )


def _json_key(table) -> bool:
    """Rows keyed by a JSON/ARRAY column (not hashable for matching rows)."""
    from planner.state.coltypes import family

    if table.rows is None:
        return False
    return any(
        family(table.column(k).type) in ("json", "array")
        for k in table.rows.key
        if table.has_column(k)
    )
