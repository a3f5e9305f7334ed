"""Capture without a server: snapshot <-> MetaData, models, normal forms, ``dbplan snapshot``."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from planner.cli import cli
from planner.state.capture import (
    CaptureError,
    from_database,
    from_metadata,
    normalise_for,
    normalise_server_default,
    to_metadata,
)
from planner.state.model import (
    Enum,
    FrozenMap,
    Generated,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
)
from planner.state.yamlio import dump_snapshot, load_snapshot, snapshot_equal_with_hints
from tests.fixtures import models_app
from tests.state.test_roundtrip_db import REFERENCE, edge_snapshot, rich_snapshot
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]


def _hand_built() -> list[Snapshot]:
    rich = rich_snapshot()
    unnamed_pk = rich.replace_table(
        dataclasses.replace(rich.table("sites"), primary_key=PrimaryKey(columns=("id",)))
    )
    return [
        rich,
        unnamed_pk,
        edge_snapshot(),
        edge_snapshot(schema="ops"),
        Snapshot(release="0.0.1"),
    ]


SNAPSHOTS = [pytest.param(load_snapshot(p), id=p.stem) for p in REFERENCE] + [
    pytest.param(s, id=f"hand-{i}") for i, s in enumerate(_hand_built())
]


# -- snapshot -> MetaData -> snapshot ---------------------------------------------------


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_from_metadata_inverts_to_metadata(snapshot):
    back = from_metadata(to_metadata(snapshot), release=snapshot.release)
    assert back == snapshot
    assert snapshot_equal_with_hints(back, snapshot)
    assert dump_snapshot(back) == dump_snapshot(snapshot)


def test_to_metadata_shares_one_enum_type_per_name():
    md = to_metadata(rich_snapshot())
    level = md.tables["sites"].c.level.type
    assert isinstance(level, sa.Enum) and level.name == "event_level"
    assert list(level.enums) == ["info", "warning", "error", "critical"]
    ddl = str(CreateTable(md.tables["data_states"]).compile(dialect=postgresql.dialect()))
    assert "kind state_kind" in ddl


def test_to_metadata_breaks_foreign_key_cycles_with_use_alter():
    md = to_metadata(rich_snapshot())
    fks = {fk.name: fk.use_alter for t in md.tables.values() for fk in t.foreign_key_constraints}
    assert fks["fk_campaigns_lead_site_id_sites"] is True
    assert fks["fk_sites_campaign_id_campaigns"] is True
    assert fks["fk_sites_parent_id_sites"] is False  # self-reference: no cycle between tables
    assert fks["fk_state_pairs_a_id_data_states"] is False


def test_to_metadata_keeps_names_under_a_constraint_name_convention():
    md = to_metadata(rich_snapshot())
    assert dict(md.naming_convention)["ck"] == "ck_%(table_name)s_%(constraint_name)s"
    ddl = str(CreateTable(md.tables["sites"]).compile(dialect=postgresql.dialect()))
    assert "CONSTRAINT ck_sites_name_not_empty CHECK (name <> '')" in ddl
    assert "ck_sites_ck_sites" not in ddl
    assert "CONSTRAINT pk_sites PRIMARY KEY (id)" in ddl
    # PrimaryKey(name=None) under a pk convention: the dialect's default name
    ddl = str(CreateTable(md.tables["campaigns"]).compile(dialect=postgresql.dialect()))
    assert "\tPRIMARY KEY (id)" in ddl and "pk_campaigns" not in ddl


def test_to_metadata_columns_defaults_comments_indexes_hints_rows():
    md = to_metadata(rich_snapshot())
    sites = md.tables["sites"]
    assert [c.name for c in sites.columns] == [
        "id",
        "campaign_id",
        "parent_id",
        "name",
        "level",
        "note",
        "area",
    ]
    assert sites.c.level.server_default.arg.text == "'info'"
    assert sites.c.name.info["dbplan"] == {"renamed_from": "title"}
    assert sites.c.note.info["dbplan"] == {"backfill": "''"}
    assert sites.info["dbplan"] == {"renamed_from": "places"}
    assert md.tables["campaigns"].comment == "A measurement campaign"
    assert md.tables["campaigns"].c.name.comment == "Display name"
    ix = next(i for i in sites.indexes if i.name == "ix_sites_area")
    assert str(CreateIndex(ix).compile(dialect=postgresql.dialect())).endswith("WHERE area > 0")
    assert str(CreateIndex(ix).compile(dialect=sqlite.dialect())).endswith("WHERE area > 0")
    key, rows = md.tables["data_states"].info["dbplan_rows"]
    assert key == ("name",) and rows[1] == {"id": 2, "name": "Clean", "rank": 1}
    pairs = md.tables["state_pairs"]
    assert [c.name for c in pairs.primary_key.columns] == ["b_id", "a_id"]
    assert pairs.c.weight.autoincrement is False


# -- user models -> snapshot ---------------------------------------------------------------


def test_from_metadata_of_declarative_models():
    s = from_metadata(models_app.Base, release="1.0.0", rows=models_app.ROWS)
    assert s.release == "1.0.0"
    assert s.enums == (Enum(name="event_level", values=("info", "warning", "error")),)
    assert s.conventions["pk"] == "pk_%(table_name)s"
    camp = s.table("campaigns")
    assert camp.primary_key == PrimaryKey(name="pk_campaigns", columns=("id",))
    # a str default is a SQL literal; on a Numeric, in the form a database reads back: 0
    assert camp.column("budget").server_default == "0"
    assert camp.column("created_at").server_default == "now()"
    assert camp.column("created_at").type == "DateTime(timezone=True)"
    assert camp.column("name").comment == "Display name"
    assert [(u.name, u.columns) for u in camp.uniques] == [("uq_campaigns_name", ("name",))]
    assert [(c.name, c.sqltext) for c in camp.checks] == [
        ("ck_campaigns_budget_positive", "budget >= 0")
    ]
    sites = s.table("sites")
    assert sites.column("level").type == "Enum(event_level)"
    assert sites.column("level").server_default == "'info'"
    assert sites.column("name").renamed_from == "title"
    (fk,) = sites.foreign_keys
    assert (fk.name, fk.columns, fk.ref_table, fk.ref_columns, fk.ondelete) == (
        "fk_sites_campaign_id_campaigns",
        ("campaign_id",),
        "campaigns",
        ("id",),
        "CASCADE",
    )
    assert sites.indexes == (
        Index(name="ix_sites_campaign_id", columns=("campaign_id",)),
        Index(name="ix_sites_name", columns=("name",), where="level <> 'error'"),
    )
    rows = s.table("data_states").rows
    assert rows == RowSet(
        key=("name",),
        rows=(
            FrozenMap({"id": 1, "name": "Raw", "valid_from": "2024-01-31"}),
            FrozenMap({"id": 2, "name": "Clean"}),
        ),
    )


def test_rows_as_plain_list_or_callable_default_to_the_primary_key():
    s = from_metadata(models_app.Base.metadata, release="1", rows=models_app.rows)
    assert s.table("data_states").rows.key == ("id",)
    assert len(s.table("data_states").rows.rows) == 2


def test_from_metadata_is_deterministic():
    a = dump_snapshot(from_metadata(models_app.Base, release="1.0.0", rows=models_app.ROWS))
    b = dump_snapshot(from_metadata(models_app.Base, release="1.0.0", rows=models_app.ROWS))
    assert a == b


def test_unnamed_constraints_without_convention_get_the_names_postgresql_gives():
    """Issue 12: models without a naming convention snapshot cleanly, each unnamed
    constraint under the name PostgreSQL gives it (no advice to rename deployed ones)."""
    md = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s"})
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "b",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a_id", sa.ForeignKey("a.id")),
        sa.Column("code", sa.String(5), unique=True),
        sa.Column("x", sa.Integer, index=True),
        sa.CheckConstraint("x > 0"),
        sa.CheckConstraint("x < id"),
        sa.CheckConstraint("x <> id"),
    )
    b = from_metadata(md, release="1").get_table((None, "b"))
    assert [f.name for f in b.foreign_keys] == ["b_a_id_fkey"]
    assert [u.name for u in b.uniques] == ["b_code_key"]
    assert [i.name for i in b.indexes] == ["b_x_idx"]
    assert sorted(c.name for c in b.checks) == ["b_check", "b_check1", "b_x_check"]


def test_default_convention_names_indexes_like_sqlalchemy():
    md = sa.MetaData()
    sa.Table(
        "things",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("x", sa.Integer, index=True),
    )
    s = from_metadata(md, release="1")
    assert s.table("things").indexes[0].name == "ix_things_x"
    assert s.naming_convention == ()


def test_rows_problems_name_the_table_and_column():
    with pytest.raises(CaptureError) as e:
        from_metadata(
            models_app.Base, release="1", rows={"nope": [], "data_states": [{"colour": 1}]}
        )
    assert "rows given for unknown table 'nope'" in str(e.value)
    assert "data_states: row 0 names unknown column(s) ['colour']" in str(e.value)


def test_not_a_metadata_is_an_error():
    with pytest.raises(CaptureError, match="not a SQLAlchemy MetaData or declarative base"):
        from_metadata(object(), release="1")


# -- normal forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_", "expected"),
    [
        ("'info'::event_level", None, "'info'"),
        ("'-1'::integer", "Integer", "-1"),
        ("'abc'::character varying", "String(5)", "'abc'"),
        ("(now())", None, "now()"),
        ("CURRENT_TIMESTAMP", "DateTime", "now()"),
        ("current_timestamp()", "DateTime", "now()"),
        ("current_timestamp(6)", "DateTime", "now()"),
        ("0", "Boolean", "false"),
        ("'1'", "Boolean", "true"),
        ("1.50", "Numeric(8, 2)", "1.5"),
        ("'5'", "Integer", "5"),
        ("10", "Numeric(8, 2)", "10"),
        ("NULL", "Integer", None),
        (None, None, None),
        ("'it''s'", "String(5)", "'it''s'"),
    ],
)
def test_normalise_server_default(text, type_, expected):
    assert normalise_server_default(text, type=type_) == expected


def test_normalise_for_sqlite_drops_what_sqlite_cannot_hold():
    s = normalise_for(rich_snapshot(), "sqlite")
    assert s.table("campaigns").comment is None
    assert s.table("campaigns").column("name").comment is None
    assert [e.name for e in s.enums] == ["event_level", "state_kind"]  # unused_kind has no column
    assert s.table("sites").column("name").renamed_from is None
    assert s.table("sites").primary_key.name == "pk_sites"


def test_normalise_for_mysql_and_postgresql():
    s = normalise_for(rich_snapshot(), "mysql")
    assert s.table("sites").primary_key.name is None
    assert all(i.where is None for i in s.table("sites").indexes)
    e = normalise_for(edge_snapshot(), "postgresql").table("counters")
    assert e.primary_key.name is None  # counters_pkey is PostgreSQL's default name
    assert e.column("seq").autoincrement is None  # outside the primary key: no effect
    assert e.column("id").autoincrement is False
    fk = normalise_for(edge_snapshot(), "mysql").table("events").foreign_keys[0]
    assert fk.ondelete is None  # RESTRICT is MariaDB's default


def test_from_database_sqlite_in_memory_is_empty():
    assert from_database("sqlite://", release="1") == Snapshot(release="1")


# -- dbplan snapshot ------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.dbplan]\n")
    pkg = tmp_path / "myapp_capture_cli"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(
        textwrap.dedent(
            """
            import sqlalchemy as sa
            metadata = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
            units = sa.Table(
                "units", metadata,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("symbol", sa.String(10), nullable=False, unique=True),
            )
            ROWS = {"units": {"key": ["symbol"], "values": [{"id": 1, "symbol": "kWh"}]}}
            """
        )
    )
    monkeypatch.syspath_prepend(str(ROOT))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("myapp_capture_cli")]:
        del sys.modules[name]


def _run(project, *args):
    return CliRunner().invoke(cli, ["-C", str(project), "snapshot", *args], catch_exceptions=False)


def test_cli_from_models_writes_canonical_file_and_refuses_overwrite(project):
    args = [
        "--release",
        "1.0.0",
        "--from-models",
        "myapp_capture_cli.models:metadata",
        "--rows",
        "myapp_capture_cli.models:ROWS",
    ]
    r = _run(project, *args)
    assert r.exit_code == 0, r.output
    assert "Wrote schema_state/1.0.0.yaml: 1 tables, 0 enums, 1 managed rows." in r.output
    path = project / "schema_state" / "1.0.0.yaml"
    s = load_snapshot(path)
    assert s.table("units").uniques[0].name == "uq_units_symbol"
    assert dict(s.table("units").rows.rows[0]) == {"id": 1, "symbol": "kWh"}
    assert path.read_text() == dump_snapshot(s)
    before = path.read_bytes()

    r = _run(project, *args[:4])
    assert r.exit_code == 1
    assert "schema_state/1.0.0.yaml exists; pass --force to overwrite it" in r.output
    assert path.read_bytes() == before

    r = _run(project, *args[:4], "--force")
    assert r.exit_code == 0, r.output
    assert load_snapshot(path).table("units").rows is None


def test_cli_stdout_writes_nothing(project):
    r = _run(
        project,
        "--release",
        "1.0.0",
        "--from-models",
        "myapp_capture_cli.models:metadata",
        "--stdout",
    )
    assert r.exit_code == 0, r.output
    assert "release: 1.0.0" in r.output and "uq_units_symbol: [symbol]" in r.output
    assert not (project / "schema_state" / "1.0.0.yaml").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "give exactly one of --from-models MODULE:ATTR or --from-db URL"),
        (["--from-models", "a:b", "--from-db", "sqlite://"], 2, "give exactly one"),
        (["--from-db", "sqlite://", "--rows", "a:b"], 2, "--rows goes with --from-models"),
        (["--from-models", "a:b", "--rows-of", "t"], 2, "--rows-of goes with --from-db"),
        (["--from-models", "nocolon"], 2, "is not MODULE:ATTR"),
        (["--from-models", "no_such_module_xyz:Base"], 1, "cannot import 'no_such_module_xyz'"),
        (["--from-models", "myapp_capture_cli.models:Nope"], 1, "has no attribute 'Nope'"),
        (["--from-db", "sqlite:////nonexistent/dir/x.db"], 1, "cannot read the database"),
        (
            ["--from-db", "sqlite://", "--rows-of", "ghost"],
            1,
            "--rows-of names table(s) not in the database: ghost",
        ),
    ],
)
def test_cli_errors(project, args, code, message):
    r = _run(project, "--release", "1.0.0", *args)
    assert r.exit_code == code, r.output
    assert message in r.output


def test_cli_bad_release(project):
    r = _run(project, "--release", "latest", "--from-db", "sqlite://")
    assert r.exit_code == 2
    assert "'latest' is not a PEP 440 version" in r.output


def test_cli_from_db_with_rows_of(project, tmp_path):
    from planner.state.build import create_from_snapshot

    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    engine = sa.create_engine(url)
    create_from_snapshot(engine, rich_snapshot())
    engine.dispose()
    r = _run(project, "--release", "2.0.0", "--from-db", url, "--rows-of", "data_states")
    assert r.exit_code == 0, r.output
    s = load_snapshot(project / "schema_state" / "2.0.0.yaml")
    assert [dict(row)["name"] for row in s.table("data_states").rows.rows] == [
        "Raw",
        "Clean",
        "Validated",
    ]
    assert s.table("sites").checks[0].sqltext == "name <> ''"


def test_cli_subprocess_console_script(project):
    exe = ROOT / ".venv" / "bin" / "dbplan"
    proc = subprocess.run(
        [
            str(exe),
            "-C",
            str(project),
            "snapshot",
            "--release",
            "0.9.0",
            "--from-models",
            "myapp_capture_cli.models:metadata",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=project,
    )
    assert proc.returncode == 0, proc.stderr
    assert (project / "schema_state" / "0.9.0.yaml").is_file()
    proc = subprocess.run(
        [
            str(exe),
            "-C",
            str(project),
            "snapshot",
            "--release",
            "0.9.0",
            "--from-models",
            "myapp_capture_cli.models:metadata",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=project,
    )
    assert proc.returncode == 1
    assert "exists; pass --force" in proc.stderr


def test_mysql_and_sqlite_ddl_of_rich_snapshot_compiles():
    md = to_metadata(rich_snapshot())
    for dialect in (mysql.dialect(), sqlite.dialect(), postgresql.dialect()):
        for t in md.sorted_tables:
            assert "CREATE TABLE" in str(CreateTable(t).compile(dialect=dialect))


def test_sqlite_unnamed_constraints_get_the_names_postgresql_gives(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE a (id INTEGER PRIMARY KEY)"))
        conn.execute(
            sa.text(
                "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id), "
                "code VARCHAR(5) UNIQUE, n INT CHECK (n > 0), m INT, UNIQUE (m, n), CHECK (m < 5))"
            )
        )
    b = from_database(engine, release="1").table("b")
    engine.dispose()
    assert [(f.name, f.columns, f.ref_table) for f in b.foreign_keys] == [
        ("b_a_id_fkey", ("a_id",), "a")
    ]
    assert [(u.name, u.columns) for u in b.uniques] == [
        ("b_code_key", ("code",)),
        ("b_m_n_key", ("m", "n")),
    ]
    assert [(c.name, c.sqltext) for c in b.checks] == [
        ("b_m_check", "m < 5"),
        ("b_n_check", "n > 0"),
    ]


@pytest.mark.pg
def test_postgresql_default_schema_named_explicitly_is_none(pg_db):
    engine = sa.create_engine(pg_db)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id serial PRIMARY KEY, n int DEFAULT '-1'::integer)"))
    s = from_database(engine, release="1", schemas=["public", None])
    engine.dispose()
    t = s.table("t")
    assert t.schema is None and t.primary_key.name is None
    assert t.column("id").autoincrement is None and t.column("id").server_default is None
    assert t.column("n").server_default == "-1"


# -- properties ---------------------------------------------------------------------------------


@given(snapshots())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_property_from_metadata_inverts_to_metadata(snapshot):
    back = from_metadata(to_metadata(snapshot), release=snapshot.release)
    assert back == snapshot
    assert snapshot_equal_with_hints(back, snapshot)


def test_identity_and_computed_are_modelled_and_unnamed_enum_is_reported():
    md = sa.MetaData()
    sa.Table(
        "t",
        md,
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("a", sa.Integer),
        sa.Column("g", sa.Integer, sa.Computed("a * 2")),
    )
    t = from_metadata(md, release="1").table("t")
    assert (t.column("id").identity, t.column("id").autoincrement) == ("always", None)
    assert t.column("g").generated == Generated(expression="a * 2", stored=True)
    back = from_metadata(to_metadata(from_metadata(md, release="1")), release="1")
    assert back == from_metadata(md, release="1")
    sa.Table(
        "u", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("k", sa.Enum("a", "b"))
    )
    with pytest.raises(CaptureError, match=r"u\.k: type .*give the sa\.Enum a name="):
        from_metadata(md, release="1")


@pytest.mark.mysql
def test_cli_from_mariadb_names_inline_enums_from_the_newest_snapshot(project, mysql_db):
    from planner.state.build import create_from_snapshot
    from planner.state.yamlio import write_snapshot

    s = rich_snapshot("1.0.0")
    write_snapshot(project / "schema_state" / "1.0.0.yaml", s)
    engine = sa.create_engine(mysql_db)
    create_from_snapshot(engine, s)
    engine.dispose()
    r = _run(project, "--release", "1.1.0", "--from-db", mysql_db, "--stdout")
    assert r.exit_code == 0, r.output
    assert "level: {type: Enum(event_level)" in r.output
    assert "event_level: [info, warning, error, critical]" in r.output
    assert "  sites_level: [" not in r.output and "data_states_kind" not in r.output


@pytest.mark.pg
def test_postgresql_jsonb_numbers_compare_by_value_and_real_changes_show(pg_db):
    """JSONB stores 6.417673252564703e+16 as the numeric 64176732525647030: the same number,
    not a difference; a changed number still is one."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for, normalise_for
    from planner.state.model import Column, PrimaryKey, RowSet, Snapshot, Table

    rows = RowSet(
        key=("id",),
        rows=(
            FrozenMap({"id": 1, "doc": {"n": 6.417673252564703e16, "b": True, "l": [0.5, 2]}}),
            FrozenMap({"id": 2, "doc": {"n": 1.5}}),
            FrozenMap({"id": 3, "doc": 6.454280686068773e16}),  # a scalar document
        ),
    )
    t = Table(
        name="j",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="doc", type="postgresql.JSONB"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        rows=rows,
    )
    s = Snapshot(release="1", tables=(t,))
    engine = sa.create_engine(pg_db)
    try:
        create_from_snapshot(engine, s)
        with engine.connect() as c:
            assert c.execute(sa.text("SELECT doc->>'n' FROM j WHERE id = 1")).scalar() == (
                "64176732525647030"
            )
        assert compare_snapshots(capture_for(engine, s), normalise_for(s, "postgresql")) == []
        with engine.begin() as c:
            c.execute(sa.text("""UPDATE j SET doc = '{"n": 2}' WHERE id = 2"""))
            c.execute(sa.text("UPDATE j SET doc = '64542806860687740' WHERE id = 3"))
        assert compare_snapshots(capture_for(engine, s), normalise_for(s, "postgresql")) == [
            "j: row (id=2): doc FrozenMap({'n': 2}), snapshot says FrozenMap({'n': 1.5})",
            "j: row (id=3): doc 64542806860687740, snapshot says 6.454280686068773e+16",
        ]
    finally:
        engine.dispose()


def _quoted_names_snapshot(q: str) -> Snapshot:
    """Tables whose column, key, constraint and index names hold the quote ``q``."""
    from planner.state.model import Check, Column, ForeignKey, Index, RowSet, Table, Unique

    p = Table(
        name="p",
        columns=(Column(name=f"i{q}d", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=(f"i{q}d",)),
    )
    c = Table(
        name="c",
        columns=(
            Column(name=f"a{q}{q}b", type="Integer", nullable=False),
            Column(name=f"r{q}", type="Integer"),
            Column(name="n", type="Integer"),
        ),
        primary_key=PrimaryKey(name=f"pk{q}c", columns=(f"a{q}{q}b",)),
        foreign_keys=(
            ForeignKey(
                name=f"5U!tS{q}kI4P![", columns=(f"r{q}",), ref_table="p", ref_columns=(f"i{q}d",)
            ),
        ),
        uniques=(Unique(name=f"u{q}n, x", columns=("n", f"r{q}")),),
        checks=(Check(name=f"c{q}k", sqltext="n > 0"),),
        indexes=(Index(name=f"ix{q}n", columns=("n",)),),
        rows=RowSet(key=(f"a{q}{q}b",), rows=(FrozenMap({f"a{q}{q}b": 1, "n": 2}),)),
    )
    return Snapshot(release="1", tables=(c, p))


@pytest.mark.parametrize(
    ("dialect", "quote"),
    [("sqlite", '"'), pytest.param("mysql", "`", marks=pytest.mark.mysql)],
)
def test_names_with_quotes_read_back_as_written(dialect, quote, request):
    """SQLAlchemy keeps a backtick doubled in names it reads from SHOW CREATE TABLE
    (MariaDB), a double quote doubled in SQLite foreign key and check names, and garbles
    SQLite PRIMARY KEY and UNIQUE names holding one: capture reads them as written."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for

    url = request.getfixturevalue("sqlite_db" if dialect == "sqlite" else "mysql_db")
    s = _quoted_names_snapshot(quote)
    if dialect == "mysql":  # MariaDB: no primary key names
        s = s.replace_table(
            dataclasses.replace(s.table("c"), primary_key=PrimaryKey(columns=(f"a{quote * 2}b",)))
        )
    engine = sa.create_engine(url)
    try:
        create_from_snapshot(engine, s)
        if dialect == "mysql":  # what SQLAlchemy alone reads
            with engine.connect() as conn:
                raw = sa.inspect(conn)
                assert [c["name"] for c in raw.get_columns("c")][0] == f"a{quote * 4}b"
        got = capture_for(engine, s)
        assert compare_snapshots(got, normalise_for(s, dialect)) == []
        assert got.table("c").rows.rows == s.table("c").rows.rows
    finally:
        engine.dispose()


@pytest.mark.pg
def test_postgresql_foreign_key_columns_with_commas_read_back_whole(pg_db):
    """SQLAlchemy splits a foreign key's column lists at commas; capture reads the catalog."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for
    from planner.state.model import Column, ForeignKey, Table, Unique

    p = Table(
        name="p",
        columns=(
            Column(name="x, y", type="Integer", nullable=False),
            Column(name='z"', type="Integer", nullable=False),
        ),
        primary_key=PrimaryKey(columns=("x, y",)),
        uniques=(Unique(name="u", columns=("x, y", 'z"')),),
    )
    n = Table(
        name="n",
        columns=(Column(name="a,b", type="Integer"), Column(name="c", type="Integer")),
        foreign_keys=(
            ForeignKey(name="f", columns=("a,b",), ref_table="p", ref_columns=("x, y",)),
            ForeignKey(name="g", columns=("c", "a,b"), ref_table="p", ref_columns=('z"', "x, y")),
        ),
    )
    s = Snapshot(release="1", tables=(n, p))
    engine = sa.create_engine(pg_db)
    try:
        create_from_snapshot(engine, s)
        got = capture_for(engine, s)
        assert got.table("n").foreign_keys == n.foreign_keys
        assert compare_snapshots(got, normalise_for(s, "postgresql")) == []
    finally:
        engine.dispose()


@pytest.mark.mysql
def test_mariadb_enum_values_with_escapes_read_back_as_written(mysql_db):
    """SHOW CREATE TABLE writes a backslash in an enum value as two; SQLAlchemy keeps both."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for
    from planner.state.model import Column, Table

    values = ("a\\", "b\\\\c", "d'e", 'f"g', "h\tj", "k\\nl", "plain")
    t = Table(name="t", columns=(Column(name="c", type="Enum(e)"),))
    s = Snapshot(release="1", tables=(t,), enums=(Enum(name="e", values=values),))
    engine = sa.create_engine(mysql_db)
    try:
        create_from_snapshot(engine, s)
        got = capture_for(engine, s)
        assert got.enums == s.enums
        assert compare_snapshots(got, normalise_for(s, "mysql")) == []
    finally:
        engine.dispose()


def test_sqlite_row_keyed_by_a_zone_aware_datetime_is_found(sqlite_db):
    """SQLite stores the naive wall time of a zone-aware key: the row is still found by it."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for
    from planner.state.model import Column, Table

    t = Table(
        name="t",
        columns=(
            Column(name="d", type="DateTime(timezone=True)"),
            Column(name="n", type="Integer"),
        ),
        rows=RowSet(
            key=("d",),
            rows=(
                FrozenMap({"d": "2020-06-19T17:04:18.003812+00:00", "n": 1}),
                FrozenMap({"d": "2021-01-02T03:04:05+00:00", "n": 2}),
            ),
        ),
    )
    s = Snapshot(release="1", tables=(t,))
    engine = sa.create_engine(sqlite_db)
    try:
        create_from_snapshot(engine, s)
        assert compare_snapshots(capture_for(engine, s), normalise_for(s, "sqlite")) == []
        with engine.begin() as c:
            c.execute(sa.text("UPDATE t SET n = 5 WHERE n = 2"))
        assert compare_snapshots(capture_for(engine, s), normalise_for(s, "sqlite")) == [
            "t: row (d='2021-01-02T03:04:05+00:00'): n 5, snapshot says 2"
        ]
    finally:
        engine.dispose()


def test_sqlite_foreign_key_actions_to_a_quoted_table_read_back(sqlite_db):
    """SQLAlchemy loses ON DELETE / ON UPDATE of a foreign key to a table whose name holds a
    double quote; capture reads them from the CREATE TABLE statement."""
    from planner.runtime.verify import compare_snapshots
    from planner.state.build import create_from_snapshot
    from planner.state.capture import capture_for
    from planner.state.model import Column, ForeignKey, Table

    p = Table(
        name='p"q',
        columns=(Column(name="x", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=("x",)),
    )
    c = Table(
        name="c",
        columns=(Column(name="a", type="Integer"), Column(name="b", type="Integer")),
        foreign_keys=(
            ForeignKey(
                name='f"1',
                columns=("a",),
                ref_table='p"q',
                ref_columns=("x",),
                ondelete="SET NULL",
                onupdate="CASCADE",
            ),
            ForeignKey(name="f2", columns=("b",), ref_table='p"q', ref_columns=("x",)),
        ),
    )
    s = Snapshot(release="1", tables=(c, p))
    engine = sa.create_engine(sqlite_db)
    try:
        create_from_snapshot(engine, s)
        got = capture_for(engine, s)
        assert got.table("c").foreign_keys == c.foreign_keys
        assert compare_snapshots(got, normalise_for(s, "sqlite")) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("which", ["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def test_a_set_null_key_on_a_not_null_column_captures_and_checks(project, which, request):
    """PostgreSQL and SQLite create SET NULL keys on NOT NULL columns (MariaDB refuses them):
    whatever snapshot writes from such a database, check accepts (lint R016 warns)."""
    url = request.getfixturevalue({"sqlite": "sqlite_db", "postgresql": "pg_db"}[which])
    eng = sa.create_engine(url)
    with eng.begin() as c:
        c.execute(sa.text("CREATE TABLE p (id INTEGER PRIMARY KEY)"))
        c.execute(
            sa.text(
                "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER NOT NULL, "
                "CONSTRAINT fk_c_p_id_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE SET NULL)"
            )
        )
    eng.dispose()
    r = _run(project, "--release", "1.0.0", "--from-db", url)
    assert r.exit_code == 0, r.output
    assert "ondelete: SET NULL" in (project / "schema_state" / "1.0.0.yaml").read_text()
    r = CliRunner().invoke(cli, ["-C", str(project), "check"], catch_exceptions=False)
    assert "1 snapshot valid: 1.0.0" in r.output, r.output  # (exit 3: no revision yet)
    r = CliRunner().invoke(cli, ["-C", str(project), "plan", "empty", "1.0.0"])
    assert "warning R016" in r.output and "fk_c_p_id_p" in r.output, r.output


def test_sqlite_integer_primary_key_without_not_null_snapshots(project, sqlite_db):
    """Issue 18: `snapshot --from-db` failed on a plain SQLite `id INTEGER PRIMARY KEY`
    table (reflected as nullable, then refused as a nullable primary-key column)."""
    eng = sa.create_engine(sqlite_db)
    with eng.begin() as c:
        c.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT)"))
    eng.dispose()
    r = _run(project, "--release", "1.0.0", "--from-db", sqlite_db)
    assert r.exit_code == 0, r.output
    text = (project / "schema_state" / "1.0.0.yaml").read_text()
    assert "      id: {type: Integer, primary_key: true}\n" in text
