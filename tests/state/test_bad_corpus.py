"""The bad-input corpus: every file in tests/cases/bad/ makes ``dbplan check`` fail cleanly.

Each ``<name>.yaml`` is copied as ``schema_state/1.0.0.yaml`` into an empty project; the
command must exit 1, print exactly the lines of ``<name>.expected`` on stderr (positions
included), print no traceback and write nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.cli import main

BAD = Path(__file__).resolve().parent.parent / "cases" / "bad"
CASES = sorted(p.stem for p in BAD.glob("*.yaml"))


def run_check(project: Path, capsys) -> tuple[int, str, str]:
    """Run ``dbplan -C project check`` in-process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as e:
        main(["-C", str(project), "check"])
    out, err = capsys.readouterr()
    return e.value.code, out, err


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_corpus_is_big_enough():
    assert len(CASES) >= 40
    missing = [c for c in CASES if not (BAD / f"{c}.expected").is_file()]
    assert missing == []


@pytest.mark.parametrize("case", CASES)
def test_bad_snapshot(case, tmp_path, capsys):
    (tmp_path / "schema_state").mkdir()
    shutil.copyfile(BAD / f"{case}.yaml", tmp_path / "schema_state" / "1.0.0.yaml")
    before = _tree(tmp_path)
    code, out, err = run_check(tmp_path, capsys)
    expected = (BAD / f"{case}.expected").read_text(encoding="utf-8")
    assert err == expected
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    for line in err.splitlines()[:-1]:
        assert line.startswith("schema_state/1.0.0.yaml:"), line
    assert _tree(tmp_path) == before


def test_huge_file_is_refused_without_reading_it(tmp_path, capsys):
    (tmp_path / "schema_state").mkdir()
    big = tmp_path / "schema_state" / "1.0.0.yaml"
    with open(big, "wb") as f:
        f.write(b'snapshot: 1\nrelease: "1.0.0"\ntables: {}\n')
        f.write(b"# padding\n" * (64 * 1024 * 1024 // 10 + 1))
    code, out, err = run_check(tmp_path, capsys)
    assert code == 1 and out == ""
    assert err == (
        "schema_state/1.0.0.yaml: file is 67108910 bytes, larger than the 64 MiB limit "
        "(a snapshot this big is not hand-written state; keep bulk data out of snapshots)\n"
        "Error: 1 problem in 1 snapshot\n"
    )
