"""The review pictures of the reference project's biggest plan (``graph empty 0.1.0``):
laid out by Graphviz itself (CI installs it), and the Mermaid text checked line by line.

Mermaid rendered in a headless browser is measured in test_rendered_pictures.py;
the checks here read the text and Graphviz's own layout.
"""

from __future__ import annotations

import colorsys
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.review import EDGE_LABEL_LIMIT, RISK_COLORS, RISK_ORDER, RISK_STROKES

ROOT = Path(__file__).resolve().parents[2]
BIG = ("empty", "0.1.0")


def graph(*args: str) -> str:
    r = CliRunner().invoke(cli, ["-C", str(ROOT), "graph", *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def plan_doc(*pair: str) -> dict:
    r = CliRunner().invoke(cli, ["-C", str(ROOT), "plan", *pair, "--format", "json"])
    return json.loads(r.stdout)


def tables_of(doc: dict) -> set[str]:
    return {o["table"] for o in doc["operations"] if o["table"]}


needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not __import__("os").environ.get("CI"),
    reason="Graphviz dot is not installed (CI installs it)",
)


def plain_layout(
    dot_text: str,
) -> tuple[tuple[float, float], dict[str, float], list[tuple[str, str]]]:
    """Graphviz's own layout: (width, height) in inches, node -> y, visible edges."""
    proc = subprocess.run(["dot", "-Tplain"], input=dot_text, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    size, ys, edges = (0.0, 0.0), {}, []
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts[0] == "graph":
            size = (float(parts[2]), float(parts[3]))
        elif parts[0] == "node":
            ys[parts[1]] = float(parts[3])
        elif parts[0] == "edge" and "invis" not in parts:
            edges.append((parts[1], parts[2]))
    return size, ys, edges


@needs_dot
def test_graphviz_picture_of_the_biggest_plan():
    doc = plan_doc(*BIG)
    n = len(doc["operations"])
    assert n > EDGE_LABEL_LIMIT
    dot = graph(*BIG)
    # one cluster per table, plus the legend
    clusters = re.findall(r'^  subgraph cluster_(\w+) \{\n    label="([^"]*)"', dot, re.M)
    tables = sorted(label.removeprefix("table ") for name, label in clusters if name != "legend")
    assert tables == sorted(tables_of(doc))
    assert ("legend", "Legend") in clusters
    for risk in RISK_ORDER:
        assert f'legend_{risk.replace("-", "_")} [label="{risk}"' in dot
    (width, height), ys, edges = plain_layout(dot)
    # a readable size: the LR layout with labelled edges was 1605x4763 px of Mermaid and
    # two crossing columns of DOT; now about 39 x 9 inches at 31 operations
    assert width <= 1.6 * n and height <= 14, (width, height)
    # top-down: every dependency points down the page (its target is drawn lower)
    assert len(edges) == len(doc["edges"])
    assert all(ys[a] > ys[b] for a, b in edges), [(a, b) for a, b in edges if ys[a] <= ys[b]]
    # no edge labels at this size: the reasons are tooltips
    assert "label=" not in "".join(re.findall(r"^  op\d+ -> op\d+ \[.*$", dot, re.M))


@needs_dot
def test_graphviz_shows_findings_on_their_nodes():
    doc = plan_doc("0.4.0", "0.5.0")
    dot = graph("0.4.0", "0.5.0")
    assert doc["findings"]
    for f in doc["findings"]:
        (line,) = [ln for ln in dot.splitlines() if ln.startswith(f"  op{f['operation']} [label=")]
        assert f["code"] in line and "penwidth=3" in line
        if f["severity"] == "danger":
            assert "peripheries=2" in line and "DANGER" in line
    assert "legend_finding [" in dot
    plain_layout(dot)  # Graphviz accepts it


def test_mermaid_text_of_the_biggest_plan():
    doc = plan_doc(*BIG)
    m = graph(*BIG, "--format", "mermaid")
    lines = m.splitlines()
    assert lines[0] == "flowchart TB"
    subgraphs = re.findall(r'^  subgraph t\d+\["table ([^"]*)"\]$', m, re.M)
    assert sorted(subgraphs) == sorted(tables_of(doc))
    assert '  subgraph legend["Legend"]' in lines
    # a node sits in the subgraph of its table
    current = None
    table_of = {o["id"]: o["table"] for o in doc["operations"]}
    for line in lines:
        if s := re.match(r'^  subgraph t\d+\["table ([^"]*)"\]$', line):
            current = s.group(1)
        elif line == "  end":
            current = None
        elif node := re.match(r"^ +op(\d+)\[", line):
            assert table_of[int(node.group(1))] == current, line
    # no edge labels above the limit, and every edge is drawn
    edges = [ln for ln in lines if re.match(r"^  op\d+ -->", ln)]
    assert len(edges) == len(doc["edges"]) and not any("|" in e for e in edges)


def _hue(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def test_picture_colours_match_the_markdown_badges():
    # safe (green), ⚠️ locks (yellow), 🛑 destructive (red), 🔶 data-dependent (orange)
    hues = {
        "safe": (90, 150),
        "locks": (40, 60),
        "destructive": (0, 15),
        "data-dependent": (20, 40),
    }
    for risk, (lo, hi) in hues.items():
        for colours in (RISK_COLORS, RISK_STROKES):
            assert lo <= _hue(colours[risk]) <= hi, (risk, colours[risk])
    m = graph("0.4.0", "0.5.0", "--format", "mermaid")
    for risk in RISK_ORDER:
        cls = risk.replace("-", "_")
        assert f"  classDef {cls} fill:{RISK_COLORS[risk]},stroke:{RISK_STROKES[risk]}," in m
    md = CliRunner().invoke(
        cli, ["-C", str(ROOT), "plan", "0.4.0", "0.5.0", "--format", "markdown"]
    )
    assert "🔶 data-dependent" in md.stdout and "🛑 danger" in md.stdout
    assert "— 🛑 R008 (danger)" in md.stdout  # the finding on its node in the Mermaid block
