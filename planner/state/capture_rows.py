"""Managed rows read back from a database: what :func:`~planner.state.capture.capture_for`
compares (values bound for the database, then compared with what it holds) and
:func:`count_rows`.

Each dialect says how a column is read and compared (``Dialect.row_read``,
``row_normal``, ``row_value``): PostgreSQL reads its own types (``real``, ``timestamp(3)``,
ranges, ``hstore``) as text and compares a snapshot value printed the same way
(:mod:`planner.dialects.postgresql_rows`), so a correct round trip is never a difference.

Part of :mod:`planner.state.capture`, which re-exports :func:`count_rows`.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from planner.state import coltypes
from planner.state.capture_models import CaptureError, _yaml, plain_enum
from planner.state.model import Enum, FrozenMap, RowSet, Table, thaw

__all__ = ["count_rows", "read_rows"]


class _OnConnection:
    """An open connection standing in for an engine: ``connect()`` gives it back, in
    whatever transaction it is (``dbplan setup`` captures what it built before commit)."""

    def __init__(self, conn: sa.engine.Connection):
        self._conn = conn

    def connect(self):
        import contextlib

        return contextlib.nullcontext(self._conn)


def _engine(url_or_engine) -> tuple[Any, bool]:
    """``(engine, owned)`` for a URL (owned: dispose it), an engine or a connection."""
    if isinstance(url_or_engine, sa.engine.Connection):
        return _OnConnection(url_or_engine), False
    if isinstance(url_or_engine, sa.engine.Engine):
        return url_or_engine, False
    return sa.create_engine(url_or_engine), True


def _matching(found: dict[tuple, list], bound_key: tuple) -> list:
    """The rows of ``found`` (database key -> rows) that hold ``bound_key``; a zone-aware
    key also matches the naive wall time a dialect without zones stored."""
    rows = found.get(bound_key)
    if rows is None and any(isinstance(v, _dt.datetime) for v in bound_key):
        naive = _naive_key(bound_key)
        rows = [r for k, got in found.items() if _naive_key(k) == naive for r in got]
    return rows or []


def count_rows(
    url_or_engine: str | sa.engine.Engine, table: Table, key: tuple[str, ...], keys: Iterable[tuple]
) -> dict[tuple, int]:
    """How many rows of ``table`` in the database hold each of ``keys`` (values of the
    ``key`` columns, as a snapshot writes them); keys no row holds are left out.

    ``table`` gives the column types the values bind as. Used to find managed rows that
    should be gone (a release deleted them) but are in the database.

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> units = load_snapshot("schema_state/0.2.0.yaml").table("units")
        >>> count_rows("sqlite:///app.sqlite", units, ("name",), [("kilowatt hour",), ("nothing",)])
        {('kilowatt hour',): 1}
    """
    keys = list(keys)
    if not keys or not all(table.has_column(k) for k in key):
        return {}
    types = {c.name: c.type for c in table.columns}
    sat = sa.Table(
        table.name,
        sa.MetaData(),
        *(sa.Column(k, _read_type(types[k], {})) for k in key),
        schema=table.schema,
    )
    engine, owned = _engine(url_or_engine)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(table.name, schema=table.schema):
                return {}
            found: dict[tuple, list] = {}
            values = _Values(conn)
            for r in values.fetch(sa.select(*values.columns(sat, types)), sat, types):
                found.setdefault(values.key(types, key, r), []).append(r)
    finally:
        if owned:
            engine.dispose()
    out = {}
    for k in keys:
        n = len(_matching(found, tuple(_bind(types[c], v) for c, v in zip(key, k, strict=True))))
        if n:
            out[k] = n
    return out


def _naive_key(key: tuple) -> tuple:
    return tuple(v.replace(tzinfo=None) if isinstance(v, _dt.datetime) else v for v in key)


def _same_value(bound: Any, have: Any, type_text: str | None = None) -> bool:
    """A snapshot value bound for the database equals what the database holds.

    A zone-aware datetime matches the naive time a dialect without zones stored, in UTC
    (as a revision writes it) or as the wall time (as a driver dropping the zone does); a
    JSON document (or, in a JSON column ``type_text``, a JSON scalar) matches one whose
    numbers are equal as floats (PostgreSQL's JSONB stores ``6.417673252564703e+16`` as the
    numeric ``64176732525647030``).
    """
    if bound == have:
        return True
    if _is_nan(bound) and _is_nan(have):
        return True  # NaN never equals itself
    if isinstance(bound, _dt.datetime) and isinstance(have, _dt.datetime):
        if (bound.tzinfo is None) != (have.tzinfo is None):
            aware, naive = (bound, have) if bound.tzinfo is not None else (have, bound)
            # a revision writes the instant in UTC; a database built otherwise (models,
            # a driver dropping the zone) may hold the wall time: either is the value
            utc = aware.astimezone(_dt.UTC).replace(tzinfo=None)
            return naive in (utc, aware.replace(tzinfo=None))
    if isinstance(bound, (dict, list)) and isinstance(have, (dict, list)):
        return _same_json(bound, have)
    if type_text is not None and _is_json(type_text):
        return _same_json(bound, have)  # a scalar document
    return False


def _is_nan(value: Any) -> bool:
    return isinstance(value, (float, Decimal)) and value != value


def _is_json(type_text: str) -> bool:
    try:
        return coltypes.family(type_text) == "json"
    except Exception:  # noqa: BLE001 - an unknown type is not JSON
        return False


def _same_json(a: Any, b: Any) -> bool:
    """Two JSON values are equal, numbers compared as floats where either is a float.

    Example:
        >>> _same_json({"n": [6.417673252564703e+16]}, {"n": [64176732525647030]})
        True
        >>> _same_json({"n": 1.5}, {"n": 2}), _same_json(1, True), _same_json({"a": 1}, {"b": 1})
        (False, False, False)
    """
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Decimal) and isinstance(b, (int, float)):
        a = coltypes.json_safe(a)  # a Numeric item of an array JSON holds: a JSON number
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) or isinstance(b, float):
            try:
                return float(a) == float(b)
            except OverflowError:
                return False
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _read_type(type_text: str, enums: Mapping[str, Enum]) -> Any:
    if plain_enum(type_text) is not None:
        return sa.String()
    if type_text == "Float":
        from planner.dialects.sa_types import float_for_reading

        return float_for_reading()
    try:
        return coltypes.to_sqlalchemy(type_text, enums={e.name: e.values for e in enums.values()})
    except Exception:  # noqa: BLE001 - reading rows falls back to the raw driver value
        return sa.types.NullType()


def _bind(type_text: str | None, value: Any) -> Any:
    if value is None or type_text is None:
        return value
    try:
        return coltypes.python_value(type_text, thaw(value))
    except Exception:  # noqa: BLE001 - an unbindable value simply does not match
        return value


def read_rows(
    conn: sa.engine.Connection,
    t: Table,
    hint: Table | None,
    enums: Mapping[str, Enum],
    spelling: Table | None = None,
) -> RowSet:
    """The rows of ``t`` in the database: with a hint that manages rows, those of its
    declared keys (:func:`_managed_rows`); else every row, ordered by the primary key (all
    columns without one), values by ``coltypes.yaml_value``, except that a value equal to
    the one a row of ``spelling`` (the newest snapshot's table) with the same key gives is
    written as that snapshot writes it (``'12.50'``, not ``'12.5'``)."""
    types = {c.name: c.type for c in t.columns}
    sat = sa.Table(
        t.name,
        sa.MetaData(),
        *(sa.Column(c.name, _read_type(c.type, enums)) for c in t.columns),
        schema=t.schema,
    )
    values = _Values(conn)
    if hint is not None and hint.rows is not None:
        return _managed_rows(conn, sat, types, hint.rows, hint, values)
    key = t.primary_key.columns if t.primary_key else t.column_names
    stmt = sa.select(*values.columns(sat, types)).order_by(*(sat.c[k] for k in key))
    computed = {c.name for c in t.columns if c.generated is not None}  # never row values
    found = values.fetch(stmt, sat, types)
    spelled = _spelling_rows(found, spelling, types, values)
    out = []
    for i, r in enumerate(found):
        written = spelled.get(i, {})
        out.append(
            FrozenMap(
                {
                    k: written[k]
                    if k in written and values.same(types[k], written[k], v)
                    else values.yaml(types[k], v)
                    for k, v in r.items()
                    if k not in computed
                }
            )
        )
    return RowSet(key=tuple(key), rows=tuple(out))


def _spelling_rows(
    found: list, spelling: Table | None, types: Mapping[str, str], values: _Values
) -> dict:
    """``{index in found: the values of the spelling table's row of that key}``, of the
    columns whose type the capture reads as the spelling table declares it (elsewhere its
    value may not be one of the captured type: ``0.1`` of a ``real`` that MariaDB holds
    as ``Text``)."""
    if spelling is None or spelling.rows is None:
        return {}
    key = spelling.rows.key
    if not found or not all(k in found[0] for k in key):
        return {}
    by_key: dict[tuple, list] = {}
    for i, r in enumerate(found):
        by_key.setdefault(values.key(types, key, r), []).append(i)
    out = {}
    for row in spelling.rows.rows:
        d = dict(row)
        bound = tuple(_bind(types.get(k), d.get(k)) for k in key)
        kept = {
            c: v
            for c, v in d.items()
            if spelling.has_column(c) and spelling.column(c).type == types.get(c)
        }
        for i in _matching(by_key, bound):
            out.setdefault(i, kept)
    return out


def _json_null(sat: sa.Table, col: str, row: Mapping[str, Any], types) -> CaptureError:
    """JSON's ``null`` in a column: a snapshot's ``null`` is SQL NULL, and no snapshot
    value is JSON's null, so the row is refused rather than written (or compared) as
    SQL NULL."""
    name = f"{sat.schema}.{sat.name}" if sat.schema else sat.name
    others = {k: v for k, v in row.items() if not _is_json(types.get(k, ""))}
    shown = ", ".join(f"{k}={v!r}" for k, v in list(others.items())[:3])
    return CaptureError(
        f"cannot read the rows of {name}: column {name}.{col} holds JSON's null (the JSON "
        f"document null) in the row ({shown}); a snapshot's null is SQL NULL, and no "
        f"snapshot value is JSON's null. Set it to SQL NULL (UPDATE {name} SET {col} = NULL "
        f"WHERE {col} IS NOT NULL AND CAST({col} AS text) = 'null') or to a document"
    )


class _Values:
    """Reads and compares managed values the way the connection's dialect needs
    (:meth:`planner.dialects.base.Dialect.row_read` / ``row_normal`` / ``row_value``)."""

    def __init__(self, conn: sa.engine.Connection):
        from planner.dialects import get

        self.conn = conn
        self.dialect = get(conn.dialect.name)

    def columns(self, sat: sa.Table, types: Mapping[str, str]) -> list:
        """The columns read: a JSON column as its text, so JSON's ``null`` (``'null'``)
        is not SQL NULL (both read as None through the JSON type)."""
        return [
            (
                sa.cast(c, sa.Text())
                if _is_json(types[c.name])
                else self.dialect.row_read(c, types[c.name])
            ).label(c.name)
            for c in sat.c
        ]

    def fetch(self, stmt: Any, sat: sa.Table, types: Mapping[str, str]) -> list:
        """The rows (mappings) of ``stmt`` over ``sat``; a value the driver cannot read
        as Python (a ``timestamptz`` ``infinity``: no ``datetime`` holds it) is a
        :class:`CaptureError` naming its column, not the driver's ``DataError``."""
        try:
            found = list(self.conn.execute(stmt).mappings())
        except sa.exc.DataError as e:
            raise self._unreadable(sat, types, e) from None
        json_cols = [k for k in (found[0].keys() if found else ()) if _is_json(types.get(k, ""))]
        if not json_cols:
            return found
        out = []
        for r in found:
            d = dict(r)
            for k in json_cols:
                if isinstance(d[k], str):
                    d[k] = json.loads(d[k])
                    if d[k] is None:
                        raise _json_null(sat, k, d, types)
            out.append(d)
        return out

    def _unreadable(self, sat: sa.Table, types: Mapping[str, str], e: Exception) -> Exception:
        name = f"{sat.schema}.{sat.name}" if sat.schema else sat.name
        detail = str(getattr(e, "orig", e)).strip().splitlines()[0]
        for c in sat.c:
            try:
                with self.conn.begin_nested():
                    self.conn.execute(sa.select(self.dialect.row_read(c, types[c.name]))).all()
            except sa.exc.DataError:
                return CaptureError(
                    f"cannot read the rows of {name}: column {name}.{c.name} "
                    f"({types[c.name]}) holds a value no snapshot can write ({detail}); "
                    "change the value (a date far in the future instead of 'infinity') or "
                    "declare the column postgresql.TYPE(...) to keep PostgreSQL's text of it"
                )
        return CaptureError(f"cannot read the rows of {name}: {detail}")

    def key(self, types: Mapping[str, str], key: Iterable[str], row: Mapping) -> tuple:
        """The values of ``key`` in a row :meth:`fetch` read, as a snapshot's key binds:
        an ``Interval`` PostgreSQL printed as text is bound again (a ``timedelta``, or its
        ISO-8601 text with months), so it matches the snapshot's."""
        out = []
        for k in key:
            v = row[k]
            if isinstance(v, str) and coltypes.family(types[k]) == "interval":
                v = _bind(types[k], self.dialect.row_value(types[k], v))
            out.append(v)
        return tuple(out)

    def yaml(self, type_text: str, value: Any) -> Any:
        return _yaml(type_text, self.dialect.row_value(type_text, value))

    def same(self, type_text: str | None, want: Any, have: Any) -> bool:
        """The snapshot's ``want`` is the value the database holds (``have``, as
        :meth:`columns` read it): bound, compared in Python, or else in the form the
        dialect reads the column in (``0.1`` in a ``real`` is ``'0.1'``)."""
        bound = _bind(type_text, want)
        if _same_value(bound, have, type_text):
            return True
        if type_text is None or bound is None or have is None:
            return False
        param = sa.bindparam("v", bound, type_=_read_type(type_text, {}))
        normal = self.dialect.row_normal(param, type_text)
        if normal is None:
            return False
        try:
            with self.conn.begin_nested():
                return self.conn.execute(sa.select(normal)).scalar() == have
        except sa.exc.StatementError:
            return False  # not a value of the column's type: not the value it holds


def _referenced_value(conn: sa.engine.Connection, hint: Table, col: str, want: Any) -> Any:
    """The value a reference by natural key (``{code: fruit}``) stands for in the
    database: the referenced column of the row it names (None when no row matches)."""
    from planner.state.rowrefs import reference_fk, reference_match

    fk = reference_fk(hint, col, want)
    if fk is None:
        return _MISSING
    cols, vals = reference_match(want)
    ref = sa.table(
        fk.ref_table, *(sa.column(c) for c in {fk.ref_columns[0], *cols}), schema=fk.ref_schema
    )
    stmt = sa.select(ref.c[fk.ref_columns[0]]).where(
        *(ref.c[c] == v for c, v in zip(cols, vals, strict=True))
    )
    return conn.execute(stmt).scalar()


_MISSING: Any = object()


def _managed_rows(
    conn: sa.engine.Connection,
    sat: sa.Table,
    types,
    declared: RowSet,
    hint: Table | None,
    values: _Values,
) -> RowSet:
    """The database's rows of each declared key, every copy: a key held twice (a
    revision that duplicated a managed row) gives two rows, so a comparison sees it."""
    key = declared.key
    found: dict[tuple, list] = {}
    if all(k in sat.c for k in key):
        for r in values.fetch(sa.select(*values.columns(sat, types)), sat, types):
            found.setdefault(values.key(types, key, r), []).append(r)
    out = []
    for row in declared.rows:
        d = dict(row)
        for db in _matching(found, tuple(_bind(types.get(k), d.get(k)) for k in key)):
            if declared.mode == "seed":
                out.append(row)  # a seed row is there; its values are the users' to edit
                continue
            got = {}
            for col, want in d.items():
                if col not in db:
                    continue
                have = db[col]
                resolved = (
                    _referenced_value(conn, hint, col, want)
                    if hint is not None and isinstance(want, FrozenMap)
                    else _MISSING
                )
                if resolved is not _MISSING:
                    got[col] = want if resolved is not None and resolved == have else have
                    continue
                same = values.same(types.get(col), want, have)
                got[col] = want if same else values.yaml(types[col], have)
            out.append(FrozenMap(got))
    return RowSet(key=key, rows=tuple(out), mode=declared.mode)
