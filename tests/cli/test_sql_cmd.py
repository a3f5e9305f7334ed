"""``dbplan sql``: the printed SQL, run by hand with each database's own client on a
scratch database at FROM, gives the schema and rows of TO (drift finds nothing), and
the ``--downgrade`` SQL takes it back to FROM."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.dialects import of_url

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [
    ("empty", "0.1.0"),
    ("0.1.0", "0.2.0"),
    ("0.2.0", "0.3.0"),
    ("0.3.0", "0.4.0"),
    ("0.4.0", "0.5.0"),
]

pytestmark = pytest.mark.xdist_group("scratch_databases")


def run(*args: str):
    return CliRunner().invoke(cli, ["-C", str(ROOT), *args], env={"SQLALCHEMY_DATABASE_URI": ""})


def run_by_hand(url: str, script: str) -> None:
    """The script through the database's own command-line client, stopping at an error."""
    u = sa.engine.make_url(url)
    kind = of_url(url).name
    if kind == "sqlite":
        cmd = ["sqlite3", "-bail", u.database]
    elif kind == "postgresql":
        libpq = f"postgresql://{u.username}@{u.host}:{u.port or 5432}/{u.database}"
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq]
    else:
        cmd = ["mysql", "-h", u.host, "-P", str(u.port or 3306), "-u", u.username, u.database]
    assert shutil.which(cmd[0]), f"{cmd[0]} (the database's client) is not installed"
    proc = subprocess.run(cmd, input=script, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, (
        f"{' '.join(cmd[:1])} failed:\n{proc.stderr}\n--- script:\n{script}"
    )


def tables(url: str) -> set[str]:
    eng = sa.create_engine(url)
    try:
        return set(sa.inspect(eng).get_table_names())
    finally:
        eng.dispose()


def variant(url: str) -> str:
    """The --dialect for the server at ``url``: MariaDB's DDL differs from MySQL 8's."""
    eng = sa.create_engine(url)
    try:
        with eng.connect():
            mariadb = getattr(eng.dialect, "is_mariadb", False)
    finally:
        eng.dispose()
    return "mariadb" if mariadb else of_url(url).name


@pytest.mark.parametrize("frm,to", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_printed_sql_reaches_the_release_up_and_back(db_url, frm, to):
    dialect = variant(db_url)
    up = run("sql", frm, to, "--dialect", dialect)
    assert up.exit_code == 0, up.output
    down = run("sql", frm, to, "--dialect", dialect, "--downgrade")
    assert down.exit_code == 0, down.output
    assert up.stdout.startswith(f"-- dbplan sql {frm} -> {to} (upgrade) for {dialect}")
    assert down.stdout.startswith(f"-- dbplan sql {to} -> {frm} (downgrade) for {dialect}")

    if frm != "empty":
        r = run("setup", "--release", frm, "--url", db_url)
        assert r.exit_code == 0, r.output
    run_by_hand(db_url, up.stdout)
    assert run("stamp", to, "--url", db_url, "--no-check").exit_code == 0
    r = run("drift", "--url", db_url)
    assert r.exit_code == 0, f"after the printed upgrade SQL:\n{r.output}"

    run_by_hand(db_url, down.stdout)
    if frm == "empty":
        assert tables(db_url) <= {"alembic_version"}
        return
    assert run("stamp", frm, "--url", db_url, "--no-check").exit_code == 0
    r = run("drift", "--url", db_url)
    assert r.exit_code == 0, f"after the printed downgrade SQL:\n{r.output}"


def test_rows_are_literals_and_nothing_is_executed(tmp_path):
    r = run("sql", "empty", "0.1.0", "--dialect", "postgresql")
    assert r.exit_code == 0, r.output
    assert "INSERT INTO units" in r.stdout and "'kilowatt hour'" in r.stdout
    assert "%(" not in r.stdout and ":name" not in r.stdout  # no bound parameters left
    assert r.stdout.count("BEGIN;") == 1 and r.stdout.rstrip().endswith("COMMIT;")
    assert "alembic_version" not in r.stdout


def test_unknown_dialect_and_backwards_pair_are_usage_errors():
    r = run("sql", "0.4.0", "0.5.0", "--dialect", "oracle")
    assert r.exit_code == 2 and "not a target dialect" in r.output
    r = run("sql", "0.5.0", "0.4.0", "--dialect", "sqlite")
    assert r.exit_code == 2 and "--downgrade" in r.output


def test_mariadb_and_mysql_8_get_their_own_ddl():
    mysql = run("sql", "0.2.0", "0.3.0", "--dialect", "mysql", "--downgrade")
    mariadb = run("sql", "0.2.0", "0.3.0", "--dialect", "mariadb", "--downgrade")
    assert mysql.exit_code == mariadb.exit_code == 0, mysql.output + mariadb.output
    assert "ALTER TABLE spaces DROP CHECK ck_spaces_area_positive;" in mysql.stdout
    assert "ALTER TABLE spaces DROP CONSTRAINT ck_spaces_area_positive;" in mariadb.stdout
    assert "BEGIN;" not in mysql.stdout  # DDL commits as it runs there: no false promise
