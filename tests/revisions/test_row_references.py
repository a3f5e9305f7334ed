"""Managed rows that name other managed rows by natural key (issue 15), on real databases.

Foreign keys reference the surrogate ``id``; no row declares an id. A child row says
``category_id: {code: fruit}`` and the revision resolves it by a sub-select; a category
names its parent the same way (a self-reference). Inserts, updates (a child moves to
another parent, a parent to another grand-parent) and deletes run in dependency order,
up and down, and the database is captured back to each snapshot.
"""

from __future__ import annotations

import sqlalchemy as sa

from planner.state.yamlio import load_snapshot_text
from tests.revisions.conftest import downgrade, upgrade

SNAP = """
snapshot: 1
release: "{release}"
tables:
  categories:
    columns:
      id: {{type: Integer, primary_key: true}}
      code: {{type: String(20), nullable: false}}
      parent_id: {{type: Integer}}
    unique:
      uq_categories_code: [code]
    foreign_keys:
      fk_categories_parent_id_categories:
        columns: [parent_id]
        references: {{table: categories, columns: [id]}}
    rows:
      key: [code]
      values:
{categories}
  items:
    columns:
      id: {{type: Integer, primary_key: true}}
      name: {{type: String(20), nullable: false}}
      category_id: {{type: Integer, nullable: false}}
    unique:
      uq_items_name: [name]
    foreign_keys:
      fk_items_category_id_categories:
        columns: [category_id]
        references: {{table: categories, columns: [id]}}
    rows:
      key: [name]
      values:
{items}
"""


def _snap(release: str, categories: list[str], items: list[str]):
    def block(rows: list[str]) -> str:
        return "\n".join(f"        - {r}" for r in rows) or "        []"

    text = SNAP.format(release=release, categories=block(categories), items=block(items))
    return load_snapshot_text(text, f"{release}.yaml")


OLD = (
    [
        "{code: food}",
        "{code: fruit, parent_id: {code: food}}",
        "{code: old, parent_id: {code: food}}",
    ],
    ["{name: apple, category_id: {code: fruit}}", "{name: stone, category_id: {code: old}}"],
)
NEW = (
    [
        "{code: food}",
        "{code: plants}",
        "{code: fruit, parent_id: {code: plants}}",
        "{code: berry, parent_id: {code: fruit}}",
    ],
    ["{name: apple, category_id: {code: berry}}", "{name: pear, category_id: {code: fruit}}"],
)


def _tree(url: str) -> dict[str, tuple]:
    """``{category code: parent code}`` and ``{item: category code}``, read by joins."""
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            cats = conn.execute(
                sa.text(
                    "SELECT c.code, p.code FROM categories c "
                    "LEFT JOIN categories p ON p.id = c.parent_id"
                )
            ).all()
            items = conn.execute(
                sa.text(
                    "SELECT i.name, c.code FROM items i JOIN categories c ON c.id = i.category_id"
                )
            ).all()
    finally:
        eng.dispose()
    return {"categories": dict(cats), "items": dict(items)}


def test_revision_names_rows_by_natural_key_with_bound_values(tmp_path):
    from tests.revisions.test_database import _chain

    project, _, revs = _chain(tmp_path, [_snap("1.0.0", *OLD), _snap("2.0.0", *NEW)])
    text = next((project.migrations_dir / "versions").glob(f"{revs[1]}_*.py")).read_text()
    # a sub-select from a derived table (MariaDB refuses the table itself), value bound
    assert (
        "'category_id': sa.select(sa.column('id')).select_from(sa.select(sa.column('id'))"
        ".select_from(sa.table('categories', schema=None)).where(sa.column('code') == 'berry')"
        ".subquery('_ref')).scalar_subquery()"
    ) in text
    assert "'id':" not in text  # no row carries an id


def test_parent_child_and_self_references_by_natural_key_up_and_down(db_url, tmp_path):
    from tests.revisions.test_database import _chain, _walk

    old, new = _snap("1.0.0", *OLD), _snap("2.0.0", *NEW)
    project, releases, revs = _chain(tmp_path, [old, new])
    upgrade(project, db_url, revs[0])
    assert _tree(db_url) == {
        "categories": {"food": None, "fruit": "food", "old": "food"},
        "items": {"apple": "fruit", "stone": "old"},
    }
    upgrade(project, db_url, revs[1])
    assert _tree(db_url) == {
        "categories": {"food": None, "plants": None, "fruit": "plants", "berry": "fruit"},
        "items": {"apple": "berry", "pear": "fruit"},
    }
    downgrade(project, db_url, revs[0])
    assert _tree(db_url) == {
        "categories": {"food": None, "fruit": "food", "old": "food"},
        "items": {"apple": "fruit", "stone": "old"},
    }
    downgrade(project, db_url, "base")
    # and the whole walk, captured back to each snapshot (references resolved)
    _walk(project, db_url, {old.release: old, new.release: new}, releases, revs)


def test_references_follow_ids_the_database_gave_after_a_users_row(db_url, tmp_path):
    """The collision scenario: a user's category takes the next id between two releases;
    release 2's category and the item naming it by code get ids after it, and the item
    points at the category's real id. A user's row holding the new code stops the
    upgrade before anything changes."""
    from tests.revisions.test_database import _chain

    old = _snap("1.0.0", ["{code: food}", "{code: fruit, parent_id: {code: food}}"], [])
    new = _snap(
        "2.0.0",
        [
            "{code: food}",
            "{code: fruit, parent_id: {code: food}}",
            "{code: veg, parent_id: {code: food}}",
        ],
        ["{name: carrot, category_id: {code: veg}}"],
    )
    project, _, revs = _chain(tmp_path, [old, new])
    upgrade(project, db_url, revs[0])
    eng = sa.create_engine(db_url)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("INSERT INTO categories (code) VALUES ('mine')"))
            mine = conn.execute(sa.text("SELECT id FROM categories WHERE code = 'mine'")).scalar()
        upgrade(project, db_url, revs[1])
        with eng.connect() as conn:
            veg = conn.execute(sa.text("SELECT id FROM categories WHERE code = 'veg'")).scalar()
        assert veg > mine
        assert _tree(db_url)["items"] == {"carrot": "veg"}
        assert _tree(db_url)["categories"]["veg"] == "food"
        # a user's row holding the code release 2 needs: refused before any change
        downgrade(project, db_url, revs[0])
        with eng.begin() as conn:
            conn.execute(sa.text("INSERT INTO categories (code) VALUES ('veg')"))
        before = _tree(db_url)
        try:
            upgrade(project, db_url, revs[1])
        except Exception as e:  # noqa: BLE001 - the revision's RuntimeError, wrapped or not
            assert "(code) = ('veg',)" in str(e) and "nothing was changed" in str(e)
        else:
            raise AssertionError("the upgrade over a user's row 'veg' did not stop")
        assert _tree(db_url) == before
    finally:
        eng.dispose()
