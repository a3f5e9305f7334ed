"""The partitioning and inheritance part of :func:`planner.diff.diff_snapshots`: it runs
before the tables are compared and returns its operations and the snapshot after them,
which the rest of the diff then compares with the new one.

- A table whose ``partition_by`` changes, or that becomes or stops being a partition, is
  dropped and created again (PostgreSQL alters neither), and so are its partitions.
- A partition whose bound or parent changes is detached and attached again (it keeps
  its rows; ``ATTACH`` checks them against the new bound).
- A parent removed from ``inherits``: ``NO INHERIT``, the child keeps the inherited
  columns as its own (the rest of the diff drops those the new snapshot does not list);
  a parent added: the child gets the parent's columns it lacks, then ``INHERIT``.

Example:
    >>> from planner.state.model import Column, PartitionOf, Snapshot, Table
    >>> p = Table(name="events", partition_by="RANGE (at)", columns=(Column(name="at", type="Date"),))
    >>> a = Table(name="e1", partition_of=PartitionOf(table="events", bound="DEFAULT"))
    >>> b = Table(name="e1", partition_of=PartitionOf(table="events", bound="FOR VALUES IN (1)"))
    >>> ops, _ = diff_partitions(Snapshot(release="1", tables=(p, a)), Snapshot(release="2", tables=(p, b)))
    >>> [o.describe() for o in ops]
    ['Detach partition e1 from events (DEFAULT)', 'Attach partition e1 to events FOR VALUES IN (1)']
"""

from __future__ import annotations

import dataclasses

from planner.ops.base import Operation
from planner.ops.keys import AddCheck
from planner.ops.partitions import AttachPartition, DetachPartition, SetInherits
from planner.ops.tables import AddColumn
from planner.state.model import Snapshot, Table, TableKey
from planner.state.partitions import inherits_keys, parent_key


def diff_partitions(cur: Snapshot, new: Snapshot) -> tuple[list[Operation], Snapshot]:
    """The operations for what changed in partitioning and inheritance, and ``cur``
    after them (the tables to create again are gone from it)."""
    olds, news = cur.tables_by_key(), new.tables_by_key()
    common = sorted(olds.keys() & news.keys(), key=lambda k: (k[0] or "", k[1]))
    if not any(_uses(olds[k]) or _uses(news[k]) for k in common):
        return [], cur
    from planner.diff import _diff_dropped_table  # the table ops of a whole table

    ops: list[Operation] = []
    replaced = _replaced(olds, news, common)
    for key in _drop_order(replaced, olds):
        for op in _diff_dropped_table(olds[key]):
            ops.append(op)
            cur = op.apply_to(cur)
    for key in common:
        if key in replaced:
            continue
        o, n = olds[key], news[key]
        if o.partition_of is not None and o.partition_of != n.partition_of:
            for op in (DetachPartition(table=o), AttachPartition(table=_plain(n))):
                ops.append(op)
                cur = op.apply_to(cur)
        if o.inherits != n.inherits:
            more, cur = _inherits_ops(cur, new, o, n)
            ops += more
    return ops, cur


def _uses(t: Table) -> bool:
    return t.partition_by is not None or t.partition_of is not None or bool(t.inherits)


def _plain(t: Table) -> Table:
    return dataclasses.replace(t, rows=None, renamed_from=None, dropped_columns=())


def _replaced(olds: dict, news: dict, common: list[TableKey]) -> set[TableKey]:
    """The common tables to drop and create again, with the partitions of each."""
    out = {
        k
        for k in common
        if olds[k].partition_by != news[k].partition_by
        or (olds[k].partition_of is None) != (news[k].partition_of is None)
    }
    grew = True
    while grew:  # a partition of a re-created table goes and comes with it
        grew = False
        for k in common:
            if k not in out and parent_key(olds[k]) in out:
                out.add(k)
                grew = True
    return out


def _drop_order(keys: set[TableKey], olds: dict) -> list[TableKey]:
    """``keys`` sorted, each partition before its parent."""

    def depth(k: TableKey) -> int:
        d, p = 0, parent_key(olds[k])
        while p in olds and d < len(olds):
            d, p = d + 1, parent_key(olds[p])
        return d

    return sorted(keys, key=lambda k: (-depth(k), k[0] or "", k[1]))


def _inherits_ops(
    cur: Snapshot, new: Snapshot, o: Table, n: Table
) -> tuple[list[Operation], Snapshot]:
    ops: list[Operation] = []
    for parent, pkey in zip(o.inherits, inherits_keys(o), strict=True):
        if parent in n.inherits:
            continue
        pt = cur.get_table(pkey)
        cols, checks = (pt.columns, pt.checks) if pt is not None else ((), ())
        op = SetInherits(table_key=o.key, parent=parent, add=False, columns=cols, checks=checks)
        ops.append(op)
        cur = op.apply_to(cur)
    removed = len(ops)  # applied to cur already
    child = cur.get_table(o.key)
    own = set(child.column_names) if child is not None else set()
    own_checks = {k.name for k in child.checks} if child is not None else set()
    for parent, pkey in zip(n.inherits, inherits_keys(n), strict=True):
        if parent in o.inherits:
            continue
        pt = new.get_table(pkey)
        cols, checks = (pt.columns, pt.checks) if pt is not None else ((), ())
        for c in cols:
            if c.name not in own:
                ops.append(AddColumn(table_key=o.key, column=c))
                own.add(c.name)
        for k in checks:
            if k.name not in own_checks:
                ops.append(AddCheck(table_key=o.key, check=k, columns=()))
                own_checks.add(k.name)
        ops.append(
            SetInherits(table_key=o.key, parent=parent, add=True, columns=cols, checks=checks)
        )
    for op in ops[removed:]:
        cur = op.apply_to(cur)
    return ops, cur
