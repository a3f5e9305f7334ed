"""The reference project's migrations/versions/: written by dbplan, in sync, reproducible."""

from __future__ import annotations

import shutil

import pytest

from planner.project import load_project
from planner.revisions import check_sync, generate, read_provenance
from tests.revisions.conftest import ROOT

PROJECT = load_project(ROOT)
FILES = sorted(
    p for p in (ROOT / "migrations" / "versions").glob("*.py") if read_provenance(p) is not None
)

pytestmark = pytest.mark.skipif(
    not FILES, reason="no generated revisions in migrations/versions yet"
)


def test_reference_revisions_in_sync_with_snapshots():
    assert check_sync(PROJECT) == []


def test_reference_revisions_regenerate_byte_for_byte(tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(ROOT / "schema_state", root / "schema_state")
    (root / "migrations" / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        shutil.copy2(ROOT / "migrations" / name, root / "migrations" / name)
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    project = load_project(root)
    provs = sorted(
        (read_provenance(p) for p in FILES), key=lambda p: project.releases().index(p.to_release)
    )
    for prov in provs:
        written = generate(
            project,
            prov.from_release,
            prov.to_release,
            message=_message(prov.path),
            rev_id=prov.revision,
            allow_destructive=True,
        )
        assert written.path.name == prov.path.name
        assert written.path.read_bytes() == prov.path.read_bytes(), (
            f"{prov.path.name} differs when regenerated"
        )


def _message(path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split('"""', 2)[1].splitlines()[0]
