"""An object dbplan leaves alone and changes by hand is a difference: capture writes a
``fingerprint`` of what the catalog shows of its definition (a comment's text, a
setting, an index's columns …), and drift / verify compare it, on each real server.
An entry without one (written by hand) is compared by its name only."""

from __future__ import annotations

import pytest

from planner.runtime.verify import compare_snapshots
from planner.state.capture import from_database
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.objects.corpus import run_script

PG = (
    """
CREATE TABLE t (id int PRIMARY KEY, code text, CONSTRAINT ck_t CHECK (id > 0) NOT VALID)
    WITH (fillfactor = 70)

ALTER TABLE t ALTER COLUMN code SET STATISTICS 200

CREATE ROLE {role}

CREATE ROLE {role}_b

GRANT SELECT ON t TO {role}

CREATE SEQUENCE counter

ALTER SEQUENCE counter OWNER TO {role}

CREATE RULE r_t AS ON UPDATE TO t WHERE old.id = 0 DO INSTEAD NOTHING

CREATE DOMAIN posint AS int CHECK (VALUE > 0)

CREATE FUNCTION f(posint) RETURNS int LANGUAGE sql AS 'SELECT 1'

COMMENT ON FUNCTION f(posint) IS 'one'

GRANT SELECT (id) ON t TO {role}_b

ALTER DEFAULT PRIVILEGES FOR ROLE {role} GRANT SELECT ON TABLES TO {role}_b

CREATE TABLE s (id serial PRIMARY KEY, a int, b int)

ALTER SEQUENCE s_id_seq INCREMENT BY 10

CREATE STATISTICS st_s (ndistinct) ON a, b FROM s

CREATE PUBLICATION pub FOR TABLE t

CREATE FUNCTION noop() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$

CREATE EVENT TRIGGER et ON ddl_command_end EXECUTE FUNCTION noop()

CREATE MATERIALIZED VIEW mv AS SELECT id FROM t WITH NO DATA
""",
    """
ALTER TABLE t SET (fillfactor = 80)

ALTER TABLE t ALTER COLUMN code SET STATISTICS 300

GRANT UPDATE ON t TO {role}

ALTER SEQUENCE counter OWNER TO {role}_b

CREATE OR REPLACE RULE r_t AS ON UPDATE TO t WHERE old.id = 1 DO INSTEAD NOTHING

CREATE OR REPLACE FUNCTION f(posint) RETURNS int LANGUAGE sql AS 'SELECT 2'

COMMENT ON FUNCTION f(posint) IS 'two'

GRANT SELECT (code) ON t TO {role}_b

ALTER DEFAULT PRIVILEGES FOR ROLE {role} GRANT INSERT ON TABLES TO {role}_b

ALTER SEQUENCE s_id_seq INCREMENT BY 20

DROP STATISTICS st_s

CREATE STATISTICS st_s (dependencies) ON a, b FROM s

ALTER PUBLICATION pub ADD TABLE s

ALTER EVENT TRIGGER et DISABLE
""",
    [
        "column_statistics code on t",
        "comment function f(posint)",
        "default_privileges " + "{role} tables",
        "event_trigger et",
        "function f(posint)",
        "grants t",
        "owner sequence counter",
        "publication pub",
        "rule r_t on t",
        "sequence_options id on s",
        "statistics st_s",
        "storage_parameters t",
    ],
)
MARIADB = (
    """
CREATE TABLE doc (id int PRIMARY KEY, title varchar(80), body text,
    FULLTEXT KEY ft_doc (body), KEY ix_title (title) COMMENT 'by title') ROW_FORMAT=DYNAMIC

CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO DELETE FROM doc WHERE id < 0

CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v AS SELECT id FROM doc

CREATE TABLE log (id int PRIMARY KEY, n int, note text COMPRESSED)

CREATE TRIGGER b1 BEFORE INSERT ON log FOR EACH ROW SET NEW.n = 1

CREATE TRIGGER a0 BEFORE INSERT ON log FOR EACH ROW FOLLOWS b1 SET NEW.n = NEW.n + 1
""",
    """
ALTER TABLE doc DROP INDEX ft_doc, ADD FULLTEXT KEY ft_doc (title, body)

ALTER TABLE doc DROP INDEX ix_title, ADD KEY ix_title (title) COMMENT 'by the title'

ALTER TABLE doc ROW_FORMAT=COMPACT

ALTER EVENT ev ON SCHEDULE EVERY 2 DAY

ALTER ALGORITHM=TEMPTABLE SQL SECURITY INVOKER VIEW v AS SELECT id FROM doc
""",
    [
        "comment index ix_title on doc",
        "event ev",
        "index ft_doc on doc",
        "table_options doc",
        "view_options v",
    ],
)
SQLITE = (
    """
CREATE TABLE t (id integer PRIMARY KEY, code text)

CREATE INDEX ix_t_code ON t (code DESC)
""",
    """
DROP INDEX ix_t_code

CREATE INDEX ix_t_code ON t (id, code DESC)
""",
    ["index ix_t_code on t"],
)
CASES = {"postgresql": PG, "mysql": MARIADB, "sqlite": SQLITE}


def _changed(differences: list[str]) -> list[str]:
    """The labels of the 'definition changed' differences."""
    return sorted(
        d.split(": definition changed")[0] for d in differences if "definition changed" in d
    )


def test_an_unmanaged_object_changed_by_hand_is_a_difference(db_url):
    dialect = db_url.split(":")[0].split("+")[0]
    before, change, expected = CASES[dialect]
    role = "fp_" + db_url.rsplit("/", 1)[-1].lower()  # roles are the cluster's: unique
    run_script(db_url, before.format(role=role))
    try:
        snapshot = from_database(db_url, release="1.0.0")
        listed = {_label(u): u for u in snapshot.unmanaged}
        for e in expected:
            assert listed[e.format(role=role)].fingerprint, e
        # the fingerprints round-trip through the file and the same database matches
        again = load_snapshot_text(dump_snapshot(snapshot), "1.0.0.yaml")
        assert [u.fingerprint for u in again.unmanaged] == [
            u.fingerprint for u in snapshot.unmanaged
        ]
        assert compare_snapshots(from_database(db_url, release="1.0.0"), again) == []
        run_script(db_url, change.format(role=role))
        now = from_database(db_url, release="1.0.0")
        assert _changed(compare_snapshots(now, again)) == sorted(
            e.format(role=role) for e in expected
        )
        kept = {"postgresql": {"not_populated mv"}, "mysql": {"trigger_order log"}}
        kept["mysql"].add("column_compression note on log")
        assert kept.get(dialect, set()) <= {_label(u) for u in again.unmanaged}  # listed
        # without fingerprints (a hand-written list), only the names are compared
        import dataclasses

        plain = dataclasses.replace(
            again,
            unmanaged=tuple(dataclasses.replace(u, fingerprint=None) for u in again.unmanaged),
        )
        assert _changed(compare_snapshots(now, plain)) == []
    finally:
        if dialect == "postgresql":
            drop = f"DROP OWNED BY {role}\n\nDROP OWNED BY {role}_b\n\nDROP ROLE {role}"
            drop += f"\n\nDROP ROLE {role}_b"
            run_script(db_url, drop)


def _label(u) -> str:
    from planner.state.inventory import label

    return label(u)


@pytest.mark.parametrize(
    "fingerprint, problem",
    [
        ("'abc'", "expected 16 lower-case hex digits"),
        ("'0123456789ABCDEF'", "expected 16 lower-case hex digits"),
    ],
)
def test_a_bad_fingerprint_names_file_line_and_column(fingerprint, problem):
    from planner.errors import DbplanError

    text = (
        "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"
        f"unmanaged:\n- {{kind: view, name: v, fingerprint: {fingerprint}}}\n"
    )
    with pytest.raises(DbplanError) as e:
        load_snapshot_text(text, "1.0.0.yaml")
    assert "1.0.0.yaml:8:" in str(e.value) and problem in str(e.value)


@pytest.mark.pg
def test_postgresql_tablespaces_are_listed_with_their_name(pg_db):
    import sqlalchemy as sa

    space = "ts_" + pg_db.rsplit("/", 1)[-1].lower()  # tablespaces are the cluster's
    engine = sa.create_engine(pg_db, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET allow_in_place_tablespaces = true")
            conn.exec_driver_sql(f"CREATE TABLESPACE {space} LOCATION ''")
            conn.exec_driver_sql(f"CREATE TABLE t (id int PRIMARY KEY) TABLESPACE {space}")
            conn.exec_driver_sql(f"CREATE INDEX ix_t ON t (id) TABLESPACE {space}")
        s = from_database(pg_db, release="1.0.0")
        listed = {_label(u) for u in s.unmanaged if u.kind == "tablespace"}
        assert listed == {"tablespace t", "tablespace index ix_t"}
        assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS t")
            conn.exec_driver_sql(f"DROP TABLESPACE IF EXISTS {space}")
        engine.dispose()
