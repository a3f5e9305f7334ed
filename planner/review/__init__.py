"""Plan renderers: text, JSON, Markdown, DOT and Mermaid.

Every renderer is a pure function ``render_<format>(plan, ...) -> str``; the output
depends only on the plan (its order, edges and suggestions) and the lint findings, so
the same plan always renders to the same bytes. Operations are numbered from 1 in plan
order (``id = index + 1``) in every format.

Example:
    >>> from planner.state.model import empty_snapshot
    >>> from planner.plan import Plan
    >>> e = empty_snapshot()
    >>> summary_line(Plan(old=e, new=e, ops=(), edges=(), suggestions=()))
    '0 operations'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.lint import Finding
    from planner.ops import Operation
    from planner.plan import Plan

#: Risk values in the order they are summarised and listed.
RISK_ORDER = ("safe", "locks", "destructive", "data-dependent")

#: Fill colours of graph nodes, by risk value (DOT and Mermaid): the colours of the
#: Markdown table's badges (green safe, ⚠️ yellow locks, 🛑 red destructive, 🔶 orange
#: data-dependent).
RISK_COLORS = {
    "safe": "#d9f2d9",
    "locks": "#fff2b3",
    "destructive": "#f8c9c4",
    "data-dependent": "#fde0c2",
}
#: Border colours of graph nodes, by risk value.
RISK_STROKES = {
    "safe": "#2e7d32",
    "locks": "#b58900",
    "destructive": "#c62828",
    "data-dependent": "#d9730d",
}
#: Above this many operations the pictures leave edge labels out (the reasons are in
#: the text, JSON and as DOT tooltips): labelled edges made 40 operations unreadable.
EDGE_LABEL_LIMIT = 12
#: Characters per line of a node label in the pictures (longer labels are wrapped).
LABEL_WIDTH = 44
#: Severities of lint findings, worst first.
SEVERITY_ORDER = ("danger", "warning", "info")
#: The mark a node with a finding carries, by worst severity (as in the Markdown badges).
SEVERITY_MARKS = {"danger": "🛑", "warning": "⚠️", "info": "ℹ️"}

FORMATS = ("text", "json", "markdown")
GRAPH_FORMATS = ("dot", "mermaid", "json", "svg")


def op_id(index: int) -> int:
    """The 1-based id shown for the operation at ``index`` of ``plan.ops``.

    Example:
        >>> op_id(0)
        1
    """
    return index + 1


def risk_of(op: Operation) -> str:
    """The risk value of ``op`` as a string (``"safe"``, ``"destructive"``, ...)."""
    risk = op.risk
    return getattr(risk, "value", risk)


def risk_counts(ops: Iterable[Operation]) -> dict[str, int]:
    """Count operations per risk value, in :data:`RISK_ORDER` (zero counts kept).

    Example:
        >>> risk_counts(())
        {'safe': 0, 'locks': 0, 'destructive': 0, 'data-dependent': 0}
    """
    counts = dict.fromkeys(RISK_ORDER, 0)
    for op in ops:
        r = risk_of(op)
        counts[r] = counts.get(r, 0) + 1
    return counts


def summary_line(plan: Plan) -> str:
    """``12 operations: 7 safe, 2 destructive, 3 data-dependent`` (zero counts left out).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> summary_line(Plan(old=empty_snapshot(), new=empty_snapshot(), ops=(), edges=(), suggestions=()))
        '0 operations'
    """
    n = len(plan.ops)
    head = f"{n} operation" + ("" if n == 1 else "s")
    parts = [f"{c} {r}" for r, c in risk_counts(plan.ops).items() if c]
    return f"{head}: {', '.join(parts)}" if parts else head


def sorted_edges(plan: Plan):
    """The plan's edges in a fixed order: by source id, target id, then reason."""
    return tuple(sorted(plan.edges, key=lambda e: (e.src, e.dst, e.reason)))


def table_label(op: Operation) -> str | None:
    """``schema.table`` (or ``table``) the operation works on; None for other objects."""
    key = getattr(op, "table_key", None)
    if not key:
        return None
    schema, name = key
    return f"{schema}.{name}" if schema else name


def table_groups(plan: Plan) -> list[tuple[str | None, list[int]]]:
    """Operation indices grouped by table, groups in order of their first operation,
    operations in plan order; operations on no table last, under ``None``.

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> table_groups(Plan(old=empty_snapshot(), new=empty_snapshot(), ops=(), edges=(), suggestions=()))
        []
    """
    groups: dict[str | None, list[int]] = {}
    for i, op in enumerate(plan.ops):
        groups.setdefault(table_label(op), []).append(i)
    out = [(k, v) for k, v in groups.items() if k is not None]
    if None in groups:
        out.append((None, groups[None]))
    return out


def worst_findings(findings: Iterable[Finding]) -> dict[int, tuple[str, list[str]]]:
    """Operation index -> (worst severity, codes) of the findings about it."""
    out: dict[int, tuple[str, list[str]]] = {}
    for f in findings:
        sev = getattr(f.severity, "value", f.severity)
        worst, codes = out.get(f.op_index, (sev, []))
        rank = SEVERITY_ORDER.index
        if sev in SEVERITY_ORDER and (worst not in SEVERITY_ORDER or rank(sev) < rank(worst)):
            worst = sev
        if f.code not in codes:
            codes.append(f.code)
        out[f.op_index] = (worst, codes)
    return out


def findings_of(plan: Plan, findings: Iterable[Finding] | None) -> tuple[Finding, ...]:
    """``findings`` as given, or :func:`planner.lint.lint` of the plan when None."""
    if findings is None:
        from planner.lint import lint

        return tuple(lint(plan))
    return tuple(findings)


def title(plan: Plan) -> str:
    """``0.1.0 -> 0.2.0``: the releases a plan goes between."""
    return f"{plan.old.release} -> {plan.new.release}"


def render(
    plan: Plan, fmt: str, *, findings: Iterable[Finding] | None = None, color: bool = False
) -> str:
    """Render ``plan`` in one of :data:`FORMATS` (``text``, ``json``, ``markdown``).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> print(render(Plan(old=e, new=e, ops=(), edges=(), suggestions=()), "text"), end="")
        Plan empty -> empty
        No changes.
        0 operations
    """
    if fmt == "text":
        from planner.review.text import render_text

        return render_text(plan, findings=findings, color=color)
    if fmt == "json":
        from planner.review.jsonfmt import render_json

        return render_json(plan, findings=findings)
    if fmt == "markdown":
        from planner.review.markdown import render_markdown

        return render_markdown(plan, findings=findings)
    raise ValueError(f"unknown plan format {fmt!r} (expected one of {', '.join(FORMATS)})")


def render_graph(plan: Plan, fmt: str) -> str:
    """Render the dependency graph of ``plan`` as ``dot``, ``mermaid`` or ``json`` text.

    ``svg`` is produced from the DOT text by the CLI (it runs Graphviz).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> render_graph(Plan(old=e, new=e, ops=(), edges=(), suggestions=()), "mermaid").splitlines()[0]
        'flowchart TB'
    """
    if fmt == "dot":
        from planner.review.dot import render_dot

        return render_dot(plan)
    if fmt == "mermaid":
        from planner.review.mermaid import render_mermaid

        return render_mermaid(plan)
    if fmt == "json":
        from planner.review.jsonfmt import render_graph_json

        return render_graph_json(plan)
    raise ValueError(f"unknown graph format {fmt!r} (expected dot, mermaid or json)")
