"""Fixtures of tests/adopt: an existing project per layout, on a fresh database."""

from __future__ import annotations

import uuid

import pytest

from tests.adopt.legacy import HEAD, build


@pytest.fixture
def legacy_factory(tmp_path):
    """``make(layout, url)``: the project of ``layout``, its database upgraded to head by
    plain Alembic, with users' own rows in it (two products, an order)."""

    def make(layout: str, url: str):
        from planner.runtime.alembic_setup import alembic_reads_toml

        if layout == "toml" and not alembic_reads_toml():
            pytest.skip("the project's own Alembic (< 1.16) cannot read [tool.alembic]")
        pkg = f"shop_{uuid.uuid4().hex[:8]}"
        legacy = build(tmp_path / "app", layout, pkg=pkg)
        legacy.alembic(url, "upgrade", "head")
        assert HEAD in legacy.alembic(url, "current").stdout
        add_user_rows(url)
        return legacy

    return make


def add_user_rows(url: str) -> None:
    import sqlalchemy as sa

    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO products (id, category_id, name, price) "
                    "VALUES (1, 1, 'A user product', 9.5), (2, 3, 'Another', 0)"
                )
            )
            c.execute(sa.text("INSERT INTO orders (id, product_id, qty) VALUES (1, 1, 3)"))
    finally:
        eng.dispose()


def user_rows(url: str) -> dict[str, list[tuple]]:
    """The users' own rows (products and orders; categories hold the default rows)."""
    import sqlalchemy as sa

    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            prods = c.execute(sa.text("SELECT id, category_id, name FROM products ORDER BY id"))
            orders = c.execute(sa.text("SELECT id, product_id FROM orders ORDER BY id"))
            return {"products": [tuple(r) for r in prods], "orders": [tuple(r) for r in orders]}
    finally:
        eng.dispose()
