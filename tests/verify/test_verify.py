"""``dbplan verify`` and ``dbplan drift`` on the reference project, on real databases.

The reference project is copied to a temporary directory for every test that changes a
revision, so the repository is never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.runtime.verify import compare_snapshots
from planner.state.model import Column, Snapshot, Table

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "migrations" / "versions"

# these tests count the scratch databases on the server before and after a verify run:
# under pytest-xdist (--dist loadgroup) they share one worker, so no other verify runs
# between the two counts
pytestmark = pytest.mark.xdist_group("scratch_databases")


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(project), *args], env={"SQLALCHEMY_DATABASE_URI": ""})


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the reference project (snapshots, migrations, pyproject.toml)."""
    dest = tmp_path / "proj"
    dest.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(ROOT / "schema_state", dest / "schema_state")
    shutil.copytree(
        ROOT / "migrations", dest / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def _revision_file(project: Path, release: str) -> Path:
    (path,) = (project / "migrations" / "versions").glob(f"*_{release.replace('.', '_')}.py")
    return path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found exactly once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------- pure comparison


def _snap(*tables: Table, **kw) -> Snapshot:
    return Snapshot(release="1", tables=tables, **kw)


def test_compare_names_each_attribute():
    want = _snap(
        Table(name="sites", columns=(Column(name="name", type="String(120)", nullable=False),))
    )
    got = _snap(
        Table(
            name="sites",
            columns=(
                Column(name="name", type="String(80)", nullable=True, server_default="'x'"),
                Column(name="extra", type="Integer"),
            ),
        ),
        Table(name="stray"),
    )
    assert compare_snapshots(got, want) == [
        "stray: table not in snapshot",
        "sites.extra: column not in snapshot (Integer)",
        "sites.name: type String(80), snapshot says String(120)",
        "sites.name: nullable true, snapshot says false",
        "sites.name: server default 'x', snapshot says none",
    ]
    assert compare_snapshots(want, want) == []


def test_compare_rows_by_key_and_constraints():
    from planner.state.model import FrozenMap, Index, RowSet, Unique

    def t(rows, uniques=(), indexes=()):
        return Table(
            name="units",
            columns=(Column(name="id", type="Integer"), Column(name="name", type="String(20)")),
            uniques=uniques,
            indexes=indexes,
            rows=RowSet(key=("id",), rows=tuple(FrozenMap(r) for r in rows)),
        )

    want = _snap(
        t(
            [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
            uniques=(Unique(name="uq", columns=("name",)),),
        )
    )
    got = _snap(t([{"id": 1, "name": "z"}], indexes=(Index(name="ix", columns=("name",)),)))
    assert compare_snapshots(got, want) == [
        "units: unique uq missing",
        "units: index ix not in snapshot",
        "units: row (id=1): name 'z', snapshot says 'a'",
        "units: row (id=2) missing",
    ]


# --------------------------------------------------------------------------- verify


def test_verify_reference_project_exit_0(project, db_url, monkeypatch):
    """Exit 0 on every dialect; on PostgreSQL --pg-dump shows no difference; the scratch
    databases verify created are gone from the server afterwards."""
    import contextlib

    from planner.runtime import verify as verify_module

    dialect = sa.engine.make_url(db_url).get_backend_name()
    args = ["verify"] if dialect == "sqlite" else ["verify", "--url", db_url]
    if dialect == "postgresql":
        args.append("--pg-dump")
    # record the databases verify creates (the real function does the work); other
    # processes on the same server may hold scratch databases of their own meanwhile
    created: list[str] = []
    real = verify_module.scratch_database

    @contextlib.contextmanager
    def recording(*a, **kw):
        with real(*a, **kw) as url:
            created.append(sa.engine.make_url(url).database)
            yield url

    monkeypatch.setattr(verify_module, "scratch_database", recording)
    result = run(project, *args)
    assert result.exit_code == 0, result.output
    assert "verify: ok, 5 revision(s) up and 5 step(s) down" in result.output
    # the progress lines (no terminal): one per step
    assert "0.3.0 after upgrade: ok" in result.output
    assert "base after downgrade: ok" in result.output
    if dialect == "postgresql":
        assert "pg_dump compared" in result.output
        assert "+++" not in result.output
    if dialect != "sqlite":
        assert len(created) == (2 if dialect == "postgresql" else 1)  # chain (+ setup)
        assert not set(created) & _scratch_databases(db_url)


def _scratch_databases(url: str) -> set[str]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as c:
            if eng.dialect.name == "sqlite":
                return set()
            if eng.dialect.name == "postgresql":
                names = c.execute(sa.text("SELECT datname FROM pg_database"))
            else:
                names = c.execute(sa.text("SHOW DATABASES"))
            return {r[0] for r in names if r[0].startswith(("dbplan_verify", "dbplan_setup"))}
    finally:
        eng.dispose()


def test_pg_dump_needs_postgresql(project):
    result = run(project, "verify", "--pg-dump")
    assert result.exit_code == 1
    assert "--pg-dump needs a PostgreSQL --url" in result.output


def test_verify_names_a_deleted_operation(project, db_url):
    rev = _revision_file(project, "0.3.0")
    _edit(
        rev,
        "        batch_op.add_column(sa.Column('commissioned_on', sa.Date(), nullable=True))\n",
        "        pass\n",
    )
    args = ["verify"] if db_url.startswith("sqlite") else ["verify", "--url", db_url]
    result = run(project, *args)
    assert result.exit_code == 3, result.output
    assert (
        "0.3.0 after upgrade: buildings.commissioned_on: column missing (snapshot: Date)"
        in result.output
    )
    assert "verify: " in result.output and "difference(s)" in result.output


def test_verify_names_a_changed_row_value(project, sqlite_db):
    rev = _revision_file(project, "0.1.0")
    _edit(rev, "'name': 'kilowatt hour'", "'name': 'kilowatt-hour'")
    result = run(project, "verify")
    assert result.exit_code == 3, result.output
    assert (
        "0.1.0 after upgrade: units: row (id=3): name 'kilowatt-hour', snapshot says 'kilowatt hour'"
        in result.output
    )
    # 0.2.0 is compared too: the wrong row survives there
    assert "0.2.0 after upgrade: units: row (id=3)" in result.output


@pytest.mark.pg
def test_pg_dump_shows_a_changed_row_value(project, pg_db):
    rev = _revision_file(project, "0.1.0")
    _edit(rev, "'name': 'percent'", "'name': 'per cent'")
    result = run(project, "verify", "--url", pg_db, "--pg-dump")
    assert result.exit_code == 3, result.output
    assert "-(2, '%', 'percent')" in result.output
    assert "+(2, '%', 'per cent')" in result.output


# --------------------------------------------------------------------------- drift


_ALTER = {
    "sqlite": None,
    "postgresql": "ALTER TABLE sites ALTER COLUMN name TYPE VARCHAR(200)",
    "mysql": "ALTER TABLE sites MODIFY name VARCHAR(200) NOT NULL",
}


def test_drift_after_setup_and_after_a_hand_alter(project, db_url):
    assert run(project, "setup", "--url", db_url).exit_code == 0
    result = run(project, "drift", "--url", db_url)
    assert result.exit_code == 0, result.output
    assert "drift: none" in result.output and "release 0.5.0" in result.output

    # user rows in a managed table are not drift
    eng = sa.create_engine(db_url)
    try:
        with eng.begin() as c:
            c.execute(
                sa.text("INSERT INTO units (id, symbol, name) VALUES (900, 'u', 'user unit')")
            )
        assert run(project, "drift", "--url", db_url).exit_code == 0

        dialect = eng.dialect.name if eng.dialect.name != "mariadb" else "mysql"
        with eng.begin() as c:
            if dialect == "sqlite":  # no ALTER COLUMN: rebuild the table by hand
                _sqlite_widen(c)
            else:
                c.execute(sa.text(_ALTER[dialect]))
            c.execute(sa.text("UPDATE units SET name = 'changed' WHERE id = 1"))
    finally:
        eng.dispose()
    result = run(project, "drift", "--url", db_url)
    assert result.exit_code == 3, result.output
    assert "drift at 0.5.0: sites.name: type String(200), snapshot says String(80)" in result.output
    assert (
        "drift at 0.5.0: units: row (id=1): name 'changed', snapshot says 'degree Celsius'"
        in result.output
    )
    assert "user unit" not in result.output


def _sqlite_widen(c) -> None:
    sql = c.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'sites'")).scalar()
    assert "name VARCHAR(80)" in sql
    c.execute(sa.text("PRAGMA foreign_keys=OFF"))
    c.execute(sa.text("PRAGMA writable_schema=ON"))
    c.execute(
        sa.text("UPDATE sqlite_master SET sql = :s WHERE name = 'sites'"),
        {"s": sql.replace("name VARCHAR(80)", "name VARCHAR(200)")},
    )
    c.execute(sa.text("PRAGMA writable_schema=OFF"))


def test_drift_of_an_unstamped_database_is_an_error(project, sqlite_db):
    result = run(project, "drift", "--url", sqlite_db)
    assert result.exit_code == 1
    assert "has no revision" in result.output


def test_docstring_examples(_doctest_world, tmp_path, monkeypatch):
    import planner.runtime.verify as module
    from tests.doctest_world import run_doctests_in_world

    result = run_doctests_in_world(module, _doctest_world, tmp_path, monkeypatch)
    assert result.failed == 0 and result.attempted >= 3


def test_drift_names_a_partial_upgrade_and_not_a_hand_change(project, sqlite_db):
    """A database stamped 0.3.0 holding one change of 0.3.0 -> 0.4.0 is a partial upgrade
    (named, exit 3); a hand change that is no part of 0.4.0 is plain drift."""
    assert run(project, "upgrade", "-r", "0.3.0", "--url", sqlite_db).exit_code == 0
    eng = sa.create_engine(sqlite_db)
    try:
        with eng.begin() as c:
            c.execute(sa.text("UPDATE units SET symbol = 'x' WHERE id = 1"))
        result = run(project, "drift", "--url", sqlite_db)
        assert result.exit_code == 3, result.output
        assert "partial upgrade" not in result.output
        assert "drift: 1 difference(s) in" in result.output
        with eng.begin() as c:
            c.execute(sa.text("ALTER TABLE users DROP COLUMN phone"))  # 0.4.0 drops it
    finally:
        eng.dispose()
    result = run(project, "drift", "--url", sqlite_db)
    assert result.exit_code == 3, result.output
    assert "drift at 0.3.0: users.phone: column missing (snapshot: String(40))" in result.output
    (line,) = [ln for ln in result.output.splitlines() if "partial upgrade:" in ln]
    assert line.startswith(
        "drift at 0.3.0: partial upgrade: database is stamped 0.3.0 but holds 1 of the 14 "
        "changes of 0.3.0 -> 0.4.0 (column users.phone); not yet: table energy_consumptions, "
    ), line
    assert "units" not in line  # the hand change is no part of 0.4.0
    # SQLite rolls a failed revision back: the change is a hand change, no backup advice
    assert line.endswith(
        "; SQLite rolls a failed revision back, so these changes were made by hand: undo "
        "them, or finish them and `dbplan stamp 0.4.0`"
    ), line
    assert "restore" not in line
    assert "drift: partial upgrade to 0.4.0 in " in result.output
    assert "1 of 14 change(s) applied, 2 difference(s) from 0.3.0" in result.output


def test_drift_of_an_unstamped_database_holding_the_first_release(project, sqlite_db):
    """The first revision failing before its stamp: no revision, yet 0.1.0's tables."""
    from planner.state.build import create_from_snapshot
    from planner.state.yamlio import load_snapshot

    eng = sa.create_engine(sqlite_db)
    try:
        create_from_snapshot(eng, load_snapshot(project / "schema_state" / "0.1.0.yaml"))
    finally:
        eng.dispose()
    result = run(project, "drift", "--url", sqlite_db)
    assert result.exit_code == 3, result.output
    (line,) = [ln for ln in result.output.splitlines() if "partial upgrade:" in ln]
    assert line.startswith(
        "drift at empty: partial upgrade: database is stamped empty but holds "
    ), line
    held, total = (int(w) for w in line.split(" holds ")[1].split(" changes")[0].split(" of the "))
    assert held == total > 0
    assert line.endswith("ran in full but was not stamped: check, then `dbplan stamp 0.1.0`")
