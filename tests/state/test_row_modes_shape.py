"""Reading, checking and writing ``rows.mode``, references by natural key and
``dropped_columns`` (issue 15): every problem at its file:line:column with a fix."""

from __future__ import annotations

import pytest

from planner.state.errors import SnapshotError
from planner.state.model import FrozenMap
from planner.state.shape import load_snapshot_text
from planner.state.writer import dump_snapshot, snapshot_equal_with_hints

BASE = """snapshot: 1
release: "1.0"
tables:
  categories:
    columns:
      id: {type: Integer, primary_key: true}
      code: {type: String(20), nullable: false}
      parent_id: {type: Integer}
      meta: {type: JSON}
    unique:
      uq_categories_code: [code]
    foreign_keys:
      fk_categories_parent_id_categories:
        columns: [parent_id]
        references: {table: categories, columns: [id]}
    rows:
      mode: MODE
      key: [code]
      values:
      - {code: food}
      - {code: fruit, parent_id: REF, meta: {a: 1}}
"""


def _load(mode: str = "seed", ref: str = "{code: food}", extra: str = ""):
    return load_snapshot_text(BASE.replace("MODE", mode).replace("REF", ref) + extra, "s.yaml")


def _problems(**kw) -> list[str]:
    with pytest.raises(SnapshotError) as e:
        _load(**kw)
    return str(e.value).splitlines()


def test_mode_and_reference_are_read_and_written_back():
    s = _load()
    rows = s.table("categories").rows
    assert rows.mode == "seed"
    assert dict(rows.rows[1])["parent_id"] == FrozenMap({"code": "food"})
    assert dict(rows.rows[1])["meta"] == FrozenMap({"a": 1})  # JSON stays a document
    text = dump_snapshot(s)
    assert "    rows:\n      mode: seed\n      key: [code]\n" in text
    assert "parent_id: {code: food}" in text
    assert load_snapshot_text(text, "again.yaml") == s
    assert "mode:" not in dump_snapshot(_load(mode="managed"))  # the default is not written


def test_unknown_mode_names_line_column_and_the_choices():
    assert _problems(mode="synk") == [
        "s.yaml:17:13: tables.categories.rows.mode: expected a row mode (managed, seed, sync), "
        "found string 'synk' (did you mean 'sync'?)"
    ]


def test_reference_to_a_row_that_is_not_managed():
    assert _problems(ref="{code: veg}") == [
        "s.yaml:21:34: tables.categories.rows.values[1].parent_id: row references "
        "categories(code='veg') by natural key, which is not among the managed rows of "
        "categories (add that row to categories or fix the value)"
    ]


def test_reference_by_columns_that_are_not_unique():
    (line,) = _problems(ref="{parent_id: 1}")
    assert "s.yaml:21:34:" in line and "does not name one row of categories" in line


def test_reference_into_a_non_foreign_key_column_is_a_type_error():
    text = BASE.replace("MODE", "managed").replace("parent_id: REF", "parent_id: null, code2: 1")
    with pytest.raises(SnapshotError, match="unknown column 'code2'"):
        load_snapshot_text(text, "s.yaml")
    bad = BASE.replace("MODE", "managed").replace("{code: food}\n", "{code: {x: 1}}\n", 1)
    bad = bad.replace("parent_id: REF, ", "")
    with pytest.raises(SnapshotError, match="values\\[0\\].code"):
        load_snapshot_text(bad, "s.yaml")


def test_dropped_columns_hint_round_trips_and_is_not_state():
    extra = "    dropped_columns:\n      legacy: {backfill: \"'n/a'\"}\n"
    s = _load(extra=extra)
    assert s.table("categories").dropped_columns == (("legacy", "'n/a'"),)
    again = load_snapshot_text(dump_snapshot(s), "again.yaml")
    assert snapshot_equal_with_hints(s, again)
    assert s == _load()  # a hint: not part of the state


def test_dropped_columns_naming_a_kept_column():
    extra = "    dropped_columns:\n      code: {backfill: \"'x'\"}\n"
    (line,) = _problems(extra=extra)
    assert line.startswith("s.yaml:23:13: tables.categories.dropped_columns.code: dropped_columns")
    assert "still has" in line


def test_dropped_columns_needs_a_backfill():
    assert _problems(extra="    dropped_columns:\n      legacy: {fill: x}\n") == [
        "s.yaml:23:7: tables.categories.dropped_columns.legacy: dropped column 'legacy' needs "
        "the key 'backfill'",
        "s.yaml:23:16: tables.categories.dropped_columns.legacy.fill: unknown key 'fill' in "
        "dropped column 'legacy' (did you mean 'backfill'?)",
    ]


def test_recapture_keeps_the_row_mode_and_dropped_columns():
    import dataclasses

    from planner.state.hints import carry_hints

    extra = "    dropped_columns:\n      legacy: {backfill: \"'n/a'\"}\n"
    old = _load(mode="sync", extra=extra)
    t = old.table("categories")
    captured = dataclasses.replace(
        old,
        tables=(
            dataclasses.replace(
                t, rows=dataclasses.replace(t.rows, mode="managed"), dropped_columns=()
            ),
        ),
    )
    kept, lines = carry_hints(old, captured)
    assert kept.table("categories").rows.mode == "sync"
    assert kept.table("categories").dropped_columns == (("legacy", "'n/a'"),)
    assert lines == ("rows.mode sync of table categories", "dropped_columns of table categories")


def test_the_snapshot_cache_keeps_the_row_mode_and_dropped_columns():
    from planner.state import cache
    from planner.state.writer import snapshot_equal_with_hints

    extra = "    dropped_columns:\n      legacy: {backfill: \"'n/a'\"}\n"
    s = _load(mode="sync", extra=extra)
    back = cache._loads_snapshot(cache._dumps_snapshot(s))
    assert back.table("categories").rows.mode == "sync"
    assert snapshot_equal_with_hints(back, s)
