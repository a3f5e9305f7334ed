"""Generated revisions applied with Alembic on real databases (SQLite, PostgreSQL, MariaDB).

After each upgrade and downgrade step, ``capture_for(db, snapshot) == normalise_for(snapshot)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.revisions.generation import generate
from planner.state.yamlio import load_snapshot
from tests.revisions.conftest import (
    CASES,
    ROOT,
    assert_database_is,
    downgrade,
    make_project,
    upgrade,
)

REFERENCE = sorted((ROOT / "schema_state").glob("*.yaml"))
CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "before.yaml").is_file()) if CASES.is_dir() else []


def _chain(tmp_path: Path, snapshots) -> tuple:
    project = make_project(tmp_path / "proj", snapshots)
    releases = project.releases()
    revs = []
    previous = "empty"
    for rel in releases:
        revs.append(generate(project, previous, rel, allow_destructive=True).revision)
        previous = rel
    return project, releases, revs


def _walk(project, url, snapshots_by_release, releases, revs) -> None:
    for rel, rev in zip(releases, revs, strict=True):
        upgrade(project, url, rev)
        assert_database_is(url, snapshots_by_release[rel], f"upgrade to {rel}")
    for i in range(len(revs) - 1, 0, -1):
        downgrade(project, url, revs[i - 1])
        assert_database_is(
            url, snapshots_by_release[releases[i - 1]], f"downgrade to {releases[i - 1]}", column_order=False
        )
    downgrade(project, url, "base")
    left = set(sa.inspect(sa.create_engine(url)).get_table_names()) - {"alembic_version"}
    assert left == set(), f"tables left after downgrade to base: {sorted(left)}"


@pytest.mark.skipif(not REFERENCE, reason="no reference snapshots")
def test_reference_chain_up_and_down(db_url, tmp_path):
    snapshots = [load_snapshot(p) for p in REFERENCE]
    project, releases, revs = _chain(tmp_path, snapshots)
    _walk(project, db_url, {s.release: s for s in snapshots}, releases, revs)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case_up_and_down(case, db_url, tmp_path):
    before = load_snapshot(case / "before.yaml", expected_release=False)
    after = load_snapshot(case / "after.yaml", expected_release=False)
    if any(t.schema for s in (before, after) for t in s.tables) and not db_url.startswith("postgresql"):
        pytest.skip("schemas are PostgreSQL-only")
    project, releases, revs = _chain(tmp_path, [before, after])
    _walk(project, db_url, {before.release: before, after.release: after}, releases, revs)
