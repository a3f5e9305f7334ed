"""Markdown review of a plan, ready to paste into a pull request.

A heading, the summary line, a table of operations, findings and suggestions, and the
dependency graph as a Mermaid block (GitHub renders it).
"""

from __future__ import annotations

import re
import unicodedata
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


def md_text(text: str) -> str:
    """Escape ``text`` for Markdown outside a table: no raw HTML (``&``, ``<``, ``>`` as
    entities), no code spans or links (backticks and brackets escaped), backslashes kept literal, control
    characters as ``\\xNN``, one line (line breaks as ``<br>``).

    Example:
        >>> md_text('<img src=x onerror="alert(1)"> & `x`')
        '&lt;img src=x onerror="alert(1)"&gt; &amp; \\\\`x\\\\`'
    """
    out = []
    for ch in str(text).replace("\r\n", "\n"):
        if ch in _MD_ESCAPES:
            out.append(_MD_ESCAPES[ch])
        elif ch in _LINE_BREAKS:
            out.append("<br>")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in _ZW_JOINERS:
            out.append(f"\\\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


_MD_ESCAPES = {
    "\\": "\\\\",
    "`": "\\`",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "[": "\\[",
    "]": "\\]",
}
#: every character ``str.splitlines`` breaks a line at
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
#: format characters that belong to the text (emoji sequences)
_ZW_JOINERS = frozenset("\u200c\u200d")


def md_cell(text: str) -> str:
    """Escape ``text`` for a Markdown table cell: :func:`md_text`, and pipes.

    Example:
        >>> md_cell("a | b <br>")
        'a \\\\| b &lt;br&gt;'
    """
    return md_text(text).replace("|", "\\|")


def md_code(text: str) -> str:
    """``text`` as an inline code span that nothing inside can end (a fence of more
    backticks than any run in it), on one line.

    Example:
        >>> md_code("a`b")
        '``a`b``'
    """
    flat = " ".join(str(text).splitlines())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


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
        f"### dbplan: {md_code(plan.old.release)} → {md_code(plan.new.release)}",
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
        render_mermaid(plan, findings=found).rstrip("\n"),
        "```",
        "",
    ]
    return "\n".join(lines)
