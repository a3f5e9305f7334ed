"""The scenario corpus (see :mod:`tests.objects.corpus`), each on its real server: what
dbplan models converges both ways; what it leaves alone is never reported "ok" when the
chain does not reproduce it."""

from __future__ import annotations

import pytest

from tests.objects.corpus import HERE, expected, run_scenario, scenarios


@pytest.mark.pg
@pytest.mark.parametrize("name", scenarios("postgresql"))
def test_postgresql_scenario(name, pg_db, tmp_path):
    up, down = run_scenario(pg_db, "postgresql", name, tmp_path / "proj")
    assert (up, down) == expected(HERE / "postgresql" / name)


@pytest.mark.mysql
@pytest.mark.parametrize("name", scenarios("mysql"))
def test_mariadb_scenario(name, mysql_db, tmp_path):
    up, down = run_scenario(mysql_db, "mysql", name, tmp_path / "proj")
    assert (up, down) == expected(HERE / "mysql" / name)


@pytest.mark.parametrize("name", scenarios("sqlite"))
def test_sqlite_scenario(name, sqlite_db, tmp_path):
    up, down = run_scenario(sqlite_db, "sqlite", name, tmp_path / "proj")
    assert (up, down) == expected(HERE / "sqlite" / name)
