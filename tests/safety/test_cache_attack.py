"""Issue 18 finding 1: the snapshot cache cannot run code or change an answer.

The attacker can write the cache directory (a shared ``DBPLAN_CACHE_DIR``, a CI cache
restored from another branch, a 0777 folder) and knows everything dbplan's source and the
committed files tell: the key of every entry and its layout. They do not know the user's
secret (``planner.state.cache.key_dir()``). Every case loads through ``load_snapshot``, the
function every command reads snapshots with, and requires exactly what the reference
loader says. The cache is dialect-agnostic: no database is involved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.state import cache
from planner.state.model import Column, PrimaryKey, Table
from planner.state.yamlio import load_snapshot, load_snapshot_text

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "schema_state" / "0.5.0.yaml"
OTHER = ROOT / "schema_state" / "0.4.0.yaml"


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    d.mkdir(mode=0o700)
    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(d))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DBPLAN_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return d


def _reference(path: Path):
    return load_snapshot_text(path.read_bytes(), str(path), expected_release=path.stem)


def _key(path: Path) -> str:
    return cache.cache_key(path.read_bytes(), expected_release=path.stem, validate=True)


def _entry(d: Path, path: Path) -> Path:
    return d / (_key(path) + ".snapshot")


def _same(a, b) -> None:
    assert a == b
    assert repr(a) == repr(b)


def _with_extra_table(snapshot):
    pwned = Table(
        name="pwned",
        columns=(Column(name="id", type="Integer", nullable=False),),
        primary_key=PrimaryKey(columns=("id",)),
    )
    return dataclasses.replace(snapshot, tables=(*snapshot.tables, pwned))


def _integrity_only(payload: bytes) -> bytes:
    """The layout the cache used to trust: SHA-256 of the payload, then the payload."""
    return hashlib.sha256(payload).digest() + payload


class _Marker:
    """Unpickling this creates ``path`` (``open(path, "w")``): proof that code ran."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_forged_pickle_entry_is_never_executed(cache_on, tmp_path):
    marker = tmp_path / "marker"
    _entry(cache_on, SNAPSHOT).write_bytes(_integrity_only(pickle.dumps(_Marker(marker))))
    got = load_snapshot(SNAPSHOT)
    assert not marker.exists(), "the cache entry ran code"
    _same(got, _reference(SNAPSHOT))
    # also in the current layout's framing: dbplan's magic, any 32 bytes, a pickle
    _entry(cache_on, SNAPSHOT).write_bytes(cache.MAGIC + bytes(32) + pickle.dumps(_Marker(marker)))
    _same(load_snapshot(SNAPSHOT), _reference(SNAPSHOT))
    assert not marker.exists()


@pytest.mark.parametrize("layout", ["integrity-digest", "attacker-key"])
def test_a_forged_entry_with_a_valid_hash_is_ignored(layout, cache_on):
    """A table the file does not contain never shows up (``plan``), and an edited file is
    never answered with the entry of the unedited one (``check``)."""
    ref = _reference(SNAPSHOT)
    forged = _with_extra_table(ref)
    if layout == "integrity-digest":
        blob = _integrity_only(pickle.dumps(forged))
    else:  # dbplan's own layout, authenticated with a key other than the user's
        payload = cache._dumps_snapshot(forged)
        name = _entry(cache_on, SNAPSHOT).name
        blob = cache.MAGIC + cache._mac(b"k" * 32, name, payload) + payload
    _entry(cache_on, SNAPSHOT).write_bytes(blob)
    got = load_snapshot(SNAPSHOT)
    assert "pwned" not in [t.name for t in got.tables]
    _same(got, ref)


def test_an_entry_of_other_bytes_cannot_stand_in(cache_on, tmp_path):
    """A genuine entry copied to another file's key (the user's own, authentic) is a miss."""
    load_snapshot(OTHER)
    genuine = _entry(cache_on, OTHER).read_bytes()
    _entry(cache_on, SNAPSHOT).write_bytes(genuine)
    _same(load_snapshot(SNAPSHOT), _reference(SNAPSHOT))


@pytest.mark.parametrize("problem", ["mode-0777", "group-writable", "someone-else's"])
def test_an_open_cache_directory_is_ignored_with_a_warning(problem, cache_on, capfd):
    if problem == "mode-0777":
        os.chmod(cache_on, 0o777)
    elif problem == "group-writable":
        os.chmod(cache_on, 0o770)
    else:
        if os.geteuid() != 0:
            pytest.skip("making a directory someone else's needs root")
        os.chown(cache_on, 65534, 65534)
    cache._WARNED.clear()
    # an entry planted there, forged the old way, is not read either
    forged = _with_extra_table(_reference(SNAPSHOT))
    _entry(cache_on, SNAPSHOT).write_bytes(_integrity_only(pickle.dumps(forged)))
    for _ in range(2):
        _same(load_snapshot(SNAPSHOT), _reference(SNAPSHOT))
    assert sorted(p.name for p in cache_on.iterdir()) == [_entry(cache_on, SNAPSHOT).name]
    err = capfd.readouterr().err
    assert err.count("warning: ignoring the cache directory") == 1, err
    assert str(cache_on) in err
    assert len(err.strip().splitlines()) == 1


def test_a_key_directory_others_can_write_turns_the_cache_off(cache_on, tmp_path, capfd):
    kd = tmp_path / "config" / "dbplan"
    kd.mkdir(parents=True)
    os.chmod(kd, 0o777)
    cache._WARNED.clear()
    load_snapshot(SNAPSHOT)
    assert list(cache_on.iterdir()) == []
    assert "ignoring the cache key directory" in capfd.readouterr().err


def test_a_symlinked_entry_is_not_followed(cache_on, tmp_path):
    outside = tmp_path / "elsewhere.bin"
    forged = _with_extra_table(_reference(SNAPSHOT))
    outside.write_bytes(_integrity_only(pickle.dumps(forged)))
    before = outside.read_bytes()
    entry = _entry(cache_on, SNAPSHOT)
    entry.symlink_to(outside)
    _same(load_snapshot(SNAPSHOT), _reference(SNAPSHOT))
    assert outside.read_bytes() == before  # the link's target is neither read nor written
    assert not entry.is_symlink()  # the miss replaced the link with dbplan's own entry
    _same(load_snapshot(SNAPSHOT), _reference(SNAPSHOT))


def test_a_fifo_in_place_of_an_entry_does_not_hang(cache_on):
    os.mkfifo(_entry(cache_on, SNAPSHOT))
    code = (
        "from planner.state import cache; cache.MIN_BYTES = 0\n"
        "from planner.state.yamlio import load_snapshot\n"
        f"print(load_snapshot({str(SNAPSHOT)!r}).release)\n"
    )
    try:
        r = subprocess.run(
            [sys.executable, "-c", code],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("load_snapshot hung on a FIFO in the cache directory")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == SNAPSHOT.stem


def test_pruning_leaves_files_that_are_not_dbplan_entries(cache_on, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 1)
    foreign = {
        "important.snapshot": b"someone's data",
        "notes.x.memo": b"someone's notes",
        "a" * 64 + ".snapshot": b"not dbplan's: no magic",
        ".tmp-build": b"another tool's temporary file",
    }
    old = time.time() - 7 * 24 * 3600
    for name, data in foreign.items():
        (cache_on / name).write_bytes(data)
        os.utime(cache_on / name, (old, old))
    load_snapshot(SNAPSHOT)
    earlier = time.time() - 60
    os.utime(_entry(cache_on, SNAPSHOT), (earlier, earlier))
    load_snapshot(OTHER)  # over MAX_ENTRIES: the older of dbplan's entries goes
    for name, data in foreign.items():
        assert (cache_on / name).read_bytes() == data, name
    assert not _entry(cache_on, SNAPSHOT).exists()
    assert _entry(cache_on, OTHER).exists()
