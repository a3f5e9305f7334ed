"""Downgrades planned, not hoped: the NOT NULL columns a release drops come back filled.

The downgrade of a release that drops a NOT NULL column without a server default adds it
back over the table's rows, which fails on any table with rows. The newer snapshot says
how to fill it, in the table that lost the column::

    tables:
      sites:
        dropped_columns:
          legacy_code: {backfill: "'n/a'"}     # SQL, as a column's backfill

(the column's own ``backfill`` in the older snapshot serves too, while it is still
there). :func:`with_downgrade_backfills` gives the downgrade's target those backfills (add
nullable -> fill -> set NOT NULL, as an upgrade does); :func:`downgrade_failures` names the
columns neither gives, which ``dbplan generate`` refuses (exit 4) without
``--allow-destructive``, and the ``sync`` prunes of the downgrade, which it gates like the
upgrade's.

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> old = Snapshot(release="1", tables=(Table(name="t", columns=(
    ...     Column(name="id", type="Integer"), Column(name="code", type="Text", nullable=False))),))
    >>> new = Snapshot(release="2", tables=(Table(name="t", columns=(Column(name="id", type="Integer"),)),))
    >>> print(downgrade_failures(old, new)[0])
    downgrade: adds NOT NULL column t.code back without a server default: it fails on a table with rows. Fix: give table t of release 2 dropped_columns: {code: {backfill: <SQL filling the rows>}}
"""

from __future__ import annotations

import dataclasses

from planner.state.model import Snapshot, Table, table_key_str

__all__ = ["downgrade_failures", "with_downgrade_backfills"]


def _pairs(old: Snapshot, new: Snapshot):
    """``(old table, new table)`` of each table in both releases (a rename followed)."""
    for nt in new.tables:
        ot = old.get_table(nt.key)
        if ot is None and nt.renamed_from:
            ot = old.get_table((nt.schema, nt.renamed_from))
        if ot is not None:
            yield ot, nt


def _parents(new: Snapshot, nt: Table) -> list[Table]:
    """The tables ``nt`` takes columns from in ``new``: its partitioned parent and the
    tables it inherits from (``name`` or ``schema.name``), and theirs."""
    names = [(nt.partition_of.schema, nt.partition_of.table)] if nt.partition_of else []
    for spec in nt.inherits:
        schema, _, name = spec.rpartition(".")
        names.append((schema or None, name))
    out = []
    for key in names:
        parent = new.get_table(key)
        if parent is not None and parent is not nt:
            out += [parent, *_parents(new, parent)]
    return out


def _dropped(ot: Table, nt: Table, new: Snapshot | None = None) -> list[str]:
    """The columns of ``ot`` that ``nt`` lost (not renamed, nor now inherited from a parent
    of ``new``: a child keeps an inherited column when it stops inheriting)."""
    renamed = {c.renamed_from for c in nt.columns if c.renamed_from}
    parents = _parents(new, nt) if new is not None else []
    return [
        c.name
        for c in ot.columns
        if not nt.has_column(c.name)
        and c.name not in renamed
        and not any(p.has_column(c.name) for p in parents)
    ]


def with_downgrade_backfills(old: Snapshot, new: Snapshot) -> Snapshot:
    """``old`` with the ``dropped_columns`` backfills of ``new`` on its columns (the target
    of the downgrade ``new -> old``).

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> old = Snapshot(release="1", tables=(Table(name="t", columns=(Column(name="c", type="Text", nullable=False),)),))
        >>> new = Snapshot(release="2", tables=(Table(name="t", dropped_columns=(("c", "'x'"),)),))
        >>> with_downgrade_backfills(old, new).table("t").column("c").backfill
        "'x'"
    """
    changed: dict = {}
    for ot, nt in _pairs(old, new):
        hints = dict(nt.dropped_columns)
        if not hints:
            continue
        cols = tuple(
            dataclasses.replace(c, backfill=hints[c.name])
            if c.name in hints and not nt.has_column(c.name)
            else c
            for c in ot.columns
        )
        changed[ot.key] = dataclasses.replace(ot, columns=cols)
    if not changed:
        return old
    tables = tuple(changed.get(t.key, t) for t in old.tables)
    return dataclasses.replace(old, tables=tables)


def _refilled(old: Snapshot, new: Snapshot) -> set:
    """``(table key, column)`` the downgrade's data steps write: what the steps of ``new``
    (not already in ``old``, with a downgrade) read. Like an upgrade's step-written column,
    the downgrade adds it nullable, fills it with the step's downgrade, then sets NOT NULL."""
    from planner.state.steps_yaml import parse_target

    done = {s.name for s in old.steps}
    out = set()
    for s in new.steps:
        if s.name in done or s.irreversible:
            continue
        for target in s.reads:
            parsed = parse_target(target)
            if parsed is not None and parsed[2] is not None:
                out.add(((parsed[0], parsed[1]), parsed[2]))
    return out


def downgrade_failures(old: Snapshot, new: Snapshot) -> list[str]:
    """What the downgrade ``new -> old`` cannot do safely over existing rows: each NOT NULL
    column it adds back without a server default or a backfill, and each ``sync`` prune."""
    from planner.diff import owns_sequence

    out = []
    refilled = _refilled(old, new)
    for ot, nt in _pairs(old, new):
        if ot is nt:  # unchanged (one object when both snapshots share it): nothing dropped
            continue
        hints = dict(nt.dropped_columns)
        for name in _dropped(ot, nt, new):
            c = ot.column(name)
            if c.nullable or c.server_default is not None or owns_sequence(ot, c):
                continue
            if name in hints or c.backfill or (ot.key, name) in refilled:
                continue
            out.append(
                f"downgrade: adds NOT NULL column {table_key_str(ot.key)}.{name} back without a "
                "server default: it fails on a table with rows. Fix: give table "
                f"{table_key_str(nt.key)} of release {new.release} dropped_columns: "
                f"{{{name}: {{backfill: <SQL filling the rows>}}}}"
            )
        o_rs, n_rs = ot.rows, nt.rows
        if (
            o_rs is not None
            and o_rs.mode == "sync"
            and (n_rs is None or n_rs.mode != "sync" or o_rs != n_rs)
        ):
            out.append(
                f"downgrade: Delete the rows of {table_key_str(ot.key)} release {old.release} "
                "does not declare (sync), users' rows included"
            )
    return out
