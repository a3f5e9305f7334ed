"""``create_from_snapshot`` on real databases: what each dialect does to inserted rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from planner.state.build import create_from_snapshot
from planner.state.model import Column, FrozenMap, PrimaryKey, RowSet, Snapshot, Table


@pytest.mark.mysql
def test_mariadb_keeps_a_zero_key_of_an_auto_increment_column(mysql_db):
    """MariaDB turns an inserted 0 into the next AUTO_INCREMENT value unless sql_mode has
    NO_AUTO_VALUE_ON_ZERO: build sets it for its inserts and restores the session's mode."""
    t = Table(
        name="z",
        columns=(Column(name="a", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=("a",)),
        rows=RowSet(key=("a",), rows=(FrozenMap({"a": 0}), FrozenMap({"a": 5}))),
    )
    engine = sa.create_engine(mysql_db, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            mode = conn.execute(sa.text("SELECT @@SESSION.sql_mode")).scalar()
            assert "NO_AUTO_VALUE_ON_ZERO" not in mode
            create_from_snapshot(conn, Snapshot(release="1", tables=(t,)))
            assert conn.execute(sa.text("SELECT @@SESSION.sql_mode")).scalar() == mode
            ddl = conn.execute(sa.text("SHOW CREATE TABLE z")).one()[1]
            assert "AUTO_INCREMENT" in ddl
            assert list(conn.execute(sa.text("SELECT a FROM z ORDER BY a")).scalars()) == [0, 5]
    finally:
        engine.dispose()


@pytest.mark.pg
def test_postgresql_keeps_a_unique_on_exactly_the_primary_key_columns(pg_db):
    """PostgreSQL's CREATE TABLE folds such a UNIQUE into the primary key (naming an unnamed
    key after it): build adds it afterwards, so both are there with their own names."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.capture import capture_for, normalise_for
    from planner.state.model import Unique

    j = Table(
        name="j",
        columns=(Column(name="0", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=("0",)),
        uniques=(Unique(name="E $éL日本", columns=("0",)),),
    )
    k = Table(
        name="k",
        columns=(
            Column(name="a", type="Integer", nullable=False),
            Column(name="b", type="Integer", nullable=False),
        ),
        primary_key=PrimaryKey(name="pk_k", columns=("a", "b")),
        uniques=(Unique(name="u_ab", columns=("a", "b")), Unique(name="u_ba", columns=("b", "a"))),
    )
    s = Snapshot(release="1", tables=(j, k))
    engine = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    try:
        create_from_snapshot(engine, s)
        with engine.connect() as conn:
            names = conn.execute(
                sa.text(
                    "SELECT conname FROM pg_constraint WHERE conrelid IN ('j'::regclass, "
                    "'k'::regclass) ORDER BY conname"
                )
            ).scalars()
            assert list(names) == ["E $éL日本", "j_pkey", "pk_k", "u_ab", "u_ba"]
        assert compare_snapshots(capture_for(engine, s), normalise_for(s, "postgresql")) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_rows_of_columns_named_like_keywords_or_format_strings(dialect, request):
    """Managed rows go in as bound values whatever the column names: ``fn`` (a keyword of
    ``Insert.values``), ``%(x)s`` and ``:y`` (parameter syntaxes)."""
    url = request.getfixturevalue(
        {"sqlite": "sqlite_db", "postgresql": "pg_db", "mysql": "mysql_db"}[dialect]
    )
    names = ("fn", "a %(x)s", "b :y")
    t = Table(
        name="t",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            *(Column(name=n, type="String(20)") for n in names),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        rows=RowSet(
            key=("id",), rows=(FrozenMap({"id": 1, **{n: f"v{i}" for i, n in enumerate(names)}}),)
        ),
    )
    eng = sa.create_engine(url)
    try:
        create_from_snapshot(eng, Snapshot(release="1", tables=(t,)))
        with eng.connect() as c:
            got = c.execute(sa.select(sa.table("t", *(sa.column(n) for n in ("id", *names))))).all()
    finally:
        eng.dispose()
    assert [tuple(r) for r in got] == [(1, "v0", "v1", "v2")]
