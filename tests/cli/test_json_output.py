"""``--format json`` of check, verify, drift, generate, history (and plan, graph): every
document validated against the JSON Schema the package ships, on a copy of the
reference project and real databases."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.review.reports import SCHEMAS, SnapshotLocator, load_schema, schema_path

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.xdist_group("scratch_databases")


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(project), *args], env={"SQLALCHEMY_DATABASE_URI": ""})


def document(result, name: str) -> dict:
    """The JSON document on stdout, validated against the shipped schema ``name``."""
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, load_schema(name), cls=jsonschema.Draft202012Validator)
    assert doc["schema"] == f"dbplan.{name}/1"
    return doc


@pytest.fixture
def project(tmp_path) -> Path:
    dest = tmp_path / "proj"
    dest.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(ROOT / "schema_state", dest / "schema_state")
    shutil.copytree(
        ROOT / "migrations", dest / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    return dest


def _line_of(path: Path, pattern: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    (hit,) = [i + 1 for i, line in enumerate(lines) if re.search(pattern, line)]
    return hit


def test_schemas_are_valid_and_shipped_as_package_data():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "schemas/*.json" in data["tool"]["setuptools"]["package-data"]["planner"]
    for name in SCHEMAS:
        assert schema_path(name).is_file()
        schema = load_schema(name)
        jsonschema.Draft202012Validator.check_schema(schema)
        # stable keys: every key is required, no other key allowed
        assert schema["additionalProperties"] is False
        assert sorted(schema["required"]) == sorted(schema["properties"])


def test_check_json_ok_problem_and_finding(project):
    doc = document(run(project, "check", "--format", "json"), "check")
    assert doc["ok"] is True and doc["snapshots"][-1] == "0.5.0"

    # a changed snapshot: its revision is out of sync (exit 3, a finding naming the file)
    snap = project / "schema_state" / "0.5.0.yaml"
    snap.write_text(
        snap.read_text().replace(
            "      name: {type: String(80), nullable: false}\n      description: {type: Text}\n",
            "      name: {type: String(90), nullable: false}\n      description: {type: Text}\n",
            1,
        )
    )
    r = run(project, "check", "--format", "json")
    assert r.exit_code == 3, r.output
    doc = document(r, "check")
    assert not doc["ok"] and doc["findings"]
    assert all(
        f["file"] and f["file"].startswith(("migrations/", "schema_state/"))
        for f in doc["findings"]
    )

    # an invalid snapshot: exit 1, the problem with file:line:column
    snap.write_text(snap.read_text().replace("type: String(90)", "type: Strng(90)", 1))
    r = run(project, "check", "--format", "json")
    assert r.exit_code == 1, r.output
    doc = document(r, "check")
    (p,) = doc["problems"]
    assert p["file"] == "schema_state/0.5.0.yaml"
    assert p["line"] == _line_of(snap, r"Strng\(90\)")
    assert p["path"].endswith(".type") and "Strng" in p["message"]


def test_verify_json_differences_carry_the_snapshot_line(project, sqlite_db):
    (rev,) = (project / "migrations" / "versions").glob("*_0_3_0.py")
    text = rev.read_text()
    old = "        batch_op.add_column(sa.Column('commissioned_on', sa.Date(), nullable=True))\n"
    assert text.count(old) == 1
    rev.write_text(text.replace(old, "        pass\n"))
    r = run(project, "verify", "--format", "json")
    assert r.exit_code == 3, r.output
    doc = document(r, "verify")
    assert doc["ok"] is False and doc["summary"]["differences"] >= 1
    step = next(s for s in doc["steps"] if s["release"] == "0.3.0" and s["direction"] == "upgrade")
    (d,) = [d for d in step["differences"] if d["object"] == "buildings.commissioned_on"]
    assert d["message"] == "buildings.commissioned_on: column missing (snapshot: Date)"
    snap = project / "schema_state" / "0.3.0.yaml"
    assert d["source"] == {
        "file": "schema_state/0.3.0.yaml",
        "line": _line_of(snap, r"^\s+commissioned_on:"),
        "column": 7,
    }


def test_verify_json_ok(project):
    r = run(project, "verify", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = document(r, "verify")
    assert doc["ok"] and doc["summary"]["upgrades"] == doc["summary"]["downgrades"] > 0
    assert all(s["ok"] and not s["differences"] for s in doc["steps"])


def test_drift_json_sqlite_row_change(project, sqlite_db):
    assert run(project, "setup", "--url", sqlite_db).exit_code == 0
    doc = document(run(project, "drift", "--url", sqlite_db, "--format", "json"), "drift")
    assert doc["ok"] and doc["differences"] == [] and doc["release"] == "0.5.0"
    eng = sa.create_engine(sqlite_db)
    with eng.begin() as c:
        c.execute(sa.text("UPDATE units SET name = 'changed' WHERE id = 1"))
    eng.dispose()
    r = run(project, "drift", "--url", sqlite_db, "--format", "json")
    assert r.exit_code == 3, r.output
    doc = document(r, "drift")
    (d,) = doc["differences"]
    assert d["object"] == "units" and "'changed'" in d["message"]
    snap = project / "schema_state" / "0.5.0.yaml"
    assert d["source"]["file"] == "schema_state/0.5.0.yaml"
    lines = snap.read_text().splitlines()
    assert lines[d["source"]["line"] - 1].strip() == "rows:"


@pytest.mark.pg
def test_drift_json_pg_column_line(project, pg_db):
    assert run(project, "setup", "--url", pg_db).exit_code == 0
    eng = sa.create_engine(pg_db)
    with eng.begin() as c:
        c.execute(sa.text("ALTER TABLE sites ALTER COLUMN name TYPE VARCHAR(200)"))
    eng.dispose()
    r = run(project, "drift", "--url", pg_db, "--format", "json")
    assert r.exit_code == 3, r.output
    doc = document(r, "drift")
    (d,) = doc["differences"]
    assert d["object"] == "sites.name"
    snap = project / "schema_state" / "0.5.0.yaml"
    lines = snap.read_text().splitlines()
    assert lines[d["source"]["line"] - 1].strip().startswith("name: {type: String(80)")
    from planner.runtime import redact

    assert doc["url"] == redact(pg_db)


def test_generate_json_written_and_refused(project):
    snap = project / "schema_state" / "0.6.0.yaml"
    text = (project / "schema_state" / "0.5.0.yaml").read_text()
    text = text.replace("release: 0.5.0", "release: 0.6.0").replace(
        'release: "0.5.0"', 'release: "0.6.0"'
    )
    assert "0.6.0" in text
    added = text.replace(
        "      description: {type: Text}\n",
        "      description: {type: Text}\n      note: {type: Text}\n",
        1,
    )
    snap.write_text(added)
    r = run(project, "generate", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = document(r, "generate")
    assert doc["written"] and doc["from"] == "0.5.0" and doc["to"] == "0.6.0"
    assert doc["operations"] == 1 and doc["path"].startswith("migrations/versions/")
    assert (project / doc["path"]).is_file()

    # 0.7.0 drops that column again: refused by the safety gate, exit 4, nothing written
    (project / "schema_state" / "0.7.0.yaml").write_text(
        text.replace("release: 0.6.0", "release: 0.7.0").replace(
            'release: "0.6.0"', 'release: "0.7.0"'
        )
    )
    r = run(project, "generate", "--format", "json")
    assert r.exit_code == 4, r.output
    doc = document(r, "generate")
    assert doc["written"] is False and "note" in doc["refused"]


def test_history_json_marks_current(project, sqlite_db):
    assert run(project, "upgrade", "-r", "0.2.0", "--url", sqlite_db).exit_code == 0
    doc = document(run(project, "history", "--format", "json", "--url", sqlite_db), "history")
    revs = doc["revisions"]
    assert [r["release"] for r in revs] == ["0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0"]
    assert [r["current"] for r in revs] == [False, True, False, False, False]
    assert [r["head"] for r in revs] == [False] * 4 + [True]
    assert revs[0]["down_revisions"] == [] and revs[1]["down_revisions"] == [revs[0]["revision"]]


@pytest.mark.parametrize("pair", [("empty", "0.1.0"), ("0.4.0", "0.5.0"), ("0.5.0", "0.4.0")])
def test_plan_and_graph_json_match_their_schemas(pair):
    document(run(ROOT, "plan", *pair, "--format", "json"), "plan")
    document(run(ROOT, "graph", *pair, "--format", "json"), "graph")


def test_locator_names_constraints_enums_and_unknown_objects():
    text = (ROOT / "schema_state" / "0.5.0.yaml").read_text()
    loc = SnapshotLocator.from_text(text, "s.yaml")
    lines = text.splitlines()

    def at(line: str) -> str:
        where = loc.locate(line)
        assert where is not None, line
        return lines[where["line"] - 1].strip()

    assert at("buildings: foreign key fk_buildings_site_id_sites missing").startswith(
        "fk_buildings_site_id_sites:"
    )
    assert at("buildings: unique uq_buildings_site_id_name missing").startswith(
        "uq_buildings_site_id_name:"
    )
    assert at("sites: table missing") == "sites:"
    assert loc.locate("nowhere.x: column missing (snapshot: Text)") is None
    assert loc.locate("a line without an object") is None
