"""Snapshot lookups and table edits keep the semantics of a plain scan of ``tables``.

The index and the sorted-insert edits are only faster ways to the same result: each
test compares them with the obvious definition on many random edit sequences.
"""

from __future__ import annotations

import dataclasses
import pickle
import random

import pytest

from planner.state.model import Column, Snapshot, Table


def _scan(s: Snapshot, key):
    for t in s.tables:
        if t.key == key:
            return t
    return None


def _naive_replace(s: Snapshot, table: Table, old_key=None) -> Snapshot:
    old = old_key or table.key
    kept = [t for t in s.tables if t.key not in (old, table.key)]
    return dataclasses.replace(s, tables=(*kept, table))


NAMES = ["a", "b", "c", "d", "e"]
SCHEMAS = [None, "", "ops"]


def _table(rng: random.Random, tag: int) -> Table:
    return Table(
        name=rng.choice(NAMES),
        schema=rng.choice(SCHEMAS),
        columns=(Column(name=f"c{tag}", type="Integer"),),
    )


@pytest.mark.parametrize("seed", range(40))
def test_replace_and_drop_match_the_plain_definitions(seed):
    rng = random.Random(seed)
    # repeated keys and both spellings of the default schema on purpose
    start = tuple(_table(rng, i) for i in range(rng.randrange(0, 12)))
    fast = naive = Snapshot(release="1", tables=start)
    for step in range(30):
        if rng.random() < 0.5:
            fast.get_table((rng.choice(SCHEMAS), rng.choice(NAMES)))  # builds the index
        r = rng.random()
        if r < 0.6:
            t = _table(rng, 100 + step)
            old = (rng.choice(SCHEMAS), rng.choice(NAMES)) if rng.random() < 0.5 else None
            fast, naive = fast.replace_table(t, old_key=old), _naive_replace(naive, t, old)
        else:
            key = (rng.choice(SCHEMAS), rng.choice(NAMES))
            fast = fast.without_table(key)
            naive = dataclasses.replace(
                naive, tables=tuple(x for x in naive.tables if x.key != key)
            )
        assert [id(t) for t in fast.tables] == [id(t) for t in naive.tables]
        assert fast == naive and hash(fast) == hash(naive)
        for schema in SCHEMAS:
            for name in NAMES:
                assert fast.get_table((schema, name)) is _scan(naive, (schema, name))


def test_table_lookup_takes_the_first_of_a_repeated_key():
    first, second = Table(name="t", columns=(Column(name="x", type="Integer"),)), Table(name="t")
    s = Snapshot(release="1", tables=(first, second))
    assert s.get_table((None, "t")) is first
    assert s.table("t") is first
    with pytest.raises(KeyError, match="no table 'ops.t'"):
        s.table("t", "ops")


def test_column_lookups_take_the_first_of_a_repeated_name():
    a, b = Column(name="x", type="Integer"), Column(name="x", type="Text")
    t = Table(name="t", columns=(Column(name="id", type="Integer"), a, b))
    assert t.column("x") is a
    assert t.has_column("id") and not t.has_column("y")
    assert t.column_names == ("id", "x", "x")
    assert set(t.column_set()) == {"id", "x"}
    with pytest.raises(KeyError, match="t has no column 'y'"):
        t.column("y")


def test_derived_lookups_are_not_state():
    t = Table(name="t", columns=(Column(name="x", type="Integer"),))
    fresh = Table(name="t", columns=(Column(name="x", type="Integer"),))
    t.column_names, t.has_column("x")  # noqa: B018 - fills the memo
    assert t == fresh and hash(t) == hash(fresh)
    assert [f.name for f in dataclasses.fields(Table)][:3] == ["name", "schema", "columns"]
    assert all(not f.name.startswith("_") for f in dataclasses.fields(Table))
    copy = pickle.loads(pickle.dumps(t))
    assert copy == t and copy.column("x") == t.column("x")
    s = Snapshot(release="1", tables=(t,))
    s.get_table((None, "t"))
    assert pickle.loads(pickle.dumps(s)) == s
    assert dataclasses.replace(s, release="2").get_table((None, "t")) is t
