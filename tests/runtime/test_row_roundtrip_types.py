"""Managed rows of every column type survive ``setup`` -> ``drift`` -> ``snapshot --from-db``.

A managed row holds a value in each column type dbplan supports on the dialect. After
``dbplan setup`` the database holds exactly the snapshot's values, so ``dbplan drift``
reports nothing and a capture (``snapshot --from-db --rows-of``) writes the values as the
snapshot wrote them: a re-plan has no row operation. Types PostgreSQL hands back as
Python objects of their own (``real``, ``timestamp(3)``, ``time(3)``, intervals with
fields, ranges, ``hstore``, ``character(n)``) used to differ from their own snapshot
values (``Range(1, 10, '[)')`` vs ``'[1,10)'``) and crash the capture; MariaDB and SQLite
hold a ``postgresql.TYPE`` as text, and ``0.1`` came back as ``'0.1'``. A value changed by
hand is still reported, and captured as the database holds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from planner.cli import cli

# (column, type, the snapshot's value); every dialect
PORTABLE = [
    ("num", "'Numeric(10, 2)'", "'12.50'"),
    ("num4", "'Numeric(12, 4)'", "1.5"),
    ("r4", "postgresql.TYPE(real)", "0.1"),
    ("r8", "Float", "0.1"),
    ("ts3", "postgresql.TYPE(timestamp(3) without time zone)", "'2024-01-31T13:45:00.123'"),
    ("tstz3", "postgresql.TYPE(timestamp(3) with time zone)", "'2024-01-31T13:45:00.123+00:00'"),
    ("ts", "DateTime", "'2024-01-31T13:45:00.123456'"),
    ("tstz", "DateTime(timezone=True)", "'2024-01-31T13:45:00+02:00'"),
    ("t3", "postgresql.TYPE(time(3) without time zone)", "'13:45:00.123'"),
    ("tm", "Time", "'13:45:00'"),
    ("iv", "Interval", "P1DT2H"),
    ("iv3", "postgresql.TYPE(interval day to second(3))", "P1DT2H0.5S"),
    ("d", "Date", "'2024-01-31'"),
    ("i4r", "postgresql.TYPE(int4range)", "'[1,10)'"),
    ("numr", "postgresql.TYPE(numrange)", "'[1.5,2.5]'"),
    ("tsr", "postgresql.TYPE(tstzrange)", "'[2024-01-01 00:00:00+00,2024-02-01 00:00:00+00)'"),
    ("dr", "postgresql.TYPE(daterange)", "'[2024-01-01,2024-02-01)'"),
    ("ai", "postgresql.ARRAY(Integer)", "[1, 2, 3]"),
    ("at", "postgresql.ARRAY(Text)", "[a, b]"),
    ("ar4", "postgresql.ARRAY(postgresql.TYPE(real))", "[0.1, 2.5]"),
    ("j", "JSON", "{a: 1, b: [1.5, x]}"),
    ("jb", "postgresql.JSONB", "{a: 1, b: [1.5, x]}"),
    ("u", "Uuid", "7d3f0c1e-0000-4000-8000-000000000002"),
    ("b", "LargeBinary", "deadbeef"),
    ("bo", "Boolean", "true"),
    ("e", "Enum(mood)", "ok"),
    ("s", "String(20)", "hi"),
    ("inet", "postgresql.INET", "10.0.0.1"),
    ("ch", "postgresql.TYPE(character(4))", "ab"),
    ("bits", "postgresql.TYPE(bit(3))", "'101'"),
    ("pt", "postgresql.TYPE(point)", "'(1,2)'"),
]
# the types of PostgreSQL's extensions
EXTENSIONS = [
    ("ci", "postgresql.TYPE(citext)", "Hello"),
    ("hs", "postgresql.TYPE(hstore)", '\'"a"=>"1", "b"=>"2"\''),
]


def _columns(url: str) -> list[tuple[str, str, str]]:
    return PORTABLE + (EXTENSIONS if url.startswith("postgresql") else [])


def _snapshot(url: str) -> str:
    cols = _columns(url)
    text = "snapshot: 1\nrelease: 1.0.0\n"
    if url.startswith("postgresql"):
        text += "extensions:\n  citext: {}\n  hstore: {}\n"
    text += "enums:\n  mood: [ok, bad]\ntables:\n  t:\n    columns:\n"
    text += "      id: {type: Integer, primary_key: true}\n"
    text += "".join(f"      {c}: {{type: {t}}}\n" for c, t, _ in cols)
    text += "    rows:\n      values:\n      - id: 1\n"
    text += "".join(f"        {c}: {v}\n" for c, _, v in cols)
    return text


def _run(root: Path, *args: str) -> str:
    r = CliRunner().invoke(cli, ["-C", str(root), *args])
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture
def built(tmp_path, db_url, monkeypatch):
    """A project whose release 1.0.0 is the snapshot above, set up at ``db_url``."""
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    root = tmp_path / "proj"
    _run(tmp_path, "init", "--url", db_url, str(root))
    (root / "schema_state" / "1.0.0.yaml").write_text(_snapshot(db_url), encoding="utf-8")
    _run(root, "generate", "empty", "1.0.0", "-m", "types")
    _run(root, "setup", "--url", db_url)
    return root, db_url


def _drift(root: Path, url: str) -> list[str]:
    r = CliRunner().invoke(cli, ["-C", str(root), "drift", "--url", url])
    assert r.exit_code in (0, 3), r.output
    return [line for line in r.output.splitlines() if line.startswith("drift at")]


def _capture(root: Path, url: str) -> dict:
    """The ``snapshot --from-db --rows-of t`` of release 1.0.1: {column: (type, value)}."""
    _run(root, "snapshot", "--release", "1.0.1", "--from-db", url, "--rows-of", "t")
    doc = yaml.safe_load((root / "schema_state" / "1.0.1.yaml").read_text(encoding="utf-8"))
    table = doc["tables"]["t"]
    (row,) = table["rows"]["values"]
    return {c: (str(spec["type"]), row.get(c)) for c, spec in table["columns"].items()}


def test_every_type_round_trips(built):
    root, url = built
    assert _drift(root, url) == []
    declared = yaml.safe_load(_snapshot(url))["tables"]["t"]
    want = declared["rows"]["values"][0]
    got = _capture(root, url)
    # a column the dialect holds as another type is captured as that type (MariaDB and
    # SQLite: postgresql.TYPE -> Text, Interval -> DateTime ...); every other value is the
    # snapshot's own, as written
    kept = {c for c, spec in declared["columns"].items() if got[c][0] == str(spec["type"])}
    assert {c: got[c][1] for c in kept} == {c: want[c] for c in kept}
    assert {"num", "num4", "r8", "ts", "tm", "d", "j", "b", "bo", "e", "s"} <= kept
    if url.startswith("postgresql"):
        assert kept == set(want)  # PostgreSQL keeps every type
        plan = _run(root, "plan", "1.0.0", "1.0.1")
        assert "row" not in plan.lower(), plan


# values changed by hand: (the value set, the value captured)
CHANGED = {
    "num": (12.75, "12.75"),
    "s": ("ho", "ho"),
}
CHANGED_PG = {
    "r4": (0.25, 0.25),
    "ts3": ("2024-01-31 13:45:00.124", "2024-01-31 13:45:00.124"),
    "i4r": ("[2,5]", "[2,6)"),
    "tsr": ("empty", "empty"),
    "hs": ('"a"=>"2"', '"a"=>"2"'),
    "ch": ("abc", "abc"),
    "ar4": (sa.literal_column("ARRAY[0.5::real]"), [0.5]),
}


def test_a_value_changed_by_hand_is_reported(built):
    """Exactly the changed columns are drift (none of the others), and the capture writes
    the database's values."""
    root, url = built
    pg = url.startswith("postgresql")
    changed = {**CHANGED, **(CHANGED_PG if pg else {})}
    if not pg:
        changed["i4r"] = ("[2,5]", "[2,5]")  # a postgresql.TYPE is text there; r4 is kept
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    t = sa.table("t", *(sa.column(c) for c in changed), sa.column("id"))
    try:
        with eng.begin() as c:
            c.execute(
                sa.update(t).where(t.c.id == 1).values({k: v for k, (v, _) in changed.items()})
            )
    finally:
        eng.dispose()
    lines = _drift(root, url)
    reported = {line.split("(id=1): ")[1].split(" ")[0] for line in lines}
    assert reported == set(changed), lines
    got = _capture(root, url)
    assert {c: got[c][1] for c in changed} == {c: after for c, (_, after) in changed.items()}
