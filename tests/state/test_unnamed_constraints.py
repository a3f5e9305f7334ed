"""Models without a naming convention (issue 12, item 5).

Real models leave most constraints unnamed; the database names them. The snapshot records
the name PostgreSQL gives each (``<table>_<columns>_fkey``, ``_key``, ``_check``; the
primary key stays "the dialect's default"), and capture maps the names MariaDB makes up
(``<table>_ibfk_<n>``, a unique key named after its first column, ``CONSTRAINT_<n>``) and
the ones SQLite does not keep to the same names. So the snapshot of the models and the
snapshot of a database ``metadata.create_all`` built from them plan nothing, on each
dialect.
"""

from __future__ import annotations

import sqlalchemy as sa

from planner.plan import make_plan
from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, from_metadata, normalise_for
from planner.state.validate import validate


def models() -> sa.MetaData:
    """A small application's models, no naming convention, nothing named."""
    md = sa.MetaData()
    sa.Table(
        "customers",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, server_default="DE"),
        sa.CheckConstraint("country <> ''"),
    )
    sa.Table(
        "products",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sku", sa.String(20), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("stock", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("sku"),
        sa.CheckConstraint("price >= 0"),
        sa.CheckConstraint("stock >= 0 AND price < 100000"),
    )
    sa.Table(
        "orders",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("placed_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
    sa.Table(
        "order_lines",
        md,
        sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.UniqueConstraint("order_id", "product_id"),
        sa.CheckConstraint("quantity > 0"),
        sa.Index(None, "product_id"),
    )
    return md


def test_models_without_a_naming_convention_snapshot_cleanly():
    s = from_metadata(models(), release="1.0.0")
    assert validate(s) == []
    lines = s.get_table((None, "order_lines"))
    assert [f.name for f in lines.foreign_keys] == [
        "order_lines_order_id_fkey",
        "order_lines_product_id_fkey",
    ]
    assert [u.name for u in lines.uniques] == ["order_lines_order_id_product_id_key"]
    assert [c.name for c in lines.checks] == ["order_lines_quantity_check"]
    assert [i.name for i in lines.indexes] == ["ix_order_lines_product_id"]
    assert lines.primary_key.name is None  # the dialect's default (<table>_pkey, PRIMARY)
    products = s.get_table((None, "products"))
    assert [c.name for c in products.checks] == ["products_check", "products_price_check"]
    assert [u.name for u in s.get_table((None, "customers")).uniques] == ["customers_email_key"]


def test_models_and_a_database_built_by_them_plan_nothing(db_url):
    md = models()
    want = from_metadata(md, release="1.0.0")
    engine = sa.create_engine(db_url)
    try:
        md.create_all(engine)
        dialect = engine.dialect.name if engine.dialect.name != "mariadb" else "mysql"
        expected = normalise_for(want, dialect)
        if dialect == "mysql":
            # SQLAlchemy's DATETIME on MariaDB keeps whole seconds (COLUMN_TYPE datetime);
            # a snapshot's DateTime is datetime(6) there: a real difference, captured exactly
            expected = _retyped(expected, "orders", "placed_at", "mysql.TYPE(datetime)")
        got = capture_for(engine, want)
        assert compare_snapshots(got, expected) == []
        assert [o.describe() for o in make_plan(expected, got).ops] == []
        # what `dbplan snapshot --from-db` writes (the models' snapshot as its hint)
        found = from_database(engine, release="1.0.0", enums_hint=want)
        assert validate(found) == []
        names = {
            (t.name, kind, o.name)
            for t in found.tables
            for kind in ("foreign_keys", "uniques", "checks")
            for o in getattr(t, kind)
        }
        assert names == {
            (t.name, kind, o.name)
            for t in expected.tables
            for kind in ("foreign_keys", "uniques", "checks")
            for o in getattr(t, kind)
        }
    finally:
        engine.dispose()


def _retyped(snap, table: str, column: str, type_text: str):
    import dataclasses

    t = snap.get_table((None, table))
    cols = tuple(
        dataclasses.replace(c, type=type_text) if c.name == column else c for c in t.columns
    )
    tables = tuple(dataclasses.replace(t, columns=cols) if x is t else x for x in snap.tables)
    return dataclasses.replace(snap, tables=tables)


def test_snapshot_from_the_models_and_from_the_database_plan_nothing(db_url, tmp_path):
    """The commands: `snapshot --from-models` of a models module without a convention,
    `create_all` on the database, `snapshot --from-db` as the next release: the two agree
    on every constraint's name."""
    import inspect
    import textwrap

    from tests.safety.helpers import dbplan, new_project

    root = new_project(tmp_path / "p")
    pkg = root / "shopapp_unnamed"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    source = textwrap.dedent(inspect.getsource(models))
    (pkg / "models.py").write_text(f"import sqlalchemy as sa\n\n\n{source}\nmetadata = models()\n")
    r = dbplan(
        root, "snapshot", "--release", "1.0.0", "--from-models", "shopapp_unnamed.models:metadata"
    )
    assert "Traceback" not in r.stderr
    engine = sa.create_engine(db_url)
    try:
        models().create_all(engine)
    finally:
        engine.dispose()
    dbplan(root, "snapshot", "--release", "1.1.0", "--from-db", db_url)
    r = dbplan(root, "plan", "1.0.0", "1.1.0", check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    # every constraint has the same name in both: nothing is dropped under one name and
    # added under another. (The remaining operations are spellings of one expression —
    # `country::text <> ''`, a server default '0' read back as 0 — that `--from-db`
    # compares by text; the hinted capture above compares them by meaning.)
    import re

    ops = re.findall(r"^\s*\d+ [-+~] (.*?)(?:  \[|$)", r.stdout, re.M)
    dropped = {m for o in ops for m in re.findall(r"^Drop \w+ constraint (\S+)", o)}
    added = {m for o in ops for m in re.findall(r"^Add \w+ constraint (\S+)", o)}
    assert dropped == added, r.stdout
    assert not [o for o in ops if re.match(r"(Drop|Add|Rename) (foreign key|unique|index)", o)]
