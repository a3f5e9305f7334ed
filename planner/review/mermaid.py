"""Mermaid flowchart of a plan's dependency graph (renders in GitHub pull requests).

Structure::

    flowchart TB
      subgraph t1["table campaigns"]
        direction TB
        op1["1. + Create table campaigns"]:::safe
      end
      subgraph t2["table sites"]
        direction TB
        op2["2. + Add foreign key fk_sites_campaign_id_campaigns"]:::safe
      end
      op1 -->|"fk_sites_campaign_id_campaigns needs table campaigns"| op2
      subgraph legend["Legend"]
        ...
      end
      classDef safe fill:#d9f2d9,stroke:#2e7d32,color:#000000
      ...

Labels are always quoted; characters that would end or confuse a label (``"``, ``<``,
``>``, ``#``, ``|``, backticks, newlines) are written as Mermaid entity codes
(``#quot;``, ``#lt;`` ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from planner.review import (
    EDGE_LABEL_LIMIT,
    RISK_COLORS,
    RISK_ORDER,
    RISK_STROKES,
    SEVERITY_MARKS,
    SEVERITY_ORDER,
    findings_of,
    op_id,
    risk_of,
    sorted_edges,
    table_groups,
    worst_findings,
)

if TYPE_CHECKING:
    from planner.lint import Finding
    from planner.plan import Plan

_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "`": "#96;",
    "&": "#amp;",
    "{": "#123;",
    "}": "#125;",
    "[": "#91;",
    "]": "#93;",
}


def mermaid_escape(text: str) -> str:
    """Escape ``text`` for use inside a quoted Mermaid label.

    Example:
        >>> mermaid_escape('name <> ""')
        'name #lt;#gt; #quot;#quot;'
    """
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch in _LINE_BREAKS:
            out.append(" ")  # a Mermaid statement is one line
        elif ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif not ch.isprintable():
            out.append(f"#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


#: every character ``str.splitlines`` breaks a line at
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _class_name(risk: str) -> str:
    return risk.replace("-", "_")


def _node(i: int, op, marks: dict) -> str:
    label = f"{op_id(i)}. {op.category} {op.describe()}"
    if i in marks:
        sev, codes = marks[i]
        label += f" — {SEVERITY_MARKS.get(sev, '!')} {' '.join(codes)} ({sev})"
    return f'op{op_id(i)}["{mermaid_escape(label)}"]:::{_class_name(risk_of(op))}'


def render_mermaid(plan: Plan, *, findings: Iterable[Finding] | None = None) -> str:
    """The dependency graph of ``plan`` as a Mermaid ``flowchart TB``, in plan order.

    Operations on one table are a subgraph (``table sites``), operations on no table stand
    outside; nodes are coloured by risk (the Markdown table's colours), a node with lint
    findings names their codes and has a thick border (dashed for danger); a ``Legend``
    subgraph shows the colours. Edges carry their reason up to
    :data:`~planner.review.EDGE_LABEL_LIMIT` operations (beyond, the text and JSON
    reviews give them).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> render_mermaid(Plan(old=e, new=e, ops=(), edges=(), suggestions=())).splitlines()[:2]
        ['flowchart TB', '  empty["No changes"]']
    """
    marks = worst_findings(findings_of(plan, findings)) if plan.ops else {}
    lines = ["flowchart TB"]
    if not plan.ops:
        lines.append('  empty["No changes"]')
        return "\n".join(lines) + "\n"
    for n, (table, members) in enumerate(table_groups(plan), start=1):
        if table is None:
            lines += [f"  {_node(i, plan.ops[i], marks)}" for i in members]
            continue
        lines.append(f'  subgraph t{n}["{mermaid_escape("table " + table)}"]')
        lines.append("    direction TB")
        lines += [f"    {_node(i, plan.ops[i], marks)}" for i in members]
        lines.append("  end")
    labelled = len(plan.ops) <= EDGE_LABEL_LIMIT
    for e in sorted_edges(plan):
        if labelled:
            lines.append(f'  op{op_id(e.src)} -->|"{mermaid_escape(e.reason)}"| op{op_id(e.dst)}')
        else:
            lines.append(f"  op{op_id(e.src)} --> op{op_id(e.dst)}")
    lines.append('  subgraph legend["Legend"]')
    lines.append("    direction LR")
    for risk in RISK_ORDER:
        lines.append(f'    legend_{_class_name(risk)}["{risk}"]:::{_class_name(risk)}')
    if marks:
        lines.append('    legend_finding["has lint findings (dashed: danger)"]')
    lines.append("  end")
    for risk in RISK_ORDER:
        lines.append(
            f"  classDef {_class_name(risk)} fill:{RISK_COLORS.get(risk, '#ffffff')},"
            f"stroke:{RISK_STROKES.get(risk, '#000000')},color:#000000"
        )
    for sev in SEVERITY_ORDER:
        ids = [f"op{op_id(i)}" for i in sorted(marks) if marks[i][0] == sev]
        if sev == "danger" and marks:
            ids.append("legend_finding")
        if ids:
            lines.append(f"  class {','.join(ids)} finding_{sev}")
    if marks:
        lines += [
            "  classDef finding_danger stroke-width:4px,stroke-dasharray:6 3",
            "  classDef finding_warning stroke-width:4px",
            "  classDef finding_info stroke-width:3px",
        ]
    return "\n".join(lines) + "\n"
