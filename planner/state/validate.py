"""Semantic checks of a snapshot: pure, no I/O, every problem at once.

``validate`` checks what the YAML shape cannot: types parse, references resolve, names
are unique where the databases require it and fit their length limits, default rows fit
their columns and keys, and the migration hints make sense. Each problem carries the
YAML path of the culprit and, given the loader's :class:`SourceMap`, its line and column.

Name uniqueness follows the strictest supported database: within a table every
constraint and index name is distinct; within a schema, primary-key, unique and index
names are distinct from each other and from table names (PostgreSQL keeps them all in
one relation namespace; an unnamed primary key counts as ``<table>_pkey``), and
foreign-key names are distinct (MySQL/MariaDB keep them per database).

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> t = Table(name="t", columns=(Column(name="c", type="Strng"),))
    >>> [p.message for p in validate(Snapshot(release="1", tables=(t,)))]
    ["unknown type 'Strng'"]
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from planner import sqlexpr
from planner.state import coltypes, index_keys, naming, rowcheck
from planner.state.errors import Problem
from planner.state.limits import (
    MAX_IDENTIFIER_BYTES,
    SURELY_SHORT,
    check_length,
    checks_pg_labels,
    target_limits,
)
from planner.state.model import FK_ACTIONS, FrozenMap, Snapshot, Table
from planner.state.validate_rows import (
    check_dropped_columns,
    check_row_references,
    check_row_uniqueness,
    reference_value_check,
    show_key,
)

if TYPE_CHECKING:
    from planner.state.yamlio import SourceMap


__all__ = ["MAX_IDENTIFIER_BYTES", "validate"]


class _Collector:
    def __init__(self, file: str, source_map: SourceMap | None, limits: tuple = ()):
        self.file = file
        self.sm = source_map
        #: (label, bytes, characters) of each target with an identifier limit
        self.limits = limits
        self.problems: list[Problem] = []
        #: keys of each managed table's rows, by id(table): computed once, not once per
        #: referencing row (:func:`_check_row_references`)
        self.row_keys: dict[int, set[tuple]] = {}

    def add(
        self, path: tuple, message: str, hint: str | None = None, *, offset: int | None = None
    ) -> None:
        from planner.state.yamlio import format_path

        line = col = 0
        if self.sm is not None:
            line, col = self.sm.locate(path)
            if offset and self.sm.is_plain(path) and path in self.sm:
                col += offset
        self.problems.append(
            Problem(
                file=self.file,
                line=line,
                col=col,
                path=format_path(path),
                message=message,
                hint=hint,
            )
        )


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> coltypes.TypeSpec:
    """parse_type, cached: snapshots repeat a few type texts thousands of times."""
    return coltypes.parse_type(text)


@functools.lru_cache(maxsize=4096)
def _enum_of(spec: coltypes.TypeSpec) -> str | None:
    while spec.item is not None:
        spec = spec.item
    return spec.enum


@functools.lru_cache(maxsize=4096)
def _fk_compatible(a: coltypes.TypeSpec, b: coltypes.TypeSpec) -> bool:
    return coltypes.fk_compatible(a, b)


def _did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _show(names: Iterable[str]) -> str:
    return "[" + ", ".join(names) + "]"


def validate(
    snapshot: Snapshot,
    *,
    source_map: SourceMap | None = None,
    file: str = "<snapshot>",
    targets: Iterable[str] | None = None,
    fragments: bool = True,
) -> list[Problem]:
    """Every semantic problem of ``snapshot``, in a stable order (position, path, message).

    Args:
        snapshot: the state to check.
        source_map: positions from the loader, so problems carry line:col.
        file: the file name problems show.
        targets: the target dialect names (``[tool.dbplan] dialects``): only their limits
            are checked (a name too long for PostgreSQL is an error only where PostgreSQL
            is a target); None checks every dialect's.
        fragments: check the SQL fragments (:func:`planner.sqlexpr.check_snapshot`, which
            imports sqlglot); False only for a caller that checks them itself before it
            trusts the snapshot (:mod:`planner.state.prefetch`).

    Example:
        >>> from planner.state.model import Column, ForeignKey, Snapshot, Table
        >>> t = Table(name="a", columns=(Column(name="b_id", type="Integer"),),
        ...           foreign_keys=(ForeignKey(name="fk", columns=("b_id",), ref_table="b",
        ...                                    ref_columns=("id",)),))
        >>> [str(p) for p in validate(Snapshot(release="1", tables=(t,)), file="1.yaml")]
        ["1.yaml: tables.a.foreign_keys.fk.references.table: foreign key fk references unknown table 'b'"]
    """
    c = _Collector(file, source_map, target_limits(targets))
    c.tables = tables = snapshot.tables_by_key()
    enums = {e.name: e.values for e in snapshot.enums}
    _check_conventions(c, snapshot)
    _check_enums(c, snapshot)
    types: dict[tuple, Any] = {}
    problems = c.problems
    # A table found clean before is clean again when what its checks read is the same:
    # the tables behind its foreign keys (by identity), the enums its columns name and,
    # when it has rows, all the enums. Its types are put back as they were parsed.
    parsed: dict[int, tuple[list, frozenset]] = {}
    contexts: dict[int, tuple] = {}
    known_clean: set[int] = set()
    dirty: set[int] = set()  # ids of the tables with a problem of their own
    for t in snapshot.tables:
        contexts[id(t)] = context = _context(t, tables)
        entry = _CLEAN.get(id(t))
        if (
            entry is not None
            and entry.limits == c.limits
            and _same_context(entry, t, enums, context)
        ):
            types.update(entry.types)
            known_clean.add(id(t))
            continue
        n = len(problems)
        parsed[id(t)] = _parse_types(c, t, enums, types)
        if len(problems) != n:
            dirty.add(id(t))
    for t in snapshot.tables:
        if id(t) in known_clean:
            continue
        n = len(problems)
        _check_table(c, snapshot, t, enums, types)
        if len(problems) != n:
            dirty.add(id(t))
    _check_schema_wide_names(c, snapshot)
    _check_table_renames(c, snapshot)
    from planner.state.validate_columns import check_columns  # identity, generated

    check_columns(c, snapshot, targets)
    from planner.state.validate_columns import check_interval_months  # rows' P1Y2M

    check_interval_months(c, snapshot, targets)
    from planner.state import pg_tables_yaml  # deferrable, unlogged, exclusions

    pg_tables_yaml.check(c, snapshot, targets)
    if fragments:
        sqlexpr.check_snapshot(snapshot, c.add)  # SQL fragments: one expression each
    from planner.state.views import check as check_views  # what views read, their kinds

    check_views(snapshot, targets, c.add)
    for t in snapshot.tables:
        if t.rows is None or id(t) in known_clean:
            continue
        n = len(problems)
        _check_rows(c, snapshot, t, enums, types)
        if len(problems) != n:
            dirty.add(id(t))
    if len(_CLEAN) + len(parsed) > _MAX_CLEAN:
        _CLEAN.clear()
    for t in snapshot.tables:
        if id(t) in parsed and id(t) not in dirty:
            pairs, enum_names = parsed[id(t)]
            _CLEAN[id(t)] = _Clean(t, enums, contexts[id(t)], pairs, enum_names, c.limits)
    from planner.state import pg_objects  # schemas, extensions, sequences: PostgreSQL only

    pg_objects.check_targets(snapshot, targets, c.add)
    from planner.state import policies  # row-level security and policies

    policies.check(snapshot, targets, c.add)
    from planner.state import partitions  # partition_by, partition_of, inherits

    partitions.check(snapshot, targets, c.add)
    return sorted(problems, key=Problem.sort_key)


class _Clean(NamedTuple):
    """A table whose own checks found nothing, and what they read."""

    table: Table
    enums: dict[str, tuple[str, ...]]
    context: tuple
    #: its ``types`` entries, in the order they were made
    types: list[tuple[tuple, Any]]
    #: the enums its column types name
    enum_names: frozenset[str]
    #: the identifier limits it was checked against
    limits: tuple = ()


#: id(table) -> _Clean, from the snapshots validated last (the loader reuses a table
#: object when the next release has it unchanged: the second of two snapshots mostly
#: checks only the tables that changed or reference one that did)
_CLEAN: dict[int, _Clean] = {}
_MAX_CLEAN = 50_000


def _context(t: Table, tables: dict) -> tuple:
    """The tables the checks of ``t`` read besides ``t``: its foreign keys' (None when
    missing)."""
    if not t.foreign_keys:
        return ()
    return tuple([tables.get(fk.ref_key) for fk in t.foreign_keys])


def _same_context(entry: _Clean, t: Table, enums: dict, context: tuple) -> bool:
    if entry.table is not t:
        return False
    if t.rows is not None:
        if entry.enums != enums:
            return False
    elif not all(name in enums for name in entry.enum_names):
        return False
    before = entry.context
    return len(before) == len(context) and all(a is b for a, b in zip(before, context, strict=True))


def _check_conventions(c: _Collector, s: Snapshot) -> None:
    for key, template in s.naming_convention:
        why = naming.template_problem(template)
        if why:
            c.add(("naming_convention", key), f"invalid naming template: {why}")


def _check_enums(c: _Collector, s: Snapshot) -> None:
    for e in s.enums:
        p = ("enums", e.name)
        check_length(c, p, "enum name", e.name)
        if not e.values:
            c.add(p, f"enum {e.name} has no values", "list at least one value")
        seen: dict[str, int] = {}
        for i, v in enumerate(e.values):
            if v in seen:
                c.add(
                    (*p, i),
                    f"enum {e.name} lists the value '{v}' twice (first at index {seen[v]})",
                    "remove the repeated value",
                )
            else:
                seen[v] = i
            if checks_pg_labels(c) and len(v.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
                c.add(
                    (*p, i),
                    f"enum value '{v}' is over the {MAX_IDENTIFIER_BYTES}-byte limit of PostgreSQL labels",
                )


def _parse_types(
    c: _Collector, t: Table, enums: dict, types: dict
) -> tuple[list[tuple[tuple, Any]], frozenset[str]]:
    """Parse the column types of ``t`` into ``types``; return the entries made and the
    enums named."""
    key = t.key
    made: list[tuple[tuple, Any]] = []
    named: set[str] = set()
    for col in t.columns:
        try:
            spec = _parse(col.type)
        except coltypes.TypeParseError as e:
            path = ("tables", t.name, "columns", col.name, "type")
            c.add(path, e.message, e.hint, offset=e.offset)
            made.append(((key, col.name), None))
            types[(key, col.name)] = None
            continue
        made.append(((key, col.name), spec))
        types[(key, col.name)] = spec
        ename = _enum_of(spec)
        if ename is not None:
            named.add(ename)
            if ename not in enums:
                c.add(
                    ("tables", t.name, "columns", col.name, "type"),
                    f"unknown enum '{ename}' in {col.type}",
                    _did_you_mean(ename, enums) or "declare it under enums:",
                )
    return made, frozenset(named)


def _repeated(items: tuple[str, ...]) -> list[str]:
    """The items listed more than once, sorted."""
    if len(set(items)) == len(items):
        return []
    return sorted({x for x in items if items.count(x) > 1})


def _check_table(c: _Collector, s: Snapshot, t: Table, enums: dict, types: dict) -> None:
    tables = c.tables
    tp = ("tables", t.name)
    check_length(c, tp, "table name", t.name)
    check_dropped_columns(c.add, t, tp)
    check_length(c, (*tp, "schema"), "schema name", t.schema)
    # a table without columns is legal on PostgreSQL (lint R017 warns on other targets)
    names = t.column_names
    for name in names:
        if len(name) > SURELY_SHORT:
            check_length(c, (*tp, "columns", name), "column name", name)
    for dup in _repeated(names):
        c.add((*tp, "columns", dup), f"column {dup} is declared twice")
    known = t.column_set()

    def unknown_columns(path: tuple, what: str, cols: tuple[str, ...], table: Table = t) -> bool:
        bad = False
        have = table.column_set()
        for i, col in enumerate(cols):
            if col not in have:
                c.add(
                    (*path, i),
                    f"{what} names unknown column '{col}' of {table.qualified_name}",
                    _did_you_mean(col, have),
                )
                bad = True
        for dup in _repeated(cols):
            c.add(path, f"{what} lists column '{dup}' twice")
            bad = True
        return bad

    # primary key
    pk = t.primary_key
    if pk is not None:
        pp = (*tp, "primary_key")
        if pk.name is not None:
            check_length(c, (*pp, "name"), "primary key name", pk.name)
        if not pk.columns:
            c.add(pp, f"the primary key of {t.qualified_name} has no columns")
        unknown_columns((*pp, "columns"), "primary key", pk.columns)
        for col in t.columns:
            if col.name in pk.columns and col.nullable:
                c.add(
                    (*tp, "columns", col.name, "nullable"),
                    f"primary key column {col.name} is nullable: true",
                    "primary key columns are NOT NULL; drop nullable: true",
                )
    # foreign keys
    for fk in t.foreign_keys:
        fp = (*tp, "foreign_keys", fk.name)
        check_length(c, fp, "foreign key name", fk.name)
        unknown_columns((*fp, "columns"), f"foreign key {fk.name}", fk.columns)
        for key in ("ondelete", "onupdate"):
            action = getattr(fk, key)
            if action is not None and action not in FK_ACTIONS:
                upper = action.upper()
                hint = (
                    f"write {upper}"
                    if upper in FK_ACTIONS
                    else "expected one of: " + ", ".join(FK_ACTIONS)
                )
                c.add((*fp, key), f"invalid {key} action '{action}'", hint)
        # SET NULL on a NOT NULL column is lint R016, not an error: PostgreSQL and SQLite
        # create such keys (real schemas have them; the action fails when it fires)
        target = tables.get(fk.ref_key)
        rp = (*fp, "references")
        if target is None:
            c.add(
                (*rp, "table"),
                f"foreign key {fk.name} references unknown table "
                f"'{naming_key(fk.ref_schema, fk.ref_table)}'",
                _did_you_mean(
                    fk.ref_table, (x.name for x in s.tables if x.schema == fk.ref_schema)
                ),
            )
            continue
        bad_ref = unknown_columns(
            (*rp, "columns"), f"foreign key {fk.name}", fk.ref_columns, target
        )
        if len(fk.columns) != len(fk.ref_columns):
            c.add(
                rp,
                f"foreign key {fk.name} has {len(fk.columns)} column(s) but references "
                f"{len(fk.ref_columns)}",
                "list as many referenced columns as columns",
            )
            continue
        if bad_ref:
            continue
        if not _is_unique_key(target, fk.ref_columns):
            c.add(
                (*rp, "columns"),
                f"foreign key {fk.name} references {target.qualified_name}{_show(fk.ref_columns)}, "
                "which is neither its primary key nor a unique constraint",
                "reference the primary key, or add a unique constraint on those columns",
            )
        for i, (a, b) in enumerate(zip(fk.columns, fk.ref_columns, strict=True)):
            ta, tb = types.get((t.key, a)), types.get((target.key, b))
            if ta is None or tb is None or a not in known:
                continue
            ca, cb = t.column(a).type, target.column(b).type
            if not _fk_compatible(ta, tb):
                c.add(
                    (*fp, "columns", i),
                    f"foreign key {fk.name}: column {a} ({ca}) cannot reference "
                    f"{target.qualified_name}.{b} ({cb})",
                    "give both columns the same type family",
                )
    # unique constraints and indexes
    for u in t.uniques:
        up = (*tp, "unique", u.name)
        check_length(c, up, "unique constraint name", u.name)
        if not u.columns:
            c.add(up, f"unique constraint {u.name} has no columns")
        unknown_columns(up, f"unique constraint {u.name}", u.columns)
    for ck in t.checks:
        kp = (*tp, "checks", ck.name)
        check_length(c, kp, "check constraint name", ck.name)
        if not ck.sqltext.strip():
            c.add(kp, f"check constraint {ck.name} has no expression")
    for ix in t.indexes:
        ip = (*tp, "indexes", ix.name)
        check_length(c, ip, "index name", ix.name)
        if not ix.columns:
            c.add((*ip, "columns"), f"index {ix.name} has no columns")
        unknown_columns((*ip, "columns"), f"index {ix.name}", ix.columns)
        unknown_columns((*ip, "include"), f"index {ix.name}", ix.include)
        index_keys.check_order(c, ip, ix)  # DESC / NULLS: btree only
        if ix.where is not None and not ix.where.strip():
            c.add((*ip, "where"), f"index {ix.name} has an empty where clause")
    # names within the table
    own = list(t.constraint_names())
    if len(set(own)) != len(own):
        seen: dict[str, str] = {}
        for kind, name, path in _named_objects(t):
            if name in seen:
                c.add(
                    path,
                    f"{kind} name '{name}' is already used by a {seen[name]} of table "
                    f"{t.qualified_name}",
                    "constraint and index names must be unique",
                )
            else:
                seen[name] = kind
    # column hints
    sources: dict[str, str] = {}
    for col in t.columns:
        if col.renamed_from is None and not col.fills:
            continue
        cp = (*tp, "columns", col.name)
        if col.renamed_from is not None:
            if col.renamed_from == col.name:
                c.add(
                    (*cp, "renamed_from"),
                    f"column {col.name} is renamed from itself",
                    "drop renamed_from",
                )
            elif col.renamed_from in known:
                c.add(
                    (*cp, "renamed_from"),
                    f"column {col.name} is renamed from '{col.renamed_from}', which also exists",
                    "a rename needs the old name gone; drop renamed_from or the other column",
                )
            if col.renamed_from in sources:
                c.add(
                    (*cp, "renamed_from"),
                    f"columns {sources[col.renamed_from]} and {col.name} are both renamed from "
                    f"'{col.renamed_from}'",
                    "keep renamed_from on one of them",
                )
            else:
                sources[col.renamed_from] = col.name
        if col.fills:
            if col.nullable:
                c.add(
                    (*cp, "backfill"),
                    f"backfill on nullable column {col.name} has no effect",
                    "backfill fills existing rows of a NOT NULL column; add nullable: false or drop it",
                )
            elif col.backfill is not None and not col.backfill.strip():
                c.add((*cp, "backfill"), f"backfill of column {col.name} is empty")


def naming_key(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _is_unique_key(t: Table, cols: tuple[str, ...]) -> bool:
    want = set(cols)
    if t.primary_key is not None and set(t.primary_key.columns) == want:
        return True
    if any(set(u.columns) == want for u in t.uniques):
        return True
    keys = [ix for ix in t.indexes if not any(e.expression for e in ix.elements)]
    return any(ix.unique and ix.where is None and set(ix.columns) == want for ix in keys)


def _named_objects(t: Table) -> list[tuple[str, str, tuple]]:
    tp = ("tables", t.name)
    out: list[tuple[str, str, tuple]] = []
    if t.primary_key is not None and t.primary_key.name:
        out.append(("primary key", t.primary_key.name, (*tp, "primary_key", "name")))
    out += [("foreign key", x.name, (*tp, "foreign_keys", x.name)) for x in t.foreign_keys]
    out += [("unique constraint", x.name, (*tp, "unique", x.name)) for x in t.uniques]
    out += [("check constraint", x.name, (*tp, "checks", x.name)) for x in t.checks]
    out += [("index", x.name, (*tp, "indexes", x.name)) for x in t.indexes]
    return out


def _check_schema_wide_names(c: _Collector, s: Snapshot) -> None:
    relations: dict[tuple, tuple[str, str]] = {}
    fks: dict[tuple, str] = {}
    for t in s.tables:
        relations.setdefault((t.schema, t.name), ("table", t.qualified_name))
    for t in s.tables:
        schema, qualified = t.schema, t.qualified_name
        # (kind, name, section): the path is tables.<t>.<section>[.<name>]
        rel: list[tuple[str, str, str]] = []
        if t.primary_key is not None:
            rel.append(("primary key", t.primary_key.name or f"{t.name}_pkey", "primary_key"))
        rel += [("unique constraint", u.name, "unique") for u in t.uniques]
        rel += [("index", ix.name, "indexes") for ix in t.indexes]
        for kind, name, section in rel:
            owner = relations.get((schema, name))
            if owner is None:
                relations[(schema, name)] = (kind, qualified)
            elif owner[1] != qualified:
                article = {"table": "", "primary key": "the ", "index": "an "}.get(owner[0], "a ")
                used = (
                    f"table {owner[1]}"
                    if owner[0] == "table"
                    else f"{article}{owner[0]} of table {owner[1]}"
                )
                path = ("tables", t.name, section)
                c.add(
                    path if section == "primary_key" else (*path, name),
                    f"{kind} name '{name}' is already used by {used}",
                    "PostgreSQL keeps tables, indexes, primary keys and unique constraints "
                    "of a schema in one namespace; rename one",
                )
        for fk in t.foreign_keys:
            owner_table = fks.get((schema, fk.name))
            if owner_table is not None and owner_table != qualified:
                c.add(
                    ("tables", t.name, "foreign_keys", fk.name),
                    f"foreign key name '{fk.name}' is already used by table {owner_table}",
                    "MySQL/MariaDB need foreign key names unique in a database; rename one",
                )
            else:
                fks.setdefault((schema, fk.name), qualified)


def _check_table_renames(c: _Collector, s: Snapshot) -> None:
    tables = c.tables
    sources: dict[tuple, str] = {}
    for t in s.tables:
        if t.renamed_from is None:
            continue
        p = ("tables", t.name, "renamed_from")
        if t.renamed_from == t.name:
            c.add(p, f"table {t.qualified_name} is renamed from itself", "drop renamed_from")
        elif (t.schema, t.renamed_from) in tables:
            c.add(
                p,
                f"table {t.qualified_name} is renamed from '{t.renamed_from}', which also exists",
                "a rename needs the old name gone; drop renamed_from or the other table",
            )
        key = (t.schema, t.renamed_from)
        if key in sources:
            c.add(
                p,
                f"tables {sources[key]} and {t.qualified_name} are both renamed from "
                f"'{t.renamed_from}'",
                "keep renamed_from on one of them",
            )
        else:
            sources[key] = t.qualified_name


def _required_columns(t: Table, types: dict) -> list[str]:
    """Columns a row must give: NOT NULL, no server default, not an autoincrement key."""
    auto = None
    pk = t.primary_key
    if pk is not None and len(pk.columns) == 1 and t.has_column(pk.columns[0]):
        col = t.column(pk.columns[0])
        spec = types.get((t.key, col.name))
        if (
            spec is not None
            and col.autoincrement is not False
            and coltypes.nearest(coltypes.format_type(spec))
            in ("Integer", "BigInteger", "SmallInteger")
        ):
            auto = col.name
    return [
        col.name
        for col in t.columns
        if not col.nullable
        and col.server_default is None
        and col.name != auto
        and col.identity is None  # the database gives them values
        and col.generated is None
    ]


def _check_rows(c: _Collector, s: Snapshot, t: Table, enums: dict, types: dict) -> None:
    rs = t.rows
    if rs is None:
        return
    rp = ("tables", t.name, "rows")
    known = set(t.column_names)
    key_ok = True
    if not rs.key:
        c.add((*rp, "key"), f"rows of {t.qualified_name} have an empty key", "name the key columns")
        key_ok = False
    for i, k in enumerate(rs.key):
        if k not in known:
            c.add(
                (*rp, "key", i),
                f"rows key names unknown column '{k}' of {t.qualified_name}",
                _did_you_mean(k, known),
            )
            key_ok = False
    if key_ok and not _is_unique_key(t, rs.key):
        # a key without a unique constraint matches users' rows with the same values:
        # managed updates and deletes (WHERE key IN ...) would take them too
        c.add(
            (*rp, "key"),
            f"rows key {_show(rs.key)} of {t.qualified_name} has no primary key, unique "
            "constraint or unique index on exactly those columns: managed updates and deletes "
            "would also match users' rows with the same key",
            f"add a unique constraint on {_show(rs.key)} to {t.qualified_name}, "
            "or choose a key that has one",
        )
    required = _required_columns(t, types)
    # each column's type parsed and spelled once: (check of a value, nullable, required)
    req = set(required)
    columns: dict[str, tuple[Any, bool, bool]] = {}
    for name in known:
        spec = types.get((t.key, name))
        check = coltypes.value_checker(spec, enums=enums) if spec is not None else None
        check = reference_value_check(t, name, check)  # {code: x}: a row by natural key
        columns[name] = (check, t.column(name).nullable, name in req)
    n_required = len(required)
    references = _reference_checks(c, t)
    if key_ok and rowcheck.rows_fit(t, columns, required, references):
        # checked a column at a time: the row by row checks below find nothing (the
        # references by natural key are checked apart, as below)
        check_row_references(c.add, s, t, rp)
        return
    check_row_uniqueness(c.add, t, rp)
    key_cols = rs.key
    seen: dict[tuple, int] = {}
    for i, row in enumerate(rs.rows):
        values = dict(row)
        # the common case in bulk: every value known, fitting its column, none missing
        clean = len(values) == len(row)
        present = 0
        if clean:
            for col, value in row:
                entry = columns.get(col)
                if entry is None:
                    clean = False
                    break
                check, nullable, required_ = entry
                if value is None:
                    if not nullable:
                        clean = False
                        break
                elif check is not None and check(value) is not None:
                    clean = False
                    break
                present += required_
        if not clean or present != n_required:
            _check_row_values(c, t, (*rp, "values", i), values, columns, required)
        if not key_ok:
            continue
        key = tuple([values.get(k) for k in key_cols])
        if None in key:
            missing = [k for k, v in zip(key_cols, key, strict=True) if v is None]
            c.add(
                (*rp, "values", i),
                f"row has no value for key column(s) {', '.join(missing)}",
                "every row needs its key to be matched across releases",
            )
            continue
        if key in seen:
            c.add(
                (*rp, "values", i),
                f"row repeats the key {show_key(rs.key, key)} of row {seen[key]}",
                "each managed row needs a distinct key",
            )
        else:
            seen[key] = i
        for fk, cols, have, parent in references:
            wanted = tuple([values.get(col) for col in cols])
            if None in wanted or wanted in have or any(isinstance(w, FrozenMap) for w in wanted):
                continue
            if any(values.get(col) is None for col in fk.columns):
                continue
            shown = ", ".join(f"{k}={w!r}" for k, w in zip(parent.rows.key, wanted, strict=True))
            c.add(
                (*rp, "values", i, fk.columns[0]),
                f"row references {parent.qualified_name}({shown}) through {fk.name}, "
                f"which is not among the managed rows of {parent.qualified_name}",
                f"add that row to {parent.qualified_name} or fix the value",
            )

    check_row_references(c.add, s, t, rp)


def _check_row_values(
    c: _Collector, t: Table, vp: tuple, values: dict, columns: dict, required: list[str]
) -> None:
    """The problems of one row's values: unknown columns, NULL in NOT NULL columns,
    values that do not fit their type, required columns missing."""
    for col, value in values.items():
        entry = columns.get(col)
        if entry is None:
            c.add(
                (*vp, col),
                f"row names unknown column '{col}' of {t.qualified_name}",
                _did_you_mean(col, columns),
            )
            continue
        check, nullable, _ = entry
        if value is None:
            if not nullable:
                c.add((*vp, col), f"row sets NOT NULL column {col} to null")
            continue
        if check is None:
            continue
        why = check(value)
        if why:
            hint = None
            if isinstance(value, bool):
                hint = "YAML reads unquoted yes/no/on/off/true/false as booleans"
            c.add((*vp, col), f"column {col}: {why}", hint)
    for col in required:
        if col not in values:
            c.add(
                vp,
                f"row is missing column {col} (NOT NULL without a server default)",
                f"give {col} a value",
            )


def _reference_checks(c: _Collector, t: Table) -> list[tuple[Any, tuple[str, ...], set, Table]]:
    """The foreign keys of ``t`` whose values must be among a parent table's managed rows:
    ``(fk, the columns of a row giving the parent's key in its order, the parent's keys,
    the parent)``; the keys of each parent are computed once per snapshot."""
    out = []
    for fk in t.foreign_keys:
        parent = c.tables.get(fk.ref_key)
        if parent is None or parent.rows is None or set(parent.rows.key) != set(fk.ref_columns):
            continue
        if len(fk.columns) != len(fk.ref_columns):
            continue
        mapping = dict(zip(fk.ref_columns, fk.columns, strict=True))
        have = c.row_keys.get(id(parent))
        if have is None:
            have = c.row_keys[id(parent)] = {parent.rows.key_of(r) for r in parent.rows.rows}
        out.append((fk, tuple(mapping[k] for k in parent.rows.key), have, parent))
    return out
