"""Managed rows and users' rows in one table, on real databases (issue 15).

Release 1 inserts managed rows with ids 1-3; a user then inserts a row, which the
sequence / AUTO_INCREMENT / rowid numbers 4. Release 2 adds an enum value and a managed
row ``id: 4``: the revision stops before changing anything (not after the enum value was
committed) with a message naming the row and the fix. Declared without ids (keyed by a
natural key), the same rows never collide.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from planner.revisions.generation import generate
from planner.state.capture import capture_for
from planner.state.yamlio import load_snapshot_text
from tests.revisions.conftest import make_project, upgrade

SNAP = """
snapshot: 1
release: "{release}"
enums:
  level: [{levels}]
tables:
  categories:
    columns:
      id: {{type: Integer, primary_key: true}}
      code: {{type: String(20), nullable: false}}
      level: {{type: Enum(level), nullable: false}}
    unique:
      uq_categories_code: [code]
    rows:
      key: [{key}]
      values:
{rows}
"""


def _snap(release: str, levels: str, key: str, rows: list[str]):
    body = "\n".join(f"        - {r}" for r in rows)
    text = SNAP.format(release=release, levels=levels, key=key, rows=body)
    return load_snapshot_text(text, f"{release}.yaml")


def _chain(tmp_path, old, new):
    project = make_project(tmp_path / "proj", [old, new])
    one = generate(project, "empty", old.release).revision
    two = generate(project, old.release, new.release).revision
    return project, one, two


def _user_row(url: str) -> int:
    """A user's row, its id assigned by the database; returns that id."""
    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("INSERT INTO categories (code, level) VALUES ('mine', 'info')"))
            return conn.execute(sa.text("SELECT id FROM categories WHERE code = 'mine'")).scalar()
    finally:
        eng.dispose()


def _version(url: str) -> str:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        eng.dispose()


def _rows(url: str) -> list[tuple]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            got = conn.execute(sa.text("SELECT id, code, level FROM categories ORDER BY code"))
            return [tuple(r) for r in got]
    finally:
        eng.dispose()


OLD_IDS = [
    "{id: 1, code: a, level: info}",
    "{id: 2, code: b, level: info}",
    "{id: 3, code: c, level: error}",
]


def test_explicit_id_colliding_with_a_users_row_fails_before_any_change(db_url, tmp_path):
    old = _snap("1.0.0", "info, error", "id", OLD_IDS)
    new = _snap(
        "2.0.0", "info, error, critical", "id", [*OLD_IDS, "{id: 4, code: d, level: critical}"]
    )
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    assert _user_row(db_url) == 4
    before = _rows(db_url)
    with pytest.raises(Exception, match=r"\(id\) = \(4,\).*\(id=4\).*without ids"):
        upgrade(project, db_url, two)
    # nothing half-applied: the revision, the rows and the enum are release 1's
    assert _version(db_url) == one
    assert _rows(db_url) == before
    enum = {e.name: e.values for e in capture_for(db_url, old).enums}
    if "level" in enum:  # dialects with named enum types (PostgreSQL)
        assert enum["level"] == ("info", "error")
    # the fix the message names: the user's row moves to another id, the upgrade runs
    eng = sa.create_engine(db_url)
    with eng.begin() as conn:
        conn.execute(sa.text("UPDATE categories SET id = 100 WHERE code = 'mine'"))
    eng.dispose()
    upgrade(project, db_url, two)
    assert _rows(db_url) == [*before[:3], (4, "d", "critical"), (100, "mine", "info")]


def test_rows_without_ids_never_collide_with_users_rows(db_url, tmp_path):
    rows = ["{code: a, level: info}", "{code: b, level: info}", "{code: c, level: error}"]
    old = _snap("1.0.0", "info, error", "code", rows)
    new = _snap("2.0.0", "info, error, critical", "code", [*rows, "{code: d, level: critical}"])
    project, one, two = _chain(tmp_path, old, new)
    text = next((project.migrations_dir / "versions").glob(f"{two}_*.py")).read_text("utf-8")
    # no id declared: only the natural key is guarded (a user's row with code 'd' would stop it)
    assert "(code) = " in text and "(id) = " not in text
    upgrade(project, db_url, one)
    mine = _user_row(db_url)
    upgrade(project, db_url, two)
    got = _rows(db_url)
    assert [(c, lv) for _, c, lv in got] == [
        ("a", "info"),
        ("b", "info"),
        ("c", "error"),
        ("d", "critical"),
        ("mine", "info"),
    ]
    ids = [i for i, _, _ in got]
    assert len(set(ids)) == 5 and {c: i for i, c, _ in got}["mine"] == mine


def test_natural_key_taken_by_a_users_row_fails_before_any_change(db_url, tmp_path):
    rows = ["{code: a, level: info}"]
    old = _snap("1.0.0", "info, error", "code", rows)
    new = _snap("2.0.0", "info, error, critical", "code", [*rows, "{code: mine, level: critical}"])
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    _user_row(db_url)
    before = _rows(db_url)
    with pytest.raises(Exception, match=r"\(code\) = \('mine',\).*\(or remove it\)"):
        upgrade(project, db_url, two)
    assert _version(db_url) == one and _rows(db_url) == before


TREE = """
snapshot: 1
release: "{release}"
tables:
  categories:
    columns:
      id: {{type: Integer, primary_key: true}}
      code: {{type: String(20), nullable: false}}
      parent_code: {{type: String(20)}}
    unique:
      uq_categories_code: [code]
    foreign_keys:
      fk_categories_parent_code_categories:
        columns: [parent_code]
        references: {{table: categories, columns: [code]}}
    rows:
      key: [code]
      values:
{categories}
  items:
    columns:
      id: {{type: Integer, primary_key: true}}
      name: {{type: String(20), nullable: false}}
      category_code: {{type: String(20), nullable: false}}
    unique:
      uq_items_name: [name]
    foreign_keys:
      fk_items_category_code_categories:
        columns: [category_code]
        references: {{table: categories, columns: [code]}}
    rows:
      key: [name]
      values:
{items}
"""


def _tree(release: str, categories: list[str], items: list[str]):
    def block(rows: list[str]) -> str:
        return "\n".join(f"        - {r}" for r in rows)

    text = TREE.format(release=release, categories=block(categories), items=block(items))
    return load_snapshot_text(text, f"{release}.yaml")


def test_parent_child_and_self_referencing_rows_without_ids_up_and_down(db_url, tmp_path):
    """References by natural key (foreign keys to the unique code): no row declares an id;
    inserts, an update of a parent, deletes of a child and its parent, up and down."""
    from tests.revisions.test_database import _chain as chain
    from tests.revisions.test_database import _walk as walk

    old = _tree(
        "1.0.0",
        ["{code: energy}", "{code: heat, parent_code: energy}", "{code: old, parent_code: energy}"],
        ["{name: boiler, category_code: heat}", "{name: stove, category_code: old}"],
    )
    new = _tree(
        "2.0.0",
        [
            "{code: energy}",
            "{code: comfort}",
            "{code: heat, parent_code: comfort}",
            "{code: cold, parent_code: heat}",
        ],
        ["{name: boiler, category_code: cold}", "{name: fan, category_code: comfort}"],
    )
    project, releases, revs = chain(tmp_path, [old, new])
    walk(project, db_url, {old.release: old, new.release: new}, releases, revs)
