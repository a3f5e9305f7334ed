"""Users' rows against managed-row operations (issue 18, findings 2 and 7).

* A ``rows.key`` that no primary key, unique constraint or unique index backs is refused
  by validation (file:line:col, the fix): managed deletes ``WHERE name IN (...)`` took the
  users' rows with the same name, on upgrade and on downgrade.
* The downgrade's deletes of managed rows from a table that foreign keys reference are
  gated like the upgrade's (exit 4 without ``--allow-destructive``) and linted: R014
  (danger) where ``ON DELETE CASCADE``/``SET NULL`` would change the referencing rows —
  the users' rows among them — R015 where the downgrade would fail on them.

Each case runs the real ``dbplan`` executable, on every dialect where it touches a
database; each fails on the code before these fixes.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.safety.helpers import dbplan, engine, new_project, project_files, version_of

USER_ID = 900_000

UNITS = """\
snapshot: 1
release: "{release}"
tables:
  units:
    columns:
      id: {{type: Integer, primary_key: true}}
      name: {{type: String(20), nullable: false}}
{unique}    rows:
      key: [name]
      values:
{rows}{meters}"""

METERS = """\
  meters:
    columns:
      id: {{type: Integer, primary_key: true}}
      unit_id: {{type: Integer}}
    foreign_keys:
      fk_meters_unit_id_units:
        columns: [unit_id]
        references: {{table: units, columns: [id]}}
{ondelete}"""


def _snapshot(release: str, rows: dict[int, str], *, unique: bool, ondelete=None, meters=False):
    values = "".join(f"        - {{id: {i}, name: {n}}}\n" for i, n in rows.items())
    uq = "    unique:\n      uq_units_name: [name]\n" if unique else ""
    m = ""
    if meters:
        m = METERS.format(ondelete=f"        ondelete: {ondelete}\n" if ondelete else "")
    return UNITS.format(release=release, unique=uq, rows=values, meters=m)


def _project(tmp_path, *snapshots: str):
    root = new_project(tmp_path / "p")
    for text in snapshots:
        release = text.split('release: "', 1)[1].split('"', 1)[0]
        (root / "schema_state" / f"{release}.yaml").write_text(text, encoding="utf-8")
    return root


def _execute(url: str, sql: str) -> None:
    eng = engine(url)
    with eng.begin() as c:
        c.execute(sa.text(sql))
    eng.dispose()


def _rows(url: str, table: str) -> list[tuple]:
    eng = engine(url)
    with eng.connect() as c:
        got = [tuple(r) for r in c.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]
    eng.dispose()
    return got


def _revision(stdout: str) -> str:
    return stdout.split(": revision ", 1)[1].split()[0]


# ------------------------------------------------------- a key without a unique constraint


def test_a_key_without_a_unique_constraint_is_refused_with_its_position(tmp_path):
    root = _project(tmp_path, _snapshot("1.0.0", {1: "kWh", 2: "MWh"}, unique=False))
    r = dbplan(root, "check", check=False)
    assert r.returncode == 1, r
    assert "Traceback" not in r.stderr
    assert (
        "schema_state/1.0.0.yaml:9:12: tables.units.rows.key: rows key [name] of units has no "
        "primary key, unique constraint or unique index on exactly those columns: managed "
        "updates and deletes would also match users' rows with the same key (add a unique "
        "constraint on [name] to units, or choose a key that has one)"
    ) in r.stderr
    before = project_files(root)
    r = dbplan(root, "generate", "empty", "1.0.0", check=False)
    assert r.returncode == 1 and "rows.key" in r.stderr, r
    assert project_files(root) == before, "a refused generate wrote something"


@pytest.mark.parametrize("direction", ["upgrade", "downgrade"])
def test_users_rows_sharing_a_managed_key_survive_upgrade_and_downgrade(
    db_url, tmp_path, direction
):
    """The upgrade deletes managed MWh (or the downgrade the GWh it added); a user's row of
    the same name must stay. Without a unique constraint dbplan refuses the snapshots; with
    the fix it advises (a unique constraint) the user's duplicate cannot exist, and the
    users' rows survive the chain up and down."""
    if direction == "upgrade":
        old, new, shared = {1: "kWh", 2: "MWh"}, {1: "kWh"}, "MWh"
    else:
        old, new, shared = {1: "kWh"}, {1: "kWh", 3: "GWh"}, "GWh"
    root = _project(
        tmp_path,
        _snapshot("1.0.0", old, unique=False),
        _snapshot("2.0.0", new, unique=False),
    )
    r = dbplan(root, "generate", "empty", "1.0.0", "--allow-destructive", check=False)
    assert r.returncode == 1, r  # the code before: exit 0, and the user's row is deleted
    assert "1.0.0.yaml:9:12: tables.units.rows.key" in r.stderr
    r = dbplan(root, "generate", "1.0.0", "2.0.0", "--allow-destructive", check=False)
    assert r.returncode == 1, r
    assert ".yaml:9:12: tables.units.rows.key" in r.stderr
    assert not list((root / "migrations" / "versions").glob("*.py"))

    # the fix the message gives: a unique constraint on the key
    for release, rows in (("1.0.0", old), ("2.0.0", new)):
        (root / "schema_state" / f"{release}.yaml").write_text(
            _snapshot(release, rows, unique=True), encoding="utf-8"
        )
    rev1 = _revision(dbplan(root, "generate", "empty", "1.0.0").stdout)
    rev2 = _revision(dbplan(root, "generate", "1.0.0", "2.0.0", "--allow-destructive").stdout)
    dbplan(root, "upgrade", "-r", rev1, "--url", db_url)
    if direction == "upgrade":
        # the user's own row, and a try at a second MWh: the unique constraint refuses it
        _execute(db_url, f"INSERT INTO units (id, name) VALUES ({USER_ID}, 'user unit')")
        with pytest.raises(sa.exc.IntegrityError):
            _execute(db_url, f"INSERT INTO units (id, name) VALUES ({USER_ID + 1}, '{shared}')")
        dbplan(root, "upgrade", "--url", db_url)
        assert version_of(db_url) == (rev2,)
        assert _rows(db_url, "units") == [(1, "kWh"), (USER_ID, "user unit")]
        dbplan(root, "downgrade", "-r", rev1, "--url", db_url)
        assert _rows(db_url, "units") == [(1, "kWh"), (2, "MWh"), (USER_ID, "user unit")]
    else:
        _execute(db_url, f"INSERT INTO units (id, name) VALUES ({USER_ID}, 'user unit')")
        # a user's GWh before the release that adds the managed one: the upgrade stops
        _execute(db_url, f"INSERT INTO units (id, name) VALUES ({USER_ID + 1}, '{shared}')")
        r = dbplan(root, "upgrade", "--url", db_url, check=False)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r
        assert version_of(db_url) == (rev1,)
        assert _rows(db_url, "units") == [(1, "kWh"), (USER_ID, "user unit"), (USER_ID + 1, "GWh")]
        _execute(db_url, f"DELETE FROM units WHERE id = {USER_ID + 1}")
        dbplan(root, "upgrade", "--url", db_url)
        dbplan(root, "downgrade", "-r", rev1, "--url", db_url)
        assert version_of(db_url) == (rev1,)
        assert _rows(db_url, "units") == [(1, "kWh"), (USER_ID, "user unit")]


# ------------------------------------------------------------ the downgrade's deletes


@pytest.mark.parametrize("ondelete", ["CASCADE", "SET NULL", None])
def test_a_downgrade_deleting_referenced_managed_rows_is_gated_and_linted(tmp_path, ondelete):
    root = _project(
        tmp_path,
        _snapshot("1.0.0", {1: "kWh"}, unique=True, ondelete=ondelete, meters=True),
        _snapshot("2.0.0", {1: "kWh", 3: "GWh"}, unique=True, ondelete=ondelete, meters=True),
    )
    dbplan(root, "generate", "empty", "1.0.0")
    before = project_files(root)
    r = dbplan(root, "generate", "1.0.0", "2.0.0", check=False)
    assert r.returncode == 4, r  # the code before: exit 0, no word of the downgrade
    assert "refusing to generate 1.0.0 -> 2.0.0: 1 destructive operation:" in r.stderr
    assert "  downgrade: Delete 1 row from units: (name)=('GWh')\n" in r.stderr
    assert "pass --allow-destructive" in r.stderr
    assert project_files(root) == before, "the refusal wrote something"
    plan = dbplan(root, "plan", "1.0.0", "2.0.0").stdout
    if ondelete is None:
        assert "warning R015 op 1: the downgrade deletes the 1 managed row" in plan
    else:
        effect = "deletes" if ondelete == "CASCADE" else "sets NULL in"
        assert (
            "danger  R014 op 1: the downgrade deletes the 1 managed row this release inserts "
            f"into units; fk_meters_unit_id_units (ON DELETE {ondelete}) {effect} the rows of "
            "meters that point at them, users' rows included"
        ) in plan
    dbplan(root, "generate", "1.0.0", "2.0.0", "--allow-destructive")
    # the same release where nothing references units: the managed row alone is deleted
    plain = _project(
        tmp_path / "plain",
        _snapshot("1.0.0", {1: "kWh"}, unique=True),
        _snapshot("2.0.0", {1: "kWh", 3: "GWh"}, unique=True),
    )
    dbplan(plain, "generate", "empty", "1.0.0")
    dbplan(plain, "generate", "1.0.0", "2.0.0")


def test_an_upgrade_delete_cascading_into_users_rows_is_a_danger(tmp_path):
    root = _project(
        tmp_path,
        _snapshot("1.0.0", {1: "kWh", 2: "MWh"}, unique=True, ondelete="CASCADE", meters=True),
        _snapshot("2.0.0", {1: "kWh"}, unique=True, ondelete="CASCADE", meters=True),
    )
    plan = dbplan(root, "plan", "1.0.0", "2.0.0").stdout
    assert (
        "danger  R014 op 1: deleting 1 managed row of units; fk_meters_unit_id_units "
        "(ON DELETE CASCADE) deletes the rows of meters that point at them"
    ) in plan
    assert "R009" not in plan  # R014 says it, once


def test_users_rows_survive_a_confirmed_downgrade_that_is_blocked(db_url, tmp_path):
    """Gated, then confirmed with --allow-destructive, a downgrade whose managed delete a user's row
    still references (no cascade) stops, naming the row; the users' rows stay."""
    root = _project(
        tmp_path,
        _snapshot("1.0.0", {1: "kWh"}, unique=True, meters=True),
        _snapshot("2.0.0", {1: "kWh", 3: "GWh"}, unique=True, meters=True),
    )
    rev1 = _revision(dbplan(root, "generate", "empty", "1.0.0").stdout)
    assert dbplan(root, "generate", "1.0.0", "2.0.0", check=False).returncode == 4
    rev2 = _revision(dbplan(root, "generate", "1.0.0", "2.0.0", "--allow-destructive").stdout)
    dbplan(root, "upgrade", "--url", db_url)
    _execute(db_url, f"INSERT INTO meters (id, unit_id) VALUES ({USER_ID}, 3)")
    _execute(db_url, f"INSERT INTO meters (id, unit_id) VALUES ({USER_ID + 1}, 1)")
    r = dbplan(root, "downgrade", "-r", rev1, "--url", db_url, check=False)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r
    assert "meters" in r.stderr
    assert version_of(db_url) == (rev2,)
    assert _rows(db_url, "units") == [(1, "kWh"), (3, "GWh")]
    assert _rows(db_url, "meters") == [(USER_ID, 3), (USER_ID + 1, 1)]


# ------------------------------------------------- verify and drift see every managed row

NOTE = "      note: {type: Text}\n"


def _with_note(text: str) -> str:
    return text.replace(
        "      name: {type: String(20), nullable: false}\n",
        "      name: {type: String(20), nullable: false}\n" + NOTE,
        1,
    )


def test_verify_finds_a_revision_that_never_deletes_a_managed_row(db_url, tmp_path):
    """The 2.0.0 revision adds a column but keeps MWh, which 2.0.0 deletes (written from an
    edited snapshot, as a hand-edited revision would be): verify exits 3 naming the row."""
    root = _project(
        tmp_path,
        _snapshot("1.0.0", {1: "kWh", 2: "MWh"}, unique=True),
        _with_note(_snapshot("2.0.0", {1: "kWh", 2: "MWh"}, unique=True)),
    )
    dbplan(root, "generate", "empty", "1.0.0")
    dbplan(root, "generate", "1.0.0", "2.0.0")
    (root / "schema_state" / "2.0.0.yaml").write_text(
        _with_note(_snapshot("2.0.0", {1: "kWh"}, unique=True)), encoding="utf-8"
    )
    args = ["verify"] if db_url.startswith("sqlite") else ["verify", "--url", db_url]
    r = dbplan(root, *args, check=False)
    assert r.returncode == 3, r  # the code before: exit 0
    assert (
        "units: row (name='MWh') is in the database, but release 2.0.0 has no such managed "
        "row (a managed row of 1.0.0)"
    ) in r.stdout + r.stderr


def _at_head(db_url, tmp_path):
    root = _project(
        tmp_path,
        _snapshot("1.0.0", {1: "kWh", 2: "MWh"}, unique=True),
        _snapshot("2.0.0", {1: "kWh"}, unique=True),
    )
    dbplan(root, "generate", "empty", "1.0.0")
    dbplan(root, "generate", "1.0.0", "2.0.0", "--allow-destructive")
    dbplan(root, "upgrade", "--url", db_url)
    assert dbplan(root, "drift", "--url", db_url).returncode == 0
    return root


def test_drift_finds_a_deleted_managed_row_that_came_back(db_url, tmp_path):
    root = _at_head(db_url, tmp_path)
    _execute(db_url, f"INSERT INTO units (id, name) VALUES ({USER_ID}, 'user unit')")
    assert dbplan(root, "drift", "--url", db_url).returncode == 0  # users' rows are no drift
    _execute(db_url, "INSERT INTO units (id, name) VALUES (2, 'MWh')")
    r = dbplan(root, "drift", "--url", db_url, check=False)
    assert r.returncode == 3, r  # the code before: exit 0
    assert (
        "units: row (name='MWh') is in the database, but release 2.0.0 has no such managed "
        "row (a managed row of 1.0.0)"
    ) in r.stdout + r.stderr


def test_drift_finds_a_duplicated_managed_row(db_url, tmp_path):
    root = _at_head(db_url, tmp_path)
    drop = {
        "sqlite": None,
        "postgresql": "ALTER TABLE units DROP CONSTRAINT uq_units_name",
        "mysql": "ALTER TABLE units DROP INDEX uq_units_name",
    }[sa.engine.make_url(db_url).get_backend_name()]
    if drop is None:  # SQLite: rebuild the table without the constraint
        _execute(
            db_url, "CREATE TABLE units_new (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)"
        )
        _execute(db_url, "INSERT INTO units_new SELECT id, name FROM units")
        _execute(db_url, "DROP TABLE units")
        _execute(db_url, "ALTER TABLE units_new RENAME TO units")
    else:
        _execute(db_url, drop)
    _execute(db_url, f"INSERT INTO units (id, name) VALUES ({USER_ID}, 'kWh')")
    r = dbplan(root, "drift", "--url", db_url, check=False)
    assert r.returncode == 3, r
    out = r.stdout + r.stderr
    assert "uq_units_name" in out
    # the code before: the copy went unseen (rows were matched by key, one each)
    assert "units: row (name='kWh') is in the database 2 times, snapshot says once" in out


def test_compare_snapshots_counts_managed_rows():
    from planner.runtime.verify import compare_snapshots
    from planner.state.model import Column, FrozenMap, RowSet, Snapshot, Table

    def snap(*names):
        rows = RowSet(key=("name",), rows=tuple(FrozenMap({"name": n}) for n in names))
        return Snapshot(
            release="1",
            tables=(Table(name="u", columns=(Column(name="name", type="Text"),), rows=rows),),
        )

    assert compare_snapshots(snap("a", "b"), snap("a", "b")) == []
    assert compare_snapshots(snap("a", "a", "b"), snap("a", "b")) == [
        "u: row (name='a') is in the database 2 times, snapshot says once"
    ]
