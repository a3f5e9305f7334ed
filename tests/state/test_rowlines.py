"""Rows read line by line (planner.state.rowlines) agree with PyYAML's composer.

For every text here, ``parse_yaml(text, row_lines=True)`` and the ordinary reading give the
same values, the same problems and the same positions (every path of the ordinary
SourceMap, its key positions and plainness); the texts the line reader must leave to PyYAML
(a block inside a literal scalar or a flow mapping, an aliased block, a duplicate key, a
tab, a NUL ...) are checked to be left to it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.state import rowlines
from planner.state.reader import parse_yaml
from planner.state.rowlines import FrozenRows, RowSourceMap


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(rowlines, "MIN_ROWS", 1)


def _plain_values(v):
    if isinstance(v, FrozenRows):
        return [dict(r) for r in v]
    if isinstance(v, dict):
        return {k: _plain_values(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain_values(x) for x in v]
    return v


def _same(text: str) -> bool:
    """Both readings agree; True when the line reader took a block."""
    fast = parse_yaml(text, "f.yaml", row_lines=True)
    ref = parse_yaml(text, "f.yaml")
    assert [str(p) for p in fast[2]] == [str(p) for p in ref[2]]
    assert _plain_values(fast[0]) == _plain_values(ref[0])
    if isinstance(fast[0], dict) and isinstance(ref[0], dict):
        for a, b in zip(fast[0].values(), ref[0].values(), strict=True):
            assert type(a) is type(b) or isinstance(a, FrozenRows)
    fsm, rsm = fast[1], ref[1]
    assert dict(fsm) == dict(rsm)
    assert len(fsm) == len(rsm)
    for path in rsm:
        assert fsm.key_position(path) == rsm.key_position(path), path
        assert fsm.is_plain(path) == rsm.is_plain(path), path
        assert fsm.locate((*path, "nope", 3)) == rsm.locate((*path, "nope", 3)), path
    return isinstance(fsm, RowSourceMap)


def _doc(lines: list[str], *, indent: str = "  ", after: str = "key: [code]\n") -> str:
    body = "".join(f"{indent}- {line}\n" for line in lines)
    return f"# rows\nrows:\n  values:\n{body}  {after}other: 1\n"


def test_canonical_rows_are_read_by_lines():
    text = _doc(
        [
            "{id: 1, code: '0001', name: Place 1, region_id: 2}",
            "{id: 2, code: '0002', name: Land's End, region_id: null}",
            "{id: -3, code: 'it''s', name: \"double\", ratio: 1.5, ok: true}",
        ]
    )
    assert _same(text)
    doc, sm, _ = parse_yaml(text, "f.yaml", row_lines=True)
    rows = doc["rows"]["values"]
    assert dict(rows[2]) == {"id": -3, "code": "it's", "name": "double", "ratio": 1.5, "ok": True}
    line = text.splitlines()[5]
    assert sm[("rows", "values", 2, "code")] == (6, line.index("'it") + 1)
    assert sm.key_position(("rows", "values", 2, "ratio")) == (6, line.index("ratio") + 1)


@pytest.mark.parametrize(
    "lines",
    [
        # hand-written forms: double quotes, spaces, comments, other key orders
        ['{ id: 1 ,  code:   "a b" }  # note', "{code: 'x', id: 2}", "{id: 3}"],
        ["{a: 2020-01-02, b: 12:30, c: 0x1F, d: 017, e: 1_000}"],
        ["{a: yes, b: No, c: ~, d: Null, e: .5, f: 1e5, g: -0, h: 1.0e+20}"],
        ["{a: .nan, b: -.inf}"],
        ["{a: '', b: \"\", c: 'a\\b', d: 'tab\there'}"],
        ["{a: Zürich, b: 東京, c: 'ü', d: \"😀\"}"],
        ["{a: -x, b: x-y, c: (1), d: a/b, e: x@y, f: '@y', g: it's}"],
        ["{a: 1, a: 2}"],
        ["{null: 1, true: 2, on: 3}"],
        ["{a: [1, 2], b: {c: 1}}"],
        ["{a: *x}", "{a: &y 1}", "{a: !!str 1}"],
        ["{a: 1,}", "{}", "{a:1}", "{a : 1}"],
        ['{a: "esc\\n"}'],
        ["{a: b # c}"],
        ["{a: 1}", "- nested", "{a: 2}"],
    ],
)
def test_lines_agree(lines):
    _same(_doc(lines))


@pytest.mark.parametrize(
    "text",
    [
        # block inside a literal scalar: not a mapping key
        "a: |\n  values:\n  - {a: 1}\nb: 2\n",
        # in a flow mapping
        "rows: {key: [a], values:\n  - {a: 1}\n  }\n",
        # aliased and merged
        "x: &r\n  values:\n  - {a: 1}\ny: *r\n",
        "x: &r\n  values:\n  - {a: 1}\ny:\n  <<: *r\n",
        # the sequence continues, or the next line is indented between key and items
        "r:\n  values:\n  - {a: 1}\n  - [1]\n",
        "r:\n  values:\n    - {a: 1}\n   bad: 1\n",
        "r:\n  values:\n  - {a: 1}\n  -x: 1\n",
        # blank and comment lines among the items; no final newline
        "r:\n  values:\n  - {a: 1}\n\n# c\n     # d\n  - {a: 2}\n",
        "r:\n  values:\n  - {a: 1}\n  - {a: 2}",
        "values:\n- {a: 1}\n- {b: 2}\n",
        # a tab, a NUL, a carriage return, a duplicate key after the block
        "r:\n  values:\n  - {a: 1}\n\t- {a: 2}\n",
        "r:\n  values:\n  - {a: '\x00'}\n",
        "r:\n  values:\n  - {a: 1}\r\n",
        "r:\n  values:\n  - {a: 1}\n  values: 2\n",
        "r:\n  values:\n  - {a: 1}\nr: 2\n",
        # two blocks, one taken and one not
        "a:\n  values:\n  - {a: 1}\nb:\n  values:\n  - {a: [1]}\nc:\n  values:\n  - {c: 3}\n",
        # a syntax error after the block
        "r:\n  values:\n  - {a: 1}\n  key: [a\n",
        "---\nr:\n  values:\n  - {a: 1}\n---\nx: 1\n",
    ],
)
def test_unusual_texts_agree(text):
    _same(text)


def test_unusual_texts_left_to_pyyaml():
    for text in (
        "a: |\n  values:\n  - {a: 1}\nb: 2\n",
        "x: &r\n  values:\n  - {a: 1}\ny: *r\n",
        "rows: {key: [a], values:\n  - {a: 1}\n  }\n",
        "r:\n  values:\n  - {a: '\x00'}\n",
    ):
        assert not isinstance(parse_yaml(text, "f.yaml", row_lines=True)[1], RowSourceMap)


def test_the_threshold_keeps_small_blocks_with_pyyaml(monkeypatch):
    monkeypatch.setattr(rowlines, "MIN_ROWS", 3)
    assert not _same(_doc(["{a: 1}", "{a: 2}"]))
    assert _same(_doc(["{a: 1}", "{a: 2}", "{a: 3}"]))


_CHARS = st.sampled_from(
    list("aZ09 -_.'\"#:,?[]{}&*!|>%@`~=<+()/\\\t") + ["ü", "\u2028", "\x85", "\ufeff", "é"]
)
_WORDS = st.text(st.sampled_from(list("aZ09 -_.()/'\"éü東")), min_size=1, max_size=8)
_TOKENS = st.one_of(
    _WORDS,
    _WORDS.map(lambda s: "'" + s.replace("'", "''") + "'"),
    _WORDS.map(lambda s: '"' + s.replace('"', "") + '"'),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(
        ["01", "1e3", "true", "False", "yes", "null", "~", "''", "2020-01-02", "1:20", "-"]
    ),
    st.text(_CHARS, max_size=8),
    st.text(_CHARS, max_size=6).map(lambda s: "'" + s.replace("'", "''") + "'"),
    st.text(_CHARS, max_size=6).map(lambda s: '"' + s.replace('"', "") + '"'),
)
_KEYS = st.sampled_from(["id", "code", "name", "a_b", "x1", "y"] * 3 + ["null", "on"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.tuples(_KEYS, _TOKENS), min_size=1, max_size=4, unique_by=lambda kv: kv[0]),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["  ", "    "]),
)
def test_generated_lines_agree(rows, indent):
    lines = ["{" + ", ".join(f"{k}: {v}" for k, v in row) + "}" for row in rows]
    _same(_doc(lines, indent=indent))


def test_snapshot_rows_load_alike(tmp_path):
    """A whole row-heavy snapshot: the same model either way (bench.rowgen, both forms)."""
    from bench.rowgen import write_project
    from planner.state.shape import load_with_source_map

    for form in ("canonical", "hand"):
        root = tmp_path / form
        write_project(300, str(root), form=form)
        for path in sorted((root / "schema_state").glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            assert _same(text)
            fast, fsm = load_with_source_map(text, path.name)
            rowlines.MIN_ROWS = 10**9
            try:
                ref, _ = load_with_source_map(text, path.name)
            finally:
                rowlines.MIN_ROWS = 1
            assert isinstance(fsm, RowSourceMap)
            assert fast == ref and repr(fast) == repr(ref)
