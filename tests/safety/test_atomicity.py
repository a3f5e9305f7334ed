"""Failure atomicity: a revision failing part-way on PostgreSQL leaves the database exactly at
the previous revision; MariaDB cannot roll back DDL (the partial state is shown, documented in
docs/safety.md). Interrupting ``dbplan generate``/``snapshot`` leaves no partial file.
"""

from __future__ import annotations

import dataclasses
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from planner.state.capture import capture_for, normalise_for
from tests.safety.helpers import (
    DBPLAN,
    REFERENCE,
    database_equals,
    dbplan,
    env,
    inject_failure,
    project_files,
    reference_project,
    revision_file,
    snapshot_of,
    version_of,
)


@pytest.mark.pg
def test_revision_failing_after_its_ddl_leaves_the_previous_revision_on_postgresql(pg_db, tmp_path):
    root = reference_project(tmp_path / "ref")
    dbplan(root, "upgrade", "-r", "0.3.0", "--url", pg_db)
    before = version_of(pg_db)
    assert database_equals(pg_db, snapshot_of("0.3.0"))
    inject_failure(
        revision_file(root, "0.4.0")
    )  # 0.4.0: tables, columns, FKs, rows, no enum values
    r = dbplan(root, "upgrade", "--url", pg_db, check=False)
    assert r.returncode == 1 and "dbplan_no_such_table" in r.stderr and "Traceback" not in r.stderr
    assert version_of(pg_db) == before
    assert database_equals(pg_db, snapshot_of("0.3.0")), "a failed revision left changes behind"
    r = dbplan(root, "drift", "--url", pg_db, check=False)
    assert r.returncode == 0 and "drift: none" in r.stdout, r.stdout + r.stderr


@pytest.mark.pg
def test_enum_values_added_before_a_failure_stay_on_postgresql(pg_db, tmp_path):
    """ALTER TYPE ... ADD VALUE runs in an autocommit block (PostgreSQL cannot use a new value in
    the transaction that added it): after a failure those values stay; all else rolls back, and
    the revision re-runs cleanly (ADD VALUE IF NOT EXISTS)."""
    root = reference_project(tmp_path / "ref")
    dbplan(root, "upgrade", "-r", "0.2.0", "--url", pg_db)
    rev = revision_file(root, "0.3.0")  # drops a constraint, then adds enum values
    original = rev.read_text(encoding="utf-8")
    assert "autocommit_block" in original
    inject_failure(rev)
    before = version_of(pg_db)
    r = dbplan(root, "upgrade", "-r", "0.3.0", "--url", pg_db, check=False)
    assert r.returncode == 1
    assert version_of(pg_db) == before
    old = snapshot_of("0.2.0")
    got = capture_for(pg_db, old)
    want = normalise_for(old, "postgresql")
    assert dataclasses.replace(got, enums=()) == dataclasses.replace(want, enums=())
    assert got.enums != want.enums  # the documented exception
    rev.write_text(original, encoding="utf-8")
    dbplan(root, "upgrade", "-r", "0.3.0", "--url", pg_db)
    assert database_equals(pg_db, snapshot_of("0.3.0"))


@pytest.mark.mysql
def test_mariadb_keeps_the_ddl_of_a_failed_revision(mysql_db, tmp_path):
    """MariaDB commits each DDL statement: the failed revision's schema changes stay while
    alembic_version still names the previous revision — a partial state (docs/safety.md)."""
    root = reference_project(tmp_path / "ref")
    dbplan(root, "upgrade", "-r", "0.3.0", "--url", mysql_db)
    before = version_of(mysql_db)
    inject_failure(revision_file(root, "0.4.0"))
    r = dbplan(root, "upgrade", "--url", mysql_db, check=False)
    assert r.returncode == 1
    assert version_of(mysql_db) == before
    assert not database_equals(mysql_db, snapshot_of("0.3.0")), "MariaDB rolled DDL back?"
    # drift names the state: every change of 0.3.0 -> 0.4.0 is there, only the stamp is not
    r = dbplan(root, "drift", "--url", mysql_db, check=False)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "drift at 0.3.0: energy_consumptions: table not in snapshot" in r.stdout
    partial = [ln for ln in r.stdout.splitlines() if "partial upgrade" in ln]
    assert len(partial) == 1, r.stdout
    assert partial[0].startswith(
        "drift at 0.3.0: partial upgrade: database is stamped 0.3.0 but holds 14 of the 14 "
        "changes of 0.3.0 -> 0.4.0 (table energy_consumptions, table timeseries_groups, "
    ), partial[0]
    assert "ran in full but was not stamped: check, then `dbplan stamp 0.4.0`" in partial[0]
    assert "drift: partial upgrade to 0.4.0 in " in r.stderr and "14 of 14 change(s)" in r.stderr


@pytest.mark.mysql
def test_drift_names_the_partial_state_of_a_revision_failing_midway_on_mariadb(mysql_db, tmp_path):
    """A revision failing in its middle on MariaDB: ``dbplan drift`` says the database is
    stamped 0.3.0 but holds some of 0.4.0's changes, names those applied and those not yet,
    and exits 3; on PostgreSQL the same failure leaves nothing, so drift finds nothing."""
    root = reference_project(tmp_path / "ref")
    dbplan(root, "upgrade", "-r", "0.3.0", "--url", mysql_db)
    _fail_midway(revision_file(root, "0.4.0"))
    r = dbplan(root, "upgrade", "--url", mysql_db, check=False)
    assert r.returncode == 1 and "dbplan_no_such_table" in r.stderr
    r = dbplan(root, "drift", "--url", mysql_db, check=False)
    assert r.returncode == 3, r.stdout + r.stderr
    (line,) = [ln for ln in r.stdout.splitlines() if "partial upgrade" in ln]
    head, _, rest = line.partition(" changes of 0.3.0 -> 0.4.0 (")
    assert head.startswith("drift at 0.3.0: partial upgrade: database is stamped 0.3.0 but holds ")
    held, total = (int(w) for w in head.split("holds ")[1].split(" of the "))
    assert 0 < held < total == 14, line
    applied, _, rest = rest.partition("); not yet: ")
    assert "column events.origin" in applied and "column users.is_active" in applied
    pending, _, rest = rest.partition("; partly done or changed by hand: ")
    # the operations after the failure: users.phone, the dropped column and table, and
    # the managed rows the revision writes last
    assert pending == (
        "table timeseries_groups, column timeseries.group_id, column users.phone, "
        "row energies (name='Wood'), row event_categories (id=2), row units (id=3)"
    )
    # the new table is there without the indexes the revision creates after the failure
    partly, _, advice = rest.partition("; revision ")
    assert partly == "table energy_consumptions"
    assert advice.endswith(
        "failed part-way (MariaDB/MySQL cannot roll DDL back): repair by hand or restore "
        "the backup, then re-run `dbplan upgrade`"
    ), advice
    assert "drift: partial upgrade to 0.4.0 in " in r.stderr
    assert f"{held} of {total} change(s) applied" in r.stderr


def _fail_midway(rev: Path) -> None:
    """Make the 0.4.0 revision fail before it creates energy_consumptions' indexes."""
    text = rev.read_text(encoding="utf-8")
    cut = "    op.create_index('ix_energy_consumptions_end_use_id'"
    assert text.count(cut) == 1
    rev.write_text(
        text.replace(cut, "    op.execute('SELECT * FROM dbplan_no_such_table')\n" + cut),
        encoding="utf-8",
    )


@pytest.mark.mysql
def test_verify_names_the_partial_state_a_failed_revision_leaves_on_mariadb(mysql_db, tmp_path):
    root = reference_project(tmp_path / "ref")
    _fail_midway(revision_file(root, "0.4.0"))
    r = dbplan(root, "verify", "--url", mysql_db, check=False)
    assert r.returncode == 3, r.stdout + r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("0.4.0 after upgrade: ")]
    assert len(lines) == 2, r.stdout
    assert "upgrade failed: " in lines[0] and "dbplan_no_such_table" in lines[0]
    assert lines[1].startswith(
        "0.4.0 after upgrade: partial upgrade: database is stamped 0.3.0 but holds "
    ), lines[1]
    assert "; partly done or changed by hand: table energy_consumptions; revision " in lines[1]


# ------------------------------------------------------------------ interrupted writes

TRIALS = 8


def _leftovers(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.name.startswith(".")
        and p.name not in (".hypothesis",)
        or p.name.endswith((".part", ".tmp"))
    )


def _interrupt(root: Path, args: list[str], delay: float, sig: int) -> int:
    p = subprocess.Popen(
        [DBPLAN, "-C", str(root), *args],
        cwd=root,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # as at a terminal: a shell's background job (CI run under nohup … &) starts with
        # SIGINT ignored, and the child would inherit that and never be interrupted
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(delay)
    if p.poll() is None:
        p.send_signal(sig)
    p.communicate(timeout=120)
    return p.returncode


def _timed(root: Path, args: list[str]) -> float:
    t0 = time.monotonic()
    dbplan(root, *args)
    return time.monotonic() - t0


def test_interrupted_generate_leaves_no_partial_file(tmp_path):
    rng = random.Random(6)
    root = reference_project(tmp_path / "ref")
    target = revision_file(root, "0.5.0")
    complete = target.read_bytes()
    target.unlink()
    baseline = project_files(root)
    duration = _timed(root, ["generate", "--allow-destructive"])
    assert target.read_bytes() == complete
    target.unlink()
    # the second run is the typical one (the first may compile bytecode on a loaded machine)
    duration = min(duration, _timed(root, ["generate", "--allow-destructive"]))
    assert target.read_bytes() == complete
    outcomes = {"written": 0, "nothing": 0}
    # at once (before Python has started: nothing can be written), then through the run
    delays = [0.0] + [rng.uniform(0, duration * 1.1) for _ in range(TRIALS - 1)]
    for delay in delays:
        target.unlink(missing_ok=True)
        assert project_files(root) == baseline
        code = _interrupt(root, ["generate", "--allow-destructive"], delay, signal.SIGINT)
        files = project_files(root)
        if target.exists():
            assert target.read_bytes() == complete, "a partial revision was published"
            # interrupted after the link (code 0) or during cleanup (130): the file is whole
            assert code in (0, 1, 130, -signal.SIGINT), code
            files.pop(str(target.relative_to(root)))
            outcomes["written"] += 1
        else:
            outcomes["nothing"] += 1
        assert files == baseline
        assert _leftovers(root) == []
    assert outcomes["nothing"] >= 1, outcomes


def test_killed_generate_publishes_no_partial_revision(tmp_path):
    """SIGKILL skips every cleanup: still no partial file in versions/ (the file is linked in
    whole); a private temporary directory in migrations/ may stay (dot-named, ignored)."""
    rng = random.Random(7)
    root = reference_project(tmp_path / "ref")
    target = revision_file(root, "0.5.0")
    complete = target.read_bytes()
    target.unlink()  # generate refuses a release that has a revision (a second head)
    duration = _timed(
        root, ["generate", "--allow-destructive", "--rev-id", "aaaaaaaaaaaa", "-m", "x"]
    )
    for f in (root / "migrations" / "versions").glob("aaaaaaaaaaaa*.py"):
        f.unlink()
    versions = root / "migrations" / "versions"
    lock = ".dbplan-generate.lock"  # a killed run's lock: the next run takes it over
    for _ in range(TRIALS):
        for f in versions.glob("*.py"):
            if f.name.startswith(target.name[:12]):
                f.unlink()
        _interrupt(
            root,
            ["generate", "--allow-destructive"],
            rng.uniform(0, duration * 1.1),
            signal.SIGKILL,
        )
        if target.exists():
            assert target.read_bytes() == complete
        dots = [p.name for p in versions.iterdir() if p.name.startswith(".") and p.name != lock]
        assert dots == []
    assert [p for p in root.rglob("*.py") if p.name.endswith(".part")] == []


def test_interrupted_snapshot_leaves_no_partial_file(tmp_path):
    rng = random.Random(8)
    root = reference_project(tmp_path / "ref")
    for f in (root / "migrations" / "versions").glob("*.py"):
        f.unlink()
    args = [
        "snapshot",
        "--release",
        "9.0.0",
        "--from-models",
        "tests.fixtures.models_app:Base",
        "--rows",
        "tests.fixtures.models_app:ROWS",
    ]
    # the models module is imported with the project root on sys.path
    (root / "tests").mkdir()
    (root / "tests" / "__init__.py").write_text("")
    (root / "tests" / "fixtures").mkdir()
    (root / "tests" / "fixtures" / "__init__.py").write_text("")
    src = Path(__file__).resolve().parents[1] / "fixtures" / "models_app.py"
    (root / "tests" / "fixtures" / "models_app.py").write_bytes(src.read_bytes())
    target = root / "schema_state" / "9.0.0.yaml"
    duration = _timed(root, args)
    complete = target.read_bytes()
    target.unlink()
    baseline = project_files(root)
    for _ in range(TRIALS):
        sig = rng.choice([signal.SIGINT, signal.SIGINT, signal.SIGTERM])
        _interrupt(root, args, rng.uniform(0, duration * 1.1), sig)
        files = project_files(root)
        if target.exists():
            assert target.read_bytes() == complete, "a partial snapshot was written"
            files.pop(str(target.relative_to(root)))
            target.unlink()
        if sig == signal.SIGINT:
            assert _leftovers(root) == []
        else:  # SIGTERM skips cleanup: at most a dot-named temporary file, never read
            for name in [n for n in files if Path(n).name.startswith(".")]:
                files.pop(name)
                (root / name).unlink()
        assert files == baseline
    assert sorted(p.name for p in (root / "schema_state").glob("*.yaml")) == sorted(
        p.name for p in REFERENCE
    )


def _tables(url: str) -> list[str]:
    import sqlalchemy as sa

    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return sorted(sa.inspect(eng).get_table_names())
    finally:
        eng.dispose()


@pytest.mark.parametrize("release", ["0.3.0", "0.4.0", "0.5.0"])
def test_sqlite_revision_failing_midway_leaves_the_previous_revision(sqlite_db, tmp_path, release):
    """One transaction around each SQLite revision, batch rebuilds included: no
    ``_alembic_tmp_*`` and no created table stays, and the retry works (issue 18 item 3)."""
    root = reference_project(tmp_path / "ref")
    previous = {"0.3.0": "0.2.0", "0.4.0": "0.3.0", "0.5.0": "0.4.0"}[release]
    dbplan(root, "upgrade", "-r", previous, "--url", sqlite_db)
    before, tables = version_of(sqlite_db), _tables(sqlite_db)
    rev = revision_file(root, release)
    original = rev.read_text(encoding="utf-8")
    inject_failure(rev)
    r = dbplan(root, "upgrade", "-r", release, "--url", sqlite_db, check=False)
    assert r.returncode == 1 and "dbplan_no_such_table" in r.stderr and "Traceback" not in r.stderr
    assert version_of(sqlite_db) == before
    assert _tables(sqlite_db) == tables, "a failed SQLite revision left tables behind"
    assert database_equals(sqlite_db, snapshot_of(previous))
    rev.write_text(original, encoding="utf-8")
    dbplan(root, "upgrade", "-r", release, "--url", sqlite_db)
    assert database_equals(sqlite_db, snapshot_of(release))


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("pg_db", marks=pytest.mark.pg),
        pytest.param("mysql_db", marks=pytest.mark.mysql),
        "sqlite_db",
    ],
)
def test_a_failed_upgrade_says_what_the_database_holds_now(request, tmp_path, server):
    """Issue 18 items 9 and 11: after PostgreSQL/SQLite rolled the revision back there is
    nothing to restore; a MariaDB failure names the partial state and points to drift."""
    url = request.getfixturevalue(server)
    root = reference_project(tmp_path / "ref")
    dbplan(root, "upgrade", "-r", "0.3.0", "--url", url)
    inject_failure(revision_file(root, "0.4.0"))
    r = dbplan(root, "upgrade", "--url", url, check=False)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    text = " ".join(r.stderr.split())
    assert "revision" in text and "upgrade to head" in text, text
    if server == "mysql_db":
        assert "cannot roll DDL back" in text and "partly past" in text, text
        assert "dbplan drift --url" in text, text
    else:
        assert "rolled the failed revision back" in text and "nothing to restore" in text, text
        assert "restore the backup" not in text and "restore a backup" not in text
