"""Helpers of the safety tests: temporary projects driven through the ``dbplan`` executable.

Everything goes through the real command line (``dbplan generate``, ``dbplan upgrade``,
``dbplan downgrade``) in subprocesses, on real databases.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
DBPLAN = str(Path(sys.executable).parent / "dbplan")
REFERENCE = sorted((ROOT / "schema_state").glob("*.yaml"))


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "SQLALCHEMY_DATABASE_URI"}
    e.update(extra)
    return e


def dbplan(project: Path, *args: str, check: bool = True, timeout: float = 300, **extra: str):
    """Run ``dbplan -C project ARGS`` in a subprocess; CompletedProcess (text)."""
    r = subprocess.run(
        [DBPLAN, "-C", str(project), *args],
        cwd=project,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and r.returncode != 0:
        raise AssertionError(
            f"dbplan {' '.join(args)} exited {r.returncode}:\n{r.stdout}\n{r.stderr}"
        )
    return r


def new_project(root: Path, snapshots=(), *, files=()) -> Path:
    """A project at ``root`` with ``snapshots`` (models) and/or snapshot ``files`` copied in."""
    from tests.revisions.conftest import make_project

    make_project(root, snapshots)
    for f in files:
        (root / "schema_state" / Path(f).name).write_bytes(Path(f).read_bytes())
    return root


def generate_chain(
    project: Path, releases: list[str], *, allow_destructive: bool = True
) -> list[str]:
    """``dbplan generate`` for each consecutive pair from ``empty``; the revision ids."""
    revs = []
    previous = "empty"
    for rel in releases:
        args = ["generate", previous, rel]
        if allow_destructive:
            args.append("--allow-destructive")
        out = dbplan(project, *args).stdout
        revs.append(out.split(": revision ", 1)[1].split()[0])
        previous = rel
    return revs


def engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def version_of(url: str) -> tuple[str, ...]:
    eng = engine(url)
    try:
        with eng.connect() as c:
            if not sa.inspect(c).has_table("alembic_version"):
                return ()
            return tuple(
                sorted(r for (r,) in c.execute(sa.text("SELECT version_num FROM alembic_version")))
            )
    finally:
        eng.dispose()


def project_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except caches and the SQLite database, path -> bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and "__pycache__" not in p.parts
        and not p.name.endswith((".sqlite", ".sqlite-journal"))
    }
