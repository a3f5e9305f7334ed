"""Hostile snapshot files stay cheap: alias bombs, deep nesting, a file over the size limit
and undecodable bytes are refused with exit 1 and one message each, within bounded time and
memory (measured with ``resource.getrusage`` around a ``dbplan check`` subprocess).

The full bad-input corpus (exact messages, nothing written) is tests/state/test_bad_corpus.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.safety.helpers import DBPLAN, env

BAD = Path(__file__).resolve().parents[1] / "cases" / "bad"
#: generous bounds for a loaded 2-core machine; a typical run takes ~1 s and ~60 MiB
MAX_SECONDS = 20.0
MAX_RSS_MIB = 200

MEASURE = """
import json, resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"code": r.returncode, "seconds": time.monotonic() - t, "stderr": r.stderr,
                  "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

HEAD = b'snapshot: 1\nrelease: "1.0.0"\ntables: {}\n'


def _laughs(levels: int, width: int) -> bytes:
    lines = [HEAD, b"l0: &l0 [" + b", ".join([b"lol"] * width) + b"]\n"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]\n".encode())
    return b"".join(lines)


def _huge(_: Path) -> bytes:
    return HEAD + b"# padding\n" * (64 * 1024 * 1024 // 10 + 1)


GENERATED = {
    "billion_laughs": lambda p: _laughs(12, 12),
    "deep_flow_nesting": lambda p: HEAD + b"deep: " + b"[" * 200_000 + b"]" * 200_000 + b"\n",
    "deep_block_nesting": lambda p: (
        HEAD
        + b"deep:\n"
        + b"".join(b"  " * i + b"k:\n" for i in range(1, 3000))
        + b"  " * 3000
        + b"v\n"
    ),
    "over_size_limit": _huge,
    "long_line": lambda p: HEAD + b"x: " + b"a" * (20 * 1024 * 1024) + b"\n",
    "binary_garbage": lambda p: bytes(range(256)) * 4096,
}
CORPUS = ["alias_bomb", "recursive_alias", "not_utf8", "utf16_file", "newer_format"]


def measure(root: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, DBPLAN, "-C", str(root), "check"],
        capture_output=True,
        text=True,
        env=env(DBPLAN_CACHE="0"),
        timeout=300,
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize("case", [*CORPUS, *GENERATED])
def test_hostile_file_is_refused_in_bounded_time_and_memory(case, tmp_path):
    states = tmp_path / "schema_state"
    states.mkdir()
    target = states / "1.0.0.yaml"
    if case in GENERATED:
        target.write_bytes(GENERATED[case](target))
    else:
        target.write_bytes((BAD / f"{case}.yaml").read_bytes())
    before = sorted(p.name for p in tmp_path.rglob("*"))
    m = measure(tmp_path)
    lines = m["stderr"].splitlines()
    assert m["code"] == 1, m
    assert "Traceback" not in m["stderr"]
    assert lines[-1] == "Error: 1 problem in 1 snapshot", m["stderr"][:2000]
    assert lines[0].startswith("schema_state/1.0.0.yaml"), lines[0][:500]
    assert len(m["stderr"]) < 2000, "the message quotes the hostile input at length"
    assert m["seconds"] < MAX_SECONDS, m
    assert m["rss_kib"] < MAX_RSS_MIB * 1024, m
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
