"""Packaging: the build is warning-free, and a fresh venv gets what its extras say.

Slow (a real ``python -m build`` in isolation and ``pip install`` into fresh venvs: both
need the package index). ``make test`` runs them; ``-m "not slow"`` leaves them out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]


def run(*args, cwd=None, env=None, rc=0):
    r = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "default", **(env or {})},
    )
    assert r.returncode == rc, (args, r.returncode, r.stdout[-3000:], r.stderr[-3000:])
    return r


def test_metadata_license_is_spdx_with_a_license_file():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    deps = " ".join(meta["dependencies"])
    assert "psycopg" not in deps and "yaml-rs" not in deps and "pymysql" not in deps
    extras = meta["optional-dependencies"]
    assert {"postgresql", "mysql", "test"} <= set(extras) and "fast" not in extras
    assert meta["entry-points"]["pytest11"] == {"dbplan": "planner.pytest_plugin"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # build a copy: the build leaves build/ and *.egg-info behind in its source tree
    src = tmp_path_factory.mktemp("src") / "dbplan"
    skip = shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__", ".*cache")
    shutil.copytree(ROOT, src, ignore=skip)
    r = run(sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", out, src)
    text = r.stdout + r.stderr
    for word in ("Deprecat", "deprecat", "SetuptoolsWarning", "License classifiers"):
        assert word not in text, text[-4000:]
    (whl,) = out.glob("dbplan-*.whl")
    return whl


def fresh_venv(where: Path, requirement: str) -> Path:
    run(sys.executable, "-m", "venv", where)
    run(where / "bin" / "python", "-m", "pip", "install", "--quiet", requirement)
    return where / "bin"


def test_without_extras_dbplan_works_on_sqlite_and_names_the_missing_driver(
    wheel, scratch, tmp_path, pg_server
):
    bin_ = fresh_venv(tmp_path / "venv", str(wheel))
    r = run(
        bin_ / "python",
        "-c",
        "import importlib.util as u; print([m for m in ('psycopg', 'pymysql', 'yaml_rs') if u.find_spec(m)])",
    )
    assert r.stdout.strip() == "[]"
    dbplan = bin_ / "dbplan"
    scratch.run("verify", cmd=str(dbplan), check_rc=0)
    scratch.run("check", cmd=str(dbplan), check_rc=0)
    url = create_database(pg_server)
    try:
        r = scratch.run("upgrade", "--url", url, cmd=str(dbplan), check_rc=1)
        assert "dbplan[postgresql]" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        # with the extra, PostgreSQL works
        run(bin_ / "python", "-m", "pip", "install", "--quiet", f"{wheel}[postgresql]")
        scratch.run("upgrade", "--url", url, cmd=str(dbplan), check_rc=0)
        scratch.run("drift", "--url", url, cmd=str(dbplan), check_rc=0)
    finally:
        drop_database(url)
