"""Issue 18, the loader's findings: values a snapshot may not hold, messages that must not
quote the input at length, bounded problem lists, and one naming rule for every command.

The loader is dialect-agnostic (no database is involved); the naming rules go through the
real ``dbplan`` executable for each command that lists snapshots.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from planner.state.errors import SnapshotError
from planner.state.yamlio import load_snapshot_text
from tests.safety.helpers import REFERENCE, dbplan

HEAD = """\
snapshot: 1
release: '1.0'
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      f: {type: Float}
      n: {type: BigInteger}
      s: {type: String(20)}
"""


def _problems(text: str | bytes) -> list[str]:
    try:
        load_snapshot_text(text, "1.0.yaml", expected_release="1.0")
    except SnapshotError as e:
        return [str(p) for p in e.problems]
    return []


def _rows(*rows: str) -> str:
    return HEAD + "    rows:\n      values:\n" + "".join(f"        - {r}\n" for r in rows)


@pytest.mark.parametrize("value", [".nan", ".NaN", ".inf", "-.inf", "+.INF", "1.0e+999"])
def test_nan_and_infinity_are_refused_with_their_position(value):
    problems = _problems(_rows("{id: 1, f: 1.5}", f"{{id: 2, f: {value}}}"))
    assert len(problems) == 1, problems
    assert re.match(
        r"1\.0\.yaml:13:22: tables\.t\.rows\.values\[1\]\.f: (NaN|infinity)", problems[0]
    )


@pytest.mark.parametrize(
    "where, text, at",
    [
        ("text value", _rows('{id: 1, s: "a\\0b"}'), "12:22: tables.t.rows.values[0].s"),
        ("text escape \\x00", _rows('{id: 1, s: "a\\x00"}'), "12:22: tables.t.rows.values[0].s"),
        ("column name", HEAD.replace("s: {type", '"s\\0": {type'), "9:7: tables.t.columns"),
        ("table name", HEAD.replace("  t:\n", '  "t\\u0000":\n'), "4:3: tables"),
    ],
)
def test_a_nul_character_in_a_name_or_value_is_refused_with_its_position(where, text, at):
    problems = _problems(text)
    assert any(p.startswith(f"1.0.yaml:{at}") and "NUL" in p for p in problems), problems


def test_a_raw_nul_byte_is_reported_with_line_and_column():
    problems = _problems(_rows("{id: 1, s: zq}").encode().replace(b"zq", b"z\0q"))
    assert problems == [
        "1.0.yaml:12:23: NUL character (byte 0x00) is not allowed in a YAML file "
        "(remove it; write control characters in double quotes as escapes)"
    ]


def test_a_5000_digit_integer_is_not_echoed_in_full():
    problems = _problems(_rows("{id: 1, n: " + "7" * 5000 + "}"))
    assert len(problems) == 1
    assert "(5000 digits)" in problems[0]
    assert len(problems[0]) < 300, problems[0]


@pytest.mark.parametrize("written, value", [("017", 15), ("-0_17", -15), ("0755", 493)])
def test_yaml_1_1_octals_are_refused_not_read_silently(written, value):
    problems = _problems(_rows(f"{{id: 1, n: {written}}}"))
    assert len(problems) == 1, problems
    assert problems[0].startswith("1.0.yaml:12:22: tables.t.rows.values[0].n: ")
    assert f"YAML 1.1 octal number ({value})" in problems[0]
    # the decimal and the quoted spellings still load
    assert _problems(_rows("{id: 1, n: 17}")) == []
    assert _problems(_rows(f"{{id: 1, s: '{written}'}}")) == []


def test_problems_are_capped_in_memory_and_output(tmp_path):
    """200,000 problems: exit 1, at most 50 lines and one counting the rest."""
    states = tmp_path / "schema_state"
    states.mkdir()
    values = ", ".join(str(i) for i in range(200_000))
    (states / "1.0.0.yaml").write_text(
        f"snapshot: 1\nrelease: '1.0.0'\nenums:\n  e: [{values}]\ntables: {{}}\n"
    )
    r = dbplan(tmp_path, "check", check=False, DBPLAN_CACHE="0")
    lines = r.stderr.splitlines()
    assert r.returncode == 1
    assert len(lines) <= 52, len(lines)
    assert "schema_state/1.0.0.yaml: … and 199,950 more problems" in lines
    assert len(r.stderr) < 20_000


def _project(tmp_path: Path, names: dict[str, Path]) -> Path:
    states = tmp_path / "schema_state"
    states.mkdir()
    for name, src in names.items():
        shutil.copyfile(src, states / name)
    return tmp_path


COMMANDS = [("check",), ("plan",), ("generate",)]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_yml_snapshot_is_refused_the_same_way_by_every_command(command, tmp_path):
    root = _project(tmp_path, {"0.1.0.yaml": REFERENCE[0], "0.2.0.yml": REFERENCE[1]})
    r = dbplan(root, *command, check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert (
        "schema_state/0.2.0.yml: snapshot files end in .yaml, not .yml "
        "(rename it to 0.2.0.yaml)" in r.stderr
    )
    assert not (root / "migrations").exists()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_release_names_equal_under_pep_440_are_refused(command, tmp_path):
    text = REFERENCE[1].read_text(encoding="utf-8").replace("0.2.0", "0.2")
    root = _project(tmp_path, {"0.1.0.yaml": REFERENCE[0], "0.2.0.yaml": REFERENCE[1]})
    (root / "schema_state" / "0.2.yaml").write_text(text, encoding="utf-8")
    r = dbplan(root, *command, check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert (
        "schema_state/0.2.yaml and schema_state/0.2.0.yaml name the same release "
        "(0.2 and 0.2.0 are equal under PEP 440); keep one of them" in r.stderr
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_release_names_with_surrounding_whitespace_are_refused(command, tmp_path):
    root = _project(tmp_path, {"0.1.0.yaml": REFERENCE[0], " 0.2.0.yaml": REFERENCE[1]})
    r = dbplan(root, *command, check=False)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "release name ' 0.2.0' has surrounding whitespace" in r.stderr
