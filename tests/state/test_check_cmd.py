"""``dbplan check``: exit codes, ordering, every problem of every file, the checker hook."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import check_cmd, main

ROOT = Path(__file__).resolve().parents[2]


def snapshot_text(release: str, body: str = "tables: {}\n") -> str:
    return f'snapshot: 1\nrelease: "{release}"\n{body}'


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "states"\n', encoding="utf-8"
    )
    d = tmp_path / "states"
    d.mkdir()
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return tmp_path


def run(root: Path, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(["-C", str(root), "check"])
    out, err = capsys.readouterr()
    return e.value.code, out, err


def test_valid_snapshots_in_pep440_order(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(check_cmd, "CHECKERS", [])  # no migrations here: only the snapshots
    root = project(
        tmp_path, {f"{r}.yaml": snapshot_text(r) for r in ("0.10.0", "0.9.0", "0.9.0rc1", "1.0")}
    )
    code, out, err = run(root, capsys)
    assert (code, out, err) == (0, "4 snapshots valid: 0.9.0rc1, 0.9.0, 0.10.0, 1.0\n", "")


def test_every_problem_of_every_file_is_printed_sorted(tmp_path, capsys):
    root = project(
        tmp_path,
        {
            "1.0.0.yaml": snapshot_text(
                "1.0.0", "tables:\n  a:\n    columns:\n      id: {type: Intger}\n"
            ),
            "0.2.0.yaml": snapshot_text("0.2.0", "tables: {}\nextra: 1\n"),
            "0.1.0.yaml": snapshot_text("0.1.0"),
        },
    )
    code, out, err = run(root, capsys)
    assert code == 1 and out == ""
    assert err == (
        "states/0.2.0.yaml:4:1: extra: unknown key 'extra' in a snapshot "
        "(expected one of: snapshot, release, naming_convention, enums, tables, unmanaged, routines, "
        "views, schemas, extensions, sequences, steps, collations, domains, types)\n"
        "states/1.0.0.yaml:6:18: tables.a.columns.id.type: unknown type 'Intger' (did you mean 'Integer'?)\n"
        "Error: 2 problems in 2 snapshots\n"
    )


def test_file_name_that_is_not_a_release(tmp_path, capsys):
    root = project(
        tmp_path, {"latest.yaml": snapshot_text("1.0"), "1.0.yaml": snapshot_text("1.0")}
    )
    code, out, err = run(root, capsys)
    assert code == 1
    assert err.startswith("states/latest.yaml: release 'latest' is not a PEP 440 version")


def test_no_snapshots_is_an_error(tmp_path, capsys):
    code, out, err = run(project(tmp_path, {}), capsys)
    assert code == 1
    assert "no snapshots in states/" in err


def test_checkers_report_findings_with_exit_3(tmp_path, capsys, monkeypatch):
    mod = tmp_path / "mods" / "fake_sync_checker.py"
    mod.parent.mkdir()
    mod.write_text(
        "def check(project, snapshots):\n"
        "    return [f'{r}: revision out of date' for r in snapshots]\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(mod.parent))
    monkeypatch.setattr(check_cmd, "CHECKERS", ["no.such.module:check", "fake_sync_checker:check"])
    (tmp_path / "p").mkdir()
    root = project(
        tmp_path / "p", {"0.1.0.yaml": snapshot_text("0.1.0"), "0.2.0.yaml": snapshot_text("0.2.0")}
    )
    code, out, err = run(root, capsys)
    assert code == 3
    assert out == "2 snapshots valid: 0.1.0, 0.2.0\n"
    assert err == "0.1.0: revision out of date\n0.2.0: revision out of date\n2 findings\n"


def test_reference_project_is_valid_as_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(ROOT), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # exit 3 would be revision findings (issue 4), never an invalid snapshot
    assert proc.returncode in (0, 3), proc.stderr
    assert re.match(r"\d+ snapshots valid: 0\.1\.0, 0\.2\.0, ", proc.stdout)
    assert "Traceback" not in proc.stderr


def test_capped_problems_are_counted_in_full(tmp_path, capsys):
    """A capped list prints its first problems and one line counting the rest; the summary
    counts them all (before: "51 problems", the kept lines plus the counting line)."""
    values = ", ".join(str(i) for i in range(120))
    root = project(
        tmp_path, {"1.0.0.yaml": snapshot_text("1.0.0", f"enums:\n  e: [{values}]\ntables: {{}}\n")}
    )
    code, out, err = run(root, capsys)
    lines = err.splitlines()
    assert code == 1
    more = [line for line in lines if "more problem" in line]
    assert len(more) == 1
    shown = len(lines) - 2  # the problems kept, then the counting line and the summary
    left = int(re.search(r"and ([\d,]+) more", more[0]).group(1).replace(",", ""))
    assert shown + left == 120
    assert lines[-1] == "Error: 120 problems in 1 snapshot"
