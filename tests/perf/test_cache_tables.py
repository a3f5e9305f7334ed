"""Cache entries keep each table's JSON apart, and equal tables are shared.

An entry is the snapshot with its tables as byte sizes, then each table's own JSON
(``planner.state.cache_format``). Decoding a table's bytes gives the same table wherever
they occur, so the snapshot decoded (or encoded) next reuses the unchanged tables of the
last one as the same objects, and ``diff_snapshots`` skips a table that is one object on
both sides. These tests hold that the sharing never changes an answer: every field of
a decoded snapshot (hints included), the plans of shared and unshared snapshots byte for
byte, and that a table diffed against itself gives no operation.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from planner.diff import _diff_table, diff_snapshots
from planner.state import cache_format
from planner.state.cache_format import _Bad, _dumps_snapshot, _loads_snapshot
from planner.state.yamlio import load_snapshot_text
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = sorted((ROOT / "schema_state").glob("*.yaml"))


def _load(path: Path):
    return load_snapshot_text(path.read_bytes(), str(path), expected_release=path.stem)


def _fresh(payload: bytes):
    """Decode with nothing remembered from earlier entries (no sharing)."""
    cache_format._last_tables = {}
    return _loads_snapshot(payload)


def _same(a, b) -> None:
    """Equal, and equal in every field: ``==`` ignores the hints (compare=False)."""
    assert a == b
    assert repr(a) == repr(b)


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.name)
def test_round_trip_every_field(path):
    s = _load(path)
    _same(_fresh(_dumps_snapshot(s)), s)


def test_consecutive_entries_share_their_equal_tables():
    a, b = (_load(p) for p in REFERENCE[-2:])
    pa, pb = _dumps_snapshot(a), _dumps_snapshot(b)
    da = _fresh(pa)
    db = _loads_snapshot(pb)  # after da: its unchanged tables are da's
    _same(da, a)
    _same(db, b)
    by_key = da.tables_by_key()
    shared = [t for t in db.tables if by_key.get(t.key) is t]
    assert shared, "the two last reference releases have unchanged tables"
    for t in db.tables:
        old = by_key.get(t.key)
        if old is not None and old is not t:
            assert repr(old) != repr(t)  # only a changed table is a new object
    # and the same decoded without sharing, field for field
    _same(_fresh(pb), db)


def test_an_encoded_snapshot_lends_its_tables_to_the_next_decode():
    a, b = (_load(p) for p in REFERENCE[-2:])
    _dumps_snapshot(a)  # what the cold path does: load a, store it ...
    db = _loads_snapshot(_encoded(b))
    own = {t.key: t for t in a.tables}
    assert any(own.get(t.key) is t for t in db.tables)
    _same(db, b)


def _encoded(s):
    """``s``'s entry, encoded without touching what the last entry remembered."""
    kept = cache_format._last_tables
    try:
        return _dumps_snapshot(s)
    finally:
        cache_format._last_tables = kept


def test_shared_and_unshared_snapshots_plan_the_same():
    from planner.plan import make_plan
    from planner.review import render

    a, b = (_load(p) for p in REFERENCE[-2:])
    pa, pb = _dumps_snapshot(a), _dumps_snapshot(b)
    da = _fresh(pa)
    shared = _loads_snapshot(pb)
    alone_a, alone_b = _fresh(pa), _fresh(pb)
    assert not any(t is u for t in alone_a.tables for u in alone_b.tables)
    ops_shared, ops_alone = diff_snapshots(da, shared), diff_snapshots(alone_a, alone_b)
    assert [repr(o) for o in ops_shared] == [repr(o) for o in ops_alone]
    assert ops_alone, "the two reference releases differ"
    for fmt in ("text", "json"):
        text = [render(make_plan(x, y), fmt) for x, y in ((da, shared), (alone_a, alone_b))]
        assert text[0] == text[1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda h, rest: (h.replace(b"[", b"[[", 1), rest),  # header not the snapshot's
        lambda h, rest: (h, rest[:-1]),  # sizes do not add up
        lambda h, rest: (h, rest + b"[]"),
        lambda h, rest: (_sizes(h, lambda s: [*s[:-1], s[-1] - 1, 1]), rest),  # a split table
        lambda h, rest: (_sizes(h, lambda s: [0, *s]), rest),  # an empty table
        lambda h, rest: (_sizes(h, lambda s: "x"), rest),
    ],
    ids=["header", "short", "long", "split", "empty", "not-sizes"],
)
def test_malformed_entries_do_not_decode(damage):
    s = _load(REFERENCE[-1])
    head, rest = _dumps_snapshot(s).split(b"\n", 1)
    h, r = damage(head, rest)
    with pytest.raises((_Bad, ValueError, TypeError)):
        _fresh(h + b"\n" + r)


def _sizes(head: bytes, change) -> bytes:
    arr = json.loads(head)
    arr[cache_format._TABLES_AT] = change(arr[cache_format._TABLES_AT])
    return json.dumps(arr).encode()


def test_the_framed_fields_are_where_the_format_says():
    s = _load(REFERENCE[0])
    names = [f.name for f in dataclasses.fields(type(s))]
    assert names[cache_format._TABLES_AT] == "tables"
    names = [f.name for f in dataclasses.fields(type(s.tables[0]))]
    assert names[cache_format._COLUMNS_AT] == "columns"


def test_equal_columns_are_decoded_once():
    s = _load(REFERENCE[-1])
    d = _fresh(_dumps_snapshot(s))
    _same(d, s)
    columns = [c for t in d.tables for c in t.columns]
    by_text: dict[str, object] = {}
    for c in columns:
        assert by_text.setdefault(repr(c), c) is c  # every repeated column is one object
    assert len(by_text) < len(columns), "the reference snapshot repeats some column"


def test_a_damaged_table_frame_does_not_decode():
    s = _load(REFERENCE[-1])
    head, rest = _dumps_snapshot(s).split(b"\n", 1)
    sizes = json.loads(head)[cache_format._TABLES_AT]
    first, others = rest[: sizes[0]], rest[sizes[0] :]
    t_head, t_cols = first.split(b"\n", 1)
    arr = json.loads(t_head)
    arr[cache_format._COLUMNS_AT] = [*arr[cache_format._COLUMNS_AT][:-1], 1]  # short
    bad = json.dumps(arr).encode() + b"\n" + t_cols
    new_head = _sizes(head, lambda s: [len(bad), *s[1:]])
    with pytest.raises((_Bad, ValueError, TypeError)):
        _fresh(new_head + b"\n" + bad + others)


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.name)
def test_a_table_diffed_against_itself_gives_nothing(path):
    """The diff skips a table that is one object on both sides: sound only if so."""
    for t in _load(path).tables:
        assert _diff_table(t, t) == []


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(snapshot=snapshots(max_tables=4))
def test_a_generated_table_diffed_against_itself_gives_nothing(snapshot):
    for t in snapshot.tables:
        assert _diff_table(t, t) == []
    _same(_fresh(_dumps_snapshot(snapshot)), snapshot)


def test_the_code_stamp_covers_what_validation_reads():
    """A cached clean load stands for the checks too: their code is part of the key."""
    from planner.state import cache

    planner = ROOT / "planner"
    names = {p.relative_to(planner).as_posix() for p in cache._stamped_sources()}
    assert "sqlexpr.py" in names
    assert "state/validate.py" in names and "state/cache_format.py" in names
    assert {f"dialects/{p.name}" for p in (planner / "dialects").glob("*.py")} <= names
