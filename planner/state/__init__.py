"""The snapshot model and its I/O: no knowledge of planning.

Public API (imported lazily, so ``import planner.state`` stays light)::

    load_snapshot(path) / load_snapshot_text(text, filename) -> Snapshot
    dump_snapshot(snapshot) -> str; write_snapshot(path, snapshot, force=False)
    planner.state.validate.validate(snapshot, source_map=None, file=...) -> list[Problem]
      (not re-exported: the name is its module's, and a package attribute cannot be both)
    convention_name(template, table=..., ...) / derived_names(table, conventions)
"""

from __future__ import annotations

import importlib
from typing import Any

from planner.state.errors import DbplanError, Problem, SnapshotError
from planner.state.model import (
    FORMAT_VERSION,
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)

_LAZY = {
    "load_snapshot": "planner.state.yamlio",
    "load_snapshot_text": "planner.state.yamlio",
    "load_with_source_map": "planner.state.yamlio",
    "dump_snapshot": "planner.state.yamlio",
    "write_snapshot": "planner.state.yamlio",
    "SourceMap": "planner.state.yamlio",
    "SnapshotExistsError": "planner.state.yamlio",
    "schema_text": "planner.state.yamlio",
    "convention_name": "planner.state.naming",
    "derived_names": "planner.state.naming",
    "renamed_names": "planner.state.naming",
    "default_pk_name": "planner.state.naming",
}

__all__ = [
    "FORMAT_VERSION",
    "Check",
    "Column",
    "DbplanError",
    "Enum",
    "ForeignKey",
    "FrozenMap",
    "Index",
    "PrimaryKey",
    "Problem",
    "RowSet",
    "Snapshot",
    "SnapshotError",
    "Table",
    "Unique",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planner.state' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
