"""Plans of the row modes and of references by natural key (no database): what lint and
the generate gate say (issue 15)."""

from __future__ import annotations

from planner.lint import gated_downgrade_deletes, lint
from planner.plan import make_downgrade_plan, make_plan
from planner.revisions.generation import plan_revision
from planner.state.yamlio import load_snapshot_text

SNAP = """
snapshot: 1
release: "{release}"
tables:
  units:
    columns:
      id: {{type: Integer, primary_key: true}}
      symbol: {{type: String(16), nullable: false}}
    unique: {{uq_units_symbol: [symbol]}}
    rows:
      mode: {mode}
      key: [symbol]
      values: [{rows}]
  readings:
    columns:
      id: {{type: Integer, primary_key: true}}
      unit_id: {{type: Integer}}
    foreign_keys:
      fk_readings_unit_id_units:
        columns: [unit_id]
        references: {{table: units, columns: [id]}}
"""


def _snap(release: str, mode: str, *symbols: str):
    rows = ", ".join(f"{{symbol: {s}}}" for s in symbols)
    return load_snapshot_text(SNAP.format(release=release, mode=mode, rows=rows), "s.yaml")


def test_seed_rows_of_a_referenced_table_are_neither_linted_nor_gated_as_deletes():
    old, new = _snap("1", "seed", "kWh", "MWh"), _snap("2", "seed", "kWh", "GJ")
    plan = make_plan(old, new)
    codes = {f.code for f in lint(plan)}
    assert not codes & {"R009", "R014", "R015"}, codes
    assert gated_downgrade_deletes(plan) == []
    assert plan_revision(old, new, from_release="1", to_release="2").destructive == ()


def test_sync_is_danger_and_gated_both_ways():
    managed, sync = _snap("1", "managed", "kWh"), _snap("2", "sync", "kWh", "GJ")
    up = plan_revision(managed, sync, from_release="1", to_release="2")
    assert [f.code for f in lint(up.up) if f.severity.value == "danger"] == ["R022"]
    assert any("(sync)" in d for d in up.destructive)
    # back to a sync release: the downgrade prunes too, and is gated as such
    down = plan_revision(sync, managed, from_release="2", to_release="3")
    assert any(d.startswith("downgrade: Delete the rows of units") for d in down.destructive)
    assert "R022" in {f.code for f in lint(make_downgrade_plan(sync, managed))}
