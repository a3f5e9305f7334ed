"""Renderers on a hand-built plan: exact text, JSON schema, Markdown, DOT, Mermaid."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings

from planner import ops as O
from planner.lint import Finding, Severity, lint
from planner.plan import Edge, Plan, Suggestion
from planner.review import render, render_graph, summary_line
from planner.review.dot import dot_quote, render_dot
from planner.review.jsonfmt import render_graph_json, render_json
from planner.review.markdown import md_cell, md_code, render_markdown
from planner.review.mermaid import mermaid_escape, render_mermaid
from planner.review.text import render_text
from planner.state.model import Check, Column, Index, PrimaryKey, Snapshot, Table, empty_snapshot
from tests.planner.strategies import snapshot_pairs
from tests.planner.test_plan_cmd import parse_mermaid

ID = Column(name="id", type="Integer", nullable=False)
CAMPAIGNS = Table(name="campaigns", columns=(ID,), primary_key=PrimaryKey(columns=("id",)))
TITLE = Column(name="title", type="String(80)")
SITES_OLD = Table(name="sites", columns=(ID, TITLE), primary_key=PrimaryKey(columns=("id",)))


def hand_plan() -> Plan:
    """Create campaigns, add a quoted check, drop a column: four ops, two edges."""
    old = Snapshot(release="0.1.0", tables=(SITES_OLD,))
    check = Check(name="ck_sites_name", sqltext="title <> '' AND \"id\" > 0 | 1")
    ops = (
        O.CreateTable(table=CAMPAIGNS),
        O.CreateIndex(
            table_key=(None, "campaigns"),
            index=Index(name="ix_campaigns_id", columns=("id",)),
            table_is_new=True,
        ),
        O.AddCheck(table_key=(None, "sites"), check=check),
        O.DropColumn(table_key=(None, "sites"), column=TITLE),
    )
    new = old
    for op in ops:
        new = op.apply_to(new)
    new = Snapshot(release="0.2.0", tables=new.tables)
    edges = (
        Edge(src=0, dst=1, reason="ix_campaigns_id needs table campaigns"),
        Edge(src=2, dst=3, reason='ck_sites_name uses column "title" <before> the drop'),
    )
    suggestions = (Suggestion(message="column sites.title dropped", hint="add renamed_from"),)
    return Plan(old=old, new=new, ops=ops, edges=edges, suggestions=suggestions)


EXPECTED_TEXT = """\
Plan 0.1.0 -> 0.2.0
1 + Create table campaigns (id)
2 + Create index ix_campaigns_id on campaigns (id)  (after 1)
3 + Add check constraint ck_sites_name on sites (title <> '' AND "id" > 0 | 1)  [data-dependent]
4 - Drop column sites.title  [destructive]  (after 3)

Findings:
  warning R006 op 3: adding check constraint ck_sites_name on sites fails if an existing row violates title <> '' AND "id" > 0 | 1
          fix: look for violations first: SELECT * FROM sites WHERE NOT (title <> '' AND "id" > 0 | 1)
  danger  R002 op 4: dropping column sites.title deletes its data
          fix: stop using it in the application one release earlier and copy its data if needed; if it was renamed, add renamed_from to the new column

Suggestions:
  column sites.title dropped
          hint: add renamed_from

4 operations: 2 safe, 1 destructive, 1 data-dependent
"""


def test_text_exact():
    plan = hand_plan()
    assert [op.describe() for op in plan.ops][2].startswith("Add check constraint ck_sites_name")
    assert render_text(plan) == EXPECTED_TEXT


def test_text_colour_only_adds_escapes():
    plan = hand_plan()
    coloured = render_text(plan, color=True)
    assert "\x1b[31m[destructive]\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == EXPECTED_TEXT


def test_text_empty_plan():
    e = empty_snapshot()
    plan = Plan(old=e, new=e, ops=(), edges=(), suggestions=())
    assert render_text(plan) == "Plan empty -> empty\nNo changes.\n0 operations\n"


def test_summary_line_counts_and_singular():
    plan = hand_plan()
    assert summary_line(plan) == "4 operations: 2 safe, 1 destructive, 1 data-dependent"
    one = Plan(old=plan.old, new=plan.new, ops=plan.ops[:1], edges=(), suggestions=())
    assert summary_line(one) == "1 operation: 1 safe"


def test_explicit_findings_replace_lint():
    plan = hand_plan()
    mine = [Finding(code="X1", severity=Severity.INFO, op_index=0, message="m", fix="")]
    text = render_text(plan, findings=mine)
    assert "  info    X1 op 1: m\n" in text and "R002" not in text
    assert "fix:" not in text.split("Findings:")[1].split("Suggestions:")[0]


def test_json_document():
    plan = hand_plan()
    doc = json.loads(render_json(plan))
    assert list(doc) == [
        "schema",
        "from",
        "to",
        "empty",
        "summary",
        "operations",
        "edges",
        "findings",
        "suggestions",
    ]
    assert doc["summary"] == {
        "operations": 4,
        "safe": 2,
        "locks": 0,
        "destructive": 1,
        "data-dependent": 1,
        "text": "4 operations: 2 safe, 1 destructive, 1 data-dependent",
    }
    assert [o["kind"] for o in doc["operations"]] == [
        "create_table",
        "create_index",
        "add_check",
        "drop_column",
    ]
    assert doc["operations"][1]["depends_on"] == [
        {"id": 1, "reason": "ix_campaigns_id needs table campaigns"}
    ]
    assert doc["operations"][3]["table"] == "sites"
    assert doc["edges"][1] == {
        "from": 3,
        "to": 4,
        "reason": 'ck_sites_name uses column "title" <before> the drop',
    }
    assert [(f["code"], f["operation"], f["severity"]) for f in doc["findings"]] == [
        ("R006", 3, "warning"),
        ("R002", 4, "danger"),
    ]
    assert doc["suggestions"] == [
        {"message": "column sites.title dropped", "hint": "add renamed_from"}
    ]


def test_json_is_stable_across_edge_order():
    plan = hand_plan()
    shuffled = Plan(
        old=plan.old,
        new=plan.new,
        ops=plan.ops,
        edges=tuple(reversed(plan.edges)),
        suggestions=plan.suggestions,
    )
    assert render_json(plan) == render_json(shuffled)
    assert render_dot(plan) == render_dot(shuffled)
    assert render_mermaid(plan) == render_mermaid(shuffled)


def test_graph_json():
    doc = json.loads(render_graph_json(hand_plan()))
    assert doc["schema"] == "dbplan.graph/1"
    assert [n["id"] for n in doc["nodes"]] == [1, 2, 3, 4]
    assert doc["nodes"][3]["risk"] == "destructive" and doc["nodes"][3]["color"] == "#f8c9c4"
    assert doc["edges"][0] == {
        "source": 1,
        "target": 2,
        "reason": "ix_campaigns_id needs table campaigns",
    }


def test_dot_quotes_labels():
    dot = render_dot(hand_plan())
    assert dot_quote('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert (
        "op3 [label=\"3. + Add check constraint ck_sites_name on\\nsites (title <> '' AND "
        '\\"id\\" > 0 | 1)\\nWARNING: R006"' in dot
    )
    assert 'op3 -> op4 [label="ck_sites_name uses column \\"title\\" <before> the drop", ' in dot
    assert 'fillcolor="#f8c9c4"' in dot
    # every quote inside the body is escaped: the quote count per line is even
    for line in dot.splitlines():
        assert len(re.findall(r'(?<!\\)"', line)) % 2 == 0, line


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_dot_with_quotes_is_accepted_by_graphviz():
    proc = subprocess.run(
        ["dot", "-Tsvg"], input=render_dot(hand_plan()), capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "&quot;id&quot; &gt; 0 | 1" in proc.stdout


def test_mermaid_escapes_and_structure():
    m = render_mermaid(hand_plan())
    lines = m.splitlines()
    assert lines[0] == "flowchart TB"
    assert (
        "    op3[\"3. + Add check constraint ck_sites_name on sites (title #lt;#gt; '' AND "
        '#quot;id#quot; #gt; 0 #124; 1) — ⚠️ R006 (warning)"]:::data_dependent'
    ) in lines
    assert (
        '  op3 -->|"ck_sites_name uses column #quot;title#quot; #lt;before#gt; the drop"| op4'
        in lines
    )
    assert "  classDef data_dependent fill:#fde0c2,stroke:#d9730d,color:#000000" in lines
    assert "  class op4,legend_finding finding_danger" in lines
    assert mermaid_escape("a#b") == "a#35;b"


def test_markdown():
    md = render_markdown(hand_plan())
    assert md.startswith(
        "### dbplan: `0.1.0` → `0.2.0`\n\n**4 operations: 2 safe, 1 destructive, 1 data-dependent**\n"
    )
    assert (
        "| 3 | `+` | Add check constraint ck_sites_name on sites (title &lt;&gt; '' AND \"id\" &gt; 0 \\| 1) | 🔶 data-dependent |"
        in md
    )
    assert "| R002 | 🛑 danger | 4 |" in md
    assert "- column sites.title dropped — add renamed_from" in md
    block = md.split("```mermaid\n")[1].split("```")[0]
    assert block == render_mermaid(hand_plan())
    assert md_cell("a|b\nc") == "a\\|b<br>c"


def test_render_dispatch_and_unknown_formats():
    plan = hand_plan()
    assert render(plan, "text") == render_text(plan)
    assert render(plan, "json") == render_json(plan)
    assert render(plan, "markdown") == render_markdown(plan)
    assert render_graph(plan, "dot") == render_dot(plan)
    with pytest.raises(ValueError, match="unknown plan format 'xml'"):
        render(plan, "xml")
    with pytest.raises(ValueError, match="unknown graph format 'png'"):
        render_graph(plan, "png")


def test_lint_of_hand_plan():
    assert [(f.code, f.op_index) for f in lint(hand_plan())] == [("R006", 2), ("R002", 3)]


# properties over random snapshot pairs ----------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshot_pairs())
def test_every_renderer_handles_random_plans(pair):
    from planner.plan import make_plan

    old, new = pair
    plan = make_plan(old, new)
    found = lint(plan)
    assert all(0 <= f.op_index < len(plan.ops) for f in found)
    text = render_text(plan, findings=found)
    assert text.count("\n") >= len(plan.ops) + 2
    assert text.splitlines()[-1] == summary_line(plan)
    doc = json.loads(render_json(plan, findings=found))
    assert len(doc["operations"]) == len(plan.ops) and len(doc["edges"]) == len(plan.edges)
    assert sum(
        doc["summary"][r] for r in ("safe", "locks", "destructive", "data-dependent")
    ) == len(plan.ops)
    nodes, edges, _ = parse_mermaid(render_mermaid(plan))
    assert len(edges) == len(plan.edges)
    dot = render_dot(plan)
    # count edge statements, not text: a label may itself contain " -> op"
    edge_lines = re.findall(r"^  op\d+ -> op\d+ \[", dot, flags=re.M)
    assert len(edge_lines) == len(plan.edges)
    md = render_markdown(plan, findings=found)
    assert md.count("\n| ") >= len(plan.ops) if plan.ops else "No changes." in md
    # rendering twice gives the same bytes
    assert render_text(plan, findings=found) == text and render_dot(plan) == dot


# names an attacker chose: no raw HTML in Markdown, valid DOT, Mermaid and JSON ---------

HOSTILE_NAMES = (
    '<img src=x onerror="alert(1)">',
    "a|b`c`&amp;[link](https://example.com)",
    'quo"te\nnew\r\nline',
    "ctl\x1b[2J\x00\u202eend\\",
)


def hostile_plan() -> Plan:
    ops = tuple(
        O.CreateTable(table=Table(name=n, columns=(ID,), primary_key=PrimaryKey(columns=("id",))))
        for n in HOSTILE_NAMES
    )
    new = empty_snapshot()
    for op in ops:
        new = op.apply_to(new)
    edges = tuple(
        Edge(src=i, dst=i + 1, reason=f"{HOSTILE_NAMES[i + 1]} needs {HOSTILE_NAMES[i]}")
        for i in range(len(ops) - 1)
    )
    suggestions = (Suggestion(message=f"table {HOSTILE_NAMES[0]}", hint="<b>bold</b>"),)
    return Plan(
        old=empty_snapshot(),
        new=Snapshot(release="0.1.0", tables=new.tables),
        ops=ops,
        edges=edges,
        suggestions=suggestions,
    )


def test_markdown_passes_no_raw_html_from_names():
    md = render_markdown(hostile_plan())
    assert "<img" not in md and "<b>" not in md and "&amp;amp;" in md
    assert not re.search(r"(?<!\\)\]\(", md) and "\\[link\\](https://example.com)" in md
    assert '&lt;img src=x onerror="alert(1)"&gt;' in md
    assert "\x1b" not in md and "\x00" not in md and "\u202e" not in md
    table = [line for line in md.splitlines() if line.startswith("| ")]
    for line in table:
        cells = re.split(r"(?<!\\)\|", line)
        assert len(cells) == 6, line  # 4 columns: no pipe from a name splits a cell
        assert not re.search(r"(?<!\\)`", line.split("|")[3]), line  # no code span opens
    # only the <br> dbplan writes for a line break is HTML
    assert set(re.findall(r"<[a-z/][^>]*>", md.split("```mermaid")[0])) == {"<br>"}
    block = md.split("```mermaid\n")[1].split("\n```")[0]
    assert "```" not in block
    assert md_code("a`b") == "``a`b``"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
def test_dot_of_hostile_names_is_valid_graphviz():
    dot = render_dot(hostile_plan())
    proc = subprocess.run(["dot", "-Tplain"], input=dot, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    out = proc.stdout.splitlines()
    nodes = [ln for ln in out if ln.startswith("node op")]  # not the legend's
    edges = [ln for ln in out if ln.startswith("edge op") and " invis " not in ln]
    assert len(nodes) == len(HOSTILE_NAMES) and len(edges) == len(HOSTILE_NAMES) - 1
    assert "\x1b" not in dot and "\x00" not in dot and "\u202e" not in dot
    assert "\\\\x1b" in dot


def test_mermaid_and_json_of_hostile_names():
    nodes, edges, _ = parse_mermaid(render_mermaid(hostile_plan()))
    assert len(nodes) == len(HOSTILE_NAMES) and len(edges) == len(HOSTILE_NAMES) - 1
    text = render_mermaid(hostile_plan())
    # no name breaks a statement over lines: one node line per operation, one subgraph
    # line per table, and parse_mermaid accepted every line
    assert len(re.findall(r"^ +op\d+\[", text, re.M)) == len(HOSTILE_NAMES)
    assert len(re.findall(r"^  subgraph t\d+\[", text, re.M)) == len(HOSTILE_NAMES)
    doc = json.loads(render_json(hostile_plan()))
    described = [o["description"] for o in doc["operations"]]
    for name in HOSTILE_NAMES:
        assert any(name in d for d in described), name
    graph = json.loads(render_graph_json(hostile_plan()))
    assert len(graph["edges"]) == len(HOSTILE_NAMES) - 1
