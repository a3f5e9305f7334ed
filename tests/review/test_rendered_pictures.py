"""The Mermaid picture of the reference project's biggest plan (``graph empty 0.1.0``) as
a reviewer sees it: rendered by mermaid-cli in a real headless browser (Debian's
Chromium), then measured on the SVG the browser laid out — every operation drawn once,
inside its table's box, no two boxes overlapping, the legend present, a bounded size.

``scripts/picture-tools.sh`` installs the tools (CI runs it); without them the test is
skipped outside CI and fails in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


def mmdc() -> str | None:
    local = ROOT / ".tools" / "mermaid" / "node_modules" / ".bin" / "mmdc"
    if local.is_file():
        return str(local)
    return os.environ.get("DBPLAN_MMDC") or shutil.which("mmdc")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_browser = pytest.mark.skipif(
    (mmdc() is None or chromium() is None) and not os.environ.get("CI"),
    reason="mermaid-cli or Chromium is missing (bash scripts/picture-tools.sh installs them)",
)


def render(mermaid: str, tmp_path: Path) -> ET.Element:
    """``mermaid`` laid out by mermaid-cli in headless Chromium, as an SVG tree."""
    assert mmdc() and chromium(), "run bash scripts/picture-tools.sh (CI does)"
    src, out, cfg = tmp_path / "plan.mmd", tmp_path / "plan.svg", tmp_path / "puppeteer.json"
    src.write_text(mermaid, encoding="utf-8")
    cfg.write_text(json.dumps({"executablePath": chromium(), "args": ["--no-sandbox"]}))
    proc = subprocess.run(
        [mmdc(), "-q", "-p", str(cfg), "-i", str(src), "-o", str(out), "-b", "white"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    return ET.parse(out).getroot()


_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")


def _offset(el: ET.Element) -> tuple[float, float]:
    m = _TRANSLATE.search(el.get("transform", ""))
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def boxes(root: ET.Element) -> tuple[dict[str, Box], dict[str, Box]]:
    """(node id -> box, cluster id -> box) in the SVG's own coordinates, each element's
    ancestors' translations added."""
    nodes: dict[str, Box] = {}
    clusters: dict[str, Box] = {}

    def walk(el: ET.Element, dx: float, dy: float) -> None:
        ox, oy = _offset(el)
        dx, dy = dx + ox, dy + oy
        cls = el.get("class", "").split()
        if el.tag == f"{SVG}g" and ("node" in cls or "cluster" in cls):
            rect = next((r for r in el if r.tag == f"{SVG}rect"), None)
            if rect is not None and rect.get("width"):
                x, y = float(rect.get("x", 0)), float(rect.get("y", 0))
                w, h = float(rect.get("width")), float(rect.get("height"))
                box = (dx + x, dy + y, dx + x + w, dy + y + h)
                (nodes if "node" in cls else clusters)[el.get("id", "")] = box
        for child in el:
            walk(child, dx, dy)

    walk(root, 0.0, 0.0)
    return nodes, clusters


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def inside(a: Box, b: Box) -> bool:
    return a[0] >= b[0] - 0.5 and a[1] >= b[1] - 0.5 and a[2] <= b[2] + 0.5 and a[3] <= b[3] + 0.5


def cli_out(*args: str) -> str:
    r = CliRunner().invoke(cli, ["-C", str(ROOT), *args])
    assert r.exit_code == 0, r.output
    return r.stdout


@needs_browser
def test_mermaid_picture_of_the_biggest_plan_in_a_headless_browser(tmp_path):
    doc = json.loads(cli_out("plan", "empty", "0.1.0", "--format", "json"))
    ops = doc["operations"]
    text = cli_out("graph", "empty", "0.1.0", "--format", "mermaid")
    # the subgraph of each table, from the text: op n -> cluster id
    cluster_of: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"\s*subgraph (t\d+)\[", line)
        if m:
            current = m.group(1)
        elif line.strip() == "end":
            current = None
        else:
            n = re.match(r"\s*(op\d+)\[", line)
            if n and current:
                cluster_of[n.group(1)] = current
    root = render(text, tmp_path)
    nodes, clusters = boxes(root)

    def short(node_id: str) -> str:  # my-svg-flowchart-op3-0 -> op3
        m = re.search(r"flowchart-(.+)-\d+$", node_id)
        return m.group(1) if m else node_id

    drawn = {short(k): v for k, v in nodes.items()}
    ops_drawn = {k for k in drawn if re.fullmatch(r"op\d+", k)}
    # every operation drawn, once
    assert ops_drawn == {f"op{i}" for i in range(1, len(ops) + 1)}, sorted(ops_drawn)
    # the legend: one swatch per risk level
    assert {k for k in drawn if k.startswith("legend_")} >= {"legend_safe", "legend_destructive"}
    # no two boxes overlap
    items = sorted(drawn.items())
    crowded = [
        (a, b) for i, (a, ba) in enumerate(items) for b, bb in items[i + 1 :] if overlap(ba, bb)
    ]
    assert crowded == []
    # each operation inside its table's box, and tables' boxes apart
    by_cluster = {short_c.rsplit("-", 1)[-1]: box for short_c, box in clusters.items()}
    assert set(cluster_of.values()) <= set(by_cluster), (set(cluster_of.values()), by_cluster)
    for op, c in cluster_of.items():
        assert inside(drawn[op], by_cluster[c]), (op, c)
    tables = sorted((k, v) for k, v in by_cluster.items() if k.startswith("t"))
    assert [
        (a, b) for i, (a, ba) in enumerate(tables) for b, bb in tables[i + 1 :] if overlap(ba, bb)
    ] == []
    # a bounded picture: the browser's canvas (viewBox) holds every box
    vb = [float(v) for v in root.get("viewBox", "0 0 0 0").split()]
    width, height = vb[2], vb[3]
    assert all(b[2] <= vb[0] + width + 1 and b[3] <= vb[1] + height + 1 for b in drawn.values())
    assert width * height <= 12_000_000, (width, height)
