"""The snapshot's ``steps`` (data steps): reading with file:line:column problems, the
canonical writer, planning (placement, edge reasons, downgrade) and lint R019/R020."""

from __future__ import annotations

import json

import pytest

from planner.diff_steps import StepError
from planner.lint import lint
from planner.ops.steps import RunDataStep
from planner.plan import make_downgrade_plan, make_plan
from planner.review.dot import render_dot
from planner.review.jsonfmt import render_json
from planner.state.errors import SnapshotError
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.revisions.test_data_steps import MOVE_1, MOVE_2, SPLIT_1, SPLIT_2


def _load(text: str, name: str = "2.0.0.yaml"):
    return load_snapshot_text(text, name)


def _problems(text: str) -> str:
    with pytest.raises(SnapshotError) as e:
        _load(text)
    return str(e.value)


BASE = """snapshot: 1
release: "2.0.0"
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      c: {type: Integer}
steps:
"""


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            "- {name: s, writes: [t.nope], sql: UPDATE t SET c = 1, downgrade: none}",
            "2.0.0.yaml:9:22: steps[0].writes[0]: table t has no column 'nope' in this snapshot "
            "(name a column of the table as this release has it)",
        ),
        (
            "- {name: s, writes: [u.c], sql: UPDATE t SET c = 1, downgrade: none}",
            "2.0.0.yaml:9:22: steps[0].writes[0]: no table 'u' in this snapshot",
        ),
        (
            "- {name: s, writes: [t.c], sql: UPDATE t SET c = 1}",
            "2.0.0.yaml:9:3: steps[0]: a data step needs the key 'downgrade'",
        ),
        (
            "- {name: s, writes: [t.c], sql: {oracle: x}, downgrade: none}",
            "2.0.0.yaml:9:34: steps[0].sql.oracle: unknown key 'oracle' in step SQL per dialect "
            "(expected one of: postgresql, mysql, sqlite)",
        ),
        (
            "- {name: s, writes: [t.c], sql: UPDATE t SET c = 1, downgrade: none, when: x}",
            "2.0.0.yaml:9:70: steps[0].when: unknown key 'when' in a data step",
        ),
        (
            "- {name: s, writes: [t.c], sql: '', downgrade: none}",
            "2.0.0.yaml:9:33: steps[0].sql: empty step SQL (write the SQL)",
        ),
        (
            "- {name: s, writes: [t.c], sql: UPDATE t SET c = 1, downgrade: none}\n"
            "- {name: s, writes: [t.c], sql: UPDATE t SET c = 2, downgrade: none}",
            "2.0.0.yaml:10:10: steps[1].name: data step 's' is listed twice",
        ),
        (
            "- {name: s, writes: [t.c.d.e], sql: UPDATE t SET c = 1, downgrade: none}",
            "2.0.0.yaml:9:22: steps[0].writes[0]: 't.c.d.e' is not a table or table.column name",
        ),
    ],
)
def test_bad_steps_name_file_line_and_column(step, expected):
    assert expected in _problems(BASE + step + "\n")


def test_steps_round_trip_through_the_canonical_writer():
    s = _load(MOVE_2)
    text = dump_snapshot(s)
    again = load_snapshot_text(text, "2.0.0.yaml")
    assert again.steps == s.steps and dump_snapshot(again) == text
    split = _load(SPLIT_2)
    assert load_snapshot_text(dump_snapshot(split), "2.0.0.yaml").steps == split.steps


def test_the_step_runs_between_expand_and_contract_with_reasons():
    old, new = _load(MOVE_1, "1.0.0.yaml"), _load(MOVE_2)
    plan = make_plan(old, new)
    kinds = [o.kind for o in plan.ops]
    assert kinds == ["create_table", "data_step", "drop_column"]
    step = plan.ops[1]
    assert isinstance(step, RunDataStep)
    assert step.writes == (((None, "phones"), "user_id"), ((None, "phones"), "number"))
    reasons = {e.reason for e in plan.edges}
    assert "data step move_phones needs table phones" in reasons
    assert (
        "data step move_phones needs column users.phone before drop column users.phone removes it"
        in reasons
    )
    edges = json.loads(render_json(plan))["edges"]
    assert any("before drop column users.phone removes it" in e["reason"] for e in edges)
    assert "before drop column users.phone removes it" in render_dot(plan)


def test_constraints_on_written_columns_come_after_the_step():
    old, new = _load(SPLIT_1, "1.0.0.yaml"), _load(SPLIT_2)
    plan = make_plan(old, new)
    at = {o.describe().split(" (")[0]: i for i, o in enumerate(plan.ops)}
    step = at["Run data step split_full_name"]
    assert at["Add column people.first_name String(40)"] < step
    assert step < at["Set people.first_name NOT NULL"]
    assert step < at["Drop column people.full_name"]
    reasons = {e.reason for e in plan.edges}
    assert (
        "set NOT NULL on people.last_name after data step split_full_name writes people.last_name"
        in reasons
    )


def test_the_downgrade_undoes_the_step_in_reverse_position():
    old, new = _load(MOVE_1, "1.0.0.yaml"), _load(MOVE_2)
    down = make_downgrade_plan(old, new)
    assert [o.kind for o in down.ops] == ["add_column", "data_step", "drop_table"]
    undo = down.ops[1]
    assert isinstance(undo, RunDataStep) and undo.down
    assert undo.writes == (((None, "users"), "id"), ((None, "users"), "phone"))


def test_a_step_the_previous_release_lists_does_not_run_again():
    new = _load(MOVE_2)
    later = _load(MOVE_2.replace('release: "2.0.0"', 'release: "3.0.0"'), "3.0.0.yaml")
    assert [o for o in make_plan(new, later).ops if isinstance(o, RunDataStep)] == []
    # a later release that no longer lists the step does not undo it either
    dropped = later.__class__(release="3.0.0", tables=later.tables)
    assert [o for o in make_plan(new, dropped).ops if isinstance(o, RunDataStep)] == []


def test_a_read_neither_release_has_is_an_error():
    old = _load(MOVE_1, "1.0.0.yaml")
    new = _load(MOVE_2.replace("reads: [users.id, users.phone]", "reads: [users.mobile]"))
    with pytest.raises(
        StepError, match="data step 'move_phones' of release 2.0.0 names users.mobile"
    ):
        make_plan(old, new)


def test_lint_r019_fires_without_a_step_and_stays_quiet_with_one():
    old = _load(MOVE_1, "1.0.0.yaml")
    new = _load(MOVE_2)
    bare = _load(MOVE_2[: MOVE_2.index("steps:")])
    assert "R019" not in {f.code for f in lint(make_plan(old, new))}
    found = [f for f in lint(make_plan(old, bare)) if f.code == "R019"]
    assert [f.message for f in found] == [
        "users.phone is dropped while phones appears, and no data step reads users.phone and "
        "writes a new column or table: its values are lost"
    ]
    assert "R020" not in {f.code for f in lint(make_plan(old, new))}
    split = lint(
        make_plan(
            _load(SPLIT_1, "1.0.0.yaml"),
            _load(SPLIT_2.replace(SPLIT_2[SPLIT_2.index("  downgrade:") :], "  downgrade: none\n")),
        )
    )
    assert {f.code for f in split} >= {"R020"} and "R019" not in {f.code for f in split}
    # the NOT NULL a step fills is no R004
    assert "R004" not in {f.code for f in split}


def test_enum_value_renames_read_write_and_plan():
    from tests.revisions.test_data_steps import ENUM_1, ENUM_2

    old, new = _load(ENUM_1, "1.0.0.yaml"), _load(ENUM_2)
    assert new.enums[0].renamed_values == (("warn", "warning"),)
    text = dump_snapshot(new)
    assert "renamed_values: {warn: warning}" in text
    assert load_snapshot_text(text, "2.0.0.yaml").enums[0].renamed_values == (("warn", "warning"),)
    assert make_plan(old, new).describe() == [
        "Rename value 'warn' of enum level to 'warning' in events.level"
    ]
    assert make_downgrade_plan(old, new).describe() == [
        "Rename value 'warning' of enum level to 'warn' in events.level"
    ]
    bad = ENUM_2.replace("{warn: warning}", "{warn: warned}")
    assert (
        "2.0.0.yaml:7:28: enums.level.renamed_values.warn: enum level: 'warn' is renamed to "
        "'warned', which is not one of its values (add 'warned' to values)"
    ) in _problems(bad)


def test_check_names_a_read_neither_release_has_by_file_line_and_column(tmp_path):
    from planner.cli.check_cmd import load_all
    from planner.state.steps_check import check_steps
    from tests.revisions.conftest import make_project

    bad = MOVE_2.replace("reads: [users.id, users.phone]", "reads: [users.id, users.mobile]")
    project = make_project(tmp_path / "proj", [])
    states = tmp_path / "proj" / "schema_state"
    (states / "1.0.0.yaml").write_text(MOVE_1.lstrip(), encoding="utf-8")
    (states / "2.0.0.yaml").write_text(bad.lstrip(), encoding="utf-8")
    snapshots, problems = load_all(project)
    assert problems == []
    [line] = check_steps(project, snapshots)
    assert line.endswith(
        "2.0.0.yaml:17:21: steps[0].reads[1]: data step 'move_phones' reads users.mobile, "
        "which neither release 1.0.0 nor 2.0.0 has (name a table or column of either release)"
    )
    (states / "2.0.0.yaml").write_text(MOVE_2.lstrip(), encoding="utf-8")
    assert check_steps(project, load_all(project)[0]) == []


def test_using_and_per_dialect_backfills_round_trip():
    from tests.revisions.test_data_steps import FILL_2, USING_2

    for text in (FILL_2, USING_2):
        s = _load(text)
        again = load_snapshot_text(dump_snapshot(s), "2.0.0.yaml")
        for a, b in zip(s.tables, again.tables, strict=True):
            assert [(c.using, c.backfill, c.backfill_dialects) for c in a.columns] == [
                (c.using, c.backfill, c.backfill_dialects) for c in b.columns
            ]
    price = _load(USING_2).table("items").column("price")
    assert dict(price.using)["mysql"] == "SUBSTRING_INDEX(price, ' ', -1)"
