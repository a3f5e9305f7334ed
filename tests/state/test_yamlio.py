"""Loading, canonical dumping and writing of snapshot files."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from planner.state.errors import SnapshotError
from planner.state.model import Column, FrozenMap, PrimaryKey, RowSet, Snapshot, Table
from planner.state.yamlio import (
    SCHEMA_FILENAME,
    SnapshotExistsError,
    dump_snapshot,
    load_snapshot,
    load_snapshot_text,
    load_with_source_map,
    parse_yaml,
    schema_text,
    snapshot_equal_with_hints,
    write_snapshot,
)
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]
HEAD = "snapshot: 1\nrelease: '1.0.0'\n"


def load(text: str, **kw) -> Snapshot:
    return load_snapshot_text(text, "1.0.0.yaml", **kw)


def problems(text: str | bytes, **kw) -> list[str]:
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "1.0.0.yaml", **kw)
    return [str(p) for p in e.value.problems]


# --------------------------------------------------------------------------- round trip
@given(snapshots())
def test_load_dump_round_trip_is_exact_and_byte_stable(s):
    text = dump_snapshot(s)
    back = load_snapshot_text(text, f"{s.release}.yaml", expected_release=s.release)
    assert back == s
    assert snapshot_equal_with_hints(back, s)
    assert dump_snapshot(back) == text


@given(snapshots())
def test_c_and_python_emitters_write_identical_bytes(s):
    # the default picks libyaml when available (and safe for the document); PyYAML is the reference
    reference = dump_snapshot(s, dumper=yaml.SafeDumper)
    assert dump_snapshot(s) == reference
    # where dump_snapshot picks libyaml (no empty, non-ASCII or unprintable key), libyaml
    # writes the reference bytes; the other documents go to PyYAML's writer
    from planner.state.yamlio import _dumper_class, snapshot_node

    if hasattr(yaml, "CSafeDumper") and issubclass(
        _dumper_class(snapshot_node(s)), yaml.CSafeDumper
    ):
        assert dump_snapshot(s, dumper=yaml.CSafeDumper) == reference


def test_empty_keys_are_written_the_same_by_both_emitters():
    t = Table(
        name="t",
        columns=(Column(name="id", type="Integer", nullable=False), Column(name="j", type="JSON")),
        primary_key=PrimaryKey(columns=("id",)),
        rows=RowSet(key=("id",), rows=(FrozenMap({"id": 1, "j": {"": 1}}),)),
    )
    s = Snapshot(release="1.0.0", tables=(t,))
    # PyYAML (the reference) writes an empty key as a complex key; libyaml would not
    assert "- {id: 1, j: {? '' : 1}}" in dump_snapshot(s)
    assert dump_snapshot(s) == dump_snapshot(s, dumper=yaml.SafeDumper)
    assert load(dump_snapshot(s)) == s


@given(snapshots())
def test_dump_is_readable_by_plain_pyyaml_with_the_same_values(s):
    # any YAML 1.1 reader sees the same strings: values that look like bool/null/number/date are quoted
    data = yaml.safe_load(dump_snapshot(s))
    assert data["release"] == s.release
    for t in s.tables:
        cols = data["tables"][t.name]["columns"]
        assert list(cols) == list(t.column_names)
        for c in t.columns:
            assert cols[c.name]["type"] == c.type
            assert cols[c.name].get("server_default") == c.server_default
            assert cols[c.name].get("comment") == c.comment


def test_hints_survive_the_round_trip():
    t = Table(
        name="sites",
        renamed_from="places",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(
                name="name", type="String(80)", nullable=False, renamed_from="title", backfill="'x'"
            ),
        ),
        primary_key=PrimaryKey(columns=("id",)),
    )
    s = Snapshot(release="1.0.0", tables=(t,))
    back = load(dump_snapshot(s))
    assert back.table("sites").renamed_from == "places"
    assert back.table("sites").column("name").renamed_from == "title"
    assert back.table("sites").column("name").backfill == "'x'"
    stripped = dataclasses.replace(t, renamed_from=None)
    assert back == dataclasses.replace(s, tables=(stripped,))  # equality ignores hints
    assert not snapshot_equal_with_hints(back, dataclasses.replace(s, tables=(stripped,)))


def test_reference_snapshots_are_canonical():
    for path in sorted((ROOT / "schema_state").glob("*.yaml")):
        s = load_snapshot(path)
        assert load_snapshot_text(dump_snapshot(s), path.name, expected_release=s.release) == s


# --------------------------------------------------------------------------- canonical form
def test_canonical_text_exactly():
    s = load(
        HEAD
        + "naming_convention:\n  pk: pk_%(table_name)s\n"
        + "enums:\n  level: [info, 'yes', 'null']\n"
        + "tables:\n"
        + "  units:\n"
        + "    columns:\n"
        + "      id: {type: Integer, primary_key: true}\n"
        + "      name: {type: String( 80 ), nullable: false}\n"
        + "      lvl: {type: Enum(level), server_default: \"'info'\"}\n"
        + "      amount: {type: 'Numeric(10,2)'}\n"
        + "      at: {type: Date}\n"
        + "    rows:\n"
        + "      values:\n"
        + "        - {name: 'on', id: 1, amount: '1.0', at: 2024-01-01, lvl: 'yes'}\n"
    )
    assert dump_snapshot(s, schema_ref="../x.json") == (
        "# yaml-language-server: $schema=../x.json\n"
        "snapshot: 1\n"
        "release: 1.0.0\n"
        "naming_convention:\n"
        "  pk: pk_%(table_name)s\n"
        "enums:\n"
        "  level: [info, 'yes', 'null']\n"
        "tables:\n"
        "  units:\n"
        "    columns:\n"
        "      id: {type: Integer, primary_key: true}\n"
        "      name: {type: String(80), nullable: false}\n"
        "      lvl: {type: Enum(level), server_default: \"'info'\"}\n"
        "      amount: {type: 'Numeric(10, 2)'}\n"
        "      at: {type: Date}\n"
        "    rows:\n"
        "      key: [id]\n"
        "      values:\n"
        "      - {id: 1, name: 'on', lvl: 'yes', amount: '1.0', at: '2024-01-01'}\n"
    )


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "No",
        "null",
        "~",
        "1.0",
        "10",
        "2024-01-01",
        "1.10",
        "0x1A",
        "12:30",
        "",
        " a",
        "#x",
        "a: b",
        "1e3",
        "0o17",
        ".5",
        "+1",
        "TRUE",
    ],
)
def test_yaml_lookalike_strings_are_quoted(value):
    s = Snapshot(
        release="1.10",
        tables=(Table(name="t", columns=(Column(name="c", type="Text", comment=value),)),),
    )
    text = dump_snapshot(s, schema_ref=None)
    assert "release: '1.10'\n" in text
    assert yaml.safe_load(text)["tables"]["t"]["columns"]["c"]["comment"] == value
    assert load_snapshot_text(text, "1.10.yaml") == s
    assert f"comment: {value}}}" not in text  # quoted, for YAML 1.2 readers too


def test_pk_name_derived_from_convention_and_written_only_when_different():
    base = (
        HEAD
        + "naming_convention: {pk: 'pk_%(table_name)s'}\ntables:\n  t:\n    columns:\n      id: {type: Integer, primary_key: true}\n"
    )
    s = load(base)
    assert s.table("t").primary_key == PrimaryKey(name="pk_t", columns=("id",))
    assert "\n    primary_key:" not in dump_snapshot(s)
    explicit_null = load(base + "    primary_key: {name: null}\n")
    assert explicit_null.table("t").primary_key.name is None
    assert "primary_key: {name: null}" in dump_snapshot(explicit_null)
    assert load(dump_snapshot(explicit_null)) == explicit_null


def test_primary_key_column_order_kept():
    s = load(
        HEAD + "tables:\n  t:\n    columns:\n      a: {type: Integer}\n      b: {type: Integer}\n"
        "    primary_key: {columns: [b, a]}\n"
    )
    pk = s.table("t").primary_key
    assert pk.columns == ("b", "a") and not s.table("t").column("a").nullable
    assert "primary_key: {columns: [b, a]}" in dump_snapshot(s)
    assert load(dump_snapshot(s)) == s


# --------------------------------------------------------------------------- loader rules
def test_dates_and_sexagesimal_stay_strings():
    s = load(
        HEAD + "tables:\n  t:\n    columns:\n      d: {type: Date, primary_key: true}\n"
        "      t: {type: Time}\n    rows:\n      values:\n        - {d: 2024-01-31, t: 12:30}\n"
    )
    assert dict(s.table("t").rows.rows[0]) == {"d": "2024-01-31", "t": "12:30"}


def test_anchors_and_merge_keys_are_expanded():
    s = load(
        HEAD + "tables:\n  t:\n    columns:\n      id: &pk {type: Integer, primary_key: true}\n"
        "  u:\n    columns:\n      id: *pk\n      n: {<<: *pk, primary_key: false, nullable: false}\n"
    )
    assert s.table("u").column("id") == s.table("t").column("id")
    assert s.table("u").column("n").type == "Integer" and not s.table("u").column("n").nullable


def test_every_problem_is_reported_at_once():
    found = problems(
        HEAD
        + "tables:\n  t:\n    colums: {}\n  u:\n    columns:\n      a: {type: Integer, nulable: true}\n"
        "      b: {type: Text, nullable: 'no'}\n"
    )
    assert found == [
        "1.0.0.yaml:4:3: tables.t: table 't' needs the key 'columns' (list at least one column)",
        "1.0.0.yaml:5:5: tables.t.colums: unknown key 'colums' in table 't' (did you mean 'columns'?)",
        "1.0.0.yaml:8:26: tables.u.columns.a.nulable: unknown key 'nulable' in column 'a' (did you mean 'nullable'?)",
        "1.0.0.yaml:9:33: tables.u.columns.b.nullable: expected nullable (true or false), found string 'no' (write false without quotes)",
    ]


def test_unknown_top_level_key_lists_the_expected_keys():
    assert problems(HEAD + "tables: {}\nzzz: 1\n") == [
        "1.0.0.yaml:4:1: zzz: unknown key 'zzz' in a snapshot "
        "(expected one of: snapshot, release, naming_convention, enums, tables, unmanaged, routines, "
        "views, schemas, extensions, sequences, steps, collations, domains, types)"
    ]


def test_duplicate_keys_are_rejected_with_both_positions():
    assert problems(
        HEAD + "tables:\n  t:\n    columns:\n      a: {type: Integer}\n      a: {type: Text}\n"
    ) == [
        "1.0.0.yaml:7:7: tables.t.columns.a: duplicate key 'a' (first defined at line 6, column 7; YAML would keep only the last)"
    ]


def test_newer_format_says_upgrade():
    assert problems("snapshot: 2\nrelease: '1.0.0'\ntables: {}\nnew_thing: 1\n") == [
        "1.0.0.yaml:1:11: snapshot: format version 2 is newer than this dbplan supports (1) (upgrade dbplan)"
    ]


def test_release_must_match_the_file_stem_and_be_a_string():
    assert problems(HEAD + "tables: {}\n", expected_release="1.1.0") == [
        "1.0.0.yaml:2:10: release: release '1.0.0' does not match the file name '1.1.0' "
        '(rename the file to 1.0.0.yaml or write release: "1.1.0")'
    ]
    assert problems("snapshot: 1\nrelease: 1.10\ntables: {}\n") == [
        "1.0.0.yaml:2:10: release: expected the release as a string, found number 1.1 (quote it: '1.1')"
    ]


def test_non_utf8_tabs_and_syntax_errors_have_positions():
    assert problems(b"snapshot: 1\nrelease: '1.0.0'\ntables: {x\xff: 1}\n") == [
        "1.0.0.yaml:3:11: not UTF-8: byte 0xff cannot be decoded (save the file as UTF-8)"
    ]
    assert problems(HEAD + "tables:\n\tt: {}\n") == [
        "1.0.0.yaml:4:1: tab character in indentation (YAML indents with spaces only; replace the tab with spaces)"
    ]
    (msg,) = problems(HEAD + "tables: {a: [}\n")
    assert msg.startswith("1.0.0.yaml:3:14: malformed YAML: ")


def test_alias_bomb_is_refused_quickly():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    found = problems(HEAD + "tables: {}\n" + "\n".join(lines) + "\n")
    assert any("aliases expand to more than 100000 nodes (an alias bomb?)" in p for p in found)


def test_recursive_alias_is_refused():
    found = problems(HEAD + "tables: &t {x: *t}\n")
    assert found and ("recursive" in found[0] or "malformed YAML" in found[0])


def test_unsupported_tags_are_refused():
    found = problems(HEAD + "tables: !!python/object:os.system {}\n")
    assert found == [
        "1.0.0.yaml:3:9: tables: unsupported tag tag:yaml.org,2002:python/object:os.system (remove the tag)"
    ]


def test_source_map_positions_are_one_based():
    _, sm = load_with_source_map(
        HEAD + "tables:\n  t:\n    columns:\n      a: {type: Integer}\n", "f.yaml"
    )
    assert sm[("tables", "t", "columns", "a", "type")] == (6, 17)
    assert sm.key_position(("tables", "t")) == (4, 3)
    assert sm.locate(("tables", "t", "columns", "zz", "type")) == (5, 5)


def test_parse_yaml_never_raises_on_empty_input():
    assert parse_yaml("", "f.yaml")[2] == []
    assert problems("") == [
        "1.0.0.yaml:1:1: the file is empty (a snapshot starts with: snapshot: 1)"
    ]


# --------------------------------------------------------------------------- writing
def test_write_snapshot_refuses_to_overwrite_and_is_atomic(tmp_path):
    s = Snapshot(release="1.0.0")
    p = write_snapshot(tmp_path / "schema_state" / "1.0.0.yaml", s)
    assert p.read_text(encoding="utf-8") == dump_snapshot(s)
    assert (tmp_path / "schema_state" / SCHEMA_FILENAME).read_text(
        encoding="utf-8"
    ) == schema_text()
    with pytest.raises(SnapshotExistsError, match="exists; pass --force"):
        write_snapshot(p, Snapshot(release="1.0.0", enums=()), force=False)
    s2 = Snapshot(
        release="1.0.0", tables=(Table(name="t", columns=(Column(name="c", type="Text"),)),)
    )
    write_snapshot(p, s2, force=True)
    assert load_snapshot(p) == s2
    leftovers = [x.name for x in p.parent.iterdir() if x.name.endswith(".tmp")]
    assert leftovers == []


def test_write_snapshot_file_name_must_be_the_release(tmp_path):
    from planner.state.errors import DbplanError

    with pytest.raises(DbplanError, match="must be named 1.0.0.yaml"):
        write_snapshot(tmp_path / "2.0.yaml", Snapshot(release="1.0.0"))
    assert list(tmp_path.iterdir()) == []


def test_huge_file_is_refused_with_the_limit(tmp_path):
    big = tmp_path / "1.0.0.yaml"
    with open(big, "wb") as f:
        f.write(HEAD.encode() + b"tables: {}\n")
        f.truncate(64 * 1024 * 1024 + 1)
    with pytest.raises(SnapshotError) as e:
        load_snapshot(big, filename="1.0.0.yaml")
    assert str(e.value) == (
        "1.0.0.yaml: file is 67108865 bytes, larger than the 64 MiB limit "
        "(a snapshot this big is not hand-written state; keep bulk data out of snapshots)"
    )


# --------------------------------------------------------------------------- JSON Schema
def _check(schema: dict, value, path: str, root: dict) -> list[str]:
    """A tiny JSON Schema (2020-12 subset) checker: the keywords our schema uses."""
    if "$ref" in schema:
        ref = schema["$ref"].removeprefix("#/")
        target = root
        for part in ref.split("/"):
            target = target[part]
        return _check(target, value, path, root)
    errors = []
    types = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = False
        for t in allowed:
            if t == "number":
                ok |= isinstance(value, (int, float)) and not isinstance(value, bool)
            elif t == "integer":
                ok |= isinstance(value, int) and not isinstance(value, bool)
            else:
                ok |= isinstance(value, types[t])
        if not ok:
            return [f"{path}: {value!r} is not {allowed}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        errors.append(f"{path}: too short")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append(f"{path}: missing {key}")
        props = schema.get("properties", {})
        for key, v in value.items():
            if key in props:
                errors += _check(props[key], v, f"{path}.{key}", root)
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += _check(schema["additionalProperties"], v, f"{path}.{key}", root)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: too few items")
        if "items" in schema:
            for i, v in enumerate(value):
                errors += _check(schema["items"], v, f"{path}[{i}]", root)
    return errors


SCHEMA = json.loads(schema_text())


def test_schema_is_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_reference_snapshots_and_plan_cases_match_the_json_schema():
    files = sorted((ROOT / "schema_state").glob("*.yaml"))
    files += [
        p for p in sorted((ROOT / "tests" / "cases").glob("*/*.yaml")) if p.parent.name != "bad"
    ]
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoDates)
        assert _check(SCHEMA, data, "$", SCHEMA) == [], path


@given(snapshots())
def test_dumped_snapshots_match_the_json_schema(s):
    data = yaml.load(dump_snapshot(s), Loader=_NoDates)
    assert _check(SCHEMA, data, "$", SCHEMA) == []


def test_json_schema_rejects_what_the_loader_rejects():
    bad = {
        "snapshot": 1,
        "release": "1",
        "tables": {"t": {"columns": {"a": {"type": "Text", "nulable": True}}}},
    }
    assert _check(SCHEMA, bad, "$", SCHEMA) == ["$.tables.t.columns.a: unexpected nulable"]


class _NoDates(yaml.SafeLoader):
    pass


_NoDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_row_values_keep_types():
    s = load(
        HEAD + "tables:\n  t:\n    columns:\n      id: {type: Integer, primary_key: true}\n"
        "      j: {type: JSON}\n    rows:\n      values:\n        - {id: 1, j: {b: [1, {c: null}], a: 1.5}}\n"
    )
    row = s.table("t").rows
    assert row == RowSet(
        key=("id",), rows=(FrozenMap({"id": 1, "j": {"a": 1.5, "b": [1, {"c": None}]}}),)
    )
    assert re.search(r"- \{id: 1, j: \{a: 1.5, b: \[1, \{c: null\}\]\}\}", dump_snapshot(s))


# --------------------------------------------------------------------------- the format document
DOC = (ROOT / "docs" / "snapshot-format.md").read_text(encoding="utf-8")


def test_documented_example_is_valid_and_canonical():
    example = re.search(r"## A complete example\n\n```yaml\n(.*?)```", DOC, re.S).group(1)
    s = load_snapshot_text(example, "0.3.0.yaml", expected_release="0.3.0")
    assert dump_snapshot(s) == example


def test_documented_normalisations_match_capture():
    capture = pytest.importorskip("planner.state.capture")
    assert capture.NORMALISATIONS in DOC


# --------------------------------------------------------------------------- never a traceback
def _load_or_problems(data) -> None:
    try:
        load_snapshot_text(data, "1.0.yaml")
    except SnapshotError as e:
        assert e.problems
        for p in e.problems:
            assert p.message and p.file == "1.0.yaml"


@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_arbitrary_input_gives_problems_not_exceptions(data):
    _load_or_problems(data)


@given(snapshots(max_tables=3), st.data())
def test_mutated_snapshots_give_problems_not_exceptions(s, data):
    lines = dump_snapshot(s).splitlines(keepends=True)
    i = data.draw(st.integers(0, len(lines) - 1))
    edit = data.draw(st.sampled_from(["drop", "dup", "indent", "dedent", "garble", "swap"]))
    line = lines[i]
    if edit == "drop":
        del lines[i]
    elif edit == "dup":
        lines.insert(i, line)
    elif edit == "indent":
        lines[i] = "  " + line
    elif edit == "dedent":
        lines[i] = line[2:] if line.startswith("  ") else line
    elif edit == "garble":
        pos = data.draw(st.integers(0, max(0, len(line) - 1)))
        lines[i] = (
            line[:pos]
            + data.draw(st.sampled_from(list("{}[]:,'\"#&*!|>-? x1\t")))
            + line[pos + 1 :]
        )
    else:
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    _load_or_problems("".join(lines))


@pytest.mark.parametrize("depth", [100, 5000])
def test_deep_nesting_is_a_problem_not_a_recursion_error(depth):
    (msg,) = problems(HEAD + "tables: {}\nx: " + "[" * depth + "]" * depth + "\n")
    assert "nested deeper than 64 levels" in msg or "exceeded maximum nesting depth" in msg


def test_explicit_keys_beside_a_merge_keep_their_own_positions():
    text = (
        HEAD
        + "tables:\n  t:\n    columns:\n      id: &pk {type: Integer, primary_key: true}\n      n: {<<: *pk, primary_key: Strng}\n"
    )
    found = problems(text)
    assert found == [
        "1.0.0.yaml:7:33: tables.t.columns.n.primary_key: expected primary_key (true or false), found string 'Strng'"
    ]


def test_tables_of_the_same_name_in_two_schemas_cannot_be_written():
    t = Table(name="t", columns=(Column(name="c", type="Text"),))
    s = Snapshot(release="1", tables=(t, dataclasses.replace(t, schema="ops")))
    with pytest.raises(ValueError, match=r"cannot write tables \['t'\] of several schemas"):
        dump_snapshot(s)


def test_a_file_with_200_000_problems_stays_under_200_mib(tmp_path):
    """docs/safety.md: a hostile file is refused within 200 MiB, a 200,000-problem one too
    (the node tree is freed before the source map is made; problems are capped)."""
    from tests.safety.test_bad_inputs import MAX_RSS_MIB, measure

    states = tmp_path / "schema_state"
    states.mkdir()
    values = ", ".join(str(i) for i in range(200_000))
    (states / "1.0.0.yaml").write_text(
        f"snapshot: 1\nrelease: '1.0.0'\nenums:\n  e: [{values}]\ntables: {{}}\n"
    )
    got = measure(tmp_path)
    assert got["code"] == 1, got["stderr"][-2000:]
    assert "… and 199,950 more problems" in got["stderr"]
    assert len(got["stderr"].splitlines()) <= 52
    assert got["rss_kib"] / 1024 < MAX_RSS_MIB, got["rss_kib"]


# --------------------------------------------------------------------------- enum comments
def test_an_enum_comment_round_trips_and_a_non_string_is_refused_at_its_line():
    s = load(
        HEAD + 'enums:\n  mood:\n    values: [ok, bad]\n    comment: "it\'s: 50%"\ntables: {}\n'
    )
    assert s.enums[0].comment == "it's: 50%"
    text = dump_snapshot(s)
    assert "comment:" in text
    assert load_snapshot_text(text, "1.0.0.yaml") == s
    out = problems(HEAD + "enums:\n  mood:\n    values: [ok, bad]\n    comment: 5\ntables: {}\n")
    assert len(out) == 1 and "1.0.0.yaml:6" in out[0] and "a comment (a string)" in out[0]


# --------------------------------------------------------------------------- view column comments
def test_view_column_comments_round_trip_and_a_non_string_is_refused_at_its_line():
    view = "views:\n- name: v\n  definition: SELECT 1 AS a, 2 AS b\n  column_comments:\n"
    s = load(HEAD + "tables: {}\n" + view + '    b: second\n    a: "it\'s: 50%"\n')
    assert s.views[0].column_comments == (("a", "it's: 50%"), ("b", "second"))
    text = dump_snapshot(s)
    assert "column_comments:" in text
    assert load_snapshot_text(text, "1.0.0.yaml") == s
    out = problems(HEAD + "tables: {}\n" + view + "    a: 5\n")
    assert len(out) == 1 and "1.0.0.yaml:8" in out[0] and "a comment (a string)" in out[0]


@given(s=snapshots(max_tables=4))
def test_a_clean_file_reads_the_same_values_and_positions_as_the_full_reading(s):
    from planner.state.reader import SourceMap, _parse_text, parse_yaml

    try:
        text = dump_snapshot(s) + "extra:\n  - {a: 1, b: [x, 'y', 2.5, null, true]}\n"
    except ValueError:  # tables of several schemas with one name: not writable
        return
    value, sm, problems = parse_yaml(text, "f.yaml")
    full, full_sm, full_problems, _ = _parse_text(text, "f.yaml", positions=True)
    assert type(full_sm) is SourceMap and not problems and not full_problems
    assert value == full
    # asked first for a position, the clean file's map reads the text again
    assert (type(sm) is SourceMap) == ("&" in text)  # an anchor: positions at once
    assert sm.locate(("extra", 0, "b", 1)) == full_sm.locate(("extra", 0, "b", 1))
    assert dict(sm) == dict(full_sm) and len(sm) == len(full_sm)
    assert all(sm.key_position(p) == full_sm.key_position(p) for p in full_sm)
    assert all(sm.is_plain(p) == full_sm.is_plain(p) for p in full_sm)
