"""The text review of a plan: one line per operation, findings, suggestions, a summary.

Layout (without colour; ``plan.txt`` of the golden cases is exactly this)::

    Plan 0.1.0 -> 0.2.0
    1 + Create table campaigns (id)
        sql: check ck_campaigns_id: id > 0
    2 + Add foreign key fk_sites_campaign_id_campaigns on sites (campaign_id) -> campaigns (id)  (after 1)
    3 - Drop column sites.title  [destructive]

    Findings:
      danger  R002 op 3: dropping column sites.title deletes its data
              fix: keep the column for one release, or copy its data first

    Suggestions:
      column sites.title dropped and sites.name added with the same type String(80): ...
              hint: if it is a rename, add `renamed_from: title` to column sites.name

    3 operations: 2 safe, 1 destructive

Operations are numbered in execution order. Safe operations carry no mark; the others
end with ``[locks]``, ``[destructive]`` or ``[data-dependent]``; ``(after 1, 4)`` lists the
operations this one directly depends on (the edges of the graph; their reasons are in
the JSON and graph formats). Under an operation, a ``sql:`` line shows each SQL fragment
of the snapshot it runs (checks, server defaults, index ``where``, backfills) that its
description does not already show: a snapshot is code, review it like code. With ``color=True`` categories, marks and severities are
coloured with ANSI escapes (the CLI decides: a terminal, and no ``NO_COLOR``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from planner.review import findings_of, op_id, risk_of, summary_line, title
from planner.review.fragments import operation_fragments

if TYPE_CHECKING:
    from planner.lint import Finding
    from planner.plan import Plan

_CATEGORY_COLORS = {"+": "green", "-": "red", "~": "yellow"}
_RISK_COLORS = {"locks": "yellow", "destructive": "red", "data-dependent": "magenta"}
_SEVERITY_COLORS = {"danger": "red", "warning": "yellow", "info": "cyan"}

_ANSI = {
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


def _style(text: str, color: str | None, *, enabled: bool, bold: bool = False) -> str:
    if not enabled or color is None:
        return text
    codes = ([_ANSI[color]] if color in _ANSI else []) + (["1"] if bold else [])
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text


def _fragment_lines(op, width: int, color: bool) -> list[str]:
    """``sql:`` lines under an operation: each SQL fragment of the snapshot it runs that
    its description does not already show verbatim (a snapshot is code: review it)."""
    shown = op.describe()
    out = []
    for what, sql in operation_fragments(op):
        if sql in shown and "\n" not in sql:
            continue
        label = _style("sql:", "magenta", enabled=color)
        out.append(f"{' ' * (width + 3)}{label} {what}: {_one_line(sql)}")
    return out


def _one_line(sql: str) -> str:
    """The fragment on one line: line breaks and other control characters escaped."""
    if sql.isprintable():
        return sql
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in sql)


def render_text(
    plan: Plan, *, findings: Iterable[Finding] | None = None, color: bool = False
) -> str:
    """Render ``plan`` for a terminal; ``findings`` default to ``lint(plan)``.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> render_text(Plan(old=e, new=e, ops=(), edges=(), suggestions=()))
        'Plan empty -> empty\\nNo changes.\\n0 operations\\n'
    """
    found = findings_of(plan, findings)
    lines = [_style(f"Plan {title(plan)}", None, enabled=color, bold=True)]
    if not plan.ops:
        lines.append("No changes.")
    width = len(str(len(plan.ops)))
    after: dict[int, set[int]] = {i: set() for i in range(len(plan.ops))}
    for e in plan.edges:
        after[e.dst].add(e.src)
    for i, op in enumerate(plan.ops):
        cat = _style(op.category, _CATEGORY_COLORS.get(op.category), enabled=color, bold=True)
        line = f"{op_id(i):>{width}} {cat} {op.describe()}"
        risk = risk_of(op)
        if risk != "safe":
            line += "  " + _style(f"[{risk}]", _RISK_COLORS.get(risk), enabled=color)
        if after[i]:
            deps = ", ".join(str(op_id(j)) for j in sorted(after[i]))
            line += "  " + _style(f"(after {deps})", "blue", enabled=color)
        lines.append(line)
        lines += _fragment_lines(op, width, color)
    if found:
        lines += ["", "Findings:"]
        for f in found:
            sev = getattr(f.severity, "value", f.severity)
            label = _style(f"{sev:<7}", _SEVERITY_COLORS.get(sev), enabled=color, bold=True)
            lines.append(f"  {label} {f.code} op {op_id(f.op_index)}: {f.message}")
            if f.fix:
                lines.append(f"          fix: {f.fix}")
    if plan.suggestions:
        lines += ["", "Suggestions:"]
        for s in plan.suggestions:
            lines.append(f"  {s.message}")
            if s.hint:
                lines.append(f"          hint: {s.hint}")
    if found or plan.suggestions:
        lines.append("")
    elif plan.ops:
        lines.append("")
    lines.append(_style(summary_line(plan), None, enabled=color, bold=True))
    return "\n".join(lines) + "\n"
