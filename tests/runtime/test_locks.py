"""The migration lock: one per database, a bounded wait, a message naming the holder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import create_database, drop_database
from tests.runtime.conftest import logged, write_project

DBPLAN = str(Path(sys.executable).parent / "dbplan")
PG_LOCK_KEY = 0x6462706C616E


def _upgrade(root: Path, url: str, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if k != "SQLALCHEMY_DATABASE_URI"}
    start = time.monotonic()
    r = subprocess.run(
        [DBPLAN, "-C", str(root), "upgrade", "--url", url, *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return r, time.monotonic() - start


def _lock_name(url: str) -> str:
    database = sa.engine.make_url(url).database or ""
    return "dbplan:" + hashlib.sha256(database.encode()).hexdigest()[:40]


@pytest.mark.mysql
def test_mariadb_lock_is_per_database_and_bounded(tmp_path, mysql_server, mysql_db):
    other = create_database(mysql_server)
    root = write_project(tmp_path / "p")
    eng = sa.create_engine(mysql_db, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as holder:
            me = holder.execute(sa.text("SELECT CONNECTION_ID()")).scalar()
            got = holder.execute(
                sa.text("SELECT GET_LOCK(:n, 5)"), {"n": _lock_name(mysql_db)}
            ).scalar()
            assert got == 1
            # another database on the same server is not held up
            r, took = _upgrade(root, other, "--lock-timeout", "30")
            assert r.returncode == 0, r.stderr
            assert took < 25 and logged(other) == ["a1", "b2", "c3"]
            # this database waits at most the timeout, then says who holds the lock
            r, took = _upgrade(root, mysql_db, "--lock-timeout", "2")
            assert r.returncode == 1 and "Traceback" not in r.stderr
            assert took < 30, took
            assert f"held by connection {me}" in r.stderr and "DBPLAN_LOCK_TIMEOUT" in r.stderr
            assert "still held after 2 s" in r.stderr, r.stderr
    finally:
        eng.dispose()
        drop_database(other)
    r, _ = _upgrade(root, mysql_db)
    assert r.returncode == 0 and logged(mysql_db) == ["a1", "b2", "c3"]


@pytest.mark.pg
def test_postgresql_lock_wait_is_bounded_and_names_the_holder(tmp_path, pg_db):
    root = write_project(tmp_path / "p")
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as holder:
            pid = holder.execute(sa.text("SELECT pg_backend_pid()")).scalar()
            holder.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            holder.commit()
            env_timeout = {"DBPLAN_LOCK_TIMEOUT": "2"}
            os.environ.update(env_timeout)
            try:
                r, took = _upgrade(root, pg_db)
            finally:
                os.environ.pop("DBPLAN_LOCK_TIMEOUT")
            assert r.returncode == 1 and "Traceback" not in r.stderr
            assert took < 30, took
            assert f"backend pid {pid}" in r.stderr and "still held after 2 s" in r.stderr
    finally:
        eng.dispose()
    r, _ = _upgrade(root, pg_db)
    assert r.returncode == 0 and logged(pg_db) == ["a1", "b2", "c3"]


def test_sqlite_lock_wait_is_bounded(tmp_path, sqlite_db):
    root = write_project(tmp_path / "p")
    path = sa.engine.make_url(sqlite_db).database
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        r, took = _upgrade(root, sqlite_db, "--lock-timeout", "1")
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert "locked" in r.stderr and took < 30, (took, r.stderr)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    r, _ = _upgrade(root, sqlite_db)
    assert r.returncode == 0, r.stderr


def test_lock_timeout_must_be_a_number(tmp_path, sqlite_db):
    root = write_project(tmp_path / "p")
    r, _ = _upgrade(root, sqlite_db, "--lock-timeout", "soon")
    assert r.returncode == 2 and "soon" in r.stderr
