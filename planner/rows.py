"""Managed rows: the row operations between two snapshots' rows, and the row machinery
the graph uses to break reference cycles (:func:`defer_references`).

:func:`diff_rows` finds, per table, the rows deleted, inserted and updated (matched by
the rows' key), orders each batch parent first (:func:`_parent_first`: self-references
inserted NULL and set afterwards when they form a cycle), records the rows each op needs
(``parents``: the rows its foreign key values point at, found by :class:`_RowIndex`) and
the key or unique values one row gives up and another takes (:func:`_unique_handover`).

Example:
    >>> from planner.state.model import Column, FrozenMap, RowSet, Snapshot, Table
    >>> t = Table(name="u", columns=(Column(name="id", type="Integer"),),
    ...           rows=RowSet(key=("id",), rows=(FrozenMap({"id": 1}),)))
    >>> [op.describe() for op in diff_rows(None, t, Snapshot(release="1"), Snapshot(release="2", tables=(t,)))]
    ['Insert 1 row into u: (id)=(1)']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from planner.ops import (
    ChangeRowMode,
    CycleError,
    DeleteRows,
    InsertRows,
    Operation,
    PruneRows,
    Ref,
    UpdateRow,
)
from planner.state.coltypes import TypeParseError, family, is_narrowing, is_widening
from planner.state.model import (
    ForeignKey,
    FrozenMap,
    Row,
    RowSet,
    Snapshot,
    Table,
    TableKey,
)
from planner.state.rowcheck import keys_of
from planner.state.rowrefs import reference_match


class _RowIndex:
    """Finds the managed row a foreign key value points at, per snapshot."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self._cache: dict[tuple[TableKey, tuple[str, ...]], dict[tuple, tuple]] = {}

    def parent(self, fk: ForeignKey, row: Row) -> Ref | None:
        target = _fk_target(fk, dict(row))
        if target is None:
            return None
        lookup = self._lookup(fk.ref_key, target[0])
        pkey = lookup.get(target[1])
        if pkey is None:
            return None
        return ("row", (fk.ref_key[0], fk.ref_key[1], pkey))

    def _lookup(self, key: TableKey, cols: tuple[str, ...]) -> dict[tuple, tuple]:
        ck = (key, cols)
        if ck not in self._cache:
            t = self.snapshot.get_table(key)
            out: dict[tuple, tuple] = {}
            if t is not None and t.rows is not None:
                for r in t.rows.rows:
                    d = dict(r)
                    vals = tuple(d.get(c) for c in cols)
                    if None not in vals:
                        out.setdefault(vals, t.rows.key_of(r))
            self._cache[ck] = out
        return self._cache[ck]


def _fk_target(fk: ForeignKey, d: dict) -> tuple[tuple[str, ...], tuple] | None:
    """The columns and values of the referenced table a row's foreign key values name:
    the referenced columns, or the natural key of a reference (``{code: fruit}``);
    None when a value is NULL."""
    if len(fk.columns) == 1 and isinstance(d.get(fk.columns[0]), FrozenMap):
        return reference_match(d[fk.columns[0]])
    values = tuple(d.get(c) for c in fk.columns)
    if None in values:
        return None
    return fk.ref_columns, values


def _enum_values(
    table: Table, row: Row, snapshot: Snapshot, only: Iterable[str] | None = None
) -> set[tuple[str, str]]:
    enums = snapshot.enums_by_name()
    out: set[tuple[str, str]] = set()
    d = dict(row)
    cols = table.column_names if only is None else tuple(only)
    for c in cols:
        if not table.has_column(c):
            continue
        from planner.state.typespec import plain_enum

        name = plain_enum(table.column(c).type)
        if name is not None and name in enums and isinstance(d.get(c), str):
            out.add((name, d[c]))
    return out


def _sorted_refs(refs: Iterable[Ref]) -> tuple[Ref, ...]:
    return tuple(sorted(set(refs), key=repr))


def _parent_first(
    table: Table, rows: list[Row], keys: set[tuple]
) -> tuple[list[Row], dict[tuple, set[str]]]:
    """Order rows so that a row comes after the rows of this batch it references.

    Returns the order and, for rows in a reference cycle, the self-referencing columns
    to insert as NULL and set afterwards (``{row key: {columns}}``).
    """
    rs = table.rows
    assert rs is not None
    self_fks = [fk for fk in table.foreign_keys if fk.ref_key == table.key]
    if not self_fks:
        return rows, {}
    by_values: dict[tuple[str, ...], dict[tuple, tuple]] = {}

    def find(cols: tuple[str, ...], vals: tuple) -> tuple | None:
        if cols not in by_values:
            m: dict[tuple, tuple] = {}
            for r in rows:
                d = dict(r)
                m.setdefault(tuple(d.get(c) for c in cols), rs.key_of(r))
            by_values[cols] = m
        return by_values[cols].get(vals)

    deps: dict[tuple, dict[tuple, set[str]]] = {}  # row key -> parent key -> columns
    for r in rows:
        d = dict(r)
        k = rs.key_of(r)
        for fk in self_fks:
            target = _fk_target(fk, d)
            if target is None:
                continue
            p = find(*target)
            if p is not None and p != k and p in keys:
                deps.setdefault(k, {}).setdefault(p, set()).update(fk.columns)
    nullable = {c.name for c in table.columns if c.nullable}
    done: set[tuple] = set()
    out: list[Row] = []
    deferred: dict[tuple, set[str]] = {}
    pending = list(rows)
    while pending:
        for i, r in enumerate(pending):  # noqa: B007 - i is used after break
            k = rs.key_of(r)
            if all(p in done for p in deps.get(k, {})):
                break
        else:
            # a cycle: insert the first pending row with its references NULL, if allowed
            i = 0
            r = pending[0]
            k = rs.key_of(r)
            cols = set().union(*(cs for p, cs in deps.get(k, {}).items() if p not in done))
            if not cols <= nullable:
                raise CycleError(
                    [
                        f"row {table.qualified_name} {k!r} references rows inserted after it through "
                        f"NOT NULL column(s) {', '.join(sorted(cols - nullable))}"
                    ]
                )
            deferred[k] = cols
        out.append(r)
        done.add(k)
        pending.pop(i)
    return out, deferred


def _unique_refs(table: Table, rows: Iterable[Row]) -> set[Ref]:
    """``("unique_value", (schema, table, columns, values))`` of every primary key, unique
    and (not partial) unique index of ``table`` that ``rows`` fill without NULL."""
    keys: list[tuple[str, ...]] = []
    if table.primary_key is not None and table.primary_key.columns:
        keys.append(tuple(table.primary_key.columns))
    keys += [tuple(u.columns) for u in table.uniques]
    keys += [tuple(ix.columns) for ix in table.indexes if ix.unique and not ix.where]
    out: set[Ref] = set()
    for r in rows:
        d = dict(r)
        for cols in keys:
            values = tuple(d.get(c) for c in cols)
            if None in values:
                continue
            try:
                hash(values)
            except TypeError:  # a JSON or ARRAY value: not a key anyone declares
                continue
            out.add(("unique_value", (table.schema, table.name, cols, values)))
    return out


def _key_getter(cols: tuple[str, ...]):
    """``row -> tuple of its values of cols`` (None for a column it lacks), as
    :meth:`RowSet.key_of`, made once per key: tables of many rows call it per row."""
    if len(cols) == 1:
        (col,) = cols

        def one(r: Row) -> tuple:
            return (dict(r).get(col),)

        return one

    def many(r: Row) -> tuple:
        d = dict(r)
        return tuple([d.get(c) for c in cols])

    return many


def diff_rows(ot: Table | None, nt: Table | None, old: Snapshot, new: Snapshot) -> list[Operation]:
    """The row operations of one table between two snapshots, in its row modes: the
    rows' inserts, updates and deletes (:func:`_diff_rows`), then a :class:`ChangeRowMode`
    and, into a ``sync`` table, a :class:`PruneRows` (:func:`_mode_ops`)."""
    o_mode = ot.rows.mode if ot is not None and ot.rows is not None else "managed"
    n_mode = nt.rows.mode if nt is not None and nt.rows is not None else "managed"
    # a row a seed set declared (or declares) is the users' to edit and is never deleted:
    # inserted where missing, its values left alone, both ways (managed -> seed and back)
    either = "seed" if "seed" in (o_mode, n_mode) else "managed"
    ops = _diff_rows(ot, nt, old, new, mode=either)
    return _mode_ops(ops, ot, nt, o_mode, n_mode)


def _mode_ops(
    ops: list[Operation], ot: Table | None, nt: Table | None, o_mode: str, n_mode: str
) -> list[Operation]:
    """``ops`` and the mode's own: a :class:`ChangeRowMode`; into a ``sync`` table a
    :class:`PruneRows`, before the inserts (it frees the values users' rows hold)."""
    if nt is None or nt.rows is None:
        return ops
    out: list[Operation] = list(ops)
    if o_mode != n_mode:
        out.append(ChangeRowMode(table_key=nt.key, key=nt.rows.key, old=o_mode, new=n_mode))
    # a sync table loses the rows it does not declare, when its mode or rows change
    # (a new table holds only its declared rows)
    if ot is not None and n_mode == "sync" and (o_mode != "sync" or ot.rows != nt.rows):
        keys = tuple(nt.rows.key_of(r) for r in nt.rows.rows)
        freed: set[Ref] = set()
        for i, op in enumerate(out):
            if isinstance(op, InsertRows):
                mine = _unique_refs(nt, op.rows)
                freed |= mine
                out[i] = dataclasses.replace(
                    op, unique_values=_sorted_refs(set(op.unique_values) | mine)
                )
        out.append(
            PruneRows(
                table_key=nt.key, key=nt.rows.key, keys=keys, unique_values=_sorted_refs(freed)
            )
        )
    return out


def _diff_rows(
    ot: Table | None,
    nt: Table | None,
    old: Snapshot,
    new: Snapshot,
    *,
    mode: str = "managed",
) -> list[Operation]:
    """``mode`` of the inserts, updates and deletes: ``managed`` or ``seed``."""
    o_rs = ot.rows if ot is not None and ot.rows is not None and ot.rows.rows else None
    n_rs = nt.rows if nt is not None and nt.rows is not None and nt.rows.rows else None
    if o_rs is None and n_rs is None:
        return []
    key = (nt or ot).key  # type: ignore[union-attr]
    key_cols = n_rs.key if n_rs is not None else o_rs.key  # type: ignore[union-attr]
    ops: list[Operation] = []
    old_idx, new_idx = _RowIndex(old), _RowIndex(new)

    key_of = _key_getter(key_cols)

    # the rows' key changed to columns the old rows do not hold (a new key column): old
    # rows cannot be matched with new ones, so every old row is deleted by its own key and
    # every new row inserted
    matchable = (
        o_rs is None
        or n_rs is None
        or o_rs.key == n_rs.key
        or all(c in dict(r) for r in o_rs.rows for c in key_cols)
    )
    gone_key_cols = key_cols if matchable else o_rs.key  # type: ignore[union-attr]

    def gone_key_of(r: Row) -> tuple:
        d = dict(r)
        return tuple(d.get(c) for c in gone_key_cols)

    # every row's key, computed once per side
    old_keys = keys_of(o_rs.rows, key_cols) if o_rs is not None and nt is not None else []
    new_keys = keys_of(n_rs.rows, key_cols) if n_rs is not None else []
    # (no old keys when the table goes: its rows are not matched)
    old_rows = (
        dict(zip(old_keys, o_rs.rows, strict=False)) if o_rs is not None and matchable else {}
    )
    new_rows = dict(zip(new_keys, n_rs.rows, strict=True)) if n_rs is not None else {}
    # deletes (only when the table stays; a dropped table takes its rows along)
    if o_rs is not None and nt is not None:
        gone = [
            r
            for k, r in zip(old_keys, o_rs.rows, strict=True)
            if not matchable or k not in new_rows
        ]
        if gone:
            assert ot is not None
            order, _ = _parent_first(
                dataclasses.replace(ot, rows=RowSet(key=gone_key_cols, rows=o_rs.rows)),
                gone,
                set(map(gone_key_of, gone)),
            )
            parents: set[Ref] = set()
            enum_values: set[tuple[str, str]] = set()
            gone_refs = {("row", (key[0], key[1], gone_key_of(r))) for r in gone}
            for r in gone:
                for fk in ot.foreign_keys:
                    p = old_idx.parent(fk, r)
                    if p is not None and p not in gone_refs:
                        parents.add(p)
                enum_values |= _enum_values(ot, r, old)
            ops.append(
                DeleteRows(
                    table_key=key,
                    key=gone_key_cols,
                    rows=tuple(reversed(order)),
                    parents=_sorted_refs(parents),
                    enum_values=tuple(sorted(enum_values)),
                    mode=mode,
                    after_tables=_dropped_referrers(gone_refs, old, new, old_idx),
                )
            )
    if n_rs is None:
        return ops
    assert nt is not None
    # inserts
    added = [r for k, r in zip(new_keys, n_rs.rows, strict=True) if k not in old_rows]
    deferred_updates: list[Operation] = []
    if added:
        added_keys = set(map(key_of, added))
        order, deferred = _parent_first(nt, added, added_keys)
        rows: list[Row] = []
        parents = set()
        enum_values = set()
        own = {("row", (key[0], key[1], k)) for k in added_keys}
        for r in order:
            k = key_of(r)
            cols = deferred.get(k, set())
            if cols:
                d = dict(r)
                rows.append(FrozenMap({c: (None if c in cols else v) for c, v in d.items()}))
                upd_parents = set()
                for fk in nt.foreign_keys:
                    if set(fk.columns) & cols:
                        p = new_idx.parent(fk, r)
                        if p is not None:
                            upd_parents.add(p)
                deferred_updates.append(
                    UpdateRow(
                        table_key=key,
                        key_columns=key_cols,
                        key=k,
                        old=FrozenMap({c: None for c in sorted(cols)}),
                        new=FrozenMap({c: d[c] for c in sorted(cols)}),
                        parents=_sorted_refs(upd_parents),
                    )
                )
            else:
                rows.append(r)
            for fk in nt.foreign_keys:
                if cols and set(fk.columns) & cols:
                    continue
                p = new_idx.parent(fk, r)
                if p is not None and p not in own:
                    parents.add(p)
            enum_values |= _enum_values(nt, r, new)
        ops.append(
            InsertRows(
                table_key=key,
                key=key_cols,
                rows=tuple(rows),
                order=tuple(new_keys),
                parents=_sorted_refs(parents),
                enum_values=tuple(sorted(enum_values)),
                mode=mode,
                after_dropped=tuple(
                    sorted(
                        c.name
                        for c in (ot.columns if ot is not None else ())
                        if not c.nullable and c.server_default is None and not nt.has_column(c.name)
                    )
                ),
            )
        )
    # updates: only the differing columns the new table still has, and the values a type
    # change may store in another form than the snapshot's (rewritten after it)
    # (rows are found by their key columns; a column other rows reference keeps its values)
    retyped = _retyped(ot, nt, key_cols) if ot is not None and old_rows else {}
    if retyped:
        referenced = {
            c
            for s in (old, new)
            for t in s.tables
            for fk in t.foreign_keys
            if fk.ref_key == key
            for c in fk.ref_columns
        }
        retyped = {c: v for c, v in retyped.items() if c not in referenced}
    if ot is not None and old_rows:
        for k, r in zip(new_keys, n_rs.rows, strict=True):
            o = old_rows.get(k, _MISSING)
            if o is _MISSING or (o == r and not retyped):
                continue  # not matched, or the same values and no type change to follow
            a, b = dict(o), dict(r)
            # a foreign key value the new snapshot no longer declares, pointing at a row
            # that goes, or into a table this step creates (it holds only the new
            # snapshot's rows): set NULL (left alone, it would dangle, and the key fail)
            for fk in nt.foreign_keys:
                if (
                    all(a.get(c) is not None and c not in b for c in fk.columns)
                    and all(nt.has_column(c) and nt.column(c).nullable for c in fk.columns)
                    and (
                        old_idx.parent(fk, old_rows[k]) is not None
                        or old.get_table(fk.ref_key) is None
                    )
                    and new_idx.parent(fk, old_rows[k]) is None
                ):
                    b.update(dict.fromkeys(fk.columns))
            cols = sorted(
                c
                for c in (a.keys() | b.keys())
                if nt.has_column(c)
                and (
                    a.get(c, _MISSING) != b.get(c, _MISSING)
                    or (c in retyped and retyped[c][0] and b.get(c) is not None)
                )
            )
            if not cols:
                continue
            # a value the type change would have to cast, while the row gets another one
            # anyway: set NULL before the change (the database may refuse the cast)
            cleared = [
                c
                for c in cols
                if c in retyped and retyped[c][1] and a.get(c) is not None and b.get(c) is not None
            ]
            if cleared:
                ops.append(
                    UpdateRow(
                        table_key=key,
                        key_columns=key_cols,
                        key=k,
                        old=FrozenMap({c: a[c] for c in cleared}),
                        new=FrozenMap(dict.fromkeys(cleared)),
                        old_enum_values=tuple(sorted(_enum_values(ot, old_rows[k], old, cleared))),
                        mode=mode,
                    )
                )
                a.update(dict.fromkeys(cleared))
            changed = set(cols)
            parents, old_parents = set(), set()
            for fk in nt.foreign_keys:
                if set(fk.columns) & changed:
                    p = new_idx.parent(fk, r)
                    if p is not None:
                        parents.add(p)
            for fk in ot.foreign_keys:
                if set(fk.columns) & changed:
                    p = old_idx.parent(fk, old_rows[k])
                    if p is not None:
                        old_parents.add(p)
            ops.append(
                UpdateRow(
                    table_key=key,
                    key_columns=key_cols,
                    key=k,
                    old=FrozenMap({c: a[c] for c in cols if c in a}),
                    new=FrozenMap({c: b[c] for c in cols if c in b}),
                    parents=_sorted_refs(parents),
                    old_parents=_sorted_refs(old_parents),
                    enum_values=tuple(sorted(_enum_values(nt, r, new, cols))),
                    old_enum_values=tuple(sorted(_enum_values(ot, old_rows[k], old, cols))),
                    mode=mode,
                )
            )
    # key or unique values one row gives up and another takes: the taker waits
    _unique_handover(ops, ot, nt, old_rows, new_rows)
    ops += deferred_updates
    return ops


def _dropped_referrers(
    gone: set[Ref], old: Snapshot, new: Snapshot, idx: _RowIndex
) -> tuple[TableKey, ...]:
    """The tables the plan drops (not renames) whose managed rows reference ``gone`` rows:
    dropped before those rows are deleted (their references would refuse the delete)."""
    renamed = {t.renamed_from for t in new.tables if t.renamed_from}
    out = []
    for t in old.tables:
        if new.get_table(t.key) is not None or t.name in renamed or t.rows is None:
            continue
        if any(idx.parent(fk, r) in gone for fk in t.foreign_keys for r in t.rows.rows):
            out.append(t.key)
    return tuple(sorted(out, key=lambda k: (k[0] or "", k[1])))


def _unique_handover(
    ops: list[Operation], ot: Table | None, nt: Table, old_rows: dict, new_rows: dict
) -> None:
    """Key or unique values one row of the table gives up (deleted, or updated to another
    value) and another takes (inserted, or updated to it): the taker waits for the giver
    (``unique_value`` refs; :class:`UpdateRow` ``unique_values`` / ``released_values``)."""
    if ot is None:
        return
    released: dict[int, set[Ref]] = {}
    taken: dict[int, set[Ref]] = {}
    for i, op in enumerate(ops):
        if isinstance(op, UpdateRow):
            changed = {c for c, _ in op.new} | {c for c, _ in op.old}
            gives = _unique_refs(ot, [old_rows[op.key]])
            takes = _unique_refs(nt, [new_rows[op.key]])
            released[i] = {r for r in gives if set(r[1][2]) & changed}
            taken[i] = {r for r in takes if set(r[1][2]) & changed}
        elif isinstance(op, DeleteRows):
            released[i] = _unique_refs(ot, op.rows)
        elif isinstance(op, InsertRows):
            taken[i] = _unique_refs(nt, op.rows)
    given = set().union(*released.values()) if released else set()
    wanted = set().union(*taken.values()) if taken else set()
    clash = given & wanted
    if not clash:
        return
    for i, op in enumerate(ops):
        if isinstance(op, UpdateRow):
            ops[i] = dataclasses.replace(
                op,
                unique_values=_sorted_refs(taken[i] & clash),
                released_values=_sorted_refs(released[i] & clash),
            )
        elif isinstance(op, (DeleteRows, InsertRows)):
            mine = released.get(i, set()) | taken.get(i, set())
            ops[i] = dataclasses.replace(op, unique_values=_sorted_refs(mine & clash))


_MISSING: Any = object()


def _retyped(ot: Table, nt: Table, kept: Iterable[str]) -> dict[str, tuple[bool, bool]]:
    """The managed columns whose type changes: ``{column: (rewrite, clear)}``.

    ``rewrite``: a value kept through the change may be stored in another form than the
    snapshot's (``DateTime -> Text`` keeps ``'2020-01-02 03:04:05+00'``), so rows are
    written again after it. ``clear``: some value of the old type may not cast to the new
    one, so a row that is rewritten anyway is set NULL first (when the column allows it).
    The columns ``kept`` (row keys, columns foreign keys point at) are left out.

    Example:
        >>> from planner.state.model import Column
        >>> t = lambda ty: Table(name="t", columns=(Column(name="d", type=ty),))
        >>> _retyped(t("DateTime"), t("Text"), ("k",)), _retyped(t("Text"), t("Integer"), ("k",))
        ({'d': (True, False)}, {'d': (True, True)})
    """
    out: dict[str, tuple[bool, bool]] = {}
    kept = set(kept)
    for nc in nt.columns:
        if nc.name in kept or not ot.has_column(nc.name):
            continue
        oc = ot.column(nc.name)
        if oc.type == nc.type:
            continue
        try:
            widening = is_widening(oc.type, nc.type)
            rewrite = family(oc.type) != family(nc.type) or not (
                widening or is_narrowing(oc.type, nc.type)
            )
        except TypeParseError:
            widening, rewrite = False, True
        out[nc.name] = (rewrite, not widening and oc.nullable)
    return out


def defer_references(
    op: InsertRows, to: set[TableKey], new: Snapshot
) -> tuple[InsertRows, list[UpdateRow]] | None:
    """Split ``op`` so its rows reference rows of the tables ``to`` only afterwards.

    The foreign key columns pointing at ``to`` are inserted as NULL and set by an
    :class:`UpdateRow` per row. Returns None when such a column is NOT NULL.

    Example:
        >>> defer_references(InsertRows(table_key=(None, "t"), key=("id",), rows=()), set(),
        ...                  Snapshot(release="1", tables=(Table(name="t"),)))[1]
        []
    """
    table = new.get_table(op.table_key)
    if table is None:
        return None
    fks = [fk for fk in table.foreign_keys if fk.ref_key in to and fk.ref_key != op.table_key]
    cols = {c for fk in fks for c in fk.columns}
    if any(not table.has_column(c) or not table.column(c).nullable for c in cols):
        return None
    idx = _RowIndex(new)
    rows: list[Row] = []
    updates: list[UpdateRow] = []
    parents = set(op.parents)
    for r in op.rows:
        d = dict(r)
        these = sorted(c for c in cols if d.get(c) is not None)
        if not these:
            rows.append(r)
            continue
        rows.append(FrozenMap({c: (None if c in these else v) for c, v in d.items()}))
        refs = set()
        for fk in fks:
            p = idx.parent(fk, r)
            if p is not None:
                refs.add(p)
                parents.discard(p)
        updates.append(
            UpdateRow(
                table_key=op.table_key,
                key_columns=op.key,
                key=tuple(d.get(c) for c in op.key),
                old=FrozenMap({c: None for c in these}),
                new=FrozenMap({c: d[c] for c in these}),
                parents=_sorted_refs(refs),
            )
        )
    return dataclasses.replace(op, rows=tuple(rows), parents=_sorted_refs(parents)), updates
