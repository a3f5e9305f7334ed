"""Fixtures of tests/toolchain: a scratch user project driven by the real ``dbplan``.

Every test here runs the installed ``dbplan`` console script (or pre-commit, or pytest)
in a subprocess, as a release engineer's tools would, on a project in ``tmp_path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
DBPLAN = str(BIN / "dbplan")

MODELS = """\
import sqlalchemy as sa

metadata = sa.MetaData()

units = sa.Table(
    "units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("name", sa.String(80), nullable=False),{extra}
)

ROWS = {{"units": [{{"id": 1, "code": "kWh", "name": "kilowatt hour"}}]}}
"""


class Scratch:
    """A user's project: ``pyproject.toml`` with ``[tool.dbplan]`` and ``app/models.py``."""

    def __init__(self, root: Path):
        self.root = root

    def write_models(self, extra: str = "") -> None:
        (self.root / "app").mkdir(exist_ok=True)
        (self.root / "app" / "__init__.py").write_text("")
        (self.root / "app" / "models.py").write_text(MODELS.format(extra=extra))

    def run(self, *args: str, cmd: str = DBPLAN, check_rc: int | None = None, **kw):
        env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("DBPLAN_DEBUG", None)
        env.update(kw.pop("env", {}))
        r = subprocess.run(
            [cmd, *args], cwd=self.root, capture_output=True, text=True, env=env, timeout=300, **kw
        )
        if check_rc is not None:
            assert r.returncode == check_rc, (r.returncode, r.stdout, r.stderr)
        return r


@pytest.fixture
def scratch(tmp_path) -> Scratch:
    """A project with models (``app.models:metadata``, rows ``app.models:ROWS``) and
    the snapshot of release 1.0.0 captured from them, its revision generated."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "scratch"
            version = "1.0.0"
            """
        )
    )
    s = Scratch(root)
    s.run("init", check_rc=0)
    s.write_models()
    s.run(
        "snapshot",
        "--release",
        "1.0.0",
        "--from-models",
        "app.models:metadata",
        "--rows",
        "app.models:ROWS",
        check_rc=0,
    )
    s.run("generate", "-m", "1.0.0", check_rc=0)
    return s
