"""The fast path's quick table builder (``_ReusingShape._quick_table``) builds exactly
what the reference builder (``_Shape.table``) builds, or declines.

It skips the reference's problem bookkeeping, so it must decline every table body the
reference would report anything about, and on the others give an equal table, hints
included. Hypothesis feeds both random table bodies made of the values a YAML parser
returns: right and wrong types, nulls, ``1``/``True``/``0``/``False`` look-alikes,
empty lists and names.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.state import yamlio
from planner.state.model import Table
from planner.state.yamlio import SourceMap

NAMES = st.sampled_from(["id", "a", "b", "c_id", "x y"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, 2, 1.0, 0.0]),
    st.sampled_from(["", "Integer", "Text", "String(20)", "now()", "a", "true"]),
)
TEXTS = st.sampled_from(["Integer", "Text", "now()", "a", "x y", "0"])
FLAGS = st.booleans()
NAME_LISTS = st.lists(NAMES, min_size=1, max_size=3)


@st.composite
def mostly(draw, valid, odd=SCALARS):
    """Usually a value of the right type; one time in eight anything (also wrong)."""
    if draw(st.integers(0, 7)) == 0:
        return draw(
            st.one_of(odd, st.just([]), st.lists(st.sampled_from(["", 1, None]), min_size=1))
        )
    return draw(valid)


def _maybe(d: dict, draw, key: str, values, p: int = 2) -> None:
    if draw(st.integers(0, p - 1)) == 0:
        d[key] = draw(mostly(values))


def _names(draw, p: int = 12) -> list:
    """Names for a mapping; sometimes an empty or non-string one."""
    names = draw(st.lists(NAMES, max_size=3, unique=True))
    if draw(st.integers(0, p - 1)) == 0:
        names.append(draw(st.sampled_from(["", 1, None, True])))
    return names


@st.composite
def table_bodies(draw):
    body: dict = {}
    columns: dict = {}
    for name in _names(draw, p=20):
        col: dict = {"type": draw(mostly(st.sampled_from(["Integer", "Text", "Strng", "Enum(e)"])))}
        if draw(st.integers(0, 15)) == 0:
            del col["type"]
        for key in ("primary_key", "nullable", "autoincrement"):
            _maybe(col, draw, key, FLAGS)
        for key in ("server_default", "comment", "renamed_from", "backfill"):
            _maybe(col, draw, key, TEXTS, p=4)
        if draw(st.integers(0, 20)) == 0:
            col["unknown"] = 1
        columns[name] = col if draw(st.integers(0, 20)) else draw(SCALARS)
    body["columns"] = columns if draw(st.integers(0, 15)) else draw(SCALARS)
    for key in ("schema", "comment", "renamed_from"):
        _maybe(body, draw, key, TEXTS, p=4)
    if draw(st.booleans()):
        pk: dict = {}
        _maybe(pk, draw, "name", st.one_of(st.none(), TEXTS))
        _maybe(pk, draw, "columns", NAME_LISTS)
        body["primary_key"] = pk if draw(st.integers(0, 10)) else draw(SCALARS)
    if draw(st.booleans()):
        fks: dict = {}
        for name in _names(draw):
            ref: dict = {"table": draw(mostly(st.just("p"))), "columns": draw(mostly(NAME_LISTS))}
            _maybe(ref, draw, "schema", TEXTS, p=4)
            if draw(st.integers(0, 10)) == 0:
                ref.pop(draw(st.sampled_from(["table", "columns"])))
            fk: dict = {
                "columns": draw(mostly(NAME_LISTS)),
                "references": draw(mostly(st.just(ref))),
            }
            if draw(st.integers(0, 10)) == 0:
                fk.pop(draw(st.sampled_from(["columns", "references"])))
            _maybe(fk, draw, "ondelete", st.sampled_from(["CASCADE", "SET NULL"]), p=3)
            _maybe(fk, draw, "onupdate", st.sampled_from(["CASCADE", "SET NULL"]), p=3)
            fks[name] = fk
        body["foreign_keys"] = fks if draw(st.integers(0, 10)) else draw(SCALARS)
    if draw(st.booleans()):
        body["unique"] = {n: draw(mostly(NAME_LISTS)) for n in _names(draw)}
    if draw(st.booleans()):
        body["checks"] = {n: draw(mostly(TEXTS)) for n in _names(draw)}
    if draw(st.booleans()):
        indexes: dict = {}
        for name in _names(draw):
            ix: dict = {"columns": draw(mostly(NAME_LISTS))}
            _maybe(ix, draw, "unique", FLAGS)
            _maybe(ix, draw, "where", TEXTS, p=3)
            indexes[name] = ix if draw(st.integers(0, 10)) else draw(SCALARS)
        body["indexes"] = indexes if draw(st.integers(0, 10)) else draw(SCALARS)
    if draw(st.integers(0, 5)) == 0:
        body["rows"] = {"key": ["id"], "values": [{"id": 1}]} if draw(st.booleans()) else 3
    if draw(st.integers(0, 20)) == 0:
        body["unknown"] = 1
    return body


def _hints(t: Table) -> tuple:
    return (t.renamed_from, [(c.name, c.renamed_from, c.backfill) for c in t.columns])


def _build_both(body):
    ref_shape = yamlio._Shape("f.yaml", SourceMap())
    ref = ref_shape.table("t", body, ("tables", "t"), {"pk": "pk_%(table_name)s"})
    quick_shape = yamlio._ReusingShape("f.yaml", SourceMap())
    try:
        quick = quick_shape._quick_table("t", body, ("tables", "t"), {"pk": "pk_%(table_name)s"})
    except yamlio._Irregular:
        quick = None
    return ref, ref_shape.problems, quick, quick_shape.problems


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=table_bodies())
def test_quick_builder_agrees_with_the_reference_or_declines(body):
    yamlio._COLUMN_MEMO.clear()
    ref, ref_problems, quick, quick_problems = _build_both(body)
    if quick is None:
        return
    # accepted: the reference had nothing to say (rows are the reference's own code)
    assert ref_problems == quick_problems
    assert ref is not None
    assert quick == ref and repr(quick) == repr(ref) and _hints(quick) == _hints(ref)
    # and again with the column memo filled (shared columns must not change anything)
    _, _, again, _ = _build_both(body)
    assert again == ref and repr(again) == repr(ref) and _hints(again) == _hints(ref)


@pytest.mark.parametrize(
    "value",
    [1, 0, 1.0, 0.0, "true", "yes", None],
)
def test_flags_that_only_compare_equal_to_a_bool_are_declined(value):
    """``1 == True``: a column memo keyed by values must not turn ``nullable: 1`` into
    the remembered ``nullable: true`` column."""
    yamlio._COLUMN_MEMO.clear()
    good = {"columns": {"a": {"type": "Integer", "nullable": True}}}
    assert _build_both(good)[2] is not None
    odd = {"columns": {"a": {"type": "Integer", "nullable": value}}}
    ref, problems, quick, _ = _build_both(odd)
    if value is None:  # null is "not given", for both
        assert quick == ref and not problems
    else:
        assert quick is None and problems


def test_the_bench_tables_take_the_quick_builder():
    from bench.gen import make_pair

    old, _ = make_pair(60)
    doc = yamlio._fast_parse(yamlio.dump_snapshot(old, schema_ref=None))
    conventions = dict(old.naming_convention)
    quick = yamlio._ReusingShape("f.yaml", SourceMap())
    for name, body in doc["tables"].items():
        t = quick._quick_table(name, body, ("tables", name), conventions)
        assert t is not None, name
        assert t == old.table(name) and _hints(t) == _hints(old.table(name))
    assert not quick.problems
