"""What a partition or an inheritance child needs of its parents (no other ops imports:
:mod:`planner.ops.tables` uses it)."""

from __future__ import annotations

from planner.ops.base import Ref, RefKind
from planner.state.model import Table
from planner.state.partitions import inherits_keys, parent_key


def parent_refs(table: Table) -> set[Ref]:
    """The tables ``table`` needs to exist (created before it, dropped after it): its
    partitioned parent and its ``INHERITS`` parents."""
    keys = [*inherits_keys(table)]
    pk = parent_key(table)
    if pk is not None:
        keys.append(pk)
    return {(RefKind.TABLE, k) for k in keys if k != table.key}
