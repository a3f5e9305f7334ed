"""Graphviz DOT rendering of a plan's dependency graph.

Nodes are the operations, labelled ``<id>. <description>`` and filled by risk; edges
carry the reason of the dependency. ``dot -Tsvg`` turns the text into a picture.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from planner.review import RISK_COLORS, RISK_STROKES, op_id, risk_of, sorted_edges, title

if TYPE_CHECKING:
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
