"""The examples in the docstrings of planner.revisions run (in the doctest world)."""

from __future__ import annotations

import importlib

import pytest

from tests.doctest_world import run_doctests_in_world

MODULES = [
    "literals",
    "provenance",
    "sa_bridge",
    "copy_from",
    "alembic_ops",
    "convert",
    "convert_schema",
    "convert_rows",
    "sqlite_batch",
    "emit_targets",
    "emit",
    "write",
    "generation",
    "sync",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, _doctest_world, tmp_path, monkeypatch):
    module = importlib.import_module(f"planner.revisions.{name}")
    result = run_doctests_in_world(module, _doctest_world, tmp_path, monkeypatch)
    assert result.failed == 0
