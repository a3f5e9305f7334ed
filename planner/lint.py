"""Lint a plan: findings about operations that can lose data, fail, lock or break code.

Each rule is a function registered with :func:`rule` for the operation types it checks;
it receives the operation and a :class:`LintContext` and yields :class:`Finding` s.
Codes are stable (never reused; a retired rule keeps its number) and documented in
``docs/plan-json.md``:

=====  ========  =============================================================
code   severity  finding
=====  ========  =============================================================
R001   danger    a table is dropped (its rows are lost)
R002   danger    a column is dropped (its data is lost)
R003   danger    a column type is narrowed (values may be truncated or rejected)
R004   danger    NOT NULL on an existing table without a server default or backfill
R005   warning   a unique constraint or unique index added to an existing table
R006   warning   a check constraint added to an existing table
R007   warning   a table or column is renamed (running application code breaks)
R008   danger    enum values are removed (rows holding them cannot convert)
R009   warning   a managed row is deleted from a table other tables reference
R010   warning   an index is built on an existing table without CONCURRENTLY (PostgreSQL)
R011   warning   a column type changes to an unrelated type (values must convert)
R012   warning   a foreign key added to an existing table (orphan rows make it fail)
R013   warning   a foreign key references a table named like a Windows device (MariaDB/MySQL refuse it)
R014   danger    a managed-row delete (upgrade or downgrade) cascades or sets NULL in other rows
R015   warning   the downgrade deletes managed rows from a table other tables reference
R016   warning   ON DELETE/ON UPDATE SET NULL on a NOT NULL column (the action always fails)
R017   warning   a table without columns on a target that refuses one (MariaDB/MySQL, SQLite)
R018   warning   managed rows with explicit ids inserted into an existing table (a user's row may hold the id)
R019   warning   a column or table dropped while a new one appears, no data step moving data between them
R020   warning   a data step without a downgrade (``downgrade: none``)
R021   danger    a data step or per-dialect backfill without SQL for a target dialect
R022   danger    a ``sync`` table loses the rows its snapshot does not declare (:mod:`planner.lint_rows`)
R031   warning   a view is dropped and created again, losing what dbplan leaves alone on it (:mod:`planner.lint_views`)
=====  ========  =============================================================

R019, R020 and R021 live in :mod:`planner.lint_steps`.

Deletes of the downgrade are found from the upgrade plan: every :class:`~planner.ops.InsertRows`
into a table the plan does not create is deleted again by the downgrade
(:func:`downgrade_deletes`); ``dbplan generate`` gates those from a table other tables
reference like the upgrade's deletes (:func:`gated_downgrade_deletes`).

Example:
    >>> sorted(RULES)[:2]
    ['R001', 'R002']
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner import ops as O
from planner.registry import Registry
from planner.state.coltypes import type_change as classify_type_change
from planner.state.model import Column, TableKey, table_key_str

if TYPE_CHECKING:
    from planner.plan import Plan


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    DANGER = "danger"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One lint finding about the operation at ``op_index`` of ``plan.ops`` (0-based)."""

    code: str
    severity: Severity
    op_index: int
    message: str
    fix: str

    def sort_key(self) -> tuple:
        return (self.op_index, self.code, self.message)


@dataclass(frozen=True, slots=True, kw_only=True)
class LintContext:
    """What a rule may know besides its operation: the plan and facts derived from it."""

    plan: Plan
    #: tables that the plan creates (constraints on them cannot meet existing rows)
    new_tables: frozenset[TableKey] = frozenset()
    #: (table key, column) pairs that a BackfillColumn of the plan fills
    backfilled: frozenset[tuple[TableKey, str]] = frozenset()
    #: (table key, column) pairs that an AddColumn of the plan adds, with the column
    added: dict[tuple[TableKey, str], Column] = field(default_factory=dict)
    #: table key -> sorted names of the tables whose foreign keys reference it
    referenced_by: dict[TableKey, tuple[str, ...]] = field(default_factory=dict)
    #: table key -> (referencing table, foreign key, action) of each foreign key that
    #: changes the referencing rows when a referenced row is deleted (CASCADE, SET NULL,
    #: SET DEFAULT), in either snapshot, sorted
    cascades: dict[TableKey, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)


RuleFn = Callable[["O.Operation", LintContext], Iterable[tuple[str, str]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    code: str
    severity: Severity
    fn: RuleFn
    types: tuple[type, ...]

    @property
    def summary(self) -> str:
        return (self.fn.__doc__ or "").strip().splitlines()[0]


#: code -> rule, in registration order
RULES: dict[str, Rule] = {}
#: operation type -> the rules that check it (a tuple, looked up along the MRO)
_BY_TYPE = Registry("lint")


def rule(code: str, severity: Severity, *types: type) -> Callable[[RuleFn], RuleFn]:
    """Register a lint rule for the operation ``types``.

    The function yields ``(message, fix)`` pairs; the code, severity and operation index
    are filled in by :func:`lint`.

    Example:
        >>> RULES["R001"].severity
        <Severity.DANGER: 'danger'>
    """

    def decorate(fn: RuleFn) -> RuleFn:
        if code in RULES:
            raise ValueError(f"lint rule {code} is already registered ({RULES[code].fn.__name__})")
        r = Rule(code=code, severity=severity, fn=fn, types=types)
        RULES[code] = r
        for t in types:
            # the registry holds, per type, the tuple of rules checking it
            prev = _BY_TYPE.lookup(t) if t in set(_BY_TYPE) else None
            _BY_TYPE.add(t, (*(prev or ()), r), replace=prev is not None)
        return fn

    return decorate


def make_context(plan: Plan) -> LintContext:
    """Derive the facts rules need from ``plan``."""
    new_tables = frozenset(op.table.key for op in plan.ops if isinstance(op, O.CreateTable))
    backfilled = frozenset(
        (op.table_key, _col_name(op.column)) for op in plan.ops if isinstance(op, O.BackfillColumn)
    ) | _step_filled(plan)
    added = {
        (op.table_key, op.column.name): op.column for op in plan.ops if isinstance(op, O.AddColumn)
    }
    refs: dict[TableKey, set[str]] = {}
    cascades: dict[TableKey, set[tuple[str, str, str]]] = {}
    for snap in (plan.old, plan.new):
        for t in snap.tables:
            if not t.foreign_keys or (snap is plan.new and plan.old.get_table(t.key) is t):
                continue  # nothing to add (a table both snapshots share is added already)
            name = t.qualified_name
            for fk in t.foreign_keys:
                if fk.ref_key != t.key:
                    refs.setdefault(fk.ref_key, set()).add(name)
                else:
                    refs.setdefault(fk.ref_key, set()).add(f"{name} (itself)")
                if fk.ondelete in _CHANGING_ACTIONS:
                    cascades.setdefault(fk.ref_key, set()).add((name, fk.name, fk.ondelete))
    return LintContext(
        plan=plan,
        new_tables=new_tables,
        backfilled=backfilled,
        added=added,
        referenced_by={k: tuple(sorted(v)) for k, v in refs.items()},
        cascades={k: tuple(sorted(v)) for k, v in cascades.items()},
    )


#: ON DELETE actions that change the referencing rows instead of refusing the delete
_CHANGING_ACTIONS = frozenset({"CASCADE", "SET NULL", "SET DEFAULT"})


def downgrade_deletes(plan: Plan) -> list[O.DeleteRows]:
    """The managed-row deletes of the downgrade of ``plan``: the rows the upgrade inserts
    into tables it does not create (the downgrade drops the tables it creates, rows and all).

    Example:
        >>> import dataclasses
        >>> from planner.plan import make_plan
        >>> from planner.state.model import Column, FrozenMap, PrimaryKey, RowSet, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> r = dataclasses.replace(t, rows=RowSet(key=("id",), rows=(FrozenMap({"id": 1}),)))
        >>> [o.describe() for o in downgrade_deletes(make_plan(
        ...     Snapshot(release="1", tables=(t,)), Snapshot(release="2", tables=(r,))))]
        ['Delete 1 row from t: (id)=(1)']
    """
    created = {op.table.key for op in plan.ops if isinstance(op, O.CreateTable)}
    return [
        op.reverse()
        for op in plan.ops
        if isinstance(op, O.InsertRows) and op.table_key not in created and op.mode != "seed"
    ]


def gated_downgrade_deletes(plan: Plan) -> list[O.DeleteRows]:
    """The :func:`downgrade_deletes` that can reach other rows: from a table that a foreign
    key references (in either snapshot), where the delete cascades into the referencing
    rows, sets them NULL, or fails. ``dbplan generate`` refuses them without
    ``--allow-destructive``, like the deletes of the upgrade. (A delete from a table nothing
    references removes the managed row alone: its key is unique, see validation.)
    """
    referenced = {
        fk.ref_key for snap in (plan.old, plan.new) for t in snap.tables for fk in t.foreign_keys
    }
    return [op for op in downgrade_deletes(plan) if op.table_key in referenced]


def lint(plan: Plan) -> list[Finding]:
    """Check every operation of ``plan`` against the registered rules.

    Returns findings sorted by operation, then code.

    Example:
        >>> from planner.plan import make_plan
        >>> from planner.state.model import Column, PrimaryKey, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> [f.code for f in lint(make_plan(Snapshot(release="1", tables=(t,)), Snapshot(release="2")))]
        ['R001']
    """
    ctx = make_context(plan)
    out: list[Finding] = []
    for i, op in enumerate(plan.ops):
        for r in _BY_TYPE.lookup(type(op)) or ():
            for message, fix in r.fn(op, ctx):
                out.append(
                    Finding(code=r.code, severity=r.severity, op_index=i, message=message, fix=fix)
                )
    return sorted(out, key=Finding.sort_key)


# helpers ---------------------------------------------------------------------


def _step_filled(plan: Plan) -> frozenset[tuple[TableKey, str]]:
    """The columns the plan's data steps write (they fill them, as a backfill would)."""
    from planner.ops.steps import RunDataStep

    return frozenset(
        (key, column)
        for op in plan.ops
        if isinstance(op, RunDataStep)
        for key, column in op.writes
        if column is not None
    )


def _col_name(column) -> str:
    return column if isinstance(column, str) else column.name


def _col(key: TableKey, column) -> str:
    return f"{table_key_str(key)}.{_col_name(column)}"


def _is_new(op, ctx: LintContext) -> bool:
    return op.table_key in ctx.new_tables or bool(getattr(op, "table_is_new", False))


def _all_null(key: TableKey, columns: Iterable[str], ctx: LintContext) -> bool:
    """True when every column is added by the plan with nothing to fill it: all NULL."""
    for name in columns:
        col = ctx.added.get((key, name))
        if col is None or col.server_default is not None or (key, name) in ctx.backfilled:
            return False
    return True


# the rules -------------------------------------------------------------------


@rule("R001", Severity.DANGER, O.DropTable)
def _drop_table(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A table is dropped: its rows are lost."""
    name = op.table.qualified_name
    yield (
        f"dropping table {name} deletes all of its rows",
        f"back up {name} first, or keep it for one more release; "
        f"if it was renamed, add renamed_from to the new table",
    )


@rule("R002", Severity.DANGER, O.DropColumn)
def _drop_column(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A column is dropped: its data is lost (a generated column's is computed again)."""
    if op.column.generated is not None:
        return
    name = _col(op.table_key, op.column)
    yield (
        f"dropping column {name} deletes its data",
        "stop using it in the application one release earlier and copy its data if needed; "
        "if it was renamed, add renamed_from to the new column",
    )


_STRINGS = {"String", "Unicode", "VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "Text", "UnicodeText"}
_UNBOUNDED = {"Text", "UnicodeText"}
_INTEGERS = {"SmallInteger": 1, "Integer": 2, "BigInteger": 3}
_DECIMALS = {"Numeric", "DECIMAL", "NUMERIC"}
_FLOATS = {"Float", "Double", "REAL", "DOUBLE_PRECISION"}
_TYPE_RE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?:\((.*)\))?\s*$")


def _parse_type(text: str) -> tuple[str, tuple[str, ...], dict[str, str]]:
    """``'Numeric(10, 2)'`` -> ``('Numeric', ('10', '2'), {})``."""
    m = _TYPE_RE.match(text or "")
    if not m:
        return (text, (), {})
    name, inner = m.group(1), m.group(2)
    args: list[str] = []
    kwargs: dict[str, str] = {}
    depth, cur = 0, ""
    for ch in inner or "":
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    positional = []
    for a in args:
        k, eq, v = a.partition("=")
        if eq and k.strip().isidentifier():
            kwargs[k.strip()] = v.strip()
        else:
            positional.append(a)
    return (name.rsplit(".", 1)[-1] if "." in name else name, tuple(positional), kwargs)


def _int_arg(args: tuple[str, ...], kwargs: dict[str, str], pos: int, name: str) -> int | None:
    raw = kwargs.get(name, args[pos] if len(args) > pos else None)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def type_change(old: str, new: str) -> tuple[str, str | None]:
    """Classify a type change: ``("narrowing", why)``, ``("widening", None)`` or
    ``("conversion", why)``.

    Example:
        >>> type_change("String(80)", "String(40)")[0]
        'narrowing'
        >>> type_change("Integer", "BigInteger")
        ('widening', None)
        >>> type_change("String(10)", "Integer")[0]
        'conversion'
    """
    on, oa, ok = _parse_type(old)
    nn, na, nk = _parse_type(new)
    if old == new:
        return ("widening", None)
    if on in _STRINGS and nn in _STRINGS:
        ol = None if on in _UNBOUNDED else _int_arg(oa, ok, 0, "length")
        nl = None if nn in _UNBOUNDED else _int_arg(na, nk, 0, "length")
        if nl is not None and (ol is None or nl < ol):
            return ("narrowing", f"values longer than {nl} characters are truncated or rejected")
        return ("widening", None)
    if nn in _STRINGS:
        nl = None if nn in _UNBOUNDED else _int_arg(na, nk, 0, "length")
        if nl is None:
            return ("widening", None)
        return ("conversion", f"{old} values must fit in {nl} characters as text")
    if on in _INTEGERS and nn in _INTEGERS:
        if _INTEGERS[nn] < _INTEGERS[on]:
            return ("narrowing", f"values outside the range of {new} are rejected")
        return ("widening", None)
    if on in _INTEGERS and (nn in _DECIMALS or nn in _FLOATS):
        return ("widening", None)
    if on in _DECIMALS and nn in _DECIMALS:
        op_, os_ = _int_arg(oa, ok, 0, "precision"), _int_arg(oa, ok, 1, "scale")
        np_, ns_ = _int_arg(na, nk, 0, "precision"), _int_arg(na, nk, 1, "scale")
        if np_ is not None and (op_ is None or np_ < op_):
            return ("narrowing", f"values needing more than {np_} digits are rejected")
        if ns_ is not None and (os_ is None or ns_ < os_):
            return ("narrowing", f"digits after the {ns_}th decimal place are rounded away")
        return ("widening", None)
    if (on in _DECIMALS or on in _FLOATS) and nn in _INTEGERS:
        return ("narrowing", "fractional parts are rounded away")
    if on in _FLOATS and nn in _FLOATS:
        return ("widening", None)
    if on == "DateTime" and nn == "Date":
        return ("narrowing", "the time of day is lost")
    if on == "DateTime" and nn == "DateTime":
        if ok.get("timezone") == "True" and nk.get("timezone") != "True":
            return ("narrowing", "the time zone offset is lost")
        return ("widening", None)
    if on == "Date" and nn == "DateTime":
        return ("widening", None)
    return ("conversion", f"existing {old} values must convert to {new}")


@rule("R003", Severity.DANGER, O.AlterColumnType)
def _narrow_type(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A column type is narrowed: values may be truncated or rejected."""
    kind, why = classify_type_change(
        op.old_type, op.new_type, dialects=[t.name for t in ctx.plan.targets]
    )
    if kind == "narrowing":
        yield (
            f"narrowing {_col(op.table_key, op.column)} from {op.old_type} to {op.new_type}: {why}",
            "check the longest/largest existing value first, or add a new column and copy",
        )


@rule("R011", Severity.WARNING, O.AlterColumnType)
def _convert_type(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A column type changes to an unrelated type: values must convert."""
    if op.using:  # the snapshot declares the conversion (a column's using:)
        return
    kind, why = classify_type_change(
        op.old_type, op.new_type, dialects=[t.name for t in ctx.plan.targets]
    )
    if kind == "conversion":
        yield (
            f"changing {_col(op.table_key, op.column)} from {op.old_type} to {op.new_type}: {why}",
            "make sure every value converts (PostgreSQL may need a USING clause), "
            "or add a new column, copy, and drop the old one",
        )


@rule("R004", Severity.DANGER, O.AddColumn, O.AlterColumnNullable)
def _not_null(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """NOT NULL on an existing table without a server default or a backfill."""
    if _is_new(op, ctx):
        return
    column = op.column if isinstance(op, O.AddColumn) else getattr(op, "column_def", None)
    name = _col(op.table_key, op.column)
    if (op.table_key, _col_name(op.column)) in ctx.backfilled:
        return
    if isinstance(op, O.AddColumn):
        if column.nullable or column.server_default is not None:
            return
        yield (
            f"adding NOT NULL column {name} without a server default fails on a table with rows",
            f"give {name} a server_default, or a backfill: SQL that fills existing rows",
        )
    else:
        if op.nullable:
            return
        if (op.table_key, op.column) in ctx.added:
            yield (
                f"adding NOT NULL column {name} without a server default or a backfill "
                "fails on a table with rows",
                f"give {name} a server_default, or backfill: SQL that fills existing rows",
            )
            return
        yield (
            f"making {name} NOT NULL fails if any existing row holds NULL",
            f"add backfill: SQL to {name} so existing NULLs are filled first",
        )


@rule("R005", Severity.WARNING, O.AddUnique, O.CreateIndex)
def _unique(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A unique constraint or unique index is added to an existing table."""
    if _is_new(op, ctx):
        return
    if isinstance(op, O.CreateIndex):
        if not op.index.unique:
            return
        obj, cols = f"unique index {op.index.name}", op.index.columns
    else:
        obj, cols = f"unique constraint {op.unique.name}", op.unique.columns
    if _all_null(op.table_key, cols, ctx):
        return  # new columns hold only NULLs, which never collide
    table = table_key_str(op.table_key)
    yield (
        f"adding {obj} on {table} ({', '.join(cols)}) fails if existing rows hold duplicates",
        f"look for duplicates first: SELECT {', '.join(cols)} FROM {table} "
        f"GROUP BY {', '.join(cols)} HAVING count(*) > 1",
    )


@rule("R006", Severity.WARNING, O.AddCheck)
def _check(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A check constraint is added to an existing table."""
    if _is_new(op, ctx):
        return
    table = table_key_str(op.table_key)
    yield (
        f"adding check constraint {op.check.name} on {table} fails if an existing row "
        f"violates {op.check.sqltext}",
        f"look for violations first: SELECT * FROM {table} WHERE NOT ({op.check.sqltext})",
    )


@rule("R007", Severity.WARNING, O.RenameTable, O.RenameColumn)
def _rename(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A table or column is renamed: running application code breaks."""
    if isinstance(op, O.RenameTable):
        old, new = table_key_str(op.old_key), op.new_name
        what = "table"
    else:
        old, new = _col(op.table_key, op.old), op.new
        what = "column"
    yield (
        f"renaming {what} {old} to {new} breaks application code that still uses the old name",
        "deploy the application that uses the new name together with this migration, "
        "or add the new name first and drop the old one a release later",
    )


@rule("R008", Severity.DANGER, O.RebuildEnum)
def _enum_values_removed(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """Enum values are removed: rows holding them cannot convert."""
    removed = [v for v in op.old_values if v not in op.new_values]
    if not removed:
        return
    cols = ", ".join(_col((s, t), c) for s, t, c in op.columns) or "its columns"
    yield (
        f"removing value(s) {', '.join(removed)} from enum {op.enum_name}: rows of {cols} "
        "holding them make the migration fail",
        "update those rows to a remaining value first (a data migration), then remove the value",
    )


@rule("R009", Severity.WARNING, O.DeleteRows)
def _referenced_row(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A managed row is deleted from a table that other tables reference."""
    referrers = ctx.referenced_by.get(op.table_key)
    if not referrers or op.table_key in ctx.cascades or op.mode == "seed":
        return  # R014 tells of the cascades
    table = table_key_str(op.table_key)
    verb = "references" if len(referrers) == 1 else "reference"
    yield (
        f"deleting {_n_rows(op)} of {table}, which {', '.join(referrers)} {verb}: "
        "the delete fails, or cascades, where other rows point at them",
        f"before releasing, check that no rows reference them, or keep them in {table}",
    )


def _n_rows(op) -> str:
    n = len(op.rows)
    return "1 managed row" if n == 1 else f"{n} managed rows"


def _cascade_text(ctx: LintContext, key: TableKey) -> str:
    parts = []
    for child, fk, action in ctx.cascades[key]:
        effect = "deletes" if action == "CASCADE" else f"sets {action[4:]} in"
        parts.append(f"{fk} (ON DELETE {action}) {effect} the rows of {child} that point at them")
    return "; ".join(parts)


@rule("R014", Severity.DANGER, O.DeleteRows, O.InsertRows)
def _cascading_delete(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A managed-row delete cascades or sets NULL in other rows, users' rows included."""
    if op.table_key not in ctx.cascades or op.mode == "seed":  # seed rows stay
        return
    table = table_key_str(op.table_key)
    if isinstance(op, O.InsertRows):
        if _is_new(op, ctx):
            return
        what = f"the downgrade deletes the {_n_rows(op)} this release inserts into {table}"
    else:
        what = f"deleting {_n_rows(op)} of {table}"
    fks = ", ".join(sorted({fk for _, fk, _ in ctx.cascades[op.table_key]}))
    yield (
        f"{what}; {_cascade_text(ctx, op.table_key)}, users' rows included",
        f"repoint or delete those rows first, or make {fks} ON DELETE RESTRICT (the delete then "
        "fails instead); generate refuses this without --allow-destructive",
    )


@rule("R015", Severity.WARNING, O.InsertRows)
def _downgrade_deletes_referenced(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """The downgrade deletes managed rows from a table other tables reference."""
    referrers = ctx.referenced_by.get(op.table_key)
    if not referrers or op.table_key in ctx.cascades or _is_new(op, ctx) or op.mode == "seed":
        return
    table = table_key_str(op.table_key)
    verb = "references" if len(referrers) == 1 else "reference"
    yield (
        f"the downgrade deletes the {_n_rows(op)} this release inserts into {table}, which "
        f"{', '.join(referrers)} {verb}: the downgrade fails where other rows point at them",
        "before downgrading, repoint or delete the rows that reference them; generate refuses "
        "this without --allow-destructive",
    )


@rule("R010", Severity.WARNING, O.CreateIndex)
def _index_concurrently(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """An index is built on an existing table without CONCURRENTLY (PostgreSQL)."""
    if _is_new(op, ctx):
        return
    table = table_key_str(op.table_key)
    yield (
        f"building index {op.index.name} on existing table {table} blocks writes "
        "until it is built (PostgreSQL)",
        "on a large table, create it with postgresql_concurrently=True in a revision of its own "
        "outside a transaction (op.get_context().autocommit_block())",
    )


@rule("R012", Severity.WARNING, O.AddForeignKey)
def _foreign_key(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A foreign key is added to an existing table: orphan rows make it fail."""
    if _is_new(op, ctx) or _all_null(op.table_key, op.fk.columns, ctx):
        return
    table = table_key_str(op.table_key)
    ref = table_key_str(op.fk.ref_key)
    cols = ", ".join(op.fk.columns)
    yield (
        f"adding foreign key {op.fk.name} on {table} ({cols}) fails if existing rows point "
        f"at missing rows of {ref}",
        f"look for orphans first: rows of {table} whose ({cols}) has no match in {ref}",
    )


#: table names InnoDB cannot resolve as a foreign key's target, in any case and on every
#: OS (it maps them to Windows device file names): errno 150 "Foreign key constraint is
#: incorrectly formed" (MariaDB 10.11, tests/cases/convergence/mysql_fk_to_device_name_table)
DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)


@rule("R013", Severity.WARNING, O.AddForeignKey, O.CreateTable)
def _device_name_target(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A foreign key references a table MariaDB/MySQL cannot reference (its own op, or
    folded into its new table's CreateTable)."""
    for fk in op.table.foreign_keys if isinstance(op, O.CreateTable) else (op.fk,):
        if fk.ref_table.lower() not in DEVICE_NAMES:
            continue
        yield (
            f"foreign key {fk.name} references table {table_key_str(fk.ref_key)}: MariaDB and "
            "MySQL (InnoDB) cannot create a foreign key to a table named like a Windows device "
            "(CON, PRN, AUX, NUL, COM1-9, LPT1-9; errno 150)",
            f"rename {table_key_str(fk.ref_key)} (renamed_from) if the database is MariaDB or MySQL",
        )


def _set_null_on_not_null(table, fks) -> Iterator[tuple[str, str]]:
    for fk in fks:
        actions = [a for a in ("ondelete", "onupdate") if getattr(fk, a) == "SET NULL"]
        cols = [c for c in fk.columns if table.has_column(c) and not table.column(c).nullable]
        if not actions or not cols:
            continue
        on = " and ".join(f"ON {a[2:].upper()}" for a in actions)
        yield (
            f"foreign key {fk.name} of {table.qualified_name} is {on} SET NULL, but "
            f"{', '.join(cols)} {'is' if len(cols) == 1 else 'are'} NOT NULL: the action fails "
            "whenever it fires (PostgreSQL and SQLite create the key; MariaDB and MySQL refuse "
            "it, errno 150)",
            f"make {', '.join(cols)} nullable, or choose another action (RESTRICT, CASCADE)",
        )


@rule("R016", Severity.WARNING, O.CreateTable, O.AddForeignKey, O.AlterColumnNullable)
def _set_null_not_null(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """ON DELETE/ON UPDATE SET NULL on a NOT NULL column: the action always fails."""
    if isinstance(op, O.CreateTable):
        yield from _set_null_on_not_null(op.table, op.table.foreign_keys)
        return
    table = ctx.plan.new.get_table(op.table_key)
    if table is None:
        return
    if isinstance(op, O.AddForeignKey):
        yield from _set_null_on_not_null(table, (op.fk,))
    elif not op.nullable:
        fks = [fk for fk in table.foreign_keys if op.column in fk.columns]
        yield from _set_null_on_not_null(table, fks)


@rule("R017", Severity.WARNING, O.CreateTable, O.DropColumn)
def _zero_column_table(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A table without columns: PostgreSQL holds one, MariaDB/MySQL and SQLite refuse it."""
    refusing = [d.label for d in ctx.plan.targets if not d.allows_zero_column_tables]
    table = op.table if isinstance(op, O.CreateTable) else ctx.plan.new.get_table(op.table_key)
    if not refusing or table is None or table.columns or table.partition_of is not None:
        return  # a partition's columns are its parent's
    yield (
        f"table {table.qualified_name} has no columns: {' and '.join(refusing)} refuse a "
        "table without columns (PostgreSQL holds one)",
        "give it a column, or drop those targets from [tool.dbplan] dialects",
    )


@rule("R018", Severity.WARNING, O.InsertRows)
def _explicit_ids(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """Managed rows with explicit database-numbered ids go into an existing table: a row
    users inserted since the previous release may hold one of the ids."""
    from planner.diff import owns_sequence

    table = ctx.plan.new.get_table(op.table_key)
    if _is_new(op, ctx) or table is None:
        return
    serial = [c for c in table.columns if owns_sequence(table, c)]
    ids = [dict(r)[c.name] for c in serial for r in op.rows if dict(r).get(c.name) is not None]
    if not ids:
        return
    name = table_key_str(op.table_key)
    shown = ", ".join(repr(i) for i in ids[:5]) + (", ..." if len(ids) > 5 else "")
    yield (
        f"{_n_rows(op)} inserted into {name} {'declares' if len(op.rows) == 1 else 'declare'} "
        f"{serial[0].name} {shown}, numbered by the "
        "database for users' rows too: a user's row may already hold it (the revision then "
        "stops before changing anything)",
        f"declare the rows without {serial[0].name}, keyed by a natural key (rows.key), so "
        "the database numbers them",
    )


from planner import lint_rows as _lint_rows  # noqa: E402, F401 - registers the row-mode rules
from planner import lint_steps  # noqa: E402, F401, I001 - registers R019, R020, R021
from planner import lint_views as _lint_views  # noqa: E402, F401, I001 - registers R031
