"""One load session: everything loading keeps between files, and every switch it reads.

A command creates one :class:`LoadSession` (``planner.cli`` does, per invocation) and
passes it to :func:`~planner.state.files.load_snapshot` and
:func:`~planner.state.prefetch.prefetch`; a library caller that passes none gets
:func:`default_session`. The session holds:

- the snapshots loaded ahead by :func:`~planner.state.prefetch.prefetch` in this process,
  each handed out once (by cache key);
- the cyclic-collector policy: loading allocates hundreds of thousands of small objects
  and no cycles, so the collector is paused while loading (it would rescan them over and
  over, two-thirds of the time on big files) and, for a command's long-lived snapshots,
  they are frozen out of its reach afterwards (:meth:`LoadSession.paused_gc`);
- ``DBPLAN_JOBS``: how many processes prefetching may fork (:attr:`LoadSession.jobs`).

The content-hash cache itself (``DBPLAN_CACHE``, ``DBPLAN_CACHE_DIR``) is
:mod:`planner.state.cache`; nothing else in :mod:`planner.state` keeps state between loads.

Example:
    >>> session = LoadSession(jobs=1)
    >>> with session.paused_gc():
    ...     session.jobs
    1
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.state.model import Snapshot

__all__ = ["LoadSession", "default_session", "jobs_from_environment", "use_session"]


def jobs_from_environment(environ: Mapping[str, str] | None = None) -> int:
    """``DBPLAN_JOBS`` if set to a number, else the cores this process may run on.

    Example:
        >>> jobs_from_environment({"DBPLAN_JOBS": "3"})
        3
    """
    env = os.environ if environ is None else environ
    raw = env.get("DBPLAN_JOBS", "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            pass
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class LoadSession:
    """The state and switches of loading snapshots for one command (module docstring).

    Args:
        jobs: processes prefetching may use; None reads ``DBPLAN_JOBS`` when asked.
        targets: the project's target dialect names (``[tool.dbplan] dialects``):
            validation checks only their limits; None checks every dialect's.
        targets_from: a function giving ``targets``, called on first use instead.
    """

    __slots__ = ("_jobs", "_held", "_targets", "_targets_from")

    def __init__(
        self,
        *,
        jobs: int | None = None,
        targets: tuple[str, ...] | None = None,
        targets_from: Callable[[], tuple[str, ...] | None] | None = None,
    ):
        self._jobs = jobs
        self._held: dict[str, Snapshot] = {}
        self._targets = tuple(sorted(targets)) if targets is not None else None
        #: asked once, on first use (the CLI's project is read only when a command needs it)
        self._targets_from = targets_from

    @property
    def targets(self) -> tuple[str, ...] | None:
        """The target dialect names whose limits validation checks (None: every dialect)."""
        if self._targets_from is not None:
            found, self._targets_from = self._targets_from(), None
            self._targets = tuple(sorted(found)) if found is not None else None
        return self._targets

    @property
    def jobs(self) -> int:
        """Processes :func:`~planner.state.prefetch.prefetch` may use (at least 1)."""
        return self._jobs if self._jobs is not None else jobs_from_environment()

    def hold(self, key: str, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` (loaded ahead) for the next :meth:`take` of cache key ``key``."""
        self._held[key] = snapshot

    def holds(self, key: str) -> bool:
        """Whether a snapshot of cache key ``key`` is held."""
        return key in self._held

    def take(self, key: str) -> Snapshot | None:
        """The held snapshot of ``key``, handed out once; None when none is held."""
        return self._held.pop(key, None)

    @contextlib.contextmanager
    def paused_gc(self, *, freeze: bool = False) -> Iterator[None]:
        """Pause the cyclic collector inside the block; ``freeze``: afterwards, move every
        object alive into the permanent generation (a command's long-lived snapshots)."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if freeze:
                gc.freeze()
            if enabled:
                gc.enable()


_DEFAULT: LoadSession | None = None


def default_session() -> LoadSession:
    """The session of callers that pass none (one per process).

    Example:
        >>> default_session() is default_session()
        True
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LoadSession()
    return _DEFAULT


def use_session(session: LoadSession) -> None:
    """Make ``session`` the one :func:`default_session` gives: the CLI installs its
    command's session, so every load of that command (plan, generate, verify …) checks the
    project's target dialects.

    Example:
        >>> mine = LoadSession(targets=("sqlite",))
        >>> use_session(mine); default_session() is mine
        True
        >>> use_session(LoadSession())
    """
    global _DEFAULT
    _DEFAULT = session
