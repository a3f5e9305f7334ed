"""Writing revisions: Alembic's template and file_template apply, provenance, determinism,
the destructive-change gate, never overwriting, release mapping and sync checks."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from planner.revisions import (
    DestructiveRefused,
    RevisionError,
    check_sync,
    generate,
    read_provenance,
    release_revisions,
)
from planner.state.model import Column, PrimaryKey, RowSet, Snapshot, Table, Unique
from planner.state.model import FrozenMap as Row
from planner.state.yamlio import dump_snapshot
from tests.revisions.conftest import ROOT, make_project
from tests.revisions.test_render import imported_modules


def units(release: str, *extra: Column, rows=("kWh",), drop_name=False) -> Snapshot:
    cols = [Column(name="id", type="Integer", nullable=False)]
    if not drop_name:
        cols.append(Column(name="name", type="String(80)", nullable=False))
    cols.extend(extra)
    rs = (
        RowSet(key=("name",), rows=tuple(Row({"name": r}) for r in rows)) if not drop_name else None
    )
    uq = () if drop_name else (Unique(name="uq_units_name", columns=("name",)),)  # backs the key
    t = Table(
        name="units",
        columns=tuple(cols),
        primary_key=PrimaryKey(columns=("id",)),
        uniques=uq,
        rows=rs,
    )
    return Snapshot(release=release, tables=(t,))


S1 = units("0.1.0")
S2 = units("0.2.0", Column(name="note", type="Text"), rows=("kWh", "W"))
S3 = units("0.3.0", Column(name="note", type="Text"), drop_name=True)  # drops a column: destructive


def versions(project) -> list[str]:
    return sorted(
        p.name for p in (project.migrations_dir / "versions").iterdir() if p.suffix == ".py"
    )


def test_chain_down_revisions_and_provenance(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    r1 = generate(project, "empty", "0.1.0")
    r2 = generate(project, "0.1.0", "0.2.0", message="add note")
    assert r1.down_revision is None and r2.down_revision == r1.revision
    assert (
        r1.path.name == f"{r1.revision}_0_1_0.py" and r2.path.name == f"{r2.revision}_add_note.py"
    )
    p2 = read_provenance(r2.path)
    assert (p2.from_release, p2.to_release, p2.revision, p2.down_revision) == (
        "0.1.0",
        "0.2.0",
        r2.revision,
        r1.revision,
    )
    import hashlib

    assert p2.to_sha256 == hashlib.sha256(dump_snapshot(S2).encode()).hexdigest()
    assert release_revisions(project) == {"0.1.0": r1.revision, "0.2.0": r2.revision}
    assert check_sync(project) == []
    text = r2.path.read_text(encoding="utf-8")
    compile(text, str(r2.path), "exec")
    assert imported_modules(text) <= {"alembic", "sqlalchemy", "typing", "sqlalchemy.dialects"}
    # nothing left behind by the atomic writer
    assert [p.name for p in project.migrations_dir.iterdir() if p.name.startswith(".dbplan")] == []


def test_same_snapshots_give_identical_bytes(tmp_path):
    files = []
    for name in ("a", "b"):
        project = make_project(tmp_path / name, [S1, S2])
        generate(project, "empty", "0.1.0")
        files.append(generate(project, "0.1.0", "0.2.0").path)
    assert files[0].name == files[1].name
    assert files[0].read_bytes() == files[1].read_bytes()


def test_create_date_in_template_is_fixed(tmp_path):
    template = (ROOT / "migrations" / "script.py.mako").read_text(encoding="utf-8")
    template = template.replace(
        "Revises: ${down_revision | comma,n}",
        "Revises: ${down_revision | comma,n}\nCreate Date: ${create_date}",
    )
    outs = []
    for name in ("a", "b"):
        project = make_project(tmp_path / name, [S1], template=template)
        outs.append(generate(project, "empty", "0.1.0").path.read_bytes())
    assert outs[0] == outs[1] and b"Create Date: 1970-01-01 00:00:00+00:00" in outs[0]


def test_any_template_without_imports_or_docstring(tmp_path):
    template = (
        "from alembic import op\nimport sqlalchemy as sa\n"
        "revision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n"
        "branch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n    ${upgrades if upgrades else 'pass'}\n\n"
        "def downgrade():\n    ${downgrades if downgrades else 'pass'}\n"
    )
    project = make_project(tmp_path / "p", [S1, S2], template=template)
    generate(project, "empty", "0.1.0")
    r = generate(project, "0.1.0", "0.2.0", message='quotes " and \\ and """ and \n newline')
    compile(r.path.read_text(encoding="utf-8"), str(r.path), "exec")
    assert release_revisions(project)["0.2.0"] == r.revision


def test_message_with_quotes_keeps_the_docstring_valid(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    r = generate(project, "empty", "0.1.0", message='say """hi""" \\ end"')
    compile(r.path.read_text(encoding="utf-8"), str(r.path), "exec")


def test_destructive_upgrade_is_refused_and_nothing_written(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2, S3])
    generate(project, "empty", "0.1.0")
    generate(project, "0.1.0", "0.2.0")
    before = versions(project)
    with pytest.raises(DestructiveRefused) as e:
        generate(project, "0.2.0", "0.3.0")
    assert "Drop column units.name" in str(e.value) and "--allow-destructive" in str(e.value)
    assert versions(project) == before
    r = generate(project, "0.2.0", "0.3.0", allow_destructive=True)
    assert r.path.name in versions(project)


def test_existing_revision_is_never_overwritten(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    r = generate(project, "empty", "0.1.0")
    r.path.write_text(r.path.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    edited = r.path.read_bytes()
    with pytest.raises(RevisionError, match="exists already"):
        generate(project, "empty", "0.1.0")
    assert r.path.read_bytes() == edited


def test_existing_file_name_is_never_overwritten(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    (project.root / "alembic.ini").write_text(
        "[alembic]\nfile_template = %%(slug)s\n", encoding="utf-8"
    )
    first = generate(project, "empty", "0.1.0", message="same")
    data = first.path.read_bytes()
    with pytest.raises(RevisionError, match="exists already"):
        generate(project, "empty", "0.1.0", message="same", rev_id="other")
    assert first.path.read_bytes() == data and first.path.name == "same.py"


def test_from_release_needs_a_revision(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    with pytest.raises(RevisionError, match="0.1.0 has no revision"):
        generate(project, "0.1.0", "0.2.0")


def test_check_sync_findings(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2, S3])
    r1 = generate(project, "empty", "0.1.0")
    assert check_sync(project) == [
        "schema_state/0.2.0.yaml: release 0.2.0 has no revision (dbplan generate 0.1.0 0.2.0)",
        "schema_state/0.3.0.yaml: release 0.3.0 has no revision (dbplan generate 0.2.0 0.3.0)",
    ]
    r2 = generate(project, "0.1.0", "0.2.0")
    generate(project, "0.2.0", "0.3.0", allow_destructive=True)
    assert check_sync(project) == []
    # a snapshot edited after its revision was written
    changed = dataclasses.replace(S2, tables=(dataclasses.replace(S2.tables[0], comment="edited"),))
    project.snapshot_path("0.2.0").write_text(dump_snapshot(changed), encoding="utf-8")
    findings = check_sync(project)
    assert len(findings) == 2
    assert findings[0].startswith(
        f"migrations/versions/{r2.path.name}: schema_state/0.2.0.yaml changed after"
    )
    assert (
        "migrations/versions/" in findings[1]
        and "_0_3_0.py: schema_state/0.2.0.yaml changed" in findings[1]
    )
    # a revision chain out of release order: 0.1.0 -> 0.3.0 skips 0.2.0
    project.snapshot_path("0.2.0").write_text(dump_snapshot(S2), encoding="utf-8")
    skip = generate(project, "0.1.0", "0.3.0", allow_destructive=True, rev_id="skipper")
    findings = check_sync(project)
    assert (
        f"migrations/versions/{skip.path.name}: goes from 0.1.0 to 0.3.0, skipping 0.2.0"
        in findings
    )
    assert any(f.startswith("release 0.3.0 is produced by 2 revisions") for f in findings)
    assert r1.revision == release_revisions(project)["0.1.0"]


def _dbplan(project, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(project.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_generate_exit_codes(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2, S3])
    res = _dbplan(project, "generate", "empty", "0.1.0")
    assert res.returncode == 0, res.stderr
    assert "wrote migrations/versions/" in res.stdout and "empty -> 0.1.0" in res.stdout
    assert _dbplan(project, "generate", "0.1.0", "0.2.0").returncode == 0
    before = versions(project)
    res = _dbplan(project, "generate")  # the two newest: 0.2.0 -> 0.3.0 drops a column
    assert res.returncode == 4, res.stderr
    assert "Drop column units.name" in res.stderr and versions(project) == before
    res = _dbplan(project, "generate", "0.2.0", "0.3.0")
    assert res.returncode == 4
    res = _dbplan(project, "generate", "--allow-destructive")
    assert res.returncode == 0, res.stderr
    res = _dbplan(project, "generate", "--allow-destructive")
    assert res.returncode == 1 and "exists already" in res.stderr
