"""``verify --data`` with data steps (issue 15), on real PostgreSQL, MariaDB and SQLite.

One scratch project of five releases, its revisions written by ``dbplan generate``:

* 1.0.0: ``users (id, full_name, phone, status Enum(status))``, ``items (id, price text)``;
* 2.0.0: ``users.phone`` moved into a new table ``phones`` (data step ``move_phones``,
  guarded; the column dropped);
* 3.0.0: ``users.full_name`` split into ``first_name`` and ``last_name`` (a step with
  SQL per dialect, guarded; the column dropped);
* 4.0.0: ``items.price`` from ``'EUR 12.50'`` text to ``Numeric(10, 2)`` with a
  declared conversion (``using``, per dialect);
* 5.0.0: enum value ``actv`` renamed ``active`` (``renamed_values``).

Users' rows are loaded at 1.0.0 from a YAML data file whose ``expect:`` names the rows
the in-place rewrites (split, conversion) must produce; the moved phones are followed
into ``phones`` by ``verify --data`` itself (by the foreign key), and the renamed enum
values are expected exactly. Then the data steps of every revision are run a second
time on the upgraded database, the revision's own generated code: nothing changes.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.safety.helpers import dbplan, generate_chain, new_project

pytestmark = pytest.mark.xdist_group("scratch_databases")

V1 = """\
snapshot: 1
release: "1.0.0"
enums:
  status: [actv, gone]
tables:
  users:
    columns:
      id: {type: Integer, primary_key: true}
      full_name: {type: String(80), nullable: false}
      phone: {type: String(40)}
      status: {type: Enum(status), nullable: false}
  items:
    columns:
      id: {type: Integer, primary_key: true}
      price: {type: String(20), nullable: false}
"""

MOVE_STEP = """\
steps:
- name: move_phones
  reads: [users.id, users.phone]
  writes: [phones.user_id, phones.number]
  sql: INSERT INTO phones (user_id, number) SELECT id, phone FROM users WHERE phone IS NOT NULL
  guard: >-
    SELECT 1 FROM users u WHERE u.phone IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM phones p WHERE p.user_id = u.id)
  downgrade: UPDATE users SET phone = (SELECT number FROM phones p WHERE p.user_id = users.id)
"""

PHONES = """\
  phones:
    columns:
      id: {type: Integer, primary_key: true}
      user_id: {type: Integer, nullable: false}
      number: {type: String(40), nullable: false}
    foreign_keys:
      fk_phones_user_id_users: {columns: [user_id], references: {table: users, columns: [id]}}
"""

V2 = f"""\
snapshot: 1
release: "2.0.0"
enums:
  status: [actv, gone]
tables:
  users:
    columns:
      id: {{type: Integer, primary_key: true}}
      full_name: {{type: String(80), nullable: false}}
      status: {{type: Enum(status), nullable: false}}
  items:
    columns:
      id: {{type: Integer, primary_key: true}}
      price: {{type: String(20), nullable: false}}
{PHONES}{MOVE_STEP}"""

V3 = f"""\
snapshot: 1
release: "3.0.0"
enums:
  status: [actv, gone]
tables:
  users:
    columns:
      id: {{type: Integer, primary_key: true}}
      first_name: {{type: String(40), nullable: false}}
      last_name: {{type: String(40), nullable: false}}
      status: {{type: Enum(status), nullable: false}}
  items:
    columns:
      id: {{type: Integer, primary_key: true}}
      price: {{type: String(20), nullable: false}}
{PHONES}steps:
- name: split_full_name
  reads: [users.full_name]
  writes: [users.first_name, users.last_name]
  sql:
    postgresql: >-
      UPDATE users SET first_name = split_part(full_name, ' ', 1),
      last_name = substr(full_name, strpos(full_name, ' ') + 1) WHERE first_name IS NULL
    mysql: >-
      UPDATE users SET first_name = SUBSTRING_INDEX(full_name, ' ', 1),
      last_name = SUBSTRING(full_name, LOCATE(' ', full_name) + 1) WHERE first_name IS NULL
    sqlite: >-
      UPDATE users SET first_name = substr(full_name, 1, instr(full_name, ' ') - 1),
      last_name = substr(full_name, instr(full_name, ' ') + 1) WHERE first_name IS NULL
  guard: SELECT 1 FROM users WHERE first_name IS NULL OR last_name IS NULL
  downgrade:
    postgresql: UPDATE users SET full_name = first_name || ' ' || last_name
    mysql: UPDATE users SET full_name = CONCAT(first_name, ' ', last_name)
    sqlite: UPDATE users SET full_name = first_name || ' ' || last_name
"""

SPLIT_USERS = """\
  users:
    columns:
      id: {type: Integer, primary_key: true}
      first_name: {type: String(40), nullable: false}
      last_name: {type: String(40), nullable: false}
      status: {type: Enum(status), nullable: false}
"""

PRICE = """\
  items:
    columns:
      id: {type: Integer, primary_key: true}
      price:
        type: Numeric(10, 2)
        nullable: false
        using:
          postgresql: CAST(split_part(price, ' ', 2) AS numeric(10, 2))
          mysql: SUBSTRING_INDEX(price, ' ', -1)
          sqlite: substr(price, instr(price, ' ') + 1)
"""

V4 = f"""\
snapshot: 1
release: "4.0.0"
enums:
  status: [actv, gone]
tables:
{SPLIT_USERS}{PRICE}{PHONES}"""

V5 = f"""\
snapshot: 1
release: "5.0.0"
enums:
  status:
    values: [active, gone]
    renamed_values: {{actv: active}}
tables:
{SPLIT_USERS}{PRICE}{PHONES}"""

RELEASES = (V1, V2, V3, V4, V5)

DATA = """\
users:
  - {id: 11, full_name: Ada Lovelace, phone: '555-11', status: actv}
  - {id: 12, full_name: Alan Turing, phone: null, status: gone}
  - {id: 13, full_name: Grace Hopper, phone: '555-13', status: actv}
  - {id: 14, full_name: Edsger Dijkstra, phone: '555-14', status: gone}
items:
  - {id: 1, price: EUR 12.50}
  - {id: 2, price: EUR 0.25}
expect:
  "3.0.0":
    users:
      - {id: 11, first_name: Ada, last_name: Lovelace}
      - {id: 12, first_name: Alan, last_name: Turing}
      - {id: 13, first_name: Grace, last_name: Hopper}
      - {id: 14, first_name: Edsger, last_name: Dijkstra}
  "4.0.0":
    items:
      - {id: 1, price: 12.50}
      - {id: 2, price: 0.25}
"""


#: the rows alone, for chains that end before the expected releases
ROWS = DATA[: DATA.index("expect:")]


def _release(text: str) -> str:
    return text.split('release: "', 1)[1].split('"', 1)[0]


def _project(tmp_path: Path, *texts: str, data: str = DATA) -> Path:
    root = new_project(tmp_path / "p")
    for text in texts:
        (root / "schema_state" / f"{_release(text)}.yaml").write_text(text, encoding="utf-8")
    generate_chain(root, [_release(t) for t in texts])
    (root / "users.yaml").write_text(data, encoding="utf-8")
    return root


def _verify(root: Path, url: str, *args: str):
    where = () if url.startswith("sqlite") else ("--url", url)
    return dbplan(root, "verify", *where, "--data", "users.yaml", *args, check=False)


def _revision(root: Path, release: str) -> Path:
    (path,) = (root / "migrations" / "versions").glob(f"*_{release.replace('.', '_')}.py")
    return path


def _rev(root: Path, release: str) -> str:
    return _revision(root, release).name.split("_", 1)[0]


def test_every_moved_split_converted_and_renamed_value_arrives(tmp_path, db_url):
    root = _project(tmp_path, *RELEASES)
    r = _verify(root, db_url)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "6 user row(s) of users.yaml proved" in out
    # the guard of move_phones reads users.phone, which its revision drops: a note
    assert "2.0.0 after upgrade: data: Run data step move_phones" in out
    assert "its guard cannot run after revision" in out
    # the conversion and the enum rename are said, not silently allowed
    assert "4.0.0 after upgrade: data: items.price: written by Alter column items.price" in out
    assert (
        "5.0.0 after upgrade: data: users.status: 2 user value(s) 'actv' expected as 'active'"
        in (out)
    )
    # the moved values come back with the downgrade of their step
    assert "1.0.0 after downgrade: data: users.phone: dropped by revision" in out


def test_a_step_that_moves_half_the_values_names_each_missing_one(tmp_path, db_url):
    """move_phones edited to move the users with id < 13 only, and unguarded (a guard
    would stop the revision itself): the upgrade succeeds, the column is dropped, and
    verify names each phone that did not arrive."""
    broken = V2.replace("WHERE phone IS NOT NULL\n", "WHERE phone IS NOT NULL AND id < 13\n")
    broken = broken[: broken.index("  guard:")] + broken[broken.index("  downgrade:") :]
    assert broken != V2 and "guard" not in broken
    root = _project(tmp_path, V1, broken, data=ROWS)
    r = _verify(root, db_url)
    assert r.returncode == 3, r.stdout + r.stderr
    rev = _rev(root, "2.0.0")
    missing = [line for line in r.stdout.splitlines() if "did not arrive" in line]
    assert missing == [
        f"2.0.0 after upgrade: users: user row (id={i}): phone '555-{i}' did not arrive: data "
        f"step move_phones of revision {rev} moves it to phones.number (in a row referencing it)"
        for i in (13, 14)
    ], r.stdout


def test_a_split_that_loses_part_of_a_value_fails_the_expectation(tmp_path, sqlite_db):
    """The expected rows of ``expect:`` are what proves an in-place rewrite: a split that
    keeps the first word only is named by the expected row it misses, with its line."""
    broken = V3.replace(
        "last_name = substr(full_name, instr(full_name, ' ') + 1) WHERE",
        "last_name = 'x' WHERE",
    )
    assert broken != V3
    root = _project(
        tmp_path, V1, V2, broken, data=ROWS + DATA[DATA.index("expect:") :].split('  "4.0.0"')[0]
    )
    r = _verify(root, sqlite_db)
    assert r.returncode == 3, r.stdout + r.stderr
    rev = _rev(root, "3.0.0")
    lines = [line for line in r.stdout.splitlines() if "expected row" in line]
    assert lines[0] == (
        f"3.0.0 after upgrade: users.yaml:12:9: users: expected row {{id: 11, first_name: "
        f"'Ada', last_name: 'Lovelace'}} not found after revision {rev} (release 3.0.0)"
    ), r.stdout
    assert len(lines) == 4, r.stdout


def test_expectations_name_releases_tables_and_columns_that_exist(tmp_path):
    root = _project(tmp_path, V1, V2)
    bad = DATA.replace('"3.0.0":', '"2.0.0":').replace('"4.0.0":', '"9.0.0":')
    (root / "users.yaml").write_text(bad, encoding="utf-8")
    r = _verify(root, "sqlite")
    assert r.returncode == 1, r.stdout + r.stderr
    assert (
        "users.yaml:12:18: expect.\"2.0.0\".users[0].first_name: no column 'first_name' in "
        "table users at release 2.0.0"
    ) in r.stderr, r.stderr
    assert "users.yaml:16:3: expect.\"9.0.0\": release '9.0.0' is not upgraded to" in r.stderr


NICK_1 = """\
snapshot: 1
release: "1.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      nick: {type: String(20)}
"""

NICK_2 = """\
snapshot: 1
release: "2.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      nick: {type: String(20)}
      shout: {type: String(20)}
steps:
- name: shout_nicks
  reads: [people.nick]
  writes: [people.shout]
  sql: UPDATE people SET shout = UPPER(nick) WHERE shout IS NULL AND nick IS NOT NULL
  guard: SELECT 1 FROM people WHERE nick IS NOT NULL AND shout IS NULL
  downgrade: UPDATE people SET shout = NULL
"""


def test_a_guarded_step_that_leaves_work_behind_is_reported(tmp_path, db_url):
    """The revision checks the guard right after its step; an edit after the step (here:
    at the end of the upgrade) that leaves work again is caught by verify --data, which
    runs every guard of the revision after it (RunDataStep keeps ``(dialect, sql)``)."""
    root = _project(
        tmp_path, NICK_1, NICK_2, data="people:\n  - {id: 1, nick: ann}\n  - {id: 2, nick: bo}\n"
    )
    ok = _verify(root, db_url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    path = _revision(root, "2.0.0")
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition("\ndef downgrade")
    edit = '    op.execute("UPDATE people SET shout = NULL WHERE id = 2")\n\n'
    path.write_text(head.rstrip("\n") + "\n" + edit + sep + tail, encoding="utf-8")
    r = _verify(root, db_url)
    assert r.returncode == 3, r.stdout + r.stderr
    assert r.stdout.splitlines()[0] == (
        "2.0.0 after upgrade: Run data step shout_nicks (reads people.nick; writes "
        "people.shout): work left behind: its guard still returns 1 row(s) after revision "
        f"{_rev(root, '2.0.0')}"
    ), r.stdout


# ------------------------------------------------------------------ twice changes nothing


def _step_nodes(source: str) -> list[ast.stmt]:
    """The data steps of a generated revision's ``upgrade()``, as its own code: each
    top-level statement that is one (after a ``# data step`` comment) or a dialect switch
    of one."""
    lines = source.splitlines()
    (func,) = [
        n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"
    ]

    def marked(node: ast.stmt) -> bool:
        return lines[node.lineno - 2].strip().startswith("# data step ")

    return [
        node
        for node in func.body
        if marked(node)
        or (
            isinstance(node, ast.If)
            and "dialect.name" in ast.unparse(node.test)
            and marked(node.body[0])
        )
    ]


def _doubled(source: str, *, guarded: bool = True) -> str:
    """``source`` with each data step of its upgrade run twice in a row, where it stands
    (between expand and contract: what it reads is still there). ``guarded=False``: the
    second run is the step's SQL alone, without its guard."""
    lines = source.splitlines(keepends=True)
    for node in reversed(_step_nodes(source)):
        block = lines[node.lineno - 1 : node.end_lineno]
        if not guarded:
            assert isinstance(node, ast.If) and "SELECT 1" in ast.unparse(node.test)
            inner = node.body[0]
            block = lines[inner.lineno - 1 : inner.end_lineno]
            indent = " " * node.col_offset
            block = [indent + textwrap.dedent("".join(block)).rstrip("\n") + "\n"]
        lines[node.end_lineno : node.end_lineno] = ["\n", *block]
    return "".join(lines)


def _contents(url: str) -> dict:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            out = {}
            for name in sorted(sa.inspect(conn).get_table_names()):
                if name != "alembic_version":
                    rows = conn.execute(sa.text(f"SELECT * FROM {name}")).fetchall()  # noqa: S608
                    out[name] = sorted(repr(tuple(r)) for r in rows)
            return out
    finally:
        eng.dispose()


def _load(url: str) -> None:
    import yaml

    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            for table, items in yaml.safe_load(DATA).items():
                if table == "expect":
                    continue
                t = sa.table(table, *(sa.column(c) for c in items[0]))
                conn.execute(sa.insert(t), items)
    finally:
        eng.dispose()


def test_running_the_upgrades_data_steps_twice_changes_nothing(tmp_path, db_url):
    """The chain applied to users' rows loaded at 1.0.0, once as generated and once with
    every data step of every revision run twice where it stands (the revisions' own code,
    each step block repeated): the same rows in every table. The same move repeated
    without its guard inserts every phone again: the comparison sees it."""
    from planner.project import load_project
    from tests.revisions.conftest import downgrade, upgrade

    root = _project(tmp_path, *RELEASES)
    project = load_project(root)
    upgrade(project, db_url, _rev(root, "1.0.0"))
    _load(db_url)
    upgrade(project, db_url, "head")
    once = _contents(db_url)
    assert len(once["phones"]) == 3 and len(once["users"]) == 4

    def again(release_texts, *, guarded: bool = True) -> dict:
        downgrade(project, db_url, "base")
        upgrade(project, db_url, _rev(root, "1.0.0"))
        _load(db_url)
        originals = {}
        for text in release_texts:
            path = _revision(root, _release(text))
            originals[path] = path.read_text(encoding="utf-8")
            doubled = _doubled(originals[path], guarded=guarded)
            assert doubled != originals[path] or not _step_nodes(originals[path])
            path.write_text(doubled, encoding="utf-8")
        try:
            upgrade(project, db_url, "head")
        finally:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
        return _contents(db_url)

    assert again(RELEASES[1:]) == once
    twice = again([V2], guarded=False)
    assert len(twice["phones"]) == 6, twice["phones"]


def test_the_guard_and_writes_verify_reads_are_the_ops():
    """Pure: verify --data reads the data step op's own ``guard`` (``(dialect, sql)``
    pairs, ``*`` for every database) and ``writes``; the downgrade has no guard."""
    from planner.ops.steps import RunDataStep
    from planner.runtime.verify_data import guard_of, writes_of
    from planner.state.model import DataStep

    step = DataStep(
        name="s",
        reads=("users.phone",),
        writes=("phones.number",),
        sql=(("*", "INSERT ..."),),
        guard=(("mysql", "SELECT 2"), ("*", "SELECT 1")),
        downgrade=(("*", "UPDATE ..."),),
    )
    op = RunDataStep(step=step)
    assert [guard_of(op, d) for d in ("postgresql", "mysql")] == ["SELECT 1", "SELECT 2"]
    assert guard_of(op.reverse(), "sqlite") is None
    assert writes_of(op) == (((None, "phones"), "number"),)
    assert writes_of(op.reverse()) == (((None, "users"), "phone"),)
