"""Server defaults given as plain strings in the models (``server_default="0"``) are
captured in the form the database reads them back (issue 12: a ``--from-models`` snapshot
said ``'0'`` where the ``--from-db`` one of the same schema said ``0``, and the plan between
them had a spurious "Set server default of products.price to '0'").
"""

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
        sa.Column("rate", sa.Numeric(10, 2), nullable=False, server_default="1.50"),
        sa.Column("stock", sa.Integer, nullable=False, server_default="5"),
        sa.Column("active", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("code", sa.String(5), nullable=False, server_default="0"),
        sa.Column("label", sa.String(20), nullable=False, server_default="it's"),
    )
    return md


def test_models_and_database_plan_nothing(db_url):
    md = _models()
    eng = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        md.create_all(eng)
        models = from_metadata(md, release="1.0.0")
        database = from_database(eng, release="1.0.0")
    finally:
        eng.dispose()
    for a, b in ((models, database), (database, models)):
        ops = diff_snapshots(a, b, targets=None)
        assert ops == [], [op.describe() for op in ops]


def test_numeric_string_default_is_the_number():
    cols = from_metadata(_models(), release="1.0.0").table("products")
    assert cols.column("price").server_default == "0"
    assert cols.column("rate").server_default == "1.5"
    assert cols.column("code").server_default == "'0'"  # a string stays a string
    assert cols.column("label").server_default == "'it''s'"
