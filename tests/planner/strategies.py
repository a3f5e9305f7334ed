"""Hypothesis strategies for the planner: a valid snapshot plus random valid edits.

``snapshot_pairs()`` draws ``(a, b)``: ``a`` from :func:`tests.strategies.snapshots`
(hints stripped, foreign key values filled into its rows), ``b`` from ``a`` by 1–8
random edits covering every operation kind: tables created/dropped/renamed (with
``renamed_from``; convention-derived names follow), columns added (nullable, NOT NULL
with a default, NOT NULL with ``backfill``)/dropped/renamed/altered (type, nullability,
default, comment), indexes, uniques, checks, primary keys, foreign keys (including
self-references and cycles between tables), enums (created, dropped, values inserted in
the middle, removed, reordered), rows (inserted, updated, deleted, key changed, made
managed/unmanaged, references between rows incl. self-referencing and cross-table
cycles).

The edits are written independently of :mod:`planner.ops` (never through ``apply_to``),
so ``apply(plan(a, b), a) == b`` tests the operations against a second implementation.

Example:
    >>> from hypothesis import given
    >>> @given(snapshot_pairs())
    ... def test(pair): a, b = pair
"""

from __future__ import annotations

import dataclasses
import decimal
import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from planner.state import coltypes
from planner.state.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    Row,
    RowSet,
    Snapshot,
    Table,
    TableKey,
    Unique,
    strip_hints,
)
from planner.state.naming import renamed_names
from tests.strategies import _enum_type_ok, row_values, snapshots

Edit = Callable[..., Any]


# --------------------------------------------------------------------------- helpers


def _all_names(*snaps: Snapshot) -> set[str]:
    out: set[str] = set()
    for s in snaps:
        for t in s.tables:
            out.add(t.name)
            out |= set(t.column_names)
            out |= set(t.constraint_names())
            out.add(f"{t.name}_pkey")
        out |= {e.name for e in s.enums}
        out |= {v for e in s.enums for v in e.values}
    return out


def _fresh(prefix: str, *snaps: Snapshot) -> str:
    used = _all_names(*snaps)
    i = 0
    while f"{prefix}{i}" in used:
        i += 1
    return f"{prefix}{i}"


def _put(s: Snapshot, t: Table, old_key: TableKey | None = None) -> Snapshot:
    return s.replace_table(t, old_key=old_key)


def _pk_col(t: Table) -> str | None:
    pk = t.primary_key
    if pk is not None and len(pk.columns) == 1:
        return pk.columns[0]
    return None


def _key_cols(t: Table) -> set[str]:
    cols: set[str] = set()
    if t.primary_key is not None:
        cols |= set(t.primary_key.columns)
    if t.rows is not None:
        cols |= set(t.rows.key)
    return cols


def _fk_cols(s: Snapshot, t: Table) -> set[str]:
    """Columns of ``t`` in its foreign keys or referenced by any foreign key."""
    cols = {c for fk in t.foreign_keys for c in fk.columns}
    for o in s.tables:
        for fk in o.foreign_keys:
            if fk.ref_key == t.key:
                cols |= set(fk.ref_columns)
    return cols


def _plain_cols(s: Snapshot, t: Table) -> list[Column]:
    """Columns free to edit: not keys, not in foreign keys."""
    skip = _key_cols(t) | _fk_cols(s, t)
    return [c for c in t.columns if c.name not in skip]


def _from_a(a: Snapshot, b: Snapshot, t: Table) -> Table | None:
    """The table of ``a`` that ``t`` (in ``b``) continues, if any."""
    if t.renamed_from:
        return a.get_table((t.schema, t.renamed_from))
    return a.get_table(t.key)


def _rows(t: Table) -> list[Row]:
    return list(t.rows.rows) if t.rows is not None else []


def _set_rows(t: Table, rows: list[Row], key: tuple[str, ...] | None = None) -> Table:
    if not rows:
        return dataclasses.replace(t, rows=None)
    k = key or (t.rows.key if t.rows is not None else None)
    assert k is not None
    return dataclasses.replace(t, rows=RowSet(key=k, rows=tuple(rows)))


def _row(d: dict) -> Row:
    return FrozenMap(d)


def _simple_value(draw, type_: str, enums: tuple[Enum, ...]) -> Any:
    try:
        return draw(row_values(type_, enums))
    except ValueError:
        return draw(st.integers(0, 100))


def _remove_column_everywhere(t: Table, name: str) -> Table:
    keep = lambda cols: name not in cols  # noqa: E731
    rows = [_row({k: v for k, v in r if k != name}) for r in _rows(t)]
    t = dataclasses.replace(
        t,
        columns=tuple(c for c in t.columns if c.name != name),
        foreign_keys=tuple(fk for fk in t.foreign_keys if keep(fk.columns)),
        uniques=tuple(u for u in t.uniques if keep(u.columns)),
        indexes=tuple(i for i in t.indexes if keep(i.columns)),
        checks=tuple(c for c in t.checks if name not in c.sqltext),
    )
    return _set_rows(t, rows)


def _tables_with(s: Snapshot, pred: Callable[[Table], bool]) -> list[Table]:
    return [t for t in s.tables if pred(t)]


def _parents(s: Snapshot) -> list[Table]:
    """Tables a foreign key may point at: a single integer primary key column."""
    return [
        t
        for t in s.tables
        if _pk_col(t) and t.column(_pk_col(t)).type in ("Integer", "BigInteger", "SmallInteger")
    ]


def _int_value(draw, t: Table, used: set) -> int:
    col = t.column(_pk_col(t)) if _pk_col(t) else None
    hi = 30000 if col is None or col.type == "SmallInteger" else 10**6
    return draw(st.integers(1, hi).filter(lambda v: v not in used))


# --------------------------------------------------------------------------- edits: tables


@st.composite
def _add_table(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    name = _fresh("tab_", a, b)
    cols = [
        Column(name="id", type="Integer", nullable=False),
        Column(name="label", type="String(40)"),
    ]
    # an enum whose name the type parser cannot read back in Enum(...) is not usable
    usable = [e for e in b.enums if e.values and _enum_type_ok(e.name)]
    if usable and draw(st.booleans()):
        e = draw(st.sampled_from(usable))
        cols.append(
            Column(
                name="kind",
                type=f"Enum({e.name})",
                nullable=draw(st.booleans()),
                server_default=None,
            )
        )
    t = Table(
        name=name,
        columns=tuple(cols),
        primary_key=PrimaryKey(columns=("id",)),
        comment=draw(st.none() | st.just("new table")),
    )
    if draw(st.booleans()):
        t = dataclasses.replace(t, checks=(Check(name=_fresh("ck_", a, b), sqltext="label <> ''"),))
    if draw(st.booleans()):
        t = dataclasses.replace(t, uniques=(Unique(name=_fresh("uq_", a, b), columns=("label",)),))
    b = _put(b, t)
    if draw(st.booleans()):
        b = draw(_add_fk(a, b, child=t.key))
    if draw(st.booleans()):
        b = draw(_add_index(a, b, table=t.key))
    if draw(st.booleans()):
        b = draw(_insert_rows(a, b, table=t.key))
    return b


@st.composite
def _drop_table(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    if not b.tables:
        return b
    t = draw(st.sampled_from(b.tables))
    b = b.without_table(t.key)
    tables = []
    for o in b.tables:
        fks = tuple(fk for fk in o.foreign_keys if fk.ref_key != t.key)
        tables.append(dataclasses.replace(o, foreign_keys=fks))
    return dataclasses.replace(b, tables=tuple(tables))


@st.composite
def _rename_table(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [t for t in b.tables if a.get_table(t.key) is not None and not t.renamed_from]
    if not cands:
        return b
    t = draw(st.sampled_from(cands))
    new = _fresh("ren_", a, b)
    derived = renamed_names(t, new, b.conventions) if b.conventions else {}
    taken = set(t.constraint_names())
    derived = {k: v for k, v in derived.items() if v not in taken}
    ren = lambda o: dataclasses.replace(o, name=derived.get(o.name, o.name))  # noqa: E731
    pk = t.primary_key
    if pk is not None and pk.name in derived:
        pk = dataclasses.replace(pk, name=derived[pk.name])
    t2 = dataclasses.replace(
        t,
        name=new,
        renamed_from=t.name,
        primary_key=pk,
        foreign_keys=tuple(ren(o) for o in t.foreign_keys),
        uniques=tuple(ren(o) for o in t.uniques),
        checks=tuple(ren(o) for o in t.checks),
        indexes=tuple(ren(o) for o in t.indexes),
    )
    b = _put(b, t2, old_key=t.key)
    tables = []
    for o in b.tables:
        fks = tuple(
            dataclasses.replace(fk, ref_table=new) if fk.ref_key == t.key else fk
            for fk in o.foreign_keys
        )
        tables.append(dataclasses.replace(o, foreign_keys=fks))
    return dataclasses.replace(b, tables=tuple(tables))


@st.composite
def _table_comment(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    if not b.tables:
        return b
    t = draw(st.sampled_from(b.tables))
    return _put(
        b, dataclasses.replace(t, comment=draw(st.none() | st.sampled_from(["a comment", "other"])))
    )


# --------------------------------------------------------------------------- edits: columns


@st.composite
def _add_column(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    if not b.tables:
        return b
    t = draw(st.sampled_from(b.tables))
    name = _fresh("col_", a, b)
    how = draw(st.sampled_from(["nullable", "default", "backfill", "notnull"]))
    type_ = draw(st.sampled_from(["Integer", "String(40)", "Boolean"]))
    col = Column(
        name=name,
        type=type_,
        nullable=how == "nullable",
        server_default="0"
        if how == "default" and type_ == "Integer"
        else (
            "'x'"
            if how == "default" and type_ == "String(40)"
            else ("false" if how == "default" else None)
        ),
        backfill={"Integer": "0", "String(40)": "'x'", "Boolean": "false"}[type_]
        if how == "backfill"
        else None,
        comment=draw(st.none() | st.just("added")),
    )
    cols = list(t.columns)
    cols.insert(draw(st.integers(0, len(cols))), col)
    t2 = dataclasses.replace(t, columns=tuple(cols))
    rows = _rows(t2)
    if rows and (how in ("backfill", "notnull") or draw(st.booleans())):
        rows = [_row({**dict(r), name: _simple_value(draw, type_, b.enums)}) for r in rows]
        t2 = _set_rows(t2, rows)
    return _put(b, t2)


@st.composite
def _drop_column(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [(t, c) for t in b.tables for c in _plain_cols(b, t) if len(t.columns) > 1]
    if not cands:
        return b
    t, c = draw(st.sampled_from(cands))
    return _put(b, _remove_column_everywhere(t, c.name))


@st.composite
def _rename_column(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = []
    for t in b.tables:
        src = _from_a(a, b, t)
        if src is None:
            continue
        for c in _plain_cols(b, t):
            if src.has_column(c.name) and not c.renamed_from:
                cands.append((t, c))
    if not cands:
        return b
    t, c = draw(st.sampled_from(cands))
    new = _fresh("rcol_", a, b)
    sub = lambda cols: tuple(new if x == c.name else x for x in cols)  # noqa: E731
    rows = [_row({(new if k == c.name else k): v for k, v in r}) for r in _rows(t)]
    t2 = dataclasses.replace(
        t,
        columns=tuple(
            dataclasses.replace(x, name=new, renamed_from=c.name) if x.name == c.name else x
            for x in t.columns
        ),
        uniques=tuple(dataclasses.replace(u, columns=sub(u.columns)) for u in t.uniques),
        indexes=tuple(dataclasses.replace(i, columns=sub(i.columns)) for i in t.indexes),
    )
    return _put(b, _set_rows(t2, rows))


@st.composite
def _alter_column(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [(t, c) for t in b.tables for c in _plain_cols(b, t)]
    if not cands:
        return b
    t, c = draw(st.sampled_from(cands))
    what = draw(st.sampled_from(["type", "nullable", "default", "comment"]))
    if what == "type":
        options = {
            "String(40)": ["String(80)", "Text"],
            "String": ["String(40)", "Text"],
            "Text": ["String(40)"],
            "Integer": ["BigInteger"],
            "BigInteger": ["Integer"],
            "SmallInteger": ["Integer"],
        }.get(c.type, ["Text"])
        c2 = dataclasses.replace(c, type=draw(st.sampled_from(options)), server_default=None)
    elif what == "nullable":
        c2 = dataclasses.replace(c, nullable=not c.nullable)
        if not c.nullable:
            pass
        elif draw(st.booleans()):
            c2 = dataclasses.replace(c2, backfill=_literal_for(c.type, b.enums))
    elif what == "default":
        c2 = dataclasses.replace(
            c, server_default=None if c.server_default else _literal_for(c.type, b.enums)
        )
    else:
        c2 = dataclasses.replace(c, comment=draw(st.none() | st.sampled_from(["changed", "note"])))
    if c2 == c:
        return b
    t2 = dataclasses.replace(t, columns=tuple(c2 if x.name == c.name else x for x in t.columns))
    if what == "type":
        # keep row values as they were (the planner does not convert them)
        pass
    return _put(b, t2)


def _literal_for(type_: str, enums: tuple[Enum, ...]) -> str | None:
    """An SQL literal of the column's type for a backfill or default (None: none simple;
    a backfill '0' of an Enum column failed on PostgreSQL: 'column is of type e8 but
    expression is of type integer')."""
    try:
        fam = coltypes.family(type_)
    except coltypes.TypeParseError:
        return None
    if fam in ("integer", "numeric", "float"):
        return "0"
    if fam == "string":
        return "'x'"
    if fam == "boolean":
        return "false"
    if fam == "enum":
        values = next((e.values for e in enums if f"Enum({e.name})" == type_), ())
        return "'" + values[0].replace("'", "''") + "'" if values else None
    return None


# --------------------------------------------------------------------------- edits: constraints


@st.composite
def _add_index(draw, a: Snapshot, b: Snapshot, table: TableKey | None = None) -> Snapshot:
    tables = [b.get_table(table)] if table else list(b.tables)
    if not tables or tables[0] is None:
        return b
    t = draw(st.sampled_from(tables))
    cols = tuple(
        draw(st.lists(st.sampled_from(t.column_names), min_size=1, max_size=2, unique=True))
    )
    ix = Index(
        name=_fresh("ix_", a, b),
        columns=cols,
        unique=draw(st.booleans()),
        where=draw(st.none() | st.just("id > 0")),
    )
    return _put(b, dataclasses.replace(t, indexes=(*t.indexes, ix)))


@st.composite
def _drop_or_change_named(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [
        (t, kind, o)
        for t in b.tables
        for kind in ("indexes", "uniques", "checks")
        for o in getattr(t, kind)
        # a unique that backs the rows key stays (validation requires one)
        if not (kind != "checks" and t.rows is not None and set(o.columns) == set(t.rows.key))
    ]
    if not cands:
        return b
    t, kind, o = draw(st.sampled_from(cands))
    rest = tuple(x for x in getattr(t, kind) if x.name != o.name)
    if draw(st.booleans()):
        return _put(b, dataclasses.replace(t, **{kind: rest}))
    # same name, new definition (drop + add) or same definition, new name (rename)
    if draw(st.booleans()):
        changed = dataclasses.replace(o, name=_fresh("nn_", a, b))
    elif kind == "checks":
        changed = dataclasses.replace(o, sqltext=o.sqltext + " AND 1 = 1")
    else:
        changed = dataclasses.replace(
            o,
            columns=tuple(reversed(o.columns))
            if len(o.columns) > 1
            else (*o.columns, *[c for c in t.column_names if c not in o.columns][:1]),
        )
    return _put(b, dataclasses.replace(t, **{kind: (*rest, changed)}))


@st.composite
def _add_unique_or_check(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    if not b.tables:
        return b
    t = draw(st.sampled_from(b.tables))
    if draw(st.booleans()):
        cols = tuple(
            draw(st.lists(st.sampled_from(t.column_names), min_size=1, max_size=2, unique=True))
        )
        return _put(
            b,
            dataclasses.replace(
                t, uniques=(*t.uniques, Unique(name=_fresh("uq_", a, b), columns=cols))
            ),
        )
    col = draw(st.sampled_from(t.column_names))
    ck = Check(name=_fresh("ck_", a, b), sqltext=f"{col} IS NOT NULL OR 1 = 1")
    return _put(b, dataclasses.replace(t, checks=(*t.checks, ck)))


@st.composite
def _primary_key_name(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [t for t in b.tables if t.primary_key is not None and t.primary_key.columns]
    if not cands:
        return b
    t = draw(st.sampled_from(cands))
    name = None if t.primary_key.name else _fresh("pk_", a, b)
    return _put(
        b, dataclasses.replace(t, primary_key=dataclasses.replace(t.primary_key, name=name))
    )


@st.composite
def _add_fk(draw, a: Snapshot, b: Snapshot, child: TableKey | None = None) -> Snapshot:
    parents = _parents(b)
    children = [b.get_table(child)] if child else list(b.tables)
    if not parents or not children or children[0] is None:
        return b
    t = draw(st.sampled_from(children))
    p = draw(st.sampled_from(parents))
    if p.key == t.key:
        p = t
    pcol = _pk_col(p)
    col = Column(name=_fresh("ref_", a, b), type=p.column(pcol).type, nullable=True)
    fk = ForeignKey(
        name=_fresh("fk_", a, b),
        columns=(col.name,),
        ref_table=p.name,
        ref_schema=p.schema,
        ref_columns=(pcol,),
        ondelete=draw(st.sampled_from([None, "CASCADE", "SET NULL"])),
    )
    t2 = dataclasses.replace(t, columns=(*t.columns, col), foreign_keys=(*t.foreign_keys, fk))
    b = _put(b, t2)
    if t2.rows is not None and p.rows is not None or t2.key == p.key:
        b = draw(_fill_references(b, t2.key, fk))
    return b


@st.composite
def _drop_fk(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [(t, fk) for t in b.tables for fk in t.foreign_keys]
    if not cands:
        return b
    t, fk = draw(st.sampled_from(cands))
    return _put(
        b,
        dataclasses.replace(t, foreign_keys=tuple(x for x in t.foreign_keys if x.name != fk.name)),
    )


# --------------------------------------------------------------------------- edits: enums


def _enum_users(s: Snapshot, name: str) -> list[tuple[Table, Column]]:
    return [(t, c) for t in s.tables for c in t.columns if c.type == f"Enum({name})"]


def _replace_enum_values_in_rows(s: Snapshot, name: str, mapping: dict[str, str]) -> Snapshot:
    for t, c in _enum_users(s, name):
        t = s.get_table(t.key)
        rows = [
            _row(
                {k: (mapping.get(v, v) if k == c.name and isinstance(v, str) else v) for k, v in r}
            )
            for r in _rows(t)
        ]
        s = _put(s, _set_rows(t, rows))
    return s


@st.composite
def _enum_edit(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    what = draw(st.sampled_from(["create", "insert", "append", "remove", "reorder", "drop"]))
    if what == "create" or not b.enums:
        name = _fresh("en_", a, b)
        values = tuple(f"{name}_v{i}" for i in range(draw(st.integers(1, 3))))
        b = b.replace_enum(Enum(name=name, values=values))
        if b.tables and draw(st.booleans()):
            t = draw(st.sampled_from(b.tables))
            col = Column(name=_fresh("ecol_", a, b), type=f"Enum({name})")
            t2 = dataclasses.replace(t, columns=(*t.columns, col))
            rows = [_row({**dict(r), col.name: draw(st.sampled_from(values))}) for r in _rows(t2)]
            b = _put(b, _set_rows(t2, rows))
        return b
    e = draw(st.sampled_from(b.enums))
    vals = list(e.values)
    if what in ("insert", "append"):
        v = _fresh(f"{e.name}_n", a, b)
        vals.insert(draw(st.integers(0, len(vals))) if what == "insert" else len(vals), v)
    elif what == "remove" and len(vals) > 1:
        gone = draw(st.sampled_from(vals))
        vals.remove(gone)
        b = _replace_enum_values_in_rows(b, e.name, {gone: vals[0]})
    elif what == "reorder" and len(vals) > 1:
        vals = list(reversed(vals))
    elif what == "drop":
        for t, c in _enum_users(b, e.name):
            if c.name in _key_cols(t) or c.name in _fk_cols(b, t) or len(t.columns) == 1:
                return b
        for t, c in _enum_users(b, e.name):
            b = _put(b, _remove_column_everywhere(b.get_table(t.key), c.name))
        return b.without_enum(e.name)
    return b.replace_enum(Enum(name=e.name, values=tuple(vals)))


# --------------------------------------------------------------------------- edits: rows


def _managed(b: Snapshot) -> list[Table]:
    return [
        t
        for t in b.tables
        if _pk_col(t) and t.column(_pk_col(t)).type in ("Integer", "BigInteger", "SmallInteger")
    ]


def _row_for(draw, b: Snapshot, t: Table, key_value: int) -> Row:
    pk = _pk_col(t)
    d: dict[str, Any] = {pk: key_value}
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    for c in t.columns:
        if c.name == pk or c.name in fk_cols:
            continue
        needed = not c.nullable and c.server_default is None
        if needed or draw(st.booleans()):
            d[c.name] = _simple_value(draw, c.type, b.enums)
    return _row(d)


@st.composite
def _insert_rows(draw, a: Snapshot, b: Snapshot, table: TableKey | None = None) -> Snapshot:
    tables = [b.get_table(table)] if table else _managed(b)
    if not tables or tables[0] is None or not _pk_col(tables[0]):
        return b
    t = draw(st.sampled_from(tables))
    pk = _pk_col(t)
    rows = _rows(t)
    if t.rows is not None and t.rows.key != (pk,):
        return b
    used = {dict(r).get(pk) for r in rows}
    for _ in range(draw(st.integers(1, 3))):
        v = _int_value(draw, t, used)
        used.add(v)
        rows.insert(draw(st.integers(0, len(rows))), _row_for(draw, b, t, v))
    b = _put(b, _set_rows(t, rows, key=(pk,)))
    for fk in t.foreign_keys:
        if draw(st.booleans()):
            b = draw(_fill_references(b, t.key, fk))
    return b


@st.composite
def _fill_references(draw, b: Snapshot, key: TableKey, fk: ForeignKey) -> Snapshot:
    """Point rows of ``key`` at rows of the referenced table (cycles welcome)."""
    t = b.get_table(key)
    p = b.get_table(fk.ref_key)
    if t is None or p is None or t.rows is None or p.rows is None:
        return b
    targets = [dict(r).get(fk.ref_columns[0]) for r in p.rows.rows]
    targets = [x for x in targets if x is not None]
    if not targets:
        return b
    col = fk.columns[0]
    rows = [_row({**dict(r), col: draw(st.none() | st.sampled_from(targets))}) for r in t.rows.rows]
    return _put(b, _set_rows(t, rows))


@st.composite
def _row_cycle(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    """Two rows referencing each other: within a self-referencing table or across two."""
    for t in b.tables:
        for fk in t.foreign_keys:
            p = b.get_table(fk.ref_key)
            if (
                p is None
                or t.rows is None
                or p.rows is None
                or not t.column(fk.columns[0]).nullable
            ):
                continue
            back = [
                f for f in p.foreign_keys if f.ref_key == t.key and p.column(f.columns[0]).nullable
            ]
            if p.key == t.key:
                back = [fk]
            if not back or not t.rows.rows or not p.rows.rows:
                continue
            if not draw(st.booleans()):
                continue
            r1, r2 = t.rows.rows[0], p.rows.rows[-1]
            v2 = dict(r2).get(fk.ref_columns[0])
            v1 = dict(r1).get(back[0].ref_columns[0])
            if v1 is None or v2 is None:
                continue
            t2 = _set_rows(t, [_row({**dict(r1), fk.columns[0]: v2}), *t.rows.rows[1:]])
            b = _put(b, t2)
            p = b.get_table(p.key)
            rows = list(p.rows.rows)
            rows[-1] = _row({**dict(rows[-1]), back[0].columns[0]: v1})
            return _put(b, _set_rows(p, rows))
    return b


@st.composite
def _update_or_delete_rows(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    cands = [t for t in b.tables if t.rows is not None and t.rows.rows]
    if not cands:
        return b
    t = draw(st.sampled_from(cands))
    rows = list(t.rows.rows)
    i = draw(st.integers(0, len(rows) - 1))
    what = draw(st.sampled_from(["update", "delete", "rekey", "unmanage"]))
    pk = _pk_col(t)
    if what == "unmanage":
        return _put(b, dataclasses.replace(t, rows=None))
    if what == "update":
        editable = [c for c in _plain_cols(b, t) if c.name not in t.rows.key]
        if not editable:
            return b
        c = draw(st.sampled_from(editable))
        rows[i] = _row({**dict(rows[i]), c.name: _simple_value(draw, c.type, b.enums)})
        return _put(b, _set_rows(t, rows))
    old_key = t.rows.key_of(rows[i])
    if what == "rekey" and pk and t.rows.key == (pk,) and isinstance(old_key[0], int):
        used = {dict(r).get(pk) for r in rows} | {
            dict(r).get(pk) for r in _rows(_from_a(a, b, t) or t)
        }
        new_v = _int_value(draw, t, used)
        rows[i] = _row({**dict(rows[i]), pk: new_v})
        b = _put(b, _set_rows(t, rows))
        return _repoint(b, t.key, old_key[0], new_v)
    del rows[i]
    b = _put(b, _set_rows(t, rows))
    if pk and t.rows.key == (pk,):
        b = _repoint(b, t.key, old_key[0], None)
    return b


def _repoint(b: Snapshot, key: TableKey, old: Any, new: Any) -> Snapshot:
    """References to row ``old`` of ``key`` now point at ``new`` (None: nowhere)."""
    for t in b.tables:
        for fk in t.foreign_keys:
            if fk.ref_key != key or t.rows is None:
                continue
            t = b.get_table(t.key)
            col = fk.columns[0]
            rows = [
                _row({**dict(r), col: new}) if dict(r).get(col) == old else r for r in t.rows.rows
            ]
            b = _put(b, _set_rows(t, rows))
    return b


@st.composite
def _self_referencing_rows(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    """A table whose rows reference each other (chains and a cycle)."""
    name = _fresh("tree_", a, b)
    fk = ForeignKey(
        name=_fresh("fk_", a, b), columns=("parent",), ref_table=name, ref_columns=("id",)
    )
    n = draw(st.integers(2, 5))
    ids = draw(st.permutations(list(range(1, n + 1))))
    parents = [draw(st.none() | st.sampled_from(ids)) for _ in ids]
    rows = [
        _row({"id": i, "name": f"r{i}", "parent": p}) for i, p in zip(ids, parents, strict=True)
    ]
    t = Table(
        name=name,
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="name", type="String(40)"),
            Column(name="parent", type="Integer"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(fk,),
        rows=RowSet(key=("id",), rows=tuple(rows)),
    )
    return _put(b, t)


@st.composite
def _mutual_tables(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    """Two tables with foreign keys to each other and rows referencing across (a cycle)."""
    n1, n2 = _fresh("mx_", a, b), None
    b = _put(b, Table(name=n1, columns=(Column(name="id", type="Integer", nullable=False),)))
    n2 = _fresh("my_", a, b)
    f1 = ForeignKey(name=_fresh("fk_", a, b), columns=("other",), ref_table=n2, ref_columns=("id",))
    f2 = ForeignKey(
        name=_fresh("fkb_", a, b), columns=("other",), ref_table=n1, ref_columns=("id",)
    )
    cols = (Column(name="id", type="Integer", nullable=False), Column(name="other", type="Integer"))
    k = draw(st.integers(1, 3))
    r1 = tuple(
        _row({"id": i, "other": draw(st.none() | st.integers(1, k))}) for i in range(1, k + 1)
    )
    r2 = tuple(
        _row({"id": i, "other": draw(st.none() | st.integers(1, k))}) for i in range(1, k + 1)
    )
    t1 = Table(
        name=n1,
        columns=cols,
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(f1,),
        rows=RowSet(key=("id",), rows=r1),
    )
    t2 = Table(
        name=n2,
        columns=cols,
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(f2,),
        rows=RowSet(key=("id",), rows=r2),
    )
    return _put(_put(b, t1), t2)


@st.composite
def _looks_like_rename(draw, a: Snapshot, b: Snapshot) -> Snapshot:
    """A column dropped and another of the same type added (a suggestion, not a rename)."""
    cands = [
        (t, c)
        for t in b.tables
        for c in _plain_cols(b, t)
        if a.get_table(t.key) is not None and a.get_table(t.key).has_column(c.name)
    ]
    if not cands:
        return b
    t, c = draw(st.sampled_from(cands))
    t2 = _remove_column_everywhere(t, c.name)
    t2 = dataclasses.replace(
        t2,
        columns=(
            *t2.columns,
            dataclasses.replace(c, name=_fresh("lk_", a, b), nullable=True, backfill=None),
        ),
    )
    return _put(b, t2)


# --------------------------------------------------------------------------- valid rows

#: the value a row that leaves a column out gets from its server default (simple literals;
#: any other default text is one value of its own: rows leaving it out collide)
_LITERAL_INT = re.compile(r"^-?\d+$")
_LITERAL_NUM = re.compile(r"^-?\d+\.\d+$")
_INTS = ("Integer", "BigInteger", "SmallInteger")


def _default_value(c: Column) -> Any:
    text = c.server_default
    if text is None:
        return None  # NULL: never collides
    if _LITERAL_INT.match(text):
        return _comparable(c.type, int(text))
    if _LITERAL_NUM.match(text):
        return _comparable(c.type, decimal.Decimal(text))
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return _comparable(c.type, text[1:-1].replace("''", "'"))
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return ("server default", text)


def _comparable(type_: str, value: Any) -> Any:
    """``value`` as a unique index compares it, loosely (equal here if a database may
    find them equal: 1 = 1.0 = '1.00' as numbers, trailing spaces ignored as MariaDB's
    PAD SPACE collation does)."""
    if value is None:
        return None
    try:
        v = coltypes.python_value(type_, value)
    except Exception:  # noqa: BLE001 - an invalid value compares as itself
        v = value
    if isinstance(v, str):
        v = v.rstrip(" ")
    try:
        hash(v)
    except TypeError:
        return repr(v)
    return v


def _stored(t: Table, row: Row, col: str) -> Any:
    """The value ``row`` leaves in ``col`` once inserted (its own, else the default)."""
    d = dict(row)
    c = t.column(col)
    return _comparable(c.type, d[col]) if col in d else _default_value(c)


def _unique_keys(t: Table) -> list[tuple[str, ...]]:
    """Column sets a database keeps unique (partial indexes included: the convergence
    harness drops their WHERE on databases)."""
    keys = [tuple(t.rows.key)] if t.rows is not None else []
    if t.primary_key is not None and t.primary_key.columns:
        keys.append(tuple(t.primary_key.columns))
    keys += [tuple(u.columns) for u in t.uniques]
    keys += [tuple(i.columns) for i in t.indexes if i.unique]
    return [k for k in keys if k and all(t.has_column(c) for c in k)]


def _row_problem(t: Table, row: Row, enums: dict) -> bool:
    """A value that does not fit its column or a NOT NULL column left without a value."""
    d = dict(row)
    pk = t.primary_key.columns if t.primary_key is not None else ()
    for c in t.columns:
        v = d.get(c.name)
        if v is None:
            # left out, the single integer primary key column takes the next number
            auto = (c.name,) == tuple(pk) and c.autoincrement is not False and c.type in _INTS
            if not c.nullable and (c.name in d or (c.server_default is None and not auto)):
                return True
            continue
        try:
            if coltypes.value_problem(c.type, v, enums=enums):
                return True
        except coltypes.TypeParseError:
            return True
    return any(k not in d or d[k] is None for k in t.rows.key)


def valid_rows(s: Snapshot) -> Snapshot:
    """``s`` with rows every database accepts: rows whose values do not fit (a NOT NULL
    column without value, a number out of a narrowed type's range) or that repeat the
    values of a unique key (counting the values server defaults give the columns they
    leave out) are dropped; a reference to a row the snapshot does not hold is set to
    NULL, or its row dropped if the key is NOT NULL. Repeated until nothing changes (a
    dropped row may be referenced)."""
    enums = {e.name: e.values for e in s.enums}
    changed = True
    while changed:
        changed = False
        for t in s.tables:
            if t.rows is None:
                continue
            keep: list[Row] = []
            seen: dict[tuple[str, ...], set] = {k: set() for k in _unique_keys(t)}
            for r in t.rows.rows:
                r = _without_dangling(s, t, r)
                if r is None or _row_problem(t, r, enums):
                    continue
                stored = {k: tuple(_stored(t, r, c) for c in k) for k in seen}
                if any(None not in v and v in seen[k] for k, v in stored.items()):
                    continue
                for k, v in stored.items():
                    seen[k].add(v)
                keep.append(r)
            if keep != list(t.rows.rows):
                s = _put(s, _set_rows(t, keep))
                changed = True
                break
    return s


def _without_dangling(s: Snapshot, t: Table, row: Row) -> Row | None:
    """``row`` with each foreign key to a row the snapshot does not hold set to NULL;
    None when such a key cannot be NULL (a NOT NULL or key column)."""
    d = dict(row)
    for fk in t.foreign_keys:
        ref = s.get_table(fk.ref_key)
        if ref is None or len(fk.columns) != len(fk.ref_columns):
            continue
        if not all(t.has_column(c) for c in fk.columns):
            continue
        value = tuple(_stored(t, _row(d), c) for c in fk.columns)
        if None in value:
            continue
        held = set()
        if ref.rows is not None and all(ref.has_column(c) for c in fk.ref_columns):
            held = {tuple(_stored(ref, r, c) for c in fk.ref_columns) for r in ref.rows.rows}
        if value in held:
            continue
        keyed = set(t.rows.key) | set(t.primary_key.columns if t.primary_key else ())
        if any(not t.column(c).nullable or c in keyed for c in fk.columns):
            return None
        d.update({c: None for c in fk.columns})
    return _row(d)


EDITS: tuple[Edit, ...] = (
    _self_referencing_rows,
    _mutual_tables,
    _looks_like_rename,
    _add_table,
    _drop_table,
    _rename_table,
    _table_comment,
    _add_column,
    _drop_column,
    _rename_column,
    _alter_column,
    _alter_column,
    _add_index,
    _drop_or_change_named,
    _add_unique_or_check,
    _primary_key_name,
    _add_fk,
    _drop_fk,
    _enum_edit,
    _enum_edit,
    _insert_rows,
    _row_cycle,
    _update_or_delete_rows,
    _update_or_delete_rows,
)


@st.composite
def _with_references(draw, s: Snapshot) -> Snapshot:
    """Fill the foreign key columns of ``s``'s rows with references to managed rows."""
    for t in s.tables:
        for fk in t.foreign_keys:
            if draw(st.booleans()):
                s = draw(_fill_references(s, t.key, fk))
    return s


@st.composite
def base_snapshots(draw, *, max_tables: int = 4) -> Snapshot:
    """A valid snapshot without hints, rows referencing rows."""
    s = strip_hints(draw(snapshots(min_tables=1, max_tables=max_tables)))
    # an empty ``rows:`` declaration manages nothing: the planner treats it as none
    s = dataclasses.replace(
        s,
        tables=tuple(
            dataclasses.replace(t, rows=None) if t.rows is not None and not t.rows.rows else t
            for t in s.tables
        ),
    )
    return draw(_with_references(s))


@st.composite
def snapshot_pairs(draw, *, max_edits: int = 8, max_tables: int = 4) -> tuple[Snapshot, Snapshot]:
    """``(a, b)``: a valid snapshot and the same after random valid edits."""
    a = draw(base_snapshots(max_tables=max_tables))
    b = dataclasses.replace(a, release="next")
    for _ in range(draw(st.integers(1, max_edits))):
        edit = draw(st.sampled_from(EDITS))
        b = draw(edit(a, b))
    return valid_rows(a), valid_rows(b)
