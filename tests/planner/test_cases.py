"""Golden plan cases: ``tests/cases/<name>/{before.yaml, after.yaml, plan.txt}``.

Each folder is planned (``make_plan(before, after)``) and rendered by the text renderer
without colour; the result must equal ``plan.txt`` byte for byte. ``DBPLAN_UPDATE_GOLDEN=1``
rewrites the goldens instead (review the diff before committing!).

``tests/cases/bad/`` belongs to the snapshot validation tests and is skipped here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from planner.lint import RULES, lint
from planner.plan import apply_plan, make_downgrade_plan, make_plan
from planner.review.text import render_text
from planner.state.yamlio import load_snapshot

CASES = Path(__file__).resolve().parent.parent / "cases"
UPDATE = os.environ.get("DBPLAN_UPDATE_GOLDEN") == "1"


def case_dirs() -> list[Path]:
    if not CASES.is_dir():
        return []
    return sorted(
        d
        for d in CASES.iterdir()
        if d.is_dir() and d.name != "bad" and (d / "before.yaml").is_file()
    )


def load_case(path: Path):
    # case files are named before/after, not after their release
    return load_snapshot(path, expected_release=False)


def plan_case(d: Path):
    return make_plan(load_case(d / "before.yaml"), load_case(d / "after.yaml"))


def _describe(plan) -> str:
    return "\n".join(f"{i + 1}. [{op.kind}] {op.describe()}" for i, op in enumerate(plan.ops))


@pytest.mark.parametrize("case", case_dirs(), ids=lambda d: d.name)
def test_case_plan_matches_golden(case: Path):
    plan = plan_case(case)
    text = render_text(plan, color=False)
    golden = case / "plan.txt"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with DBPLAN_UPDATE_GOLDEN=1"
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"plan of {case.name} changed:\n{_describe(plan)}"


def test_at_least_25_cases():
    assert len(case_dirs()) >= 25


def _all_plans():
    return {d.name: plan_case(d) for d in case_dirs()}


@pytest.fixture(scope="module")
def all_plans():
    return _all_plans()


def test_cases_cover_every_operation_kind(all_plans):
    from planner import ops as O

    kinds = {
        cls.kind
        for cls in vars(O).values()
        if isinstance(cls, type)
        and issubclass(cls, O.Operation)
        and cls is not O.Operation
        and isinstance(getattr(cls, "kind", None), str)
    }
    seen = {op.kind for plan in all_plans.values() for op in plan.ops}
    assert kinds - seen == set(), f"no golden case produces: {sorted(kinds - seen)}"


def test_cases_cover_every_lint_rule(all_plans):
    seen = {f.code for plan in all_plans.values() for f in lint(plan)}
    assert set(RULES) - seen == set(), f"no golden case triggers: {sorted(set(RULES) - seen)}"


def test_cases_include_a_table_cycle_and_a_row_cycle(all_plans):
    assert "table_cycle" in all_plans and "row_cycle" in all_plans
    # both plans must be complete: applying them reaches the after state
    for name in ("table_cycle", "row_cycle"):
        plan = all_plans[name]
        assert apply_plan(plan) == plan.new, f"{name}: applying the plan does not reach after.yaml"


def test_cases_have_suggestions_and_edges(all_plans):
    assert any(p.suggestions for p in all_plans.values())
    assert sum(len(p.edges) for p in all_plans.values()) > 0


def test_every_case_applies_to_its_after_state(all_plans):
    for name, plan in all_plans.items():
        assert apply_plan(plan) == plan.new, (
            f"{name}: applying the plan does not reach after.yaml\n{_describe(plan)}"
        )


def test_every_edge_is_respected(all_plans):
    for name, plan in all_plans.items():
        for e in plan.edges:
            assert e.src < e.dst, f"{name}: edge {e} runs backwards"


#: Every kind of dependency the graph draws (planner/graph.py), as its reason reads.
GRAPH_RULES = {
    "create before use: table": r" needs table ",
    "create before use: column": r" needs column ",
    "create before use: enum": r" needs enum ",
    "create before use: enum value": r" needs value '[^']+' of enum ",
    "create before use: referenced key": r" needs key ",
    "parent row before child row": r" needs row ",
    "fill before NOT NULL": r" needs values of ",
    "use before drop": r" needs .* before .* removes it$",
    "drop before recreate": r" recreates .* after .* removes it$",
}


def test_cases_cover_every_graph_rule(all_plans):
    reasons = [e.reason for p in all_plans.values() for e in p.edges]
    missing = [
        name
        for name, pattern in GRAPH_RULES.items()
        if not any(re.search(pattern, r) for r in reasons)
    ]
    assert missing == [], f"no golden case has an edge for: {missing}"


def test_row_cycle_is_broken_by_a_deferred_update(all_plans):
    for name in ("row_cycle", "row_cycle_existing"):
        kinds = [op.kind for op in all_plans[name].ops]
        assert "insert_rows" in kinds and "update_row" in kinds, name
        assert kinds.index("insert_rows") < kinds.index("update_row"), name


def test_table_cycle_adds_foreign_keys_after_both_tables(all_plans):
    ops = all_plans["table_cycle"].ops
    creates = [i for i, op in enumerate(ops) if op.kind == "create_table"]
    fks = [i for i, op in enumerate(ops) if op.kind == "add_foreign_key"]
    assert len(creates) == 2 and len(fks) == 2 and max(creates) < min(fks)
    drops = all_plans["table_cycle_drop"].ops
    assert [op.kind for op in drops] == [
        "drop_foreign_key",
        "drop_foreign_key",
        "drop_table",
        "drop_table",
    ]


def test_every_case_downgrades_to_its_before_state():
    for d in case_dirs():
        before, after = load_case(d / "before.yaml"), load_case(d / "after.yaml")
        down = make_downgrade_plan(before, after)
        assert apply_plan(down) == before, f"{d.name}: the downgrade misses\n{_describe(down)}"
