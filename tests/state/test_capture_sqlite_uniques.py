"""SQLite uniques SQLAlchemy does not reflect: a UNIQUE clause naming a column with a
double quote (its pattern skips the clause). One on exactly the primary key leaves no
``sqlite_autoindex`` either: capture reads it from the CREATE TABLE statement."""

from __future__ import annotations

import sqlalchemy as sa

from planner.state.capture import from_database
from planner.state.model import Unique


def test_unique_on_quoted_primary_key_column_read_back(sqlite_db):
    engine = sa.create_engine(sqlite_db)
    try:
        with engine.begin() as conn:
            # Alembic's op.create_table renders the table like this (a revision's upgrade)
            conn.execute(
                sa.text(
                    'CREATE TABLE t ("a""" SMALLINT NOT NULL, b INTEGER, PRIMARY KEY ("a"""), '
                    'CONSTRAINT u UNIQUE ("a"""), CONSTRAINT "v""w" UNIQUE (b, "a"""))'
                )
            )
            assert sa.inspect(conn).get_unique_constraints("t") == []  # what SQLAlchemy reads
        got = from_database(engine, release="1").table("t")
    finally:
        engine.dispose()
    assert got.uniques == (
        Unique(name="u", columns=('a"',)),
        Unique(name='v"w', columns=("b", 'a"')),
    )
    assert got.primary_key.columns == ('a"',)


def test_two_uniques_on_the_same_columns_read_back(sqlite_db):
    """SQLAlchemy returns one of them (found on case pg_pkey_constraint_missing, which
    SQLite runs now that prepare() moves schema tables into the default schema)."""
    engine = sa.create_engine(sqlite_db)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE t (a INTEGER NOT NULL, b INTEGER, CONSTRAINT pk PRIMARY KEY (a), "
                    "CONSTRAINT u1 UNIQUE (a), CONSTRAINT u2 UNIQUE (a), "
                    "CONSTRAINT v1 UNIQUE (b), CONSTRAINT v2 UNIQUE (b))"
                )
            )
            assert len(sa.inspect(conn).get_unique_constraints("t")) < 4  # SQLAlchemy alone
        got = from_database(engine, release="1").table("t")
    finally:
        engine.dispose()
    assert [(u.name, u.columns) for u in got.uniques] == [
        ("u1", ("a",)),
        ("u2", ("a",)),
        ("v1", ("b",)),
        ("v2", ("b",)),
    ]


def test_primary_key_name_with_a_dollar_read_back(sqlite_db):
    """SQLAlchemy reads a constraint name of word characters only: ``pk_$`` (a naming
    convention's ``pk_%(table_name)s`` of table ``$``, found by the survey) came back
    unnamed."""
    engine = sa.create_engine(sqlite_db)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text('CREATE TABLE "$" (y INTEGER NOT NULL, CONSTRAINT pk_$ PRIMARY KEY (y))')
            )
            assert sa.inspect(conn).get_pk_constraint("$")["name"] is None  # SQLAlchemy alone
        got = from_database(engine, release="1").table("$")
    finally:
        engine.dispose()
    assert (got.primary_key.name, got.primary_key.columns) == ("pk_$", ("y",))


def test_column_level_foreign_key_actions_read_back(sqlite_db):
    """A column-level ``REFERENCES p (id) ON DELETE CASCADE``: SQLAlchemy reads no action
    from it; capture takes them from ``pragma_foreign_key_list``."""
    engine = sa.create_engine(sqlite_db)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE p (id INTEGER PRIMARY KEY)"))
            conn.execute(
                sa.text(
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, "
                    "pid INTEGER REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL, "
                    "qid INTEGER REFERENCES p (id) ON DELETE NO ACTION)"
                )
            )
            fks = sa.inspect(conn).get_foreign_keys("t")
            assert [fk["options"] for fk in fks] == [{}, {}]  # what SQLAlchemy reads
        got = from_database(engine, release="1").table("t")
    finally:
        engine.dispose()
    actions = {fk.columns: (fk.ondelete, fk.onupdate) for fk in got.foreign_keys}
    assert actions == {("pid",): ("CASCADE", "SET NULL"), ("qid",): (None, None)}
