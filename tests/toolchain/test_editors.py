"""Editors: ``init`` writes the JSON Schema; the schema knows every key and the type names;
dbplan and the schema agree on booleans (YAML 1.1's yes/no/on/off are refused by both)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml_rs

from planner.state import yamlio
from planner.state.errors import DbplanError
from planner.state.typespec import known_type_names
from planner.state.yamlio import load_snapshot, schema_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(schema_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def yaml12(text: str):
    """The document as an editor's YAML 1.2 parser reads it."""
    return yaml_rs.loads(text, parse_datetime=False)


def repo_snapshots() -> list[Path]:
    files = subprocess.run(
        ["git", "ls-files", "*.yaml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    out = []
    for f in files:
        text = (ROOT / f).read_text(encoding="utf-8", errors="replace")
        if re.search(r"^snapshot: ", text, re.M):
            out.append(ROOT / f)
    return out


SNAPSHOTS = repo_snapshots()


def test_init_writes_the_schema_beside_the_snapshots(tmp_path, scratch):
    from tests.toolchain.conftest import Scratch

    (tmp_path / "new").mkdir()
    r = Scratch(tmp_path / "new").run("init", check_rc=0)
    assert "wrote schema_state/snapshot.schema.json" in r.stdout
    written = tmp_path / "new" / "schema_state" / "snapshot.schema.json"
    assert written.read_text(encoding="utf-8") == schema_text()


def test_corpus_is_the_repositorys_snapshots():
    assert len(SNAPSHOTS) > 100  # schema_state/, tests/cases (good and bad), fixtures


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_snapshot_dbplan_accepts_the_schema_accepts(path):
    try:
        load_snapshot(path, expected_release=False)
    except DbplanError:
        pytest.skip("dbplan refuses this file (a bad-input case)")
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATOR.iter_errors(yaml12(path.read_text(encoding="utf-8")))
    ]
    assert errors == []


def _keys(defn: dict) -> set[str]:
    return set(defn["properties"])


def test_schema_knows_every_key_dbplan_knows():
    defs = SCHEMA["$defs"]
    assert _keys(SCHEMA) == set(yamlio.TOP_KEYS)
    assert _keys(defs["table"]) == set(yamlio.TABLE_KEYS)
    assert _keys(defs["column"]) == set(yamlio.COLUMN_KEYS)
    assert _keys(defs["index"]) == set(yamlio.INDEX_KEYS)
    assert _keys(defs["foreign_key"]) == set(yamlio.FK_KEYS)


def test_schema_completes_type_names():
    spec = SCHEMA["$defs"]["column"]["properties"]["type"]
    assert set(known_type_names()) <= set(spec["examples"])
    pattern = re.compile(spec["pattern"])
    for example in spec["examples"]:
        assert pattern.match(example), example
    for wrong in ("Integr", "VARCHAR(80)", "string(80)", ""):
        assert not pattern.match(wrong), wrong


BOOLS = """\
snapshot: 1
release: 1.0.0
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      c: {type: Boolean, nullable: WORD}
"""


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "No", "OFF"])
def test_yaml11_booleans_are_refused_by_dbplan_and_the_schema(word, scratch):
    text = BOOLS.replace("WORD", word)
    assert list(VALIDATOR.iter_errors(yaml12(text)))  # YAML 1.2: a string, not a boolean
    (scratch.root / "schema_state" / "1.0.0.yaml").write_text(text)
    r = scratch.run("check", check_rc=1)
    assert (
        f"schema_state/1.0.0.yaml:7:36: tables.t.columns.c.nullable: '{word}' is a boolean"
        in r.stderr
    )
    assert "write " in r.stderr and f"quote it ('{word}')" in r.stderr


@pytest.mark.parametrize("word", ["true", "false", "True", "FALSE"])
def test_yaml12_booleans_are_accepted_by_both(word, tmp_path):
    text = BOOLS.replace("WORD", word)
    assert list(VALIDATOR.iter_errors(yaml12(text))) == []
    path = tmp_path / "1.0.0.yaml"
    path.write_text(text)
    load_snapshot(path)
