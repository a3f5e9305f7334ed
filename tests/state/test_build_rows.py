"""``create_from_snapshot`` inserts managed rows with bound parameters whose names no
column of the table holds (SQLAlchemy reserves a column's name for its own parameter)."""

from __future__ import annotations

import sqlalchemy as sa

from planner.state.build import create_from_snapshot
from planner.state.model import Column, FrozenMap, PrimaryKey, RowSet, Snapshot, Table


def test_rows_of_columns_named_like_the_parameters(sqlite_db):
    """Columns p0 and _p1 (the names build gives its parameters) found by the soak: a
    CompileError 'bindparam() name p0 is reserved' before the fix."""
    names = ("id", "p0", "_p1", "p2")
    t = Table(
        name="t",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            *(Column(name=n, type="String(20)") for n in names[1:]),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        rows=RowSet(
            key=("id",),
            # a row leaving p0 out bound its id as p0, which SQLAlchemy reserves for column p0
            rows=(FrozenMap({"id": 1, "p0": "a", "_p1": "b", "p2": "c"}), FrozenMap({"id": 2})),
        ),
    )
    eng = sa.create_engine(sqlite_db)
    try:
        create_from_snapshot(eng, Snapshot(release="1", tables=(t,)))
        with eng.connect() as c:
            got = c.execute(sa.select(sa.table("t", *(sa.column(n) for n in names)))).all()
    finally:
        eng.dispose()
    assert sorted(tuple(r) for r in got) == [(1, "a", "b", "c"), (2, None, None, None)]
