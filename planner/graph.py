"""The dependency graph of a plan's operations, its cycle breaking and its order.

Nodes are indices into the operation list (attribute ``op``); every edge carries a
``reason`` a person can read (``fk_sites_campaign_id_campaigns needs table campaigns``).
Edges come from what operations need, give and remove (:mod:`planner.ops`), per
``Ref``:

* a giver runs before each op that needs the ref;
* each op that needs a ref runs before the op that removes it;
* when a ref is removed and created again (``+``: a constraint redefined under its
  name), the remover runs first; drops (category ``-``) need the old one, everything
  else the new; a remover that needs a ref a rename gives runs after the rename;
* a key (``referenced``: the columns a foreign key points at, as a set) that one op
  removes while no op gives it stays through another key on the same columns: a
  foreign key added on it runs after the removal (PostgreSQL ties a foreign key to one
  index, and refuses to drop that one);
* an op that must not see a ref (``after_removed``: a foreign key re-added around the
  drop of the index MariaDB tied it to; rows inserted into a table that loses a NOT NULL
  column without a default, which the rows do not fill; rows taking over key or unique
  values from deleted rows, ``unique_value``) runs after the ops that remove it;
* a schema-wide name (``relname``: tables, indexes, primary keys and uniques share one
  namespace per schema on PostgreSQL; index names are database-wide on SQLite) is taken
  — by a create or a rename, on any table — only after the op that frees it.

Two rules look at the operations themselves, not at refs:

* rows and server defaults around a column's type change (:func:`_retype_edges`): rows
  deleted or set NULL and defaults dropped before it (the database casts the values it
  holds), rows inserted or written and defaults set after it;
* MariaDB (:func:`_ordered_index_edges`): a foreign key is added after an index or key
  created on the referenced columns in the foreign key's order.

Mutual references between rows of managed tables are broken by inserting the
referencing columns as NULL and setting them with an ``UpdateRow`` afterwards
(:func:`planner.rows.defer_references`), or by splitting an ``UpdateRow`` that moves a
reference into "set NULL" and "set" (:func:`_defer_update`); a cycle no rule breaks raises
:class:`CycleError` listing the operations of the cycle.

The order is networkx's ``lexicographical_topological_sort`` (:mod:`planner.digraph`) keyed by each op's
``sort_key()`` (phase, table, kind, name) plus its index: the same input gives the same
order whatever ``PYTHONHASHSEED``.

Example:
    >>> from planner.ops import CreateTable, AddForeignKey
    >>> from planner.state.model import Column, ForeignKey, Table
    >>> c = CreateTable(table=Table(name="campaigns", columns=(Column(name="id", type="Integer"),)))
    >>> fk = ForeignKey(name="fk_sites_c", columns=("c",), ref_table="campaigns", ref_columns=("id",))
    >>> a = AddForeignKey(table_key=(None, "sites"), fk=fk)
    >>> g = build_graph([a, c])
    >>> g.edges[1, 0]["reason"]
    'fk_sites_c needs table campaigns'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from planner import digraph
from planner.ops import (
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    AlterColumnDefault,
    AlterColumnType,
    CreateIndex,
    CreateTable,
    CycleError,
    DeleteRows,
    DropForeignKey,
    DropTable,
    InsertRows,
    Operation,
    Ref,
    UpdateRow,
)
from planner.rows import defer_references
from planner.state.model import FrozenMap, Snapshot, table_key_str

if TYPE_CHECKING:
    from planner.dialects import Dialect

__all__ = [
    "CycleError",
    "build_graph",
    "describe_ref",
    "fold_foreign_keys",
    "op_label",
    "order",
    "order_operations",
]

_MAX_BREAKS = 1000


def _fmt(v: Any) -> str:
    if isinstance(v, FrozenMap):
        return repr(v.as_dict())
    return repr(v)


def describe_ref(ref: Ref) -> str:
    """A ``Ref`` in words.

    Example:
        >>> describe_ref(("column", (None, "sites", "name")))
        'column sites.name'
    """
    kind, key = ref
    if kind == "table":
        return f"table {table_key_str(key)}"
    if kind == "column":
        return f"column {table_key_str(key[:2])}.{key[2]}"
    if kind == "enum":
        return f"enum {key}"
    if kind == "enum_value":
        return f"value {key[1]!r} of enum {key[0]}"
    if kind == "unique_value":
        schema, name, cols, values = key
        shown = ", ".join(f"{c}={_fmt(v)}" for c, v in zip(cols, values, strict=True))
        return f"({shown}) of {table_key_str((schema, name))}"
    if kind == "enum_old_columns":
        return f"enum {key} with its old values"
    if kind == "enum_new_columns":
        return f"enum {key} with its new values"
    if kind == "constraint":
        return f"constraint {key[2]}"
    if kind == "index":
        return f"index {key[2]}"
    if kind == "primary_key":
        return f"primary key of {table_key_str(key)}"
    if kind == "referenced":
        return f"key {table_key_str(key[:2])} ({', '.join(key[2])})"
    if kind == "rows":
        return f"rows of {table_key_str(key)}"
    if kind == "row":
        return f"row {table_key_str(key[:2])} ({', '.join(_fmt(v) for v in key[2])})"
    if kind == "filled":
        return f"values of {table_key_str(key[:2])}.{key[2]}"
    if kind == "relname":
        return f"name {table_key_str(key)}"
    if kind == "view":
        return f"view {table_key_str(key)}"
    if kind == "partition":
        return f"partition {table_key_str(key)} detached"
    if kind in ("schema", "sequence", "extension", "type", "collation", "attribute"):
        return f"{kind} {key}"
    if kind in ("extension_types", "extension_types_old"):
        return "the types of the extensions"
    return f"{kind} {key!r}"


def op_label(op: Operation) -> str:
    """A short name for an operation in an edge reason (the object it makes or changes).

    Example:
        >>> from planner.ops import DropTable
        >>> from planner.state.model import Table
        >>> op_label(DropTable(table=Table(name="sites")))
        'drop table sites'
    """
    return op.label()


_REF_PRIORITY = {
    k: i
    for i, k in enumerate(
        (
            "table",
            "enum",
            "column",
            "primary_key",
            "referenced",
            "constraint",
            "index",
            "relname",
            "enum_value",
            "row",
            "rows",
        )
    )
}


def _ref_sort(ref: Ref) -> tuple[int, str]:
    """Table refs first, so an edge's reason names the most telling dependency."""
    return (_REF_PRIORITY.get(ref[0], 99), repr(ref))


def build_graph(
    ops: Sequence[Operation], *, targets: Sequence[Dialect] | None = None
) -> digraph.DiGraph:
    """The dependency graph of ``ops``: node ``i`` is ``ops[i]``; edges have a ``reason``.

    ``targets`` (default: every supported dialect) decide the rules only some databases
    need (:func:`_ordered_index_edges` where ``Dialect.foreign_key_needs_index``).

    Example:
        >>> build_graph([]).number_of_nodes()
        0
    """
    g = digraph.DiGraph()
    for i, op in enumerate(ops):
        g.add_node(i, op=op)
    givers: dict[Ref, list[int]] = {}
    removers: dict[Ref, list[int]] = {}
    needers: dict[Ref, list[int]] = {}
    waiters: dict[Ref, list[int]] = {}
    from planner.ops.pg_objects import extra_needs  # schemas, sequences, extensions

    for i, op in enumerate(ops):
        for r in op.gives():
            givers.setdefault(r, []).append(i)
        for r in op.removes():
            removers.setdefault(r, []).append(i)
        for r in op.needs() | extra_needs(op):
            needers.setdefault(r, []).append(i)
        for r in op.after_removed():
            waiters.setdefault(r, []).append(i)

    def edge(u: int, v: int, reason: str) -> None:
        if u != v and not g.has_edge(u, v):
            g.add_edge(u, v, reason=reason)

    for ref in sorted(givers.keys() | removers.keys(), key=_ref_sort):
        gs, rs = givers.get(ref, []), removers.get(ref, [])
        # "+" givers create the ref anew (after any removal of the old one); other givers
        # (renames, rebuilds, updates) turn something existing into it
        creators = [i for i in gs if ops[i].category == "+"]
        what = describe_ref(ref)
        if ref[0] == "relname":
            # a schema-wide name (PostgreSQL relations, SQLite indexes): whatever takes
            # it, a create or a rename, runs after whatever frees it, on any table
            # (unless the remover acts on what the giver makes: a name a table rename
            # carries along, then dropped, is freed after the rename)
            for r in rs:
                for gv in gs:
                    if r != gv and not ops[r].needs() & ops[gv].gives():
                        edge(
                            r,
                            gv,
                            f"{op_label(ops[gv])} takes {what} after {op_label(ops[r])} frees it",
                        )
            continue
        for r in rs:
            for gv in creators:
                if r != gv:
                    edge(
                        r,
                        gv,
                        f"{op_label(ops[gv])} recreates {what} after {op_label(ops[r])} removes it",
                    )
        for n in needers.get(ref, []):
            if n in gs:
                continue
            if n in rs:
                # a remover that needs the ref: after a rename/change that gives it
                for gv in gs:
                    if gv not in creators:
                        edge(gv, n, f"{op_label(ops[n])} needs {what}")
                continue
            old_world = bool(rs) and (not gs or ops[n].category == "-")
            if old_world and ref[0] == "referenced" and ops[n].category == "+":
                # a foreign key added on a key another key of the same columns keeps
                # (one is dropped, one stays): after the drop, so it uses the one that stays
                for r in rs:
                    edge(
                        r,
                        n,
                        f"{op_label(ops[n])} uses another {what} after {op_label(ops[r])} removes one",
                    )
                continue
            if old_world:
                for r in rs:
                    edge(
                        n,
                        r,
                        f"{op_label(ops[n])} needs {what} before {op_label(ops[r])} removes it",
                    )
            else:
                for gv in gs:
                    edge(gv, n, f"{op_label(ops[n])} needs {what}")
    for ref in sorted(waiters.keys() & removers.keys(), key=_ref_sort):
        what = describe_ref(ref)
        for w in waiters[ref]:
            for r in removers[ref]:
                edge(r, w, f"{op_label(ops[w])} waits until {op_label(ops[r])} removes {what}")
    _retype_edges(ops, g, edge)
    from planner.graph_views import view_edges  # views around the table ops under them

    view_edges(ops, g, edge, rebuilds=any(d.alters_by_rebuild for d in _targets(targets)))
    from planner.graph_policies import policy_edges  # policies around column changes

    policy_edges(ops, g, edge)
    from planner.graph_pg_types import (
        domain_use_edges,  # a domain re-created under its columns
        type_use_edges,  # a composite type retyped in use
    )

    type_use_edges(ops, g, edge)
    domain_use_edges(ops, g, edge)
    from planner.graph_generated import generated_edges  # around a type change

    generated_edges(ops, g, edge)
    from planner.graph_collations import collation_edges  # a retyped column's collation

    collation_edges(ops, g, edge)
    from planner.graph_routines import routine_use_edges  # functions tables call

    routine_use_edges(ops, g, edge)
    from planner.graph_steps import step_edges  # data steps between expand and contract

    step_edges(ops, g, edge)
    if any(d.foreign_key_needs_index for d in _targets(targets)):
        _ordered_index_edges(ops, g, edge)
    return g


def _targets(targets: Sequence[Dialect] | None) -> tuple[Dialect, ...]:
    from planner.dialects import all_dialects

    return all_dialects() if targets is None else tuple(targets)


def _ordered_index_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """MariaDB: a foreign key needs an index of the referenced table whose first columns
    are the referenced columns in their order (a key on the same columns in another order
    does not do; errno 150): it is added after the indexes and keys created with them
    first. An edge that would close a cycle is left out."""
    made: dict[Any, list[tuple[tuple[str, ...], int]]] = {}
    for i, op in enumerate(ops):
        if isinstance(op, CreateIndex) and not op.index.where:
            made.setdefault(op.table_key, []).append((op.index.columns, i))
        elif isinstance(op, AddUnique):
            made.setdefault(op.table_key, []).append((op.unique.columns, i))
        elif isinstance(op, AddPrimaryKey):
            made.setdefault(op.table_key, []).append((op.primary_key.columns, i))
    if not made:
        return
    for i, op in enumerate(ops):
        if isinstance(op, AddForeignKey):
            fks: tuple = (op.fk,)
        elif isinstance(op, CreateTable):
            fks = op.table.foreign_keys
        else:
            continue
        for fk in fks:
            cols = fk.ref_columns
            for have, j in made.get(fk.ref_key, ()):
                if have[: len(cols)] != cols or g.has_edge(j, i) or digraph.has_path(g, i, j):
                    continue
                edge(
                    j,
                    i,
                    f"{op_label(op)} after {op_label(ops[j])}: MariaDB needs an index on "
                    f"{table_key_str(fk.ref_key)} ({', '.join(cols)}) in this order",
                )


def _retype_edges(ops: Sequence[Operation], g: digraph.DiGraph, edge: Any) -> None:
    """Managed rows around a column's type change: the database casts the values it
    holds, so rows deleted or set NULL go before the change (their old values may not
    cast), rows inserted or given values after it (bound with the new type). An edge that
    would close a cycle is left out (the phases still order the two)."""
    alters: dict[tuple[Any, str], list[int]] = {}
    for i, op in enumerate(ops):
        if isinstance(op, AlterColumnType):
            alters.setdefault((op.table_key, op.column), []).append(i)
    if not alters:
        return
    for i, op in enumerate(ops):
        if isinstance(op, AlterColumnDefault):
            # a default dropped goes before the change (it would be cast to the new
            # type), a default set comes after it (a value of the new type)
            for a in alters.get((op.table_key, op.column), ()):
                alter = op_label(ops[a])
                if op.new is None and not digraph.has_path(g, a, i):
                    edge(i, a, f"{op_label(op)} before {alter} would cast the old default")
                elif op.new is not None and op.old is None and not digraph.has_path(g, i, a):
                    edge(a, i, f"{op_label(op)} after {alter} (a default of the new type)")
            continue
        if isinstance(op, (DeleteRows, InsertRows)):
            values = {c for r in op.rows for c, v in r if v is not None}
            before = isinstance(op, DeleteRows)
        elif isinstance(op, UpdateRow):
            values = {c for c, v in op.new}
            before = False
        else:
            continue
        for c in sorted(values):
            for a in alters.get((op.table_key, c), ()):
                first = before or (isinstance(op, UpdateRow) and dict(op.new)[c] is None)
                u, v = (i, a) if first else (a, i)
                if g.has_edge(u, v) or digraph.has_path(g, v, u):
                    continue
                alter = op_label(ops[a])
                if isinstance(op, UpdateRow):
                    row = (
                        f"row {table_key_str(op.table_key)} ({', '.join(_fmt(x) for x in op.key)})"
                    )
                    done = "set NULL" if first else "written"
                else:
                    row = f"rows of {table_key_str(op.table_key)}"
                    done = "deleted" if first else "inserted"
                if first:
                    edge(u, v, f"{row} {done} before {alter} casts the old values")
                else:
                    edge(u, v, f"{row} {done} after {alter} (values of the new type)")


def _key(ops: Sequence[Operation], i: int) -> str:
    return "\x1f".join((*ops[i].sort_key(), f"{i:06d}"))


def order(g: digraph.DiGraph) -> list[int]:
    """A deterministic topological order of the graph's nodes; raises :class:`CycleError`.

    Example:
        >>> order(build_graph([]))
        []
    """
    ops = [g.nodes[i]["op"] for i in range(g.number_of_nodes())]
    # a rule may move an op's place among the ops free to run (``sort_key`` of the node:
    # a function a table calls, just before the first of its users' phase)
    keys = {
        i: "\x1f".join((*g.nodes[i].get("sort_key", ops[i].sort_key()), f"{i:06d}"))
        for i in range(len(ops))
    }
    try:
        return list(digraph.lexicographical_topological_sort(g, key=keys.__getitem__))
    except digraph.CycleFound:
        cycle = digraph.find_cycle(g) or []
        raise CycleError([ops[u].describe() for u, _v in cycle]) from None


def _find_cycle(g: digraph.DiGraph) -> list[int] | None:
    cycle = digraph.find_cycle(g)
    return None if cycle is None else [u for u, _v in cycle]


def order_operations(
    ops: Sequence[Operation],
    *,
    new: Snapshot | None = None,
    targets: Sequence[Dialect] | None = None,
) -> tuple[tuple[Operation, ...], digraph.DiGraph]:
    """Break the cycles rows allow breaking, then order the operations.

    Returns the ordered operations and their graph (node ``i`` = ordered op ``i``).
    ``new`` (the target snapshot) tells which foreign key columns may be NULL;
    ``targets`` (default: every supported dialect) which databases' rules apply.

    Example:
        >>> order_operations([])[0]
        ()
    """
    ops = list(ops)
    targets = _targets(targets)
    for _ in range(_MAX_BREAKS):
        g = build_graph(ops, targets=targets)
        cycle = _find_cycle(g)
        if cycle is None:
            break
        if new is None or not _break(ops, cycle, new):
            raise CycleError([ops[i].describe() for i in cycle])
    else:  # pragma: no cover - defensive
        raise CycleError([op.describe() for op in ops])
    ops, g = fold_foreign_keys(ops, g, targets=targets)
    idx = order(g)
    ordered = tuple(ops[i] for i in idx)
    return ordered, build_graph(ordered, targets=targets)


def fold_foreign_keys(
    ops: Sequence[Operation], g: digraph.DiGraph, *, targets: Sequence[Dialect] | None = None
) -> tuple[list[Operation], digraph.DiGraph]:
    """Fold the foreign keys of new tables into their :class:`CreateTable`, and those of
    dropped tables into their :class:`DropTable`, where nothing else must run between
    the two (Django's optimizer): ``CREATE TABLE`` declares them inline, so SQLite needs
    no rebuild and no dialect a separate ``ALTER TABLE``. The foreign keys of a cycle of
    tables (each referencing the next) stay apart.

    ``g`` is the (acyclic) graph of ``ops``; returns the operations and their graph.

    Example:
        >>> from planner.ops import CreateTable, AddForeignKey
        >>> from planner.state.model import Column, ForeignKey, Table
        >>> c = CreateTable(table=Table(name="t", columns=(Column(name="p", type="Integer"),)))
        >>> fk = ForeignKey(name="fk_t_p", columns=("p",), ref_table="t", ref_columns=("p",))
        >>> ops = [c, AddForeignKey(table_key=(None, "t"), fk=fk, table_is_new=True)]
        >>> [op.describe() for op in fold_foreign_keys(ops, build_graph(ops))[0]]
        ['Create table t (p) with foreign key fk_t_p -> t']
    """
    excluded: set[Any] = set()
    for _ in range(_MAX_BREAKS):
        folded = _fold(ops, g, excluded)
        if folded is None:
            return list(ops), g
        fg = build_graph(folded, targets=targets)
        cycle = _find_cycle(fg)
        if cycle is None:
            return folded, fg
        # a rule that looks at the folded operations closed a cycle: keep those apart
        excluded |= {
            folded[i].table_key for i in cycle if isinstance(folded[i], (CreateTable, DropTable))
        }
    return list(ops), g  # pragma: no cover - defensive


def _dotted(fk: Any) -> bool:
    """A name of the key has a dot: SQLAlchemy (and Alembic's ``create_table`` renderer)
    split a ``'table.column'`` target at every dot, so such a key keeps its own op, which
    renders its target as Column objects."""
    names = (fk.ref_schema or "", fk.ref_table, *fk.ref_columns, *fk.columns)
    return any("." in n for n in names)


def _fold(
    ops: Sequence[Operation], g: digraph.DiGraph, excluded: set[Any]
) -> list[Operation] | None:
    """The operations with every foreign key folded that can be (None: none can).

    Folding the foreign key op ``f`` into the table op ``t`` contracts the two nodes of
    the graph; that closes a cycle exactly when another path leads from the first of the
    two to the second. Candidates are taken in index order (deterministic), each on the
    graph contracted so far."""
    tables: dict[tuple[type, Any], int] = {}
    for i, op in enumerate(ops):
        if isinstance(op, (CreateTable, DropTable)) and op.table_key not in excluded:
            tables[type(op), op.table_key] = i
    if not tables:
        return None
    # (fk op, table op, referenced table op or None, first, second)
    candidates: list[tuple[int, int, int | None, int, int]] = []
    refs = digraph.DiGraph()  # table op -> table op of the referenced table, per kind
    for i, op in enumerate(ops):
        if isinstance(op, AddForeignKey) and op.table_is_new:
            kind: type = CreateTable
        elif isinstance(op, DropForeignKey) and not op.uses:
            kind = DropTable
        else:
            continue
        t = tables.get((kind, op.table_key))
        if t is None or _dotted(op.fk):
            continue
        other = tables.get((kind, op.fk.ref_key))
        candidates.append((i, t, other, *((t, i) if kind is CreateTable else (i, t))))
        if other is not None and other != t:
            refs.add_edge(t, other)
    # the foreign keys of a circle of tables referencing each other stay apart
    circle = {t: n for n, c in enumerate(digraph.strongly_connected_components(refs)) for t in c}
    h = g.copy()
    into: dict[int, list[int]] = {}
    for i, t, other, first, second in candidates:
        if other is not None and other != t and circle[t] == circle[other]:
            continue
        direct = h.has_edge(first, second)
        if direct:
            h.remove_edge(first, second)
        if digraph.has_path(h, first, second):
            if direct:
                h.add_edge(first, second)
            continue
        for p in list(h.predecessors(i)):
            if p != t:
                h.add_edge(p, t)
        for n in list(h.successors(i)):
            if n != t:
                h.add_edge(t, n)
        h.remove_node(i)
        into.setdefault(t, []).append(i)
    if not into:
        return None
    gone = {i for fks in into.values() for i in fks}
    out: list[Operation] = []
    for i, op in enumerate(ops):
        if i in gone:
            continue
        if i in into:
            assert isinstance(op, (CreateTable, DropTable))
            fks = tuple(ops[j].fk for j in into[i])  # type: ignore[attr-defined]
            table = dataclasses.replace(op.table, foreign_keys=op.table.foreign_keys + fks)
            op = dataclasses.replace(op, table=table)
        out.append(op)
    return out


def _break(ops: list[Operation], cycle: list[int], new: Snapshot) -> bool:
    """Split one InsertRows of the cycle (references inserted NULL, set afterwards), else
    one UpdateRow that moves a reference or takes over a unique value (set NULL first,
    to its value afterwards: :func:`_defer_update`)."""
    inserts = sorted(
        (i for i in cycle if isinstance(ops[i], InsertRows)), key=lambda i: _key(ops, i)
    )
    tables = {ops[i].table_key for i in inserts}
    for i in inserts:
        op = ops[i]
        assert isinstance(op, InsertRows)
        res = defer_references(op, tables - {op.table_key}, new)
        if res is None or not res[1]:
            continue
        ops[i] = res[0]
        ops.extend(res[1])
        return True
    updates = sorted(
        (i for i in cycle if isinstance(ops[i], UpdateRow)), key=lambda i: _key(ops, i)
    )
    for i in updates:
        split = _defer_update(ops[i], new)  # type: ignore[arg-type]
        if split is not None:
            ops[i], later = split
            ops.append(later)
            return True
    return False


def _defer_update(op: UpdateRow, new: Snapshot) -> tuple[UpdateRow, UpdateRow] | None:
    """``op`` as two updates: its new foreign key values (when it needs the rows they
    reference) and the values it takes over from other rows (``unique_values``) set NULL
    first, then to their values; None when it sets neither or a column is NOT NULL.
    Breaks, e.g., a child moved to a new parent row that takes over the old parent's
    unique values (the old parent goes before the new one comes), or two rows swapping
    the values of a unique column."""
    table = new.get_table(op.table_key)
    if table is None:
        return None
    values = dict(op.new)
    fk_cols = set()
    if op.parents:
        fk_cols = {c for fk in table.foreign_keys for c in fk.columns if values.get(c) is not None}
    uq_cols = {c for ref in op.unique_values for c in ref[1][2] if values.get(c) is not None}
    cols = sorted(fk_cols | uq_cols)
    if not cols or any(not table.has_column(c) or not table.column(c).nullable for c in cols):
        return None
    first = dataclasses.replace(
        op,
        new=FrozenMap({c: (None if c in cols else v) for c, v in op.new}),
        parents=() if fk_cols else op.parents,
        unique_values=(),
    )
    later = UpdateRow(
        table_key=op.table_key,
        key_columns=op.key_columns,
        key=op.key,
        old=FrozenMap(dict.fromkeys(cols)),
        new=FrozenMap({c: values[c] for c in cols}),
        parents=op.parents if fk_cols else (),
        unique_values=op.unique_values,
    )
    return first, later
