"""The scenario corpus (see :mod:`tests.objects.corpus`), each on its real server: what
dbplan models converges both ways; what it leaves alone is never reported "ok" when the
chain does not reproduce it."""

from __future__ import annotations

import pytest

from tests.conftest import require_pg_extensions
from tests.objects.corpus import (
    HERE,
    expected,
    extensions_of,
    known_bug,
    run_scenario,
    scenarios,
)


def _mark_known_bug(request, dialect: str, name: str) -> None:
    bug = known_bug(dialect, name)
    if bug is not None:
        request.applymarker(pytest.mark.xfail(reason=bug, strict=True))


@pytest.mark.pg
@pytest.mark.parametrize("name", scenarios("postgresql"))
def test_postgresql_scenario(name, pg_db, tmp_path, request):
    _mark_known_bug(request, "postgresql", name)
    require_pg_extensions(pg_db, extensions_of(HERE / "postgresql" / name))
    up, down = run_scenario(pg_db, "postgresql", name, tmp_path / "proj")
    assert (up, down) == expected(HERE / "postgresql" / name)


@pytest.mark.mysql
@pytest.mark.parametrize("name", scenarios("mysql"))
def test_mariadb_scenario(name, mysql_db, tmp_path, request):
    _mark_known_bug(request, "mysql", name)
    up, down = run_scenario(mysql_db, "mysql", name, tmp_path / "proj")
    assert (up, down) == expected(HERE / "mysql" / name)


@pytest.mark.parametrize("name", scenarios("sqlite"))
def test_sqlite_scenario(name, sqlite_db, tmp_path, request):
    _mark_known_bug(request, "sqlite", name)
    up, down = run_scenario(sqlite_db, "sqlite", name, tmp_path / "proj")
    assert (up, down) == expected(HERE / "sqlite" / name)
