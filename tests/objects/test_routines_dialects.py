"""MariaDB triggers, stored functions and procedures and SQLite triggers modelled end to
end (issue 14, item 4): captured without ``DEFINER``, compared by meaning (a hand-written
definition and the one the database gives back plan nothing, a real change plans one),
built by ``dbplan setup``, reported by ``drift``; entries written for the wrong dialect
are refused with file:line:column."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.dialects import get
from planner.diff import diff_snapshots
from planner.plan import make_plan
from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.errors import SnapshotError
from planner.state.session import LoadSession
from planner.state.yamlio import load_snapshot_text
from tests.objects.corpus import run_script
from tests.revisions.conftest import make_project

MARIADB = """
CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL, n int, note text)

CREATE FUNCTION label(x int, prefix varchar(10)) RETURNS varchar(40) DETERMINISTIC NO SQL
RETURN CONCAT(prefix, ': ', x)

CREATE PROCEDURE bump(IN step int)
BEGIN
  UPDATE t SET n = n + step;
END

CREATE TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW
BEGIN
  SET NEW.n = CHAR_LENGTH(NEW.name);
  SET NEW.note = label(NEW.n, 'len');
END
"""

#: the same objects as MARIADB, spelled otherwise: case, quoting, whitespace, a comment,
#: DEFINER and OR REPLACE, integer display widths, the characteristics reordered
MARIADB_BY_HAND = """\
snapshot: 1
release: 1.0.0
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(20), nullable: false}
      n: {type: Integer}
      note: {type: Text}
routines:
- kind: function
  name: label
  dialect: mysql
  definition: |-
    create or replace definer = current_user function `label`(x INT(11), prefix VARCHAR(10))
      returns VARCHAR(40) no sql deterministic
      return concat(prefix, ': ', x)
- kind: procedure
  name: bump
  dialect: mysql
  definition: CREATE PROCEDURE bump(step INT) BEGIN UPDATE `t` SET n = n + step; END
- kind: trigger
  name: t_n
  dialect: mysql
  table: t
  definition: |-
    CREATE DEFINER=`someone`@`%` TRIGGER `t_n` before insert on `t` for each row
    begin
      set new.n = char_length(new.name);  -- the length
      set new.note = label(new.n, 'len');
    end
"""

SQLITE = """
CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, n INTEGER)

CREATE TRIGGER t_n AFTER INSERT ON t
BEGIN
  UPDATE t SET n = length(NEW.name) WHERE id = NEW.id;
END
"""

SQLITE_BY_HAND = """\
snapshot: 1
release: 1.0.0
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(20), nullable: false}
      n: {type: Integer}
routines:
- kind: trigger
  name: t_n
  dialect: sqlite
  table: t
  definition: |-
    create trigger if not exists "t_n" after insert on [t] for each row begin
      update t set n = LENGTH(new.name) where id = new.id; /* its length */
    end;
"""

CASES = {
    "mysql": pytest.param(MARIADB, MARIADB_BY_HAND, "mysql_db", marks=pytest.mark.mysql),
    "sqlite": pytest.param(SQLITE, SQLITE_BY_HAND, "sqlite_db"),
}


def _run(root, *args):
    return CliRunner().invoke(cli, ["-C", str(root), *args], env={"SQLALCHEMY_DATABASE_URI": ""})


@pytest.mark.parametrize(("script", "by_hand", "fixture"), CASES.values(), ids=CASES.keys())
def test_hand_written_and_captured_plan_nothing_and_a_real_change_plans_one(
    script, by_hand, fixture, request
):
    url = request.getfixturevalue(fixture)
    run_script(url, script)
    captured = from_database(url, release="1.0.0")
    hand = load_snapshot_text(by_hand, "1.0.0.yaml")
    dialect = {r.dialect for r in captured.routines}
    assert {r.dialect for r in hand.routines} == dialect and len(dialect) == 1
    assert [r.key for r in captured.routines] == [r.key for r in hand.routines]
    assert not any("DEFINER" in r.definition for r in captured.routines)
    # same meaning, other spelling: no operation either way, no drift
    assert diff_snapshots(captured, hand) == []
    assert diff_snapshots(hand, captured) == []
    (d,) = dialect
    assert compare_snapshots(capture_for(url, hand), normalise_for(hand, d), dialect=d) == []
    # a real change of each: planned, and reported by the comparison
    for r in hand.routines:
        changed = r.definition.replace("n + step", "n - step").replace("len", "size")
        changed = changed.replace("': '", "' = '").replace("LENGTH(", "2 * LENGTH(")
        assert changed != r.definition, r
        other = dataclasses.replace(hand, routines=(dataclasses.replace(r, definition=changed),))
        base = dataclasses.replace(hand, routines=(r,))
        ops = [op.describe() for op in diff_snapshots(base, other)]
        assert ops and all(r.name in o for o in ops), ops
        diffs = compare_snapshots(capture_for(url, other), normalise_for(other, d), dialect=d)
        assert f"{r.kind} {r.name}" in "\n".join(diffs), diffs
        assert any("definition differs" in x for x in diffs), diffs


@pytest.mark.parametrize(("script", "by_hand", "fixture"), CASES.values(), ids=CASES.keys())
def test_setup_builds_the_routines_and_drift_names_a_change_by_hand(
    script, by_hand, fixture, request, tmp_path
):
    url = request.getfixturevalue(fixture)
    # run as written: a DEFINER the server lacks would refuse the trigger (capture strips it)
    by_hand = by_hand.replace("DEFINER=`someone`@`%`", "DEFINER = CURRENT_USER()")
    snap = load_snapshot_text(by_hand, "1.0.0.yaml")
    root = tmp_path / "p"
    make_project(root, [snap])
    assert _run(root, "generate", "--rev-id", "r1").exit_code == 0
    r = _run(root, "setup", "--url", url)
    assert r.exit_code == 0, r.output
    assert _run(root, "drift", "--url", url).exit_code == 0
    r = _run(root, "verify", "--url", url)
    assert r.exit_code == 0, r.output
    assert ("sql_mode" in r.output) == (fixture == "mysql_db"), r.output
    eng = sa.create_engine(url)
    try:
        with eng.begin() as c:
            c.execute(sa.text("INSERT INTO t (id, name) VALUES (1, 'abcd')"))
            assert c.execute(sa.text("SELECT n FROM t")).scalar() == 4  # the trigger ran
    finally:
        eng.dispose()
    run_script(url, "DROP TRIGGER t_n")
    r = _run(root, "drift", "--url", url)
    assert r.exit_code == 3, r.output
    assert "trigger t_n on t: missing" in r.output


@pytest.mark.mysql
def test_chain_of_a_mariadb_trigger_using_a_function(mysql_db, tmp_path):
    """The function is created before the trigger calling it, dropped after it."""
    run_script(mysql_db, MARIADB)
    b = from_database(mysql_db, release="2.0.0")
    a = dataclasses.replace(b, release="1.0.0", routines=())
    ops = [op.describe() for op in make_plan(a, b).ops]
    assert sorted(ops[:2]) == [
        "Create function label (MariaDB/MySQL)",
        "Create procedure bump (MariaDB/MySQL)",
    ]
    assert ops[2:] == ["Create trigger t_n on t (MariaDB/MySQL)"]
    ops = [op.describe() for op in make_plan(b, a).ops]
    assert ops[0] == "Drop trigger t_n on t (MariaDB/MySQL)"
    assert sorted(ops[1:]) == [
        "Drop function label (MariaDB/MySQL)",
        "Drop procedure bump (MariaDB/MySQL)",
    ]
    # and the chain runs: up builds all three, down drops them
    from planner.runtime import downgrade, upgrade
    from tests.dbcases import capture_differences, reset_database, write_chain

    reset_database(mysql_db)
    run_script(mysql_db, MARIADB.split("\n\n")[0])  # the table only
    project, revs, _ = write_chain(tmp_path / "p", [a, b], [(0, 1)])
    upgrade(project, revs[0], url=mysql_db)
    assert capture_differences(mysql_db, b) == []
    downgrade(project, "base", url=mysql_db)
    assert capture_differences(mysql_db, a) == []


HEAD = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"
PG_TRIGGER = "CREATE TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()"
MY_TRIGGER = "CREATE TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW SET NEW.id = 1"
SQ_TRIGGER = "CREATE TRIGGER t_n AFTER INSERT ON t BEGIN SELECT 1; END"


@pytest.mark.parametrize(
    ("section", "targets", "problem"),
    [
        (
            f"- {{kind: trigger, name: t_n, table: t, dialect: mysql, definition: {PG_TRIGGER}}}",
            None,
            "8:68: routines[0].definition: the definition of trigger 't_n' is written in "
            "PostgreSQL's syntax, but the entry is MariaDB/MySQL's (dialect: mysql)",
        ),
        (
            f"- {{kind: trigger, name: t_n, table: t, definition: {PG_TRIGGER}}}",
            ("mysql",),
            "8:3: routines[0]: trigger 't_n' is for PostgreSQL (no dialect: key), which is not "
            "a target dialect of this project (mysql)",
        ),
        (
            f"- {{kind: trigger, name: t_n, table: t, definition: {MY_TRIGGER}}}",
            None,
            "8:52: routines[0].definition: trigger 't_n' is not a PostgreSQL trigger",
        ),
        (
            f"- {{kind: trigger, name: t_n, table: t, dialect: sqlite, definition: {MY_TRIGGER}}}",
            None,
            "8:69: routines[0].definition: the definition of trigger 't_n' must be its "
            "CREATE TRIGGER statement",
        ),
        (
            f"- {{kind: trigger, name: t_x, table: t, dialect: sqlite, definition: {SQ_TRIGGER}}}",
            None,
            "8:69: routines[0].definition: the definition creates trigger 't_n', not 't_x'",
        ),
        (
            "- {kind: function, name: f, dialect: sqlite, definition: CREATE FUNCTION f()}",
            None,
            "8:58: routines[0].definition: SQLite has no stored functions",
        ),
        (
            "- {kind: function, name: f(), dialect: mysql, "
            "definition: CREATE FUNCTION f() RETURNS int RETURN 1}",
            None,
            "8:59: routines[0].definition: a MariaDB/MySQL function is named without its "
            "parameters: 'f()'",
        ),
        (
            "- kind: trigger\n  name: t_n\n  table: t\n  dialect: mysql\n  definition: |-\n"
            f"    DELIMITER $$\n    {MY_TRIGGER}$$\n    DELIMITER ;",
            None,
            "12:15: routines[0].definition: the definition of trigger 't_n' is a client script",
        ),
        (
            f"- {{kind: trigger, name: t_n, table: t, dialect: oracle, definition: {MY_TRIGGER}}}",
            None,
            "8:49: routines[0].dialect: unknown dialect 'oracle'",
        ),
        (
            f"- {{kind: trigger, name: t_n, table: t, schema: s, dialect: mysql, "
            f"definition: {MY_TRIGGER}}}",
            None,
            "8:48: routines[0].schema: trigger 't_n': a MariaDB/MySQL trigger has no schema",
        ),
        (
            f"- {{kind: trigger, name: t_n, table: t, dialect: mysql, definition: {MY_TRIGGER}}}\n"
            f"- {{kind: trigger, name: t_n, table: t, dialect: mysql, definition: {MY_TRIGGER}}}",
            None,
            "9:3: routines[1]: trigger 't_n' is listed twice for MariaDB/MySQL",
        ),
    ],
)
def test_entries_for_the_wrong_dialect_name_file_line_and_column(section, targets, problem):
    session = LoadSession(targets=targets) if targets else None
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + "routines:\n" + section + "\n", "1.0.0.yaml", session=session)
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_one_trigger_per_dialect_round_trips_and_each_target_gets_its_own():
    """The same trigger for PostgreSQL, MariaDB and SQLite: three entries, each in its own
    revision branch."""
    from planner.revisions.generation import render_revision
    from planner.state.yamlio import dump_snapshot

    text = (
        HEAD
        + "routines:\n"
        + f"- {{kind: trigger, name: t_n, table: t, definition: {PG_TRIGGER}}}\n"
        + f"- {{kind: trigger, name: t_n, table: t, dialect: mysql, definition: {MY_TRIGGER}}}\n"
        + f"- {{kind: trigger, name: t_n, table: t, dialect: sqlite, definition: {SQ_TRIGGER}}}\n"
    )
    s = load_snapshot_text(text, "1.0.0.yaml")
    assert [r.dialect for r in s.routines] == ["mysql", "postgresql", "sqlite"]
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
    empty = dataclasses.replace(s, release="0.9.0", routines=())
    up = render_revision(empty, s, from_release="0.9.0", to_release="1.0.0", rev_id="x").upgrades
    assert up.count("op.execute") == 3
    for statement in (PG_TRIGGER, MY_TRIGGER, SQ_TRIGGER):
        assert statement in up
    sqlite_only = render_revision(
        empty, s, from_release="0.9.0", to_release="1.0.0", rev_id="x", targets=[get("sqlite")]
    ).upgrades
    assert SQ_TRIGGER in sqlite_only and PG_TRIGGER not in sqlite_only
    assert MY_TRIGGER not in sqlite_only


def test_the_documented_routines_example_is_valid_and_canonical():
    import re
    from pathlib import Path

    from planner.state.yamlio import dump_snapshot

    doc = (Path(__file__).resolve().parents[2] / "docs" / "snapshot-format.md").read_text()
    section = doc[doc.index("## Routines: functions, procedures, triggers") :]
    example = re.search(r"```yaml\n(routines:\n.*?)```", section, re.S).group(1)
    head = (
        "snapshot: 1\nrelease: 1.0.0\ntables:\n  sites:\n    columns:\n"
        "      id: {type: Integer, primary_key: true}\n"
        "      created_at: {type: DateTime}\n      updated_at: {type: DateTime}\n"
    )
    s = load_snapshot_text(head + example, "1.0.0.yaml")
    assert {(r.kind, r.dialect) for r in s.routines} == {
        ("function", "postgresql"),
        ("trigger", "postgresql"),
        ("trigger", "mysql"),
        ("function", "mysql"),
        ("trigger", "sqlite"),
    }
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s


@pytest.mark.parametrize(("script", "by_hand", "fixture"), CASES.values(), ids=CASES.keys())
def test_objects_a_snapshot_left_alone_are_adopted_and_left_again(
    script, by_hand, fixture, request, tmp_path
):
    """A snapshot written before dbplan modelled these objects lists them under
    ``unmanaged``: it still compares clean, the release that models them replaces them
    (they exist), and the way back leaves them in place."""
    from planner.runtime import downgrade, upgrade
    from planner.state.model import Unmanaged
    from tests.dbcases import capture_differences, write_chain

    url = request.getfixturevalue(fixture)
    run_script(url, script)
    by_hand = by_hand.replace("DEFINER=`someone`@`%`", "DEFINER = CURRENT_USER()")
    b = dataclasses.replace(load_snapshot_text(by_hand, "2.0.0.yaml"), release="2.0.0")
    listed = tuple(Unmanaged(kind=r.kind, name=r.name, table=r.table) for r in b.routines)
    a = dataclasses.replace(b, release="1.0.0", routines=(), unmanaged=listed)
    assert capture_differences(url, a) == []  # left alone, and there
    assert [op.describe().split()[0] for op in make_plan(b, a).ops] == []
    project, revs, _ = write_chain(tmp_path / "p", [a, b], [(0, 1)])
    upgrade(project, revs[0], url=url)
    assert capture_differences(url, b) == []
    downgrade(project, "base", url=url)
    assert capture_differences(url, a) == []
