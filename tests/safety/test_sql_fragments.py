"""SQL carried in snapshots is one expression or nothing (issue 18, finding 4).

A snapshot's ``server_default``, ``checks``, ``backfill`` and index ``where`` are written
into DDL verbatim. Text that closes the expression and starts statements of its own
(``0); DROP TABLE victim; CREATE TABLE pwned (...``) is refused by validation, so
``dbplan check`` and ``dbplan plan`` exit 1 (an invalid snapshot, DESIGN.md) naming the
file:line:col, the field and the fix, and nothing reaches a database.

``test_the_text_would_have_run_on_postgresql`` keeps the record of why: the same text,
handed to SQLAlchemy the way the emitter hands it, drops the table on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from planner.sqlexpr import refusal
from planner.state.model import Check, Column, Index, PrimaryKey, Snapshot, Table
from planner.state.validate import validate
from tests.revisions.conftest import dialect_of
from tests.safety.helpers import dbplan, engine, new_project

INJECTION = "0); DROP TABLE victim; CREATE TABLE pwned (x int"
#: the same idea in each field's own shape
ATTACKS = {
    "server_default": INJECTION,
    "check": "n > 0); DROP TABLE victim; CREATE TABLE pwned (x int",
    "backfill": "0; DROP TABLE victim",
    "where": "n > 0; DROP TABLE victim",
}
FIELD_PATH = {
    "server_default": "tables.t.columns.n.server_default",
    "check": "tables.t.checks.ck_t_n",
    "backfill": "tables.t.columns.n.backfill",
    "where": "tables.t.indexes.ix_t_n.where",
}


def _victim() -> Table:
    return Table(
        name="victim",
        columns=(Column(name="id", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=("id",)),
    )


def _table(field: str | None, text: str = "") -> Table:
    n = Column(name="n", type="Integer", nullable=False)
    checks: tuple = ()
    indexes = (Index(name="ix_t_n", columns=("n",)),)
    if field == "server_default":
        n = dataclasses.replace(n, server_default=text)
    elif field == "backfill":
        n = dataclasses.replace(n, backfill=text)
    elif field == "check":
        checks = (Check(name="ck_t_n", sqltext=text),)
    elif field == "where":
        indexes = (Index(name="ix_t_n", columns=("n",), where=text),)
    return Table(
        name="t",
        columns=(Column(name="id", type="Integer", nullable=False), n),
        primary_key=PrimaryKey(columns=("id",)),
        checks=checks,
        indexes=indexes,
    )


def _pair(field: str) -> tuple[Snapshot, Snapshot]:
    """1.0.0 without the text, 2.0.0 with it (backfill: 2.0.0 adds the NOT NULL column)."""
    old_t = _table(None)
    if field == "backfill":
        old_t = dataclasses.replace(old_t, columns=old_t.columns[:1], indexes=())
    old = Snapshot(release="1.0.0", tables=(_victim(), old_t))
    new = Snapshot(release="2.0.0", tables=(_victim(), _table(field, ATTACKS[field])))
    return old, new


@pytest.mark.parametrize("field", sorted(ATTACKS))
def test_validation_refuses_more_than_one_expression(field):
    _, new = _pair(field)
    problems = [p for p in validate(new, file="2.0.0.yaml") if "SQL expression" in p.message]
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.path == FIELD_PATH[field]
    assert "not one SQL expression" in p.message
    assert p.hint and "exactly one SQL expression" in p.hint


@pytest.mark.parametrize("field", sorted(ATTACKS))
@pytest.mark.parametrize("command", ["check", "plan"])
def test_check_and_plan_exit_1_naming_file_line_col(tmp_path: Path, field, command):
    root = new_project(tmp_path / "proj", _pair(field))
    args = ["check"] if command == "check" else ["plan", "1.0.0", "2.0.0"]
    r = dbplan(root, *args, check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    out = r.stdout + r.stderr
    assert "2.0.0.yaml:" in out
    line = next(x for x in out.splitlines() if FIELD_PATH[field] in x)
    where = line.split("2.0.0.yaml:", 1)[1].split(":")
    assert where[0].isdigit() and int(where[0]) > 0 and where[1].isdigit(), line
    assert "not one SQL expression" in line
    assert "Traceback" not in out


@pytest.mark.parametrize("field", sorted(ATTACKS))
def test_generate_writes_nothing(tmp_path: Path, field):
    root = new_project(tmp_path / "proj", _pair(field))
    dbplan(root, "generate", "empty", "1.0.0")
    r = dbplan(root, "generate", "1.0.0", "2.0.0", "--allow-destructive", check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert len(list((root / "migrations" / "versions").glob("*.py"))) == 1


@pytest.mark.parametrize(
    "text",
    [
        "1; DROP TABLE victim",
        "0 -- the rest of the line is gone",
        "0 /* hidden */",
        "0 # MariaDB comment",
        "x > 0)",
        "(x > 0",
        "DROP TABLE victim",
        "(SELECT 1)",
        "1 UNION SELECT 2",
        # MariaDB reads \' as a quote inside a string, PostgreSQL and SQLite do not
        "'a\\'; DROP TABLE victim; --'",
        "'\x00'",
    ],
)
def test_refused_on_every_reading(text):
    assert refusal(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "area > 0",
        "'it''s'",
        "note <> 'a:b; c -- d /* e */'",
        "nextval('s'::regclass)",
        "now() + interval '1 day'",
        "kind IN ('a', 'b')",
        "CURRENT_TIMESTAMP",
        "lower(name) <> ''",
    ],
)
def test_one_expression_is_accepted(text):
    assert refusal(text) is None


@pytest.mark.pg
def test_the_text_would_have_run_on_postgresql(pg_db):
    """For the record: without the refusal, a ``server_default`` carrying statements runs
    them. Built the way the emitter builds it (``sa.text`` of the snapshot text)."""
    eng = engine(pg_db)
    md = sa.MetaData()
    sa.Table("victim", md, sa.Column("id", sa.Integer, primary_key=True))
    md.create_all(eng)
    attack = sa.MetaData()
    sa.Table("t", attack, sa.Column("n", sa.Integer, server_default=sa.text(INJECTION)))
    with eng.begin() as c:
        attack.create_all(c)
    tables = set(sa.inspect(eng).get_table_names())
    eng.dispose()
    assert "victim" not in tables and "pwned" in tables
    assert refusal(INJECTION) is not None


# ---------------------------------------------------------------------------
# literals: `:word` stays literal, enum labels survive standard_conforming_strings=off
# ---------------------------------------------------------------------------


def _colon_pair() -> tuple[Snapshot, Snapshot]:
    """A check, a partial unique index and a default holding ``:word`` inside literals;
    2.0.0 adds a column (SQLite rebuilds the table from its ``copy_from`` copy)."""
    t = Table(
        name="t",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="note", type="String(20)", nullable=False, server_default="':d'"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        checks=(Check(name="ck_t_note", sqltext="note <> ':x' AND note <> 'a:b'"),),
        indexes=(Index(name="ix_t_note", columns=("note",), unique=True, where="note <> ':w'"),),
    )
    old = Snapshot(release="1.0.0", tables=(t,))
    t2 = dataclasses.replace(t, columns=(*t.columns, Column(name="extra", type="Integer")))
    return old, Snapshot(release="2.0.0", tables=(t2,))


def _insert_fails(eng: sa.Engine, **values) -> bool:
    try:
        with eng.begin() as c:
            c.execute(sa.text("INSERT INTO t (id, note) VALUES (:id, :note)"), values)
    except sa.exc.DBAPIError:
        return True
    return False


@pytest.mark.parametrize("release", ["1.0.0", "2.0.0"])
def test_colon_words_in_literals_stay_literal(tmp_path: Path, db_url, release):
    root = new_project(tmp_path / "proj", _colon_pair())
    from tests.safety.helpers import generate_chain

    generate_chain(root, ["1.0.0", "2.0.0"])
    dbplan(root, "upgrade", "-r", release, "--url", db_url)
    eng = engine(db_url)
    try:
        with eng.begin() as c:
            c.execute(sa.text("INSERT INTO t (id) VALUES (1)"))
            assert c.execute(sa.text("SELECT note FROM t")).scalar_one() == ":d"
        # the check holds ':x' and 'a:b' (old code: 'NULL', so ':x' went in)
        assert _insert_fails(eng, id=2, note=":x")
        assert _insert_fails(eng, id=3, note="a:b")
        assert not _insert_fails(eng, id=4, note="NULL")
        if dialect_of(db_url) != "mysql":  # MariaDB has no partial index: plain unique
            # the partial unique index skips ':w' rows only: two 'w' rows collide
            assert not _insert_fails(eng, id=5, note="w")
            assert _insert_fails(eng, id=6, note="w")
    finally:
        eng.dispose()


HOSTILE_LABELS = ("plain", "a'b", "back\\slash", "\\'; DROP TABLE victim; --")


@pytest.mark.pg
def test_enum_labels_survive_standard_conforming_strings_off(tmp_path: Path, pg_db):
    """Labels with a backslash and a quote, added by ``ALTER TYPE ... ADD VALUE`` on a
    session with ``standard_conforming_strings = off``: stored exactly, nothing else runs
    (doubling quotes only, the label closed the string and dropped ``victim``)."""
    from planner.state.model import Enum

    old = Snapshot(
        release="1.0.0",
        enums=(Enum(name="mood", values=("plain",)),),
        tables=(
            _victim(),
            Table(
                name="t",
                columns=(
                    Column(name="id", type="Integer", nullable=False),
                    Column(name="m", type="Enum(mood)"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
            ),
        ),
    )
    new = dataclasses.replace(
        old, release="2.0.0", enums=(Enum(name="mood", values=HOSTILE_LABELS),)
    )
    root = new_project(tmp_path / "proj", [old, new])
    from tests.safety.helpers import generate_chain

    generate_chain(root, ["1.0.0", "2.0.0"])
    url = pg_db + "?options=-c%20standard_conforming_strings%3Doff"
    eng = engine(url)
    with eng.connect() as c:
        assert c.execute(sa.text("SHOW standard_conforming_strings")).scalar_one() == "off"
    dbplan(root, "upgrade", "--url", url)
    with eng.connect() as c:
        labels = c.execute(
            sa.text(
                "SELECT enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                "WHERE t.typname = 'mood' ORDER BY enumsortorder"
            )
        ).scalars()
        assert tuple(labels) == HOSTILE_LABELS
        assert sa.inspect(c).has_table("victim")
    eng.dispose()


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_dialect_string_literals_read_back_exactly(dialect, request):
    """Each dialect's :meth:`string_literal` reads back as the value on its server (the
    PostgreSQL one with standard_conforming_strings off as well as on)."""
    from planner import dialects

    d = dialects.get(dialect)
    urls = {
        "sqlite": ["sqlite://"],
        "postgresql": [],
        "mysql": [],
    }
    if dialect == "postgresql":
        base = request.getfixturevalue("pg_server")
        urls[dialect] = [base, base + "?options=-c%20standard_conforming_strings%3Doff"]
    elif dialect == "mysql":
        urls[dialect] = [request.getfixturevalue("mysql_server")]
    for url in urls[dialect]:
        eng = engine(url)
        with eng.connect() as c:
            for v in (*HOSTILE_LABELS, "x\\:y", "':z'"):
                sql = "SELECT " + d.string_literal(v)
                assert c.exec_driver_sql(sql.replace("%", "%%")).scalar_one() == v, (url, v)
        eng.dispose()


@pytest.mark.parametrize("field", sorted(ATTACKS))
def test_remembered_refusals_are_refused_again(field, tmp_path: Path, monkeypatch):
    """The refusals are remembered in the cache (a small plan imports no sqlglot when its
    fragments did not change): a hit reports the same problem, word for word, and a
    forged or foreign memo is not read (the cache's entries are authenticated)."""
    import planner.sqlexpr as sqlexpr

    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DBPLAN_CACHE", raising=False)
    _, new = _pair(field)
    first = [str(p) for p in validate(new, file="2.0.0.yaml")]
    assert list((tmp_path / "cache").glob("*.sql-refusals.memo"))
    sqlexpr.refusal.cache_clear()
    calls = []
    monkeypatch.setattr(sqlexpr, "refusal", lambda text: calls.append(text))
    again = [str(p) for p in validate(new, file="2.0.0.yaml")]
    assert again == first and any("not one SQL expression" in p for p in again)
    assert calls == []  # from the memo, not recomputed
    # another secret: the memo does not authenticate, so it is computed again (and the
    # stand-in ``refusal`` above accepts everything: nothing is reported)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-config"))
    assert not [p for p in validate(new, file="2.0.0.yaml") if "SQL expression" in str(p)]
    assert calls


def test_a_small_plan_whose_fragments_are_remembered_imports_no_sqlglot(tmp_path: Path):
    import os
    import subprocess
    import sys

    root = new_project(tmp_path / "proj", _pair("check"))
    (root / "schema_state" / "2.0.0.yaml").write_text(
        (root / "schema_state" / "2.0.0.yaml").read_text().replace(ATTACKS["check"], "n > 0"),
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        DBPLAN_CACHE_DIR=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    env.pop("DBPLAN_CACHE", None)
    code = (
        "import sys; from planner.cli import main\n"
        "try:\n    main(['-C', sys.argv[1], 'plan', '1.0.0', '2.0.0'])\n"
        "except SystemExit as e:\n    assert e.code in (0, 2), e.code\n"
        "print('sqlglot' in sys.modules, file=sys.stderr)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code, str(root)], env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    assert runs[0].stdout == runs[1].stdout and "ck_t_n" in runs[0].stdout
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["True", "False"]
