"""The inventory on each real server: a database holding one object of every kind the
dialect has is captured with each object modelled, listed as unmanaged, or refused by
name; drift reports every one the snapshot does not list; the section round-trips and
bad entries are problems naming file:line:column."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.inventory import KINDS, REFUSED, InventoryError
from planner.state.model import Column, Snapshot, Table, Unmanaged
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.objects.corpus import run_script

PG_EVERY_KIND = """
CREATE EXTENSION IF NOT EXISTS hstore

CREATE SCHEMA other

CREATE TABLE other.kept (id int)

CREATE SCHEMA left_empty

CREATE TABLE t (id serial PRIMARY KEY, n serial, name text COLLATE "C", body jsonb, ts tsvector,
  tags text[] COLLATE "C")

CREATE INDEX ix_t_body ON t USING gin (body)

CREATE INDEX ix_t_name ON t (name)

COMMENT ON INDEX ix_t_name IS 'names'

COMMENT ON INDEX t_pkey IS 'the key'

CREATE INDEX ix_t_lower ON t (lower(name) DESC)

CREATE UNIQUE INDEX ix_t_nnd ON t (n) NULLS NOT DISTINCT

CREATE TABLE u (id int PRIMARY KEY, t_id int REFERENCES t (id) DEFERRABLE INITIALLY DEFERRED,
  during tstzrange, EXCLUDE USING gist (during WITH &&),
  CONSTRAINT ex_deferred EXCLUDE USING gist (during WITH &&) DEFERRABLE)

CREATE UNLOGGED TABLE lg (id int PRIMARY KEY)

CREATE VIEW v AS SELECT id FROM t

CREATE MATERIALIZED VIEW mv AS SELECT id FROM t

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$

CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$

CREATE AGGREGATE sum2 (int) (SFUNC = int4pl, STYPE = int)

CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()

CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION touch()

CREATE SEQUENCE standalone

ALTER TABLE t ENABLE ROW LEVEL SECURITY

CREATE POLICY p ON t USING (true)

COMMENT ON POLICY p ON t IS 'every row'

COMMENT ON CONSTRAINT t_pkey ON t IS 'the constraint'

COMMENT ON CONSTRAINT ex_deferred ON u IS 'not modelled'

COMMENT ON EXTENSION hstore IS 'not the control file''s'

CREATE TABLE forced_only (id int PRIMARY KEY)

ALTER TABLE forced_only FORCE ROW LEVEL SECURITY

CREATE RULE r AS ON INSERT TO lg DO ALSO NOTIFY lg

CREATE COLLATION mycoll (provider = icu, locale = 'de')

CREATE COLLATION split_locale (lc_collate = 'C', lc_ctype = 'POSIX')

CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TYPE pair AS (a int, b int)

CREATE TYPE floatrange AS RANGE (subtype = float8)

CREATE FUNCTION pair_eq(pair, pair) RETURNS boolean LANGUAGE sql AS $$ SELECT $1 = $2 $$

CREATE OPERATOR === (LEFTARG = pair, RIGHTARG = pair, FUNCTION = pair_eq)

CREATE OPERATOR FAMILY fam USING btree

CREATE OPERATOR CLASS pair_ops FOR TYPE pair USING hash AS OPERATOR 1 ===

CREATE FUNCTION pair_text(pair) RETURNS text LANGUAGE sql AS $$ SELECT $1::text $$

CREATE CAST (pair AS text) WITH FUNCTION pair_text(pair)

CREATE TEXT SEARCH CONFIGURATION my_ts (COPY = simple)

CREATE CONVERSION myconv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8

CREATE STATISTICS st ON id, n FROM t

GRANT SELECT ON t TO PUBLIC

GRANT EXECUTE ON FUNCTION touch() TO PUBLIC

GRANT USAGE ON SEQUENCE standalone TO PUBLIC

CREATE FOREIGN DATA WRAPPER fdw

CREATE PUBLICATION pub

CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$

CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION on_ddl()

CREATE FOREIGN TABLE ft (id int) SERVER srv

CREATE TABLE props (id int PRIMARY KEY, n int, body text, c int,
  CONSTRAINT uq_props_c UNIQUE NULLS NOT DISTINCT (c)) WITH (fillfactor = 70)

ALTER TABLE props REPLICA IDENTITY FULL

CREATE INDEX ix_props_n ON props (n)

ALTER TABLE props CLUSTER ON ix_props_n

ALTER TABLE props ALTER COLUMN body SET STORAGE EXTERNAL

ALTER TABLE props ALTER COLUMN body SET COMPRESSION pglz

ALTER TABLE props ALTER COLUMN n SET STATISTICS 500

ALTER TABLE props ALTER COLUMN n SET (n_distinct = 10)

ALTER TABLE props ADD CONSTRAINT ck_props_n CHECK (n > 0) NOT VALID

ALTER TABLE props ADD CONSTRAINT ck_props_c CHECK (c > 0) NO INHERIT

CREATE TABLE props_ref (a int, b int, PRIMARY KEY (a, b))

ALTER TABLE props ADD CONSTRAINT fk_props_full FOREIGN KEY (n, c) REFERENCES props_ref MATCH FULL

ALTER TABLE props ADD CONSTRAINT fk_props_set FOREIGN KEY (n, c) REFERENCES props_ref ON DELETE SET NULL (c)

CREATE TRIGGER props_touch BEFORE UPDATE ON props FOR EACH ROW EXECUTE FUNCTION touch()

ALTER TABLE props DISABLE TRIGGER props_touch

CREATE TABLE typed OF pair (PRIMARY KEY (a))

ALTER VIEW v ALTER COLUMN id SET DEFAULT 0

ALTER SEQUENCE t_id_seq CACHE 10

CREATE MATERIALIZED VIEW mv_later AS SELECT id FROM t WITH NO DATA

ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC
"""
# a foreign table needs a server of the wrapper
PG_EVERY_KIND = PG_EVERY_KIND.replace(
    "CREATE FOREIGN TABLE", "CREATE SERVER srv FOREIGN DATA WRAPPER fdw\n\nCREATE FOREIGN TABLE"
)

#: the kinds each dialect's every-kind database holds (of KINDS; none refused)
PG_KINDS = {
    "view", "materialized_view", "foreign_table", "function", "procedure",
    "aggregate", "trigger", "event_trigger", "collation",
    "type", "operator", "operator_class", "operator_family", "cast", "conversion", "text_search",
    "statistics", "publication", "foreign_server", "rule", "comment", "exclusion_constraint",
    "index", "row_level_security", "collate", "grants",
}  # fmt: skip
#: properties PostgreSQL's capture models on tables and keys (``deferrable:`` on a key,
#: unique or foreign key, ``unlogged: true`` on a table): listed only where it cannot
#: (a constraint trigger's deferral, an unlogged partition)
PG_PROPERTIES = {"deferrable", "unlogged"}
#: settings of tables, columns, constraints and triggers dbplan does not model
#: (planner/dialects/postgresql_properties.py)
PG_KINDS |= {
    "storage_parameters", "replica_identity", "clustered", "typed_table", "column_storage",
    "column_compression", "column_statistics", "column_options", "not_valid", "match_full",
    "action_columns", "nulls_not_distinct", "no_inherit", "view_column_default",
    "trigger_disabled", "sequence_options", "not_populated", "default_privileges",
}  # fmt: skip
#: kinds that need an object of the cluster (a role, a tablespace): listed by
#: tests/objects/test_inventory_fingerprints.py, which creates them uniquely named
CLUSTER_WIDE = {"owner", "tablespace"}

ROUTINES = {"function", "procedure", "trigger"}
#: kinds PostgreSQL's capture models in sections of their own (schemas:, extensions:,
#: sequences:, domains:; MariaDB its sequences too) or on their tables (policies:):
#: listed only when a capture leaves a schema (a table) out (composite types and
#: icu/libc collations are modelled too; range and base types, and collations of split
#: LC_COLLATE / LC_CTYPE, stay listed as "type" / "collation")
PG_MODELLED = {"schema", "extension", "sequence", "domain", "policy"}
#: the routine kinds a capture models, per dialect
MODELLED_ROUTINES = {"postgresql": ROUTINES, "mysql": ROUTINES, "sqlite": {"trigger"}}

MARIADB_EVERY_KIND = """
CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, a int, body text, FULLTEXT KEY ft (body),
  KEY pre (body(10)), KEY k (a))

CREATE VIEW v AS SELECT id FROM t

CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1

CREATE FUNCTION f() RETURNS int DETERMINISTIC RETURN 1

CREATE PROCEDURE pr() SELECT 1

CREATE SEQUENCE s

CREATE TABLE pt (id int PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 2

CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO SELECT 1

CREATE TABLE props (id int PRIMARY KEY, h int INVISIBLE, KEY kc (h) COMMENT 'c',
  KEY kig (h) IGNORED, z text COMPRESSED) ENGINE=Aria ROW_FORMAT=PAGE DEFAULT CHARSET=latin1

CREATE SQL SECURITY INVOKER VIEW vi AS SELECT id FROM t

CREATE TRIGGER a_trg BEFORE INSERT ON t FOR EACH ROW FOLLOWS trg SET NEW.a = 2
"""
#: (props: its engine, options and collation, an INVISIBLE column, an index comment,
#: an IGNORED index that SQLAlchemy's reflection skips)
MARIADB_KINDS = {"view", "trigger", "function", "procedure", "event", "index",
                 "partitioning", "engine", "table_options", "charset", "invisible",
                 "comment", "view_options", "trigger_order", "column_compression"}  # fmt: skip

SQLITE_EVERY_KIND = """
CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, c TEXT)

CREATE INDEX ix_e ON t (lower(c))

CREATE INDEX ix_p ON t (a)

CREATE VIEW v AS SELECT id FROM t

CREATE TRIGGER trg AFTER INSERT ON t BEGIN SELECT 1; END

CREATE TRIGGER v_ins INSTEAD OF INSERT ON v BEGIN SELECT 1; END

CREATE TABLE w (k TEXT PRIMARY KEY, x INTEGER) WITHOUT ROWID

CREATE TABLE st (id INTEGER PRIMARY KEY, x INTEGER) STRICT

CREATE TABLE au (id INTEGER PRIMARY KEY AUTOINCREMENT, t_id INTEGER REFERENCES t (id)
  DEFERRABLE INITIALLY DEFERRED, code TEXT UNIQUE ON CONFLICT REPLACE)
"""
SQLITE_KINDS = {"view", "trigger", "index", "without_rowid", "strict", "autoincrement",
                "on_conflict", "deferrable"}  # fmt: skip

EVERY = {
    "postgresql": (PG_EVERY_KIND, PG_KINDS),
    "mysql": (MARIADB_EVERY_KIND, MARIADB_KINDS),
    "sqlite": (SQLITE_EVERY_KIND, SQLITE_KINDS),
}

PG_REFUSED = """
CREATE SCHEMA other

CREATE TYPE other.mood AS ENUM ('a', 'b')

CREATE TABLE idt (id int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY, g int GENERATED ALWAYS AS (id * 2) STORED, m other.mood)

CREATE TABLE parent (id int, k int) PARTITION BY RANGE (k)

CREATE TABLE part1 PARTITION OF parent (PRIMARY KEY (id, k)) FOR VALUES FROM (0) TO (10)

CREATE TABLE base (id int)

CREATE TABLE child (x int, PRIMARY KEY (id)) INHERITS (base)
"""
#: partitioning and inheritance are modelled (tests/objects/test_partitions.py), but not
#: a partition's own keys, nor a child's keys on inherited columns
PG_REFUSED_LINES = [
    "identity_options id on idt (START 10, INCREMENT 5)",
    "inheritance child_pkey on child (on an inherited column)",
    "partition_key part1_pkey on part1 (primary key)",
]
MARIADB_REFUSED = """
CREATE TABLE sv (id int PRIMARY KEY) WITH SYSTEM VERSIONING
"""
MARIADB_REFUSED_LINES = ["system_versioned sv"]
SQLITE_REFUSED = """
CREATE VIRTUAL TABLE ft USING fts5(body)
"""
SQLITE_REFUSED_LINES = ["virtual_table ft"]
REFUSALS = {
    "postgresql": (PG_REFUSED, PG_REFUSED_LINES),
    "mysql": (MARIADB_REFUSED, MARIADB_REFUSED_LINES),
    "sqlite": (SQLITE_REFUSED, SQLITE_REFUSED_LINES),
}


def _dialect(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    return "mysql" if name in ("mysql", "mariadb") else name


def test_every_kind_is_listed_and_each_list_is_known():
    every = PG_KINDS | MARIADB_KINDS | SQLITE_KINDS | PG_MODELLED | PG_PROPERTIES
    assert every | CLUSTER_WIDE == set(KINDS)
    assert not set(KINDS) & set(REFUSED)


def test_every_object_is_modelled_or_listed_and_drift_names_each(db_url):
    d = _dialect(db_url)
    script, kinds = EVERY[d]
    run_script(db_url, script)
    s = from_database(db_url, release="1.0.0")
    # PostgreSQL models plpgsql/SQL functions and procedures on built-in types and the
    # triggers using them (routines), MariaDB its triggers, functions and procedures,
    # SQLite its triggers; the rest is listed
    views = {v.kind for v in s.views}  # views are modelled (tests/objects/test_views.py)
    assert views == ({"view", "materialized_view"} if d == "postgresql" else {"view"})
    assert {u.kind for u in s.unmanaged} | {r.kind for r in s.routines} | views == kinds
    assert {r.kind for r in s.routines} == MODELLED_ROUTINES[d]
    assert {r.dialect for r in s.routines} == {d}
    if d != "mysql":  # a trigger of a view (INSTEAD OF) is modelled with its view
        assert ("v_ins", "v") in {(r.name, r.table) for r in s.routines}
    assert {u.kind for u in s.unmanaged} == kinds - views - (
        {"procedure", "trigger"} & {r.kind for r in s.routines}
    ) - ({"function"} if d == "mysql" else set())
    # the indexes dbplan cannot re-create are listed, not modelled
    listed = {u.name for u in s.unmanaged if u.kind == "index"}
    modelled = {i.name for t in s.tables for i in t.indexes}
    assert listed and modelled and not listed & modelled
    if d == "postgresql":  # a method, an expression are modelled; NULLS NOT DISTINCT listed
        assert s.table("t").indexes[0].using == "gin"
        lower = next(i for i in s.table("t").indexes if i.name == "ix_t_lower")
        assert [(e.expression, e.order) for e in lower.elements] == [("lower(name)", "desc")]
        assert "ix_t_nnd" in listed
    # PostgreSQL: every schema, extension and sequence is modelled (the serial key's
    # sequence as its autoincrement, the serial column's with its owner)
    assert not [u for u in s.unmanaged if u.kind in PG_MODELLED - MARIADB_KINDS]
    if d == "postgresql":
        assert [x.name for x in s.schemas] == ["left_empty", "other"]
        assert [(x.name, x.schema) for x in s.extensions] == [("hstore", None)]
        assert [(q.name, q.owned_by) for q in s.sequences] == [
            ("standalone", None),
            ("t_n_seq", ("t", "n")),
        ]
        assert s.table("kept", "other").columns[0].name == "id"
        assert s.table("lg").unlogged and not s.table("t").unlogged
        # a string column's own collation is modelled; an array's stays listed
        assert s.table("t").column("name").collation == "C"
        assert s.table("t").column("tags").collation is None
        assert [(u.name, u.table) for u in s.unmanaged if u.kind == "collate"] == [("tags", "t")]
        assert [fk.deferrable for fk in s.table("u").foreign_keys] == ["deferred"]
        # an exclusion constraint is modelled; a deferrable one stays listed
        assert [e.name for e in s.table("u").exclusions] == ["u_during_excl"]
        assert [u.name for u in s.unmanaged if u.kind == "exclusion_constraint"] == ["ex_deferred"]
        assert [(x.name, x.type, [c.sqltext for c in x.checks]) for x in s.domains] == [
            ("posint", "integer", ["VALUE > 0"])
        ]
        assert [(x.name, [a.name for a in x.attributes]) for x in s.composite_types] == [
            ("pair", ["a", "b"])
        ]
        assert [(x.name, x.provider, x.locale) for x in s.collations] == [("mycoll", "icu", "de")]
        listed = {(u.kind, u.name) for u in s.unmanaged}
        assert {("type", "floatrange"), ("collation", "split_locale")} <= listed
        # grants beyond tables and views are listed by the object's kind and name
        assert {("grants", "function touch()"), ("grants", "sequence standalone")} <= listed
        assert not {("type", "pair"), ("domain", "posint"), ("collation", "mycoll")} & listed
        # row-level security and policies of a modelled table are modelled on it;
        # FORCE without ENABLE stays listed
        assert s.table("t").row_level_security == "enabled"
        assert [(p.name, p.command, p.roles, p.using) for p in s.table("t").policies] == [
            ("p", "all", ("public",), "true")
        ]
        assert s.table("forced_only").row_level_security is None
        assert [u.table or u.name for u in s.unmanaged if u.kind == "row_level_security"] == [
            "forced_only"
        ]
        # a comment dbplan does not model is listed (on a constraint it leaves alone); an
        # index's comment is modelled, and drift names one that differs
        assert [u.name for u in s.unmanaged if u.kind == "comment"] == [
            "constraint ex_deferred on u",
        ]
        # an extension's comment, when not its control file's, is modelled
        assert [(e.name, e.comment) for e in s.extensions] == [("hstore", "not the control file's")]
        # a modelled constraint's, its index's and a policy's comments are modelled
        assert s.table("t").primary_key.comment == "the constraint"
        assert s.table("t").primary_key.index_comment == "the key"
        assert [p.comment for p in s.table("t").policies] == ["every row"]
        ix = next(i for i in s.table("t").indexes if i.name == "ix_t_name")
        assert ix.comment == "names"
        other = dataclasses.replace(ix, comment="other")
        t1 = dataclasses.replace(
            s.table("t"), indexes=tuple(other if i is ix else i for i in s.table("t").indexes)
        )
        s1 = s.replace_table(t1)
        got = compare_snapshots(capture_for(db_url, s1), normalise_for(s1, d), dialect=d)
        assert got == ["t: index ix_t_name: comment names, snapshot says other"]
        # drift names a policy and row-level security added by hand
        t0 = dataclasses.replace(s.table("t"), policies=(), row_level_security=None)
        s0 = s.replace_table(t0)
        got = compare_snapshots(capture_for(db_url, s0), normalise_for(s0, d), dialect=d)
        assert got == [
            "t: row level security enabled, snapshot says none",
            "t: policy p not in snapshot",
        ]
    if d == "mysql":  # MariaDB's sequences are modelled too
        assert [q.name for q in s.sequences] == ["s"]
    # the section round-trips through the canonical YAML
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
    # the database against its own snapshot: nothing
    assert compare_snapshots(capture_for(db_url, s), normalise_for(s, d), dialect=d) == []
    # against a snapshot that lists nothing (every object added by hand): each one named
    bare = Snapshot(release=s.release, tables=s.tables, enums=s.enums)
    diffs = compare_snapshots(capture_for(db_url, bare), normalise_for(bare, d), dialect=d)
    # (schema other holds the table other.kept: the bare snapshot implies it)
    modelled = (*(x for x in s.schemas if x.name != "other"), *s.extensions, *s.sequences)
    modelled += (*s.domains, *s.composite_types, *s.collations)
    assert len(diffs) == len(s.unmanaged) + len(s.routines) + len(s.views) + len(modelled)
    for u in (*s.unmanaged, *s.routines, *s.views):
        assert any(u.kind in x and u.name in x and "not in the snapshot" in x for x in diffs), u
    for o in modelled:
        kind = {"compositetype": "type"}.get(type(o).__name__.lower(), type(o).__name__.lower())
        assert f"{kind} {o.name}: in the database, not in the snapshot" in diffs, o


def test_capture_refuses_what_it_cannot_model_naming_each(db_url):
    d = _dialect(db_url)
    script, lines = REFUSALS[d]
    run_script(db_url, script)
    with pytest.raises(InventoryError) as e:
        from_database(db_url, release="1.0.0")
    text = str(e.value)
    for line in lines:
        assert f"\n  {line}\n" in text, text
    assert text.count("\n  ") == len(lines) + len({ln.split()[0] for ln in lines})
    assert "how to proceed:" in text
    # drift and verify capture the same way: an error listing them, never "ok"
    with pytest.raises(InventoryError) as e:
        capture_for(db_url, Snapshot(release="1.0.0"))
    assert str(e.value) == text


def test_drift_names_a_view_added_by_hand_and_verify_one_the_chain_lacks(tmp_path, sqlite_db):
    from tests.revisions.conftest import make_project

    s = Snapshot(
        release="1.0.0",
        tables=(Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),)),),
    )
    make_project(tmp_path / "p", [s])
    run = lambda *a: CliRunner().invoke(  # noqa: E731
        cli, ["-C", str(tmp_path / "p"), *a], env={"SQLALCHEMY_DATABASE_URI": ""}
    )
    gen = run("generate", "--rev-id", "r1")
    assert gen.exit_code == 0, gen.output
    assert run("setup", "--url", sqlite_db).exit_code == 0
    assert run("drift", "--url", sqlite_db).exit_code == 0
    run_script(sqlite_db, "CREATE VIEW v AS SELECT id FROM t")
    r = run("drift", "--url", sqlite_db)
    assert r.exit_code == 3, r.output
    assert "view v: in the database, not in the snapshot" in r.output
    # the snapshot lists the view: drift is clean, verify says the chain does not build it
    listed = Snapshot(
        release=s.release, tables=s.tables, unmanaged=(Unmanaged(kind="view", name="v"),)
    )
    (tmp_path / "p" / "schema_state" / "1.0.0.yaml").write_text(dump_snapshot(listed))
    r = run("drift", "--url", sqlite_db)
    assert r.exit_code == 0, r.output
    r = run("verify")
    assert r.exit_code == 3, r.output
    assert "view v: missing (the snapshot lists it as unmanaged)" in r.output


HEAD = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("- {kind: bogus, name: x}", "8:10: unmanaged[0].kind: unknown kind 'bogus'"),
        (
            "- {kind: partition_key, name: x}",
            "8:10: unmanaged[0].kind: dbplan cannot leave a partition_key alone",
        ),
        ("- {kind: trigger, name: x}", "8:3: unmanaged[0]: a trigger belongs to a table"),
        (
            "- {kind: view, name: v, table: t}",
            "8:32: unmanaged[0].table: a view does not belong to a table",
        ),
        (
            "- {kind: trigger, name: x, table: nope}",
            "8:35: unmanaged[0].table: trigger 'x': no table 'nope'",
        ),
        (
            "- {kind: view, name: v}\n- {kind: view, name: v}",
            "9:3: unmanaged[1]: view 'v' is listed twice",
        ),
        ("- {kind: view}", "8:3: unmanaged[0]: an unmanaged entry needs the key 'name'"),
        ("- {kind: view, name: v, colour: red}", "8:25: unmanaged[0].colour: unknown key 'colour'"),
        ("{kind: view}", "7:12: unmanaged: expected a list of entries"),
    ],
)
def test_bad_entries_name_file_line_and_column(section, problem):
    from planner.state.errors import SnapshotError

    text = (
        HEAD + "unmanaged:\n" + section + "\n"
        if "\n" in section or section.startswith("-")
        else HEAD + "unmanaged: " + section + "\n"
    )
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_a_trigger_on_an_unmanaged_view_is_valid():
    text = HEAD + "unmanaged:\n- {kind: trigger, name: x, table: v}\n- {kind: view, name: v}\n"
    s = load_snapshot_text(text, "1.0.0.yaml")
    assert [u.kind for u in s.unmanaged] == ["trigger", "view"]
    assert dump_snapshot(s, schema_ref=None) == text.replace("release: 1.0.0", "release: 1.0.0")


@pytest.mark.pg
def test_a_trigger_on_a_view_left_alone_stays_listed(pg_db):
    # a view with options is left alone: so is its trigger (listed), the other is modelled
    run_script(
        pg_db,
        """
CREATE TABLE t (id int PRIMARY KEY)

CREATE VIEW vb WITH (security_barrier) AS SELECT id FROM t

CREATE VIEW v AS SELECT id FROM t

CREATE FUNCTION ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$

CREATE TRIGGER vb_ins INSTEAD OF INSERT ON vb FOR EACH ROW EXECUTE FUNCTION ins()

CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION ins()
""",
    )
    s = from_database(pg_db, release="1.0.0")
    assert [v.name for v in s.views] == ["v"]
    assert [(u.kind, u.name, u.table) for u in s.unmanaged] == [
        ("trigger", "vb_ins", "vb"),
        ("view", "vb", None),
    ]
    assert [(r.kind, r.name, r.table) for r in s.routines] == [
        ("function", "ins()", None),
        ("trigger", "v_ins", "v"),
    ]
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
