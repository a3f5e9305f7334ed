"""``dbplan verify --data FILE``: users' rows proved through every revision, up and down.

FILE holds rows for the first verified release, as YAML (``{table: [{column: value}]}``,
read by :func:`planner.state.reader.parse_yaml`: safe, duplicate keys refused, every
problem with file:line:column) or as SQL (``INSERT`` statements, run as written); see
:mod:`planner.runtime.verify_data_file`. They are loaded into the scratch database at
that release; the rows the load added are the users' rows, identified by primary key.

After every upgrade the rows are read back and compared with what the revision's plan
(:func:`planner.plan.make_plan` between the two releases) allows:

* a renamed table or column is followed;
* a table or column the plan drops (a gated drop) stops being compared;
* a column whose type the plan changes compares by meaning (:func:`same_value`:
  numbers numerically, everything else by its text), and from then on exactly;
* a column an operation writes (an op's ``writes``: ``((table, column-or-None), ...)``,
  ``None`` for every column; a ``backfill`` and a type change's ``using`` write their
  column) may change;
* an enum value rename expects the new label where the rows held the old one.

Anything else that changed is a difference: the table, the primary key, the column,
before and after. A data step's ``guard`` (the "work remains" query, ``(dialect, sql)``
pairs as :class:`~planner.ops.steps.RunDataStep` keeps them) must return no rows after
its revision (:func:`guard_of`); the values a step moves into another table must arrive
there, and the data file's ``expect:`` rows must exist (:mod:`planner.runtime.verify_data_moves`).

After every downgrade the rows are compared with what they were at that release; values
that cannot return (a dropped column or table re-created, a column written by a step)
are notes, not differences.
"""

from __future__ import annotations

import dataclasses
import decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.runtime.errors import MigrationError
from planner.runtime.verify_data_file import read_expected, read_yaml, split_sql
from planner.runtime.verify_data_moves import left_behind

if TYPE_CHECKING:
    from planner.project import Project
    from planner.state.model import Snapshot

__all__ = ["DataProof", "DataResult", "DataStep", "RowChange", "data_document", "same_value"]

TableKey = tuple  # (schema, name)


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RowChange:
    """One user row or value that changed where no operation allows it."""

    table: str
    #: the primary key, ``id=3``
    key: str
    #: ``None``: the whole row is missing
    column: str | None
    before: Any
    after: Any
    direction: str
    revision: str | None
    #: the revision changes the column's type, and the conversion lost the value
    retyped: bool = False

    @property
    def message(self) -> str:
        where = f"{self.table}: user row ({self.key})"
        if self.direction == "downgrade":
            if self.column is None:
                return f"{where} did not return after the downgrade of revision {self.revision}"
            return (
                f"{where}: {self.column} did not return: was {_show(self.before)}, "
                f"now {_show(self.after)}"
            )
        if self.column is None:
            return f"{where} missing: no operation of revision {self.revision} deletes it"
        if self.retyped:
            return (
                f"{where}: {self.column} was {_show(self.before)}, now {_show(self.after)}: "
                f"the type change of revision {self.revision} does not keep the value"
            )
        return (
            f"{where}: {self.column} was {_show(self.before)}, now {_show(self.after)}: "
            f"no operation of revision {self.revision} changes it"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DataStep:
    direction: str
    revision: str | None
    release: str | None
    #: user rows compared after the step
    rows: int = 0
    changes: tuple[RowChange, ...] = ()
    #: what was allowed to change or cannot return (never a difference)
    notes: tuple[str, ...] = ()
    #: data steps whose guard ("work remains") still returns rows after the upgrade
    left_behind: tuple[str, ...] = ()
    #: values a data step moved that did not arrive, expected rows not found
    #: (:mod:`planner.runtime.verify_data_moves`)
    missing: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        return [c.message for c in self.changes] + list(self.left_behind) + list(self.missing)


@dataclass(frozen=True, slots=True, kw_only=True)
class DataResult:
    file: str
    #: the release the rows were loaded at
    release: str | None
    #: user rows loaded, per table
    loaded: tuple[tuple[str, int], ...] = ()
    steps: tuple[DataStep, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(s.lines for s in self.steps)


def _show(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool | int | float | decimal.Decimal):
        return str(value)
    return repr(str(value))


def show_value(value: Any) -> str | None:
    """A value as JSON output shows it: ``None`` for NULL, else its text."""
    return None if value is None else str(value)


# ---------------------------------------------------------------------------
# comparing values
# ---------------------------------------------------------------------------


def same_value(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` mean the same value across a type change.

    Numbers compare numerically, everything else by its text (a date and
    ``'2024-01-31'``); NULL equals only NULL.

    Example:
        >>> import datetime, decimal
        >>> same_value(5, decimal.Decimal("5.00")), same_value(5, "5"), same_value(datetime.date(2024, 1, 31), "2024-01-31")
        (True, True, True)
        >>> same_value("abcdef", "abc"), same_value(None, ""), same_value(1.5, "1.50")
        (False, False, True)
    """
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    da, db = _number(a), _number(b)
    if da is not None and db is not None:
        return da == db
    return str(a).strip() == str(b).strip()


def _number(v: Any) -> decimal.Decimal | None:
    if isinstance(v, bool):
        return decimal.Decimal(int(v))
    try:
        d = decimal.Decimal(str(v).strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _norm(values: tuple) -> tuple:
    """A primary key as row identity: by text (it survives a key column's type change)."""
    return tuple(None if v is None else str(v) for v in values)


# ---------------------------------------------------------------------------
# the database side
# ---------------------------------------------------------------------------


def _engine(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _table(key: TableKey, columns, values: dict | None = None):
    """A lightweight table of ``columns``; a column whose value in ``values`` is a mapping
    or a list binds it as JSON (every other value goes to the driver as it is)."""
    import sqlalchemy as sa

    def typed(c: str):
        v = (values or {}).get(c)
        return sa.JSON() if isinstance(v, dict | list) else None

    return sa.table(key[1], *(sa.column(c, typed(c)) for c in columns), schema=key[0])


def _read(url: str, key: TableKey, key_cols: tuple[str, ...], cols: tuple[str, ...]) -> dict:
    """``{normalised key: {column: value}}`` of every row of a table (``cols`` read)."""
    import sqlalchemy as sa

    names = tuple(dict.fromkeys((*key_cols, *cols)))
    t = _table(key, names)
    eng = _engine(url)
    try:
        with eng.connect() as c:
            result = c.execute(sa.select(*(t.c[n] for n in names)))
            out = {}
            for r in result:
                d = dict(zip(names, r, strict=True))
                out[_norm(tuple(d[k] for k in key_cols))] = d
            return out
    finally:
        eng.dispose()


# ---------------------------------------------------------------------------
# expected state
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Tracked:
    """The users' rows of one table, by the names the table has at a release."""

    #: stable identity across renames: the table's name at the loaded release
    origin: str
    key_cols: tuple[str, ...]
    #: column name now -> its name at the loaded release (identity across renames)
    columns: dict[str, str]
    #: normalised key -> {column name now: value}
    rows: dict[tuple, dict[str, Any]] = field(default_factory=dict)

    def copy(self) -> _Tracked:
        return _Tracked(
            origin=self.origin,
            key_cols=self.key_cols,
            columns=dict(self.columns),
            rows={k: dict(v) for k, v in self.rows.items()},
        )


State = dict  # TableKey -> _Tracked


@dataclass(slots=True)
class _Allow:
    """What one revision's plan lets change, by (origin table, origin column)."""

    dropped_tables: set = field(default_factory=set)
    dropped_columns: set = field(default_factory=set)
    retyped: set = field(default_factory=set)
    #: (origin, column) written; (origin, None): every column, and rows may go
    written: set = field(default_factory=set)
    notes: list = field(default_factory=list)


def writes_of(op) -> tuple[tuple[Any, str | None], ...]:
    """What ``op`` writes in existing rows: its ``writes`` attribute (data steps), and the
    column a ``backfill`` fills.

    Example:
        >>> from planner.ops import BackfillColumn
        >>> writes_of(BackfillColumn(table_key=(None, "sites"), column="kind", sql="'x'"))
        (((None, 'sites'), 'kind'),)
    """
    found = getattr(op, "writes", None)
    if found:
        return tuple((_as_key(t), c) for t, c in found)
    if op.kind == "backfill_column":
        return ((op.table_key, op.column),)
    if op.kind == "alter_column_type" and getattr(op, "using", ()):
        return ((op.table_key, op.column),)  # the declared conversion rewrites the values
    return ()


def _as_key(table: Any) -> TableKey:
    if isinstance(table, tuple):
        return table
    schema, _, name = str(table).rpartition(".")
    return (schema or None, name)


def _advance(state: State, ops, revision: str | None) -> tuple[State, _Allow]:
    """``state`` after the plan's ``ops`` (renames followed, drops removed) and what the
    revision allows to change."""
    new = {k: v.copy() for k, v in state.items()}
    allow = _Allow()
    for op in ops:
        kind = op.kind
        if kind == "rename_table" and op.old_key in new:
            new[op.new_key] = new.pop(op.old_key)
        elif kind == "rename_column" and op.table_key in new:
            t = new[op.table_key]
            if op.old in t.columns:
                t.columns[op.new] = t.columns.pop(op.old)
                t.key_cols = tuple(op.new if c == op.old else c for c in t.key_cols)
                for r in t.rows.values():
                    r[op.new] = r.pop(op.old)
        elif kind == "drop_table" and op.table.key in new:
            t = new.pop(op.table.key)
            allow.dropped_tables.add(t.origin)
            allow.notes.append(
                f"{op.table.qualified_name}: dropped by revision {revision}: "
                f"{len(t.rows)} user row(s) no longer compared"
            )
        elif kind == "drop_column" and op.table_key in new:
            t = new[op.table_key]
            name = op.column.name
            if name in t.key_cols:
                del new[op.table_key]
                allow.dropped_tables.add(t.origin)
                allow.notes.append(
                    f"{_qn(op.table_key)}: primary key column {name} dropped by revision "
                    f"{revision}: its user rows no longer compared"
                )
            elif name in t.columns:
                allow.dropped_columns.add((t.origin, t.columns.pop(name)))
                for r in t.rows.values():
                    r.pop(name, None)
                allow.notes.append(
                    f"{_qn(op.table_key)}.{name}: dropped by revision {revision}: "
                    "its values no longer compared"
                )
        elif kind == "alter_column_type" and op.table_key in new:
            t = new[op.table_key]
            if op.column in t.columns:
                allow.retyped.add((t.origin, t.columns[op.column]))
        elif kind == "rename_enum_value":
            _rename_values(new, op, allow, revision)
        for tkey, col in writes_of(op):
            t = new.get(tkey)
            if t is None:
                continue
            if col is None:
                allow.written.add((t.origin, None))
            elif col in t.columns:
                allow.written.add((t.origin, t.columns[col]))
            else:
                continue
            allow.notes.append(
                f"{_qn(tkey)}{'' if col is None else '.' + col}: written by "
                f"{op.describe()} (revision {revision})"
            )
    return new, allow


def _rename_values(state: State, op, allow: _Allow, revision: str | None) -> None:
    """An enum value rename: the users' rows holding the old label are expected to hold
    the new one (exactly: every other value stays)."""
    for schema, table, col in op.columns:
        t = state.get((schema, table))
        if t is None or col not in t.columns:
            continue
        n = 0
        for r in t.rows.values():
            if r.get(col) == op.old:
                r[col] = op.new
                n += 1
        allow.notes.append(
            f"{_qn((schema, table))}.{col}: {n} user value(s) {op.old!r} expected as "
            f"{op.new!r} ({op.describe()}, revision {revision})"
        )


def _qn(key: TableKey) -> str:
    from planner.state.model import table_key_str

    return table_key_str(key)


# ---------------------------------------------------------------------------
# the proof
# ---------------------------------------------------------------------------


class DataProof:
    """Users' rows through one verify run: :meth:`prepare` (read and check the file),
    :meth:`load` (after the first move), :meth:`after` (after every later move)."""

    def __init__(self, project: Project, path: Path, display: str, moves: list) -> None:
        self.project = project
        self.path = path
        self.file = display
        self.moves = moves
        self.release: str | None = moves[0][2] if moves else None
        self.rows: list = []
        #: the data file's ``expect:`` rows (:func:`read_expected`)
        self.expected: list = []
        self.sql: list[tuple[int, str]] = []
        self.snapshots: dict[str, Snapshot] = {}
        #: expected state at each upgrade position (0: the loaded release)
        self.states: list[State] = []
        self.allows: list[_Allow] = []
        #: downgrade: values already reported as not returned (cell -> value)
        self.known: dict[tuple, Any] = {}
        #: releases whose expected rows were checked
        self.checked: set = set()
        self.steps: list[DataStep] = []
        self.loaded: dict[str, int] = {}
        self.position = 0

    # ----------------------------------------------------------------- reading
    @classmethod
    def prepare(cls, project: Project, data: str | Path, moves: list) -> DataProof:
        path = Path(data)
        proof = cls(project, path, str(data), moves)
        if proof.release is None or proof._snapshot(proof.release) is None:
            raise MigrationError(
                f"--data {data}: the first verified release has no snapshot to check the "
                "rows against"
            )
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise MigrationError(f"--data {data}: cannot read: {e.strerror or e}") from None
        if path.suffix.lower() == ".sql":
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise MigrationError(f"{data}: not UTF-8 (byte {e.start})") from None
            proof.sql = split_sql(text)
            for line, stmt in proof.sql:
                if stmt.split(None, 1)[0].upper() != "INSERT":
                    raise MigrationError(
                        f"{data}:{line}:1: expected an INSERT statement, found "
                        f"{stmt.split(None, 1)[0]!r} (a data file holds users' rows only)"
                    )
        else:
            proof.rows = read_yaml(raw, proof.file, proof._snapshot(proof.release))
            later = [rel for d, _, rel in moves[1:] if d == "upgrade" and rel is not None]
            proof.expected = read_expected(raw, proof.file, proof._snapshot, later)
        return proof

    def _snapshot(self, release: str | None) -> Snapshot | None:
        from planner.state import yamlio

        if release is None:
            return None
        if release not in self.snapshots:
            files = self.project.snapshot_files()
            if release not in files:
                return None
            self.snapshots[release] = yamlio.load_snapshot(files[release])
        return self.snapshots[release]

    # ----------------------------------------------------------------- loading
    def load(self, url: str) -> None:
        """Insert the rows into the database at the first release; remember them."""
        import sqlalchemy as sa

        snap = self._snapshot(self.release)
        assert snap is not None
        tables = [t for t in snap.tables if t.primary_key is not None]
        shape = {t.key: (t.primary_key.columns, tuple(c.name for c in t.columns)) for t in tables}
        before = {k: set(_read(url, k, kc, ())) for k, (kc, _) in shape.items()}
        eng = _engine(url)
        try:
            with eng.begin() as c:
                for row in self.rows:
                    t = _table(row.table, row.values, row.values)
                    try:
                        c.execute(sa.insert(t).values(row.values))
                    except sa.exc.DBAPIError as e:
                        raise MigrationError(
                            f"{self.file}:{row.line}:{row.col}: row of {_qn(row.table)} "
                            f"not loaded: {_first_line(e)}"
                        ) from None
                for line, stmt in self.sql:
                    cur = c.connection.cursor()
                    try:
                        cur.execute(stmt)
                    except Exception as e:  # noqa: BLE001 - the driver's error, with its line
                        raise MigrationError(
                            f"{self.file}:{line}:1: statement failed: {_first_line(e)}"
                        ) from None
                    finally:
                        cur.close()
        finally:
            eng.dispose()
        state: State = {}
        for key, (kc, cols) in shape.items():
            got = _read(url, key, kc, cols)
            new = {k: v for k, v in got.items() if k not in before[key]}
            if not new:
                continue
            t = _Tracked(origin=_qn(key), key_cols=kc, columns={c: c for c in cols}, rows=new)
            state[key] = t
            self.loaded[_qn(key)] = len(new)
        self.states = [state]
        self.allows = [_Allow()]
        self.steps.append(
            DataStep(
                direction=self.moves[0][0],
                revision=self.moves[0][1],
                release=self.release,
                rows=sum(len(t.rows) for t in state.values()),
                notes=(f"loaded {sum(self.loaded.values())} user row(s) from {self.file}",),
            )
        )

    # ----------------------------------------------------------------- checking
    def after(self, index: int, url: str) -> list[str]:
        """After move ``index`` of the verify: the differences, one line each."""
        direction, rev, rel = self.moves[index]
        if index == 0:
            self.load(url)
            return []
        if direction == "upgrade":
            step = self._upgrade(rev, rel, url)
        elif rev is None and direction == "downgrade":
            return []  # base: no tables, nothing to compare
        else:
            step = self._downgrade(rev, rel, url)
        self.steps.append(step)
        return step.lines

    def _plan_ops(self, old_rel: str | None, new_rel: str | None):
        from planner.plan import make_plan

        old, new = self._snapshot(old_rel), self._snapshot(new_rel)
        if old is None or new is None:
            return None
        return make_plan(old, new, targets=self.project.targets).ops

    def _upgrade(self, rev: str | None, rel: str | None, url: str) -> DataStep:
        prev = self.states[self.position]
        prev_rel = self.moves[self.position][2]
        ops = self._plan_ops(prev_rel, rel)
        notes: list[str] = []
        if ops is None:
            ops = ()
            notes.append(
                f"revision {rev}: no snapshot for both of its releases; rows compared "
                "by the names they had"
            )
        expected, allow = _advance(prev, ops, rev)
        notes += allow.notes
        changes: list[RowChange] = []
        count = 0
        for key, t in expected.items():
            got = _read(url, key, t.key_cols, tuple(t.columns))
            whole = (t.origin, None) in allow.written
            for k, row in list(t.rows.items()):
                count += 1
                have = got.get(k)
                if have is None:
                    if not whole:
                        changes.append(self._change(key, t, row, None, None, "upgrade", rev))
                    del t.rows[k]
                    continue
                for col, value in row.items():
                    now = have.get(col)
                    ident = (t.origin, t.columns.get(col, col))
                    if whole or ident in allow.written:
                        pass
                    elif ident in allow.retyped:
                        if not same_value(value, now):
                            change = self._change(key, t, row, col, now, "upgrade", rev, value)
                            changes.append(dataclasses.replace(change, retyped=True))
                    elif value != now:
                        changes.append(self._change(key, t, row, col, now, "upgrade", rev, value))
                    row[col] = now  # each change reported once, where it happens
        left = tuple(left_behind(url, ops, rev, notes))
        missing = self._missing(prev, ops, allow, url, rev, rel)
        self.states.append(expected)
        self.allows.append(allow)
        self.position += 1
        return DataStep(
            direction="upgrade",
            revision=rev,
            release=rel,
            rows=count,
            changes=tuple(changes),
            notes=tuple(notes),
            left_behind=left,
            missing=tuple(missing),
        )

    def _missing(self, prev: State, ops, allow: _Allow, url: str, rev, rel) -> list[str]:
        """Moved values that did not arrive; expected rows of ``rel`` not found (the
        first upgrade to it only)."""
        from planner.runtime.verify_data_moves import check_expected, check_moved

        out = []
        new = self._snapshot(rel)
        if new is not None:
            out += check_moved(prev, ops, allow, url, new, rev)
        if rel not in self.checked:
            self.checked.add(rel)
            out += check_expected(self.expected, rel, url, rev)
        return out

    def _downgrade(self, rev: str | None, rel: str | None, url: str) -> DataStep:
        # downgrading position p (the revision above) to p - 1
        undone = self.allows[self.position]
        undone_rev = self.moves[self.position][1]
        self.position -= 1
        expected = self.states[self.position]
        changes: list[RowChange] = []
        notes: list[str] = []
        count = 0
        #: (table, column, why) -> user values that did not come back, allowed
        lost: dict[tuple[str, str, str], int] = {}
        for key, t in expected.items():
            try:
                got = _read(url, key, t.key_cols, tuple(t.columns))
            except Exception:  # noqa: BLE001 - the table is not there: every row is missing
                got = {}
            lost_table = t.origin in undone.dropped_tables or (t.origin, None) in undone.written
            gone = 0
            for k, row in t.rows.items():
                count += 1
                have = got.get(k)
                cell = (t.origin, k, None)
                if have is None:
                    if lost_table:
                        gone += 1
                    elif self.known.get(cell, 0) is not None:
                        changes.append(
                            self._change(key, t, row, None, None, "downgrade", undone_rev)
                        )
                    self.known[cell] = None
                    continue
                for col, value in row.items():
                    now = have.get(col)
                    ident = (t.origin, t.columns.get(col, col))
                    cell = (t.origin, k, ident[1])
                    if ident in undone.retyped and same_value(value, now) or value == now:
                        continue
                    if self.known.get(cell, object()) == now:
                        continue  # reported by an earlier downgrade
                    self.known[cell] = now
                    why = None
                    if ident in undone.dropped_columns:
                        why = "dropped"
                    elif ident in undone.written or (t.origin, None) in undone.written:
                        why = "written"
                    if why is not None:
                        lost[(_qn(key), col, why)] = lost.get((_qn(key), col, why), 0) + 1
                        continue
                    changes.append(
                        self._change(key, t, row, col, now, "downgrade", undone_rev, value)
                    )
            if gone:
                notes.append(
                    f"{_qn(key)}: {gone} user row(s) cannot return: the table was dropped "
                    f"or rewritten by revision {undone_rev}"
                )
            for col, origin_col in t.columns.items():
                if (t.origin, origin_col) in undone.dropped_columns and not any(
                    k[:2] == (_qn(key), col) for k in lost
                ):
                    notes.append(
                        f"{_qn(key)}.{col}: dropped by revision {undone_rev}, and every user "
                        "value returned with the downgrade"
                    )
        for (table, col, why), n in sorted(lost.items()):
            if why == "dropped":
                notes.append(
                    f"{table}.{col}: {n} user value(s) cannot return: the column was dropped "
                    f"by revision {undone_rev} (the downgrade re-adds it empty or with its "
                    "default)"
                )
            else:
                notes.append(
                    f"{table}.{col}: {n} user value(s) not restored by the downgrade of "
                    f"revision {undone_rev}, which writes the column (not a difference)"
                )
        return DataStep(
            direction="downgrade",
            revision=rev,
            release=rel,
            rows=count,
            changes=tuple(changes),
            notes=tuple(notes),
        )

    def _change(self, key, t: _Tracked, row, col, now, direction, rev, before=None) -> RowChange:
        from planner.runtime.managed_rows import key_text

        return RowChange(
            table=_qn(key),
            key=key_text(t.key_cols, tuple(row.get(c) for c in t.key_cols)),
            column=col,
            before=before if col is not None else None,
            after=now,
            direction=direction,
            revision=rev,
        )

    def result(self) -> DataResult:
        return DataResult(
            file=self.file,
            release=self.release,
            loaded=tuple(sorted(self.loaded.items())),
            steps=tuple(self.steps),
        )


def guard_of(op, dialect: str) -> str | None:
    """The "work remains" query of a data step on ``dialect``: its ``guard`` attribute
    (:class:`~planner.ops.steps.RunDataStep` keeps ``(dialect, sql)`` pairs, ``*`` for
    every database; see :func:`~planner.runtime.verify_data_moves.guard_sql`); None without.

    Example:
        >>> from planner.ops import BackfillColumn
        >>> guard_of(BackfillColumn(table_key=(None, "t"), column="c", sql="1"), "sqlite") is None
        True
    """
    from planner.runtime.verify_data_moves import guard_sql

    return guard_sql(getattr(op, "guard", None), dialect)


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip().splitlines()
    return text[0] if text else type(e).__name__


def data_document(result: DataResult | None) -> dict | None:
    """The ``data`` member of ``dbplan verify --format json``."""
    if result is None:
        return None
    return {
        "file": result.file,
        "release": result.release,
        "ok": result.ok,
        "loaded": {t: n for t, n in result.loaded},
        "steps": [
            {
                "direction": s.direction,
                "revision": s.revision,
                "release": s.release,
                "rows": s.rows,
                "changes": [
                    {
                        "table": c.table,
                        "key": c.key,
                        "column": c.column,
                        "before": show_value(c.before),
                        "after": show_value(c.after),
                        "message": c.message,
                    }
                    for c in s.changes
                ],
                "notes": list(s.notes),
                "left_behind": list(s.left_behind),
                "missing": list(s.missing),
            }
            for s in result.steps
        ],
    }
