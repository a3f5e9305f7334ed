"""``dbplan plan`` and ``dbplan graph`` on the reference project and on small projects.

Goldens: ``tests/golden/reference/<from>__<to>.txt`` is ``dbplan plan FROM TO`` (text, no
colour) for each consecutive pair of reference releases; ``DBPLAN_UPDATE_GOLDEN=1``
rewrites them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.project import load_project

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "reference"
CASES = ROOT / "tests" / "cases"
UPDATE = os.environ.get("DBPLAN_UPDATE_GOLDEN") == "1"


def reference_releases() -> list[str]:
    return load_project(ROOT).releases()


def consecutive_pairs() -> list[tuple[str, str]]:
    rels = ["empty", *reference_releases()]
    return list(zip(rels, rels[1:], strict=False))


def run(*args: str, env: dict | None = None, project: Path = ROOT):
    runner = CliRunner()
    return runner.invoke(cli, ["-C", str(project), *args], env=env, catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with two releases: the before/after of the create_related_tables case."""
    (tmp_path / "pyproject.toml").write_text('[tool.dbplan]\nsnapshots = "schema_state"\n')
    state = tmp_path / "schema_state"
    state.mkdir()
    for src, rel in (("before.yaml", "1.0.0"), ("after.yaml", "2.0.0")):
        text = (CASES / "create_related_tables" / src).read_text()
        (state / f"{rel}.yaml").write_text(text)
    return tmp_path


# reference goldens -------------------------------------------------------------


@pytest.mark.parametrize("pair", consecutive_pairs(), ids=lambda p: f"{p[0]}__{p[1]}")
def test_reference_plan_matches_golden(pair):
    frm, to = pair
    result = run("plan", frm, to, "--no-color")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{frm}__{to}.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.output, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with DBPLAN_UPDATE_GOLDEN=1"
    assert result.output == golden.read_text(encoding="utf-8")
    assert "\x1b[" not in result.output


def test_reference_has_several_releases():
    assert len(reference_releases()) >= 2


# defaults and errors -----------------------------------------------------------


def test_defaults_to_two_newest_releases(project: Path):
    result = run("plan", "--no-color", project=project)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Plan 1.0.0 -> 2.0.0\n")
    assert re.search(r"^\d+ operations: ", result.output.splitlines()[-1])


def test_single_release_plans_from_empty(project: Path):
    (project / "schema_state" / "1.0.0.yaml").unlink()
    result = run("plan", "--no-color", project=project)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Plan empty -> 2.0.0\n")
    assert "Create table campaigns" in result.output


def test_from_only_plans_to_newest(project: Path):
    result = run("plan", "empty", "--no-color", project=project)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Plan empty -> 2.0.0\n")


def test_from_later_than_to_shows_the_downgrade():
    rels = reference_releases()
    result = run("plan", rels[1], rels[0], "--no-color")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Plan {rels[1]} -> {rels[0]}\n")
    up = run("plan", rels[0], rels[1], "--no-color").output
    # the rename hints of the newer release are read backwards: renames, not drop + create
    assert "Rename table data_states to timeseries_data_states" in up
    assert "Rename table timeseries_data_states to data_states" in result.output
    assert "Drop table timeseries_data_states" not in result.output
    assert "Create table data_states" not in result.output


def test_unknown_release_is_a_usage_error_listing_known_ones(project: Path):
    result = run("plan", "9.9.9", project=project)
    assert result.exit_code == 2
    assert "unknown release '9.9.9'" in result.output
    assert "empty, 1.0.0, 2.0.0" in result.output


def test_no_snapshots_is_an_error(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.dbplan]\n")
    result = run("plan", project=tmp_path)
    assert result.exit_code == 1
    assert "no snapshots found" in result.output


def test_check_exits_3_when_not_empty_and_0_when_empty(project: Path):
    result = run("plan", "--check", "--no-color", project=project)
    assert result.exit_code == 3
    assert "(plan --check)" in result.output
    same = run("plan", "2.0.0", "2.0.0", "--check", "--no-color", project=project)
    assert same.exit_code == 0, same.output
    assert "No changes." in same.output


def test_invalid_snapshot_exits_1_naming_the_file(project: Path):
    (project / "schema_state" / "2.0.0.yaml").write_text(
        'snapshot: 1\nrelease: "2.0.0"\ntables: [\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(project), "plan"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "2.0.0.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr


# formats -----------------------------------------------------------------------


def test_json_format_follows_documented_schema(project: Path):
    result = run("plan", "--format", "json", project=project)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["schema"] == "dbplan.plan/1"
    assert (doc["from"], doc["to"]) == ("1.0.0", "2.0.0")
    ops = doc["operations"]
    assert [o["id"] for o in ops] == list(range(1, len(ops) + 1))
    assert doc["summary"]["operations"] == len(ops)
    assert sum(
        doc["summary"][r] for r in ("safe", "locks", "destructive", "data-dependent")
    ) == len(ops)
    ids = {o["id"] for o in ops}
    for e in doc["edges"]:
        assert e["from"] in ids and e["to"] in ids and e["from"] < e["to"] and e["reason"]
    for o in ops:
        for d in o["depends_on"]:
            assert {"from": d["id"], "to": o["id"], "reason": d["reason"]} in doc["edges"]
    # a foreign key to campaigns: its own op, or folded into its new table's create_table
    fk = next(
        o
        for o in ops
        if o["kind"] in ("add_foreign_key", "create_table") and "-> campaigns" in o["description"]
    )
    creates = {
        o["id"] for o in ops if o["kind"] == "create_table" and "campaigns" in o["description"]
    }
    assert creates & {d["id"] for d in fk["depends_on"]}


def test_markdown_format_has_table_and_mermaid(project: Path):
    result = run("plan", "--format", "markdown", project=project)
    assert result.exit_code == 0, result.output
    assert "| # | | Operation | Risk |" in result.output
    assert "```mermaid\nflowchart TB\n" in result.output


def test_colour_only_when_asked_or_on_terminal(project: Path):
    coloured = run("plan", "--color", project=project)
    assert "\x1b[" in coloured.output
    piped = run("plan", project=project)  # CliRunner output is not a terminal
    assert "\x1b[" not in piped.output
    no_color = run("plan", project=project, env={"NO_COLOR": "1"})
    assert "\x1b[" not in no_color.output


def test_colour_on_a_pseudo_terminal_unless_no_color(project: Path):
    import pty

    def read_tty(env_extra: dict) -> bytes:
        master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        env.update(env_extra)
        proc = subprocess.Popen(
            [sys.executable, "-m", "planner", "-C", str(project), "plan"],
            stdout=slave,
            stderr=subprocess.PIPE,
            env=env,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
        os.close(master)
        return b"".join(chunks)

    assert b"\x1b[" in read_tty({})
    assert b"\x1b[" not in read_tty({"NO_COLOR": "1"})


MERMAID_NODE = re.compile(r'^ {2,4}((?:op|legend_)\w+)\["([^"]*)"\](?::::(\w+))?$')
MERMAID_EDGE = re.compile(r'^  (op\d+) -->(?:\|"([^"]*)"\|)? (op\d+)$')
MERMAID_SUBGRAPH = re.compile(r'^  subgraph (t\d+|legend)\["([^"]*)"\]$')
MERMAID_OTHER = re.compile(
    r"^(    direction (TB|LR)|  end|  class [\w,]+ finding_\w+|  classDef finding_\w+ [\w:;, -]+)$"
)
MERMAID_CLASS = re.compile(
    r"^  classDef (\w+) fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#000000$"
)


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], set[str]]:
    """Parse our Mermaid subset strictly; fail on any line that does not fit."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    classes: set[str] = set()
    used_classes: set[str] = set()
    for line in lines[1:]:
        if m := MERMAID_NODE.match(line):
            if m.group(1).startswith("legend_"):
                continue
            assert m.group(1) not in nodes, f"duplicate node {m.group(1)}"
            nodes[m.group(1)] = m.group(2)
            used_classes.add(m.group(3))
        elif m := MERMAID_EDGE.match(line):
            edges.append((m.group(1), m.group(3), m.group(2) or ""))
        elif MERMAID_SUBGRAPH.match(line) or MERMAID_OTHER.match(line):
            continue
        elif m := MERMAID_CLASS.match(line):
            classes.add(m.group(1))
        elif line == '  empty["No changes"]':
            nodes["empty"] = "No changes"
        else:
            raise AssertionError(f"not a Mermaid line of ours: {line!r}")
    for src, dst, _label in edges:
        assert src in nodes and dst in nodes, f"edge {src}->{dst} names an unknown node"
    for label in [*nodes.values(), *(e[2] for e in edges)]:
        assert not set(label) & set('"<>|`[]{}'), f"unescaped label {label!r}"
    assert used_classes <= classes
    return nodes, edges, classes


@pytest.mark.parametrize("pair", consecutive_pairs(), ids=lambda p: f"{p[0]}__{p[1]}")
def test_graph_mermaid_is_valid(pair):
    result = run("graph", *pair, "--format", "mermaid")
    assert result.exit_code == 0, result.output
    nodes, edges, _ = parse_mermaid(result.output)
    plan_json = json.loads(run("plan", *pair, "--format", "json").output)
    assert len(nodes) == max(1, len(plan_json["operations"]))
    assert len(edges) == len(plan_json["edges"])


def test_graph_dot_and_json(project: Path):
    dot = run("graph", "--format", "dot", project=project)
    assert dot.exit_code == 0, dot.output
    assert dot.output.startswith("digraph plan {\n") and dot.output.endswith("}\n")
    doc = json.loads(run("graph", "--format", "json", project=project).output)
    assert doc["schema"] == "dbplan.graph/1"
    assert len(re.findall(r"^  op\d+ \[label=", dot.output, re.M)) == len(doc["nodes"])
    assert len(re.findall(r"^  op\d+ -> op\d+ ", dot.output, re.M)) == len(doc["edges"])


def test_graph_svg_without_graphviz_names_the_package(project: Path, tmp_path: Path):
    env = {**os.environ, "PATH": str(tmp_path / "nobin")}
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(project), "graph", "--format", "svg"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    assert "graphviz" in proc.stderr and "dot" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_graph_svg_with_graphviz(project: Path):
    result = run("graph", "--format", "svg", project=project)
    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith("<?xml") and "</svg>" in result.output
    # every reference plan's DOT is accepted by Graphviz, labels and all
    for pair in consecutive_pairs():
        svg = run("graph", *pair, "--format", "svg")
        assert svg.exit_code == 0, svg.output
        assert "<svg" in svg.output


# determinism -------------------------------------------------------------------


def _cli_bytes(args: list[str], seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(ROOT), *args],
        capture_output=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--format", "text"],
        ["plan", "--format", "json"],
        ["graph", "--format", "dot"],
    ],
    ids=["text", "json", "dot"],
)
def test_output_is_identical_across_hash_seeds(args):
    rels = ["empty", *reference_releases()]
    full = [*args[:1], rels[0], rels[-1], *args[1:]]
    a = _cli_bytes(full, "1")
    b = _cli_bytes(full, "4242")
    assert a and a == b
