"""Users' rows in managed tables: never touched by the reference chain, up or down; a managed
row that a release deletes while other rows still reference it stops the upgrade with an
error naming the table and key, leaving the database at the previous revision.
"""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from planner.state.yamlio import load_snapshot
from tests.revisions.conftest import CASES, downgrade, make_project, upgrade
from tests.safety.helpers import (
    REFERENCE,
    ROOT,
    dbplan,
    engine,
    generate_chain,
    new_project,
    version_of,
)

USER_ID = 900_000  # far above any managed key


def _reference_project(tmp_path):
    """The reference project's snapshots and its committed revisions, in a temporary copy."""
    snapshots = [load_snapshot(p) for p in REFERENCE]
    project = make_project(tmp_path / "ref", snapshots)
    for f in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        shutil.copy2(f, project.migrations_dir / "versions" / f.name)
    return project, snapshots


def _user_row(table, snapshot, rid: int) -> dict:
    enums = {e.name: e.values for e in snapshot.enums}
    pk = set(table.primary_key.columns) if table.primary_key else set()
    row = {}
    for c in table.columns:
        if c.name in pk:
            row[c.name] = rid
        elif not c.nullable and c.server_default is None:
            t = c.type
            if t.startswith("String") or t == "Text":
                row[c.name] = f"user row {rid}"
            elif t.startswith("Enum("):
                row[c.name] = enums[t[5:-1]][0]
            elif t == "Boolean":
                row[c.name] = False
            else:
                row[c.name] = rid
        elif c.type.startswith("String") and c.server_default is None and not table.checks:
            row[c.name] = f"note {rid}"
    return row


def _insert(url: str, table: str, row: dict) -> None:
    eng = engine(url)
    with eng.begin() as c:
        stub = sa.table(table, *(sa.column(k) for k in row))
        c.execute(sa.insert(stub).values(row))
    eng.dispose()


def _fetch(url: str, table: str, row_id: int, columns) -> dict | None:
    eng = engine(url)
    with eng.connect() as c:
        stub = sa.table(table, *(sa.column(k) for k in columns))
        got = c.execute(sa.select(*stub.c).where(sa.column("id") == row_id)).mappings().first()
    eng.dispose()
    return None if got is None else dict(got)


def _follow(tracked: dict, old, new) -> dict:
    """Tracked rows after moving from snapshot ``old`` to ``new`` (renames followed, drops forgotten)."""
    out = {}
    for (name, rid), row in tracked.items():
        t = new.get_table((None, name))
        if t is None:
            renamed = [x for x in new.tables if x.renamed_from == name]
            back = old.get_table((None, name))
            if renamed:
                t = renamed[0]
            elif (
                back is not None and back.renamed_from and new.get_table((None, back.renamed_from))
            ):
                t = new.get_table((None, back.renamed_from))
        if t is None:
            continue  # the release drops the table: declared, destructive
        kept = {k: v for k, v in row.items() if t.has_column(k)}
        out[(t.name, rid)] = kept
    return out


@pytest.mark.skipif(not REFERENCE, reason="no reference snapshots")
def test_user_rows_survive_the_reference_chain(db_url, tmp_path):
    project, snapshots = _reference_project(tmp_path)
    from planner.runtime.releases import release_revisions

    by_release = release_revisions(project)
    revs = [by_release[s.release] for s in snapshots]
    tracked: dict[tuple[str, int], dict] = {}
    inserted: list[int] = []
    checked = 0
    previous = None

    def check(step: str) -> None:
        nonlocal checked
        for (name, rid), row in sorted(tracked.items()):
            got = _fetch(db_url, name, rid, row)
            assert got == row, f"{step}: user row {rid} of {name} changed: {got} != {row}"
            checked += 1

    for i, (snap, rev) in enumerate(zip(snapshots, revs, strict=True)):
        upgrade(project, db_url, rev)
        if previous is not None:
            tracked = _follow(tracked, previous, snap)
        check(f"upgrade to {snap.release}")
        for j, t in enumerate(x for x in snap.tables if x.rows is not None):
            rid = USER_ID + i * 100 + j
            row = _user_row(t, snap, rid)
            _insert(db_url, t.name, row)
            tracked[(t.name, rid)] = row
            inserted.append(rid)
        previous = snap
    check("head")
    for i in range(len(revs) - 1, 0, -1):
        downgrade(project, db_url, revs[i - 1])
        tracked = _follow(tracked, snapshots[i], snapshots[i - 1])
        check(f"downgrade to {snapshots[i - 1].release}")
    print(f"user rows: {len(inserted)} inserted, {checked} comparisons")
    assert checked > 50 and tracked, (checked, tracked)


def _referenced_delete_project(tmp_path):
    case = CASES / "rows_delete_referenced"
    root = new_project(tmp_path / "p", files=[case / "before.yaml", case / "after.yaml"])
    (root / "schema_state" / "before.yaml").rename(root / "schema_state" / "1.0.0.yaml")
    (root / "schema_state" / "after.yaml").rename(root / "schema_state" / "2.0.0.yaml")
    return root, generate_chain(root, ["1.0.0", "2.0.0"])


def test_deleting_a_referenced_managed_row_stops_with_its_key(db_url, tmp_path):
    root, revs = _referenced_delete_project(tmp_path)
    dbplan(root, "upgrade", "-r", "1.0.0", "--url", db_url)
    _insert(db_url, "timeseries", {"id": USER_ID, "data_state_id": 3})  # a user's row on 'Obsolete'
    r = dbplan(root, "upgrade", "--url", db_url, check=False)
    assert r.returncode == 1, r
    assert "Traceback" not in r.stderr
    assert (
        "cannot delete the managed row of data_states with (name) = ('Obsolete',): rows of "
        "timeseries still reference it through fk_timeseries_data_state_id_data_states "
        "(data_state_id -> id); delete or repoint those rows, then upgrade again"
    ) in r.stderr
    assert version_of(db_url) == (revs[0],)
    assert _fetch(db_url, "data_states", 3, ["id", "name"]) == {"id": 3, "name": "Obsolete"}
    assert _fetch(db_url, "timeseries", USER_ID, ["id", "data_state_id"]) == {
        "id": USER_ID,
        "data_state_id": 3,
    }
    # once the user repoints the row, the same upgrade goes through
    eng = engine(db_url)
    with eng.begin() as c:
        c.execute(sa.text(f"UPDATE timeseries SET data_state_id = 2 WHERE id = {USER_ID}"))
    eng.dispose()
    dbplan(root, "upgrade", "--url", db_url)
    assert version_of(db_url) == (revs[1],)
    assert _fetch(db_url, "data_states", 3, ["id"]) is None
    assert _fetch(db_url, "timeseries", USER_ID, ["id", "data_state_id"]) == {
        "id": USER_ID,
        "data_state_id": 2,
    }
