"""A cache of loaded snapshots, keyed by the hash of the file's bytes.

Only snapshots that loaded *without any problem* through the reference loader
(:func:`planner.state.yamlio.load_snapshot_text`) are stored; a file with a problem is
never cached, so every problem is always reported by the reference path with its
file:line:column. The key covers the exact bytes, the expected release, whether the
semantic checks ran, the Python version and the source of the loader itself
(``planner/state/*.py``), so any change to either misses.

Entries live under ``$DBPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/dbplan``, else
``~/.cache/dbplan``; ``DBPLAN_CACHE=0`` turns the cache off. Each entry is the SHA-256 of
its payload followed by the payload (a pickled :class:`Snapshot`); an entry that is
truncated, corrupt or unreadable is ignored (and removed), and entries are written to a
temporary file then renamed, so readers never see half an entry. Files smaller than
:data:`MIN_BYTES` are not cached (reading them is faster than the cache).

Example:
    >>> key = cache_key(b"snapshot: 1\\n", expected_release="1.0", validate=True)
    >>> len(key)
    64
"""

from __future__ import annotations

import copyreg
import dataclasses
import functools
import gc
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from planner.state import model
from planner.state.model import Snapshot

__all__ = [
    "MAX_ENTRIES",
    "MIN_BYTES",
    "cache_dir",
    "cache_key",
    "content_key",
    "get",
    "has",
    "hold",
    "memo",
    "origin_key",
    "put",
    "remember_origin",
]

T = TypeVar("T")

#: files smaller than this are loaded directly
MIN_BYTES = 256 * 1024
#: entries kept; the least recently written are removed beyond it
MAX_ENTRIES = 64
_SUFFIX = ".snapshot"
_MEMO_SUFFIX = ".memo"


def cache_dir() -> Path | None:
    """The cache directory, or None when the cache is turned off.

    Example:
        >>> cache_dir()  # doctest: +SKIP
        PosixPath('/home/me/.cache/dbplan')
    """
    if os.environ.get("DBPLAN_CACHE", "").strip().lower() in ("0", "off", "no", "false"):
        return None
    explicit = os.environ.get("DBPLAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "dbplan"


@functools.cache
def _code_stamp() -> bytes:
    """Hash of the cached functions' source: changed code never reads old entries."""
    h = hashlib.sha256(sys.version.encode())
    here = Path(__file__).resolve().parent
    sources = sorted(here.glob("*.py")) + [here.parent / "revisions" / "provenance.py"]
    for p in sources:
        h.update(p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"-")
    return h.digest()


def cache_key(data: bytes, *, expected_release: str | None, validate: bool) -> str:
    """The hex key of a file's bytes loaded with these options."""
    h = hashlib.sha256(b"dbplan-snapshot-cache-1\0")
    h.update(_code_stamp())
    h.update(repr((expected_release, bool(validate))).encode())
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


# Pickling slotted dataclasses the default way calls dataclasses.fields() per object;
# a reducer with the field names computed once is several times faster to load.
_CLASSES = (
    model.Snapshot,
    model.Table,
    model.Column,
    model.PrimaryKey,
    model.ForeignKey,
    model.Unique,
    model.Check,
    model.Index,
    model.Enum,
    model.RowSet,
)
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES}


def _make_builder(cls: type) -> Callable[[tuple], object]:
    """A ``values -> instance`` for one class, setting the slots directly (no __init__)."""
    setters = tuple(cls.__dict__[name].__set__ for name in _FIELDS[cls])
    new = object.__new__

    def build(values: tuple) -> object:
        obj = new(cls)
        for setter, value in zip(setters, values, strict=True):
            setter(obj, value)
        return obj

    return build


_BUILDERS = {cls: _make_builder(cls) for cls in _CLASSES}


def _rebuild(cls: type, values: tuple) -> object:
    if len(values) != len(_FIELDS[cls]):
        raise ValueError(f"{cls.__name__}: {len(values)} values for {len(_FIELDS[cls])} fields")
    return _BUILDERS[cls](values)


def _reducer(obj: object) -> tuple:
    cls = type(obj)
    return (_rebuild, (cls, tuple([getattr(obj, n) for n in _FIELDS[cls]])))


def _frozen_map(items: tuple) -> model.FrozenMap:
    return tuple.__new__(model.FrozenMap, items)  # already sorted and frozen


def _reduce_frozen_map(obj: model.FrozenMap) -> tuple:
    return (_frozen_map, (tuple(obj),))


def _dumps(snapshot: Snapshot) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.dispatch_table = copyreg.dispatch_table.copy()
    for cls in _CLASSES:
        p.dispatch_table[cls] = _reducer
    p.dispatch_table[model.FrozenMap] = _reduce_frozen_map
    p.dump(snapshot)
    return buf.getvalue()


def content_key(kind: str, data: bytes) -> str:
    """The hex key of a value derived from ``data`` alone by the function named ``kind``."""
    h = hashlib.sha256(b"dbplan-memo-1\0" + kind.encode() + b"\0")
    h.update(_code_stamp())
    h.update(data)
    return h.hexdigest()


#: snapshots returned by load_snapshot -> their cache key (each entry holds its snapshot)
_ORIGINS: dict[int, tuple[Snapshot, str]] = {}


def remember_origin(snapshot: Snapshot, key: str) -> None:
    """Record that ``snapshot`` is what the cache entry ``key`` holds."""
    if len(_ORIGINS) >= 64:
        _ORIGINS.pop(next(iter(_ORIGINS)))
    _ORIGINS[id(snapshot)] = (snapshot, key)


def origin_key(snapshot: Snapshot) -> str | None:
    """The cache key of a snapshot that :func:`remember_origin` recorded, else None."""
    entry = _ORIGINS.get(id(snapshot))
    return entry[1] if entry is not None and entry[0] is snapshot else None


def memo(kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, stored under ``key`` and ``kind``: a pure function of what the key hashes.

    Example:
        >>> memo("answer", "0" * 64, lambda: 42)  # doctest: +SKIP
        42
    """
    d = cache_dir()
    if d is None:
        return compute()
    path = d / f"{key}.{kind}{_MEMO_SUFFIX}"
    found = _read(path)
    if found is not _NOTHING:
        return found  # type: ignore[return-value]
    value = compute()
    try:
        _write(d, path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs speed
        pass
    return value


_NOTHING = object()


def _read(path: Path) -> object:
    try:
        blob = path.read_bytes()
    except OSError:
        return _NOTHING
    digest, payload = blob[:32], blob[32:]
    if len(digest) != 32 or hashlib.sha256(payload).digest() != digest:
        _discard(path)
        return _NOTHING
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - a corrupt entry is a miss, never an error
        _discard(path)
        return _NOTHING
    finally:
        if enabled:
            gc.enable()


def _write(d: Path, path: Path, payload: bytes) -> None:
    d.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(payload).digest())
            f.write(payload)
        os.replace(tmp, path)
    except BaseException:
        _discard(Path(tmp))
        raise
    _prune(d)


#: snapshots this process loaded ahead (:mod:`planner.state.prefetch`), by key: each is
#: handed out once by :func:`get`
_HELD: dict[str, Snapshot] = {}


def hold(key: str, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` in memory for the next :func:`get` of ``key`` in this process."""
    _HELD[key] = snapshot


def has(key: str) -> bool:
    """Does :func:`get` of ``key`` probably find a snapshot (held, or a file present)?"""
    if key in _HELD:
        return True
    d = cache_dir()
    return d is not None and (d / (key + _SUFFIX)).is_file()


def get(key: str) -> Snapshot | None:
    """The cached snapshot of ``key``, or None (missing, corrupt, or cache off)."""
    held = _HELD.pop(key, None)
    if held is not None:
        return held
    d = cache_dir()
    if d is None:
        return None
    path = d / (key + _SUFFIX)
    value = _read(path)
    if value is _NOTHING:
        return None
    if not isinstance(value, Snapshot):
        _discard(path)
        return None
    return value


def put(key: str, snapshot: Snapshot) -> None:
    """Store ``snapshot`` under ``key``; silently does nothing if it cannot."""
    d = cache_dir()
    if d is None:
        return
    try:
        _write(d, d / (key + _SUFFIX), _dumps(snapshot))
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs speed
        return


def _prune(d: Path) -> None:
    entries = []
    for p in [*d.glob("*" + _SUFFIX), *d.glob("*" + _MEMO_SUFFIX)]:
        try:
            entries.append((p.stat().st_mtime, p.name, p))
        except OSError:
            continue
    entries.sort()
    for _, _, p in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        _discard(p)
    # temporary files a killed process left behind (a write takes well under a minute)
    stale = time.time() - 3600
    for p in d.glob(".tmp-*"):
        try:
            if p.stat().st_mtime < stale:
                _discard(p)
        except OSError:
            continue


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
