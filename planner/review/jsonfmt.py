"""JSON renderings of a plan and of its dependency graph (schema: docs/plan-json.md).

Keys are written in a fixed order with two-space indentation and a final newline, so
equal plans give byte-identical documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from planner.review import (
    RISK_COLORS,
    RISK_ORDER,
    findings_of,
    op_id,
    risk_counts,
    risk_of,
    sorted_edges,
    summary_line,
)

if TYPE_CHECKING:
    from planner.lint import Finding
    from planner.ops import Operation
    from planner.plan import Plan

PLAN_SCHEMA = "dbplan.plan/1"
GRAPH_SCHEMA = "dbplan.graph/1"


def _table_of(op: Operation) -> str | None:
    key = getattr(op, "table_key", None)
    if not key:
        return None
    schema, name = key
    return f"{schema}.{name}" if schema else name


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def plan_document(plan: Plan, *, findings: Iterable[Finding] | None = None) -> dict[str, Any]:
    """The plan as plain JSON data (see docs/plan-json.md for every key).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> plan_document(Plan(old=e, new=e, ops=(), edges=(), suggestions=()))["summary"]["operations"]
        0
    """
    found = findings_of(plan, findings)
    edges = sorted_edges(plan)
    deps: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(plan.ops))}
    for e in edges:
        deps[e.dst].append({"id": op_id(e.src), "reason": e.reason})
    counts = risk_counts(plan.ops)
    operations = []
    for i, op in enumerate(plan.ops):
        operations.append(
            {
                "id": op_id(i),
                "kind": op.kind,
                "category": op.category,
                "risk": risk_of(op),
                "table": _table_of(op),
                "description": op.describe(),
                "depends_on": deps[i],
            }
        )
    return {
        "schema": PLAN_SCHEMA,
        "from": plan.old.release,
        "to": plan.new.release,
        "empty": not plan.ops,
        "summary": {
            "operations": len(plan.ops),
            **{r: counts.get(r, 0) for r in RISK_ORDER},
            "text": summary_line(plan),
        },
        "operations": operations,
        "edges": [{"from": op_id(e.src), "to": op_id(e.dst), "reason": e.reason} for e in edges],
        "findings": [
            {
                "code": f.code,
                "severity": getattr(f.severity, "value", f.severity),
                "operation": op_id(f.op_index),
                "message": f.message,
                "fix": f.fix,
            }
            for f in found
        ],
        "suggestions": [{"message": s.message, "hint": s.hint} for s in plan.suggestions],
    }


def render_json(plan: Plan, *, findings: Iterable[Finding] | None = None) -> str:
    """The plan as a JSON document (schema ``dbplan.plan/1``).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> import json
        >>> json.loads(render_json(Plan(old=e, new=e, ops=(), edges=(), suggestions=())))["empty"]
        True
    """
    return _dump(plan_document(plan, findings=findings))


def graph_document(plan: Plan) -> dict[str, Any]:
    """The dependency graph as plain JSON data: nodes and labelled edges."""
    return {
        "schema": GRAPH_SCHEMA,
        "from": plan.old.release,
        "to": plan.new.release,
        "nodes": [
            {
                "id": op_id(i),
                "kind": op.kind,
                "category": op.category,
                "risk": risk_of(op),
                "color": RISK_COLORS.get(risk_of(op), "#ffffff"),
                "label": op.describe(),
            }
            for i, op in enumerate(plan.ops)
        ],
        "edges": [
            {"source": op_id(e.src), "target": op_id(e.dst), "reason": e.reason}
            for e in sorted_edges(plan)
        ],
    }


def render_graph_json(plan: Plan) -> str:
    """The dependency graph as a JSON document (schema ``dbplan.graph/1``).

    Example:
        >>> from planner.state.model import empty_snapshot
        >>> from planner.plan import Plan
        >>> e = empty_snapshot()
        >>> render_graph_json(Plan(old=e, new=e, ops=(), edges=(), suggestions=())).splitlines()[1]
        '  "schema": "dbplan.graph/1",'
    """
    return _dump(graph_document(plan))
