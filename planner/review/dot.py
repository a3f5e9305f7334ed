"""Graphviz DOT rendering of a plan's dependency graph.

Nodes are the operations, labelled ``<id>. <description>`` and filled by risk; edges
carry the reason of the dependency. ``dot -Tsvg`` turns the text into a picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.review import RISK_COLORS, RISK_STROKES, op_id, risk_of, sorted_edges, title

if TYPE_CHECKING:
    from planner.plan import Plan


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes, quotes and newlines escaped.

    Example:
        >>> dot_quote('say "hi"')
        '"say \\\\"hi\\\\""'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def render_dot(plan: Plan) -> str:
    """The dependency graph of ``plan`` in the DOT language.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> print(render_dot(Plan(old=e, new=e, ops=(), edges=(), suggestions=())), end="")
        digraph plan {
          label="empty -> empty";
          labelloc=t;
          rankdir=LR;
          node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];
          edge [fontname="Helvetica", fontsize=8, color="#555555"];
        }
    """
    lines = [
        "digraph plan {",
        f"  label={dot_quote(title(plan))};",
        "  labelloc=t;",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
    ]
    for i, op in enumerate(plan.ops):
        risk = risk_of(op)
        label = f"{op_id(i)}. {op.category} {op.describe()}"
        lines.append(
            f"  op{op_id(i)} [label={dot_quote(label)}, "
            f"fillcolor={dot_quote(RISK_COLORS.get(risk, '#ffffff'))}, "
            f"color={dot_quote(RISK_STROKES.get(risk, '#000000'))}, "
            f"tooltip={dot_quote(risk)}];"
        )
    for e in sorted_edges(plan):
        lines.append(f"  op{op_id(e.src)} -> op{op_id(e.dst)} [label={dot_quote(e.reason)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
