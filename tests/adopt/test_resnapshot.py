"""`dbplan snapshot --force` over an existing release keeps the engineer's hints."""

from __future__ import annotations

import dataclasses
import uuid

from click.testing import CliRunner

from planner.cli import cli
from planner.state.yamlio import load_snapshot, write_snapshot

MODELS = """\
import sqlalchemy as sa

md = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
units = sa.Table(
    "units", md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(10), nullable=False, unique=True),
    sa.Column("label", sa.String(40), nullable=False),
    sa.Column("factor", sa.Integer, nullable=False),
)
sites = sa.Table(
    "sites_v2", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(80), nullable=False),
)
ROWS = {"units": [{"id": 1, "code": "kwh", "label": "kWh", "factor": 1}]}
"""


def _project(tmp_path, monkeypatch):
    pkg = f"models_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{pkg}.py").write_text(MODELS)
    (tmp_path / "pyproject.toml").write_text('[tool.dbplan]\ndialects = ["sqlite"]\n')
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    return pkg


def _snapshot(tmp_path, pkg, *extra):
    return CliRunner().invoke(
        cli,
        ["-C", str(tmp_path), "snapshot", "--release", "1.1.0"]
        + ["--from-models", f"{pkg}:md", "--rows", f"{pkg}:ROWS", *extra],
    )


def _add_hints(path):
    snap = load_snapshot(path)
    units = snap.table("units")
    cols = tuple(
        dataclasses.replace(c, backfill="1") if c.name == "factor" else c for c in units.columns
    )
    units = dataclasses.replace(
        units, columns=cols, rows=dataclasses.replace(units.rows, key=("code",))
    )
    sites = snap.table("sites_v2")
    cols = tuple(
        dataclasses.replace(c, renamed_from="name") if c.name == "title" else c
        for c in sites.columns
    )
    sites = dataclasses.replace(sites, columns=cols, renamed_from="sites")
    snap = dataclasses.replace(snap, tables=(units, sites))
    write_snapshot(path, snap, force=True)


def test_resnapshot_keeps_hints_and_row_keys(tmp_path, monkeypatch):
    pkg = _project(tmp_path, monkeypatch)
    r = _snapshot(tmp_path, pkg)
    assert r.exit_code == 0, r.output
    path = tmp_path / "schema_state" / "1.1.0.yaml"
    _add_hints(path)
    edited = path.read_bytes()
    r = _snapshot(tmp_path, pkg, "--force")
    assert r.exit_code == 0, r.output
    assert path.read_bytes() == edited  # byte for byte: nothing the engineer wrote is lost
    assert r.output.endswith(
        "Kept 4 hint(s) of the previous schema_state/1.1.0.yaml (--no-keep-hints drops them):\n"
        "  renamed_from: sites of table sites_v2\n"
        "  renamed_from: name of column sites_v2.title\n"
        "  backfill: 1 of column units.factor\n"
        "  row key [code] of table units\n"
    ), r.output


def test_resnapshot_no_keep_hints(tmp_path, monkeypatch):
    pkg = _project(tmp_path, monkeypatch)
    assert _snapshot(tmp_path, pkg).exit_code == 0
    path = tmp_path / "schema_state" / "1.1.0.yaml"
    bare = path.read_bytes()
    _add_hints(path)
    r = _snapshot(tmp_path, pkg, "--force", "--no-keep-hints")
    assert r.exit_code == 0, r.output
    assert "Kept" not in r.output
    assert path.read_bytes() == bare


def test_resnapshot_refuses_unreadable_snapshot_without_losing_it(tmp_path, monkeypatch):
    pkg = _project(tmp_path, monkeypatch)
    path = tmp_path / "schema_state" / "1.1.0.yaml"
    path.parent.mkdir()
    path.write_text("snapshot: 1\nrelease: '1.1.0'\ntables: {units: {colums: {}}}\n")
    before = path.read_bytes()
    r = _snapshot(tmp_path, pkg, "--force")
    assert r.exit_code == 1 and "--no-keep-hints" in r.output, r.output
    assert path.read_bytes() == before
