"""Downgrades planned, not hoped (issue 15): a release that drops a NOT NULL column
without a server default has a downgrade that adds it back over the table's rows.

Without a way to fill it, ``dbplan generate`` refuses (exit 4, ``--allow-destructive``
does not accept it) naming the column and the hint; with ``dropped_columns:
{legacy_code: {backfill: ...}}`` in the newer snapshot the downgrade adds the column
nullable, fills it and sets NOT NULL, on real databases with users' rows. ``generate``
prints the findings of the upgrade and of the downgrade.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from planner.revisions.generation import DowngradeRefused, generate
from planner.state.yamlio import load_snapshot_text
from tests.revisions.conftest import assert_database_is, downgrade, make_project, upgrade
from tests.safety.helpers import dbplan

OLD = """
snapshot: 1
release: "1.0.0"
tables:
  sites:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(20), nullable: false}
      legacy_code: {type: String(20), nullable: false}
"""

NEW = """
snapshot: 1
release: "2.0.0"
tables:
  sites:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(20), nullable: false}
      note: {type: Text}
"""

HINT = """    dropped_columns:
      legacy_code: {backfill: "UPPER(name)"}
"""


def _project(tmp_path, hint: bool):
    old = load_snapshot_text(OLD, "1.0.0.yaml")
    new = load_snapshot_text(NEW + (HINT if hint else ""), "2.0.0.yaml")
    project = make_project(tmp_path / "proj", [old, new])
    return project, old, new


def test_generate_refuses_a_downgrade_re_adding_a_not_null_column_without_backfill(tmp_path):
    project, _, _ = _project(tmp_path, hint=False)
    generate(project, "empty", "1.0.0")
    with pytest.raises(DowngradeRefused) as e:
        generate(project, "1.0.0", "2.0.0", allow_destructive=True)
    text = str(e.value)
    assert "sites.legacy_code" in text and "dropped_columns: {legacy_code: {backfill:" in text
    # through the command line: exit 4 (refused), nothing written, even with the flag
    before = sorted(p.name for p in (project.migrations_dir / "versions").iterdir())
    r = dbplan(project.root, "generate", "1.0.0", "2.0.0", "--allow-destructive", check=False)
    assert r.returncode == 4, (r.stdout, r.stderr)
    assert "the downgrade would fail on a database with rows" in r.stderr
    assert "downgrade: adds NOT NULL column sites.legacy_code back" in r.stderr
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in (project.migrations_dir / "versions").iterdir()) == before
    # the explicit escape (a table always empty when downgraded) writes it
    r = dbplan(
        project.root,
        "generate",
        "1.0.0",
        "2.0.0",
        "--allow-destructive",
        "--allow-failing-downgrade",
    )
    assert len(list((project.migrations_dir / "versions").glob("*.py"))) == len(before) + 1


def test_generate_prints_upgrade_and_downgrade_findings(tmp_path):
    project, _, _ = _project(tmp_path, hint=True)
    dbplan(project.root, "generate", "empty", "1.0.0")
    r = dbplan(project.root, "generate", "1.0.0", "2.0.0", "--allow-destructive")
    # the upgrade drops legacy_code (R002); the downgrade drops note (R002, going down)
    assert "finding: upgrade: danger R002" in r.stderr and "sites.legacy_code" in r.stderr
    assert "finding: downgrade: danger R002" in r.stderr and "sites.note" in r.stderr


def test_downgrade_backfill_refills_the_dropped_column_over_users_rows(db_url, tmp_path):
    project, old, new = _project(tmp_path, hint=True)
    one = generate(project, "empty", "1.0.0").revision
    two = generate(project, "1.0.0", "2.0.0", allow_destructive=True).revision
    upgrade(project, db_url, one)
    eng = sa.create_engine(db_url)
    try:
        with eng.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO sites (name, legacy_code) VALUES ('north', 'N1'), ('south', 'S1')"
                )
            )
        upgrade(project, db_url, two)
        assert_database_is(db_url, new, "upgrade to 2.0.0", column_order=False)
        downgrade(project, db_url, one)
        assert_database_is(db_url, old, "downgrade to 1.0.0", column_order=False)
        with eng.connect() as conn:
            got = conn.execute(sa.text("SELECT name, legacy_code FROM sites ORDER BY name")).all()
        assert [tuple(r) for r in got] == [("north", "NORTH"), ("south", "SOUTH")]
    finally:
        eng.dispose()
