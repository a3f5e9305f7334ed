"""Snapshot -> real database -> capture: ``capture_for(db) == normalise_for(snapshot)``.

Runs on SQLite, PostgreSQL and MariaDB (``db_url``) with a hand-built snapshot using
every feature, and with every reference snapshot in ``schema_state/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.state.build import create_from_snapshot
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = sorted((ROOT / "schema_state").glob("*.yaml"))


def rich_snapshot(release: str = "1.0.0") -> Snapshot:
    """Every feature of the format: enums, FKs (cycle, self, composite), checks, rows ..."""
    nc = (
        ("fk", "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s"),
        ("ix", "ix_%(table_name)s_%(column_0_N_name)s"),
        ("pk", "pk_%(table_name)s"),
        ("uq", "uq_%(table_name)s_%(column_0_N_name)s"),
        ("ck", "ck_%(table_name)s_%(constraint_name)s"),
    )
    campaigns = Table(
        name="campaigns",
        comment="A measurement campaign",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="name", type="String(80)", nullable=False, comment="Display name"),
            Column(name="budget", type="Numeric(10, 2)", server_default="0"),
            Column(name="active", type="Boolean", nullable=False, server_default="true"),
            Column(
                name="created_at",
                type="DateTime(timezone=True)",
                nullable=False,
                server_default="now()",
            ),
            Column(name="lead_site_id", type="Integer"),
            Column(name="payload", type="JSON"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name="fk_campaigns_lead_site_id_sites",
                columns=("lead_site_id",),
                ref_table="sites",
                ref_columns=("id",),
                ondelete="SET NULL",
            ),
        ),
        uniques=(Unique(name="uq_campaigns_name", columns=("name",)),),
        checks=(Check(name="ck_campaigns_budget_positive", sqltext="budget >= 0"),),
    )
    sites = Table(
        name="sites",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="campaign_id", type="Integer", nullable=False),
            Column(name="parent_id", type="Integer"),
            Column(name="name", type="String(80)", nullable=False, renamed_from="title"),
            Column(name="level", type="Enum(event_level)", nullable=False, server_default="'info'"),
            Column(name="note", type="Text", nullable=False, backfill="''"),
            Column(name="area", type="Float"),
        ),
        primary_key=PrimaryKey(name="pk_sites", columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name="fk_sites_campaign_id_campaigns",
                columns=("campaign_id",),
                ref_table="campaigns",
                ref_columns=("id",),
                ondelete="CASCADE",
                onupdate="CASCADE",
            ),
            ForeignKey(
                name="fk_sites_parent_id_sites",
                columns=("parent_id",),
                ref_table="sites",
                ref_columns=("id",),
            ),
        ),
        uniques=(Unique(name="uq_sites_name_campaign_id", columns=("name", "campaign_id")),),
        checks=(Check(name="ck_sites_name_not_empty", sqltext="name <> ''"),),
        indexes=(
            Index(name="ix_sites_campaign_id", columns=("campaign_id",)),
            Index(name="ix_sites_level_name", columns=("level", "name"), unique=True),
            Index(name="ix_sites_area", columns=("area",), where="area > 0"),
        ),
        renamed_from="places",
    )
    states = Table(
        name="data_states",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="name", type="String(40)", nullable=False),
            Column(name="rank", type="SmallInteger", nullable=False, server_default="0"),
            Column(name="factor", type="Numeric(6, 3)"),
            Column(name="since", type="Date"),
            Column(name="kind", type="Enum(state_kind)"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        uniques=(Unique(name="uq_data_states_name", columns=("name",)),),
        rows=RowSet(
            key=("name",),
            rows=(
                FrozenMap(
                    {
                        "id": 1,
                        "name": "Raw",
                        "rank": 0,
                        "factor": "1.5",
                        "since": "2024-01-31",
                        "kind": "raw",
                    }
                ),
                FrozenMap({"id": 2, "name": "Clean", "rank": 1}),
                FrozenMap({"id": 3, "name": "Validated", "kind": "derived"}),
            ),
        ),
    )
    pairs = Table(
        name="state_pairs",
        columns=(
            Column(name="a_id", type="Integer", nullable=False),
            Column(name="b_id", type="Integer", nullable=False),
            Column(name="weight", type="BigInteger", nullable=False, autoincrement=False),
        ),
        primary_key=PrimaryKey(columns=("b_id", "a_id")),
        foreign_keys=(
            ForeignKey(
                name="fk_state_pairs_a_id_data_states",
                columns=("a_id",),
                ref_table="data_states",
                ref_columns=("id",),
            ),
            ForeignKey(
                name="fk_state_pairs_b_id_data_states",
                columns=("b_id",),
                ref_table="data_states",
                ref_columns=("id",),
            ),
        ),
        rows=RowSet(key=("a_id", "b_id"), rows=(FrozenMap({"a_id": 1, "b_id": 2, "weight": 5}),)),
    )
    settings = Table(
        name="settings",
        columns=(
            Column(name="key", type="String(40)", nullable=False),
            Column(name="payload", type="JSON"),
            Column(name="jb", type="postgresql.JSONB"),
            Column(name="enabled", type="Boolean"),
            Column(name="at", type="DateTime(timezone=True)"),
            Column(name="naive", type="DateTime"),
            Column(name="t", type="Time"),
            Column(name="amount", type="Float"),
            Column(name="big", type="BigInteger"),
            Column(name="uid", type="Uuid"),
            Column(name="arr", type="postgresql.ARRAY(Integer)"),
            Column(name="iv", type="Interval"),
            Column(name="blob", type="LargeBinary"),
        ),
        primary_key=PrimaryKey(name="pk_settings", columns=("key",)),
        rows=RowSet(
            key=("key",),
            rows=(
                FrozenMap(
                    {
                        "key": "a",
                        "payload": {"x": [1, 2], "y": None},
                        "jb": {"k": "v"},
                        "enabled": True,
                        "at": "2024-01-31T10:00:00+00:00",
                        "naive": "2024-01-31T10:00:00",
                        "t": "10:30:00",
                        "amount": 1.25,
                        "big": 9007199254740993,
                        "uid": "12345678-1234-5678-1234-567812345678",
                        "arr": [1, 2],
                        "iv": "PT1H",
                        "blob": "00ff",
                    }
                ),
                FrozenMap({"key": "b", "enabled": False}),
            ),
        ),
    )
    return Snapshot(
        release=release,
        tables=(campaigns, sites, states, pairs, settings),
        enums=(
            Enum(name="event_level", values=("info", "warning", "error", "critical")),
            Enum(name="state_kind", values=("raw", "derived")),
            Enum(name="unused_kind", values=("x", "y")),
        ),
        naming_convention=nc,
    )


def _dialect(url: str) -> str:
    return sa.engine.make_url(url).get_backend_name()


def _assert_same(captured: Snapshot, expected: Snapshot) -> None:
    if captured == expected:
        return
    lines = []
    for attr in ("release", "enums", "naming_convention"):
        if getattr(captured, attr) != getattr(expected, attr):
            lines.append(
                f"{attr}: captured {getattr(captured, attr)!r} != {getattr(expected, attr)!r}"
            )
    got, want = captured.tables_by_key(), expected.tables_by_key()
    for key in sorted(set(got) | set(want), key=lambda k: (k[0] or "", k[1])):
        a, b = got.get(key), want.get(key)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{key}: captured {a!r} expected {b!r}")
            continue
        for f in (
            "columns",
            "primary_key",
            "foreign_keys",
            "uniques",
            "checks",
            "indexes",
            "comment",
            "rows",
        ):
            if getattr(a, f) != getattr(b, f):
                lines.append(
                    f"{key}.{f}:\n  captured {getattr(a, f)!r}\n  expected {getattr(b, f)!r}"
                )
    raise AssertionError("captured snapshot differs:\n" + "\n".join(lines))


def _build_and_capture(url: str, snapshot: Snapshot) -> Snapshot:
    engine = sa.create_engine(url)
    try:
        create_from_snapshot(engine, snapshot)
        return capture_for(engine, snapshot)
    finally:
        engine.dispose()


def test_rich_snapshot_round_trips_through_database(db_url):
    s = rich_snapshot()
    captured = _build_and_capture(db_url, s)
    _assert_same(captured, normalise_for(s, _dialect(db_url)))


def test_user_rows_are_not_captured_and_changed_rows_are(db_url):
    s = rich_snapshot()
    engine = sa.create_engine(db_url)
    try:
        create_from_snapshot(engine, s)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO data_states (id, name, rank) VALUES (10, 'Mine', 3)"))
            conn.execute(sa.text("UPDATE data_states SET rank = 7 WHERE name = 'Clean'"))
            conn.execute(sa.text("DELETE FROM data_states WHERE name = 'Validated'"))
        captured = capture_for(engine, s).table("data_states").rows
    finally:
        engine.dispose()
    assert [dict(r)["name"] for r in captured.rows] == ["Raw", "Clean"]
    assert dict(captured.rows[1]) == {"id": 2, "name": "Clean", "rank": 7}


def test_from_database_without_hint_reads_all_rows_and_normal_forms(db_url):
    s = rich_snapshot()
    engine = sa.create_engine(db_url)
    try:
        create_from_snapshot(engine, s)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO data_states (id, name, rank) VALUES (10, 'Mine', 3)"))
        got = from_database(engine, release="9.9.9", rows_of=["data_states"], enums_hint=s)
    finally:
        engine.dispose()
    assert got.release == "9.9.9"
    assert {t.name for t in got.tables} == {
        "campaigns",
        "sites",
        "data_states",
        "state_pairs",
        "settings",
    }
    rows = got.table("data_states").rows
    assert rows.key == ("id",)
    assert [dict(r)["name"] for r in rows.rows] == ["Raw", "Clean", "Validated", "Mine"]
    assert dict(rows.rows[0])["factor"] == "1.5"
    assert dict(rows.rows[0])["since"] == "2024-01-31"
    assert got.table("campaigns").column("created_at").server_default == "now()"
    assert got.table("sites").column("level").server_default == "'info'"
    assert (
        got.table("sites").column("level").type == "Enum(event_level)"
        or _dialect(db_url) == "sqlite"
    )
    assert got.table("campaigns").column("active").server_default == "true"


def test_alembic_version_is_skipped(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    with engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
    assert from_database(engine, release="1").tables == ()
    engine.dispose()


def edge_snapshot(*, schema: str | None = None) -> Snapshot:
    """No naming convention; default PK names; spelled-differently defaults; serials."""
    counters = Table(
        name="counters",
        schema=schema,
        comment="it's",
        columns=(
            Column(name="id", type="Integer", nullable=False, autoincrement=False),
            Column(name="n", type="Integer", nullable=False, server_default="-1"),
            Column(name="ratio", type="Numeric(8, 2)", server_default="1.50"),
            Column(name="label", type="String(20)", server_default="'it''s'"),
            Column(name="seen", type="DateTime", server_default="CURRENT_TIMESTAMP"),
            Column(name="flag", type="Boolean", server_default="false"),
            Column(name="seq", type="BigInteger", nullable=False, autoincrement=True),
        ),
        primary_key=PrimaryKey(name="counters_pkey", columns=("id",)),
        indexes=(Index(name="counters_seq_idx", columns=("seq",), unique=True),),
        checks=(Check(name="counters_n_check", sqltext="n >= -1 AND label IN ('a', 'it''s')"),),
    )
    events = Table(
        name="events",
        schema=schema,
        columns=(
            Column(name="id", type="BigInteger", nullable=False),
            Column(name="counter_id", type="Integer"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name="events_counter_id_fkey",
                columns=("counter_id",),
                ref_table="counters",
                ref_columns=("id",),
                ref_schema=schema,
                ondelete="RESTRICT",
            ),
        ),
        rows=RowSet(key=("id",), rows=(FrozenMap({"id": 5}),)),
    )
    return Snapshot(release="2.0.0", tables=(counters, events))


def test_edge_snapshot_round_trips(db_url):
    s = edge_snapshot()
    if _dialect(db_url) == "sqlite":  # SQLite: autoincrement only on the rowid primary key
        t = s.table("counters")
        cols = tuple(
            c if c.name != "seq" else Column(name="seq", type="BigInteger", nullable=False)
            for c in t.columns
        )
        s = s.replace_table(
            Table(
                **{
                    **{f: getattr(t, f) for f in t.__slots__ if not f.startswith("_")},
                    "columns": cols,
                }
            )
        )
    captured = _build_and_capture(db_url, s)
    _assert_same(captured, normalise_for(s, _dialect(db_url)))


@pytest.mark.pg
def test_schema_qualified_tables_on_postgresql(pg_db):
    s = edge_snapshot(schema="ops")
    captured = _build_and_capture(pg_db, s)
    _assert_same(captured, normalise_for(s, "postgresql"))
    assert captured.table("events", "ops").foreign_keys[0].ref_schema == "ops"


@pytest.mark.pg
def test_postgresql_serial_sequence_advanced_past_inserted_rows(pg_db):
    s = edge_snapshot()
    engine = sa.create_engine(pg_db)
    try:
        create_from_snapshot(engine, s)
        with engine.begin() as conn:
            new_id = conn.execute(
                sa.text("INSERT INTO events DEFAULT VALUES RETURNING id")
            ).scalar()
    finally:
        engine.dispose()
    assert new_id == 6


@pytest.mark.parametrize("path", REFERENCE, ids=[p.stem for p in REFERENCE])
def test_reference_snapshot_round_trips(path, db_url):
    from planner.state.yamlio import load_snapshot

    s = load_snapshot(path)
    captured = _build_and_capture(db_url, s)
    _assert_same(captured, normalise_for(s, _dialect(db_url)))


def test_schema_drift_is_captured(db_url):
    s = rich_snapshot()
    engine = sa.create_engine(db_url)
    try:
        create_from_snapshot(engine, s)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "DROP INDEX ix_sites_area"
                    + (" ON sites" if _dialect(db_url) == "mysql" else "")
                )
            )
            conn.execute(sa.text("CREATE TABLE extra (id INTEGER PRIMARY KEY)"))
        captured = capture_for(engine, s)
    finally:
        engine.dispose()
    expected = normalise_for(s, _dialect(db_url))
    assert captured != expected
    assert [i.name for i in captured.table("sites").indexes] == [
        i.name for i in expected.table("sites").indexes if i.name != "ix_sites_area"
    ]
    assert captured.get_table((None, "extra")) is not None


def test_hand_built_snapshots_are_valid():
    from planner.state.validate import validate

    for s in (rich_snapshot(), edge_snapshot(), edge_snapshot(schema="ops")):
        assert [str(p) for p in validate(s)] == []
