"""Comments on PostgreSQL constraints and policies (``comment:`` of a primary key, foreign
key, unique, check, exclusion constraint and policy): loaded and written back, refused
where a target has none (file:line:column), one operation when only the comment changes,
and compared by drift and verify. (The database loop is the corpus:
``tests/objects/scenarios/postgresql/comment_{constraint,policy}_*``; the revision text is
the golden case ``tests/cases/pg_constraint_comments``.)"""

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
  p:
    columns:
      id: {type: Integer, primary_key: true}
  t:
    columns:
      id: {type: Integer, primary_key: true}
      p_id: {type: Integer}
      b: {type: Integer}
      r: {type: Text}
    primary_key: {comment: "the key's"}
    foreign_keys:
      fk_t_p:
        columns: [p_id]
        references: {table: p, columns: [id]}
        comment: to p
    unique:
      uq_t_b: {columns: [b], comment: 'one b, one row'}
    checks:
      ck_plain: b < 100
      ck_t_b: {sqltext: b > 0, comment: positive}
    exclusions:
      ex_t:
        using: btree
        elements:
        - {column: b, operator: '='}
        comment: 'no two: {x}'
    row_level_security: enabled
    policies:
      own: {using: r = current_user, comment: 'own rows: 50%'}
"""


def _ops(a, b) -> list[str]:
    return [op.describe() for op in make_plan(a, b).ops]


def test_each_comment_round_trips_in_canonical_form():
    s = load_snapshot_text(TEXT, "1.0.0.yaml")
    t = s.table("t")
    assert t.primary_key.comment == "the key's"
    assert [fk.comment for fk in t.foreign_keys] == ["to p"]
    assert [u.comment for u in t.uniques] == ["one b, one row"]
    assert [c.comment for c in t.checks] == [None, "positive"]
    assert [e.comment for e in t.exclusions] == ["no two: {x}"]
    assert [p.comment for p in t.policies] == ["own rows: 50%"]
    assert dump_snapshot(s, schema_ref=None) == TEXT


def test_the_json_schema_takes_each_comment_and_refuses_a_stray_key():
    import json
    from pathlib import Path

    import jsonschema
    import yaml

    path = Path(__file__).resolve().parents[2] / "planner" / "state" / "snapshot.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    doc = yaml.safe_load(TEXT)
    jsonschema.validate(doc, schema)
    doc["tables"]["t"]["checks"]["ck_t_b"]["note"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


@pytest.mark.parametrize(
    "entry, problem",
    [
        (
            "    checks: {ck: {comment: c}}\n",
            "tables.t.checks.ck: check 'ck' needs the key 'sqltext'",
        ),
        ("    checks: {ck: {sqltext: id > 0, comment: [a]}}\n", "expected a comment"),
        ("    checks: {ck: {sqltext: id > 0, note: a}}\n", "unknown key 'note'"),
        (
            "    primary_key: {comment: {a: 1}}\n",
            "tables.t.primary_key.comment: expected a comment",
        ),
        ("    unique: {uq: {columns: [id], comment: 3}}\n", "tables.t.unique.uq.comment"),
    ],
)
def test_a_bad_comment_names_its_path(entry, problem):
    head = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(head + entry, "1.0.0.yaml")
    assert problem in str(e.value), str(e.value)


def test_targets_without_constraint_comments_refuse_each_naming_its_line():
    s = load_snapshot_text(TEXT, "1.0.0.yaml")
    _, sm, _ = parse_yaml(TEXT, "1.0.0.yaml")
    got = [str(p) for p in validate(s, source_map=sm, file="1.0.0.yaml",
                                    targets=["postgresql", "mysql"])]  # fmt: skip
    lines = TEXT.splitlines()
    fk_line = lines.index("        comment: to p") + 1
    assert (
        f"1.0.0.yaml:{fk_line}:18: tables.t.foreign_keys.fk_t_p.comment: comment of foreign "
        "key fk_t_p of t: MariaDB/MySQL has no constraint comments (a target dialect) (leave "
        'out comment:, or make PostgreSQL the only target ([tool.dbplan] dialects = ["postgresql"]))'
    ) in got
    for what in ("primary key of t", "unique uq_t_b", "check ck_t_b", "exclusion constraint ex_t"):
        assert any(f"comment of {what}" in p for p in got), (what, got)
    assert any("comment of policy own of t: MariaDB/MySQL has no policy comments" in p for p in got)
    assert not validate(s, targets=["postgresql"])
    assert not validate(s)  # no targets named


def test_a_comment_alone_is_one_operation_and_a_changed_constraint_keeps_its_new_one():
    a = load_snapshot_text(TEXT, "1.0.0.yaml")
    t = a.table("t")
    respelled = dataclasses.replace(t.checks[1], sqltext="(b > 0)", comment="strictly")
    b = a.replace_table(
        dataclasses.replace(
            t,
            primary_key=dataclasses.replace(t.primary_key, comment=None),
            checks=(t.checks[0], respelled),  # the same check by meaning
            uniques=(dataclasses.replace(t.uniques[0], columns=("b", "r"), comment="pairs"),),
            policies=(dataclasses.replace(t.policies[0], comment=None),),
        )
    )
    b = dataclasses.replace(b, release="1.1.0")
    assert _ops(a, b) == [
        "Drop unique constraint uq_t_b on t",
        "Add unique constraint uq_t_b on t (b, r)",
        "Set the comment of check ck_t_b on t to 'strictly'",
        "Remove the comment of primary key on t",
        "Remove the comment of policy own on t",
    ]
    assert _ops(b, a)[-3:] == [
        "Set the comment of check ck_t_b on t to 'positive'",
        'Set the comment of primary key on t to "the key\'s"',
        "Set the comment of policy own on t to 'own rows: 50%'",
    ]


def test_drift_names_a_constraint_or_policy_comment_changed_by_hand(pg_db):
    s = build(
        pg_db,
        "CREATE TABLE t (id int PRIMARY KEY, r text, CONSTRAINT ck_t_r CHECK (r <> ''))\n\n"
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY\n\n"
        "CREATE POLICY own ON t USING (r = current_user)\n\n"
        "COMMENT ON CONSTRAINT ck_t_r ON t IS 'named'\n\n"
        "COMMENT ON POLICY own ON t IS 'own rows'",
        "1.0.0",
    )
    t = s.table("t")
    assert [c.comment for c in t.checks] == ["named"] and t.policies[0].comment == "own rows"
    assert not any(u.kind == "comment" for u in s.unmanaged)
    assert capture_differences(pg_db, s) == []
    run_script(
        pg_db,
        "COMMENT ON CONSTRAINT ck_t_r ON t IS 'other'\n\nCOMMENT ON CONSTRAINT t_pkey ON t IS 'k'"
        "\n\nCOMMENT ON POLICY own ON t IS NULL",
    )
    assert capture_differences(pg_db, s) == [
        "t: primary key: comment k, snapshot says none",
        "t: check ck_t_r: comment other, snapshot says named",
        "t: policy own: comment none, snapshot says own rows",
    ]


def test_constraint_comments_round_trip_through_sqlalchemy_models():
    from planner.state.capture_models import from_metadata, to_metadata

    s = load_snapshot_text(TEXT, "1.0.0.yaml")
    t = s.table("t")
    # SQLAlchemy's models have no exclusions or policies: the keys and constraints only
    plain = s.replace_table(
        dataclasses.replace(t, exclusions=(), policies=(), row_level_security=None)
    )
    back = from_metadata(to_metadata(plain), release="1.0.0")
    assert back.table("t") == plain.table("t")
    assert back.table("t").primary_key.comment == "the key's"
