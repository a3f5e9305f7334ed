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

import dataclasses
from typing import Any

from planner.ops.base import Operation
from planner.ops.pg_type_comments import SetAttributeComment, SetCollationComment
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
from planner.state.pg_types import (
    CompositeType,
    Domain,
    attribute_comment_changes,
    bare,
    same_domain,
)


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
    recreated = set()
    for k in _sorted(a.keys() & b.keys()):
        if a[k] == b[k]:
            continue
        if dataclasses.replace(a[k], comment=b[k].comment) == b[k]:
            ops.append(SetCollationComment(old=a[k], new=b[k]))
        else:  # no ALTER COLLATION of its definition
            ops += [DropCollation(collation=a[k]), CreateCollation(collation=b[k])]
            recreated.add(b[k].qualified_name)
    if recreated:
        ops += _columns_around(cur, new, recreated)
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
        if bare(a[k]) != bare(b[k]):
            if not _in_place_type(a[k], b[k]):
                ops += [DropCompositeType(type=a[k]), CreateCompositeType(type=b[k])]
                continue  # created with its attributes' comments
            ops.append(AlterCompositeType(old=a[k], new=b[k]))
        ops += [
            SetAttributeComment(type=b[k], attribute=name, old=old, new=new)
            for name, old, new in attribute_comment_changes(a[k], b[k])
        ]
    return ops


def _columns_around(cur: Any, new: Any, recreated: set[str]) -> list[Operation]:
    """The kept columns whose own collation is re-created (PostgreSQL refuses to drop a
    collation a column uses): the collation goes off each before the drop and comes back
    after the create (:mod:`planner.graph_collations` orders them)."""
    from planner.ops.collations import AlterColumnCollation

    ops: list[Operation] = []
    for t in new.tables:
        old = cur.get_table(t.key)
        for c in t.columns if old is not None else ():
            if c.collation not in recreated or not old.has_column(c.name):
                continue
            if old.column(c.name).collation != c.collation or old.column(c.name).type != c.type:
                continue  # the column's own change takes it off and on
            kw = dict(table_key=t.key, column=c.name, existing_type=c.type)
            ops += [
                AlterColumnCollation(old=c.collation, new=None, **kw),
                AlterColumnCollation(old=None, new=c.collation, **kw),
            ]
    return ops
