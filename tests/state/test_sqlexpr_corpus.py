"""Checks, server defaults and partial-index predicates compare by meaning (issue 12 item 6,
issue 18 item 6): a corpus round-tripped through every dialect that accepts each entry.

For each entry and dialect: a table holding it is created on the real server from the
snapshot (``to_metadata``), captured back with ``capture_for``, and the capture compares
equal (``compare_snapshots(..., dialect=...)``) to ``normalise_for`` of the snapshot. Then
the models' snapshot (``from_metadata``) and the database's (``from_database``, no hint)
plan 0 operations. Pairs that differ in meaning stay different on every dialect.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

import pytest
import sqlalchemy as sa

from planner import sqlexpr
from planner.diff import diff_snapshots
from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, from_metadata, normalise_for
from planner.state.model import Check, Column, Index, PrimaryKey, Snapshot, Table

ALL = ("postgresql", "mysql", "sqlite")
NO_MYSQL = ("postgresql", "sqlite")


class Entry(NamedTuple):
    kind: str  # check | default | where
    sql: str
    #: the column's type, for defaults
    type: str = "Integer"
    dialects: tuple[str, ...] = ALL


CORPUS = [
    # checks
    Entry("check", "a > 0"),
    Entry("check", "a >= 0 AND a <= 100"),
    Entry("check", "a BETWEEN 1 AND 10"),
    Entry("check", "a NOT BETWEEN 1 AND 10"),
    Entry("check", "(a > 0 OR b > 0) AND c > 0"),
    Entry("check", "a > 0 OR b > 0 AND c > 0"),
    Entry("check", "a - b - c > 0"),
    Entry("check", "a - (b - c) > 0"),
    Entry("check", "a * (b + c) < 1000"),
    Entry("check", "NOT (a = b)"),
    Entry("check", "a <> b"),
    Entry("check", "name <> ''"),
    Entry("check", "name <> 'n/a'"),
    Entry("check", "name <> 'N / A'"),
    Entry("check", "name <> 'it''s'"),
    Entry("check", "note <> ':x'"),
    Entry("check", "kind IN ('a', 'b', 'c')"),
    Entry("check", "kind NOT IN ('x', 'y')"),
    Entry("check", "kind = 'a' OR kind = 'b'"),
    Entry("check", "a IN (1, 2, 3)"),
    Entry("check", "b IS NOT NULL"),
    Entry("check", "b IS NULL OR b > a"),
    Entry("check", "price >= 0"),
    Entry("check", "price > 0.5"),
    Entry("check", "a + b = c"),
    Entry("check", "a % 2 = 0"),
    Entry("check", "name LIKE 'x%'"),
    Entry("check", "name NOT LIKE '%--%'"),
    Entry("check", "lower(name) = name"),
    # MariaDB stores octet_length(name): the same there, not everywhere (targets=None)
    Entry("check", "length(name) > 0", dialects=NO_MYSQL),
    Entry("check", "(a > 0)"),
    Entry("check", "b IS NOT NULL AND a > 0"),
    Entry("check", "a > -1"),
    Entry("check", "a > 0 AND (b > 0 AND c > 0)"),
    Entry("check", "CASE WHEN a > 0 THEN b > 0 ELSE c > 0 END"),
    Entry("check", "COALESCE(b, 0) >= 0"),
    # server defaults
    Entry("default", "0"),
    Entry("default", "-1"),
    Entry("default", "42"),
    Entry("default", "'info'", type="String(20)"),
    Entry("default", "'it''s'", type="String(20)"),
    Entry("default", "'a:b'", type="String(20)"),
    Entry("default", "''", type="String(20)"),
    Entry("default", "'N / A'", type="String(20)"),
    Entry("default", "1.5", type="Numeric(10, 2)"),
    Entry("default", "0", type="Numeric(10, 2)"),
    Entry("default", "true", type="Boolean"),
    Entry("default", "false", type="Boolean"),
    Entry("default", "now()", type="DateTime"),
    Entry("default", "CURRENT_TIMESTAMP", type="DateTime"),
    # partial-index predicates (MariaDB has none)
    Entry("where", "a > 0", dialects=NO_MYSQL),
    Entry("where", "b IS NOT NULL", dialects=NO_MYSQL),
    Entry("where", "name <> ''", dialects=NO_MYSQL),
    Entry("where", "kind IN ('a', 'b')", dialects=NO_MYSQL),
    Entry("where", "a > 0 AND (b > 0 OR c > 0)", dialects=NO_MYSQL),
]

#: pairs that must stay different, on every dialect
DIFFERENT = [
    ("(a > 0 OR b > 0) AND c > 0", "a > 0 OR b > 0 AND c > 0"),
    ("a - b - c > 0", "a - (b - c) > 0"),
    ("name <> 'n/a'", "name <> 'N / A'"),
    ("a > 0", "a >= 0"),
    ("a / b * c > 0", "a / (b * c) > 0"),
    ("kind IN ('a', 'b')", "kind IN ('a', 'c')"),
    ("a BETWEEN 1 AND 10", "a BETWEEN 1 AND 11"),
    ("'N / A'", "'n/a'"),
    ("'A'", "'a'"),
    ("0", "1"),
    ("NOT (a > 0 AND b > 0)", "NOT a > 0 AND b > 0"),
    ("CAST(a AS INTEGER) > 0", "a > 0"),
    ("char_length(name) > 0", "octet_length(name) > 0"),
]


def test_corpus_has_at_least_forty_entries():
    assert len(CORPUS) >= 40
    assert len({(e.kind, e.sql, e.type) for e in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("a,b", DIFFERENT)
@pytest.mark.parametrize("dialect", ALL)
def test_different_meanings_stay_different(dialect, a, b):
    assert not sqlexpr.same_meaning(a, b, dialect)
    assert not sqlexpr.same_meaning(b, a, dialect)


def _table(name: str, entry: Entry) -> Table:
    cols = [
        Column(name="id", type="Integer", nullable=False),
        Column(name="a", type="Integer"),
        Column(name="b", type="Integer"),
        Column(name="c", type="Integer"),
        Column(name="name", type="String(40)"),
        Column(name="note", type="String(40)"),
        Column(name="kind", type="String(10)"),
        Column(name="price", type="Numeric(10, 2)"),
    ]
    checks: tuple = ()
    indexes: tuple = ()
    if entry.kind == "check":
        checks = (Check(name=f"ck_{name}", sqltext=entry.sql),)
    elif entry.kind == "default":
        cols.append(Column(name="d", type=entry.type, server_default=entry.sql))
    else:
        indexes = (Index(name=f"ix_{name}", columns=("a",), where=entry.sql),)
    return Table(
        name=name,
        columns=tuple(cols),
        primary_key=PrimaryKey(name=f"pk_{name}", columns=("id",)),
        checks=checks,
        indexes=indexes,
    )


def _cases():
    for i, e in enumerate(CORPUS):
        for d in e.dialects:
            marks = {"postgresql": [pytest.mark.pg], "mysql": [pytest.mark.mysql]}.get(d, [])
            yield pytest.param(d, e, id=f"{d}-{i:02d}-{e.kind}", marks=marks)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """One database per dialect for the module (each case creates and drops its table)."""
    from tests.conftest import MYSQL_URL, PG_URL, _probe, create_database, drop_database

    urls: dict[str, str | None] = {
        "sqlite": f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'c.sqlite'}"
    }
    made = []
    for d, server in (("postgresql", PG_URL), ("mysql", MYSQL_URL)):
        if _probe(server) is None:
            urls[d] = create_database(server, prefix="dbplan_corpus")
            made.append(urls[d])
        else:
            urls[d] = None
    yield urls
    for u in made:
        drop_database(u)


@pytest.mark.parametrize("dialect,entry", list(_cases()))
def test_round_trip(servers, dialect, entry):
    url = servers[dialect]
    if url is None:
        from tests.conftest import _unavailable

        _unavailable(dialect, "server unreachable")
    name = f"t_{uuid.uuid4().hex[:8]}"
    snap = Snapshot(release="1.0.0", tables=(_table(name, entry),))
    from planner.state.capture import to_metadata

    md = to_metadata(snap)
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        md.create_all(eng)
        # captured with the snapshot as the hint: equal by meaning
        got = capture_for(eng, snap)
        assert compare_snapshots(got, normalise_for(snap, dialect), dialect=dialect) == []
        # the models' snapshot and the database's (no hint) plan nothing
        models = normalise_for(from_metadata(md, release="1.0.0"), dialect)
        database = from_database(eng, release="1.0.0")
        ops = diff_snapshots(models, database, targets=None)
        assert ops == [], [op.describe() for op in ops]
    finally:
        md.drop_all(eng)
        eng.dispose()


@pytest.mark.parametrize(
    "built,declared",
    [
        ("a > 0 OR b > 0 AND c > 0", "(a > 0 OR b > 0) AND c > 0"),
        ("a - b - c > 0", "a - (b - c) > 0"),
        ("name <> 'N / A'", "name <> 'n/a'"),
    ],
)
@pytest.mark.parametrize(
    "dialect",
    [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.pg),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_capture_and_verify_see_a_changed_meaning(servers, dialect, built, declared):
    """A database whose check means something else than the snapshot's is a difference
    (before: capture took the snapshot's text, as both agreed once parentheses, spacing,
    quotes and case were stripped, and verify/drift said ok)."""
    url = servers[dialect]
    if url is None:
        from tests.conftest import _unavailable

        _unavailable(dialect, "server unreachable")
    name = f"t_{uuid.uuid4().hex[:8]}"
    entry = Entry("check", built)
    from planner.state.capture import to_metadata

    db_snap = Snapshot(release="1.0.0", tables=(_table(name, entry),))
    md = to_metadata(db_snap)
    want = Snapshot(release="1.0.0", tables=(_table(name, Entry("check", declared)),))
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        md.create_all(eng)
        got = capture_for(eng, want)
        diffs = compare_snapshots(got, normalise_for(want, dialect), dialect=dialect)
        assert len(diffs) == 1 and f"check ck_{name}: sqltext" in diffs[0], diffs
    finally:
        md.drop_all(eng)
        eng.dispose()
