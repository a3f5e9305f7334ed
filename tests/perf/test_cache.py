"""The fast loading path (the snapshot cache) agrees with the reference loader.

``load_snapshot`` keeps snapshots that loaded without a problem in a cache keyed by the
file's bytes (``planner.state.cache``); everything else goes through the reference loader
(PyYAML, positions, shape and semantic checks). These tests load every input both ways,
cold (a miss, then stored) and warm (a hit), and require the same snapshot — every field,
hints included — or the same problems, word for word; and that no problem is ever cached.
They force the cache on for small files (``MIN_BYTES = 0``) in a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.state import cache
from planner.state.errors import SnapshotError
from planner.state.yamlio import dump_snapshot, load_snapshot, load_snapshot_text
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "cases" / "bad"
BAD_CASES = sorted(p.name for p in BAD.glob("*.yaml"))
REFERENCE = sorted(p.name for p in (ROOT / "schema_state").glob("*.yaml"))


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(d))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the cache key
    monkeypatch.delenv("DBPLAN_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return d


def _entries(d: Path) -> list[Path]:
    return sorted(d.glob("*.snapshot")) if d.is_dir() else []


def _reference(path: Path, **kw):
    """(snapshot, None) or (None, problems as text) from the reference loader."""
    try:
        return load_snapshot_text(path.read_bytes(), str(path), **kw), None
    except SnapshotError as e:
        return None, str(e)


def _cached(path: Path, **kw):
    try:
        return load_snapshot(path, **kw), None
    except SnapshotError as e:
        return None, str(e)


def _same(a, b) -> None:
    """Equal, and equal in every field: ``==`` ignores the hints (compare=False)."""
    assert a == b
    assert repr(a) == repr(b)


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_corpus_same_problems_and_never_cached(case, cache_on):
    path = BAD / case
    expected = _reference(path, expected_release=path.stem)
    for _ in range(2):  # a second load must not find anything cached either
        got = _cached(path)
        assert got[1] == expected[1]
        if expected[0] is not None:  # pragma: no cover - the corpus is all bad
            _same(got[0], expected[0])
    if expected[0] is None:
        assert _entries(cache_on) == []


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_snapshots_cold_and_warm(name, cache_on):
    path = ROOT / "schema_state" / name
    ref, problems = _reference(path, expected_release=path.stem)
    assert problems is None
    cold = load_snapshot(path)
    assert len(_entries(cache_on)) == 1
    warm = load_snapshot(path)
    _same(cold, ref)
    _same(warm, ref)
    assert warm is not cold  # really read back from the cache entry


def test_validate_flag_and_expected_release_are_part_of_the_key(cache_on, tmp_path):
    path = tmp_path / "9.9.9.yaml"
    text = (ROOT / "schema_state" / REFERENCE[0]).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    # the file's release is not its stem: the reference refuses it, also after a cached load
    ok = load_snapshot(path, expected_release=False)
    assert len(_entries(cache_on)) == 1
    assert _cached(path) == _reference(path, expected_release="9.9.9")
    assert _cached(path)[1] is not None
    _same(load_snapshot(path, expected_release=False), ok)
    load_snapshot(path, expected_release=False, validate=False)
    assert len(_entries(cache_on)) == 2


def test_changed_bytes_miss(cache_on, tmp_path):
    src = ROOT / "schema_state" / REFERENCE[-1]
    path = tmp_path / src.name
    path.write_bytes(src.read_bytes())
    load_snapshot(path)
    # a trailing comment changes no meaning but the bytes: a new entry
    path.write_bytes(src.read_bytes() + b"# edited\n")
    load_snapshot(path)
    assert len(_entries(cache_on)) == 2
    # a breaking edit is reported by the reference loader with its position
    path.write_bytes(src.read_bytes() + b"tables: {}\n")
    assert _cached(path) == _reference(path, expected_release=path.stem)
    assert "duplicate key 'tables'" in _cached(path)[1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:60] + bytes([b[60] ^ 0xFF]) + b[61:],  # a flipped byte in the payload
        lambda b: b[:15] + bytes(32) + b[47:],  # a wrong MAC
        lambda b: b"",  # empty
        lambda b: b[:47] + b"junk",  # magic ok, junk
        lambda b: b"\x80\x04" + b[2:],  # not dbplan's magic
    ],
    ids=["truncated", "flipped", "mac", "empty", "junk", "magic"],
)
def test_corrupt_entries_are_ignored_and_replaced(damage, cache_on):
    path = ROOT / "schema_state" / REFERENCE[-1]
    ref, _ = _reference(path, expected_release=path.stem)
    load_snapshot(path)
    (entry,) = _entries(cache_on)
    entry.write_bytes(damage(entry.read_bytes()))
    _same(load_snapshot(path), ref)
    (entry,) = _entries(cache_on)
    _same(load_snapshot(path), ref)  # the rewritten entry is good


def test_an_authentic_non_snapshot_is_a_miss(cache_on):
    path = ROOT / "schema_state" / REFERENCE[0]
    load_snapshot(path)
    (entry,) = _entries(cache_on)
    payload = b'{"not": "a snapshot"}'
    secret = cache._secret(create=False)
    entry.write_bytes(cache.MAGIC + cache._mac(secret, entry.name, payload) + payload)
    ref, _ = _reference(path, expected_release=path.stem)
    _same(load_snapshot(path), ref)


def test_the_format_covers_every_field_of_the_model():
    assert cache.FORMAT_COVERS_MODEL


def test_cache_off_writes_nothing(cache_on, monkeypatch):
    monkeypatch.setenv("DBPLAN_CACHE", "0")
    load_snapshot(ROOT / "schema_state" / REFERENCE[0])
    assert not cache_on.exists()


def test_unwritable_cache_dir_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(blocker / "cache"))  # under a file
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    path = ROOT / "schema_state" / REFERENCE[0]
    _same(load_snapshot(path), _reference(path, expected_release=path.stem)[0])


def test_entries_are_bounded(cache_on, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    src = (ROOT / "schema_state" / REFERENCE[0]).read_bytes()
    for i in range(6):
        p = tmp_path / REFERENCE[0]
        p.write_bytes(src + f"# {i}\n".encode())
        load_snapshot(p)
    assert len(_entries(cache_on)) == 3


def test_temporary_files_of_killed_writers_are_removed_when_stale(cache_on):
    import os
    import time

    cache_on.mkdir(parents=True)
    stale, fresh = cache_on / ".dbplan-tmp-stale", cache_on / ".dbplan-tmp-fresh"
    for p in (stale, fresh):
        p.write_bytes(b"half a snapshot")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    load_snapshot(ROOT / "schema_state" / REFERENCE[0])  # a write prunes
    assert not stale.exists()
    assert fresh.exists()  # may be another process's write in progress


TRICKY = """\
snapshot: 1
release: '1.0'
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      s: {type: String(40)}
      b: {type: Boolean}
      n: {type: Integer}
      f: {type: Float}
    rows:
      values:
        - {id: 1, s: 'yes', b: yes, n: 0o17, f: 1e3}
        - {id: 2, s: on, b: off, n: 1_000, f: 1.5e+3}
        - {id: 3, s: 2001-12-14, b: ON, n: 017, f: .inf}
        - {id: 4, s: '12:30', b: No, n: 0x1F, f: -.5}
        - {id: 5, s: 12:30, b: y, n: +12, f: 1_0.5}
        - {id: 6, s: "0o17", b: true, n: ~, f: 1.}
        - {id: 7, s: 'null', b: FALSE, n: -0, f: .NaN}
"""


@pytest.mark.parametrize("variant", ["as-is", "quoted-flip"])
def test_tricky_scalars_load_the_same_both_ways(variant, cache_on, tmp_path):
    text = TRICKY if variant == "as-is" else TRICKY.replace("'yes'", "yes").replace("on,", "'on',")
    path = tmp_path / "1.0.yaml"
    path.write_text(text, encoding="utf-8")
    expected = _reference(path, expected_release="1.0")
    for _ in range(2):
        got = _cached(path)
        assert got[1] == expected[1]
        if expected[0] is not None:
            _same(got[0], expected[0])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(snapshot=snapshots(max_tables=4), schema_ref=st.sampled_from([None, "snapshot.schema.json"]))
def test_generated_snapshots_cold_and_warm(snapshot, schema_ref, tmp_path_factory, monkeypatch):
    d = tmp_path_factory.mktemp("gen")
    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(d / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(d / "config"))
    monkeypatch.delenv("DBPLAN_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    path = d / f"{snapshot.release}.yaml"
    path.write_text(dump_snapshot(snapshot, schema_ref=schema_ref), encoding="utf-8")
    ref = _reference(path, expected_release=snapshot.release)
    cold = _cached(path)
    warm = _cached(path)
    assert cold[1] == warm[1] == ref[1]
    if ref[0] is not None:
        _same(cold[0], ref[0])
        _same(warm[0], ref[0])


def test_derived_values_are_cached_and_agree(cache_on):
    from planner.revisions.provenance import _dump_sha256, snapshot_sha256

    path = ROOT / "schema_state" / REFERENCE[-1]
    s = load_snapshot(path)
    assert cache.origin_key(s) is not None
    first = snapshot_sha256(s)
    assert list(cache_on.glob("*.canonical-sha256.memo"))
    again = snapshot_sha256(load_snapshot(path))  # a new object, read back from the cache
    assert first == again == _dump_sha256(s)
    # a snapshot not loaded through the cache is hashed directly
    ref, _ = _reference(path, expected_release=path.stem)
    assert cache.origin_key(ref) is None
    assert snapshot_sha256(ref) == first


def test_revision_ids_of_big_files_are_cached_and_agree(cache_on, tmp_path):
    from planner.revisions.provenance import _module_strings, _module_strings_cached

    text = 'revision = "abc"\ndown_revision = ("x", "y")\n' + "# pad\n" * 10
    for body in (text, text + "revision = 'later'\n", text + "def broken(:\n"):
        assert _module_strings_cached(body) == _module_strings(body)
        assert _module_strings_cached(body) == _module_strings(body)  # from the cache
    assert len(list(cache_on.glob("*.module-strings.memo"))) == 3


def test_decoded_rows_give_the_same_keys_as_every_row_read(cache_on, tmp_path):
    """The column-form decode records each rows tuple's columns (``rowcheck.keys_of``
    reads the key columns from them): the keys are those read row by row, for every
    key of columns present and absent, and a copy of the rows (not recorded) agrees."""
    from planner.state import cache_format, rowcheck
    from planner.state.model import FrozenMap

    rows = tuple(FrozenMap({"id": i, "code": f"c{i}", "n": i % 3}) for i in range(50))
    encoded = cache_format._encode_rows(rows)
    assert isinstance(encoded, dict)  # the column form
    decoded = cache_format._decode_columns(encoded, "rows")
    assert decoded == rows and rowcheck._KNOWN[id(decoded)][0] is decoded
    for cols in (("code",), ("id", "n"), ("missing",), ("n", "missing", "id")):
        by_row = [tuple(dict(r).get(c) for c in cols) for r in rows]
        assert rowcheck.keys_of(decoded, cols) == by_row
        assert rowcheck.keys_of(list(decoded), cols) == by_row
