"""Run a module's docstring examples with ``doctest.testmod`` in a fresh copy of the
doctest world of the root ``conftest.py`` (the project the examples read and write)."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path


def run_doctests_in_world(
    module, world: Path, tmp_path: Path, monkeypatch, **kw
) -> doctest.TestResults:
    """``doctest.testmod(module)`` inside a copy of ``world`` (the ``_doctest_world``
    fixture), with the globals the examples see under ``make doctest``."""
    from planner.project import load_project

    here = tmp_path / "project"
    shutil.copytree(world, here, symlinks=True)
    monkeypatch.chdir(here)
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(tmp_path / ".cache"))
    extra = {"project": load_project("."), "load_project": load_project, "Path": Path}
    kw.setdefault("optionflags", doctest.ELLIPSIS)
    return doctest.testmod(module, extraglobs=extra, **kw)
