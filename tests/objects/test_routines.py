"""PostgreSQL functions, procedures and triggers modelled end to end (issue 14's
acceptance): a database with a plpgsql function and triggers on several tables is
captured; ``dbplan setup`` of its snapshot and the revision chain dbplan generates both
give the original's ``pg_dump --schema-only`` (alembic_version aside); ``verify`` and
``drift`` compare the definitions; the section's bad entries name file:line:column."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.state.capture import from_database
from planner.state.errors import SnapshotError
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.conftest import create_database, drop_database
from tests.objects.corpus import run_script
from tests.revisions.conftest import make_project

APP = """
CREATE TABLE sites (id serial PRIMARY KEY, name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), created_by text)

CREATE TABLE sensors (id serial PRIMARY KEY, site_id int NOT NULL REFERENCES sites (id),
  code text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())

CREATE TABLE readings (id bigserial PRIMARY KEY, sensor_id int NOT NULL REFERENCES sensors (id),
  value double precision, created_at timestamptz NOT NULL DEFAULT now())

CREATE FUNCTION keep_read_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'column created_at of % is read-only (:not_a_bind)', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END $$

CREATE FUNCTION count_sites() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM sites $$

CREATE TRIGGER sites_ro BEFORE UPDATE ON sites FOR EACH ROW EXECUTE FUNCTION keep_read_only()

CREATE TRIGGER sensors_ro BEFORE UPDATE OF created_at ON sensors FOR EACH ROW
  EXECUTE FUNCTION keep_read_only()

CREATE TRIGGER readings_ro BEFORE UPDATE ON readings FOR EACH ROW
  WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION keep_read_only()

CREATE TRIGGER readings_same BEFORE UPDATE ON readings FOR EACH ROW
  EXECUTE FUNCTION suppress_redundant_updates_trigger()
"""


def _dump(url: str) -> str:
    u = sa.engine.make_url(url)
    out = subprocess.run(
        [
            shutil.which("pg_dump") or "pg_dump",
            "--schema-only",
            "--exclude-table=alembic_version",
            f"--host={u.host}",
            f"--port={u.port or 5432}",
            f"--username={u.username}",
            u.database,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    ).stdout
    volatile = ("\\restrict ", "\\unrestrict ", "-- Dumped ")
    return "\n".join(ln for ln in out.splitlines() if not ln.startswith(volatile))


def _run(root, *args):
    return CliRunner().invoke(cli, ["-C", str(root), *args], env={"SQLALCHEMY_DATABASE_URI": ""})


@pytest.mark.pg
def test_setup_and_the_chain_give_the_original_pg_dump(pg_db, pg_server, tmp_path):
    run_script(pg_db, APP)
    snap = from_database(pg_db, release="1.0.0")
    assert [(r.kind, r.name) for r in snap.routines] == [
        ("function", "count_sites()"),
        ("function", "keep_read_only()"),
        ("trigger", "readings_ro"),
        ("trigger", "readings_same"),
        ("trigger", "sensors_ro"),
        ("trigger", "sites_ro"),
    ]
    assert snap.unmanaged == ()
    root = tmp_path / "p"
    make_project(root, [snap])
    gen = _run(root, "generate", "--rev-id", "r1")
    assert gen.exit_code == 0, gen.output
    original = _dump(pg_db)
    built, chained = create_database(pg_server), create_database(pg_server)
    try:
        r = _run(root, "setup", "--url", built)
        assert r.exit_code == 0, r.output
        assert _dump(built) == original
        r = _run(root, "upgrade", "--url", chained)
        assert r.exit_code == 0, r.output
        assert _dump(chained) == original
        # the built database behaves: the trigger refuses, its message kept ':not_a_bind'
        eng = sa.create_engine(built)
        try:
            with eng.begin() as c:
                c.execute(sa.text("INSERT INTO sites (name) VALUES ('a')"))
            with pytest.raises(sa.exc.DBAPIError, match=r"read-only \(:not_a_bind\)"):
                with eng.begin() as c:
                    c.execute(sa.text("UPDATE sites SET created_at = now() - interval '1 day'"))
        finally:
            eng.dispose()
        r = _run(root, "verify", "--url", pg_db)
        assert r.exit_code == 0, r.output
        assert _run(root, "drift", "--url", built).exit_code == 0
        # a trigger dropped by hand, a function changed by hand: drift names both
        run_script(
            built,
            "DROP TRIGGER sites_ro ON sites\n\n"
            "CREATE OR REPLACE FUNCTION count_sites() RETURNS bigint LANGUAGE sql "
            "AS $$ SELECT count(*) + 1 FROM sites $$",
        )
        r = _run(root, "drift", "--url", built)
        assert r.exit_code == 3, r.output
        assert "trigger sites_ro on sites: missing" in r.output
        assert "function count_sites(): definition differs from the snapshot's" in r.output
    finally:
        drop_database(built)
        drop_database(chained)


HEAD = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("- {kind: view, name: v, definition: x}", "8:10: routines[0].kind: unknown routine kind"),
        (
            "- {kind: trigger, name: x, definition: CREATE TRIGGER x}",
            "8:3: routines[0]: a trigger needs table",
        ),
        (
            "- {kind: trigger, name: x, table: u, definition: CREATE TRIGGER x}",
            "8:35: routines[0].table: trigger 'x': no table or view 'u'",
        ),
        (
            "- {kind: function, name: f(), definition: DROP TABLE t}",
            "8:43: routines[0].definition: the definition of function 'f()' must be its "
            "CREATE OR REPLACE FUNCTION statement",
        ),
        ("- {kind: function, name: f()}", "8:3: routines[0]: a routine needs the key"),
    ],
)
def test_bad_routines_name_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + "routines:\n" + section + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


VIEWS = (
    "views:\n- {name: v, definition: SELECT t.id FROM t}\n"
    "- {name: mv, kind: materialized_view, definition: SELECT t.id FROM t}\n"
)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            "- {kind: trigger, name: x, table: t, definition: "
            "'CREATE TRIGGER x INSTEAD OF INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()'}",
            "11:50: routines[0].definition: trigger 'x' is INSTEAD OF, which only a view "
            "can have, but its table: is a table",
        ),
        (
            "- {kind: trigger, name: x, table: mv, definition: "
            "'CREATE TRIGGER x INSTEAD OF INSERT ON mv FOR EACH ROW EXECUTE FUNCTION f()'}",
            "11:51: routines[0].definition: trigger 'x' is on materialized view 'mv', which "
            "cannot have triggers",
        ),
        (
            "- {kind: trigger, name: x, table: v, dialect: sqlite, definition: "
            "'CREATE TRIGGER x AFTER INSERT ON v BEGIN SELECT 1; END'}",
            "11:67: routines[0].definition: trigger 'x' is on a view, where SQLite has "
            "INSTEAD OF triggers only",
        ),
        (
            "- {kind: trigger, name: x, table: v, dialect: mysql, definition: "
            "'CREATE TRIGGER x BEFORE INSERT ON v FOR EACH ROW SET NEW.id = 1'}",
            "11:66: routines[0].definition: trigger 'x' is on a view, but MariaDB/MySQL "
            "have no triggers on views",
        ),
    ],
)
def test_bad_triggers_of_views_name_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + VIEWS + "routines:\n" + section + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


@pytest.mark.parametrize(
    "definition",
    [
        "CREATE TRIGGER x INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION f()",
        "CREATE TRIGGER x AFTER INSERT ON v FOR EACH STATEMENT EXECUTE FUNCTION f()",
    ],
)
def test_a_trigger_of_a_view_loads_and_round_trips(definition):
    text = HEAD + VIEWS + "routines:\n- kind: trigger\n  name: x\n  table: v\n"
    text += f"  definition: {definition}\n"
    s = load_snapshot_text(text, "1.0.0.yaml")
    assert [(r.name, r.table) for r in s.routines] == [("x", "v")]
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
