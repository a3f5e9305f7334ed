"""One database per dialect for the whole convergence module, emptied between examples."""

from __future__ import annotations

import pytest

from tests.conftest import create_database, drop_database

DIALECTS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.pg),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@pytest.fixture(scope="module", params=DIALECTS)
def reused_db(request, tmp_path_factory) -> str:
    """A database of each dialect in turn, shared by the examples of a test (reset by them)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('converge') / 'db.sqlite'}"
        return
    server = request.getfixturevalue(
        "pg_server" if request.param == "postgresql" else "mysql_server"
    )
    url = create_database(server, prefix="dbplan_conv")
    try:
        yield url
    finally:
        drop_database(url)
