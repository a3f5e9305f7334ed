"""The examples in the docstrings of planner.revisions run (those not marked +SKIP)."""

from __future__ import annotations

import doctest
import importlib

import pytest

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
def test_docstring_examples(name):
    module = importlib.import_module(f"planner.revisions.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
