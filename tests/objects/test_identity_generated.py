"""Identity and generated columns beyond the corpus's loop: managed rows with given ids
in an identity ALWAYS table, row capture leaving generated columns out, expressions
compared by meaning, drift naming a generation changed by hand, and validation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from planner.runtime import downgrade, upgrade
from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.errors import SnapshotError
from planner.state.session import LoadSession
from planner.state.shape import load_snapshot_text
from planner.state.writer import dump_snapshot
from tests.dbcases import capture_differences, write_chain
from tests.objects.corpus import run_script

ROWS = """\
snapshot: 1
release: "2.0.0"
tables:
  units:
    columns:
      id: {type: Integer, primary_key: true, identity: always}
      code: {type: String(10), nullable: false}
      n: {type: Integer, nullable: false, identity: by_default}
      twice: {type: Integer, generated: {expression: n * 2}}
    unique:
      uq_units_code: [code]
    rows:
      key: [code]
      values:
        - {id: 5, code: kg, n: 7}
        - {id: 9, code: m, n: 8}
"""


@pytest.mark.pg
def test_rows_with_ids_go_into_an_identity_always_table_and_the_sequences_move_on(pg_db, tmp_path):
    from planner.state.model import Snapshot

    b = load_snapshot_text(ROWS, "2.0.0.yaml")
    a = Snapshot(release="1.0.0")
    project, revs, _ = write_chain(tmp_path / "p", [a, b], [(0, 1)])
    upgrade(project, revs[0], url=pg_db)
    assert capture_differences(pg_db, b) == []
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    with eng.begin() as c:
        # the table is ALWAYS again, and the next ids follow the managed rows'
        with pytest.raises(sa.exc.DBAPIError, match="cannot insert a non-DEFAULT value"):
            with c.begin_nested():
                c.execute(sa.text("INSERT INTO units (id, code) VALUES (1, 'x')"))
        got = c.execute(sa.text("INSERT INTO units (code) VALUES ('s') RETURNING id, n, twice"))
        assert got.one() == (10, 9, 18)
        c.execute(sa.text("DELETE FROM units WHERE code = 's'"))
    eng.dispose()
    downgrade(project, "base", url=pg_db)
    assert capture_differences(pg_db, a) == []


GENERATED = {
    "postgresql": "CREATE TABLE t (id int PRIMARY KEY, a int, g int GENERATED ALWAYS AS (a * 2) STORED)",
    "mysql": "CREATE TABLE t (id int PRIMARY KEY, a int, g int AS (a * 2) PERSISTENT)",
    "sqlite": "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, g INTEGER AS (a * 2) STORED)",
}


def _dialect(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    return "mysql" if name in ("mysql", "mariadb") else name


def test_rows_capture_leaves_generated_columns_out_and_expressions_compare_by_meaning(db_url):
    d = _dialect(db_url)
    run_script(db_url, GENERATED[d] + "\n\nINSERT INTO t (id, a) VALUES (1, 2)")
    s = from_database(db_url, release="1.0.0", rows_of=["t"])
    t = s.table("t")
    assert t.column("g").generated is not None and t.column("g").generated.stored
    assert [dict(r) for r in t.rows.rows] == [{"id": 1, "a": 2}]
    # the snapshot round-trips, and a hand-written spelling of the same expression is
    # the same column to drift; another expression is a difference
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
    for text, same in (("(a) * 2", True), ("2 * a + 0", False)):
        col = t.column("g")
        hand = col.__class__(**{**_fields(col), "generated": _gen(text)})
        t2 = t.__class__(**{**_fields(t), "columns": (*t.columns[:2], hand)})
        want = s.replace_table(t2)
        diffs = compare_snapshots(capture_for(db_url, want), normalise_for(want, d), dialect=d)
        assert (diffs == []) is same, diffs
        if not same:
            assert diffs == [f"t.g: generated (a * 2) STORED, snapshot says ({text}) STORED"]


def _fields(obj) -> dict:
    import dataclasses

    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _gen(text: str):
    from planner.state.model import Generated

    return Generated(expression=text, stored=True)


BAD = """\
snapshot: 1
release: "1"
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true, identity: always}
      a: {type: Integer, generated: {expression: id + 1, stored: false}}
      b: {type: Text, nullable: false, identity: by_default, server_default: "'x'"}
    rows:
      key: [id]
      values:
        - {id: 1, a: 2}
"""


def test_validation_refuses_what_the_targets_refuse():
    def problems(targets):
        with pytest.raises(SnapshotError) as e:
            load_snapshot_text(BAD, "1.yaml", session=LoadSession(targets=targets))
        return str(e.value).splitlines()

    common = [
        "1.yaml:8:17: tables.t.columns.b.type: identity column t.b has type Text, not an "
        "integer type (make it SmallInteger, Integer or BigInteger, or drop identity)",
        "1.yaml:8:78: tables.t.columns.b.server_default: identity column t.b has a server "
        "default (the identity gives its values) (drop server_default or identity)",
        "1.yaml:12:22: tables.t.rows.values[0].a: a managed row of t gives generated column a "
        "a value (the database computes it) (remove a from the row)",
    ]
    assert [p for p in problems(None) if "targets" not in p and "virtual" not in p] == common
    assert len(problems(None)) == 3
    pg_only = problems(("postgresql",))
    assert any("t.a is virtual, and PostgreSQL stores" in p for p in pg_only)
    assert len(pg_only) == 4
    mixed = problems(("postgresql", "sqlite"))
    assert sum("identity columns are PostgreSQL's, and the project targets SQLite" in p
               for p in mixed) == 2  # fmt: skip


def test_a_generated_column_becoming_plain_keeps_its_values(db_url, tmp_path):
    import dataclasses

    d = _dialect(db_url)
    run_script(db_url, GENERATED[d] + "\n\nINSERT INTO t (id, a) VALUES (1, 2)")
    a = from_database(db_url, release="1.0.0")
    t = a.table("t")
    plain = dataclasses.replace(t.column("g"), generated=None)
    b = dataclasses.replace(a.replace_table(t.__class__(**{**_fields(t), "columns": (
        *t.columns[:2], plain)})), release="2.0.0")  # fmt: skip
    project, revs, _ = write_chain(tmp_path / "p", [a, b], [(0, 1)])
    upgrade(project, revs[0], url=db_url)
    assert capture_differences(db_url, b) == []
    eng = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with eng.begin() as c:
        assert c.execute(sa.text("SELECT a, g FROM t")).all() == [(2, 4)]
        c.execute(sa.text("UPDATE t SET a = 5"))  # a plain column now: not computed
        assert c.execute(sa.text("SELECT a, g FROM t")).all() == [(5, 4)]
    eng.dispose()


def test_the_keys_round_trip_through_yaml_and_the_cache():
    from planner.state.cache import _dumps_snapshot, _loads_snapshot

    s = load_snapshot_text(ROWS, "2.0.0.yaml")
    col = s.table("units").column
    assert (col("id").identity, col("n").identity) == ("always", "by_default")
    assert col("twice").generated.expression == "n * 2" and col("twice").generated.stored
    text = dump_snapshot(s)
    assert "identity: always" in text and "generated: {expression: n * 2}" in text
    assert load_snapshot_text(text, "2.0.0.yaml") == s
    assert _loads_snapshot(_dumps_snapshot(s)) == s
