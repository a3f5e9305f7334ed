"""Terminal habits: progress per revision, one colour rule for every command, one error
prefix with project-relative paths, shell completion of release names."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DBPLAN = str(Path(sys.executable).parent / "dbplan")
ESC = "\x1b["


def run(*args: str, env=None, project=ROOT):
    base = {"SQLALCHEMY_DATABASE_URI": "", "NO_COLOR": None, "FORCE_COLOR": None, "TERM": None}
    return CliRunner().invoke(cli, ["-C", str(project), *args], env={**base, **(env or {})})


def dbplan(*args: str, cwd: Path, env=None):
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})}
    return subprocess.run([DBPLAN, *args], cwd=cwd, capture_output=True, text=True, env=full)


def test_upgrade_and_downgrade_print_a_line_per_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    r = run("upgrade", "-r", "0.2.0", "--url", url)
    assert r.exit_code == 0, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith("upgrade base -> ") and "(release 0.1.0) ... done (" in lines[0]
    assert "(release 0.2.0) ... done (" in lines[1]
    r = run("downgrade", "-r", "base", "--url", url)
    assert r.exit_code == 0, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and all(ln.startswith("downgrade ") for ln in lines), r.stderr
    assert "(to release 0.1.0)" in lines[0]
    assert r.stdout.endswith("-> base (no revision)\n")


def test_progress_survives_a_logger_an_earlier_fileconfig_disabled(tmp_path):
    """In one process (a test suite, a notebook) an earlier Alembic run's fileConfig may
    have disabled Alembic's migration logger: the progress lines still come."""
    import logging

    logger = logging.getLogger("alembic.runtime.migration")
    was = logger.disabled
    logger.disabled = True
    try:
        test_upgrade_and_downgrade_print_a_line_per_revision(tmp_path)
        assert logger.disabled, "the logger is left as it was"
    finally:
        logger.disabled = was


@pytest.mark.parametrize(
    "args,env,coloured",
    [
        ((), {}, False),  # not a terminal
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "0"}, False),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--no-color",), {"FORCE_COLOR": "1"}, False),
        (("--color",), {"NO_COLOR": "1"}, True),
        (("--color",), {"TERM": "dumb"}, True),
    ],
)
def test_one_colour_rule(args, env, coloured):
    r = run(*args, "plan", "0.4.0", "0.5.0", env=env)
    assert r.exit_code == 0, r.output
    assert (ESC in r.stdout) is coloured


def test_errors_have_one_prefix_and_relative_paths(tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "schema_state", proj / "schema_state")
    shutil.copy2(ROOT / "pyproject.toml", proj / "pyproject.toml")
    shutil.copytree(
        ROOT / "migrations", proj / "migrations", ignore=shutil.ignore_patterns("__pycache__")
    )
    snap = proj / "schema_state" / "0.5.0.yaml"
    snap.write_text(snap.read_text().replace("type: String(80)", "type: Strng(80)", 1))
    # a ClickException (invalid snapshot) and a DbplanError (unstamped database)
    bad = dbplan("-C", str(proj), "check", cwd=tmp_path)
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    (tmp_path / "x.sqlite").touch()
    unstamped = dbplan(
        "-C", str(proj), "drift", "--url", db, cwd=tmp_path, env={"FORCE_COLOR": "0"}
    )
    for p in (bad, unstamped):
        errors = [ln for ln in p.stderr.splitlines() if "rror" in ln.split(":")[0]]
        assert errors and all(ln.startswith("Error: ") for ln in errors), p.stderr
        assert str(proj) + "/" not in p.stderr, p.stderr
    assert bad.returncode == 1 and "schema_state/0.5.0.yaml:" in bad.stderr
    assert unstamped.returncode == 1 and ESC not in unstamped.stderr
    coloured = dbplan("-C", str(proj), "drift", "--url", db, cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert coloured.stderr.startswith(ESC) and "Error: " in coloured.stderr


def test_shell_completion_of_release_names():
    env = {"_DBPLAN_COMPLETE": "bash_complete", "COMP_WORDS": "dbplan plan 0.", "COMP_CWORD": "2"}
    p = dbplan("plan", cwd=ROOT, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == [
        "plain,0.1.0",
        "plain,0.2.0",
        "plain,0.3.0",
        "plain,0.4.0",
        "plain,0.5.0",
    ]
    env = {
        "_DBPLAN_COMPLETE": "bash_complete",
        "COMP_WORDS": "dbplan setup --release 0.5",
        "COMP_CWORD": "3",
    }
    assert dbplan(cwd=ROOT, env=env).stdout.split() == ["plain,0.5.0"]
    env = {"_DBPLAN_COMPLETE": "bash_complete", "COMP_WORDS": "dbplan sql e", "COMP_CWORD": "2"}
    assert dbplan(cwd=ROOT, env=env).stdout.split() == ["plain,empty"]
    src = dbplan(cwd=ROOT, env={"_DBPLAN_COMPLETE": "bash_source"})
    assert "_DBPLAN_COMPLETE=bash_complete" in src.stdout
