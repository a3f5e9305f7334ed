"""Snapshot files on disk: loading a path (through the content-hash cache), atomic writes.

Example:
    >>> load_snapshot("schema_state/0.1.0.yaml").release
    '0.1.0'
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from planner.state import cache as _cache
from planner.state.errors import DbplanError, Problem, SnapshotError
from planner.state.model import Snapshot
from planner.state.reader import MAX_BYTES, _too_big
from planner.state.session import LoadSession, default_session
from planner.state.shape import load_snapshot_text
from planner.state.writer import DEFAULT_SCHEMA_REF, SCHEMA_FILENAME, dump_snapshot

__all__ = ["SnapshotExistsError", "load_snapshot", "schema_text", "write_snapshot"]


class SnapshotExistsError(DbplanError):
    """A snapshot file exists and overwriting was not asked for."""


def load_snapshot(
    path: str | os.PathLike,
    *,
    filename: str | None = None,
    expected_release: str | None | bool = True,
    validate: bool = True,
    session: LoadSession | None = None,
) -> Snapshot:
    """Load ``path``; its release must equal the file stem unless ``expected_release=False``.

    Args:
        path: the snapshot file.
        filename: how the file is named in problems (default: ``path`` as given).
        expected_release: True (the stem), a release string, or False/None (no check).
        validate: run the semantic checks too.
        session: the command's load session (default: :func:`default_session`).

    Example:
        >>> load_snapshot("schema_state/0.1.0.yaml").release
        '0.1.0'
    """
    session = session or default_session()
    p = Path(path)
    shown = filename or str(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SnapshotError([_too_big(shown, size)])
        data = p.read_bytes()
    except OSError as e:
        raise SnapshotError(
            [Problem(file=shown, message=f"cannot read the file: {e.strerror}")]
        ) from None
    expected = expected_stem(p, expected_release)
    if len(data) < _cache.MIN_BYTES:
        return load_snapshot_text(
            data, shown, expected_release=expected, validate=validate, session=session
        )
    # Big files: a snapshot that loaded cleanly is kept by content hash (see state.cache);
    # a file with any problem is never cached, so problems always come from this loader.
    key = _cache.cache_key(
        data, expected_release=expected, validate=validate, targets=session.targets
    )
    snapshot = session.take(key) or _cache.get(key)
    if snapshot is None:
        snapshot = load_snapshot_text(
            data, shown, expected_release=expected, validate=validate, session=session
        )
        _cache.put(key, snapshot)
    _cache.remember_origin(snapshot, key)  # values derived from it can be cached too
    return snapshot


def expected_stem(path: Path, expected_release: str | None | bool) -> str | None:
    """The release ``path`` must hold: its stem for True, else the string given (or None).

    Example:
        >>> expected_stem(Path("schema_state/1.0.0.yaml"), True)
        '1.0.0'
    """
    return path.stem if expected_release is True else (expected_release or None)


def schema_text() -> str:
    """The JSON Schema of the format, as shipped in the package.

    Example:
        >>> '"$schema"' in schema_text()
        True
    """
    return resources.files("planner.state").joinpath(SCHEMA_FILENAME).read_text(encoding="utf-8")


def _umask() -> int:
    """The process umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, data: bytes, *, overwrite: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes 0600; snapshots are meant to be committed: the user's umask decides
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails atomically when path exists
            except FileExistsError:
                raise
            except OSError:  # no hard links on this filesystem
                if path.exists():
                    raise FileExistsError(str(path)) from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_snapshot(
    path: str | os.PathLike,
    snapshot: Snapshot,
    *,
    force: bool = False,
    schema_ref: str | None = DEFAULT_SCHEMA_REF,
    write_schema: bool = True,
) -> Path:
    """Write ``snapshot`` canonically to ``path`` atomically (temp file + rename).

    Refuses to overwrite an existing file unless ``force``. With the default
    ``schema_ref`` it also writes ``snapshot.schema.json`` beside the file (when missing
    or outdated), so editors resolve the ``$schema`` comment.

    Example:
        >>> write_snapshot("schema_state/1.0.0.yaml", Snapshot(release="1.0.0"))
        PosixPath('schema_state/1.0.0.yaml')
    """
    p = Path(path)
    if p.stem != snapshot.release:
        raise DbplanError(
            f"{p}: a snapshot of release {snapshot.release!r} must be named {snapshot.release}.yaml"
        )
    data = dump_snapshot(snapshot, schema_ref=schema_ref).encode("utf-8")
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        _atomic_write(p, data, overwrite=force)
    except FileExistsError:
        raise SnapshotExistsError(f"{p} exists; pass --force to overwrite it") from None
    if write_schema and schema_ref == DEFAULT_SCHEMA_REF:
        schema_file = p.parent / SCHEMA_FILENAME
        want = schema_text().encode("utf-8")
        if not schema_file.exists() or schema_file.read_bytes() != want:
            _atomic_write(schema_file, want, overwrite=True)
    return p
