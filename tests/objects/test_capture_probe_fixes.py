"""Captures that lost something, crashed or wrote a snapshot no loader accepts, found by
probing real servers: each is captured, written, read back and checked directly (the
corpus cannot see a loss both of its sides share)."""

from __future__ import annotations

import pytest

from planner.state.capture import from_database
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.objects.corpus import run_script


def _capture(url: str, script: str):
    run_script(url, script)
    s = from_database(url, release="1.0.0")
    return load_snapshot_text(dump_snapshot(s), "1.0.0.yaml")  # loads: no problem


@pytest.mark.mysql
def test_mariadb_column_level_check_is_a_check_and_json_keeps_its_collation_quiet(mysql_db):
    s = _capture(
        mysql_db,
        "CREATE TABLE d (id int PRIMARY KEY, n int CHECK (n BETWEEN 1 AND 9), j json)",
    )
    assert [c.sqltext for c in s.table("d").checks] == ["n between 1 and 9"]
    assert s.table("d").column("j").type == "JSON"
    assert not [u for u in s.unmanaged if u.kind == "collate"]  # JSON's own utf8mb4_bin


@pytest.mark.mysql
def test_mariadb_sequence_default_is_written_so_that_it_loads(mysql_db):
    s = _capture(
        mysql_db,
        "CREATE SEQUENCE s1\n\nCREATE TABLE o (id int PRIMARY KEY, n bigint DEFAULT nextval(s1))",
    )
    assert s.table("o").column("n").server_default == "NEXT VALUE FOR s1"


@pytest.mark.pg
def test_postgresql_default_of_another_schemas_sequence_names_it(pg_db):
    s = _capture(
        pg_db,
        "CREATE SCHEMA app\n\nCREATE SEQUENCE pub_seq\n\n"
        "CREATE TABLE app.items (id int PRIMARY KEY, n bigint DEFAULT nextval('pub_seq'))",
    )
    assert s.table("items", "app").column("n").server_default == "nextval('pub_seq'::regclass)"


@pytest.mark.pg
def test_postgresql_enum_with_an_odd_name_round_trips(pg_db):
    s = _capture(
        pg_db,
        'CREATE TYPE "Odd ""Enum""" AS ENUM (\'a\')\n\n'
        'CREATE TABLE t (id int PRIMARY KEY, m "Odd ""Enum""")',
    )
    assert s.table("t").column("m").type == 'Enum("Odd ""Enum""")'
    assert [e.name for e in s.enums] == ['Odd "Enum"']


def test_sqlite_column_without_a_type_is_large_binary(sqlite_db):
    s = _capture(sqlite_db, "CREATE TABLE t (id integer PRIMARY KEY, a, b)")
    assert [c.type for c in s.table("t").columns] == ["Integer", "LargeBinary", "LargeBinary"]
