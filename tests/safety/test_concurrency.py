"""8 ``dbplan upgrade`` processes started at once on one PostgreSQL database, over the
reference chain (its generated revisions, from empty to head): all exit 0, each revision is
applied exactly once (a trigger on ``alembic_version`` logs every step), the head is reached.
"""

from __future__ import annotations

import dataclasses
import subprocess

import pytest
import sqlalchemy as sa

from planner.state.capture import capture_for, normalise_for
from tests.safety.helpers import (
    DBPLAN,
    engine,
    env,
    reference_project,
    revision_file,
    snapshot_of,
    version_of,
)

UPGRADERS = 8
LOG = "dbplan_test_applied"

TRIGGER = f"""
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
CREATE TABLE {LOG} (n SERIAL PRIMARY KEY, version_num VARCHAR(32) NOT NULL, op TEXT NOT NULL);
CREATE FUNCTION {LOG}_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {LOG} (version_num, op) VALUES (NEW.version_num, TG_OP);
  RETURN NEW;
END $$;
CREATE TRIGGER {LOG}_tr AFTER INSERT OR UPDATE ON alembic_version
  FOR EACH ROW EXECUTE FUNCTION {LOG}_fn();
"""


@pytest.mark.pg
def test_eight_upgraders_apply_the_reference_chain_once(pg_db, tmp_path):
    root = reference_project(tmp_path / "ref")
    releases = [p.stem for p in sorted((root / "schema_state").glob("*.yaml"))]
    chain = [revision_file(root, r).name.split("_", 1)[0] for r in releases]
    eng = engine(pg_db)
    with eng.begin() as c:
        c.execute(sa.text(TRIGGER))
    eng.dispose()
    procs = [
        subprocess.Popen(
            [DBPLAN, "-C", str(root), "upgrade", "--url", pg_db],
            cwd=root,
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(UPGRADERS)
    ]
    results = [(p.returncode, *p.communicate(timeout=600)) for p in procs]
    results = [(p.returncode, out, err) for p, (_, out, err) in zip(procs, results, strict=True)]
    assert [r[0] for r in results] == [0] * UPGRADERS, results
    assert not any("already exists" in r[2] for r in results)
    eng = engine(pg_db)
    with eng.connect() as c:
        log = [
            tuple(r) for r in c.execute(sa.text(f"SELECT version_num, op FROM {LOG} ORDER BY n"))
        ]
    eng.dispose()
    assert [v for v, _ in log] == chain, "each revision applied exactly once, in order"
    assert version_of(pg_db) == (chain[-1],)
    head = snapshot_of(releases[-1])
    got = capture_for(pg_db, head)
    # the test's own log table and the trigger function filling it are not the chain's
    got = dataclasses.replace(
        got,
        tables=tuple(t for t in got.tables if t.name != LOG),
        routines=tuple(r for r in got.routines if LOG not in r.name),
        unmanaged=tuple(u for u in got.unmanaged if LOG not in u.name),
    )
    assert got == normalise_for(head, "postgresql")
