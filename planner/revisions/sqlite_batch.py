"""SQLite's batch rebuilds: the table each rebuild copies from, as the snapshot defines it.

Every table batch records the snapshot states around it (:class:`BatchPlan` on
:class:`~planner.revisions.alembic_ops.TableBatchOp`); where SQLite is a target, each
batch SQLite rebuilds gets ``copy_from`` (and, when the batch changes constraints, the
operations SQLite runs instead: ``sqlite_ops``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops as alembic_ops

from planner import ops as our
from planner.revisions import alembic_ops as custom
from planner.revisions.convert import BATCHED
from planner.revisions.convert_schema import _create_constraint
from planner.revisions.copy_from import CopyFrom
from planner.revisions.sqlite_generated import keep_generated
from planner.state.model import Snapshot

# ------------------------------------------------------------------ SQLite batch rebuilds
#
# SQLite alters a table by rebuilding it (``batch_alter_table``), by default from the table
# reflected at run time: reflection loses what SQLite's DDL keeps but SQLAlchemy does not
# read back (constraint names, ON UPDATE / ON DELETE, some uniques) and cannot add a
# primary key without a name. The table as the snapshot defines it is passed instead
# (``copy_from``): the state before the batch, and when the batch changes constraints,
# with the constraints of the state after it (the rebuild creates them; no drop/create ops).


def _note_batches(converted: list, before: Snapshot, after: Snapshot, sqlite_only=False) -> None:
    """Record on each table batch SQLite may run the snapshot states around it."""
    for i, o in enumerate(converted):
        if isinstance(o, BATCHED):
            o = converted[i] = custom.TableBatchOp(o.table_name, [o], schema=o.schema)
        if isinstance(o, custom.TableBatchOp):
            key = (o.schema, o.table_name)
            o.plan = custom.BatchPlan(before.get_table(key), after.get_table(key), before, after)
            o.sqlite_only = sqlite_only
        elif isinstance(o, custom.DialectSwitchOp):
            for names, body in o.branches:
                if _sqlite_runs(names):
                    _note_batches(body, before, after, sqlite_only=tuple(names) == custom.SQLITE)
            if not any(_sqlite_runs(names) for names, _ in o.branches):
                _note_batches(o.otherwise, before, after)  # else SQLite never runs it


def _sqlite_runs(names: Sequence[str]) -> bool:
    """A dialect switch branch for ``names`` runs on SQLite."""
    return any(n in names for n in custom.SQLITE)


def _renamed(op: Any, before: Snapshot, after: Snapshot) -> Snapshot:
    """The state the batches of ``op`` start from. Those of a table rename (its constraints
    renamed on SQLite) alter the table under its new name, as SQLite's RENAME leaves it:
    columns, constraints and self-references of the table after the rename, indexes still
    under their old names (renamed by the ops that follow). The batch is rebuilt from that
    table, not reflected: reflection spells a self-reference to a name with a dot as an
    ambiguous 'table.column' string."""
    if not isinstance(op, our.RenameTable):
        return before
    old, new = before.get_table(op.old_key), after.get_table(op.new_key)
    if old is None or new is None:
        return before
    return after.replace_table(dataclasses.replace(new, indexes=old.indexes))


def _recreates_on_sqlite(batch: list) -> bool:
    """Alembic's SQLite rule: only ADD COLUMN (without an SQL expression default) alters in place."""
    for o in batch:
        if not isinstance(o, alembic_ops.AddColumnOp):
            return True
        if o.column.server_default is not None:
            return True
    return False


_COLUMN_OPS = (alembic_ops.AddColumnOp, alembic_ops.DropColumnOp, alembic_ops.AlterColumnOp)


def _prepare_batches(operations: list) -> None:
    operations[:] = _split_batches(operations)
    for o in operations:
        if isinstance(o, custom.DialectSwitchOp):
            for _, body in o.branches:
                _prepare_batches(body)
            _prepare_batches(o.otherwise)
        elif isinstance(o, custom.TableBatchOp):
            _prepare_batch(o)
            _no_cast_to_temporal(o)
            keep_generated(o)  # SQLite cannot copy into a generated column


def _split_batches(operations: list) -> list:
    """A batch that drops every column the table had and adds others: SQLite's rebuild
    would copy no column (Alembic cannot), so the columns are added in a batch of their
    own first (the table then keeps its rows)."""
    out: list = []
    for o in operations:
        plan = o.plan if isinstance(o, custom.TableBatchOp) else None
        if plan is None or plan.before is None:
            out.append(o)
            continue
        before, after = plan.before, plan.after
        dropped = {x.column_name for x in o.ops if isinstance(x, alembic_ops.DropColumnOp)}
        added = [x for x in o.ops if isinstance(x, alembic_ops.AddColumnOp)]
        if not added or not set(before.column_names) <= dropped or after is None:
            out.append(o)
            continue
        grown = dataclasses.replace(
            before,
            columns=before.columns
            + tuple(after.column(x.column.name) for x in added if after.has_column(x.column.name)),
        )
        first = custom.TableBatchOp(
            o.table_name,
            added,
            schema=o.schema,
            plan=dataclasses.replace(plan, after=grown),
            sqlite_only=o.sqlite_only,
        )
        rest = custom.TableBatchOp(
            o.table_name,
            [x for x in o.ops if x not in added],
            schema=o.schema,
            plan=dataclasses.replace(plan, before=grown),
            sqlite_only=o.sqlite_only,
        )
        out += [first, rest] if rest.ops else [first]
    return out


def _prepare_batch(m: custom.TableBatchOp) -> None:
    plan = m.plan
    if plan is None or not _recreates_on_sqlite(m.ops):
        return
    before, after, snap_before = plan.before, plan.after, plan.snapshot_before
    if before is None or after is None:
        return  # a table created or dropped around this batch: reflect it
    enums = {e.name: e.values for e in snap_before.enums}
    dropped = {o.column_name for o in m.ops if isinstance(o, alembic_ops.DropColumnOp)}
    if set(before.column_names) <= dropped:
        return  # no column to copy: see _split_batches
    if all(isinstance(o, _COLUMN_OPS) for o in m.ops):
        m.copy_from = CopyFrom(before, enums)
        return
    # constraints changed: rebuild with those of the state after the batch, on the
    # columns as they are before it (renamed back); the column ops still run
    renamed = {
        o.modify_name: o.column_name
        for o in m.ops
        if isinstance(o, alembic_ops.AlterColumnOp) and o.modify_name
    }
    old = lambda cols: tuple(renamed.get(c, c) for c in cols)  # noqa: E731
    have = set(before.column_names)
    fits = lambda cols: set(old(cols)) <= have  # noqa: E731
    pk = after.primary_key
    later: list = []  # constraints on columns the batch adds: created after them
    if pk is not None and pk.columns and not fits(pk.columns):
        later.append(_create_constraint(after, "primary", pk))
        pk = None
    uniques, fks = [], []
    for u in after.uniques:
        if fits(u.columns):
            uniques.append(dataclasses.replace(u, columns=old(u.columns)))
        else:
            later.append(_create_constraint(after, "unique", u))
    for fk in after.foreign_keys:
        if fits(fk.columns):
            fks.append(dataclasses.replace(fk, columns=old(fk.columns)))
        else:
            later.append(_create_constraint(after, "foreignkey", fk))
    target = dataclasses.replace(
        before,
        primary_key=None if pk is None else dataclasses.replace(pk, columns=old(pk.columns)),
        uniques=tuple(uniques),
        foreign_keys=tuple(fks),
        checks=after.checks,
    )
    m.copy_from = CopyFrom(target, enums)
    m.sqlite_ops = [o for o in m.ops if isinstance(o, _COLUMN_OPS)] + later


#: types SQLAlchemy stores as ISO text on SQLite, whose DDL names (DATE, DATETIME, TIME)
#: have NUMERIC affinity
_SQLITE_TEXT_TEMPORAL = (sa.Date, sa.DateTime, sa.Time)


def _no_cast_to_temporal(m: custom.TableBatchOp) -> None:
    """SQLite: the rebuild copies a column whose type changes as ``CAST(col AS <new type>)``
    when the two types' affinities differ (Alembic's ``cast_for_batch_migrate``), and
    ``CAST('2020-09-08' AS DATE)`` is 2020. A column that becomes a date, datetime or time
    is read by the copy as that type already (in ``copy_from``): no CAST, the text is
    copied as it is, which is how SQLAlchemy stores these types on SQLite."""
    copy_from = m.copy_from
    if not isinstance(copy_from, CopyFrom) or m.plan is None or m.plan.after is None:
        return
    after = m.plan.after
    columns = list(copy_from.table.columns)
    at = {c.name: i for i, c in enumerate(columns)}
    changed = False
    for o in m.ops:
        if not (
            isinstance(o, alembic_ops.AlterColumnOp)
            and isinstance(o.modify_type, _SQLITE_TEXT_TEMPORAL)
            and o.column_name in at
        ):
            continue
        new_name = o.modify_name or o.column_name
        if not after.has_column(new_name):
            continue
        i = at[o.column_name]
        columns[i] = dataclasses.replace(columns[i], type=after.column(new_name).type)
        changed = True
    if changed:
        table = dataclasses.replace(copy_from.table, columns=tuple(columns))
        m.copy_from = CopyFrom(table, copy_from.enums)


def _sqlite_only(operations: Sequence[Any]) -> None:
    """SQLite is the only target: its rebuilds without the ``if``/``else`` around them."""
    for o in operations:
        if isinstance(o, custom.TableBatchOp):
            o.sqlite_only = True
        elif isinstance(o, custom.DialectSwitchOp):
            for _, body in o.branches:
                _sqlite_only(body)
            _sqlite_only(o.otherwise)
