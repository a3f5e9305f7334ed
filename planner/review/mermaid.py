"""Mermaid flowchart of a plan's dependency graph (renders in GitHub pull requests).

Structure::

    flowchart LR
      op1["1. + Create table campaigns"]:::safe
      op2["2. + Add foreign key fk_sites_campaign_id_campaigns"]:::safe
      op1 -->|"fk_sites_campaign_id_campaigns needs table campaigns"| op2
      classDef safe fill:#d9f2d9,stroke:#2e7d32,color:#000000
      ...

Labels are always quoted; characters that would end or confuse a label (``"``, ``<``,
``>``, ``#``, ``|``, backticks, newlines) are written as Mermaid entity codes
(``#quot;``, ``#lt;`` ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.review import RISK_COLORS, RISK_ORDER, RISK_STROKES, op_id, risk_of, sorted_edges

if TYPE_CHECKING:
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


def render_mermaid(plan: Plan) -> str:
    """The dependency graph of ``plan`` as a Mermaid ``flowchart LR``.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> render_mermaid(Plan(old=e, new=e, ops=(), edges=(), suggestions=())).splitlines()[:2]
        ['flowchart LR', '  empty["No changes"]']
    """
    lines = ["flowchart LR"]
    if not plan.ops:
        lines.append('  empty["No changes"]')
    used = []
    for i, op in enumerate(plan.ops):
        risk = risk_of(op)
        if risk not in used:
            used.append(risk)
        label = mermaid_escape(f"{op_id(i)}. {op.category} {op.describe()}")
        lines.append(f'  op{op_id(i)}["{label}"]:::{_class_name(risk)}')
    for e in sorted_edges(plan):
        lines.append(f'  op{op_id(e.src)} -->|"{mermaid_escape(e.reason)}"| op{op_id(e.dst)}')
    for risk in sorted(used, key=lambda r: (RISK_ORDER.index(r) if r in RISK_ORDER else 99, r)):
        lines.append(
            f"  classDef {_class_name(risk)} fill:{RISK_COLORS.get(risk, '#ffffff')},"
            f"stroke:{RISK_STROKES.get(risk, '#000000')},color:#000000"
        )
    return "\n".join(lines) + "\n"
