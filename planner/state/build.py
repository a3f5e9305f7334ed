"""Create a database straight from a snapshot: schema, then managed rows.

Used by tests and by ``dbplan setup``-like flows: ``to_metadata(snapshot).create_all``
adapted to the dialect, then the managed rows inserted parent-first with bound
parameters (never SQL text). On PostgreSQL the sequences of serial columns are moved
past the inserted keys, so the application's next insert does not collide; on
MariaDB/MySQL the rows go in with ``NO_AUTO_VALUE_ON_ZERO`` (a key of 0 stays 0).
"""

from __future__ import annotations

import sqlalchemy as sa

from planner.dialects import Dialect, get
from planner.sqlexpr import escape_binds
from planner.state import coltypes
from planner.state.capture_models import INFO_ROWS, to_metadata
from planner.state.model import Snapshot

__all__ = ["create_from_snapshot", "metadata_for"]


def metadata_for(snapshot: Snapshot, dialect: str | Dialect) -> sa.MetaData:
    """``to_metadata(snapshot)`` with server defaults the dialect can execute.

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="at", type="DateTime", server_default="now()"),))
        >>> from planner.dialects.sqlite import SQLite
        >>> md = metadata_for(Snapshot(release="1", tables=(t,)), SQLite())
        >>> md.tables["t"].c.at.server_default.arg.text
        'CURRENT_TIMESTAMP'
    """
    md = to_metadata(snapshot)
    spellings = get(dialect).server_default_spellings
    if spellings:
        for table in md.tables.values():
            for col in table.columns:
                sd = col.server_default
                if sd is not None and isinstance(sd.arg, sa.TextClause):
                    new = spellings.get(sd.arg.text.strip().lower())
                    if new:
                        sd.arg = sa.text(new)
    return md


def create_from_snapshot(
    engine: sa.engine.Engine | sa.engine.Connection, snapshot: Snapshot
) -> None:
    """Create every table, enum, constraint and index of ``snapshot`` and insert its rows.

    Runs in one transaction (one connection); the database should be empty.

    Example:
        >>> import sqlalchemy as sa
        >>> from planner.state.model import Column, PrimaryKey, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> eng = sa.create_engine("sqlite://")
        >>> create_from_snapshot(eng, Snapshot(release="1", tables=(t,)))
        >>> sa.inspect(eng).get_table_names()
        ['t']
    """
    if isinstance(engine, sa.engine.Connection):
        _create(engine, snapshot)
        return
    with engine.begin() as conn:
        _create(conn, snapshot)


def _create(conn: sa.engine.Connection, snapshot: Snapshot) -> None:
    dialect = get(conn.dialect.name)
    md = metadata_for(snapshot, dialect)
    if dialect.has_schemas:
        for schema in sorted({t.schema for t in snapshot.tables if t.schema}):
            conn.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
    twins = _folded_uniques(md, snapshot) if dialect.folds_uniques_into_keys else []
    objects = _objects_part(dialect)  # schemas, extensions, sequences (PostgreSQL)
    for sql in objects.before_tables(snapshot) if objects else ():
        conn.execute(sa.text(escape_binds(sql)))
    md.create_all(conn)
    for sql in objects.after_tables(snapshot) if objects else ():
        conn.execute(sa.text(escape_binds(sql)))
    for uq in twins:
        conn.execute(sa.schema.AddConstraint(uq))
    from planner.state.routines_yaml import of_dialect  # this database's routines only

    routines = of_dialect(snapshot.routines, dialect)
    # functions, then the views (in the order they read each other), then the triggers
    # (of tables and of views); ':name' is text, not a bind parameter
    for routine in (r for r in routines if r.table is None):
        conn.execute(sa.text(escape_binds(routine.definition)))
    from planner.state.views import create_all

    create_all(conn, snapshot, dialect)
    for routine in (r for r in routines if r.table is not None):
        conn.execute(sa.text(escape_binds(routine.definition)))
    with dialect.inserting_rows(conn):
        _insert_rows(conn, md, snapshot, dialect)


def _objects_part(dialect: Dialect):
    try:
        return dialect.part("objects")
    except ModuleNotFoundError:
        return None


def _folded_uniques(md: sa.MetaData, snapshot: Snapshot) -> list[sa.UniqueConstraint]:
    """Take out of ``md`` the uniques ``Table.folded_uniques`` names (PostgreSQL's CREATE
    TABLE would fold them into the primary key or an earlier unique): they are added
    after the tables."""
    out = []
    for sat in md.sorted_tables:
        names = {u.name for u in snapshot.table(sat.name, sat.schema).folded_uniques()}
        for const in sorted(sat.constraints, key=lambda c: str(c.name)):
            if isinstance(const, sa.UniqueConstraint) and const.name in names:
                sat.constraints.discard(const)
                out.append(const)
    return out


def _insert_rows(conn: sa.engine.Connection, md: sa.MetaData, snapshot: Snapshot, dialect: Dialect):
    for sat in md.sorted_tables:
        stored = sat.info.get(INFO_ROWS)
        if not stored:
            continue
        _key, rows = stored
        t = snapshot.table(sat.name, sat.schema)
        types = {c.name: c.type for c in t.columns}
        for row in rows:
            # bound parameters named p0, p1 … (a column may be called ``fn`` or hold any
            # character), passed as a dict keyed by column, never as keywords; a parameter
            # may not share a column's name (SQLAlchemy reserves those): a column called
            # p0 moves them to _p0, _p1 …
            names = list(row)
            prefix = "p"
            while any(f"{prefix}{i}" in sat.c for i in range(len(names))):
                prefix = "_" + prefix
            params = {
                f"{prefix}{i}": _bound(conn, sat.c[k], types[k], row[k])
                for i, k in enumerate(names)
            }
            # null is SQL NULL, in a JSON column too (a bound None is JSON's null there)
            values = {
                sat.c[k]: sa.null() if row[k] is None else sa.bindparam(f"{prefix}{i}")
                for i, k in enumerate(names)
            }
            conn.execute(sat.insert().values(values), params)
        dialect.rows_inserted(conn, sat)


def _bound(conn: sa.engine.Connection, col: sa.Column, type_text: str, value):
    """A row value bound as its column's type; where the dialect holds the column as
    ``JSON`` (a ``postgresql.ARRAY`` on MariaDB and SQLite), ``Decimal`` items as JSON
    numbers (``json.dumps`` refuses a ``Decimal``). A duration with months (bound as its
    ISO-8601 text) where an ``Interval`` is a point in time is refused by name."""
    from planner.state.capture_models import CaptureError

    bound = coltypes.python_value(type_text, value)
    impl = col.type.dialect_impl(conn.dialect)
    if isinstance(bound, list) and isinstance(impl, sa.JSON):
        return coltypes.json_safe(bound)
    if isinstance(bound, str) and isinstance(impl, sa.Interval):
        raise CaptureError(
            f"the managed row value {value!r} of {col.table.name}.{col.name} has years or "
            f"months, which only PostgreSQL keeps in an interval ({conn.dialect.name} "
            "stores an Interval as a point in time, and a month has no fixed length); "
            "write the duration in days (P425D)"
        )
    return bound
