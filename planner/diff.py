"""Diff two snapshots into operations (pure functions, one ``_diff_<kind>`` each).

The order of the generators is fixed and commented (Django's autodetector): renames
first, so every later operation names tables and columns as they are after the
renames; then enums, tables, columns, constraints, indexes, rows. The list returned is
deterministic but not yet the plan's order — :mod:`planner.graph` orders it.

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> a = Snapshot(release="1")
    >>> b = Snapshot(release="2", tables=(Table(name="units", columns=(Column(name="id", type="Integer"),)),))
    >>> [op.describe() for op in diff_snapshots(a, b)]
    ['Create table units (id)']
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from planner import sqlexpr
from planner.ops import (
    AddCheck,
    AddColumn,
    AddEnumValue,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumnCollation,
    AlterColumnComment,
    AlterColumnDefault,
    AlterColumnNullable,
    AlterColumnOnUpdate,
    AlterColumnType,
    BackfillColumn,
    CreateEnum,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropEnum,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropTable,
    DropUnique,
    Operation,
    RebuildEnum,
    Ref,
    RenameColumn,
    RenameConstraint,
    RenameIndex,
    RenameTable,
    SetEnumComment,
    SetIndexComment,
    SetTableComment,
    enums_of_type,
)
from planner.renames import Renames, renames_from_hints
from planner.rows import diff_rows
from planner.state.column_kinds import made_by_database
from planner.state.model import (
    Column,
    ColumnKey,
    ForeignKey,
    PrimaryKey,
    Snapshot,
    Table,
    TableKey,
)
from planner.state.naming import renamed_names

if TYPE_CHECKING:
    from planner.dialects import Dialect

_INT_TYPES = ("Integer", "BigInteger", "SmallInteger")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def diff_snapshots(
    old: Snapshot,
    new: Snapshot,
    *,
    renames: Renames | None = None,
    targets: Sequence[Dialect] | None = None,
) -> list[Operation]:
    """The operations that turn ``old`` into ``new``, in a deterministic (unordered) list.

    ``renames`` defaults to what ``new``'s ``renamed_from`` hints declare. ``targets``
    (default: every supported dialect) decide the rules only some databases need (a
    foreign key dropped and re-added around the drop of the key or index it is tied to).

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer"),))
        >>> diff_snapshots(Snapshot(release="1", tables=(t,)), Snapshot(release="2", tables=(t,)))
        []
    """
    if renames is None:
        renames = renames_from_hints(old, new)
    ops: list[Operation] = []
    # 1. renames first: every later op uses the names as they are after them
    cur = old
    for op in _diff_renames(old, new, renames):
        ops.append(op)
        cur = op.apply_to(cur)
    # 2. constraints/indexes whose definition is unchanged but whose name is: rename them
    for op in _diff_renamed_objects(cur, new):
        ops.append(op)
        cur = op.apply_to(cur)
    # 3. enums: created, extended in place, rebuilt, dropped
    ops += _diff_enums(cur, new)
    # 3b. partitioning and inheritance: bounds, parents, tables PostgreSQL cannot alter
    from planner.diff_partitions import diff_partitions

    part_ops, cur = diff_partitions(cur, new)
    ops += part_ops
    # 4. tables created and dropped; then each common table
    old_tables, new_tables = cur.tables_by_key(), new.tables_by_key()
    for key in _sorted_keys(new_tables.keys() - old_tables.keys()):
        ops += _diff_created_table(new_tables[key], new)
    for key in _sorted_keys(old_tables.keys() - new_tables.keys()):
        ops += _diff_dropped_table(old_tables[key])
    for key in _sorted_keys(old_tables.keys() & new_tables.keys()):
        ot, nt = old_tables[key], new_tables[key]
        if ot is not nt:  # one object on both sides (planner.state.cache_format): no change
            ops += _diff_table(ot, nt)
    # unchanged foreign keys on a key that is dropped (and recreated) go and come with it
    ops += _diff_dependent_foreign_keys(ops, cur, new, targets=_targets(targets))
    # 5. managed rows, last: they see the tables as the schema ops leave them
    for key in _sorted_keys(new_tables.keys() | old_tables.keys()):
        ops += diff_rows(old_tables.get(key), new_tables.get(key), cur, new)
    from planner.diff_pg_objects import diff_pg_objects  # schemas, extensions, sequences
    from planner.diff_pg_types import diff_pg_types  # domains, composite types, collations
    from planner.diff_routines import diff_routines  # functions, procedures, triggers
    from planner.diff_steps import diff_steps  # the release's data steps

    routine_ops = diff_routines(cur, new, table_ops=ops)
    ops += routine_ops
    from planner.diff_policies import diff_policies  # row-level security, policies
    from planner.diff_views import diff_views  # views, around the table ops under them

    view_ops = diff_views(cur, new, ops, targets=targets)
    from planner.diff_routines import around_views  # the triggers of views made again

    return (
        ops
        + diff_policies(cur, new, ops)
        + view_ops
        + around_views(cur, new, view_ops, routine_ops)
        + diff_pg_objects(cur, new)
        + diff_pg_types(cur, new)
        + diff_steps(old, new)
    )


def _targets(targets: Sequence[Dialect] | None) -> tuple[Dialect, ...]:
    from planner.dialects import all_dialects

    return all_dialects() if targets is None else tuple(targets)


def _sorted_keys(keys: Iterable[TableKey]) -> list[TableKey]:
    return sorted(keys, key=lambda k: (k[0] or "", k[1]))


# --------------------------------------------------------------------------- renames


def owns_sequence(table: Table, column: Column) -> bool:
    """True when ``column`` gets a PostgreSQL serial sequence (``<table>_<col>_seq``).

    Example:
        >>> from planner.state.model import PrimaryKey
        >>> c = Column(name="id", type="Integer", nullable=False)
        >>> owns_sequence(Table(name="t", columns=(c,), primary_key=PrimaryKey(columns=("id",))), c)
        True
    """
    if column.autoincrement is False or column.type not in _INT_TYPES:
        return False
    if column.identity is not None or column.generated is not None:
        return False  # the database makes its values otherwise
    if column.autoincrement is True:
        return True
    pk = table.primary_key
    return pk is not None and pk.columns == (column.name,) and column.server_default is None


def _diff_renames(old: Snapshot, new: Snapshot, renames: Renames) -> list[Operation]:
    ops: list[Operation] = []
    col_renames: dict[TableKey, dict[str, str]] = {}
    for _src, tgt, sc, tc in renames.columns:
        col_renames.setdefault(tgt, {})[sc] = tc
    conventions = old.conventions
    names: Counter[tuple[str | None, str]] | None = None  # schema-wide names, counted once
    for src, new_name in renames.tables:
        t = old.get_table(src)
        if t is None:
            continue
        tgt: TableKey = (src[0], new_name)
        derived = renamed_names(t, new_name, conventions) if conventions else {}
        index_names = {i.name for i in t.indexes}
        # a derived name another table of the schema holds is not carried along (index
        # names are schema-wide on PostgreSQL and SQLite, foreign key names on MariaDB):
        # a later op takes it, once the other table frees it
        taken = set(t.constraint_names())
        if derived:
            if names is None:
                names = Counter(
                    (o.schema, n.lower())
                    for o in old.tables
                    for n in (o.name, *o.constraint_names())
                )
            own = Counter((t.schema, n.lower()) for n in (t.name, *t.constraint_names()))
            derived = {
                a: b
                for a, b in derived.items()
                if b not in taken and names[t.schema, b.lower()] <= own[t.schema, b.lower()]
            }
        pkey = None
        if t.primary_key and t.primary_key.columns and t.primary_key.name is None:
            # PostgreSQL's default name follows the table even when the primary key is
            # then dropped or given a name: later ops name it after the new table
            pkey = (f"{t.name}_pkey", f"{new_name}_pkey")
        cmap = col_renames.get(tgt, {})
        seqs = tuple(
            (f"{t.name}_{c.name}_seq", f"{new_name}_{cmap.get(c.name, c.name)}_seq")
            for c in t.columns
            if owns_sequence(t, c)
        )
        ops.append(
            RenameTable(
                old_key=src,
                new_name=new_name,
                constraint_renames=tuple(
                    sorted((a, b) for a, b in derived.items() if a not in index_names)
                ),
                index_renames=tuple(sorted((a, b) for a, b in derived.items() if a in index_names)),
                default_pkey=pkey,
                sequence_renames=seqs,
            )
        )
    cur = old
    for op in ops:
        cur = op.apply_to(cur)
    renamed_tables = {tgt for _s, tgt, _a, _b in renames.columns} & {
        (k[0], n) for k, n in renames.tables
    }
    for _src, tgt, sc, tc in renames.columns:
        t = cur.get_table(tgt)
        if t is None or not t.has_column(sc) or t.has_column(tc):
            continue
        col = t.column(sc)
        seq = None
        if tgt not in renamed_tables and owns_sequence(t, col):
            seq = (f"{t.name}_{sc}_seq", f"{t.name}_{tc}_seq")
        op = RenameColumn(table_key=tgt, old=sc, new=tc, column=_plain(col), sequence_rename=seq)
        ops.append(op)
        cur = op.apply_to(cur)
    return ops


def _plain(col: Column) -> Column:
    return dataclasses.replace(
        col, renamed_from=None, backfill=None, using=(), backfill_dialects=()
    )


def _backfill(key: TableKey, col: Column) -> BackfillColumn:
    """The backfill op of a column's hint (portable SQL, or per dialect)."""
    return BackfillColumn(
        table_key=key, column=col.name, sql=col.backfill or "", by_dialect=col.backfill_dialects
    )


def _fk_def(fk: ForeignKey) -> tuple:
    return (fk.columns, fk.ref_schema, fk.ref_table, fk.ref_columns, fk.ondelete, fk.onupdate)


def _diff_renamed_objects(old: Snapshot, new: Snapshot) -> list[Operation]:
    """Constraints and indexes with an unchanged definition under a new name."""
    ops: list[Operation] = []
    new_tables = new.tables_by_key()
    for ot in old.tables:
        nt = new_tables.get(ot.key)
        if nt is None or nt is ot:  # one object on both sides: nothing renamed
            continue
        old_names = set(ot.constraint_names())
        new_names = set(nt.constraint_names())
        groups = (
            ("foreign_key", ot.foreign_keys, nt.foreign_keys, _fk_def),
            ("unique", ot.uniques, nt.uniques, lambda u: u.columns),
            ("check", ot.checks, nt.checks, lambda c: c.sqltext),
            (
                "index",
                ot.indexes,
                nt.indexes,
                lambda i: (i.columns, i.unique, i.where, i.using, i.include, i.elements, i.storage),
            ),
        )
        for ctype, olds, news, definition in groups:
            gone = [o for o in olds if o.name not in new_names]
            came = [o for o in news if o.name not in old_names]
            for o in gone:
                for n in came:
                    if definition(o) == definition(n):
                        if ctype == "index":
                            ops.append(
                                RenameIndex(table_key=ot.key, old=o.name, new=n.name, index=o)
                            )
                        else:
                            ops.append(
                                RenameConstraint(
                                    table_key=ot.key, old=o.name, new=n.name, constraint_type=ctype
                                )
                            )
                        came.remove(n)
                        new_names.discard(n.name)
                        break
        op_pk, np_ = ot.primary_key, nt.primary_key
        if (
            op_pk
            and np_
            and op_pk.name
            and np_.name
            and op_pk.name != np_.name
            and op_pk.columns == np_.columns
            and np_.name not in old_names
        ):
            ops.append(
                RenameConstraint(
                    table_key=ot.key, old=op_pk.name, new=np_.name, constraint_type="primary_key"
                )
            )
    return ops


# --------------------------------------------------------------------------- enums


def _enum_users(snapshot: Snapshot, name: str, *, staying: Snapshot) -> tuple[ColumnKey, ...]:
    """The columns of ``snapshot`` typed with enum ``name`` that keep the type in
    ``staying`` (names as after the renames): the columns an enum change converts. A
    column dropped or retyped away from the enum changes before it (the ops' refs)."""
    out = []
    for t in snapshot.tables:
        kept = staying.get_table(t.key)
        for c in t.columns:
            if (
                name in (c.type or "")  # a plain substring test first: most types name no enum
                and name in enums_of_type(c.type)
                and kept is not None
                and kept.has_column(c.name)
                and name in enums_of_type(kept.column(c.name).type)
            ):
                out.append((t.schema, t.name, c.name))
    return tuple(sorted(out, key=lambda k: (k[0] or "", k[1], k[2])))


def _diff_enums(old: Snapshot, new: Snapshot) -> list[Operation]:
    ops: list[Operation] = []
    oe, ne = old.enums_by_name(), new.enums_by_name()
    for name in sorted(ne.keys() - oe.keys()):
        ops.append(CreateEnum(enum=ne[name]))
    for name in sorted(oe.keys() & ne.keys()):
        if oe[name].comment != ne[name].comment:
            ops.append(SetEnumComment(enum_name=name, old=oe[name].comment, new=ne[name].comment))
        before, after = oe[name].values, ne[name].values
        if before == after:
            continue
        users = _enum_users(old, name, staying=new)
        from planner.ops.enum_renames import RenameEnumValue, value_renames

        for a, b in value_renames(before, after, oe[name], ne[name]):  # rows keep their value
            ops.append(
                RenameEnumValue(enum_name=name, old=a, new=b, old_values=before, columns=users)
            )
            before = ops[-1].new_values
        if before == after:
            continue
        kept = [v for v in after if v in before]
        if kept == list(before):
            # only insertions: add each value in place, in the new order
            cur = before
            for i, v in enumerate(after):
                if v in cur:
                    continue
                prev = after[i - 1] if i > 0 else None
                nxt = next((x for x in after[i + 1 :] if x in cur), None) if prev is None else None
                op = AddEnumValue(
                    enum_name=name, value=v, after=prev, before=nxt, old_values=cur, columns=users
                )
                ops.append(op)
                cur = op.new_values
            continue
        # removed or reordered values: add the new ones first (rows can move to them),
        # then rebuild the type with the final values
        cur = before
        for v in after:
            if v in cur:
                continue
            op = AddEnumValue(
                enum_name=name,
                value=v,
                after=cur[-1] if cur else None,
                old_values=cur,
                columns=users,
            )
            ops.append(op)
            cur = op.new_values
        ops.append(RebuildEnum(enum_name=name, old_values=cur, new_values=after, columns=users))
    for name in sorted(oe.keys() - ne.keys()):
        ops.append(DropEnum(enum=oe[name]))
    return ops


# --------------------------------------------------------------------------- tables


def _bare(table: Table) -> Table:
    """The table as CreateTable makes it: no foreign keys, indexes, rows or hints."""
    return dataclasses.replace(
        table,
        columns=tuple(_plain(c) for c in table.columns),
        foreign_keys=(),
        indexes=(),
        rows=None,
        renamed_from=None,
        row_level_security=None,
        policies=(),
    )


def _check_columns(table: Table, sqltext: str) -> tuple[str, ...]:
    names = set(table.column_names)
    return tuple(sorted({w for w in _IDENT.findall(sqltext) if w in names}))


def _diff_created_table(table: Table, new: Snapshot) -> list[Operation]:
    ops: list[Operation] = [CreateTable(table=_bare(table))]
    ops += [
        AddForeignKey(table_key=table.key, fk=fk, table_is_new=True) for fk in table.foreign_keys
    ]
    ops += [CreateIndex(table_key=table.key, index=ix, table_is_new=True) for ix in table.indexes]
    return ops


def _diff_dropped_table(table: Table) -> list[Operation]:
    ops: list[Operation] = [DropForeignKey(table_key=table.key, fk=fk) for fk in table.foreign_keys]
    ops.append(DropTable(table=dataclasses.replace(table, foreign_keys=(), rows=None)))
    return ops


def _pk(table: Table) -> PrimaryKey | None:
    pk = table.primary_key
    return pk if pk is not None and pk.columns else None


def _diff_table(ot: Table, nt: Table) -> list[Operation]:
    key = nt.key
    from planner.diff_pg_tables import diff_pg_table  # deferrable foreign keys, unlogged

    ot, ops = diff_pg_table(ot, nt)
    if ot.comment != nt.comment:
        ops.append(SetTableComment(table_key=key, old=ot.comment, new=nt.comment))
    ops += _diff_columns(ot, nt)
    from planner.diff_autoincrement import diff_autoincrement  # serial key <-> plain key

    ops += diff_autoincrement(ot, nt)
    # primary key
    opk, npk = _pk(ot), _pk(nt)
    if opk != npk:
        if opk is not None:
            ops.append(DropPrimaryKey(table_key=key, primary_key=opk))
        if npk is not None:
            ops.append(AddPrimaryKey(table_key=key, primary_key=npk))
    # named constraints and indexes: dropped, added, changed (drop + add)
    ops += _diff_named(
        ot.foreign_keys,
        nt.foreign_keys,
        lambda o: DropForeignKey(table_key=key, fk=o),
        lambda o: AddForeignKey(table_key=key, fk=o),
    )
    ops += _diff_named(
        ot.uniques,
        nt.uniques,
        lambda o: DropUnique(table_key=key, unique=o),
        lambda o: AddUnique(table_key=key, unique=o),
    )
    ops += _diff_named(
        ot.checks,
        nt.checks,
        lambda o: DropCheck(table_key=key, check=o, columns=_check_columns(ot, o.sqltext)),
        lambda o: AddCheck(table_key=key, check=o, columns=_check_columns(nt, o.sqltext)),
    )
    # an index whose comment alone changes stays: one SetIndexComment
    have = {i.name: i for i in ot.indexes}
    commented = {
        i.name: have[i.name].comment
        for i in nt.indexes
        if i.name in have
        and have[i.name].comment != i.comment
        and sqlexpr.same_object(dataclasses.replace(have[i.name], comment=i.comment), i)
    }
    ops += _diff_named(
        tuple(i for i in ot.indexes if i.name not in commented),
        tuple(i for i in nt.indexes if i.name not in commented),
        lambda o: DropIndex(table_key=key, index=o),
        lambda o: CreateIndex(table_key=key, index=o),
    )
    ops += [
        SetIndexComment(table_key=key, index=i, old=commented[i.name])
        for i in nt.indexes
        if i.name in commented
    ]
    return ops


def _diff_dependent_foreign_keys(
    ops: list[Operation], old: Snapshot, new: Snapshot, *, targets: Sequence[Dialect]
) -> list[Operation]:
    """Drop and re-add the unchanged foreign keys whose key or index is dropped, when a
    target database ties foreign keys to them (``Dialect.foreign_key_tied_to_key``;
    the index rules only where ``Dialect.foreign_key_needs_index``).

    * Referenced side: PostgreSQL refuses to drop a primary key or unique constraint a
      foreign key uses; it matches a foreign key to a key with the same columns in any
      order. The re-added foreign key runs after the drop (:mod:`planner.graph`), so it
      uses a key that stays.
    * Referencing side: MariaDB ties a foreign key to an index whose first columns are
      the foreign key's, and refuses to drop it ("needed in a foreign key constraint")
      unless another index it keeps has them. The foreign key is dropped before that
      index (``uses``) and re-added after (``not_on``).
    """
    if not any(d.foreign_key_tied_to_key for d in targets):
        return []
    needs_index = any(d.foreign_key_needs_index for d in targets)
    removed: set[tuple[TableKey, frozenset[str]]] = set()
    dropped: dict[TableKey, list[tuple[Ref, tuple[str, ...]]]] = {}
    touched: set[tuple[TableKey, str]] = set()
    for op in ops:
        if isinstance(op, DropPrimaryKey):
            removed.add((op.table_key, frozenset(op.primary_key.columns)))
            dropped.setdefault(op.table_key, []).append(
                (("primary_key", op.table_key), op.primary_key.columns)
            )
        elif isinstance(op, DropUnique):
            removed.add((op.table_key, frozenset(op.unique.columns)))
            ref: Ref = ("constraint", (*op.table_key, op.unique.name))
            dropped.setdefault(op.table_key, []).append((ref, op.unique.columns))
        elif isinstance(op, DropIndex):
            if op.index.unique and not op.index.where:
                removed.add((op.table_key, frozenset(op.index.columns)))
            ref = ("index", (*op.table_key, op.index.name))
            dropped.setdefault(op.table_key, []).append((ref, op.index.columns))
        elif isinstance(op, (DropForeignKey, AddForeignKey)):
            touched.add((op.table_key, op.fk.name))
    out: list[Operation] = []
    if not removed and not dropped:
        return out
    for t in old.tables:
        # a foreign key changes only with a key or index dropped on its own table or on
        # the one it references (``removed`` is of tables in ``dropped`` too)
        if t.key not in dropped and not any(fk.ref_key in dropped for fk in t.foreign_keys):
            continue
        nt = new.get_table(t.key)
        if nt is None:
            continue
        new_fks = {fk.name: fk for fk in nt.foreign_keys}
        gone = dropped.get(t.key, [])
        gone_refs = {r for r, _ in gone}
        kept = [cols for r, cols in _index_like(t) if r not in gone_refs]
        for fk in t.foreign_keys:
            if (t.key, fk.name) in touched or new_fks.get(fk.name) != fk:
                continue
            # the indexes MariaDB may have tied the foreign key to, when none kept covers it
            n = len(fk.columns)
            uses: tuple[Ref, ...] = ()
            if needs_index and not any(cols[:n] == fk.columns for cols in kept):
                uses = tuple(sorted((r for r, cols in gone if cols[:n] == fk.columns), key=repr))
            # referenced side: MariaDB needs an index whose first columns are the referenced
            # ones in order, and refuses to drop the last one ("needed in a foreign key")
            if needs_index:
                uses += _last_ordered_index(old.get_table(fk.ref_key), fk.ref_columns, dropped)
            if uses or (fk.ref_key, frozenset(fk.ref_columns)) in removed:
                out.append(DropForeignKey(table_key=t.key, fk=fk, uses=uses))
                out.append(AddForeignKey(table_key=t.key, fk=fk, not_on=uses))
    return out


def _last_ordered_index(
    t: Table | None,
    columns: tuple[str, ...],
    dropped: dict[TableKey, list[tuple[Ref, tuple[str, ...]]]],
) -> tuple[Ref, ...]:
    """The dropped indexes/keys of ``t`` that start with ``columns`` in order, when no kept
    one does (MariaDB ties a foreign key to such an index on the referenced table)."""
    gone = dropped.get(t.key, []) if t is not None else []
    if t is None or not gone:
        return ()
    n = len(columns)
    gone_refs = {r for r, _ in gone}
    if any(cols[:n] == columns for r, cols in _index_like(t) if r not in gone_refs):
        return ()
    return tuple(sorted((r for r, cols in gone if cols[:n] == columns), key=repr))


def _index_like(t: Table) -> list[tuple[Ref, tuple[str, ...]]]:
    """The table's primary key, uniques and indexes: (ref, columns)."""
    out: list[tuple[Ref, tuple[str, ...]]] = []
    if t.primary_key is not None and t.primary_key.columns:
        out.append((("primary_key", t.key), t.primary_key.columns))
    out += [(("constraint", (*t.key, u.name)), u.columns) for u in t.uniques]
    out += [(("index", (*t.key, i.name)), i.columns) for i in t.indexes]
    return out


def _diff_named(olds: tuple, news: tuple, drop, add) -> list[Operation]:
    o = {x.name: x for x in olds}
    n = {x.name: x for x in news}
    ops: list[Operation] = []
    for name in sorted(o.keys() | n.keys()):
        a, b = o.get(name), n.get(name)
        if sqlexpr.same_object(a, b):  # SQL fields (check, index where) by meaning
            continue
        if a is not None:
            ops.append(drop(a))
        if b is not None:
            ops.append(add(b))
    return ops


def _diff_columns(ot: Table, nt: Table) -> list[Operation]:
    from planner.diff_generated import rebuilt_columns  # a generation changed: drop + add

    key = nt.key
    ops: list[Operation] = []
    names = nt.column_names
    rebuilt = rebuilt_columns(ot, nt)
    for i, col in enumerate(nt.columns):
        if ot.has_column(col.name) and col.name not in rebuilt:
            ops += _diff_column(key, ot.column(col.name), col)
            continue
        after = names[i - 1] if i > 0 else None
        keep = None  # a generated column becoming plain keeps its values: filled with them
        if col.name in rebuilt:
            j = ot.column_names.index(col.name)
            was = ot.columns[j - 1].name if j > 0 else None
            oc = ot.column(col.name)
            ops.append(DropColumn(table_key=key, column=_plain(oc), after=was))
            if oc.generated is not None and col.generated is None:
                keep = col.backfill or oc.generated.expression
                col = dataclasses.replace(col, backfill=keep)
        if col.nullable or col.server_default is not None or made_by_database(col):
            ops.append(AddColumn(table_key=key, column=_plain(col), after=after, position=i))
            if keep is not None:
                ops.append(BackfillColumn(table_key=key, column=col.name, sql=keep))
            continue
        # NOT NULL without a default on an existing table: add nullable, fill, set NOT NULL
        loose = dataclasses.replace(_plain(col), nullable=True)
        ops.append(AddColumn(table_key=key, column=loose, after=after, position=i))
        if col.fills:
            ops.append(_backfill(key, col))
        ops.append(
            AlterColumnNullable(table_key=key, column=col.name, nullable=False, column_def=loose)
        )
    for i, col in enumerate(ot.columns):
        if not nt.has_column(col.name):
            after = ot.columns[i - 1].name if i > 0 else None
            ops.append(DropColumn(table_key=key, column=_plain(col), after=after))
    return ops


#: server defaults that are plain literals (a number, a quoted string, a boolean): valid
#: as the value of an UPDATE on every dialect
_LITERAL = re.compile(r"^\s*(-?\d+(\.\d+)?|'([^']|'')*'|true|false)\s*$", re.IGNORECASE)


def _diff_column(key: TableKey, oc: Column, nc: Column) -> list[Operation]:
    ops: list[Operation] = []
    name = nc.name
    if oc.type != nc.type:
        ops.append(
            AlterColumnType(
                table_key=key,
                column=name,
                old_type=oc.type,
                new_type=nc.type,
                existing_nullable=oc.nullable,
                existing_server_default=oc.server_default,
                existing_comment=oc.comment,
                using=nc.using,
            )
        )
    if (oc.on_update or nc.on_update) and not (
        sqlexpr.same_everywhere(oc.on_update, nc.on_update)
        and sqlexpr.same_everywhere(oc.server_default, nc.server_default)
    ):
        # ON UPDATE and the default beside it: one rewrite of the column (MariaDB/MySQL)
        ops.append(
            AlterColumnOnUpdate(
                table_key=key,
                column=name,
                old=oc.on_update,
                new=nc.on_update,
                old_default=oc.server_default,
                new_default=nc.server_default,
                existing_type=nc.type,
                existing_nullable=oc.nullable,
            )
        )
    elif not sqlexpr.same_everywhere(oc.server_default, nc.server_default):
        retyped = oc.type != nc.type
        if retyped and oc.server_default is not None and nc.server_default is not None:
            # around a type change, the old default goes before it (the database would
            # cast it to the new type) and the new one comes after it (it is a value of
            # the new type): two ops, which the graph puts on either side (_retype_edges)
            steps = [(oc.server_default, None, oc.type), (None, nc.server_default, nc.type)]
        else:
            dropped = retyped and nc.server_default is None
            steps = [(oc.server_default, nc.server_default, oc.type if dropped else nc.type)]
        for before, after, existing in steps:
            ops.append(
                AlterColumnDefault(
                    table_key=key,
                    column=name,
                    old=before,
                    new=after,
                    existing_type=existing,
                    existing_nullable=oc.nullable,
                )
            )
    if oc.collation != nc.collation:  # after a type change (graph_collations)
        ops.append(
            AlterColumnCollation(
                table_key=key,
                column=name,
                old=oc.collation,
                new=nc.collation,
                existing_type=nc.type,
                existing_nullable=oc.nullable,
            )
        )
    if oc.comment != nc.comment:
        ops.append(
            AlterColumnComment(
                table_key=key,
                column=name,
                old=oc.comment,
                new=nc.comment,
                existing_type=nc.type,
                existing_nullable=oc.nullable,
            )
        )
    if oc.nullable != nc.nullable:
        before = dataclasses.replace(
            _plain(oc),
            type=nc.type,
            server_default=nc.server_default,
            comment=nc.comment,
            collation=nc.collation,  # after the collation change (graph_collations)
        )
        fill = nc.backfill
        if fill is None and nc.server_default is not None and _LITERAL.match(nc.server_default):
            # SET NOT NULL does not apply the default to existing NULLs (PostgreSQL refuses,
            # SQLite's rebuild fails): fill them with it, as a backfill would
            fill = nc.server_default
        if not nc.nullable and nc.backfill_dialects:
            ops.append(_backfill(key, nc))
        elif not nc.nullable and fill:
            ops.append(BackfillColumn(table_key=key, column=name, sql=fill))
        ops.append(
            AlterColumnNullable(table_key=key, column=name, nullable=nc.nullable, column_def=before)
        )
    return ops
