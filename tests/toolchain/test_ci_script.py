"""scripts/dbplan-ci, the documented merge gate, run on a scratch project with the real dbplan."""

from __future__ import annotations

import json
from pathlib import Path

from tests.toolchain.conftest import DBPLAN

SCRIPT = str(Path(__file__).resolve().parents[2] / "scripts" / "dbplan-ci")


def ci(scratch, *args, rc: int, **env):
    return scratch.run(*args, cmd=SCRIPT, env={"DBPLAN": DBPLAN, **env}, check_rc=rc)


def status(scratch) -> dict[str, int]:
    lines = (scratch.root / "dbplan-ci" / "status.txt").read_text().splitlines()
    return {name: int(rc) for name, rc in (line.split() for line in lines)}


def test_clean_project_passes_and_writes_both_plans(scratch, tmp_path):
    summary = tmp_path / "summary.md"
    r = ci(scratch, "empty", "1.0.0", rc=0, GITHUB_STEP_SUMMARY=str(summary))
    assert "dbplan-ci: ok" in r.stderr
    assert status(scratch) == {"check": 0, "plan-markdown": 0, "plan-json": 0, "verify": 0}
    out = scratch.root / "dbplan-ci"
    plan = json.loads((out / "plan.json").read_text())
    assert plan["to"] == "1.0.0" or "1.0.0" in json.dumps(plan)
    md = (out / "plan.md").read_text()
    assert "units" in md and summary.read_text() == md


def test_a_model_changed_without_its_snapshot_gates_the_merge(scratch):
    pp = scratch.root / "pyproject.toml"
    pp.write_text(pp.read_text() + 'models = "app.models:metadata"\nrows = "app.models:ROWS"\n')
    scratch.write_models(extra='\n    sa.Column("symbol", sa.String(8), nullable=True),')
    r = ci(scratch, "empty", "1.0.0", rc=3)
    assert "symbol" in r.stderr
    # the later steps still ran: one CI run shows every problem
    assert status(scratch) == {"check": 3, "plan-markdown": 0, "plan-json": 0, "verify": 0}


def test_a_snapshot_the_chain_does_not_reproduce_fails_check_and_verify(scratch):
    path = scratch.root / "schema_state" / "1.0.0.yaml"
    path.write_text(
        path.read_text().replace(
            "      name: {type: String(80), nullable: false}\n",
            "      name: {type: String(80), nullable: false}\n      symbol: {type: String(8)}\n",
        )
    )
    r = ci(scratch, rc=3)
    got = status(scratch)
    assert got["check"] == 3 and got["verify"] == 3, got
    assert "failed with exit code 3" in r.stderr


def test_unknown_release_is_the_plans_exit_code(scratch):
    ci(scratch, "empty", "9.9.9", rc=2)
    assert status(scratch)["plan-json"] == 2


def test_usage_errors(scratch):
    r = ci(scratch, "only-one", rc=2)
    assert "give both FROM and TO" in r.stderr
    r = ci(scratch, "--help", rc=0)
    assert "merge gate" in r.stdout
