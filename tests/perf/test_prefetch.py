"""Loading big snapshots side by side (planner.state.prefetch) changes nothing but time.

Each test runs the real ``dbplan`` command as a process (prefetching forks, and never
runs in a process with other threads, as pytest-xdist workers have) on a generated
project whose snapshots are big enough to be cached, once with ``DBPLAN_JOBS=2`` and an
empty cache and once with ``DBPLAN_JOBS=1``, and requires the same output, word for
word, and the same exit code: for valid snapshots, and when one or both are invalid
(the problems then come from the parent's reference loader, in the usual order).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.gen import write_project
from planner.state import prefetch

ROOT = Path(__file__).resolve().parents[2]
DBPLAN = str(Path(sys.executable).with_name("dbplan"))


@pytest.fixture(scope="module")
def big_project(tmp_path_factory) -> Path:
    import shutil

    root = write_project(250, tmp_path_factory.mktemp("prefetch") / "p")
    for p in (root / "schema_state").glob("*.yaml"):
        assert p.stat().st_size > prefetch.PARALLEL_MIN_BYTES, "the test needs files loaded ahead"
    shutil.copytree(
        ROOT / "migrations",
        root / "migrations",
        ignore=shutil.ignore_patterns("versions", "__pycache__"),
    )
    (root / "migrations" / "versions").mkdir()
    for frm, to, rev in REVISIONS:
        subprocess.run(
            [
                DBPLAN,
                "-C",
                str(root),
                "generate",
                frm,
                to,
                "-m",
                "r",
                "--rev-id",
                rev,
                "--allow-destructive",
            ],
            check=True,
            capture_output=True,
            env=dict(os.environ, DBPLAN_CACHE="0"),
        )
    return root


REVISIONS = (("empty", "1.0.0", "000000000001"), ("1.0.0", "1.1.0", "000000000002"))


def _run(root: Path, cache_dir: Path, jobs: int, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DBPLAN_CACHE_DIR=str(cache_dir), DBPLAN_JOBS=str(jobs), NO_COLOR="1")
    env.pop("DBPLAN_CACHE", None)
    return subprocess.run(
        [DBPLAN, "-C", str(root), *args], capture_output=True, text=True, env=env, timeout=300
    )


def _same_both_ways(root: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    one = _run(root, tmp_path / "c1", 1, *args)
    two = _run(root, tmp_path / "c2", 2, *args)
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    return two


def test_prefetch_hands_files_to_a_child_and_caches_them(big_project, tmp_path):
    script = (
        "import sys; from planner.state.prefetch import prefetch; print(prefetch(sys.argv[1:]))"
    )
    files = sorted(str(p) for p in (big_project / "schema_state").glob("*.yaml"))
    env = dict(os.environ, DBPLAN_CACHE_DIR=str(tmp_path / "c"), DBPLAN_JOBS="2")
    env.pop("DBPLAN_CACHE", None)
    out = subprocess.run(
        [sys.executable, "-c", script, *files],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == "1"  # one file loaded by the child, one by the parent
    assert len(list((tmp_path / "c").glob("*.snapshot"))) == 2
    again = subprocess.run(
        [sys.executable, "-c", script, *files],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    assert again.stdout.strip() == "0"  # both cached now: nothing to do
    off = subprocess.run(
        [sys.executable, "-c", script, *files],
        capture_output=True,
        text=True,
        env=dict(env, DBPLAN_JOBS="1", DBPLAN_CACHE_DIR=str(tmp_path / "c3")),
        check=True,
        cwd=ROOT,
    )
    assert off.stdout.strip() == "0"


@pytest.mark.parametrize(
    "args",
    [("plan",), ("plan", "--format", "json"), ("plan", "1.1.0", "1.0.0"), ("check",)],
    ids=["plan", "json", "downgrade", "check"],
)
def test_commands_agree_with_and_without_prefetch(big_project, tmp_path, args):
    done = _same_both_ways(big_project, tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "broken", [["1.0.0"], ["1.1.0"], ["1.0.0", "1.1.0"]], ids=["first", "second", "both"]
)
def test_problems_are_reported_as_without_prefetch(big_project, tmp_path, broken):
    import shutil

    root = tmp_path / "p"
    shutil.copytree(big_project, root)
    for release in broken:
        _break(root / "schema_state" / f"{release}.yaml", "type: Integer", "type: Intger")
    for args in (("plan",), ("check",)):
        done = _same_both_ways(root, tmp_path / args[0], *args)
        assert done.returncode != 0
        # plan stops at the first invalid snapshot it loads, check reports every one
        named = broken if args == ("check",) else broken[:1]
        for release in named:
            assert f"{release}.yaml:" in done.stderr + done.stdout
        assert "Intger" in done.stderr + done.stdout


def test_generate_writes_the_same_revision(big_project, tmp_path):
    import shutil

    texts = []
    for jobs in (1, 2):
        root = tmp_path / f"g{jobs}"
        shutil.copytree(big_project, root, ignore=shutil.ignore_patterns("versions"))
        (root / "migrations" / "versions").mkdir()
        for frm, to, rev in REVISIONS:
            done = _run(
                root,
                tmp_path / f"c{jobs}",
                jobs,
                "generate",
                frm,
                to,
                "-m",
                "r",
                "--rev-id",
                rev,
                "--allow-destructive",
            )
            assert done.returncode == 0, done.stderr
        texts.append(
            sorted(
                (p.name, p.read_text(encoding="utf-8"))
                for p in (root / "migrations" / "versions").glob("*.py")
            )
        )
    assert texts[0] == texts[1]
    assert len(texts[0]) == 2
    committed = sorted(
        (p.name, p.read_text(encoding="utf-8"))
        for p in (big_project / "migrations" / "versions").glob("*.py")
    )
    assert texts[1] == committed  # and the same as written without any cache


@pytest.mark.parametrize("broken", ["1.0.0", "1.1.0"])
def test_a_refused_sql_fragment_is_reported_and_not_cached(big_project, tmp_path, broken):
    # the child leaves its file's SQL fragments to the parent (no sqlglot import there):
    # a fragment that is not one expression must still be refused, word for word as
    # without prefetching, and the snapshot holding it never cached
    import shutil

    root = tmp_path / "p"
    shutil.copytree(big_project, root)
    path = root / "schema_state" / f"{broken}.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index(">= 0\n")
    path.write_text(text[:at] + ">= 0; DROP TABLE victim\n" + text[at + 5 :], encoding="utf-8")
    done = _same_both_ways(root, tmp_path, "plan")
    assert done.returncode != 0
    assert f"{broken}.yaml:" in done.stderr and "is not one SQL expression" in done.stderr
    from planner.state import cache

    key = cache.cache_key(path.read_bytes(), expected_release=broken, validate=True)
    assert not (tmp_path / "c2" / f"{key}.snapshot").exists()
    assert len(list((tmp_path / "c2").glob("*.snapshot"))) == 1  # the other file's
