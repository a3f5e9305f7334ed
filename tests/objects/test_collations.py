"""Column collations (``collation:``) beyond the corpus's loop: the key through YAML, the
cache and SQLAlchemy models, validation naming file:line, a collation changed by hand
found by the comparison (drift/verify), and the plan's edges with their reasons."""

from __future__ import annotations

import pytest

from planner.graph import build_graph
from planner.ops import AlterColumnCollation, AlterColumnType
from planner.plan import make_plan
from planner.state.errors import SnapshotError
from planner.state.session import LoadSession
from planner.state.shape import load_snapshot_text
from planner.state.writer import dump_snapshot
from tests.dbcases import capture_differences
from tests.objects.corpus import build, run_script

TEXT = """\
snapshot: 1
release: "1"
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(20), collation: C}
      note: {type: Text, collation: ci}
collations:
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}
"""


def test_the_key_round_trips_through_yaml_the_cache_and_models():
    from planner.state.cache import _dumps_snapshot, _loads_snapshot
    from planner.state.capture_models import from_metadata, to_metadata

    s = load_snapshot_text(TEXT, "1.yaml")
    assert [c.collation for c in s.table("t").columns] == [None, "C", "ci"]
    text = dump_snapshot(s)
    assert "name: {type: String(20), collation: C}" in text
    assert load_snapshot_text(text, "1.yaml") == s
    assert _loads_snapshot(_dumps_snapshot(s)) == s
    md = to_metadata(s)
    assert md.tables["t"].c.name.type.collation == "C"
    back = from_metadata(md, release="1")
    assert [c.collation for c in back.table("t").columns] == [None, "C", "ci"]


BAD = """\
snapshot: 1
release: "1"
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true, collation: C}
      a: {type: Text, collation: nocase}
      b: {type: String(10), collation: utf8mb4_bin}
"""


def test_validation_refuses_a_collation_off_strings_and_of_another_shape():
    def problems(targets):
        with pytest.raises(SnapshotError) as e:
            load_snapshot_text(BAD, "1.yaml", session=LoadSession(targets=targets))
        return str(e.value).splitlines()

    off = (
        "1.yaml:6:57: tables.t.columns.id.collation: column t.id has a collation, and its "
        "type Integer is not a string type (drop collation, or make the column String or "
        "Text)"
    )
    assert problems(None) == [off]
    sqlite = problems(("sqlite",))
    assert (
        "1.yaml:7:34: tables.t.columns.a.collation: column t.a: collation 'nocase' is not "
        "one of SQLite's (write NOCASE: SQLite's collations are BINARY, NOCASE and RTRIM)"
    ) in sqlite
    assert any("collation 'utf8mb4_bin' is not one of SQLite's" in p for p in sqlite)
    mysql = problems(("mysql",))
    assert any("t.id: collation 'C' is not one of MariaDB/MySQL's" in p for p in mysql)
    assert not any("t.b" in p for p in mysql)
    assert problems(("postgresql",)) == [off]


def test_a_retyped_column_gets_its_collation_after_the_type_and_the_collation_first():
    before = load_snapshot_text(
        'snapshot: 1\nrelease: "1"\ntables:\n  t:\n    columns:\n'
        "      id: {type: Integer, primary_key: true}\n      n: {type: Integer}\n",
        "1.yaml",
    )
    after = load_snapshot_text(
        TEXT.replace('release: "1"', 'release: "2"').replace("note: {type: Text", "n: {type: Text"),
        "2.yaml",
    )
    plan = make_plan(before, after)
    ops = list(plan.ops)
    g = build_graph(ops)
    reasons = {(ops[u].describe(), ops[v].describe()): g.edges[u, v]["reason"] for u, v in g.edges}
    retype = next(o for o in ops if isinstance(o, AlterColumnType)).describe()
    collate = next(
        o for o in ops if isinstance(o, AlterColumnCollation) and o.column == "n"
    ).describe()
    assert "the collation is written with the column's new type" in reasons[(retype, collate)]
    assert "needs collation ci" in reasons[("Create collation ci", collate)]


@pytest.mark.pg
def test_drift_finds_a_collation_changed_by_hand(pg_db):
    a = build(pg_db, 'CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE "C")', "1.0.0")
    assert a.table("t").column("name").collation == "C"
    assert capture_differences(pg_db, a) == []
    run_script(pg_db, 'ALTER TABLE t ALTER COLUMN name TYPE text COLLATE "POSIX"')
    assert capture_differences(pg_db, a) == ["t.name: collation POSIX, snapshot says C"]
    run_script(pg_db, "ALTER TABLE t ALTER COLUMN name TYPE text")
    assert capture_differences(pg_db, a) == ["t.name: collation none, snapshot says C"]


@pytest.mark.pg
def test_a_collation_of_another_schema_stays_unmanaged(pg_db):
    s = build(
        pg_db,
        "CREATE SCHEMA other\n\nCREATE COLLATION other.ci (provider = icu, locale = "
        "'und-u-ks-level2', deterministic = false)\n\n"
        "CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE other.ci)",
        "1.0.0",
    )
    assert s.table("t").column("name").collation is None
    assert [(u.kind, u.name, u.table) for u in s.unmanaged if u.kind == "collate"] == [
        ("collate", "name", "t")
    ]
