"""Loading several big snapshot files side by side, one process per core.

A command that needs two or more big snapshots the cache (:mod:`planner.state.cache`)
does not hold yet (``dbplan plan`` of a new release, ``generate``, ``check``) would
parse them one after another on one core. :func:`prefetch` forks a child process per
other core; each child loads its share of the files with the ordinary loader and hands
every snapshot that loads cleanly to the parent through a pipe, in the encoding the
cache stores, then exits (the parent goes on at once, not waiting for the kernel to free
the child's memory; it reaps the child later, at the next prefetch or at exit). The
parent loads its own share meanwhile, then decodes what the children hand over (with the
cache's own reader) and keeps every snapshot in the load session
(:meth:`~planner.state.session.LoadSession.hold`), writing the cache entries of the
children's files itself. The command then loads every file as before, in its own order:
the snapshots come from memory or from the cache.

A child leaves out one check: its file's SQL fragments (:func:`planner.sqlexpr.check_snapshot`,
which imports sqlglot, about 0.1 s). The parent checks them when it takes the snapshot
over, where sqlglot is loaded already and the verdicts of the fragments its own file has
too are remembered; a snapshot with a refused fragment is neither held nor cached.
The pipe is the parent's own, written by its own child only (docs/safety.md: nothing a
second party can write is decoded).

Nothing else changes. A child never reports anything (its output goes to /dev/null):
a file that does not load cleanly is not handed over, so the command's own load of it
runs the reference loader in the parent and reports every problem with file:line:column,
in the same order as without prefetching. A child that dies only costs the time of
loading its files again. With ``derive`` (``dbplan generate``), a child loads its files
in full and caches them itself, as the derived values it caches belong to them.

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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from planner.state import cache as _cache
from planner.state.files import expected_stem, load_snapshot
from planner.state.model import Snapshot
from planner.state.reader import MAX_BYTES
from planner.state.session import LoadSession, default_session, jobs_from_environment
from planner.state.shape import load_with_source_map

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
    children: list[tuple[int, int, set[str]]] = []  # (pid, its pipe's read end, its keys)
    handed = 0
    try:
        for share in shares[1:]:
            pipe_r, pipe_w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
                os.close(pipe_r)
                _child(share, kw, derive=derive, pipe=pipe_w)
            os.close(pipe_w)
            children.append((pid, pipe_r, {key for _, key in share}))
            handed += len(share)
        _load_share(shares[0], kw, hold=True, derive=None)
        with session.paused_gc(freeze=True):  # kept for the command, as the parent's own
            for _, pipe_r, keys in children:
                # what the child hands over (it exits meanwhile: not waited for here)
                for key, payload in _receive(pipe_r, keys):
                    _take_over(key, payload, session, validate=validate)
    except BaseException:  # interrupted: the children's work is not wanted any more
        for pid, _, _ in children:
            _kill(pid)
        for pid, _, _ in children:
            _reap(pid, block=True)
        raise
    finally:
        for _, pipe_r, _ in children:
            os.close(pipe_r)
    for pid, _, _ in children:
        if not _reap(pid, block=False):
            _EXITING.append(pid)
    return handed


#: children that had handed over their files but not exited yet: reaped at the next
#: prefetch or when the process exits
_EXITING: list[int] = []
#: a hand-over frame: the cache key (64 hex digits), then the payload's size (8 bytes)
_HEAD = 72
_END = b"\0" * _HEAD


def _take_over(key: str, payload: bytes, session: LoadSession, *, validate: bool) -> None:
    """Hold the snapshot a child handed over, and cache it, once its SQL fragments (the
    one check the child left out) are found clean; else leave it to the command's load,
    which reports every problem."""
    snapshot = _cache.decode(payload)
    if snapshot is None:
        return
    if validate:
        from planner import sqlexpr

        refused: list = []
        # mostly the texts of the parent's own snapshot: remembered (sqlexpr.refusal)
        sqlexpr.check_snapshot(snapshot, lambda *a, **k: refused.append(a))
        if refused:
            return
    _cache.put_encoded(key, payload)
    session.hold(key, snapshot)


def _receive(fd: int, keys: set[str]) -> Iterator[tuple[str, bytes]]:
    """The frames a child writes to ``fd`` (:func:`_send`), until its end frame; a child
    that died (a short read) ends the frames, its last one unused."""
    while True:
        head = _read_exact(fd, _HEAD)
        if len(head) != _HEAD or head == _END:
            return
        key, size = head[:64].decode("ascii", "replace"), int.from_bytes(head[64:], "big")
        if key not in keys or size > 8 * MAX_BYTES:  # pragma: no cover - not our child's
            return
        payload = _read_exact(fd, size)
        if len(payload) != size:
            return
        yield key, payload


def _read_exact(fd: int, n: int) -> bytes:
    parts, left = [], n
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


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


def _hand_over(share: list[tuple[Path, str]], kw: dict, out) -> None:  # pragma: no cover
    """The child's share, loaded without the check of its SQL fragments (sqlglot's import
    and parse: the parent checks them, mostly already remembered from its own file) and
    written to the parent: the encoding the cache stores, which the parent caches."""
    session: LoadSession = kw["session"]
    with session.paused_gc():
        for path, key in share:
            try:
                data = path.read_bytes()
                expected = expected_stem(path, kw["expected_release"])
                if key != _cache.cache_key(
                    data,
                    expected_release=expected,
                    validate=kw["validate"],
                    targets=session.targets,
                ):
                    continue  # changed meanwhile
                snapshot, _ = load_with_source_map(
                    data,
                    str(path),
                    expected_release=expected,
                    validate=kw["validate"],
                    session=session,
                    fragments=False,
                )
            except Exception:  # noqa: BLE001 - the command's own load reports it
                continue
            payload = _cache.encode(snapshot)
            out.write(key.encode("ascii") + len(payload).to_bytes(_HEAD - 64, "big"))
            out.write(payload)


def _child(  # pragma: no cover - forked
    share: list[tuple[Path, str]],
    kw: dict,
    *,
    derive: Callable[[Snapshot], Any] | None,
    pipe: int,
) -> None:
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        with os.fdopen(pipe, "wb") as out:
            if derive is None:
                _hand_over(share, kw, out)
            else:  # the derived values are cached here: the snapshots too, checked in full
                _load_share(share, kw, hold=False, derive=derive)
            out.write(_END)  # handed over: the parent goes on while this process exits
    except BaseException:  # noqa: BLE001 - an interrupted child only costs time
        code = 1
    finally:
        os._exit(code)
