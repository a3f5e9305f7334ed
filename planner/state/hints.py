"""Carry the engineer's hand-added hints from an old snapshot of a release to a new capture.

A capture (from models or a database) knows the state, not the migration hints an engineer
writes into a snapshot by hand: ``renamed_from`` of tables and columns, ``backfill`` and
``using`` of columns, ``renamed_values`` of enums, the data ``steps``, ``dropped_columns``
of tables, and the ``key`` and ``mode`` of managed rows. Re-capturing a release (``dbplan
snapshot --force``) keeps them, matched by table and column name, unless told not to.
"""

from __future__ import annotations

import dataclasses

from planner.state.model import Snapshot, Table, table_key_str


def carry_hints(old: Snapshot, new: Snapshot) -> tuple[Snapshot, tuple[str, ...]]:
    """``new`` with the hints of ``old`` it lacks, and one line per hint carried.

    A hint is carried only to a table or column of the same name that has none of its own;
    a row key only when every row of the new capture has all of its columns.

    Example:
        >>> from planner.state.model import Column
        >>> old = Snapshot(release="1", tables=(Table(name="t", columns=(Column(name="c", type="Integer", renamed_from="b"),)),))
        >>> new = Snapshot(release="1", tables=(Table(name="t", columns=(Column(name="c", type="Integer"),)),))
        >>> carry_hints(old, new)[1]
        ('renamed_from: b of column t.c',)
    """
    kept: list[str] = []
    tables = []
    for t in new.tables:
        o = old.get_table(t.key)
        tables.append(t if o is None else _carry_table(o, t, kept))
    changes: dict = {"tables": tuple(tables)}
    if old.steps and not new.steps:  # the release's data steps
        changes["steps"] = old.steps
        kept += [f"data step {s.name}" for s in old.steps]
    renames = {e.name: e.renamed_values for e in old.enums if e.renamed_values}
    if renames:
        enums = []
        for e in new.enums:
            if e.name in renames and not e.renamed_values:
                e = dataclasses.replace(e, renamed_values=renames[e.name])
                kept.append(f"renamed_values of enum {e.name}")
            enums.append(e)
        changes["enums"] = tuple(enums)
    return dataclasses.replace(new, **changes), tuple(kept)


def _carry_table(old: Table, new: Table, kept: list[str]) -> Table:
    where = table_key_str(new.key)
    changes: dict = {}
    if old.renamed_from and not new.renamed_from:
        changes["renamed_from"] = old.renamed_from
        kept.append(f"renamed_from: {old.renamed_from} of table {where}")
    old_cols = {c.name: c for c in old.columns}
    columns = []
    for c in new.columns:
        o = old_cols.get(c.name)
        col_changes: dict = {}
        if o is not None:
            for hint in ("renamed_from", "backfill", "backfill_dialects", "using"):
                value = getattr(o, hint)
                if value and not getattr(c, hint):
                    col_changes[hint] = value
                    kept.append(f"{hint}: {value} of column {where}.{c.name}")
        columns.append(dataclasses.replace(c, **col_changes) if col_changes else c)
    if any(a is not b for a, b in zip(columns, new.columns, strict=True)):
        changes["columns"] = tuple(columns)
    if old.rows is not None and new.rows is not None and old.rows.key != new.rows.key:
        names = set(new.column_names)
        if set(old.rows.key) <= names and all(
            all(k in dict(r) for k in old.rows.key) for r in new.rows.rows
        ):
            changes["rows"] = dataclasses.replace(new.rows, key=old.rows.key)
            kept.append(f"row key [{', '.join(old.rows.key)}] of table {where}")
    _carry_row_hints(old, new, changes, kept, where)
    return dataclasses.replace(new, **changes) if changes else new


def _carry_row_hints(old: Table, new: Table, changes: dict, kept: list[str], where: str) -> None:
    """The row mode (a capture says nothing of it) and ``dropped_columns`` of ``old``."""
    rows = changes.get("rows", new.rows)
    if old.rows is not None and rows is not None and old.rows.mode != rows.mode == "managed":
        changes["rows"] = dataclasses.replace(rows, mode=old.rows.mode)
        kept.append(f"rows.mode {old.rows.mode} of table {where}")
    if old.dropped_columns and not new.dropped_columns:
        dropped = tuple((c, sql) for c, sql in old.dropped_columns if not new.has_column(c))
        if dropped:
            changes["dropped_columns"] = dropped
            kept.append(f"dropped_columns of table {where}")
