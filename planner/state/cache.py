"""A cache of loaded snapshots, keyed by the hash of the file's bytes.

Only snapshots that loaded *without any problem* through the reference loader
(:func:`planner.state.yamlio.load_snapshot_text`) are stored; a file with a problem is
never cached, so every problem is always reported by the reference path with its
file:line:column. The key covers the exact bytes, the expected release, whether the
semantic checks ran, the Python version and the source of the loader itself
(``planner/state/*.py``), so any change to either misses.

Entries live under ``$DBPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/dbplan``, else
``~/.cache/dbplan``; ``DBPLAN_CACHE=0`` turns the cache off.

**Nothing in the cache can run code or change an answer** (``docs/safety.md``):

- An entry is *data*, never code: a JSON encoding of the frozen model, decoded by a
  reader that builds only the model's own classes, field by field, with every field's
  type checked (no pickle anywhere; a forged entry is at worst a miss).
- An entry is *authenticated*: ``MAGIC``, then an HMAC-SHA256 of its name and payload
  under a per-user secret, then the payload. The secret (32 random bytes) lives outside
  the cache directory, in ``$XDG_CONFIG_HOME/dbplan/cache.key`` (else
  ``~/.config/dbplan/cache.key``), mode 0600 in a 0700 directory of the user's own; so
  whoever can write the cache directory (a CI cache restored from another branch) cannot
  write an entry dbplan accepts, and an entry made for one file's bytes cannot stand in
  for another's.
- The cache directory is used only when it is owned by the user and not writable by
  group or others; otherwise it is ignored with a one-line warning on stderr. Entries are
  opened relative to the checked directory, never following a link, without blocking (a
  FIFO is not a regular file and is skipped), and read only when they are regular files
  of the user's own that others cannot write.
- Pruning removes only dbplan's own entries: names of 64 hex digits with dbplan's
  suffixes whose first bytes are ``MAGIC``, and dbplan's own temporary files.

An entry that is truncated, corrupt or fails authentication is ignored (and replaced by
the next write); entries are written to a temporary file then renamed, so readers never
see half an entry. Files smaller than :data:`MIN_BYTES` (toy snapshots) are not cached.

Example:
    >>> key = cache_key(b"snapshot: 1\\n", expected_release="1.0", validate=True)
    >>> len(key)
    64
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from planner.state.cache_format import (  # the entry format
    FORMAT_COVERS_MODEL,
    _decode_memo,
    _dumps_snapshot,
    _encode_memo,
    _loads_snapshot,
)
from planner.state.model import Snapshot

__all__ = [
    "MAGIC",
    "MAX_ENTRIES",
    "MIN_BYTES",
    "cache_dir",
    "cache_key",
    "content_key",
    "decode",
    "encode",
    "get",
    "has",
    "hold",
    "key_dir",
    "memo",
    "origin_key",
    "put",
    "put_encoded",
    "remember_origin",
]

T = TypeVar("T")

#: files smaller than this are loaded directly (toy snapshots). A hit skips the loader's
#: checks and what they import (sqlglot), so it pays at every real size: measured, a plan
#: of two 3.5 KiB files took 0.16 s of CPU with the cache and 0.22-0.31 s without
MIN_BYTES = 1024
#: entries kept; the least recently written are removed beyond it
MAX_ENTRIES = 64
#: the first bytes of every entry dbplan writes
MAGIC = b"dbplan-cache-2\n"
_MAC_BYTES = 32
_SUFFIX = ".snapshot"
_MEMO_SUFFIX = ".memo"
_TMP_PREFIX = ".dbplan-tmp-"
_KEY_FILE = "cache.key"
#: the names of dbplan's own entries (anything else in the directory is left alone)
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}(?:\.snapshot|\.[a-z0-9-]{1,40}\.memo)\Z")
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def cache_dir() -> Path | None:
    """The cache directory, or None when the cache is turned off.

    Example:
        >>> cache_dir().name  # the doctest world sets DBPLAN_CACHE_DIR=<tmp>/.cache
        '.cache'
    """
    if os.environ.get("DBPLAN_CACHE", "").strip().lower() in ("0", "off", "no", "false"):
        return None
    explicit = os.environ.get("DBPLAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "dbplan"


def key_dir() -> Path:
    """The directory of the per-user secret that authenticates entries (not the cache's).

    Example:
        >>> key_dir().name  # $XDG_CONFIG_HOME/dbplan, else ~/.config/dbplan
        'dbplan'
    """
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "dbplan"


@functools.cache
def _code_stamp() -> bytes:
    """Hash of the cached functions' source: changed code never reads old entries."""
    h = hashlib.sha256(sys.version.encode())
    for p in _stamped_sources():
        h.update(p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"-")
    return h.digest()


def _stamped_sources() -> list[Path]:
    """The loader and its checks, which also read the dialects' limits and planner.sqlexpr."""
    here = Path(__file__).resolve().parent
    return [
        *sorted(here.glob("*.py")),
        here.parent / "revisions" / "provenance.py",
        here.parent / "sqlexpr.py",
        *sorted((here.parent / "dialects").glob("*.py")),
    ]


def cache_key(
    data: bytes,
    *,
    expected_release: str | None,
    validate: bool,
    targets: tuple[str, ...] | None = None,
) -> str:
    """The hex key of a file's bytes loaded with these options (``targets``: the dialects
    whose limits validation checked)."""
    h = hashlib.sha256(b"dbplan-snapshot-cache-2\0")
    h.update(_code_stamp())
    h.update(repr((expected_release, bool(validate), targets)).encode())
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def content_key(kind: str, data: bytes) -> str:
    """The hex key of a value derived from ``data`` alone by the function named ``kind``."""
    h = hashlib.sha256(b"dbplan-memo-2\0" + kind.encode() + b"\0")
    h.update(_code_stamp())
    h.update(data)
    return h.hexdigest()


# --------------------------------------------------------------------- origins, held
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


#: snapshots this process loaded ahead (:mod:`planner.state.prefetch`), by key: each is
#: handed out once by :func:`get`
_HELD: dict[str, Snapshot] = {}


def hold(key: str, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` in memory for the next :func:`get` of ``key`` in this process."""
    _HELD[key] = snapshot


# ------------------------------------------------------------ directories and the key
_WARNED: set[str] = set()


def _warn(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"dbplan: warning: {message}", file=sys.stderr)


def _open_dir(path: Path, *, create: bool, what: str) -> int | None:
    """A descriptor of ``path`` if it is a directory of the user's own that group and
    others cannot write; else None (with a warning when it is someone else's or open)."""
    try:
        if create:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    except OSError:
        return None  # missing, or not a directory: no cache (it only costs speed)
    st = os.fstat(fd)
    uid = os.geteuid()
    problem = None
    if not stat.S_ISDIR(st.st_mode):  # pragma: no cover - O_DIRECTORY refuses it
        problem = "not a directory"
    elif st.st_uid != uid:
        problem = f"owned by uid {st.st_uid}, not by you (uid {uid})"
    elif st.st_mode & 0o022:
        problem = f"writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
    if problem is None:
        return fd
    os.close(fd)
    _warn(
        f"ignoring the {what} {path}: {problem}; fix: use a directory of your own "
        f"(chmod 700 {path}, or set DBPLAN_CACHE_DIR; DBPLAN_CACHE=0 turns the cache off)"
    )
    return None


def _read_private(dfd: int, name: str, *, strict: bool = False) -> bytes | None:
    """The bytes of ``name`` in ``dfd`` if it is a regular file of the user's own that
    group and others cannot write (``strict``: nor read); never follows a link or blocks."""
    try:
        fd = os.open(name, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC, dir_fd=dfd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            return None
        if st.st_mode & (0o077 if strict else 0o022):
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)


def _secret(*, create: bool) -> bytes | None:
    """The per-user secret that authenticates entries; created on first write."""
    kd = key_dir()
    dfd = _open_dir(kd, create=create, what="cache key directory")
    if dfd is None:
        return None
    try:
        key = _read_private(dfd, _KEY_FILE, strict=True)
        if key is None and create:
            try:
                st = os.stat(_KEY_FILE, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                st = None
            if st is not None:
                _warn(
                    f"ignoring the cache key {kd / _KEY_FILE}: not a file of your own "
                    f"with mode 0600; fix: remove it (dbplan writes a new one)"
                )
                return None
            tmp = _TMP_PREFIX + secrets.token_hex(8)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW, 0o600, dir_fd=dfd)
            try:
                os.write(fd, secrets.token_bytes(32))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, _KEY_FILE, src_dir_fd=dfd, dst_dir_fd=dfd)  # never replaces one
            except FileExistsError:
                pass  # another process made one first: use theirs
            finally:
                os.unlink(tmp, dir_fd=dfd)
            key = _read_private(dfd, _KEY_FILE, strict=True)
        if key is None or len(key) < 32:
            return None
        return key
    except OSError:
        return None
    finally:
        os.close(dfd)


def _mac(secret: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(secret, MAGIC + name.encode() + b"\0" + payload, hashlib.sha256).digest()


# ----------------------------------------------------------------- reading, writing
_NOTHING = object()


def _read(name: str, decode: Callable[[bytes], object]) -> object:
    d = cache_dir()
    if d is None:
        return _NOTHING
    dfd = _open_dir(d, create=False, what="cache directory")
    if dfd is None:
        return _NOTHING
    try:
        blob = _read_private(dfd, name)
        if blob is None:
            return _NOTHING
        head, mac = blob[: len(MAGIC)], blob[len(MAGIC) : len(MAGIC) + _MAC_BYTES]
        payload = blob[len(MAGIC) + _MAC_BYTES :]
        secret = _secret(create=False) if head == MAGIC else None
        if secret is None or not hmac.compare_digest(mac, _mac(secret, name, payload)):
            return _NOTHING  # not dbplan's, not this user's, or damaged: the next put replaces it
        enabled = gc.isenabled()
        gc.disable()
        try:
            return decode(payload)
        except (ValueError, TypeError, RecursionError):  # a corrupt entry is a miss
            return _NOTHING
        finally:
            if enabled:
                gc.enable()
    finally:
        os.close(dfd)


def _write(name: str, payload: bytes) -> None:
    d = cache_dir()
    if d is None:
        return
    secret = _secret(create=True)
    if secret is None:
        return
    dfd = _open_dir(d, create=True, what="cache directory")
    if dfd is None:
        return
    try:
        tmp = _TMP_PREFIX + secrets.token_hex(8)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW, 0o600, dir_fd=dfd)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(MAGIC)
                f.write(_mac(secret, name, payload))
                f.write(payload)
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)  # replaces a link, not its target
        except BaseException:
            _unlink(dfd, tmp)
            raise
        _prune(dfd)
    finally:
        os.close(dfd)


def memo(kind: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, stored under ``key`` and ``kind``: a pure function of what the key hashes.

    Example:
        >>> memo("answer", "0" * 64, lambda: 42)
        42
        >>> memo("answer", "0" * 64, lambda: 43)  # stored: not computed again
        42
    """
    name = f"{key}.{kind}{_MEMO_SUFFIX}"
    if cache_dir() is None or not _ENTRY_NAME.match(name):
        return compute()
    found = _read(name, lambda b: _decode_memo(json.loads(b)))
    if found is not _NOTHING:
        return found  # type: ignore[return-value]
    value = compute()
    try:
        _write(name, json.dumps(_encode_memo(value), separators=(",", ":")).encode())
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs speed
        pass
    return value


def has(key: str) -> bool:
    """Does :func:`get` of ``key`` probably find a snapshot (held, or a file present)?"""
    if key in _HELD:
        return True
    d = cache_dir()
    if d is None:
        return False
    try:
        st = os.stat(d / (key + _SUFFIX), follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode)


def get(key: str) -> Snapshot | None:
    """The cached snapshot of ``key``, or None (missing, corrupt, foreign, or cache off)."""
    held = _HELD.pop(key, None)
    if held is not None:
        return held
    if not FORMAT_COVERS_MODEL or not _ENTRY_NAME.match(key + _SUFFIX):
        return None
    value = _read(key + _SUFFIX, _loads_snapshot)
    return value if isinstance(value, Snapshot) else None


def put(key: str, snapshot: Snapshot) -> None:
    """Store ``snapshot`` under ``key``; silently does nothing if it cannot."""
    if not FORMAT_COVERS_MODEL or not _ENTRY_NAME.match(key + _SUFFIX):
        return
    try:
        _write(key + _SUFFIX, _dumps_snapshot(snapshot))
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs speed
        return


def encode(snapshot: Snapshot) -> bytes:
    """The payload :func:`put` stores for ``snapshot`` (:func:`put_encoded` stores it)."""
    return _dumps_snapshot(snapshot)


def decode(payload: bytes) -> Snapshot | None:
    """The snapshot of an :func:`encode` payload, or None when it does not decode (the
    same reader as :func:`get`'s: only the model's own classes, every field checked)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        value = _loads_snapshot(payload)
    except (ValueError, TypeError, RecursionError):
        return None
    finally:
        if enabled:
            gc.enable()
    return value if isinstance(value, Snapshot) else None


def put_encoded(key: str, payload: bytes) -> None:
    """Store the :func:`encode` payload of a snapshot under ``key`` (like :func:`put`)."""
    if not FORMAT_COVERS_MODEL or not _ENTRY_NAME.match(key + _SUFFIX):
        return
    try:
        _write(key + _SUFFIX, payload)
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs speed
        return


def _is_own_entry(dfd: int, name: str) -> bool:
    """A regular file of dbplan's naming that starts with :data:`MAGIC`."""
    try:
        fd = os.open(name, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC, dir_fd=dfd)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(MAGIC)) == MAGIC
    except OSError:
        return False
    finally:
        os.close(fd)


def _prune(dfd: int) -> None:
    entries = []
    stale = time.time() - 3600  # a write takes well under a minute
    with os.scandir(dfd) as it:
        for e in it:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if _ENTRY_NAME.match(e.name):
                entries.append((st.st_mtime, e.name))
            elif e.name.startswith(_TMP_PREFIX) and st.st_mtime < stale:
                _unlink(dfd, e.name)  # left behind by a killed writer
    entries.sort()
    for _, name in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        if _is_own_entry(dfd, name):
            _unlink(dfd, name)


def _unlink(dfd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=dfd)
    except OSError:
        pass
