"""Models whose server defaults are plain strings (``server_default="0"``, SQLAlchemy's
quoted literal) snapshot like the database they build (issue 12 item 6): on a numeric
column every database reads ``'0'`` back as ``0``, so the models' capture writes the
same normal form and the two snapshots plan nothing. (Found in docs/adopting.md: a
spurious "Set server default of products.price to '0'".)"""

from __future__ import annotations

import sqlalchemy as sa

from planner.diff import diff_snapshots
from planner.state.capture import from_database, from_metadata


def _models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "products",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("price", sa.Numeric(10, 2), nullable=False, server_default="0"),
        sa.Column("stock", sa.Integer, nullable=False, server_default="0"),
        sa.Column("weight", sa.Numeric(8, 3), server_default="1.50"),
        sa.Column("label", sa.String(5), server_default="0"),
    )
    return md


def test_string_defaults_of_models_match_the_database_they_build(db_url):
    md = _models()
    models = from_metadata(md, release="1.0.0")
    defaults = {c.name: c.server_default for c in models.tables[0].columns}
    # numbers on numeric columns, a quoted string on the string column
    assert defaults == {"id": None, "price": "0", "stock": "0", "weight": "1.5", "label": "'0'"}
    eng = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        md.create_all(eng)
        database = from_database(eng, release="1.0.0")
        ops = diff_snapshots(models, database, targets=None)
        assert ops == [], [op.describe() for op in ops]
        ops = diff_snapshots(database, models, targets=None)
        assert ops == [], [op.describe() for op in ops]
    finally:
        md.drop_all(eng)
        eng.dispose()
