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
            ops += _columns_off_domain(cur, new, a[k])
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


def _columns_off_domain(cur: Any, new: Any, old: Domain) -> list[Operation]:
    """The kept columns of a domain re-created with a new base type or collation
    (PostgreSQL refuses to drop a domain a column uses): each goes to the old base type
    before the drop and back onto the domain after the create, its values cast through
    text (:mod:`planner.graph_pg_types` orders them).

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="p", type="postgresql.TYPE(d)"),))
        >>> a = Snapshot(release="1", tables=(t,), domains=(Domain(name="d", type="integer"),))
        >>> b = Snapshot(release="2", tables=(t,), domains=(Domain(name="d", type="text"),))
        >>> for op in _columns_off_domain(a, b, a.domains[0]):
        ...     print(op.describe())
        Alter column t.p type postgresql.TYPE(d) -> postgresql.TYPE(integer)
        Alter column t.p type postgresql.TYPE(integer) -> postgresql.TYPE(d)
    """
    from planner.ops.tables import AlterColumnType

    ref = f"postgresql.TYPE({old.qualified_name})"
    ops: list[Operation] = []
    for t in new.tables:
        was = cur.get_table(t.key)
        for c in t.columns if was is not None else ():
            if ref not in c.type or not was.has_column(c.name) or was.column(c.name).type != c.type:
                continue  # the column's own change takes it off and on
            spelled = _column_type(old.type)
            if spelled is None:
                continue  # no type of a column spells the base: the drop refuses (as before)
            base = c.type.replace(ref, spelled)
            kw = dict(
                table_key=t.key,
                column=c.name,
                existing_nullable=c.nullable,
                existing_server_default=c.server_default,
                existing_comment=c.comment,
            )
            ops += [
                AlterColumnType(old_type=c.type, new_type=base, **kw),
                AlterColumnType(old_type=base, new_type=c.type, **kw),
            ]
    return ops


def _column_type(sql: str) -> str | None:
    """A column type spelling the SQL type ``sql`` (a domain's base), None if none does.

    Example:
        >>> _column_type("geometry(Point,4326)"), _column_type("character varying(20)")
        ('postgresql.TYPE(geometry(Point,4326))', 'String(20)')
        >>> _column_type("numeric(10,2)"), _column_type("integer")
        ('Numeric(10, 2)', 'postgresql.TYPE(integer)')
    """
    import re

    from planner.state.typespec import TypeParseError, canonical_type

    m = re.fullmatch(r"character varying\((\d+)\)|numeric\((\d+),(\d+)\)", sql)
    if m is not None:
        return f"String({m.group(1)})" if m.group(1) else f"Numeric({m.group(2)}, {m.group(3)})"
    try:
        return canonical_type(f"postgresql.TYPE({sql})")
    except TypeParseError:
        return None


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
