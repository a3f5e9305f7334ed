"""Capture reads a schema in bulk: the number of catalog queries does not grow with the
number of tables (issue 17: ``snapshot --from-db`` at N = 2,000; the timing is in
``bench/capture.py``)."""

from __future__ import annotations

import sqlalchemy as sa

from planner.state.build import create_from_snapshot
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.model import Column, ForeignKey, Index, PrimaryKey, Snapshot, Table, Unique


def _snapshot(n: int) -> Snapshot:
    tables = [
        Table(
            name="t000",
            columns=(Column(name="id", type="Integer", nullable=False),),
            primary_key=PrimaryKey(columns=("id",)),
        )
    ]
    for i in range(1, n):
        tables.append(
            Table(
                name=f"t{i:03}",
                columns=(
                    Column(name="id", type="Integer", nullable=False),
                    Column(name="a,b", type="Integer"),
                    Column(name="code", type="String(8)", comment="a code"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                foreign_keys=(
                    ForeignKey(
                        name=f"t{i:03}_ab_fkey",
                        columns=("a,b",),
                        ref_table="t000",
                        ref_columns=("id",),
                    ),
                ),
                uniques=(Unique(name=f"t{i:03}_code_key", columns=("code",)),),
                indexes=(Index(name=f"ix_t{i:03}_ab", columns=("a,b",)),),
                comment=f"table {i}",
            )
        )
    return Snapshot(release="1.0.0", tables=tuple(tables))


def _queries(url: str, snapshot: Snapshot) -> int:
    """How many statements capturing the database of ``snapshot`` runs."""
    engine = sa.create_engine(url)
    create_from_snapshot(engine, snapshot)
    count = [0]

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        count[0] += 1

    try:
        got = capture_for(engine, snapshot)
        assert got == normalise_for(snapshot, engine.dialect.name)
        from_database(engine, release="1.0.0")
    finally:
        engine.dispose()
    return count[0]


def test_capture_queries_do_not_grow_with_tables(pg_server):
    from tests.conftest import create_database, drop_database

    urls = [create_database(pg_server), create_database(pg_server)]
    try:
        few, many = _queries(urls[0], _snapshot(3)), _queries(urls[1], _snapshot(40))
    finally:
        for url in urls:
            drop_database(url)
    assert many == few, f"3 tables: {few} queries, 40 tables: {many}"
