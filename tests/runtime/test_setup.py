"""dbplan setup: create a database from a snapshot (schema and rows) and stamp it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.runtime import MigrationError, current, downgrade, setup, upgrade
from tests.runtime.conftest import logged

# The state revision b2 produces, with the two log rows as managed rows.
SNAPSHOT_020 = """\
snapshot: 1
release: 0.2.0
naming_convention:
  pk: pk_%(table_name)s
  uq: uq_%(table_name)s_%(column_0_N_name)s
tables:
  applied_log:
    columns:
      id: {type: Integer, primary_key: true}
      rev: {type: String(20), nullable: false}
    rows:
      key: [id]
      values:
      - {id: 1, rev: a1}
      - {id: 2, rev: b2}
  items:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
      price: {type: 'Numeric(10, 2)'}
    unique:
      uq_items_name: [name]
"""

SNAPSHOT_010 = """\
snapshot: 1
release: 0.1.0
naming_convention:
  pk: pk_%(table_name)s
tables:
  applied_log:
    columns:
      id: {type: Integer, primary_key: true}
      rev: {type: String(20), nullable: false}
    rows:
      key: [id]
      values:
      - {id: 1, rev: a1}
  items:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
"""


@pytest.fixture
def with_snapshots(project_dir, project):
    (project_dir / "schema_state" / "0.1.0.yaml").write_text(SNAPSHOT_010)
    (project_dir / "schema_state" / "0.2.0.yaml").write_text(SNAPSHOT_020)
    return project


def _tables(url):
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return sorted(sa.inspect(eng).get_table_names())
    finally:
        eng.dispose()


def test_setup_newest_release_then_upgrade(with_snapshots, db_url):
    result = setup(with_snapshots, url=db_url)
    assert (result.release, result.revision) == ("0.2.0", "b2")
    assert result.tables == ("applied_log", "items")
    assert _tables(db_url) == ["alembic_version", "applied_log", "items"]
    assert logged(db_url) == ["a1", "b2"]
    cur = current(with_snapshots, url=db_url)
    assert cur.after == ("b2",) and dict(cur.releases) == {"b2": "0.2.0"}
    # the chain continues from the stamped revision: only c3 runs
    assert upgrade(with_snapshots, url=db_url).after == ("c3",)
    assert logged(db_url) == ["a1", "b2", "c3"]


def test_setup_named_release(with_snapshots, sqlite_db):
    assert setup(with_snapshots, release="0.1.0", url=sqlite_db).revision == "a1"
    assert logged(sqlite_db) == ["a1"]
    assert current(with_snapshots, url=sqlite_db).after == ("a1",)


def test_setup_refuses_non_empty_database(with_snapshots, db_url):
    setup(with_snapshots, release="0.1.0", url=db_url)
    with pytest.raises(
        MigrationError, match=r"is not empty \(tables: alembic_version, applied_log, items\)"
    ):
        setup(with_snapshots, url=db_url)
    assert current(with_snapshots, url=db_url).after == ("a1",)
    result = setup(with_snapshots, url=db_url, force=True)
    assert result.dropped == ("alembic_version", "applied_log", "items")
    assert current(with_snapshots, url=db_url).after == ("b2",)
    assert logged(db_url) == ["a1", "b2"]


def test_setup_unknown_release(with_snapshots, sqlite_db):
    with pytest.raises(MigrationError, match=r"no snapshot for release '9.0.0'.*0.1.0, 0.2.0"):
        setup(with_snapshots, release="9.0.0", url=sqlite_db)


def test_setup_release_without_revision(with_snapshots, project_dir, sqlite_db):
    (project_dir / "migrations" / "versions" / "b2.py").unlink()
    (project_dir / "migrations" / "versions" / "c3.py").unlink()
    with pytest.raises(MigrationError, match="no revision produces release '0.2.0'"):
        setup(with_snapshots, url=sqlite_db)
    assert _tables(sqlite_db) == []
    result = setup(with_snapshots, url=sqlite_db, stamp_revision=False)
    assert result.revision is None
    assert _tables(sqlite_db) == ["applied_log", "items"]


def test_setup_cli(with_snapshots, project_dir, sqlite_db):
    r = CliRunner().invoke(cli, ["-C", str(project_dir), "setup", "--url", sqlite_db])
    assert r.exit_code == 0, r.output
    assert r.output.endswith("at release 0.2.0: 2 table(s)\nstamped revision b2\n")
    r = CliRunner().invoke(cli, ["-C", str(project_dir), "setup", "--url", sqlite_db])
    assert r.exit_code == 1
    assert "is not empty" in r.output and "--force" in r.output


def test_setup_after_downgrade_to_base(with_snapshots, db_url):
    """`downgrade base` leaves an empty alembic_version: that database counts as empty."""
    upgrade(with_snapshots, url=db_url)
    downgrade(with_snapshots, "base", url=db_url)
    assert _tables(db_url) == ["alembic_version"]
    assert setup(with_snapshots, url=db_url).revision == "b2"


@pytest.mark.pg
def test_setup_force_drops_enum_types(with_snapshots, pg_db):
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    with eng.begin() as c:
        c.execute(sa.text("CREATE TYPE mood AS ENUM ('ok', 'bad')"))
        c.execute(sa.text("CREATE TABLE a (id int primary key, m mood)"))
        c.execute(sa.text("CREATE TABLE b (id int primary key, a_id int references a (id))"))
    result = setup(with_snapshots, url=pg_db, force=True)
    assert result.dropped == ("a", "b")
    with eng.connect() as c:
        assert (
            c.execute(sa.text("SELECT count(*) FROM pg_type WHERE typname = 'mood'")).scalar() == 0
        )
    eng.dispose()
    assert _tables(pg_db) == ["alembic_version", "applied_log", "items"]


def _break_stamping(project_dir):
    """The application's env.py fails when setup stamps (an import it cannot resolve)."""
    env = project_dir / "migrations" / "env.py"
    text = env.read_text(encoding="utf-8")
    marker = "    if connection is not None:\n        _migrate(connection)"
    assert marker in text
    env.write_text(
        text.replace(
            marker,
            "    if connection is not None:\n"
            "        raise ModuleNotFoundError(\"No module named 'myapp'\")",
        ),
        encoding="utf-8",
    )
    return text


def test_setup_failing_while_stamping_leaves_the_database_as_it_was(
    with_snapshots, project_dir, db_url
):
    """create + stamp are one transaction (PostgreSQL, SQLite); MariaDB cannot roll DDL back,
    so setup drops what it created and says so. A retry then works."""
    from planner import dialects

    original = _break_stamping(project_dir)
    with pytest.raises(MigrationError) as err:
        setup(with_snapshots, url=db_url)
    message = str(err.value)
    assert "myapp" in message and "stamping revision b2" in message
    assert _tables(db_url) in ([], ["alembic_version"]), "setup left tables behind"
    if dialects.of_url(db_url).transactional_ddl:
        assert "is as it was before" in message
    else:
        assert "cannot roll DDL back" in message and "dropped the 2 table(s)" in message
    (project_dir / "migrations" / "env.py").write_text(original, encoding="utf-8")
    result = setup(with_snapshots, url=db_url)
    assert result.revision == "b2" and current(with_snapshots, url=db_url).after == ("b2",)
    assert logged(db_url) == ["a1", "b2"]


def test_setup_failing_while_creating_leaves_the_database_as_it_was(
    with_snapshots, project_dir, db_url
):
    """A row the database refuses (its check) fails setup after the tables exist."""
    bad = SNAPSHOT_020 + (
        "    checks:\n      ck_items_name: name <> 'x'\n"
        "    rows:\n      key: [id]\n      values:\n      - {id: 1, name: x}\n"
    )
    (project_dir / "schema_state" / "0.2.0.yaml").write_text(bad)
    with pytest.raises(MigrationError) as err:
        setup(with_snapshots, url=db_url)
    assert "creating release 0.2.0" in str(err.value) or "setup of release 0.2.0" in str(err.value)
    assert _tables(db_url) in ([], ["alembic_version"]), "setup left tables behind"
    (project_dir / "schema_state" / "0.2.0.yaml").write_text(SNAPSHOT_020)
    assert setup(with_snapshots, url=db_url).revision == "b2"


def test_upgrade_of_a_never_stamped_database_advises_dbplan_stamp(
    with_snapshots, project_dir, db_url
):
    """A database built without Alembic (create_all; here setup --no-stamp) at release 0.2.0:
    upgrading it from base fails, and the advice is the stamp that works."""
    runner = CliRunner()
    setup(with_snapshots, release="0.2.0", url=db_url, stamp_revision=False)
    r = runner.invoke(cli, ["-C", str(project_dir), "upgrade", "--url", db_url])
    assert r.exit_code == 1
    text = " ".join(r.output.split())
    assert "but no revision recorded" in text and "`dbplan stamp 0.2.0 --url" in text, text
    assert "upgrade it to head first" not in text
    r = runner.invoke(cli, ["-C", str(project_dir), "stamp", "0.2.0", "--url", db_url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["-C", str(project_dir), "upgrade", "--url", db_url])
    assert r.exit_code == 0, r.output
    assert current(with_snapshots, url=db_url).after == ("c3",)
