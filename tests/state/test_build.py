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
