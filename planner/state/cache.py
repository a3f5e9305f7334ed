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
see half an entry. Files smaller than :data:`MIN_BYTES` are not cached (reading them is
faster than the cache).

Example:
    >>> key = cache_key(b"snapshot: 1\\n", expected_release="1.0", validate=True)
    >>> len(key)
    64
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import hmac
import json
import operator
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from planner.errors import DbplanError
from planner.state import model, pg_objects
from planner.state.model import Snapshot

__all__ = [
    "MAGIC",
    "MAX_ENTRIES",
    "MIN_BYTES",
    "cache_dir",
    "cache_key",
    "content_key",
    "get",
    "has",
    "hold",
    "key_dir",
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
    here = Path(__file__).resolve().parent
    sources = sorted(here.glob("*.py")) + [here.parent / "revisions" / "provenance.py"]
    for p in sources:
        h.update(p.name.encode())
        try:
            h.update(p.read_bytes())
        except OSError:
            h.update(b"-")
    return h.digest()


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


# --------------------------------------------------------------------------- the format
# Each model class is a JSON array of its field values in field order; each field has a
# kind, and the reader checks every value against it. Row values are JSON values
# (objects become FrozenMap, arrays tuples, as the loader freezes them).
_S, _S_OPT, _B, _B_OPT, _I, _STRS, _PAIRS, _ROWS, _I_OPT, _STRS_OPT = range(10)
_SPECS: dict[type, tuple[tuple[str, object], ...]] = {
    model.Column: (
        ("name", _S),
        ("type", _S),
        ("nullable", _B),
        ("autoincrement", _B_OPT),
        ("server_default", _S_OPT),
        ("comment", _S_OPT),
        ("renamed_from", _S_OPT),
        ("backfill", _S_OPT),
        ("identity", _S_OPT),
        ("generated", (None, model.Generated)),
        ("using", _PAIRS),
        ("backfill_dialects", _PAIRS),
    ),
    model.Generated: (("expression", _S), ("stored", _B)),
    model.PrimaryKey: (("name", _S_OPT), ("columns", _STRS)),
    model.ForeignKey: (
        ("name", _S),
        ("columns", _STRS),
        ("ref_table", _S),
        ("ref_columns", _STRS),
        ("ref_schema", _S_OPT),
        ("ondelete", _S_OPT),
        ("onupdate", _S_OPT),
    ),
    model.Unique: (("name", _S), ("columns", _STRS)),
    model.Check: (("name", _S), ("sqltext", _S)),
    model.Index: (("name", _S), ("columns", _STRS), ("unique", _B), ("where", _S_OPT)),
    model.Enum: (("name", _S), ("values", _STRS), ("schema", _S_OPT), ("renamed_values", _PAIRS)),
    model.RowSet: (("key", _STRS), ("rows", _ROWS), ("mode", _S)),
    model.Table: (
        ("name", _S),
        ("schema", _S_OPT),
        ("columns", (tuple, model.Column)),
        ("primary_key", (None, model.PrimaryKey)),
        ("foreign_keys", (tuple, model.ForeignKey)),
        ("uniques", (tuple, model.Unique)),
        ("checks", (tuple, model.Check)),
        ("indexes", (tuple, model.Index)),
        ("comment", _S_OPT),
        ("rows", (None, model.RowSet)),
        ("renamed_from", _S_OPT),
        ("dropped_columns", _PAIRS),
    ),
    model.Snapshot: (
        ("release", _S),
        ("tables", (tuple, model.Table)),
        ("enums", (tuple, model.Enum)),
        ("naming_convention", _PAIRS),
        ("format", _I),
        ("unmanaged", (tuple, model.Unmanaged)),
        ("routines", (tuple, model.Routine)),
        ("views", (tuple, model.View)),
        ("schemas", (tuple, pg_objects.Schema)),
        ("extensions", (tuple, pg_objects.Extension)),
        ("sequences", (tuple, pg_objects.Sequence)),
        ("steps", (tuple, model.DataStep)),
    ),
    pg_objects.Schema: (("name", _S), ("comment", _S_OPT)),
    pg_objects.Extension: (("name", _S), ("version", _S_OPT), ("schema", _S_OPT)),
    pg_objects.Sequence: (
        ("name", _S),
        ("schema", _S_OPT),
        ("type", _S),
        ("increment", _I),
        ("start", _I_OPT),
        ("min_value", _I_OPT),
        ("max_value", _I_OPT),
        ("cycle", _B),
        ("owned_by", _STRS_OPT),
        ("comment", _S_OPT),
    ),
    model.DataStep: (
        ("name", _S),
        ("reads", _STRS),
        ("writes", _STRS),
        ("sql", _PAIRS),
        ("guard", _PAIRS),
        ("downgrade", _PAIRS),
        ("irreversible", _B),
    ),
    model.Routine: (
        ("kind", _S),
        ("name", _S),
        ("definition", _S),
        ("schema", _S_OPT),
        ("table", _S_OPT),
        ("dialect", _S),
    ),
    model.View: (
        ("name", _S),
        ("definition", _S),
        ("schema", _S_OPT),
        ("kind", _S),
        ("indexes", (tuple, model.Index)),
        ("comment", _S_OPT),
        ("reads", (tuple, model.ViewRead)),
    ),
    model.ViewRead: (("kind", _S), ("name", _S), ("schema", _S_OPT), ("columns", _STRS)),
    model.Unmanaged: (("kind", _S), ("name", _S), ("schema", _S_OPT), ("table", _S_OPT)),
}
#: the format covers every field of the model (else the cache stays off: never a wrong
#: answer from a field the entry does not carry); tests/perf/test_cache.py checks it
FORMAT_COVERS_MODEL = all(
    tuple(n for n, _ in spec) == tuple(f.name for f in dataclasses.fields(cls))
    for cls, spec in _SPECS.items()
)


class _Bad(DbplanError, ValueError):
    """An entry that does not decode to the model: a miss."""


#: the classes of plain JSON values (a row of these is written and read in bulk)
_PLAIN = frozenset((str, int, float, bool, type(None)))
_new_tuple = tuple.__new__
_first, _second = operator.itemgetter(0), operator.itemgetter(1)


def _encode_value(v: Any) -> Any:
    """A row value (frozen JSON) as plain JSON."""
    if v is None or type(v) in (str, int, float, bool):
        return v
    if type(v) is model.FrozenMap:
        return {k: _encode_value(x) for k, x in v}
    if type(v) is tuple:
        return [_encode_value(x) for x in v]
    raise TypeError(f"cannot cache a row value of type {type(v).__name__}")


def _encode_row(r: model.FrozenMap) -> Any:
    """:func:`_encode_value` of a row; a row of plain values without a call per value."""
    if r.__class__ is model.FrozenMap:
        for _, x in r:
            if x.__class__ not in _PLAIN:
                return _encode_value(r)
        return dict(r)
    return _encode_value(r)


def _encode_rows(rows: tuple) -> Any:
    """Rows as a list of row objects; rows of plain values that all name the same
    columns a column at a time instead: ``{"columns": [...], "values": [[...], ...]}``
    (read back to the same rows, much faster than one object per row)."""
    if len(rows) > 1 and all(r.__class__ is model.FrozenMap for r in rows):
        if len(set(map(len, rows))) == 1:
            positions = list(zip(*rows, strict=True))
            names = [set(map(_first, p)) for p in positions]
            if all(len(n) == 1 for n in names):
                values = [list(map(_second, p)) for p in positions]
                if all(set(map(type, column)) <= _PLAIN for column in values):
                    return {"columns": [n.pop() for n in names], "values": values}
    return [_encode_row(r) for r in rows]


def _decode_columns(v: dict, what: str) -> tuple[model.FrozenMap, ...]:
    """The rows of :func:`_encode_rows`' column form, every part checked."""
    names, values = v.get("columns"), v.get("values")
    if (
        len(v) != 2
        or names.__class__ is not list
        or values.__class__ is not list
        or len(names) != len(values)
        or not names
        or not all(n.__class__ is str for n in names)
        or names != sorted(set(names))
        or not all(c.__class__ is list for c in values)
        or len(set(map(len, values))) != 1
        or not all(set(map(type, c)) <= _PLAIN for c in values)
    ):
        raise _Bad(what)
    return tuple(
        [_new_tuple(model.FrozenMap, zip(names, r, strict=True)) for r in zip(*values, strict=True)]
    )


def _encode(obj: Any) -> Any:
    spec = _SPECS.get(type(obj))
    if spec is None:
        raise TypeError(f"cannot cache a {type(obj).__name__}")
    out = []
    for name, kind in spec:
        v = getattr(obj, name)
        if kind == _ROWS:
            out.append(_encode_rows(v))
        elif kind in (_STRS, _PAIRS):
            out.append([list(x) if kind == _PAIRS else x for x in v])
        elif kind == _STRS_OPT:
            out.append(None if v is None else list(v))
        elif isinstance(kind, tuple):
            if kind[0] is tuple:
                out.append([_encode(x) for x in v])
            else:
                out.append(None if v is None else _encode(v))
        else:
            out.append(v)
    return out


def _decode_row(v: dict) -> model.FrozenMap:
    """:func:`_decode_value` of a row object; a row of plain values (the common case)
    without a call per value (the same FrozenMap: pairs sorted by key, values as read)."""
    for x in v.values():
        if x.__class__ not in _PLAIN:
            return _decode_value(v)
    return _new_tuple(model.FrozenMap, sorted(v.items()))


def _decode_value(v: Any) -> Any:
    if type(v) is dict:
        return model.FrozenMap((k, _decode_value(x)) for k, x in v.items())
    if type(v) is list:
        return tuple([_decode_value(x) for x in v])
    return v


def _strs(v: Any) -> tuple[str, ...]:
    if v.__class__ is not list or not all(x.__class__ is str for x in v):
        raise _Bad("not a list of strings")
    return tuple(v)


def _check(types: tuple[type, ...], what: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if v.__class__ not in types:
            raise _Bad(what)
        return v

    return check


def _field_reader(cls: type, name: str, kind: object) -> Callable[[Any], Any]:
    what = f"{cls.__name__}.{name}"
    if kind == _S:
        return _check((str,), what)
    if kind == _S_OPT:
        return _check((str, type(None)), what)
    if kind == _B:
        return _check((bool,), what)
    if kind == _B_OPT:
        return _check((bool, type(None)), what)
    if kind == _I:
        return _check((int,), what)
    if kind == _STRS:
        return _strs
    if kind == _STRS_OPT:
        return lambda v: None if v is None else _strs(v)
    if kind == _PAIRS:

        def pairs(v: Any) -> tuple[tuple[str, ...], ...]:
            if v.__class__ is not list:
                raise _Bad(what)
            out = tuple([_strs(p) for p in v])
            if any(len(p) != 2 for p in out):
                raise _Bad(what)
            return out

        return pairs
    if kind == _ROWS:

        def rows(v: Any) -> tuple[model.FrozenMap, ...]:
            if v.__class__ is dict:
                return _decode_columns(v, what)
            if v.__class__ is not list or not all(r.__class__ is dict for r in v):
                raise _Bad(what)
            return tuple([_decode_row(r) for r in v])

        return rows
    container, inner = kind  # type: ignore[misc]
    if container is tuple:

        def many(v: Any) -> tuple:
            if v.__class__ is not list:
                raise _Bad(what)
            build = _BUILDERS[inner]
            return tuple([build(x) for x in v])

        return many

    def optional(v: Any) -> Any:
        return None if v is None else _BUILDERS[inner](v)

    return optional


_SCALARS = {
    _S: (str,),
    _S_OPT: (str, type(None)),
    _B: (bool,),
    _B_OPT: (bool, type(None)),
    _I: (int,),
    _I_OPT: (int, type(None)),
}


def _make_builder(cls: type) -> Callable[[Any], Any]:
    """A ``JSON array -> instance`` for one class: each field read and type-checked, then
    set on its slot directly (no ``__init__``: the entry holds the sorted collections)."""
    spec = _SPECS[cls]
    setters = tuple(cls.__dict__[name].__set__ for name, _ in spec)
    # scalar fields: the classes allowed; others: a reader that checks and converts
    allowed = tuple(_SCALARS.get(kind) for _, kind in spec)  # type: ignore[call-overload]
    readers = tuple(
        None if kind in _SCALARS else _field_reader(cls, name, kind) for name, kind in spec
    )
    plan = tuple(zip(setters, allowed, readers, strict=True))
    n = len(spec)
    new = object.__new__
    what = f"{cls.__name__}: not {n} fields"

    def build(data: Any) -> Any:
        if data.__class__ is not list or len(data) != n:
            raise _Bad(what)
        obj = new(cls)
        for (setter, ok, read), v in zip(plan, data, strict=True):
            if read is None:
                if v.__class__ not in ok:
                    raise _Bad(f"{cls.__name__}: a field of the wrong type")
                setter(obj, v)
            else:
                setter(obj, read(v))
        return obj

    return build


_BUILDERS: dict[type, Callable[[Any], Any]] = {}
_BUILDERS.update((cls, _make_builder(cls)) for cls in _SPECS)


def _dumps_snapshot(snapshot: Snapshot) -> bytes:
    return json.dumps(_encode(snapshot), ensure_ascii=False, separators=(",", ":")).encode()


def _loads_snapshot(payload: bytes) -> Snapshot:
    return _BUILDERS[model.Snapshot](json.loads(payload))


def _encode_memo(v: Any) -> Any:
    """A derived value (None, bool, int, float, str, tuple, list, dict of str) as JSON."""
    if v is None or type(v) in (str, int, float, bool):
        return v
    if type(v) is tuple:
        return {"t": [_encode_memo(x) for x in v]}
    if type(v) is list:
        return {"l": [_encode_memo(x) for x in v]}
    if type(v) is dict and all(type(k) is str for k in v):
        return {"d": {k: _encode_memo(x) for k, x in v.items()}}
    raise TypeError(f"cannot cache a {type(v).__name__}")


def _decode_memo(v: Any) -> Any:
    if type(v) is not dict:
        if type(v) is list:
            raise _Bad("a bare list")
        return v
    if len(v) != 1:
        raise _Bad("not a tagged value")
    ((tag, inner),) = v.items()
    if tag == "t" and type(inner) is list:
        return tuple([_decode_memo(x) for x in inner])
    if tag == "l" and type(inner) is list:
        return [_decode_memo(x) for x in inner]
    if tag == "d" and type(inner) is dict:
        return {k: _decode_memo(x) for k, x in inner.items()}
    raise _Bad("unknown tag")


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
