"""The world the docstring examples of ``planner/`` run in (``make doctest``).

Every example runs in a fresh copy of a small real project, never in the checkout:

- ``.`` is a dbplan project with releases 0.1.0 and 0.2.0 (the reference project's first
  two snapshots) and their revisions ``a1`` and ``b2``; ``app.sqlite`` is at ``b2``;
- ``legacy/`` is a plain Alembic project (``alembic.ini``, ``alembic/``, one hand-written
  revision ``ae1027a6acf``) whose database ``legacy/legacy.sqlite`` is at its head;
- ``adopted/`` is the same project after ``dbplan init --adopt`` (release 1.0.0).

The examples see ``project`` (the project at ``.``), ``load_project`` and ``Path``.
Tests under ``tests/`` are not affected: the fixture acts on doctest items only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

LEGACY_REVISION = '''"""create accounts

Revision ID: ae1027a6acf
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "ae1027a6acf"
down_revision = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
    )


def downgrade():
    op.drop_table("accounts")
'''


def _dbplan(cwd: Path, *args: str) -> None:
    env = {**os.environ, "DBPLAN_CACHE_DIR": str(cwd.parent / ".cache")}
    env.pop("SQLALCHEMY_DATABASE_URI", None)
    done = subprocess.run(
        [sys.executable, "-m", "planner", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"dbplan {' '.join(args)}: {done.stdout}{done.stderr}"


def _alembic(cwd: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", *args], cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode == 0, f"alembic {' '.join(args)}: {done.stdout}{done.stderr}"


def _legacy(root: Path) -> None:
    root.mkdir()
    _alembic(root, "init", "alembic")
    ini = root / "alembic.ini"
    text = ini.read_text(encoding="utf-8")
    text = text.replace(
        "sqlalchemy.url = driver://user:pass@localhost/dbname",
        "sqlalchemy.url = sqlite:///%(here)s/legacy.sqlite",
    )
    ini.write_text(text, encoding="utf-8")
    (root / "alembic" / "versions" / "ae1027a6acf_create_accounts.py").write_text(
        LEGACY_REVISION, encoding="utf-8"
    )
    _alembic(root, "upgrade", "head")


@pytest.fixture(scope="session")
def _doctest_world(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("doctest-world")
    world = base / "project"
    _dbplan(base, "init", "project")
    for release in ("0.1.0", "0.2.0"):
        shutil.copy(ROOT / "schema_state" / f"{release}.yaml", world / "schema_state")
    _dbplan(world, "generate", "empty", "0.1.0", "--rev-id", "a1")
    _dbplan(world, "generate", "0.1.0", "0.2.0", "--rev-id", "b2", "--allow-destructive")
    _dbplan(world, "upgrade", "--url", "sqlite:///app.sqlite")
    _legacy(world / "legacy")
    shutil.copytree(world / "legacy", world / "adopted")
    _dbplan(
        world,
        "init",
        "adopted",
        "--adopt",
        "--from-db",
        f"sqlite:///{world / 'adopted' / 'legacy.sqlite'}",
        "--release",
        "1.0.0",
    )
    return world


@pytest.fixture(autouse=True)
def _doctest_in_a_copy(request, tmp_path, monkeypatch):
    """Doctest items run inside a fresh copy of the world; other tests are left alone."""
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    world = request.getfixturevalue("_doctest_world")
    here = tmp_path / "project"
    shutil.copytree(world, here, symlinks=True)
    monkeypatch.chdir(here)
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(tmp_path / ".cache"))
    from planner.project import load_project

    namespace = request.getfixturevalue("doctest_namespace")
    namespace.update(project=load_project("."), load_project=load_project, Path=Path)
    yield
