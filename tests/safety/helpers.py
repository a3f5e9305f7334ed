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


def reference_project(root: Path) -> Path:
    """A copy of the reference project: its snapshots and committed revisions."""
    import shutil

    new_project(root, files=REFERENCE)
    for f in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        shutil.copy2(f, root / "migrations" / "versions" / f.name)
    return root


def revision_file(root: Path, release: str) -> Path:
    """The revision file of ``release`` (from its ``# dbplan: ... to=<release>`` provenance)."""
    for f in sorted((root / "migrations" / "versions").glob("*.py")):
        if f"to={release}\n" in f.read_text(encoding="utf-8"):
            return f
    raise AssertionError(f"no revision of {release} under {root}")


def inject_failure(path: Path, sql: str = "SELECT * FROM dbplan_no_such_table") -> None:
    """Make the upgrade of ``path`` fail after all of its operations ran."""
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition("\ndef downgrade")
    assert sep, path
    path.write_text(
        head.rstrip("\n") + f"\n    op.execute({sql!r})\n\n" + sep + tail, encoding="utf-8"
    )


def snapshot_of(release: str):
    from planner.state.yamlio import load_snapshot

    return load_snapshot(ROOT / "schema_state" / f"{release}.yaml")


def database_equals(url: str, snapshot) -> bool:
    from planner.state.capture import capture_for, normalise_for

    return capture_for(url, snapshot) == normalise_for(
        snapshot, sa.engine.make_url(url).get_backend_name()
    )
