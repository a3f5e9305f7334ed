"""Markdown review of a plan, ready to paste into a pull request.

A heading, the summary line, a table of operations, findings and suggestions, and the
dependency graph as a Mermaid block (GitHub renders it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from planner.review import findings_of, op_id, risk_of, summary_line
from planner.review.mermaid import render_mermaid

if TYPE_CHECKING:
    from planner.lint import Finding
    from planner.plan import Plan

_RISK_BADGES = {
    "safe": "safe",
    "locks": "⚠️ locks",
    "destructive": "🛑 destructive",
    "data-dependent": "🔶 data-dependent",
}
_SEVERITY_BADGES = {"danger": "🛑 danger", "warning": "⚠️ warning", "info": "ℹ️ info"}


def md_cell(text: str) -> str:
    """Escape ``text`` for a Markdown table cell (pipes, newlines, backslashes).

    Example:
        >>> md_cell("a | b")
        'a \\\\| b'
    """
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r", "")
        .replace("\n", "<br>")
        .replace("`", "\\`")
    )


def render_markdown(plan: Plan, *, findings: Iterable[Finding] | None = None) -> str:
    """Render ``plan`` as GitHub-flavoured Markdown with a Mermaid graph.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> render_markdown(Plan(old=e, new=e, ops=(), edges=(), suggestions=())).splitlines()[0]
        '### dbplan: `empty` → `empty`'
    """
    found = findings_of(plan, findings)
    lines = [
        f"### dbplan: `{plan.old.release}` → `{plan.new.release}`",
        "",
        f"**{summary_line(plan)}**",
        "",
    ]
    if not plan.ops:
        lines += ["No changes.", ""]
        return "\n".join(lines)
    lines += ["| # | | Operation | Risk |", "|---:|:---:|---|---|"]
    for i, op in enumerate(plan.ops):
        risk = risk_of(op)
        lines.append(
            f"| {op_id(i)} | `{op.category}` | {md_cell(op.describe())} | "
            f"{_RISK_BADGES.get(risk, risk)} |"
        )
    lines.append("")
    if found:
        lines += [
            "#### Findings",
            "",
            "| Code | Severity | Op | Message | Fix |",
            "|---|---|---:|---|---|",
        ]
        for f in found:
            sev = getattr(f.severity, "value", f.severity)
            lines.append(
                f"| {f.code} | {_SEVERITY_BADGES.get(sev, sev)} | {op_id(f.op_index)} | "
                f"{md_cell(f.message)} | {md_cell(f.fix)} |"
            )
        lines.append("")
    if plan.suggestions:
        lines += ["#### Suggestions", ""]
        for s in plan.suggestions:
            hint = f" — {md_cell(s.hint)}" if s.hint else ""
            lines.append(f"- {md_cell(s.message)}{hint}")
        lines.append("")
    lines += [
        "#### Dependency graph",
        "",
        "```mermaid",
        render_mermaid(plan).rstrip("\n"),
        "```",
        "",
    ]
    return "\n".join(lines)
