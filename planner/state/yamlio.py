"""Snapshot files: safe loading with line:col for every problem, canonical dumping.

A facade over the modules that do the work, kept so that existing imports go on working:

- :mod:`planner.state.reader`: bytes -> plain values + :class:`SourceMap` (positions,
  duplicate keys, aliases, the scalars YAML 1.1 reads surprisingly);
- :mod:`planner.state.shape`: plain values -> the model, every key and type checked
  (:func:`load_snapshot_text`, :func:`load_with_source_map`);
- :mod:`planner.state.writer`: the one canonical writer (:func:`dump_snapshot`);
- :mod:`planner.state.files`: loading a path through the content-hash cache, atomic writes;
- :mod:`planner.state.session`: the load session a command creates.

Example:
    >>> s = load_snapshot_text("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "1.0.yaml")
    >>> s.release
    '1.0'
    >>> print(dump_snapshot(s, schema_ref=None), end="")
    snapshot: 1
    release: '1.0'
    tables: {}
"""

from __future__ import annotations

from planner.state.files import (
    SnapshotExistsError,
    _atomic_write,
    expected_stem,
    load_snapshot,
    schema_text,
    write_snapshot,
)
from planner.state.reader import (
    MAX_ALIAS_NODES,
    MAX_BYTES,
    MAX_DEPTH,
    SourceMap,
    format_path,
    parse_yaml,
)
from planner.state.session import LoadSession, default_session
from planner.state.shape import (
    COLUMN_KEYS,
    FK_KEYS,
    INDEX_KEYS,
    PK_KEYS,
    REF_KEYS,
    ROWS_KEYS,
    TABLE_KEYS,
    TOP_KEYS,
    Shape,
    load_snapshot_text,
    load_with_source_map,
)
from planner.state.writer import (
    DEFAULT_SCHEMA_REF,
    SCHEMA_FILENAME,
    _dumper_class,
    canonical_dump,
    dump_snapshot,
    snapshot_equal_with_hints,
    snapshot_node,
)

__all__ = [
    "COLUMN_KEYS",
    "DEFAULT_SCHEMA_REF",
    "FK_KEYS",
    "INDEX_KEYS",
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "PK_KEYS",
    "REF_KEYS",
    "ROWS_KEYS",
    "SCHEMA_FILENAME",
    "TABLE_KEYS",
    "TOP_KEYS",
    "LoadSession",
    "Shape",
    "SnapshotExistsError",
    "SourceMap",
    "_atomic_write",
    "_dumper_class",
    "canonical_dump",
    "default_session",
    "dump_snapshot",
    "expected_stem",
    "format_path",
    "load_snapshot",
    "load_snapshot_text",
    "load_with_source_map",
    "parse_yaml",
    "schema_text",
    "snapshot_equal_with_hints",
    "snapshot_node",
    "write_snapshot",
]
