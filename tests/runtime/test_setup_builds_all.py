"""dbplan setup builds exactly what the snapshot models, on each dialect: the database is
created with the operations of the ``empty -> release`` revision, then captured and
compared with the snapshot as drift does; a difference fails setup, naming it, and
nothing is kept."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from planner.cli import cli
from planner.runtime import MigrationError, setup
from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.yamlio import dump_snapshot
from tests.conftest import create_database, drop_database
from tests.objects.corpus import run_script
from tests.objects.test_inventory import EVERY

#: what the every-kind databases lack that the probe found setup losing
EXTRA = {
    "postgresql": """
CREATE TABLE p (id int PRIMARY KEY)

CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p DEFERRABLE INITIALLY DEFERRED)

CREATE INDEX c_p ON c (p_id)

COMMENT ON INDEX c_p IS 'x'

CREATE TABLE ev (id int, d date, PRIMARY KEY (id, d)) PARTITION BY RANGE (d)

CREATE TABLE ev_24 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')

COMMENT ON FUNCTION touch() IS 'a function'

COMMENT ON TRIGGER trg ON t IS 'a trigger'

CREATE TABLE g (id int PRIMARY KEY, a int, b int GENERATED ALWAYS AS (a * 2) STORED)
""",
    "mysql": """
CREATE TABLE g (id int PRIMARY KEY, a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)
""",
    "sqlite": """
CREATE TABLE g (id INTEGER PRIMARY KEY, a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL)
""",
}


def _dialect(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    return "mysql" if name in ("mysql", "mariadb") else name


@pytest.fixture
def source_url(db_url, tmp_path):
    """A second empty database on db_url's server (the original one to capture)."""
    if _dialect(db_url) == "sqlite":
        yield f"sqlite:///{tmp_path / 'source.sqlite'}"
        return
    url = create_database(str(sa.engine.make_url(db_url).set(database=None)))
    try:
        yield url
    finally:
        drop_database(url)


def _modelled(snapshot):
    """The snapshot without the objects it lists as unmanaged (setup never creates those)."""
    return dataclasses.replace(snapshot, unmanaged=())


def _release(project_dir, snapshot) -> None:
    (project_dir / "schema_state" / f"{snapshot.release}.yaml").write_text(
        dump_snapshot(snapshot), encoding="utf-8"
    )


def test_setup_builds_every_modelled_kind(project, project_dir, source_url, db_url):
    d = _dialect(db_url)
    run_script(source_url, EVERY[d][0] + EXTRA[d])
    s = from_database(source_url, release="1.0.0")
    assert any(c.generated for c in s.table("g").columns)  # the generated column is modelled
    _release(project_dir, s)
    result = setup(project, release="1.0.0", url=db_url, stamp_revision=False)
    assert result.release == "1.0.0"
    got = capture_for(db_url, s)
    listed = set(s.unmanaged)
    got = dataclasses.replace(got, unmanaged=tuple(u for u in got.unmanaged if u not in listed))
    assert compare_snapshots(got, normalise_for(_modelled(s), d), dialect=d) == []


def test_setup_of_a_generated_column_on_sqlite(project, project_dir, sqlite_db, tmp_path):
    """create_all's server-default rewrite met a Computed: AttributeError (no ``arg``)."""
    src = f"sqlite:///{tmp_path / 'g.sqlite'}"
    run_script(src, EXTRA["sqlite"])
    s = from_database(src, release="1.0.0")
    _release(project_dir, s)
    setup(project, release="1.0.0", url=sqlite_db, stamp_revision=False)
    eng = sa.create_engine(sqlite_db, poolclass=sa.pool.NullPool)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("INSERT INTO g (id, a) VALUES (1, 21)"))
            assert conn.execute(sa.text("SELECT b FROM g")).scalar() == 42
    finally:
        eng.dispose()


def test_metadata_for_keeps_a_computed_column():
    from planner.dialects.sqlite import SQLite
    from planner.state.build import metadata_for
    from planner.state.model import Column, Generated, Snapshot, Table

    t = Table(
        name="g",
        columns=(Column(name="a", type="Integer"), Column(name="b", type="Integer")),
    )
    b = dataclasses.replace(t.columns[1], generated=Generated(expression="a * 2", stored=False))
    t = dataclasses.replace(t, columns=(t.columns[0], b))
    md = metadata_for(Snapshot(release="1", tables=(t,)), SQLite())
    assert isinstance(md.tables["g"].c.b.server_default, sa.Computed)


def _tables(url):
    """The tables and views of the database."""
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        insp = sa.inspect(eng)
        return sorted(insp.get_table_names() + insp.get_view_names())
    finally:
        eng.dispose()


SNAPSHOT = """\
snapshot: 1
release: 1.0.0
tables:
  items:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
    indexes:
      ix_items_name: {columns: [name]}
views:
- name: v_items
  definition: SELECT items.id FROM items
  reads:
  - {table: items, columns: [id]}
"""


def test_setup_fails_naming_what_it_could_not_build(project, project_dir, db_url, monkeypatch):
    """A build that loses an object (here: an index dropped behind its back) fails the
    self-check: setup names the difference, keeps nothing (on MariaDB, which cannot roll
    DDL back, the revision's downgrade drops the view too), and the CLI exits with 3."""
    import planner.state.build as build

    real = build.create_from_snapshot

    def losing(conn, snapshot, **kw):
        real(conn, snapshot, **kw)
        sat = sa.Table("items", sa.MetaData(), sa.Column("name", sa.Integer))
        conn.execute(sa.schema.DropIndex(sa.Index("ix_items_name", sat.c.name)))

    (project_dir / "schema_state" / "1.0.0.yaml").write_text(SNAPSHOT, encoding="utf-8")
    monkeypatch.setattr(build, "create_from_snapshot", losing)
    with pytest.raises(MigrationError) as err:
        setup(project, url=db_url, stamp_revision=False)
    assert getattr(err.value, "differences", None) == ("items: index ix_items_name missing",)
    assert "items: index ix_items_name missing" in str(err.value)
    assert _tables(db_url) in ([], ["alembic_version"]), "setup kept what it built"
    r = CliRunner().invoke(
        cli, ["--project", str(project_dir), "setup", "--url", db_url, "--no-stamp"]
    )
    assert r.exit_code == 3, r.output
    assert "items: index ix_items_name missing" in r.output and "at release 1.0.0:" not in r.output
    monkeypatch.setattr(build, "create_from_snapshot", real)
    assert setup(project, url=db_url, stamp_revision=False).release == "1.0.0"
