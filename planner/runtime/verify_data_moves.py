"""``verify --data``: the users' values a data step moves, proved to arrive.

Two proofs, after the upgrade of each revision (:class:`planner.runtime.verify_data.DataProof`):

* **moved values** (automatic): a data step that reads a column of a table holding
  users' rows, where the same revision drops that column (or its table), and writes
  columns of *another* table, moves those values: every user's non-NULL value of the
  read column must be found, by meaning (:func:`~planner.runtime.verify_data.same_value`),
  in one of the columns the step writes there. When the written table has a foreign key
  to the read table through columns the step writes (``phones.user_id`` ->
  ``users.id``), the value must be in a row that references the user's row
  (:func:`arrived`); otherwise it is a multiset containment (each found value counts
  once). A step that rewrites values in place (a column split in two, a conversion) has
  no value to look for: the data file's expectations prove it.
* **expectations** (declared): the data file's ``expect:`` (release -> table -> rows,
  each naming some columns) says which rows must exist after the upgrade to that
  release; each expected row must match a distinct database row on every column it names
  (:func:`unmatched`).

Example:
    >>> arrived([(("1",), "555"), (("2",), "555")], {("1",): [("555",)]}, keyed=True)
    [(('2',), '555')]
    >>> arrived([(("1",), 555), (("2",), "556")], {(): [("555",), ("555",)]}, keyed=False)
    [(('2',), '556')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.runtime.verify_data_file import Expected
    from planner.state.model import Snapshot

__all__ = ["arrived", "check_expected", "check_moved", "guard_sql", "left_behind", "unmatched"]


def guard_sql(guard: Any, dialect: str) -> str | None:
    """A guard as the data step op keeps it (``(dialect, sql)`` pairs, ``*`` for every
    database), or SQL text, or ``{dialect: SQL}`` (a ``default`` entry for the others):
    the query for ``dialect``; None without one.

    Example:
        >>> guard_sql((("*", "SELECT 1"),), "mysql"), guard_sql((("sqlite", "S"),), "mysql")
        ('SELECT 1', None)
        >>> guard_sql({"mysql": "M", "default": "D"}, "sqlite"), guard_sql("Q", "sqlite")
        ('D', 'Q')
    """
    if isinstance(guard, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in guard):
        pairs = dict(guard)
        guard = pairs.get(dialect, pairs.get("*"))
    elif isinstance(guard, dict):
        guard = guard.get(dialect, guard.get("default", guard.get("*")))
    return guard if isinstance(guard, str) and guard.strip() else None


def arrived(users: list[tuple], found: dict[tuple, list[tuple]], *, keyed: bool) -> list[tuple]:
    """The ``(key, value)`` of ``users`` not found: ``found`` maps a referencing key to
    the written values of each row (``keyed``), or ``()`` to every row's values (a
    multiset: each found value is used once)."""
    from planner.runtime.verify_data import same_value

    missing = []
    pool = [list(vs) for vs in found.get((), [])] if not keyed else []
    for key, value in users:
        if keyed:
            rows = found.get(key, []) + found.get((), [])
            if not any(same_value(value, v) for vs in rows for v in vs):
                missing.append((key, value))
            continue
        for vs in pool:
            hit = next((i for i, v in enumerate(vs) if same_value(value, v)), None)
            if hit is not None:
                vs[hit] = _USED
                break
        else:
            missing.append((key, value))
    return missing


_USED = object()


def _read_rows(url: str, key, cols: tuple[str, ...]) -> list[dict]:
    import sqlalchemy as sa

    from planner.runtime.verify_data import _engine, _table

    t = _table(key, cols)
    eng = _engine(url)
    try:
        with eng.connect() as c:
            return [dict(zip(cols, r, strict=True)) for r in c.execute(sa.select(*t.c))]
    finally:
        eng.dispose()


def check_moved(prev: dict, ops, allow, url: str, new: Snapshot, rev: str | None) -> list[str]:
    """A line per user value a data step of ``ops`` moved out of a column the revision
    drops that did not arrive in what the step writes (``prev``: the users' rows before
    the revision; ``allow``: what it drops)."""
    from planner.runtime.managed_rows import key_text
    from planner.runtime.verify_data import _norm, _qn, _show

    out: list[str] = []
    for op in ops:
        if op.kind != "data_step" or getattr(op, "down", False):
            continue
        by_table: dict = {}
        for wkey, wcol in op.writes:
            if wcol is not None:
                by_table.setdefault(wkey, []).append(wcol)
        for rkey, rcol in op.reads:
            t = prev.get(rkey)
            if t is None or rcol is None or rcol not in t.columns or rcol in t.key_cols:
                continue
            ident = (t.origin, t.columns[rcol])
            if ident not in allow.dropped_columns and t.origin not in allow.dropped_tables:
                continue  # still there: nothing lost, nothing to follow
            targets = {k: cols for k, cols in by_table.items() if k != rkey}
            if not targets:
                continue  # rewritten in place: the data file's expectations prove it
            users = [
                (k, row[rcol]) for k, row in sorted(t.rows.items()) if row.get(rcol) is not None
            ]
            found: dict[tuple, list[tuple]] = {}
            keyed = False
            shown: list[str] = []
            for wkey, cols in sorted(targets.items(), key=lambda kv: _qn(kv[0])):
                fk = _reference(new, wkey, rkey, t.key_cols, cols)
                keyed = keyed or fk is not None
                vals = tuple(c for c in cols if fk is None or c not in fk)
                shown += [f"{_qn(wkey)}.{c}" for c in vals]
                for r in _read_rows(url, wkey, tuple(cols)):
                    ref = _norm(tuple(r[c] for c in fk)) if fk is not None else ()
                    found.setdefault(ref, []).append(tuple(r[c] for c in vals))
            where = ", ".join(shown)
            for key, value in arrived(users, found, keyed=keyed):
                row = t.rows[key]
                out.append(
                    f"{_qn(rkey)}: user row ({key_text(t.key_cols, tuple(row[c] for c in t.key_cols))})"
                    f": {rcol} {_show(value)} did not arrive: data step {op.step.name} of "
                    f"revision {rev} moves it to {where}"
                    + (" (in a row referencing it)" if keyed else "")
                )
    return out


def _reference(new: Snapshot, wkey, rkey, key_cols: tuple[str, ...], cols: list[str]):
    """The columns of ``wkey`` (among ``cols``) referencing ``rkey``'s key, ordered like
    ``key_cols``; None without such a foreign key."""
    table = next((x for x in new.tables if x.key == wkey), None)
    if table is None:
        return None
    for fk in table.foreign_keys:
        if (fk.ref_schema, fk.ref_table) != rkey or set(fk.ref_columns) != set(key_cols):
            continue
        if set(fk.columns) <= set(cols):
            by_ref = dict(zip(fk.ref_columns, fk.columns, strict=True))
            return tuple(by_ref[k] for k in key_cols)
    return None


def unmatched(expected: list[dict], rows: list[dict]) -> list[int]:
    """Indexes of ``expected`` rows (column -> value) matching no distinct row of ``rows``.

    Example:
        >>> unmatched([{"a": 1}, {"a": 1}, {"a": "2"}], [{"a": 1, "b": 0}, {"a": 2, "b": 0}])
        [1]
    """
    from planner.runtime.verify_data import same_value

    used: set[int] = set()
    out = []
    for i, want in enumerate(expected):
        hit = next(
            (
                j
                for j, r in enumerate(rows)
                if j not in used and all(same_value(v, r.get(c)) for c, v in want.items())
            ),
            None,
        )
        if hit is None:
            out.append(i)
        else:
            used.add(hit)
    return out


def check_expected(expected: list[Expected], release: str | None, url: str, rev) -> list[str]:
    """A line per expected row of ``release`` (the data file's ``expect:``) not in the
    database after the upgrade of revision ``rev``."""
    from planner.runtime.verify_data import _qn, _show

    out: list[str] = []
    mine = [e for e in expected if e.release == release]
    for key in sorted({e.table for e in mine}, key=_qn):
        want = [e for e in mine if e.table == key]
        cols = tuple(dict.fromkeys(c for e in want for c in e.values))
        rows = _read_rows(url, key, cols)
        for i in unmatched([e.values for e in want], rows):
            e = want[i]
            shown = ", ".join(f"{c}: {_show(v)}" for c, v in e.values.items())
            out.append(
                f"{e.file}:{e.line}:{e.col}: {_qn(key)}: expected row {{{shown}}} not found "
                f"after revision {rev} (release {release})"
            )
    return out


def left_behind(url: str, ops, revision: str | None, notes: list[str]) -> list[str]:
    """A line for each guarded data step of the revision whose guard still returns rows.

    A guard that reads what the same revision drops (``users.phone``, moved out and then
    dropped) cannot run afterwards: a note (the revision itself ran it right after the
    step, and stops when work remains)."""
    import sqlalchemy as sa

    from planner import dialects
    from planner.runtime.verify_data import _engine, _first_line, _qn, guard_of

    name = dialects.get(sa.engine.make_url(url).get_backend_name()).name
    dropped = _dropped(ops)
    out = []
    for op in ops:
        sql = guard_of(op, name)
        if sql is None:
            continue
        eng = _engine(url)
        try:
            with eng.connect() as c:
                n = len(c.execute(sa.text(sql)).fetchmany(1000))
        except sa.exc.DBAPIError as e:
            gone = [t for t in getattr(op, "reads", ()) if t in dropped or (t[0], None) in dropped]
            if gone:
                names = ", ".join(_qn(k) + ("" if c is None else f".{c}") for k, c in gone)
                notes.append(
                    f"{op.describe()}: its guard cannot run after revision {revision}, which "
                    f"drops {names} (the revision checked it right after the step)"
                )
            else:
                out.append(
                    f"{op.describe()}: its guard failed after revision {revision}: {_first_line(e)}"
                )
            continue
        finally:
            eng.dispose()
        if n:
            more = "or more " if n == 1000 else ""
            out.append(
                f"{op.describe()}: work left behind: its guard still returns {n} {more}row(s) "
                f"after revision {revision}"
            )
    return out


def _dropped(ops) -> set:
    """``(table key, column)`` the ops drop; ``(table key, None)``: a dropped table."""
    out: set = set()
    for op in ops:
        if op.kind == "drop_table":
            out.add((op.table.key, None))
        elif op.kind == "drop_column":
            out.add((op.table_key, op.column.name))
    return out
