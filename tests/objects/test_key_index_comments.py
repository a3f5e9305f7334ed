"""Comments on the index backing a PostgreSQL primary key, unique or exclusion constraint
(``index_comment:``): loaded and written back, refused where a target has none
(file:line:column), one operation when only the comment changes, written after the
constraint is (re)created, and compared by drift and verify. (The database loop is the
corpus: ``tests/objects/scenarios/postgresql/comment_key_index_*``; the revision text is
the golden case ``tests/cases/pg_type_and_key_index_comments``.)"""

from __future__ import annotations

import dataclasses

import pytest

from planner.plan import make_plan
from planner.state.errors import SnapshotError
from planner.state.reader import parse_yaml
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.dbcases import capture_differences
from tests.objects.corpus import build, run_script

TEXT = """snapshot: 1
release: 1.0.0
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      b: {type: Integer}
    primary_key: {comment: the constraint, index_comment: "the key's index"}
    unique:
      uq_t_b: {columns: [b], index_comment: 'one b: one row'}
    exclusions:
      ex_t:
        using: btree
        elements:
        - {column: b, operator: '='}
        index_comment: no two
"""


def test_each_index_comment_round_trips_in_canonical_form():
    s = load_snapshot_text(TEXT, "1.0.0.yaml")
    t = s.table("t")
    assert (t.primary_key.comment, t.primary_key.index_comment) == (
        "the constraint",
        "the key's index",
    )
    assert [(u.comment, u.index_comment) for u in t.uniques] == [(None, "one b: one row")]
    assert [e.index_comment for e in t.exclusions] == ["no two"]
    assert dump_snapshot(s, schema_ref=None) == TEXT


def test_the_json_schema_takes_each_index_comment():
    import json
    from pathlib import Path

    import jsonschema
    import yaml

    path = Path(__file__).resolve().parents[2] / "planner" / "state" / "snapshot.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    doc = yaml.safe_load(TEXT)
    jsonschema.validate(doc, schema)
    doc["tables"]["t"]["primary_key"]["index_note"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


@pytest.mark.parametrize(
    "entry, problem",
    [
        ("    primary_key: {index_comment: 5}\n", "7:34: tables.t.primary_key.index_comment"),
        ("    unique: {uq: {columns: [id], index_comment: [a]}}\n", "unique.uq.index_comment"),
    ],
)
def test_a_bad_index_comment_names_its_path(entry, problem):
    head = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(head + entry, "1.0.0.yaml")
    assert problem in str(e.value) and "expected a comment" in str(e.value), str(e.value)


def test_targets_without_them_refuse_each_naming_its_line():
    s = load_snapshot_text(TEXT, "1.0.0.yaml")
    _, sm, _ = parse_yaml(TEXT, "1.0.0.yaml")
    got = [str(p) for p in validate(s, source_map=sm, file="1.0.0.yaml",
                                    targets=["postgresql", "sqlite"])]  # fmt: skip
    line = TEXT.splitlines().index("        index_comment: no two") + 1
    assert (
        f"1.0.0.yaml:{line}:24: tables.t.exclusions.ex_t.index_comment: comment of the index "
        "of exclusion constraint ex_t of t: SQLite has no key index comments (a target "
        "dialect) (leave out index_comment:, or make PostgreSQL the only target "
        '([tool.dbplan] dialects = ["postgresql"]))'
    ) in got
    assert any("comment of the index of primary key of t" in p for p in got), got
    assert any("comment of the index of unique uq_t_b of t" in p for p in got), got
    assert not [p for p in validate(s, targets=["postgresql"]) if "index" in str(p)]


def test_an_index_comment_alone_is_one_operation_and_a_recreated_unique_keeps_its_new_one():
    a = load_snapshot_text(TEXT, "1.0.0.yaml")
    t = a.table("t")
    b = a.replace_table(
        dataclasses.replace(
            t,
            primary_key=dataclasses.replace(t.primary_key, index_comment=None),
            uniques=(dataclasses.replace(t.uniques[0], columns=("b", "id"), index_comment="x"),),
            exclusions=(dataclasses.replace(t.exclusions[0], index_comment="none equal"),),
        )
    )
    b = dataclasses.replace(b, release="1.1.0")
    plan = make_plan(a, b)
    assert [op.describe() for op in plan.ops] == [
        "Drop unique constraint uq_t_b on t",
        "Add unique constraint uq_t_b on t (b, id)",
        "Set the comment of the index of exclusion constraint ex_t on t to 'none equal'",
        "Remove the comment of the index of primary key on t",
    ]
    from planner.revisions.emit import render_body

    body = render_body(plan)
    assert "COMMENT ON INDEX \"uq_t_b\" IS \\'x\\'" in body, body
    assert 'COMMENT ON INDEX "t_pkey" IS NULL' in body, body
    assert [op.kind for op in make_plan(b, a).ops][-2:] == ["set_constraint_index_comment"] * 2


def test_drift_names_an_index_comment_changed_by_hand(pg_db):
    s = build(
        pg_db,
        "CREATE TABLE t (id int PRIMARY KEY, b int CONSTRAINT uq_t_b UNIQUE)\n\n"
        "COMMENT ON INDEX uq_t_b IS 'one b'",
        "1.0.0",
    )
    assert s.table("t").uniques[0].index_comment == "one b"
    assert not any(u.kind == "comment" for u in s.unmanaged)
    assert capture_differences(pg_db, s) == []
    run_script(pg_db, "COMMENT ON INDEX uq_t_b IS NULL\n\nCOMMENT ON INDEX t_pkey IS 'k'")
    assert capture_differences(pg_db, s) == [
        "t: primary key: comment of its index k, snapshot says none",
        "t: unique uq_t_b: comment of its index none, snapshot says one b",
    ]
