"""The pytest plugin in a scratch project's own pytest run (a subprocess, as a user runs it).

The test file is the example of docs/pytest.md, so the documented example runs in CI.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def documented_example() -> str:
    text = (ROOT / "docs" / "pytest.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    return code


def user_pytest(scratch, *args: str, rc: int):
    (scratch.root / "tests").mkdir(exist_ok=True)
    env = {"PYTEST_ADDOPTS": "", "PYTEST_PLUGINS": ""}
    return scratch.run(
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        *args,
        cmd=sys.executable,
        env=env,
        check_rc=rc,
    )


def test_documented_example_passes_in_the_users_pytest(scratch):
    (scratch.root / "tests").mkdir()
    (scratch.root / "tests" / "test_schema.py").write_text(documented_example())
    r = user_pytest(scratch, "tests", rc=0)
    assert "3 passed" in r.stdout, r.stdout


def test_a_broken_chain_fails_the_users_test_naming_the_difference(scratch):
    # the snapshot gains a column its revision does not create
    path = scratch.root / "schema_state" / "1.0.0.yaml"
    path.write_text(
        path.read_text().replace(
            "      name: {type: String(80), nullable: false}\n",
            "      name: {type: String(80), nullable: false}\n      symbol: {type: String(8)}\n",
        )
    )
    (scratch.root / "tests").mkdir()
    (scratch.root / "tests" / "test_chain.py").write_text(
        "def test_chain(dbplan_verified_chain):\n    pass\n"
    )
    r = user_pytest(scratch, "tests", rc=1)
    assert "dbplan verify: the revision chain does not reproduce the snapshots" in r.stdout
    assert "symbol" in r.stdout
