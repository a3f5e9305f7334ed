"""The fast loading path (``yamlio.fast_load``) never loads a file differently.

The fast path parses with yaml_rs (a YAML 1.2 parser with its own ideas about ``yes``,
``0o17`` or dates), builds the snapshot with the same shape and semantic checks, and
accepts it only if the canonical writer reproduces the file byte for byte; anything else
goes to the reference loader (PyYAML, positions). These tests hold it to that:

* on every file, the fast path gives None or exactly (hints included) what the reference
  loader gives, and ``load_snapshot`` gives the same snapshot or the same problems, word
  for word, with the fast path on or off;
* the fast writer ``_fast_dump`` writes what ``dump_snapshot`` writes;
* canonical files (reference, bench and generated snapshots) are accepted, so the fast
  path is really taken — and ``reference(dump(s)) == s``, the fact its proof rests on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner.state import yamlio
from planner.state.errors import SnapshotError
from planner.state.yamlio import (
    _fast_dump,
    canonical_dump,
    dump_snapshot,
    fast_load,
    load_snapshot,
    load_snapshot_text,
    snapshot_equal_with_hints,
)
from tests.perf.test_cache import TRICKY
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "cases" / "bad"
BAD_CASES = sorted(p.name for p in BAD.glob("*.yaml"))
REFERENCE = sorted(p.name for p in (ROOT / "schema_state").glob("*.yaml"))


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    monkeypatch.setenv("DBPLAN_CACHE", "0")
    monkeypatch.delenv("DBPLAN_FAST_LOAD", raising=False)


def _reference(data: bytes, name: str, expected: str | None):
    try:
        return load_snapshot_text(data, name, expected_release=expected), None
    except SnapshotError as e:
        return None, str(e)


def _same(a, b) -> None:
    assert snapshot_equal_with_hints(a, b)
    assert repr(a) == repr(b)


def _agree(data: bytes, name: str = "f.yaml", expected: str | None = None):
    """The fast path gives None or the reference's snapshot; returns the fast result."""
    fast = fast_load(data, name, expected_release=expected, validate=True)
    ref, problems = _reference(data, name, expected)
    if fast is not None:
        assert problems is None, problems
        _same(fast, ref)
    return fast


def _load_both_ways(path: Path, monkeypatch):
    out = []
    for flag in ("1", "0"):
        monkeypatch.setenv("DBPLAN_FAST_LOAD", flag)
        try:
            out.append((load_snapshot(path), None))
        except SnapshotError as e:
            out.append((None, str(e)))
    return out


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_corpus_is_refused_and_reported_as_before(case, monkeypatch):
    path = BAD / case
    data = path.read_bytes()
    assert fast_load(data, str(path), expected_release=path.stem, validate=True) is None
    (fast, fast_problems), (ref, ref_problems) = _load_both_ways(path, monkeypatch)
    assert fast_problems == ref_problems
    assert fast_problems is not None
    assert fast is ref is None


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_snapshots_take_the_fast_path(name, monkeypatch):
    path = ROOT / "schema_state" / name
    assert _agree(path.read_bytes(), str(path), path.stem) is not None
    (fast, _), (ref, _) = _load_both_ways(path, monkeypatch)
    _same(fast, ref)


def test_bench_snapshots_take_the_fast_path():
    from bench.gen import make_pair

    for s in make_pair(120):
        text = dump_snapshot(s)
        assert _fast_dump(s) == dump_snapshot(s, schema_ref=None)
        assert _agree(text.encode(), f"{s.release}.yaml", s.release) is not None


@pytest.mark.parametrize("variant", ["as-is", "quoted-flip"])
def test_tricky_scalars(variant):
    text = TRICKY if variant == "as-is" else TRICKY.replace("'yes'", "yes").replace("on,", "'on',")
    _agree(text.encode(), "1.0.yaml", "1.0")


CANONICAL = (ROOT / "schema_state" / REFERENCE[-1]).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("release: ", "release:  ", 1),  # same meaning, not canonical
        lambda t: t + "# trailing comment\n",
        lambda t: "\ufeff" + t,
        lambda t: t.replace("\n", "\r\n"),
        lambda t: "# another comment\n" + t,
        lambda t: "---\n" + t,
        lambda t: t + "...\n",
        lambda t: t.replace("tables:", "tables: &a", 1),
        lambda t: t.replace("nullable: false", "nullable: no", 1),
        lambda t: t.replace("nullable: false", "nullable: !!bool false", 1),
        lambda t: t + "tables: {}\n",  # duplicate key
        lambda t: t.replace("snapshot: 1", "snapshot: 0o1", 1),
        lambda t: t.replace("snapshot: 1", "snapshot: 1.0", 1),
    ],
)
def test_non_canonical_spellings_take_the_reference_path(edit, tmp_path, monkeypatch):
    text = edit(CANONICAL)
    assert text != CANONICAL
    assert _agree(text.encode(), "x.yaml", None) is None
    path = tmp_path / REFERENCE[-1]
    path.write_bytes(text.encode())
    (fast, fast_problems), (ref, ref_problems) = _load_both_ways(path, monkeypatch)
    assert fast_problems == ref_problems
    if ref is not None:
        _same(fast, ref)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(snapshot=snapshots(max_tables=4), schema_ref=st.sampled_from([None, "snapshot.schema.json"]))
def test_generated_snapshots(snapshot, schema_ref):
    try:
        canonical = dump_snapshot(snapshot, schema_ref=None)
    except ValueError:  # tables of several schemas with one name: not writable
        assume(False)
    fast_text = _fast_dump(snapshot)
    if fast_text is not None:
        assert fast_text == canonical
    assert canonical_dump(snapshot) == dump_snapshot(snapshot)  # revision provenance hashes
    text = dump_snapshot(snapshot, schema_ref=schema_ref)
    got = _agree(text.encode(), f"{snapshot.release}.yaml", snapshot.release)
    ref, problems = _reference(text.encode(), "f.yaml", snapshot.release)
    if problems is None and fast_text is not None:
        assert got is not None  # a valid canonical file is taken on the fast path
        _same(got, ref)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    snapshot=snapshots(max_tables=3),
    pos=st.floats(0, 1),
    junk=st.sampled_from(
        [
            "'",
            '"',
            " ",
            "  ",
            "\n",
            "- ",
            ": ",
            "#",
            "&a ",
            "*a",
            "!!str ",
            "{",
            "}",
            "[",
            ",",
            "yes",
            "0x1",
            "~",
            "\t",
            "\\",
            "1:2",
            "2020-01-01",
            "?",
            "%",
            "\u2028",
            "\x85",
        ]
    ),
    cut=st.integers(0, 3),
)
def test_damaged_canonical_files(snapshot, pos, junk, cut):
    try:
        text = dump_snapshot(snapshot)
    except ValueError:
        assume(False)
    i = int(pos * len(text))
    damaged = text[:i] + junk + text[i + cut :]
    _agree(damaged.encode(), f"{snapshot.release}.yaml", snapshot.release)


def test_fast_path_can_be_turned_off(monkeypatch):
    calls = []
    monkeypatch.setattr(yamlio, "fast_load", lambda *a, **k: calls.append(1))
    path = ROOT / "schema_state" / REFERENCE[0]
    monkeypatch.setenv("DBPLAN_FAST_LOAD", "0")
    load_snapshot(path)
    assert calls == []
    monkeypatch.setenv("DBPLAN_FAST_LOAD", "1")
    load_snapshot(path)
    assert calls == [1]


def test_canonical_dump_of_a_fast_loaded_snapshot_is_its_file():
    path = ROOT / "schema_state" / REFERENCE[-1]
    s = fast_load(path.read_bytes(), "f", expected_release=None, validate=True)
    assert s is not None
    assert canonical_dump(s) == path.read_text(encoding="utf-8") == dump_snapshot(s)


HEAD = '''"""msg

Revision ID: abc
"""
from alembic import op

revision: str = 'abc'
down_revision = ('x', 'y')


'''


@pytest.mark.parametrize(
    "body, header_only",
    [
        ("def upgrade() -> None:\n    op.execute('x')\n\n\ndef downgrade():\n    pass\n", True),
        ("@decorated\ndef upgrade():\n    # comment\n    x = (\n        1\n    )\n", True),
        ("def upgrade():\n    pass\nrevision = 'later'\n", False),
        ('def upgrade():\n    x = """\nrevision = \'in a string\'\n"""\n', False),
        ("def upgrade():\n    pass\n\n\nif True:\n    revision = 'later'\n", False),
    ],
)
def test_revision_ids_read_from_the_header_agree_with_the_whole_file(body, header_only):
    import ast

    from planner.revisions.provenance import _header, _module_strings

    text = HEAD + body
    assert (_header(text) is not None) == header_only
    whole = {}
    for node in ast.parse(text).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            value = ast.literal_eval(node.value)
            whole[target.id] = tuple(value) if isinstance(value, tuple) else value
    assert _module_strings(text) == whole


def test_reference_revisions_are_read_from_their_headers():
    from planner.revisions.provenance import _header

    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        assert _header(path.read_text(encoding="utf-8")) is not None, path.name


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("nullable: false", "nullable: 0", 1),  # == False in Python
        lambda t: t.replace("primary_key: true", "primary_key: 1", 1),
        lambda t: t.replace("{id: 1,", "{id: 1.0,", 1),  # 1.0 == 1
        lambda t: t.replace("{id: 1,", "{id: true,", 1),  # True == 1
        lambda t: t.replace("nullable: false", "nullable: false ", 1),
    ],
)
def test_tables_reused_from_the_previous_file_are_checked_too(edit):
    """The second file of a pair reuses the first file's tables when their parsed
    mappings are equal; the byte comparison still decides."""
    from bench.gen import make_pair

    old, new = make_pair(40)
    a = dump_snapshot(old).encode()
    assert fast_load(a, "a.yaml", expected_release=None, validate=True) is not None
    b = edit(dump_snapshot(old))
    assert b.encode() != a
    assert fast_load(b.encode(), "b.yaml", expected_release=None, validate=True) is None
    _agree(b.encode(), "b.yaml")
    # and a genuinely new release after it is accepted and right
    assert fast_load(a, "a.yaml", expected_release=None, validate=True) is not None
    assert _agree(dump_snapshot(new).encode(), "n.yaml") is not None


@pytest.mark.parametrize("start", ["", "a:\n", "a:\n  b:\n    "])
@pytest.mark.parametrize("pattern", ["- ", "? ", ": ", "[\n", "{a:\n", "! "])
def test_deep_nesting_never_reaches_the_fast_parser(start, pattern, monkeypatch):
    """Deeply nested compact forms (``- - - ...``) crash yaml_rs (a segfault, not an
    exception): no canonical file has them, so they are turned away before parsing."""
    from planner.state import yamlio as y

    text = start + pattern * 5000 + "x\n"
    parsed = []
    monkeypatch.setattr(y, "_fast_parse", parsed.append)  # fast_load swallows any raise
    assert fast_load(text.encode(), "f.yaml", expected_release=None, validate=True) is None
    assert parsed == []
    # the guard lets canonical files through
    canonical = (ROOT / "schema_state" / REFERENCE[-1]).read_text(encoding="utf-8")
    assert fast_load(canonical.encode(), "f.yaml", expected_release=None, validate=True) is None
    assert len(parsed) == 1
