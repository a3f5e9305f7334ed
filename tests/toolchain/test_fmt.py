"""``dbplan fmt [--check]`` on hand-written snapshot files, through the real dbplan."""

from __future__ import annotations

import os
import stat

HAND = """\
# yaml-language-server: $schema=snapshot.schema.json
snapshot: 1
release: '1.0.0'
tables:
  units:
    columns:
      name: {nullable: false, type: String(80)}
      id:
        primary_key: true
        type: Integer
      code: {type: "String(16)", nullable: false}
    unique:
      units_code_key: [code]
    rows:
      key: [id]
      values:
      - {id: 1, code: kWh, name: kilowatt hour}
"""


def test_check_flags_a_hand_written_file_then_fmt_makes_it_canonical(scratch):
    path = scratch.root / "schema_state" / "1.0.0.yaml"
    canonical = path.read_text()
    path.write_text(HAND)
    r = scratch.run("fmt", "--check", check_rc=3)
    assert "schema_state/1.0.0.yaml: not in canonical form" in r.stderr
    assert path.read_text() == HAND  # --check writes nothing
    old = os.umask(0o022)
    os.umask(old)  # the umask the dbplan subprocess inherits
    r = scratch.run("fmt", check_rc=0)
    assert "reformatted schema_state/1.0.0.yaml" in r.stdout
    # same state as the capture, so the same bytes: key order, quoting, flow style
    # (columns in the hand-written order, which is the state's order)
    text = path.read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=snapshot.schema.json"
    assert "release: 1.0.0" in text and "'1.0.0'" not in text
    assert "id: {type: Integer, primary_key: true}" in text
    assert text != HAND and text != canonical  # columns moved: name first, as written
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o666 & ~old, oct(mode)
    scratch.run("fmt", "--check", check_rc=0)
    scratch.run("fmt", "--check", "schema_state/1.0.0.yaml", check_rc=0)


def test_comments_are_refused_unless_forced(scratch):
    path = scratch.root / "schema_state" / "1.0.0.yaml"
    commented = HAND.replace("    unique:\n", "    # codes are what users type\n    unique:\n")
    path.write_text(commented)
    r = scratch.run("fmt", check_rc=1)
    assert "schema_state/1.0.0.yaml:12: has comments (line 12)" in r.stderr
    assert "--force" in r.stderr
    assert path.read_text() == commented
    scratch.run("fmt", "--force", check_rc=0)
    assert "#" not in path.read_text().split("\n", 1)[1]


def test_invalid_snapshot_is_named_not_rewritten(scratch):
    path = scratch.root / "schema_state" / "1.0.0.yaml"
    bad = HAND.replace("type: Integer", "type: Integr")
    path.write_text(bad)
    r = scratch.run("fmt", check_rc=1)
    assert "schema_state/1.0.0.yaml:" in r.stderr
    assert path.read_text() == bad


def test_captured_snapshot_follows_the_umask(scratch):
    mode = stat.S_IMODE((scratch.root / "schema_state" / "1.0.0.yaml").stat().st_mode)
    assert mode & 0o044, oct(mode)  # not 0600: group and others may read (umask 022)
