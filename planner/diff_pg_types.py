"""The diff of PostgreSQL domains, composite types and collations
(:mod:`planner.ops.pg_types`).

Example:
    >>> from planner.state.model import Snapshot
    >>> from planner.state.pg_types import Domain
    >>> a = Snapshot(release="1", domains=(Domain(name="d", type="int", nullable=False),))
    >>> b = Snapshot(release="2", domains=(Domain(name="d", type="integer"),))
    >>> [op.describe() for op in diff_pg_types(a, b)]
    ['Alter domain d: nullable']
    >>> c = Snapshot(release="3", domains=(Domain(name="d", type="text"),))
    >>> [op.describe() for op in diff_pg_types(b, c)]
    ['Drop domain d', 'Create domain d']
"""

from __future__ import annotations

from typing import Any

from planner.ops.base import Operation
from planner.ops.pg_types import (
    AlterCompositeType,
    AlterDomain,
    CreateCollation,
    CreateCompositeType,
    CreateDomain,
    DropCollation,
    DropCompositeType,
    DropDomain,
)
from planner.state.pg_types import CompositeType, Domain, same_domain


def _keyed(items: Any) -> dict:
    return {o.key: o for o in items}


def _sorted(keys: Any) -> list:
    return sorted(keys, key=lambda k: (k[0] or "", k[1]))


def _in_place_domain(a: Domain, b: Domain) -> bool:
    """ALTER DOMAIN can take the change (not a new base type or collation)."""
    return a.type == b.type and a.collation == b.collation


def _in_place_type(a: CompositeType, b: CompositeType) -> bool:
    """ALTER TYPE reaches ``b``: kept attributes in their order, added ones at the end."""
    new = {x.name for x in b.attributes}
    kept = [x.name for x in a.attributes if x.name in new]
    old = {x.name for x in a.attributes}
    added = [x.name for x in b.attributes if x.name not in old]
    return kept + added == [x.name for x in b.attributes]


def diff_pg_types(cur: Any, new: Any) -> list[Operation]:
    """Collations, then domains, then composite types: created, dropped, altered."""
    ops: list[Operation] = []
    a, b = _keyed(cur.collations), _keyed(new.collations)
    for k in _sorted(b.keys() - a.keys()):
        ops.append(CreateCollation(collation=b[k]))
    for k in _sorted(a.keys() - b.keys()):
        ops.append(DropCollation(collation=a[k]))
    for k in _sorted(a.keys() & b.keys()):
        if a[k] != b[k]:  # no ALTER COLLATION of its definition
            ops += [DropCollation(collation=a[k]), CreateCollation(collation=b[k])]
    a, b = _keyed(cur.domains), _keyed(new.domains)
    for k in _sorted(b.keys() - a.keys()):
        ops.append(CreateDomain(domain=b[k]))
    for k in _sorted(a.keys() - b.keys()):
        ops.append(DropDomain(domain=a[k]))
    for k in _sorted(a.keys() & b.keys()):
        if not same_domain(a[k], b[k]):
            continue
        if _in_place_domain(a[k], b[k]):
            ops.append(AlterDomain(old=a[k], new=b[k]))
        else:
            ops += [DropDomain(domain=a[k]), CreateDomain(domain=b[k])]
    a, b = _keyed(cur.composite_types), _keyed(new.composite_types)
    for k in _sorted(b.keys() - a.keys()):
        ops.append(CreateCompositeType(type=b[k]))
    for k in _sorted(a.keys() - b.keys()):
        ops.append(DropCompositeType(type=a[k]))
    for k in _sorted(a.keys() & b.keys()):
        if a[k] == b[k]:
            continue
        if _in_place_type(a[k], b[k]):
            ops.append(AlterCompositeType(old=a[k], new=b[k]))
        else:
            ops += [DropCompositeType(type=a[k]), CreateCompositeType(type=b[k])]
    return ops
