"""``dbplan verify --data FILE``: users' rows loaded at the first release, proved after
every revision up and down, on real PostgreSQL, MariaDB and SQLite.

A scratch project of three releases, its revisions written by ``dbplan generate``:

* 1.0.0: ``people (id, name, age Integer, nick, city)``;
* 2.0.0: ``name`` renamed to ``full_name``, ``age`` becomes ``String(10)`` (compared
  by meaning: 36 is '36'), ``city``
  becomes NOT NULL with a ``backfill`` (an operation that writes the users' NULLs);
* 3.0.0: ``nick`` dropped (a gated drop, ``--allow-destructive``).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from planner.review.reports import load_schema
from tests.safety.helpers import dbplan, generate_chain, new_project

pytestmark = pytest.mark.xdist_group("scratch_databases")

V1 = """\
snapshot: 1
release: "1.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
      age: {type: Integer}
      nick: {type: String(20)}
      city: {type: String(30)}
      born: {type: Date}
      active: {type: Boolean, nullable: false, server_default: 'true'}
      prefs: {type: JSON}
  tags:
    columns:
      person_id: {type: Integer, primary_key: true}
      tag: {type: String(20), primary_key: true}
"""

V2 = """\
snapshot: 1
release: "2.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      full_name: {type: String(40), nullable: false, renamed_from: name}
      age: {type: String(10)}
      nick: {type: String(20)}
      city: {type: String(30), nullable: false, backfill: "'unknown'"}
      born: {type: Date}
      active: {type: Boolean, nullable: false, server_default: 'true'}
      prefs: {type: JSON}
  tags:
    columns:
      person_id: {type: Integer, primary_key: true}
      tag: {type: String(20), primary_key: true}
"""

V3 = """\
snapshot: 1
release: "3.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      full_name: {type: String(40), nullable: false}
      age: {type: String(10)}
      city: {type: String(30), nullable: false, backfill: "'unknown'"}
      born: {type: Date}
      active: {type: Boolean, nullable: false, server_default: 'true'}
      prefs: {type: JSON}
  tags:
    columns:
      person_id: {type: Integer, primary_key: true}
      tag: {type: String(20), primary_key: true}
"""

DATA = """\
people:
  - {id: 11, name: Ada, age: 36, nick: countess, city: London, born: 1815-12-10, active: false}
  - {id: 12, name: Bob, age: 41, nick: null, city: null, prefs: {theme: dark, sizes: [1, 2]}}
  - {id: 13, name: "O'Hara; Jr", age: null, nick: oh, city: Cork}
  - {name: Dee, age: 5}
tags:
  - {person_id: 11, tag: math}
"""
# Dee's id is the database's: explicit ids do not move a PostgreSQL sequence, so the
# explicit ones stay clear of the ids it hands out


def _project(tmp_path: Path, *texts: str) -> Path:
    root = new_project(tmp_path / "p")
    for text in texts:
        release = text.split('release: "', 1)[1].split('"', 1)[0]
        (root / "schema_state" / f"{release}.yaml").write_text(text, encoding="utf-8")
    generate_chain(root, [t.split('release: "', 1)[1].split('"', 1)[0] for t in texts])
    (root / "users.yaml").write_text(DATA, encoding="utf-8")
    return root


def _verify(root: Path, url: str, *args: str):
    where = () if url.startswith("sqlite") else ("--url", url)
    return dbplan(root, "verify", *where, *args, check=False)


def _revision(root: Path, release: str) -> Path:
    (path,) = (root / "migrations" / "versions").glob(f"*_{release.replace('.', '_')}.py")
    return path


def _inject(root: Path, release: str, statement: str, *, code: str | None = None) -> None:
    """Hand-edit the generated upgrade of ``release``: ``statement`` (or Python ``code``)
    runs at its end."""
    path = _revision(root, release)
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition("\ndef downgrade")
    assert sep, path
    line = code if code is not None else f"op.execute({statement!r})"
    path.write_text(head.rstrip("\n") + f"\n    {line}\n\n{sep}{tail}", encoding="utf-8")


def test_rename_and_type_change_keep_users_rows_up_and_down(tmp_path, db_url):
    root = _project(tmp_path, V1, V2, V3)
    r = _verify(root, db_url, "--data", "users.yaml")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "5 user row(s) of users.yaml proved" in out
    # the plan's drop and backfill are allowed, and said so; the dropped column's values
    # cannot come back on the downgrade: a note, not a difference
    assert "3.0.0 after upgrade: data: people.nick: dropped by revision" in out
    assert "2.0.0 after upgrade: data: people.city: written by Backfill" in out
    assert "1.0.0 after downgrade: data: people.city: 2 user value(s) not restored" in out
    assert "2.0.0 after downgrade: data: people.nick: 2 user value(s) cannot return" in out


def test_json_output_carries_the_data_proof(tmp_path, sqlite_db):
    root = _project(tmp_path, V1, V2)
    _inject(root, "2.0.0", "UPDATE people SET full_name = 'Mallory' WHERE id = 12")
    r = _verify(root, sqlite_db, "--data", "users.yaml", "--format", "json")
    assert r.returncode == 3, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, load_schema("verify"), cls=jsonschema.Draft202012Validator)
    data = doc["data"]
    assert data["ok"] is False and data["loaded"] == {"people": 4, "tags": 1}
    up = next(s for s in data["steps"] if s["release"] == "2.0.0" and s["direction"] == "upgrade")
    (change,) = up["changes"]
    assert {k: change[k] for k in ("table", "key", "column", "before", "after")} == {
        "table": "people",
        "key": "id=12",
        "column": "full_name",
        "before": "Bob",
        "after": "Mallory",
    }
    step = next(s for s in doc["steps"] if s["release"] == "2.0.0" and s["direction"] == "upgrade")
    assert [d["message"] for d in step["differences"]] == [change["message"]]
    # without --data the member is there, null
    plain = json.loads(_verify(root, sqlite_db, "--format", "json").stdout)
    assert plain["data"] is None


@pytest.mark.parametrize(
    "statement, expected",
    [
        (
            "UPDATE people SET full_name = 'Mallory' WHERE id = 12",
            "2.0.0 after upgrade: people: user row (id=12): full_name was 'Bob', now 'Mallory': "
            "no operation of revision {rev} changes it",
        ),
        (
            "DELETE FROM people WHERE id = 13",
            "2.0.0 after upgrade: people: user row (id=13) missing: no operation of revision "
            "{rev} deletes it",
        ),
    ],
    ids=["overwrite", "delete"],
)
def test_a_hand_edited_revision_that_changes_users_rows_is_caught(
    tmp_path, db_url, statement, expected
):
    root = _project(tmp_path, V1, V2, V3)
    _inject(root, "2.0.0", statement)
    r = _verify(root, db_url, "--data", "users.yaml")
    assert r.returncode == 3, r.stdout + r.stderr
    rev = _revision(root, "2.0.0").name.split("_", 1)[0]
    assert expected.format(rev=rev) in r.stdout, r.stdout
    # the downgrade does not bring the row back either: said once, where it happens
    assert "1.0.0 after downgrade: people: user row (id=" in r.stdout
    assert r.stdout.count("after downgrade") == 1, r.stdout


def test_a_drop_outside_the_plan_is_caught(tmp_path, db_url):
    """A revision edited to drop and re-add a column: the schema matches the snapshot,
    the users' values are gone, and no operation of the plan drops the column."""
    root = _project(tmp_path, V1, V2)
    _inject(
        root,
        "2.0.0",
        "",
        code="op.drop_column('people', 'nick'); "
        "op.add_column('people', sa.Column('nick', sa.String(20), nullable=True))",
    )
    r = _verify(root, db_url, "--data", "users.yaml")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "people: user row (id=11): nick was 'countess', now NULL" in r.stdout
    assert "people: user row (id=13): nick was 'oh', now NULL" in r.stdout


def test_sql_data_file(tmp_path, db_url):
    root = _project(tmp_path, V1, V2)
    (root / "users.sql").write_text(
        "-- users of 1.0.0\n"
        "INSERT INTO people (id, name, age, nick, city) VALUES (1, 'Ada; Lovelace', 36, NULL, 'x');\n"
        "/* two more */ INSERT INTO people (id, name, age, nick, city)\n"
        "  VALUES (2, 'Bob', NULL, 'b', NULL), (3, 'Cy', 7, 'c', 'y');\n",
        encoding="utf-8",
    )
    r = _verify(root, db_url, "--data", "users.sql")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 user row(s) of users.sql proved" in r.stdout


def test_sql_data_file_error_names_the_line(tmp_path, sqlite_db):
    root = _project(tmp_path, V1, V2)
    (root / "users.sql").write_text(
        "INSERT INTO people (id, name) VALUES (1, 'Ada');\n\nINSERT INTO nobody VALUES (2);\n",
        encoding="utf-8",
    )
    r = _verify(root, sqlite_db, "--data", "users.sql")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "users.sql:3:1: statement failed: no such table: nobody" in r.stderr
    (root / "bad.sql").write_text("DROP TABLE people;\n", encoding="utf-8")
    r = _verify(root, sqlite_db, "--data", "bad.sql")
    assert r.returncode == 1
    assert "bad.sql:1:1: expected an INSERT statement, found 'DROP'" in r.stderr


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "people:\n  - {id: 1, name: a}\n  - {id: 1, name: b, name: c}\n",
            "users.yaml:3:22: people[1].name: duplicate key 'name' (first defined at line 3",
        ),
        ("people:\n  - {id: 1, nam: a}\n", "users.yaml:2:13: people[0].nam: no column 'nam'"),
        ("persons:\n  - {id: 1}\n", "users.yaml:1:1: persons: no table 'persons' in release 1.0.0"),
        (
            "tags:\n  - {tag: a}\n",
            "users.yaml:2:5: tags[0]: primary key column 'person_id' missing",
        ),
        ("people: [1]\n", "users.yaml:1:10: people[0]: expected a row"),
    ],
    ids=["duplicate-key", "unknown-column", "unknown-table", "no-key", "not-a-row"],
)
def test_bad_yaml_data_file_gives_file_line_column(tmp_path, text, expected):
    root = _project(tmp_path, V1, V2)
    (root / "users.yaml").write_text(text, encoding="utf-8")
    r = _verify(root, "sqlite", "--data", "users.yaml")
    assert r.returncode == 1, r.stdout + r.stderr
    assert expected in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_a_load_failure_names_the_row(tmp_path, sqlite_db):
    root = _project(tmp_path, V1, V2)
    (root / "users.yaml").write_text(
        "people:\n  - {id: 1, name: a}\n  - {id: 1, name: b}\n", encoding="utf-8"
    )
    r = _verify(root, sqlite_db, "--data", "users.yaml")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "users.yaml:3:5: row of people not loaded: UNIQUE constraint failed" in r.stderr


def test_a_downgrade_that_loses_users_rows_is_caught(tmp_path, db_url):
    """Rows come back through the downgrade (renames undone, type changed back): a
    downgrade edited to delete one is a difference of that downgrade step."""
    root = _project(tmp_path, V1, V2)
    path = _revision(root, "2.0.0")
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("\ndef downgrade() -> None:\n")
    assert sep, text
    path.write_text(
        head + sep + "    op.execute('DELETE FROM people WHERE id = 11')\n" + body,
        encoding="utf-8",
    )
    r = _verify(root, db_url, "--data", "users.yaml")
    assert r.returncode == 3, r.stdout + r.stderr
    rev = path.name.split("_", 1)[0]
    assert r.stdout.splitlines()[0] == (
        f"1.0.0 after downgrade: people: user row (id=11) did not return after the downgrade "
        f"of revision {rev}"
    ), r.stdout
    assert "after upgrade: people" not in r.stdout


def test_from_a_release_loads_the_rows_there(tmp_path, sqlite_db):
    """--from 2.0.0: the rows are the 2.0.0 shape (full_name), loaded after setup."""
    root = _project(tmp_path, V1, V2, V3)
    (root / "users2.yaml").write_text(
        "people:\n  - {id: 7, full_name: Eve, age: '7', nick: e, city: Oslo}\n", encoding="utf-8"
    )
    r = _verify(root, sqlite_db, "--from", "2.0.0", "--data", "users2.yaml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 user row(s) of users2.yaml proved" in r.stdout
    assert "2.0.0 after setup: data: loaded 1 user row(s)" in r.stderr
    # the same file does not fit 1.0.0: its column is named there
    r = _verify(root, sqlite_db, "--data", "users2.yaml")
    assert r.returncode == 1
    assert "users2.yaml:2:13: people[0].full_name: no column 'full_name' in table people" in (
        r.stderr
    )


def test_the_plan_decides_what_may_change():
    """Pure: renames followed, a drop and a backfill allowed, nothing else."""
    from planner.ops import BackfillColumn, DropColumn, RenameColumn
    from planner.runtime.verify_data import _advance, _Tracked
    from planner.state.model import Column

    people = (None, "people")
    state = {
        people: _Tracked(
            origin="people",
            key_cols=("id",),
            columns={"id": "id", "name": "name", "nick": "nick", "city": "city"},
            rows={("1",): {"id": 1, "name": "Ada", "nick": "a", "city": None}},
        )
    }
    ops = (
        RenameColumn(
            table_key=people,
            old="name",
            new="full_name",
            column=Column(name="name", type="String(40)"),
        ),
        DropColumn(table_key=people, column=Column(name="nick", type="String(20)")),
        BackfillColumn(table_key=people, column="city", sql="'x'"),
    )
    new, allow = _advance(state, ops, "r2")
    assert new[people].rows == {("1",): {"id": 1, "full_name": "Ada", "city": None}}
    assert new[people].columns == {"id": "id", "full_name": "name", "city": "city"}
    assert allow.dropped_columns == {("people", "nick")}
    assert allow.written == {("people", "city")}
    assert state[people].rows[("1",)]["name"] == "Ada"  # the state before is kept
    _, none = _advance(state, (), "r2")
    assert not none.written and not none.dropped_columns


PRICE = """\
snapshot: 1
release: "{release}"
tables:
  items:
    columns:
      id: {{type: Integer, primary_key: true}}
      price: {{type: {type}}}
"""


def test_a_type_change_that_changes_a_value_is_a_difference(tmp_path, db_url):
    """Numeric(10, 2) -> Integer: 3.00 is 3 (the same value), 1.25 is not 1: every
    dialect converts it (SQLite's table rebuild casts), a difference of the upgrade, and
    the downgrade does not bring 1.25 back."""
    root = new_project(tmp_path / "p")
    for release, typ in (("1.0.0", "'Numeric(10, 2)'"), ("2.0.0", "Integer")):
        (root / "schema_state" / f"{release}.yaml").write_text(
            PRICE.format(release=release, type=typ), encoding="utf-8"
        )
    generate_chain(root, ["1.0.0", "2.0.0"])
    (root / "items.yaml").write_text(
        "items:\n  - {id: 1, price: 3}\n  - {id: 2, price: 1.25}\n", encoding="utf-8"
    )
    r = _verify(root, db_url, "--data", "items.yaml")
    assert r.returncode == 3, r.stdout + r.stderr
    rev = _revision(root, "2.0.0").name.split("_", 1)[0]
    lines = [line for line in r.stdout.splitlines() if "user row" in line]
    assert lines[0] == (
        f"2.0.0 after upgrade: items: user row (id=2): price was 1.25, now 1: the type change "
        f"of revision {rev} does not keep the value"
    ), r.stdout
    # back as Numeric(10, 2): 1 on SQLite, 1.00 on PostgreSQL and MariaDB
    assert len(lines) == 2 and lines[1].startswith(
        "1.0.0 after downgrade: items: user row (id=2): price did not return: was 1.25, now 1"
    ), r.stdout
