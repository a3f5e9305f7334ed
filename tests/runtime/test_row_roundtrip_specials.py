"""Managed row values that used to be lost, crash or be refused: intervals with years and
months, ``Numeric`` and ``Float`` ``NaN``/``Infinity``/``-Infinity``, and values a
driver cannot read (a ``timestamptz`` ``infinity``) or bind (``Decimal`` items of a
``postgresql.ARRAY`` held as ``JSON`` on MariaDB and SQLite).

``interval '1 year 2 mons'`` came back as ``P425D`` (psycopg counts a month as 30 days)
and was written back as ``425 days`` with no drift reported; ``'NaN'`` in a ``numeric``
crashed the capture with an ``AssertionError``; a float column's infinities were refused
by validation although it holds them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner

from planner.cli import cli
from tests.runtime.test_row_roundtrip_types import _capture, _drift, _run

# (column, type, the snapshot's value, SQL the database must then hold it as)
PG_SPECIALS = [
    ("iv", "Interval", "P1Y2M", "interval '1 year 2 mons'"),
    ("ivn", "Interval", "-P1Y2M3DT4H", "interval '-1 year -2 mons -3 days -04:00:00'"),
    ("ivm", "Interval", "P1M-2DT0.5S", "interval '1 mon -2 days 00:00:00.5'"),
    ("ivd", "Interval", "P1DT2H", "interval '1 day 02:00:00'"),
    ("nn", "Numeric", "NaN", "'NaN'::numeric"),
    ("ni", "Numeric", "Infinity", "'Infinity'::numeric"),
    ("nm", "Numeric", "-Infinity", "'-Infinity'::numeric"),
    ("n2", "'Numeric(10, 2)'", "NaN", "'NaN'::numeric"),
    ("fi", "Float", "Infinity", "'Infinity'::float8"),
    ("fm", "Float", "-Infinity", "'-Infinity'::float8"),
    ("fn", "Float", "NaN", "'NaN'::float8"),
]


def _init(tmp_path: Path, url: str, monkeypatch, snapshots: dict[str, str]) -> Path:
    """A new project at ``url`` with the snapshots {release: text}."""
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    root = tmp_path / "proj"
    _run(tmp_path, "init", "--url", url, str(root))
    for release, text in snapshots.items():
        (root / "schema_state" / f"{release}.yaml").write_text(text, encoding="utf-8")
    return root


def _project(tmp_path: Path, url: str, columns: list[tuple[str, str, str]], monkeypatch) -> Path:
    text = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n"
    text += "      id: {type: Integer, primary_key: true}\n"
    text += "".join(f"      {c}: {{type: {t}}}\n" for c, t, _ in columns)
    text += "    rows:\n      values:\n      - id: 1\n"
    text += "".join(f"        {c}: {v}\n" for c, _, v in columns)
    root = _init(tmp_path, url, monkeypatch, {"1.0.0": text})
    _run(root, "generate", "empty", "1.0.0", "-m", "specials")
    _run(root, "setup", "--url", url)
    return root


@pytest.fixture
def pg_specials(tmp_path, pg_db, monkeypatch):
    cols = [(c, t, v) for c, t, v, _ in PG_SPECIALS]
    return _project(tmp_path, pg_db, cols, monkeypatch), pg_db


def _holds(url: str, sql: dict[str, str]) -> dict[str, bool]:
    """{column: the row holds exactly the value of the SQL} (NaN equals NaN in SQL)."""
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            exprs = [sa.literal_column(f"{c_} = {v}").label(c_) for c_, v in sql.items()]
            extra = [
                sa.literal_column(f"CAST({c_} AS text) = CAST({v} AS text)").label(f"{c_}_text")
                for c_, v in sql.items()
            ]
            row = c.execute(sa.select(*exprs, *extra).select_from(sa.table("t"))).mappings().one()
    finally:
        eng.dispose()
    return {k: bool(row[k]) and bool(row[f"{k}_text"]) for k in sql}


def test_postgresql_specials_round_trip(pg_specials):
    root, url = pg_specials
    assert _holds(url, {c: sql for c, _, _, sql in PG_SPECIALS}) == {
        c: True for c, *_ in PG_SPECIALS
    }
    assert _drift(root, url) == []
    got = _capture(root, url)
    want = yaml.safe_load("{" + ", ".join(f"{c}: {v}" for c, _, v, _ in PG_SPECIALS) + "}")
    assert {c: got[c][1] for c in want} == want
    plan = _run(root, "plan", "1.0.0", "1.0.1")
    assert "row" not in plan.lower(), plan


def _set(url: str, values: dict[str, str]) -> None:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.begin() as c:
            sets = ", ".join(f"{k} = {v}" for k, v in values.items())
            c.execute(sa.text(f"UPDATE t SET {sets} WHERE id = 1"))
    finally:
        eng.dispose()


def test_postgresql_specials_changed_by_hand_are_reported(pg_specials):
    root, url = pg_specials
    _set(url, {"iv": "interval '1 year 3 mons'", "nn": "1.5", "fi": "1.5", "n2": "2.5"})
    lines = _drift(root, url)
    reported = {line.split("(id=1): ")[1].split(" ")[0] for line in lines}
    assert reported == {"iv", "nn", "fi", "n2"}, lines
    got = _capture(root, url)
    assert {c: got[c][1] for c in ("iv", "nn", "fi", "n2")} == {
        "iv": "P1Y3M",
        "nn": "1.5",
        "fi": 1.5,
        "n2": "2.5",
    }


def _refusals(root: Path, url: str) -> list[str]:
    """The outputs of a capture and of drift, each refusing (exit 1, no traceback)."""
    outputs = []
    for args in (
        ["snapshot", "--release", "1.0.9", "--from-db", url, "--rows-of", "t"],
        ["drift", "--url", url],
    ):
        r = CliRunner().invoke(cli, ["-C", str(root), *args])
        assert r.exit_code == 1 and isinstance(r.exception, SystemExit), (r.output, r.exception)
        assert "Traceback" not in r.output
        outputs.append(r.output)
    return outputs


def test_an_unreadable_value_is_refused_by_name(tmp_path, pg_db, monkeypatch):
    """psycopg reads no Python datetime of ``infinity``: capture and drift name the column
    instead of a ``DataError`` traceback."""
    root = _project(
        tmp_path,
        pg_db,
        [("ts", "DateTime(timezone=True)", "'2024-01-31T13:45:00+00:00'")],
        monkeypatch,
    )
    _set(pg_db, {"ts": "'infinity'"})
    for output in _refusals(root, pg_db):
        assert "column t.ts" in output and "infinity" in output, output


def test_numeric_array_binds_where_it_is_json(tmp_path, db_url, monkeypatch):
    """``postgresql.ARRAY(Numeric(...))`` is ``JSON`` on MariaDB and SQLite: setup binds
    its ``Decimal`` items as JSON numbers ("Decimal is not JSON serializable"), drift sees
    the row as the snapshot's."""
    cols = [("a", "'postgresql.ARRAY(Numeric(10, 2))'", "['1.50', '2.25']")]
    root = _project(tmp_path, db_url, cols, monkeypatch)
    assert _drift(root, db_url) == []


def test_sql_null_and_json_null_are_kept_apart(tmp_path, db_url, monkeypatch):
    """A managed row's ``null`` in a JSON column is SQL NULL after setup (it was JSON's
    ``null``, so ``j IS NULL`` was false), and JSON's ``null`` put there by hand, which no
    snapshot value spells, is refused by name by drift and capture instead of being taken
    for the snapshot's ``null``."""
    cols = [("j", "JSON", "null")]
    if db_url.startswith("postgresql"):
        cols.append(("jb", "postgresql.JSONB", "null"))
    root = _project(tmp_path, db_url, cols, monkeypatch)
    eng = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            nulls = [sa.literal_column(f"{c_} IS NULL") for c_, _, _ in cols]
            assert list(c.execute(sa.select(*nulls).select_from(sa.table("t"))).one()) == [
                True
            ] * len(cols)
    finally:
        eng.dispose()
    assert _drift(root, db_url) == []
    assert _capture(root, db_url)["j"][1] is None
    for col, _, _ in cols:
        _set(db_url, {c_: "NULL" for c_, _, _ in cols} | {col: "'null'"})
        for output in _refusals(root, db_url):
            assert f"t.{col} holds JSON's null" in output, output


def test_months_are_refused_where_an_interval_is_a_point_in_time(tmp_path, db_url, monkeypatch):
    """MariaDB and SQLite store an ``Interval`` as a datetime: a project targeting them
    refuses a value with months at file:line (setup failed with a ``TypeError``,
    ``datetime + str``)."""
    if db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL keeps the months (test_postgresql_specials_round_trip)")
    text = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n"
    text += "      id: {type: Integer, primary_key: true}\n      iv: {type: Interval}\n"
    text += "    rows:\n      values:\n      - {id: 1, iv: P1Y2M}\n"
    root = _init(tmp_path, db_url, monkeypatch, {"1.0.0": text})
    _run(root, "generate", "empty", "1.0.0", "-m", "months")  # the project names no target
    # setup reads the snapshot for the database it builds on: refused at file:line
    r = CliRunner().invoke(cli, ["-C", str(root), "setup", "--url", db_url])
    assert r.exit_code == 1, r.output  # an invalid snapshot (DESIGN.md)
    assert "1.0.0.yaml:10:" in r.output, r.output
    assert "'P1Y2M' of t.iv has years or months" in r.output, r.output


def _rows_by_revision(tmp_path, url, monkeypatch, columns: dict[str, str], row: str) -> Path:
    """Release 1.0.0 creates table t (id and ``columns``), 1.0.1 adds the managed ``row``;
    both revisions generated and upgraded to at ``url``."""
    head = "snapshot: 1\nrelease: {}\ntables:\n  t:\n    columns:\n"
    head += "      id: {{type: Integer, primary_key: true}}\n"
    head += "".join(f"      {c}: {{{{type: {t}}}}}\n" for c, t in columns.items())
    rows = f"    rows:\n      values:\n      - {row}\n"
    snapshots = {"1.0.0": head.format("1.0.0"), "1.0.1": head.format("1.0.1") + rows}
    root = _init(tmp_path, url, monkeypatch, snapshots)
    _run(root, "generate", "empty", "1.0.0", "-m", "table")
    _run(root, "generate", "1.0.0", "1.0.1", "-m", "rows")
    _run(root, "upgrade", "--url", url)
    return root


def test_numeric_array_rows_of_a_revision_bind_on_every_dialect(tmp_path, db_url, monkeypatch):
    """The revision that adds the rows (a file of alembic and sqlalchemy only) binds the
    items as floats: JSON on MariaDB/SQLite, a ``float8[]`` PostgreSQL casts to
    ``numeric[]``; drift sees the snapshot's row."""
    columns = {"a": "'postgresql.ARRAY(Numeric(10, 2))'"}
    root = _rows_by_revision(tmp_path, db_url, monkeypatch, columns, "{id: 1, a: ['1.50', '2', 3]}")
    assert _drift(root, db_url) == []


def test_postgresql_specials_of_a_revision(tmp_path, pg_db, monkeypatch):
    """A generated revision inserts months and the special numbers as the snapshot writes
    them (the ISO-8601 text PostgreSQL reads, ``Decimal('NaN')``, ``float('-inf')``)."""
    columns = {"iv": "Interval", "n": "Numeric", "f": "Float"}
    row = "{id: 1, iv: P1Y2M-3D, n: NaN, f: -Infinity}"
    root = _rows_by_revision(tmp_path, pg_db, monkeypatch, columns, row)
    holds = {
        "iv": "interval '1 year 2 mons -3 days'",
        "n": "'NaN'::numeric",
        "f": "'-Infinity'::float8",
    }
    assert _holds(pg_db, holds) == dict.fromkeys(holds, True)
    assert _drift(root, pg_db) == []


def test_postgresql_interval_keys(tmp_path, pg_db, monkeypatch):
    """Rows keyed by an ``Interval`` (read as PostgreSQL's text) are found by their key."""
    cols = {"iv": "{type: Interval, primary_key: true}", "s": "{type: String(5)}"}
    text = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n"
    text += "".join(f"      {c}: {t}\n" for c, t in cols.items())
    text += "    rows:\n      values:\n      - {iv: P1Y2M, s: a}\n      - {iv: P1DT2H, s: b}\n"
    root = _init(tmp_path, pg_db, monkeypatch, {"1.0.0": text})
    _run(root, "generate", "empty", "1.0.0", "-m", "keys")
    _run(root, "setup", "--url", pg_db)
    assert _drift(root, pg_db) == []
    eng = sa.create_engine(pg_db, poolclass=sa.pool.NullPool)
    try:
        with eng.begin() as c:
            c.execute(sa.text("UPDATE t SET s = 'c'"))
    finally:
        eng.dispose()
    reported = _drift(root, pg_db)
    assert len(reported) == 2 and all(" s " in line for line in reported), reported
