"""Views and materialized views modelled end to end (issue 14, items 2, 4, 5, 6): the
``views:`` section reads with file:line problems and writes canonically; a definition
written by hand and the database's normal form of the same view plan no change, a real
change plans one; ``dbplan setup`` creates views in the order they read each other;
drift reports a view changed by hand. The before/after loop is the scenario corpus
(``tests/objects/scenarios/*/view_*``, ``matview_*``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from planner.dialects import get
from planner.diff import diff_snapshots
from planner.runtime.verify import compare_snapshots
from planner.state.build import create_from_snapshot
from planner.state.capture import from_database
from planner.state.errors import SnapshotError
from planner.state.model import Column, Index, PrimaryKey, Snapshot, Table, View
from planner.state.session import LoadSession
from planner.state.yamlio import dump_snapshot, load_snapshot_text, parse_yaml
from tests.dbcases import reset_database
from tests.objects.corpus import run_script

HEAD = (
    "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n"
    "      id: {type: Integer, primary_key: true}\n      name: {type: Text}\n"
)

SECTION = """views:
- name: mv
  kind: materialized_view
  definition: |-
    SELECT t.id
       FROM t
  indexes:
    ix_mv_id: {columns: [id], unique: true}
  comment: ids
- name: v
  definition: SELECT id, name FROM t
  reads:
  - {table: t, columns: [id, name]}
"""


PG = LoadSession(targets=("postgresql",))


def test_views_section_round_trips_and_matches_the_schema():
    s = load_snapshot_text(HEAD + SECTION, "1.0.0.yaml", session=PG)
    assert [(v.name, v.kind) for v in s.views] == [("mv", "materialized_view"), ("v", "view")]
    assert s.views[0].indexes[0].unique and s.views[1].reads[0].columns == ("id", "name")
    text = dump_snapshot(s)
    assert text.endswith(SECTION)
    assert load_snapshot_text(text, "1.0.0.yaml", session=PG) == s
    schema = json.loads(
        (Path(__file__).parents[2] / "planner/state/snapshot.schema.json").read_text()
    )
    jsonschema.validate(parse_yaml(text, "1.0.0.yaml")[0], schema)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("- {name: v, kind: vue, definition: SELECT 1}", "9:19: views[0].kind: unknown view kind"),
        (
            "- {name: v, definition: CREATE VIEW v AS SELECT 1}",
            "9:25: views[0].definition: the definition of view 'v' is its SELECT body",
        ),
        (
            "- {name: t, definition: SELECT 1}",
            "9:10: views[0].name: view 't' has the name of a table",
        ),
        (
            "- {name: v, definition: SELECT 1, indexes: {ix: {columns: [a]}}}",
            "9:44: views[0].indexes: view 'v': only a materialized view has indexes",
        ),
        ("- {name: v}", "9:3: views[0]: a view needs the key 'definition'"),
        (
            "- {name: v, definition: 'SELECT 1; DROP TABLE t'}",
            "9:25: views[0].definition: the definition of view 'v' is not one statement: "
            "';' at character 9 ends the statement",
        ),
        (
            "- {name: v, definition: SELECT 1, reads: [{columns: [a]}]}",
            "9:43: views[0].reads[0]: a read names either table: or enum:",
        ),
        (
            "- {name: v, definition: SELECT 1}\n- {name: v, definition: SELECT 2}",
            "10:3: views[1]: view 'v' is listed twice",
        ),
    ],
)
def test_bad_views_name_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + "views:\n" + section + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_validation_refuses_a_materialized_view_a_target_lacks_and_unknown_reads():
    text = HEAD + SECTION.replace("[id, name]}", "[id, name]}\n  - {table: u}")
    every = LoadSession(targets=("mysql", "postgresql", "sqlite"))
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "1.0.0.yaml", session=every)
    assert [str(p) for p in e.value.problems] == [
        "1.0.0.yaml:10:9: views[0].kind: materialized view mv: no materialized views on "
        "MariaDB/MySQL, SQLite (write kind: view, or target PostgreSQL only ([tool.dbplan] "
        "dialects))",
        "1.0.0.yaml:21:13: views[1].reads[1].table: view v reads unknown table 'u' (name a "
        "table, view or enum of this snapshot, or remove the entry)",
    ]


def test_a_trigger_on_a_modelled_view_may_stay_unmanaged():
    text = HEAD + SECTION + "unmanaged:\n- {kind: trigger, name: v_ins, table: v}\n"
    assert load_snapshot_text(text, "1.0.0.yaml", session=PG).unmanaged[0].table == "v"


# ------------------------------------------------------------------ by meaning, per dialect
T = Table(
    name="t",
    columns=(
        Column(name="id", type="Integer", nullable=False),
        Column(name="name", type="String(20)", nullable=False),
    ),
    primary_key=PrimaryKey(columns=("id",)),
)
BY_HAND = "SELECT id, name FROM t WHERE name <> 'x' AND id > 1"
CHANGED = "SELECT id, name FROM t WHERE name <> 'y' AND id > 1"
CREATE_T = {
    "postgresql": "CREATE TABLE t (id serial PRIMARY KEY, name varchar(20) NOT NULL)",
    "mysql": "CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL)",
    "sqlite": "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)",
}


def _by_meaning(url: str, dialect: str) -> None:
    reset_database(url)
    run_script(url, CREATE_T[dialect] + "\n\nCREATE VIEW v AS " + BY_HAND.replace("id >", "t.id >"))
    captured = from_database(url, release="1.0.0")
    assert [v.name for v in captured.views] == ["v"] and not captured.unmanaged
    targets = [get(dialect)]
    by_hand = Snapshot(
        release="1.0.0", tables=captured.tables, views=(View(name="v", definition=BY_HAND),)
    )
    assert diff_snapshots(captured, by_hand, targets=targets) == []
    assert compare_snapshots(captured, by_hand) == []
    changed = Snapshot(
        release="1.0.0", tables=captured.tables, views=(View(name="v", definition=CHANGED),)
    )
    assert [op.describe() for op in diff_snapshots(captured, changed, targets=targets)] == [
        "Drop view v",
        "Create view v",
    ]
    assert compare_snapshots(captured, changed) == [
        "view v: definition differs from the snapshot's"
    ]


@pytest.mark.pg
def test_postgresql_definition_by_hand_equals_pg_get_viewdef(pg_db):
    _by_meaning(pg_db, "postgresql")


@pytest.mark.mysql
def test_mariadb_definition_by_hand_equals_show_create_view(mysql_db):
    _by_meaning(mysql_db, "mysql")


def test_sqlite_definition_by_hand_equals_its_own_spelling(sqlite_db):
    _by_meaning(sqlite_db, "sqlite")


@pytest.mark.pg
def test_setup_creates_views_on_views_in_order_and_drift_sees_a_change(pg_db):
    # v_top reads v_mid reads mv: listed in the opposite order of their dependencies
    views = (
        View(name="a_top", definition="SELECT id FROM b_mid WHERE id > 0"),
        View(name="b_mid", definition="SELECT id, name FROM c_mv"),
        View(
            name="c_mv",
            kind="materialized_view",
            definition="SELECT id, name FROM t",
            comment="all of t",
        ),
    )
    snap = Snapshot(release="1.0.0", tables=(T,), views=views)
    reset_database(pg_db)
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    try:
        create_from_snapshot(eng, snap)
    finally:
        eng.dispose()
    captured = from_database(pg_db, release="1.0.0")
    assert [v.name for v in captured.views] == ["a_top", "b_mid", "c_mv"]
    assert compare_snapshots(captured, snap) == []
    run_script(pg_db, "CREATE OR REPLACE VIEW a_top AS SELECT id FROM b_mid WHERE id > 5")
    assert compare_snapshots(from_database(pg_db, release="1.0.0"), snap) == [
        "view a_top: definition differs from the snapshot's"
    ]


#: queries written by hand, each compared with the normal form its database stores
QUERIES = [
    "SELECT id, name FROM t ORDER BY name",
    "SELECT DISTINCT name FROM t",
    "SELECT t.id, u.note FROM t JOIN u ON u.t_id = t.id WHERE u.note IS NOT NULL",
    "SELECT id, CASE WHEN k > 1 THEN 'big' ELSE 'small' END AS size FROM t",
    "SELECT id FROM t WHERE k IN (1, 2, 3)",
    "SELECT id FROM t WHERE name LIKE 'a%:x'",
    "SELECT id FROM t WHERE id IN (SELECT t_id FROM u)",
    "SELECT id, coalesce(name, '') AS name FROM t LIMIT 10",
    "SELECT k, count(*) AS n FROM t GROUP BY k HAVING count(*) > 1",
    "SELECT id FROM t WHERE k BETWEEN 1 AND 5",
    "SELECT a.id FROM t a LEFT JOIN u b ON b.t_id = a.id",
    "SELECT id FROM t UNION SELECT t_id FROM u",
    "SELECT upper(name) AS n FROM t",
    "SELECT id FROM t WHERE name = 'x' OR k = 1 AND id > 2",
]


@pytest.mark.parametrize(
    ("dialect", "fixture"),
    [
        pytest.param("postgresql", "pg_db", marks=pytest.mark.pg),
        pytest.param("mysql", "mysql_db", marks=pytest.mark.mysql),
        ("sqlite", "sqlite_db"),
    ],
)
def test_queries_by_hand_equal_their_normal_form_and_differ_from_each_other(
    dialect, fixture, request
):
    from planner.viewsql import same_definition

    url = request.getfixturevalue(fixture)
    reset_database(url)
    script = [
        "CREATE TABLE t (id int PRIMARY KEY, name varchar(20), k int)",
        "CREATE TABLE u (id int PRIMARY KEY, t_id int, note text)",
        *(f"CREATE VIEW v{i:02d} AS {q}" for i, q in enumerate(QUERIES)),
    ]
    run_script(url, "\n\n".join(script))
    s = from_database(url, release="1.0.0")
    stored = {v.name: v.definition for v in s.views}
    assert len(stored) == len(QUERIES)
    for i, q in enumerate(QUERIES):
        assert same_definition(q, stored[f"v{i:02d}"], dialect, s), (q, stored[f"v{i:02d}"])
        other = stored[f"v{(i + 1) % len(QUERIES):02d}"]
        assert not same_definition(q, other, dialect, s), (q, other)


def test_sqlite_view_spellings_and_a_column_list_left_unmanaged(sqlite_db):
    reset_database(sqlite_db)
    run_script(
        sqlite_db,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)\n\n"
        'CREATE VIEW "my view" AS SELECT id FROM t\n\n'
        "CREATE VIEW IF NOT EXISTS [v2]\n  AS\n  SELECT name FROM t\n\n"
        "CREATE VIEW v3 (a, b) AS SELECT id, name FROM t",
    )
    s = from_database(sqlite_db, release="1.0.0")
    assert [(v.name, v.definition) for v in s.views] == [
        ("my view", "SELECT id FROM t"),
        ("v2", "SELECT name FROM t"),
    ]
    assert [(u.kind, u.name) for u in s.unmanaged] == [("view", "v3")]


@pytest.mark.pg
def test_postgresql_view_with_check_option_or_a_function_stays_unmanaged(pg_db):
    reset_database(pg_db)
    run_script(
        pg_db,
        "CREATE TABLE t (id serial PRIMARY KEY, n int)\n\n"
        "CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2'\n\n"
        "CREATE VIEW v_checked AS SELECT id, n FROM t WHERE n > 0 WITH CHECK OPTION\n\n"
        "CREATE VIEW v_fn AS SELECT id, twice(n) AS n2 FROM t\n\n"
        "CREATE VIEW v_on_fn AS SELECT id FROM v_fn\n\n"
        "CREATE VIEW v_plain AS SELECT id FROM t",
    )
    s = from_database(pg_db, release="1.0.0")
    assert [v.name for v in s.views] == ["v_plain"]
    assert {(u.kind, u.name) for u in s.unmanaged if u.kind == "view"} == {
        ("view", "v_checked"),
        ("view", "v_fn"),
        ("view", "v_on_fn"),
    }


@pytest.mark.pg
def test_verify_builds_views_both_ways_and_pg_dump_agrees(pg_db, tmp_path):
    """``verify --pg-dump`` on a PostgreSQL project whose releases add, change and
    re-create views (a type change under them) and a materialized view's index."""
    from click.testing import CliRunner

    from planner.cli import cli
    from tests.revisions.conftest import make_project

    t2 = Table(
        name="t",
        columns=(T.columns[0], Column(name="name", type="String(80)", nullable=False)),
        primary_key=T.primary_key,
    )
    mv = View(name="mv", kind="materialized_view", definition="SELECT t.id FROM t")
    a = Snapshot(release="1.0.0", tables=(T,), views=(View(name="v", definition=BY_HAND), mv))
    b = Snapshot(
        release="2.0.0",
        tables=(t2,),
        views=(
            View(name="v", definition=BY_HAND),
            View(name="w", definition="SELECT v.name FROM v", comment="names"),
            dataclasses.replace(mv, indexes=(Index(name="ix_mv", columns=("id",), unique=True),)),
        ),
    )
    root = tmp_path / "p"
    make_project(root, [a, b])
    toml = root / "pyproject.toml"
    toml.write_text(toml.read_text() + 'dialects = ["postgresql"]\n')
    run = lambda *args: CliRunner().invoke(  # noqa: E731
        cli, ["-C", str(root), *args], env={"SQLALCHEMY_DATABASE_URI": ""}
    )
    for args in (("empty", "1.0.0", "--rev-id", "r1"), ("--rev-id", "r2")):
        r = run("generate", *args)
        assert r.exit_code == 0, r.output
    reset_database(pg_db)
    r = run("verify", "--url", pg_db, "--pg-dump")
    assert r.exit_code == 0, r.output
    assert "2.0.0 after upgrade: ok" in r.output and "pg_dump compared" in r.output, r.output
