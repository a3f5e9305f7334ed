"""Graphviz DOT rendering of a plan's dependency graph.

Nodes are the operations, labelled ``<id>. <description>`` and filled by risk; edges
carry the reason of the dependency. ``dot -Tsvg`` turns the text into a picture.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from planner.review import (
    EDGE_LABEL_LIMIT,
    LABEL_WIDTH,
    RISK_COLORS,
    RISK_ORDER,
    RISK_STROKES,
    findings_of,
    op_id,
    risk_of,
    sorted_edges,
    table_groups,
    title,
    worst_findings,
)

if TYPE_CHECKING:
    from planner.lint import Finding
    from planner.plan import Plan


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, every line break as
    ``\\n``, control characters shown as ``\\xNN`` (Graphviz takes the text as written).

    Example:
        >>> dot_quote('say "hi"')
        '"say \\\\"hi\\\\""'
    """
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch in _LINE_BREAKS:
            out.append("\\n")
        elif unicodedata.category(ch) == "Cc" or ch in _BIDI:
            out.append(f"\\\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


#: every character ``str.splitlines`` breaks a line at
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
#: bidirectional controls (they reorder what a viewer shows)
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` broken into lines of at most ``width`` characters at spaces (a long word
    stays whole), so a node of a wide table stays narrow.

    Example:
        >>> wrap_label("1. + Create table sites (id, name, campaign_id)", 20)
        '1. + Create table\\nsites (id, name,\\ncampaign_id)'
    """
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def render_dot(plan: Plan, *, findings: Iterable[Finding] | None = None) -> str:
    """The dependency graph of ``plan`` in the DOT language, drawn top-down in plan order.

    Operations on one table form a cluster (``table sites``), listed in plan order and
    kept in that order by invisible edges; operations on no table (enums, extensions ...)
    stand outside. A node is filled by its risk; one with lint findings has a thick border
    (double for danger) and its codes in the label. A legend cluster shows the colours.
    Edges carry their reason as a tooltip, and as a label up to
    :data:`~planner.review.EDGE_LABEL_LIMIT` operations.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> print(render_dot(Plan(old=e, new=e, ops=(), edges=(), suggestions=())), end="")
        digraph plan {
          label="empty -> empty";
          labelloc=t;
          rankdir=TB;
          newrank=true;
          nodesep=0.25;
          ranksep=0.3;
          node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];
          edge [fontname="Helvetica", fontsize=8, color="#555555"];
        }
    """
    marks = worst_findings(findings_of(plan, findings))
    lines = [
        "digraph plan {",
        f"  label={dot_quote(title(plan))};",
        "  labelloc=t;",
        "  rankdir=TB;",
        "  newrank=true;",
        "  nodesep=0.25;",
        "  ranksep=0.3;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
    ]
    for i, op in enumerate(plan.ops):
        risk = risk_of(op)
        label = wrap_label(f"{op_id(i)}. {op.category} {op.describe()}")
        extra = ""
        if i in marks:
            sev, codes = marks[i]
            # words, not the Markdown's emoji: Graphviz's fonts lack them
            label += f"\n{sev.upper()}: {' '.join(codes)}"
            extra = ", penwidth=3" + (", peripheries=2" if sev == "danger" else "")
        lines.append(
            f"  op{op_id(i)} [label={dot_quote(label)}, "
            f"fillcolor={dot_quote(RISK_COLORS.get(risk, '#ffffff'))}, "
            f"color={dot_quote(RISK_STROKES.get(risk, '#000000'))}, "
            f"tooltip={dot_quote(risk)}{extra}];"
        )
    for n, (table, members) in enumerate(table_groups(plan), start=1):
        if table is None:
            continue
        lines += [
            f"  subgraph cluster_{n} {{",
            f"    label={dot_quote('table ' + table)};",
            '    style="rounded"; color="#9e9e9e"; fontname="Helvetica"; fontsize=11;',
            "    " + " ".join(f"op{op_id(i)};" for i in members),
        ]
        lines += [
            f"    op{op_id(a)} -> op{op_id(b)} [style=invis, weight=10];"
            for a, b in zip(members, members[1:], strict=False)
        ]
        lines.append("  }")
    labelled = len(plan.ops) <= EDGE_LABEL_LIMIT
    for e in sorted_edges(plan):
        attrs = f"tooltip={dot_quote(e.reason)}"
        if labelled:
            attrs = f"label={dot_quote(e.reason)}, " + attrs
        lines.append(f"  op{op_id(e.src)} -> op{op_id(e.dst)} [{attrs}];")
    if plan.ops:
        lines += _legend(bool(marks))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(with_findings: bool) -> list[str]:
    """A cluster with one node per risk colour (and the finding border)."""
    out = [
        "  subgraph cluster_legend {",
        '    label="Legend"; style="dashed"; color="#9e9e9e"; fontname="Helvetica"; fontsize=11;',
    ]
    names = []
    for risk in RISK_ORDER:
        name = f"legend_{risk.replace('-', '_')}"
        names.append(name)
        out.append(
            f"    {name} [label={dot_quote(risk)}, fillcolor={dot_quote(RISK_COLORS[risk])}, "
            f"color={dot_quote(RISK_STROKES[risk])}];"
        )
    if with_findings:
        names.append("legend_finding")
        out.append(
            f"    legend_finding [label={dot_quote('has lint findings' + chr(10) + '(double: danger)')}, "
            'fillcolor="#ffffff", color="#000000", penwidth=3, peripheries=2];'
        )
    out.append("    " + " -> ".join(names) + " [style=invis];")
    out.append("  }")
    return out
