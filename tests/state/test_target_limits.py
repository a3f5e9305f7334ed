"""Validation checks only the target dialects' limits (issue 12 item 6, issue 13 item 2):
a name too long for PostgreSQL is an error only where PostgreSQL is a target, one too long
for MariaDB/MySQL only where MariaDB is; what a SQLite-only project's database holds, its
`check` accepts."""

from __future__ import annotations

import sqlalchemy as sa

from planner.state.model import Column, PrimaryKey, Snapshot, Table
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot
from tests.safety.helpers import dbplan

LONG = "t" * 70  # 70 bytes and characters: over PostgreSQL's 63 bytes and MariaDB's 64
WIDE = "é" * 40  # 80 bytes but 40 characters: over PostgreSQL's limit only


def _snap(name: str, release: str = "1.0.0") -> Snapshot:
    t = Table(
        name=name,
        columns=(Column(name="id", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=("id",)),
    )
    return Snapshot(release=release, tables=(t,))


def _messages(name: str, targets) -> list[str]:
    return [p.message for p in validate(_snap(name), targets=targets)]


def test_each_target_checks_its_own_limit():
    assert _messages(LONG, ["sqlite"]) == []
    (pg,) = _messages(LONG, ["postgresql"])
    assert "63-byte limit of PostgreSQL" in pg
    (my,) = _messages(LONG, ["mysql"])
    assert "64-character limit of MariaDB/MySQL" in my
    assert _messages(WIDE, ["mysql", "sqlite"]) == []
    assert len(_messages(WIDE, ["postgresql"])) == 1
    # every dialect (no targets given): one problem per name, the strictest limit first
    (both,) = _messages(LONG, None)
    assert "PostgreSQL" in both


def _project(tmp_path, dialects: str):
    root = tmp_path / dialects.strip('[]"').replace('", "', "-")
    (root / "schema_state").mkdir(parents=True)
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n'
        f"dialects = {dialects}\n",
        encoding="utf-8",
    )
    return root


def test_check_accepts_what_a_sqlite_only_projects_database_holds(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    eng = sa.create_engine(url)
    md = sa.MetaData()
    sa.Table(LONG, md, sa.Column("id", sa.Integer, primary_key=True))
    md.create_all(eng)
    eng.dispose()
    root = _project(tmp_path, '["sqlite"]')
    dbplan(root, "snapshot", "--release", "1.0.0", "--from-db", url)
    r = dbplan(root, "check", check=False)
    # valid (exit 3 only for the revision not generated yet)
    assert "1 snapshot valid: 1.0.0" in r.stdout, r.stderr
    assert r.returncode == 3 and "limit" not in r.stderr, r.stderr
    # the same file where PostgreSQL is a target: refused with its position
    pg = _project(tmp_path, '["sqlite", "postgresql"]')
    (pg / "schema_state" / "1.0.0.yaml").write_text(dump_snapshot(_snap(LONG)), encoding="utf-8")
    r = dbplan(pg, "check", check=False)
    assert r.returncode == 1, r.stderr
    assert "1.0.0.yaml:" in r.stderr and "63-byte limit of PostgreSQL" in r.stderr, r.stderr
