"""Shared fixtures: real database servers, never mocks.

``pg_server`` / ``mysql_server`` are session-scoped server URLs (``DBPLAN_TEST_PG_URL``,
``DBPLAN_TEST_MYSQL_URL``; defaults: the local servers of DESIGN.md). A test that needs
an unreachable server skips with the reason, or fails when ``DBPLAN_REQUIRE_DBS=1``
(CI sets it). ``db_url`` (parametrised over the dialects with ``dialect``) gives a fresh,
uniquely named database per test and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
# CI: four times the developer count, sized so the whole suite stays under 20 minutes
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "DBPLAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MYSQL_URL = os.environ.get("DBPLAN_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/mysql")
REQUIRE = os.environ.get("DBPLAN_REQUIRE_DBS") == "1"


def _unavailable(kind: str, reason: str):
    if REQUIRE:
        pytest.fail(f"{kind} server required (DBPLAN_REQUIRE_DBS=1) but unreachable: {reason}")
    pytest.skip(f"{kind} server unreachable: {reason}")


def _probe(url: str) -> str | None:
    import sqlalchemy as sa

    try:
        eng = sa.create_engine(url, connect_args=_connect_args(url))
        with eng.connect() as c:
            c.execute(sa.text("SELECT 1"))
        eng.dispose()
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}".splitlines()[0]
    return None


def _connect_args(url: str) -> dict:
    if url.startswith("postgresql"):
        return {"connect_timeout": 5}
    if url.startswith("mysql"):
        return {"connect_timeout": 5}
    return {}


@pytest.fixture(scope="session")
def pg_server() -> str:
    err = _probe(PG_URL)
    if err:
        _unavailable("PostgreSQL", err)
    return PG_URL


@pytest.fixture(scope="session")
def mysql_server() -> str:
    err = _probe(MYSQL_URL)
    if err:
        _unavailable("MariaDB/MySQL", err)
    return MYSQL_URL


def create_database(server_url: str, prefix: str = "dbplan_t") -> str:
    """Create a uniquely named database on the server; return its URL."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    eng = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        if server_url.startswith("postgresql"):
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        else:
            c.execute(
                sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            )
    eng.dispose()
    return str(
        sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    )


def drop_database(url: str) -> None:
    import sqlalchemy as sa

    u = sa.engine.make_url(url)
    name = u.database
    if u.drivername.startswith("postgresql"):
        server = u.set(database="postgres")
        eng = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        server = u.set(database="mysql")
        eng = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    eng.dispose()


@pytest.fixture
def pg_db(pg_server):
    url = create_database(pg_server)
    try:
        yield url
    finally:
        drop_database(url)


def require_pg_extensions(url: str, names) -> None:
    """Skip (fail with ``DBPLAN_REQUIRE_DBS=1``) unless the server at ``url`` can create
    every extension of ``names`` (PostGIS is a package of its own:
    ``scripts/pg-extensions.sh`` installs it)."""
    import sqlalchemy as sa

    names = sorted(set(names))
    if not names:
        return
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            have = {
                r[0]
                for r in c.execute(
                    sa.text("SELECT name FROM pg_available_extensions WHERE name = ANY(:n)"),
                    {"n": names},
                )
            }
    finally:
        eng.dispose()
    missing = [n for n in names if n not in have]
    if missing:
        reason = f"PostgreSQL extension(s) not installed: {', '.join(missing)}"
        if REQUIRE:
            pytest.fail(f"{reason} (DBPLAN_REQUIRE_DBS=1; run scripts/pg-extensions.sh)")
        pytest.skip(f"{reason} (scripts/pg-extensions.sh installs them)")


@pytest.fixture
def postgis_db(pg_db):
    """``pg_db`` on a server that has PostGIS (skips without it, see
    :func:`require_pg_extensions`)."""
    require_pg_extensions(pg_db, ["postgis"])
    return pg_db


@pytest.fixture
def mysql_db(mysql_server):
    url = create_database(mysql_server)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def sqlite_db(tmp_path):
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


DIALECTS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.pg),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@pytest.fixture(params=DIALECTS)
def db_url(request) -> str:
    """A fresh empty database on each dialect in turn (parametrised)."""
    return request.getfixturevalue(
        {"sqlite": "sqlite_db", "postgresql": "pg_db", "mysql": "mysql_db"}[request.param]
    )


@pytest.fixture(autouse=True)
def _restore_load_session():
    """A CLI invocation installs its command's load session process-wide (with its
    project's target dialects, which validation checks): put the previous one back, so a
    later test loads with the default targets."""
    from planner.state import session

    before = session.default_session()
    yield
    if session.default_session() is not before:
        session.use_session(before)
