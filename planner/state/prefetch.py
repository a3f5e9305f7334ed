"""Loading several big snapshot files side by side, one process per core.

A command that needs two or more big snapshots the cache (:mod:`planner.state.cache`)
does not hold yet (``dbplan plan`` of a new release, ``generate``, ``check``) would
parse them one after another on one core. :func:`prefetch` forks a child process per
other core; each child loads its share of the files with the ordinary loader, which
leaves every snapshot that loads cleanly in the cache, says so through a pipe and exits
(the parent goes on at once, not waiting for the kernel to free the child's memory; it
reaps the child later, at the next prefetch or at exit). The parent loads its
own share meanwhile and keeps those snapshots in the load session
(:meth:`~planner.state.session.LoadSession.hold`). The
command then loads every file as before, in its own order: the snapshots come from
memory or from the cache.

Nothing else changes. A child never reports anything (its output goes to /dev/null):
a file that does not load cleanly is not cached, so the command's own load of it runs
the reference loader in the parent and reports every problem with file:line:column,
in the same order as without prefetching. A child that dies or cannot write the cache
only costs the time of loading that file again.

Prefetching happens only where it is safe and useful: ``os.fork`` exists, the process
runs no other thread (a child of a threaded process may inherit a held lock), the cache
is on, two or more files are big enough to be cached and missing from it, and more than
one core is available. ``DBPLAN_JOBS=1`` turns it off; ``DBPLAN_JOBS=N`` uses at most N
processes (default: the cores this process may run on); the session reads it
(:attr:`~planner.state.session.LoadSession.jobs`).
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from planner.state import cache as _cache
from planner.state.files import expected_stem, load_snapshot
from planner.state.model import Snapshot
from planner.state.reader import MAX_BYTES
from planner.state.session import LoadSession, default_session, jobs_from_environment

#: smaller files are loaded by the process itself: a child would not win back its cost
PARALLEL_MIN_BYTES = 256 * 1024

__all__ = ["jobs", "prefetch"]


def jobs() -> int:
    """How many processes :func:`prefetch` may use: ``DBPLAN_JOBS``, else the usable cores.

    Example:
        >>> jobs() >= 1
        True
    """
    return jobs_from_environment()


def prefetch(
    paths: Iterable[str | os.PathLike],
    *,
    expected_release: str | None | bool = True,
    validate: bool = True,
    derive: Callable[[Snapshot], Any] | None = None,
    session: LoadSession | None = None,
) -> int:
    """Load the big, uncached snapshot files among ``paths`` side by side (module docstring).

    ``expected_release`` and ``validate`` must be what the caller then passes to
    :func:`~planner.state.yamlio.load_snapshot` (they are part of the cache key).
    ``derive``: the children also call it on each snapshot they load, for a value it
    caches itself (``dbplan generate`` passes the canonical sha256 its revision records,
    which :func:`planner.state.cache.memo` keeps under the snapshot's key).
    ``session``: the command's load session; the snapshots of the parent's own share are
    held there for the command's :func:`~planner.state.files.load_snapshot`.
    Returns how many files were handed to child processes (0: nothing was done in parallel).

    Example:
        >>> files = project.snapshot_files()
        >>> prefetch([files["0.1.0"], files["0.2.0"]]) in (0, 1, 2)  # 0 on one core
        True
    """
    session = session or default_session()
    n = session.jobs
    if n < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return 0
    if _cache.cache_dir() is None:
        return 0
    todo: list[tuple[int, Path, str]] = []
    seen: set[str] = set()
    for raw in paths:
        p = Path(raw)
        try:
            size = p.stat().st_size
            if not PARALLEL_MIN_BYTES <= size <= MAX_BYTES:
                continue
            data = p.read_bytes()
        except OSError:
            continue
        expected = expected_stem(p, expected_release)
        key = _cache.cache_key(
            data, expected_release=expected, validate=validate, targets=session.targets
        )
        if key in seen or session.holds(key) or _cache.has(key):
            continue
        seen.add(key)
        todo.append((len(data), p, key))
    if len(todo) < 2:
        return 0
    _reap_exiting(block=False)
    # largest first, each to the least loaded process; the parent takes share 0
    shares: list[list[tuple[Path, str]]] = [[] for _ in range(min(n, len(todo)))]
    loads = [0] * len(shares)
    for size, p, key in sorted(todo, key=lambda t: (-t[0], str(t[1]))):
        i = loads.index(min(loads))
        shares[i].append((p, key))
        loads[i] += size
    kw = {"expected_release": expected_release, "validate": validate, "session": session}
    children: list[tuple[int, int]] = []  # (pid, the read end of its "done" pipe)
    handed = 0
    try:
        for share in shares[1:]:
            done_r, done_w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
                os.close(done_r)
                _child(share, kw, derive=derive, done=done_w)
            os.close(done_w)
            children.append((pid, done_r))
            handed += len(share)
        _load_share(shares[0], kw, hold=True, derive=None)
        for _, done_r in children:
            # the child's entries are written once it says so (or it is gone: EOF); its
            # exit (the kernel freeing its memory) is not waited for here
            _wait_readable(done_r)
    except BaseException:  # interrupted: the children's work is not wanted any more
        for pid, _ in children:
            _kill(pid)
        for pid, _ in children:
            _reap(pid, block=True)
        raise
    finally:
        for _, done_r in children:
            os.close(done_r)
    for pid, _ in children:
        if not _reap(pid, block=False):
            _EXITING.append(pid)
    return handed


#: children that had handed over their files but not exited yet: reaped at the next
#: prefetch or when the process exits
_EXITING: list[int] = []


def _wait_readable(fd: int) -> None:
    while True:
        try:
            os.read(fd, 1)
            return
        except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
            continue


def _reap(pid: int, *, block: bool) -> bool:
    """Collect the exit status of child ``pid``; False when it is still running."""
    try:
        done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:  # pragma: no cover - reaped elsewhere
        return True
    return done != 0


def _reap_exiting(*, block: bool) -> None:
    _EXITING[:] = [pid for pid in _EXITING if not _reap(pid, block=block)]


atexit.register(_reap_exiting, block=True)


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # pragma: no cover - already gone
        pass


def _load_share(
    share: list[tuple[Path, str]],
    kw: dict,
    *,
    hold: bool,
    derive: Callable[[Snapshot], Any] | None,
) -> None:
    session: LoadSession = kw["session"]
    with session.paused_gc(freeze=hold):  # kept for the command: frozen out of gc's reach
        for path, key in share:
            try:
                snapshot = load_snapshot(path, **kw)
            except Exception:  # noqa: BLE001 - the command's own load reports it
                continue
            if hold:
                session.hold(key, snapshot)
            elif derive is not None:
                derive(snapshot)


def _child(  # pragma: no cover - forked
    share: list[tuple[Path, str]],
    kw: dict,
    *,
    derive: Callable[[Snapshot], Any] | None,
    done: int,
) -> None:
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        _load_share(share, kw, hold=False, derive=derive)
        os.write(done, b"1")  # handed over: the parent goes on while this process exits
    except BaseException:  # noqa: BLE001 - an interrupted child only costs time
        code = 1
    finally:
        os._exit(code)
