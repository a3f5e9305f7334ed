"""Per-table row modes (``rows.mode``, issue 15) on real databases.

- ``seed``: a declared row is inserted where its key is missing; a user's edit of a seed
  row is kept, a row the snapshot stops declaring stays, and a user's row holding a key
  the seed declares is left alone (no collision). ``managed -> seed`` keeps every row.
- ``sync``: the table also loses the rows the snapshot does not declare (users' rows
  too): destructive, so ``generate`` refuses it without ``--allow-destructive``.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from planner.revisions.generation import DestructiveRefused, generate
from planner.state.yamlio import load_snapshot_text
from tests.revisions.conftest import downgrade, make_project, upgrade

UNITS = """
snapshot: 1
release: "{release}"
enums:
  unit_kind: [energy, power]
tables:
  units:
    columns:
      id: {{type: Integer, primary_key: true}}
      symbol: {{type: String(16), nullable: false}}
      name: {{type: String(40)}}
      kind: {{type: Enum(unit_kind), nullable: false, server_default: "'energy'"}}
    unique:
      uq_units_symbol: [symbol]
    rows:
      mode: {mode}
      key: [symbol]
      values:
{rows}
"""


def _snap(release: str, mode: str, rows: list[str]):
    body = "\n".join(f"        - {r}" for r in rows)
    return load_snapshot_text(
        UNITS.format(release=release, mode=mode, rows=body), f"{release}.yaml"
    )


def _sql(url: str, *statements: str) -> list[tuple]:
    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            for s in statements:
                conn.execute(sa.text(s))
            got = conn.execute(sa.text("SELECT symbol, name FROM units ORDER BY symbol"))
            return [tuple(r) for r in got]
    finally:
        eng.dispose()


def test_seed_rows_keep_users_edits_and_are_never_deleted(db_url, tmp_path):
    old = _snap(
        "1.0.0",
        "managed",
        ["{symbol: kWh, name: kilowatt hour}", "{symbol: MWh, name: megawatt hour}"],
    )
    new = _snap(
        "2.0.0",
        "seed",
        [
            "{symbol: kWh, name: Kilowatt hour}",  # changed: the user's edit wins
            "{symbol: TWh, name: terawatt hour}",  # a user's row holds the key already
            "{symbol: GJ, name: gigajoule, kind: energy}",  # new: inserted (a typed enum value)
        ],  # MWh no longer declared: kept
    )
    project = make_project(tmp_path / "proj", [old, new])
    one = generate(project, "empty", "1.0.0").revision
    two = generate(project, "1.0.0", "2.0.0").revision  # nothing destructive: no flag
    text = next((project.migrations_dir / "versions").glob(f"{two}_*.py")).read_text()
    assert "sa.delete(" not in text.split("def downgrade")[0]
    upgrade(project, db_url, one)
    _sql(
        db_url,
        "UPDATE units SET name = 'my kWh' WHERE symbol = 'kWh'",
        "INSERT INTO units (symbol, name) VALUES ('TWh', 'users terawatt')",
    )
    upgrade(project, db_url, two)
    want = [
        ("GJ", "gigajoule"),
        ("MWh", "megawatt hour"),
        ("TWh", "users terawatt"),
        ("kWh", "my kWh"),
    ]
    assert sorted(_sql(db_url)) == sorted(want)
    # the downgrade deletes no seed row either (a user may rely on GJ by now)
    downgrade(project, db_url, one)
    assert sorted(_sql(db_url)) == sorted(want)
    # and upgrading again over rows that are all there changes nothing
    upgrade(project, db_url, two)
    assert sorted(_sql(db_url)) == sorted(want)


def test_sync_deletes_undeclared_rows_only_behind_the_gate(db_url, tmp_path):
    old = _snap(
        "1.0.0",
        "managed",
        ["{symbol: kWh, name: kilowatt hour}", "{symbol: MWh, name: megawatt hour}"],
    )
    new = _snap(
        "2.0.0", "sync", ["{symbol: kWh, name: kilowatt hour}", "{symbol: GJ, name: gigajoule}"]
    )
    project = make_project(tmp_path / "proj", [old, new])
    one = generate(project, "empty", "1.0.0").revision
    with pytest.raises(DestructiveRefused) as e:
        generate(project, "1.0.0", "2.0.0")
    assert "Delete the rows of units the snapshot does not declare (sync)" in str(e.value)
    assert not list((project.migrations_dir / "versions").glob("*2_0_0*.py"))
    two = generate(project, "1.0.0", "2.0.0", allow_destructive=True).revision
    upgrade(project, db_url, one)
    _sql(db_url, "INSERT INTO units (symbol, name) VALUES ('mine', 'a users unit')")
    upgrade(project, db_url, two)
    assert _sql(db_url) == [("GJ", "gigajoule"), ("kWh", "kilowatt hour")]
    # down: release 1's rows again; the user's row is gone for good (the gate said so)
    downgrade(project, db_url, one)
    assert _sql(db_url) == [("MWh", "megawatt hour"), ("kWh", "kilowatt hour")]


TREE = """
snapshot: 1
release: "{release}"
tables:
  zones:
    columns:
      id: {{type: Integer, primary_key: true}}
      code: {{type: String(16), nullable: false}}
      label: {{type: String(40), nullable: false}}
      parent_id: {{type: Integer}}
    unique:
      uq_zones_code: [code]
      uq_zones_label: [label]
    foreign_keys:
      fk_zones_parent_id_zones:
        columns: [parent_id]
        references: {{table: zones, columns: [id]}}
    rows:
      mode: {mode}
      key: [code]
      values:
{rows}
"""


def test_sync_prunes_users_rows_first_so_declared_values_never_collide(db_url, tmp_path):
    """Users' rows referencing each other are pruned (MySQL: references cut first), and
    a user's row holding a label a declared row needs is pruned before the insert: no
    collision, nothing refused."""

    def snap(release: str, mode: str, rows: list[str]):
        body = "\n".join(f"        - {r}" for r in rows)
        text = TREE.format(release=release, mode=mode, rows=body)
        return load_snapshot_text(text, f"{release}.yaml")

    old = snap("1.0.0", "managed", ["{code: world, label: World}"])
    new = snap(
        "2.0.0",
        "sync",
        ["{code: world, label: World}", "{code: eu, label: Europe, parent_id: {code: world}}"],
    )
    project = make_project(tmp_path / "proj", [old, new])
    one = generate(project, "empty", "1.0.0").revision
    two = generate(project, "1.0.0", "2.0.0", allow_destructive=True).revision
    upgrade(project, db_url, one)
    eng = sa.create_engine(db_url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("INSERT INTO zones (code, label) VALUES ('mine', 'Europe')"))
            conn.execute(
                sa.text(
                    "INSERT INTO zones (code, label, parent_id) "
                    "SELECT 'sub', 'Sub', id FROM zones WHERE code = 'mine'"
                )
            )
            conn.execute(
                sa.text(
                    "UPDATE zones SET parent_id = (SELECT id FROM (SELECT id FROM zones "
                    "WHERE code = 'sub') AS s) WHERE code = 'mine'"
                )
            )
        upgrade(project, db_url, two)
        with eng.connect() as conn:
            got = conn.execute(
                sa.text(
                    "SELECT z.code, z.label, p.code FROM zones z "
                    "LEFT JOIN zones p ON p.id = z.parent_id ORDER BY z.code"
                )
            ).all()
        assert [tuple(r) for r in got] == [("eu", "Europe", "world"), ("world", "World", None)]
    finally:
        eng.dispose()


@pytest.mark.parametrize("case", ["rows_seed_mode", "rows_sync_mode", "rows_natural_key_refs"])
def test_verify_walks_the_mode_and_reference_cases(case, db_url, tmp_path):
    """``dbplan verify`` up and down: seed rows left behind by design are no difference,
    references compare by the row they name."""
    from planner.state.yamlio import load_snapshot
    from tests.revisions.conftest import CASES
    from tests.safety.helpers import dbplan

    snaps = [
        load_snapshot(CASES / case / f"{n}.yaml", expected_release=False)
        for n in ("before", "after")
    ]
    project = make_project(tmp_path / "proj", snaps)
    generate(project, "empty", "1.0.0")
    generate(project, "1.0.0", "2.0.0", allow_destructive=True)
    r = dbplan(project.root, "verify", "--url", db_url, check=False)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "every step matches its snapshot" in r.stdout + r.stderr
