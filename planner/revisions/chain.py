"""The revision chain as ``generate`` and ``check`` see it: every revision file (dbplan's
and hand-written ones), its parents, heads and descendants; and the lock that keeps two
``generate`` runs from writing revisions at once.

The graph is read from the files' text (:func:`~planner.revisions.provenance.module_ids`,
never imported); a file whose ids are not plain literals is read through Alembic.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.revisions.write import RevisionError, revision_files

if TYPE_CHECKING:
    from collections.abc import Iterable

    from planner.project import Project

LOCK_NAME = ".dbplan-generate.lock"
#: seconds a ``generate`` waits for another one holding the lock
LOCK_TIMEOUT = float(os.environ.get("DBPLAN_GENERATE_LOCK_TIMEOUT", "60"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    revision: str
    parents: tuple[str, ...]
    path: Path | None


def revision_graph(project: Project, *, strict: bool = True) -> dict[str, Node]:
    """``{revision: Node}`` of every revision file of the project.

    A file whose ids are not plain literals is read through Alembic (which imports every
    revision); when that fails, ``strict`` raises RevisionError, else such files are left
    out (``dbplan check`` never fails on a revision it cannot import).

    Example:
        >>> sorted(revision_graph(project))
        ['a1', 'b2']
    """
    from planner.revisions.provenance import module_ids_cached

    out: dict[str, Node] = {}
    unreadable = False
    for path in revision_files(project):
        try:
            ids = module_ids_cached(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            ids = None
        if ids is None:
            unreadable = True
            continue
        rev = ids["revision"]
        assert isinstance(rev, str)
        out[rev] = Node(revision=rev, parents=_as_tuple(ids["down_revision"]), path=path)
    if unreadable:
        try:
            out.update(_from_alembic(project))
        except RevisionError:
            if strict:
                raise
    return out


def _from_alembic(project: Project) -> dict[str, Node]:
    from alembic.util import CommandError

    from planner.revisions.write import _script_directory

    try:
        scripts = list(_script_directory(project).walk_revisions())
    except (CommandError, RevisionError, Exception) as e:  # noqa: BLE001 - any import error
        raise RevisionError(f"cannot read the revisions of the project: {e}") from e
    return {
        sc.revision: Node(revision=sc.revision, parents=_as_tuple(sc.down_revision), path=None)
        for sc in scripts
    }


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def heads(graph: dict[str, Node]) -> list[str]:
    """Revisions no other revision revises, sorted.

    Example:
        >>> heads({"a": Node(revision="a", parents=(), path=None)})
        ['a']
    """
    parents = {p for n in graph.values() for p in n.parents}
    return sorted(r for r in graph if r not in parents)


def children(graph: dict[str, Node], revision: str) -> list[str]:
    """Revisions that revise ``revision``, sorted."""
    return sorted(r for r, n in graph.items() if revision in n.parents)


def ancestors(graph: dict[str, Node], revisions: Iterable[str]) -> set[str]:
    """``revisions`` and everything below them (unknown ids are kept as they are)."""
    seen: set[str] = set()
    todo = list(revisions)
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        node = graph.get(rev)
        if node is not None:
            todo.extend(node.parents)
    return seen


class GenerateLock:
    """An exclusive lock file (``O_CREAT | O_EXCL``) in the versions directory, held while
    ``generate`` reads the chain and writes its revision.

    A second run waits for it (up to :data:`LOCK_TIMEOUT` seconds, then fails naming the
    holder). A lock left by a process that is gone (same host, pid not running) is taken
    over.
    """

    def __init__(self, directory: Path, *, timeout: float | None = None):
        self.path = directory / LOCK_NAME
        self.timeout = LOCK_TIMEOUT if timeout is None else timeout
        self._held = False

    def __enter__(self) -> GenerateLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = f"{os.getpid()} {socket.gethostname()}\n".encode()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder is not None and self._gone(holder):
                    self._break(holder)
                    continue
                if time.monotonic() >= deadline:
                    who = f"pid {holder[0]} on {holder[1]}" if holder else "an unknown process"
                    raise RevisionError(
                        f"{self.path}: another `dbplan generate` ({who}) is writing a revision; "
                        f"waited {self.timeout:g} s. Run again when it is done, or delete the "
                        "lock file if that process is gone"
                    ) from None
                time.sleep(0.05)
                continue
            try:
                os.write(fd, me)
            finally:
                os.close(fd)
            self._held = True
            return self

    def __exit__(self, *exc: object) -> None:
        if self._held:
            self._held = False
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass

    def _holder(self) -> tuple[int, str] | None:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit():
            return None
        return int(parts[0]), parts[1]

    @staticmethod
    def _gone(holder: tuple[int, str]) -> bool:
        pid, host = holder
        if host != socket.gethostname():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def _break(self, holder: tuple[int, str]) -> None:
        """Remove a stale lock, only if it still names ``holder``."""
        if self._holder() == holder:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
