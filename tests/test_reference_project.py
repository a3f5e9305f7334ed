"""The reference project's promises (schema_state/*.yaml, see README.md and DESIGN.md).

The reference project, a building-energy-management data service, is the repository's
own dbplan project: its releases must stay realistic and valid, and together they must
exercise every kind of change the planner handles. These tests load the snapshots with
the real loader and check both, comparing model objects directly (no planner involved),
so a snapshot edit that silently drops a change kind or breaks a promise fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.project import sort_releases
from planner.state.model import Snapshot, Table
from planner.state.naming import convention_name

yamlio = pytest.importorskip("planner.state.yamlio")
build = pytest.importorskip("planner.state.build")
capture = pytest.importorskip("planner.state.capture")

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = ROOT / "schema_state"
RELEASES = sort_releases(p.stem for p in SNAPSHOT_DIR.glob("*.yaml"))
ENUM_TYPE = re.compile(r"^Enum\((\w+)\)$")
STRING_TYPE = re.compile(r"^String\((\d+)\)$")
MAX_NAME = 63  # PostgreSQL's identifier limit; MariaDB allows 64

#: every change kind the releases must cover, between consecutive releases
REQUIRED_CHANGES = frozenset(
    {
        "table added",
        "table dropped",
        "table renamed",
        "column added",
        "column dropped",
        "column renamed",
        "column type widened",
        "column made NOT NULL with backfill",
        "column made nullable",
        "server default changed",
        "index added",
        "index dropped",
        "unique added",
        "unique dropped",
        "check added",
        "check dropped",
        "foreign key added",
        "foreign key dropped",
        "enum value inserted in the middle",
        "enum value appended",
        "enum value removed",
        "rows inserted",
        "rows updated",
        "rows deleted",
        "enum value added and used by new rows in the same release",
    }
)


def _load(release: str) -> Snapshot:
    return yamlio.load_snapshot(SNAPSHOT_DIR / f"{release}.yaml")


@pytest.fixture(scope="module")
def snapshots() -> dict[str, Snapshot]:
    return {r: _load(r) for r in RELEASES}


@pytest.fixture(scope="module")
def newest(snapshots) -> Snapshot:
    return snapshots[RELEASES[-1]]


def _pairs() -> list[tuple[str, str]]:
    return list(zip(RELEASES, RELEASES[1:], strict=False))


def _enum_of(type_: str) -> str | None:
    m = ENUM_TYPE.match(type_)
    return m.group(1) if m else None


# -- release-level promises ----------------------------------------------------------


def test_at_least_four_releases_named_by_pep440():
    assert len(RELEASES) >= 4, RELEASES
    assert RELEASES[0] == "0.1.0"


@pytest.mark.parametrize("release", RELEASES)
def test_release_key_matches_file_name(release):
    assert _load(release).release == release


def test_newest_release_has_at_least_18_tables(newest):
    names = [t.name for t in newest.tables]
    assert len(names) >= 18, names
    for required in (
        "campaigns",
        "users",
        "groups",
        "user_groups",
        "sites",
        "buildings",
        "storeys",
        "spaces",
        "zones",
        "timeseries",
        "timeseries_properties",
        "timeseries_data_states",
        "timeseries_property_data",
        "events",
        "event_categories",
        "energies",
        "energy_end_uses",
        "units",
    ):
        assert required in names, f"{required} missing from {RELEASES[-1]}"


def test_newest_uses_named_enums(newest):
    used = {_enum_of(c.type) for t in newest.tables for c in t.columns} - {None}
    declared = set(newest.enums_by_name())
    assert {"event_level", "building_kind", "structural_element"} <= used
    assert used == declared, "every declared enum is used and every used enum declared"


def test_newest_has_composite_unique(newest):
    composite = [(t.name, u.name) for t in newest.tables for u in t.uniques if len(u.columns) > 1]
    assert len(composite) >= 2, composite


def test_newest_has_cascade_and_set_null(newest):
    actions = {fk.ondelete for t in newest.tables for fk in t.foreign_keys}
    assert {"CASCADE", "SET NULL"} <= actions


def test_newest_has_self_referencing_fk(newest):
    selfref = [fk.name for t in newest.tables for fk in t.foreign_keys if fk.ref_table == t.name]
    assert "fk_event_categories_parent_id_event_categories" in selfref


def test_newest_has_mutual_fks(newest):
    edges = {(t.name, fk.ref_table) for t in newest.tables for fk in t.foreign_keys}
    mutual = {tuple(sorted(e)) for e in edges if e[0] != e[1] and (e[1], e[0]) in edges}
    assert ("buildings", "sites") in mutual, mutual


def test_newest_has_checks(newest):
    checks = [c.name for t in newest.tables for c in t.checks]
    assert len(checks) >= 3, checks


def test_newest_has_rows_in_four_tables_one_referencing_another(newest):
    with_rows = [t for t in newest.tables if t.rows and t.rows.rows]
    assert len(with_rows) >= 4, [t.name for t in with_rows]
    by_name = {t.name: t for t in newest.tables}
    referencing = []
    for t in with_rows:
        for fk in t.foreign_keys:
            target = by_name[fk.ref_table]
            if fk.ref_table != t.name and target.rows and target.rows.rows:
                if any(dict(r).get(fk.columns[0]) is not None for r in t.rows.rows):
                    referencing.append(fk.name)
    assert referencing, "no table's default rows reference another table's default rows"


# -- every release is valid and consistent -------------------------------------------


@pytest.mark.parametrize("release", RELEASES)
def test_names_follow_the_naming_convention(release):
    s = _load(release)
    nc = s.conventions
    assert set(nc) == {"ix", "uq", "ck", "fk", "pk"}
    for t in s.tables:
        if t.primary_key is not None and t.primary_key.name is not None:
            assert t.primary_key.name == convention_name(nc["pk"], table=t.name)
        for fk in t.foreign_keys:
            expected = convention_name(
                nc["fk"], table=t.name, columns=fk.columns, referred_table=fk.ref_table
            )
            assert fk.name == expected
        for u in t.uniques:
            assert u.name == convention_name(nc["uq"], table=t.name, columns=u.columns)
        for ix in t.indexes:
            assert ix.name == convention_name(nc["ix"], table=t.name, columns=ix.columns)
        for ck in t.checks:
            suffix = ck.name.removeprefix(f"ck_{t.name}_")
            assert suffix != ck.name and suffix, ck.name
            assert ck.name == convention_name(nc["ck"], table=t.name, constraint_name=suffix)
        for name in t.constraint_names():
            assert len(name) <= MAX_NAME, name


@pytest.mark.parametrize("release", RELEASES)
def test_references_and_types_are_consistent(release):
    s = _load(release)
    tables = s.tables_by_key()
    enums = s.enums_by_name()
    for t in s.tables:
        for c in t.columns:
            assert not c.type.startswith("postgresql."), f"{t.name}.{c.name}: not portable"
            assert c.type != "Interval", f"{t.name}.{c.name}: not portable"
            if _enum_of(c.type):
                assert _enum_of(c.type) in enums, f"{t.name}.{c.name}"
        for fk in t.foreign_keys:
            target = tables[fk.ref_key]
            for col in fk.columns:
                assert t.has_column(col), f"{fk.name}: {t.name}.{col}"
            assert target.primary_key is not None
            assert fk.ref_columns == target.primary_key.columns, fk.name
            if fk.ondelete == "SET NULL":
                assert all(t.column(c).nullable for c in fk.columns), fk.name
            # MariaDB needs an index led by each FK column; declaring it keeps the
            # database equal to the snapshot (no implicitly created index).
            leading = {ix.columns[0] for ix in t.indexes} | {u.columns[0] for u in t.uniques}
            if t.primary_key:
                leading.add(t.primary_key.columns[0])
            assert fk.columns[0] in leading, f"{fk.name}: no index led by {fk.columns[0]}"


@pytest.mark.parametrize("release", RELEASES)
def test_rows_fit_their_tables(release):
    s = _load(release)
    by_name = {t.name: t for t in s.tables}
    enums = s.enums_by_name()
    for t in s.tables:
        if t.rows is None:
            continue
        keys = [t.rows.key_of(r) for r in t.rows.rows]
        assert len(keys) == len(set(keys)), f"{t.name}: duplicate row keys"
        required = {
            c.name
            for c in t.columns
            if not c.nullable and c.server_default is None and (c.name,) != t.primary_key.columns
        }
        for r in t.rows.rows:
            row = dict(r)
            assert set(row) <= set(t.column_names), f"{t.name}: {row}"
            assert required <= set(row), f"{t.name}: {row} lacks {required - set(row)}"
            for col, value in row.items():
                type_ = t.column(col).type
                if _enum_of(type_) and value is not None:
                    assert value in enums[_enum_of(type_)].values, f"{t.name}.{col}={value}"
                m = STRING_TYPE.match(type_)
                if m and value is not None:
                    assert len(value) <= int(m.group(1)), f"{t.name}.{col}={value}"
            for fk in t.foreign_keys:
                value = row.get(fk.columns[0])
                if value is None:
                    continue
                target = by_name[fk.ref_table]
                ids = {dict(x).get(fk.ref_columns[0]) for x in target.rows.rows}
                assert value in ids, f"{t.name} row {row} references a missing {fk.ref_table}"
                if target is t:  # a parent row must come first (declared insert order)
                    pos = [dict(x).get("id") for x in t.rows.rows]
                    assert pos.index(value) < pos.index(row["id"]), row


# -- change coverage across consecutive releases ---------------------------------------


def _changes(old: Snapshot, new: Snapshot) -> dict[str, list[str]]:
    """Change kinds between two snapshots, each with the objects showing it."""
    found: dict[str, list[str]] = {}

    def note(kind: str, what: str) -> None:
        found.setdefault(kind, []).append(what)

    old_tables = {t.name: t for t in old.tables}
    new_tables = {t.name: t for t in new.tables}
    renamed = {t.renamed_from: t.name for t in new.tables if t.renamed_from}
    for src, dst in renamed.items():
        assert src in old_tables and src not in new_tables, f"{dst}: bad renamed_from {src}"
        note("table renamed", f"{src} -> {dst}")
    for name in sorted(new_tables.keys() - old_tables.keys() - set(renamed.values())):
        note("table added", name)
    for name in sorted(old_tables.keys() - new_tables.keys() - set(renamed)):
        note("table dropped", name)

    for new_t in new.tables:
        old_t = old_tables.get(new_t.renamed_from or new_t.name)
        if old_t is None:
            continue
        _column_changes(old_t, new_t, note)
        if new_t.renamed_from is None:  # names derived from a renamed table change anyway
            for kind, attr in (
                ("index", "indexes"),
                ("unique", "uniques"),
                ("check", "checks"),
                ("foreign key", "foreign_keys"),
            ):
                before = {o.name for o in getattr(old_t, attr)}
                after = {o.name for o in getattr(new_t, attr)}
                for name in sorted(after - before):
                    note(f"{kind} added", name)
                for name in sorted(before - after):
                    note(f"{kind} dropped", name)
        _row_changes(old_t, new_t, note)

    old_enums = old.enums_by_name()
    for e in new.enums:
        before = old_enums.get(e.name)
        if before is None:
            continue
        added = [v for v in e.values if v not in before.values]
        if [v for v in before.values if v not in e.values]:
            note("enum value removed", e.name)
        if added and e.values[: len(before.values)] == before.values:
            note("enum value appended", f"{e.name}: {added}")
        elif added:
            note("enum value inserted in the middle", f"{e.name}: {added}")
        for t in new.tables:
            old_rows = old_tables.get(t.renamed_from or t.name)
            old_keys = set(old_rows.rows.by_key()) if old_rows and old_rows.rows else set()
            for col in t.columns:
                if _enum_of(col.type) != e.name or t.rows is None:
                    continue
                for r in t.rows.rows:
                    if t.rows.key_of(r) not in old_keys and dict(r).get(col.name) in added:
                        note("enum value added and used by new rows in the same release", t.name)
    return found


def _column_changes(old_t: Table, new_t: Table, note) -> None:
    old_cols = {c.name: c for c in old_t.columns}
    for c in new_t.columns:
        if c.renamed_from:
            assert c.renamed_from in old_cols, f"{new_t.name}.{c.name}: bad renamed_from"
            assert not new_t.has_column(c.renamed_from), f"{new_t.name}.{c.name}"
            note("column renamed", f"{new_t.name}.{c.renamed_from} -> {c.name}")
        before = old_cols.get(c.renamed_from or c.name)
        if before is None:
            note("column added", f"{new_t.name}.{c.name}")
            continue
        a, b = STRING_TYPE.match(before.type), STRING_TYPE.match(c.type)
        if a and b and int(b.group(1)) > int(a.group(1)):
            note("column type widened", f"{new_t.name}.{c.name}")
        if before.nullable and not c.nullable:
            assert c.backfill or c.server_default, f"{new_t.name}.{c.name}: no backfill"
            if c.backfill:
                note("column made NOT NULL with backfill", f"{new_t.name}.{c.name}")
        if c.backfill:
            assert before.nullable and not c.nullable, f"{new_t.name}.{c.name}: stale backfill"
        if not before.nullable and c.nullable:
            note("column made nullable", f"{new_t.name}.{c.name}")
        if before.server_default != c.server_default:
            note("server default changed", f"{new_t.name}.{c.name}")
    renamed_away = {c.renamed_from for c in new_t.columns if c.renamed_from}
    for name in old_cols.keys() - set(new_t.column_names) - renamed_away:
        note("column dropped", f"{new_t.name}.{name}")


def _row_changes(old_t: Table, new_t: Table, note) -> None:
    before = old_t.rows.by_key() if old_t.rows else {}
    after = new_t.rows.by_key() if new_t.rows else {}
    if before.keys() - after.keys():
        note("rows deleted", new_t.name)
    if after.keys() - before.keys():
        note("rows inserted", new_t.name)
    if any(before[k] != after[k] for k in before.keys() & after.keys()):
        note("rows updated", new_t.name)


def test_first_release_inserts_rows_from_nothing(snapshots):
    first = snapshots[RELEASES[0]]
    assert sum(1 for t in first.tables if t.rows and t.rows.rows) >= 3


@pytest.mark.parametrize(("old", "new"), _pairs())
def test_hints_belong_to_their_release(snapshots, old, new):
    """``renamed_from``/``backfill`` must describe the step from the previous release."""
    _changes(snapshots[old], snapshots[new])  # asserts each hint against ``old``


def test_first_release_has_no_hints(snapshots):
    first = snapshots[RELEASES[0]]
    assert not [t.name for t in first.tables if t.renamed_from]
    assert not [c.name for t in first.tables for c in t.columns if c.renamed_from or c.backfill]


def test_every_change_kind_is_covered(snapshots):
    covered: dict[str, list[str]] = {}
    for old, new in _pairs():
        for kind, what in _changes(snapshots[old], snapshots[new]).items():
            covered.setdefault(kind, []).extend(f"{new}: {w}" for w in what)
    missing = sorted(REQUIRED_CHANGES - covered.keys())
    assert not missing, f"change kinds not covered by any release: {missing}"


def test_enum_value_used_by_rows_in_the_release_that_adds_it(snapshots):
    """The PostgreSQL autocommit case: ADD VALUE, then rows using it, in one release."""
    changes = _changes(snapshots["0.2.0"], snapshots["0.3.0"])
    assert changes["enum value inserted in the middle"] == ["event_level: ['notice']"]
    assert changes["enum value added and used by new rows in the same release"]


def test_change_detection_sees_nothing_between_equal_releases(newest):
    assert _changes(newest, newest) == {}


# -- every release is valid DDL and data on PostgreSQL, MariaDB and SQLite -------------


def _dialect(engine: sa.engine.Engine) -> str:
    return "mysql" if engine.dialect.name in ("mysql", "mariadb") else engine.dialect.name


def _engine(url: str) -> sa.engine.Engine:
    eng = sa.create_engine(url)
    if eng.dialect.name == "sqlite":

        @sa.event.listens_for(eng, "connect")
        def _fk_on(dbapi_conn, _record):  # SQLite enforces foreign keys only when asked
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

    return eng


def _described_diff(want: Snapshot, got: Snapshot) -> str:
    lines = []
    a, b = want.tables_by_key(), got.tables_by_key()
    for key in sorted(a.keys() | b.keys(), key=lambda k: (k[0] or "", k[1])):
        if a.get(key) != b.get(key):
            lines.append(f"{key}: snapshot {a.get(key)}\n  database {b.get(key)}")
    if want.enums != got.enums:
        lines.append(f"enums: snapshot {want.enums}\n  database {got.enums}")
    return "\n".join(lines)


@pytest.mark.parametrize("release", RELEASES)
def test_release_builds_and_captures_back_on_every_dialect(release, db_url):
    """Each release is valid DDL and rows, and the database holds exactly the snapshot."""
    snap = _load(release)
    eng = _engine(db_url)
    try:
        build.create_from_snapshot(eng, snap)
        got = capture.capture_for(eng, snap)
        want = capture.normalise_for(snap, _dialect(eng))
        assert got == want, _described_diff(want, got)
    finally:
        eng.dispose()


@pytest.mark.parametrize("release", [RELEASES[0], RELEASES[-1]])
def test_application_rows_use_defaults_and_fk_actions(release, db_url):
    """What the application relies on: server defaults, CASCADE, SET NULL, free ids."""
    snap = _load(release)
    eng = _engine(db_url)
    try:
        build.create_from_snapshot(eng, snap)
        md = build.metadata_for(snap, _dialect(eng))
        t = md.tables
        source = "source" if snap.table("events").has_column("source") else "origin"
        with eng.begin() as c:
            campaign = c.execute(
                t["campaigns"].insert().values(name="HQ 2024", timezone="Europe/Paris")
            ).inserted_primary_key[0]
            site = c.execute(
                t["sites"].insert().values(campaign_id=campaign, name="Main", latitude=-45.5)
            ).inserted_primary_key[0]
            building = c.execute(
                t["buildings"].insert().values(site_id=site, name="A")
            ).inserted_primary_key[0]
            c.execute(
                t["sites"].update().where(t["sites"].c.id == site).values(main_building_id=building)
            )
            c.execute(t["users"].insert().values(name="ann", email="ann@example.org", password="x"))
            c.execute(
                t["events"]
                .insert()
                .values(
                    campaign_id=campaign,
                    category_id=2,
                    occurred_at=sa.func.current_timestamp(),
                    description="gap",
                    **{source: "import"},
                )
            )
            # the application adds its own unit next to the managed ones
            c.execute(t["units"].insert().values(symbol="lx", name="lux"))
        with eng.begin() as c:
            kind = c.execute(sa.select(t["buildings"].c.kind)).scalar_one()
            admin = c.execute(sa.select(t["users"].c.is_admin)).scalar_one()
            level, created = c.execute(
                sa.select(t["events"].c.level, t["events"].c.created_at)
            ).one()
            assert (kind, bool(admin), level) == ("other", False, "info")
            assert created is not None
            c.execute(t["buildings"].delete().where(t["buildings"].c.id == building))
            main = c.execute(sa.select(t["sites"].c.main_building_id)).scalar_one()
            assert main is None  # SET NULL
            c.execute(t["campaigns"].delete())
            assert c.execute(sa.select(sa.func.count()).select_from(t["events"])).scalar() == 0
            assert c.execute(sa.select(sa.func.count()).select_from(t["sites"])).scalar() == 0
            with pytest.raises(sa.exc.IntegrityError):
                with c.begin_nested():
                    c.execute(t["sites"].insert().values(campaign_id=campaign, name="orphan"))
    finally:
        eng.dispose()


# -- the generated revision chain reproduces every release, up and down ----------------


def _dbplan(*args: str) -> str:
    from click.testing import CliRunner

    from planner.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, f"dbplan {' '.join(args)} -> {result.exit_code}\n{result.output}"
    return result.output


def _generated_copy(root: Path) -> Path:
    """A copy of the reference project with the revision chain empty -> newest generated."""
    shutil.copytree(SNAPSHOT_DIR, root / "schema_state")
    shutil.copytree(ROOT / "migrations", root / "migrations")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    for old in (root / "migrations" / "versions").glob("*.py"):
        old.unlink()
    steps = ["empty", *RELEASES]
    for old, new in zip(steps, steps[1:], strict=False):
        _dbplan("-C", str(root), "generate", old, new, "--allow-destructive")
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    pytest.importorskip("planner.cli.generate_cmd")
    return _generated_copy(tmp_path_factory.mktemp("reference"))


def test_generated_chain_is_deterministic_and_in_sync(generated, tmp_path):
    again = _generated_copy(tmp_path)
    files = sorted(p.name for p in (generated / "migrations" / "versions").glob("*.py"))
    assert len(files) == len(RELEASES)
    for name in files:
        a = (generated / "migrations" / "versions" / name).read_bytes()
        assert a == (again / "migrations" / "versions" / name).read_bytes(), name
    _dbplan("-C", str(generated), "check")


def _assert_database_is(url: str, release: str) -> None:
    snap = _load(release)
    eng = sa.create_engine(url)
    try:
        got = capture.capture_for(eng, snap)
        want = capture.normalise_for(snap, _dialect(eng))
    finally:
        eng.dispose()
    assert got == want, f"after migrating to {release}:\n{_described_diff(want, got)}"


def test_generated_chain_reproduces_every_release_up_and_down(generated, db_url):
    """The migra loop on the reference project: each step lands exactly on its snapshot."""
    root = str(generated)
    for release in RELEASES:
        _dbplan("-C", root, "upgrade", "-r", release, "--url", db_url)
        _assert_database_is(db_url, release)
    for release in reversed(RELEASES[:-1]):
        _dbplan("-C", root, "downgrade", "-r", release, "--url", db_url)
        _assert_database_is(db_url, release)
    _dbplan("-C", root, "downgrade", "-r", "base", "--url", db_url)
    eng = sa.create_engine(db_url)
    try:
        insp = sa.inspect(eng)
        left = set(insp.get_table_names()) - {"alembic_version"}
        if eng.dialect.name == "postgresql":
            left |= {f"enum {e['name']}" for e in insp.get_enums()}
    finally:
        eng.dispose()
    assert not left, f"left after downgrading to base: {sorted(left)}"


def test_schema_beside_snapshots_is_the_packaged_one():
    """Editors resolve `$schema=snapshot.schema.json` next to the snapshots: keep it current."""
    packaged = Path(__file__).resolve().parent.parent / "planner" / "state" / "snapshot.schema.json"
    beside = Path(__file__).resolve().parent.parent / "schema_state" / "snapshot.schema.json"
    assert beside.read_bytes() == packaged.read_bytes()
