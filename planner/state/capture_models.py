"""Models and snapshots: :func:`to_metadata` (a snapshot as ``sa.MetaData``) and
:func:`from_metadata` (models -> snapshot, pure: no database).

Part of :mod:`planner.state.capture`, which re-exports both; the helpers shared with
database capture (``_plain``, ``_check_columns``, ``_sql`` ...) live here too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx
import sqlalchemy as sa
from sqlalchemy.engine import default as sa_default
from sqlalchemy.sql import naming as sa_naming
from sqlalchemy.sql import schema as sa_schema
from sqlalchemy.sql.base import _NONE_NAME
from sqlalchemy.sql.elements import conv

from planner.sqlexpr import escape_binds, unescape_binds
from planner.state import coltypes, index_keys
from planner.state.errors import DbplanError
from planner.state.model import (
    NAMING_CONVENTION_KEYS,
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Generated,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
    freeze,
    thaw,
)
from planner.state.normal_forms import normalise_server_default
from planner.state.typespec import enum_type, plain_enum

__all__ = ["CaptureError", "from_metadata", "to_metadata"]

#: ``column.info`` / ``table.info`` key holding the migration hints
INFO_HINTS = "dbplan"
#: ``table.info`` key holding the managed rows: ``(key, rows)``
INFO_ROWS = "dbplan_rows"
#: ``metadata.info`` keys written by :func:`to_metadata`
INFO_ENUMS = "dbplan_enums"
INFO_CONVENTION = "dbplan_naming_convention"
#: ``index.info`` key holding an index's comment (PostgreSQL ``COMMENT ON INDEX``:
#: SQLAlchemy's ``Index`` has no ``comment=``)
INFO_COMMENT = "dbplan_comment"

SKIP_TABLES = frozenset({"alembic_version"})

#: renders model expressions as portable SQL: ``sa.true()`` as ``true`` (PostgreSQL, MariaDB
#: and SQLite >= 3.23 read it), not the ``1`` of a dialect without native booleans, which
#: PostgreSQL refuses as the default of a boolean column
_GENERIC = sa_default.DefaultDialect()
_GENERIC.supports_native_boolean = True


class CaptureError(DbplanError):
    """A model or database cannot be expressed as a snapshot."""


# ---------------------------------------------------------------------------
# snapshot -> MetaData
# ---------------------------------------------------------------------------


def to_metadata(snapshot: Snapshot) -> sa.MetaData:
    """Build the SQLAlchemy ``MetaData`` that creates ``snapshot``'s schema.

    Every name is passed as a ``conv`` so the naming convention (set on the MetaData
    for objects added later) never renames a declared object.

    Example:
        >>> from planner.state.model import Column, PrimaryKey, Snapshot, Table
        >>> t = Table(name="units", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> md = to_metadata(Snapshot(release="0.1.0", tables=(t,)))
        >>> [c.name for c in md.tables["units"].primary_key.columns]
        ['id']
    """
    nc = dict(snapshot.naming_convention)
    md = sa.MetaData(naming_convention=nc) if nc else sa.MetaData()
    md.info[INFO_CONVENTION] = snapshot.naming_convention
    md.info[INFO_ENUMS] = snapshot.enums
    shared = {
        e.name: sa.Enum(
            *e.values, name=e.name, schema=e.schema, metadata=md, create_constraint=False
        )
        for e in snapshot.enums
    }
    cyclic = _cyclic_foreign_keys(snapshot)
    built = [(t, _table_to_sa(t, md, shared)) for t in snapshot.tables]
    for t, sat in built:  # after every table exists: FKs refer to Column objects
        for fk in t.foreign_keys:
            sat.append_constraint(_fk_to_sa(fk, md, use_alter=(t.key, fk.name) in cyclic))
    return md


def _fk_to_sa(fk: ForeignKey, md: sa.MetaData, *, use_alter: bool) -> sa.ForeignKeyConstraint:
    prefix = f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table
    ref = md.tables.get(prefix)
    if ref is not None and all(c in ref.c for c in fk.ref_columns):
        targets: list[Any] = [ref.c[c] for c in fk.ref_columns]  # names may contain dots
    else:
        targets = [f"{prefix}.{c}" for c in fk.ref_columns]
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        targets,
        name=conv(fk.name),
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
        use_alter=use_alter,
        comment=fk.comment,
    )


def _cyclic_foreign_keys(snapshot: Snapshot) -> set[tuple[tuple[str | None, str], str]]:
    """(table key, fk name) of foreign keys between tables of one dependency cycle."""
    g = nx.DiGraph()
    for t in snapshot.tables:
        g.add_node(t.key)
        for fk in t.foreign_keys:
            if fk.ref_key != t.key:
                g.add_edge(t.key, fk.ref_key)
    out = set()
    for comp in nx.strongly_connected_components(g):
        if len(comp) < 2:
            continue
        for t in snapshot.tables:
            if t.key in comp:
                out.update(
                    (t.key, fk.name)
                    for fk in t.foreign_keys
                    if fk.ref_key in comp and fk.ref_key != t.key
                )
    return out


def _sa_type(text: str, shared: Mapping[str, sa.Enum]) -> Any:
    name = plain_enum(text)
    if name is not None and name in shared:
        return shared[name]
    return coltypes.to_sqlalchemy(text, enums={k: tuple(v.enums) for k, v in shared.items()})


def _table_to_sa(t: Table, md: sa.MetaData, shared) -> sa.Table:
    pk = t.primary_key
    pk_cols = tuple(pk.columns) if pk else ()
    implicit_pk = (
        pk is not None
        and pk.name is None
        and pk.comment is None
        and pk_cols == tuple(c.name for c in t.columns if c.name in pk_cols)
    )
    items: list[Any] = []
    for c in t.columns:
        kw: dict[str, Any] = {"nullable": c.nullable}
        if c.ddl_default is not None:
            kw["server_default"] = sa.text(escape_binds(c.ddl_default))
        if c.comment is not None:
            kw["comment"] = c.comment
        hints = {k: v for k, v in (("renamed_from", c.renamed_from), ("backfill", c.backfill)) if v}
        if hints:
            kw["info"] = {INFO_HINTS: hints}
        made = []  # what the database makes the values with
        if c.identity is not None:
            made.append(sa.Identity(always=c.identity == "always"))
        if c.generated is not None:
            made.append(
                sa.Computed(sa.text(escape_binds(c.generated.expression)), c.generated.stored)
            )
        satype = _sa_type(c.type, shared)
        if c.collation is not None and _collatable(satype):
            satype.collation = c.collation  # a new type object (an enum's is shared)
        items.append(
            sa.Column(
                c.name,
                satype,
                *made,
                primary_key=implicit_pk and c.name in pk_cols,
                autoincrement="auto" if c.autoincrement is None else c.autoincrement,
                **kw,
            )
        )
    if pk is not None and not implicit_pk:
        items.append(sa.PrimaryKeyConstraint(*pk_cols, name=_conv(pk.name), comment=pk.comment))
    for u in t.uniques:
        items.append(sa.UniqueConstraint(*u.columns, name=conv(u.name), comment=u.comment))
    for ck in t.checks:
        text = sa.text(escape_binds(ck.sqltext))
        items.append(sa.CheckConstraint(text, name=conv(ck.name), comment=ck.comment))
    for ix in t.indexes:
        kw = {}
        if ix.where is not None:
            where = sa.text(escape_binds(ix.where))
            kw = {"postgresql_where": where, "sqlite_where": where}
        if ix.using is not None:
            kw["postgresql_using"] = ix.using
        if ix.include:
            kw["postgresql_include"] = list(ix.include)
        if ix.comment is not None:
            kw["info"] = {INFO_COMMENT: ix.comment}
        cols, more, info = index_keys.to_sa(ix)  # elements, storage (PostgreSQL)
        kw = {**kw, **more, **({"info": {**kw.get("info", {}), **info}} if info else {})}
        items.append(sa.Index(conv(ix.name), *cols, unique=ix.unique, **kw))
    info: dict[str, Any] = {}
    if t.renamed_from:
        info[INFO_HINTS] = {"renamed_from": t.renamed_from}
    if t.rows is not None:
        info[INFO_ROWS] = (tuple(t.rows.key), tuple(thaw(r) for r in t.rows.rows))
    sat = sa.Table(t.name, md, *items, schema=t.schema, comment=t.comment, info=info)
    if pk is not None and pk.name is None:
        sat.primary_key.name = None  # the dialect's default name, even under a pk convention
    return sat


def _conv(name: str | None) -> Any:
    return conv(name) if name else None


# ---------------------------------------------------------------------------
# MetaData -> snapshot
# ---------------------------------------------------------------------------

RowsSpec = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def from_metadata(md: Any, *, release: str, rows: RowsSpec | None = None) -> Snapshot:
    """The snapshot of a MetaData, a declarative base, or anything with ``.metadata``.

    Unnamed constraints and indexes are named by the MetaData's ``naming_convention``;
    one that stays unnamed is an error. ``rows`` adds managed rows:
    ``{table: [row, ...]}``, ``{table: {"key": [...], "values": [...]}}``, or a callable
    returning either.

    Example:
        >>> import sqlalchemy as sa
        >>> md = sa.MetaData()
        >>> _ = sa.Table("units", md, sa.Column("id", sa.Integer, primary_key=True))
        >>> from_metadata(md, release="0.1.0").table("units").primary_key.columns
        ('id',)
    """
    md = _as_metadata(md)
    problems: list[str] = []
    enums = _enums_of(md, problems)
    by_values = {e.values: e.name for e in enums.values()}
    row_spec = rows() if callable(rows) else (rows or {})
    tables = []
    for sat in sorted(md.tables.values(), key=lambda t: (t.schema or "", t.name)):
        tables.append(_table_from_sa(sat, by_values, row_spec, problems))
    unknown = set(row_spec) - {_qualified(t.schema, t.name) for t in tables}
    for name in sorted(unknown):
        problems.append(f"rows given for unknown table {name!r} (check the table name)")
    if problems:
        raise CaptureError(
            "cannot capture the models:\n" + "\n".join(f"  {p}" for p in sorted(problems))
        )
    convention = md.info.get(INFO_CONVENTION)
    if convention is None:
        convention = _convention_of(md)
    return _plain(
        Snapshot(
            release=release,
            tables=tuple(tables),
            enums=tuple(enums.values()),
            naming_convention=convention,
        )
    )


def _plain(obj: Any) -> Any:
    """``obj`` with SQLAlchemy's ``str`` subclasses (``quoted_name``, ``conv``) made plain
    ``str``: YAML dumping and equality must not depend on them."""
    t = type(obj)
    if obj is None or t is str or t is bool or t is int:
        return obj  # already plain (the common case: no copy)
    if isinstance(obj, str):
        return str.__str__(obj)
    if isinstance(obj, FrozenMap):
        return FrozenMap((_plain(k), _plain(v)) for k, v in obj)
    if isinstance(obj, tuple):
        items = tuple(_plain(v) for v in obj)
        same = t is tuple and all(a is b for a, b in zip(items, obj, strict=True))
        return obj if same else items
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if all(v is getattr(obj, k) for k, v in changes.items()):
            return obj
        return dataclasses.replace(obj, **changes)
    return obj


def _as_metadata(obj: Any) -> sa.MetaData:
    if isinstance(obj, sa.MetaData):
        return obj
    md = getattr(obj, "metadata", None)
    if isinstance(md, sa.MetaData):
        return md
    raise CaptureError(
        f"{obj!r} is not a SQLAlchemy MetaData or declarative base "
        "(point at the MetaData or the Base class, e.g. app.models:Base)"
    )


def _convention_of(md: sa.MetaData) -> tuple[tuple[str, str], ...]:
    nc = md.naming_convention
    if dict(nc) == dict(sa_schema.DEFAULT_NAMING_CONVENTION):
        return ()
    return tuple(
        sorted((k, v) for k, v in nc.items() if k in NAMING_CONVENTION_KEYS and isinstance(v, str))
    )


def _enums_of(md: sa.MetaData, problems: list[str]) -> dict[str, Enum]:
    found: dict[str, Enum] = {e.name: e for e in md.info.get(INFO_ENUMS, ())}
    for sat in md.tables.values():
        for col in sat.columns:
            for satype in _enum_types(col.type):
                if not satype.name:
                    continue
                e = Enum(name=satype.name, values=tuple(satype.enums))
                old = found.setdefault(e.name, e)
                if old.values != e.values:
                    problems.append(
                        f"enum {e.name!r} has two value lists: {list(old.values)} and "
                        f"{list(e.values)} ({sat.name}.{col.name}; give the types one list)"
                    )
    return dict(sorted(found.items()))


def _enum_types(satype: Any) -> list[sa.Enum]:
    if isinstance(satype, sa.TypeDecorator):
        satype = satype.impl_instance if hasattr(satype, "impl_instance") else satype.impl
    if isinstance(satype, sa.Enum):
        return [satype]
    item = getattr(satype, "item_type", None)
    return _enum_types(item) if item is not None else []


def _type_text(satype: Any, *, dialect: str | None, by_values: Mapping[tuple, str]) -> str:
    enums = _enum_types(satype)
    if enums and enums[0] is satype and satype.name:
        return enum_type(satype.name)
    return coltypes.from_sqlalchemy(satype, dialect=dialect, enum_names_by_values=by_values)


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _sql(clause: Any) -> str:
    """SQL text of a DDL fragment (check, index predicate, default) without table prefixes."""
    if isinstance(clause, str):
        return clause
    if isinstance(clause, sa.TextClause):
        return unescape_binds(clause.text)  # the SQL it runs: \:x is :x
    ddl = _GENERIC.ddl_compiler(_GENERIC, None)
    return str(ddl.sql_compiler.process(clause, include_table=False, literal_binds=True))


#: convention key of each constraint kind ``_name_of`` names
_KIND_KEYS = {
    "foreign key": "fk",
    "unique constraint": "uq",
    "check constraint": "ck",
    "index": "ix",
}


def _name_of(
    const: Any,
    sat: sa.Table,
    kind: str,
    what: str,
    problems: list[str],
    *,
    columns: tuple[str, ...] = (),
    check_columns: tuple[str, ...] = (),
) -> str | None:
    """The constraint's name: given, from the naming convention, else the name the
    naming dialect (PostgreSQL) gives an unnamed one (``<table>_<cols>_fkey`` …), which
    capture maps every dialect's own made-up names to."""
    name = const.name
    if isinstance(name, conv):
        return str(name)
    try:
        derived = sa_naming._constraint_name_for_table(const, sat)
    except sa.exc.InvalidRequestError as e:
        problems.append(f"{_qualified(sat.schema, sat.name)}: {kind} {what}: {e}")
        return None
    if derived:
        return str(derived)
    if name is None or name is _NONE_NAME:
        from planner.dialects import naming_dialect

        taken = sat.info.setdefault(_INFO_TAKEN, set())
        made = naming_dialect().default_name(
            _KIND_KEYS[kind], sat.name, columns, check_columns=check_columns, taken=taken
        )
        taken.add(made)
        return made
    return str(name)


#: ``sat.info`` key: the names ``_name_of`` gave the table's unnamed constraints
_INFO_TAKEN = "dbplan_default_names"


def _check_columns(sqltext: str, columns: Iterable[str]) -> tuple[str, ...]:
    """The columns a check expression reads (distinct, in order of appearance): the
    identifiers outside string literals that name a column of the table.

    Example:
        >>> _check_columns("note <> 'qty' AND qty > 0 AND note > ''", ["qty", "note", "id"])
        ('note', 'qty')
    """
    known = set(columns)
    text = re.sub(r"'(?:[^']|'')*'", "''", sqltext)
    out: list[str] = []
    for m in _IDENT.finditer(text):
        quoted, backtick, bare = m.groups()
        name = quoted.replace('""', '"') if quoted else (backtick or bare)
        if name in known and name not in out:
            out.append(name)
    return tuple(out)


_IDENT = re.compile(r'"((?:[^"]|"")+)"|`([^`]+)`|\b([A-Za-z_][\w$]*)\b')


def _table_from_sa(sat: sa.Table, by_values, row_spec, problems: list[str]) -> Table:
    qname = _qualified(sat.schema, sat.name)
    columns = []
    for col in sat.columns:
        columns.append(_column_from_sa(col, qname, by_values, problems))
    pk = None
    if sat.primary_key is not None and len(sat.primary_key.columns):
        pk = PrimaryKey(
            name=_pk_name(sat, problems),
            columns=tuple(c.name for c in sat.primary_key.columns),
            comment=sat.primary_key.comment,
        )
    fks, uniques, checks = [], [], []
    for const in sat.constraints:
        if isinstance(const, sa.PrimaryKeyConstraint):
            continue
        cols = tuple(c.name for c in const.columns) if hasattr(const, "columns") else ()
        if isinstance(const, sa.ForeignKeyConstraint):
            fks.append(_fk_from_sa(const, sat, problems))
        elif isinstance(const, sa.UniqueConstraint):
            name = _name_of(
                const, sat, "unique constraint", f"on ({', '.join(cols)})", problems, columns=cols
            )
            if name:
                uniques.append(Unique(name=name, columns=cols, comment=const.comment))
        elif isinstance(const, sa.CheckConstraint):
            if getattr(const, "_type_bound", False):
                continue  # implied by a Boolean/Enum type with create_constraint
            text = _sql(const.sqltext)
            name = _name_of(
                const,
                sat,
                "check constraint",
                repr(text),
                problems,
                check_columns=_check_columns(text, (c.name for c in sat.columns)),
            )
            if name:
                checks.append(Check(name=name, sqltext=text, comment=const.comment))
    indexes = []
    for ix in sat.indexes:
        indexes.append(_index_from_sa(ix, sat, problems))
    rows = _rows_for(sat, columns, pk, row_spec, problems)
    return Table(
        name=sat.name,
        schema=sat.schema,
        columns=tuple(columns),
        primary_key=pk,
        foreign_keys=tuple(f for f in fks if f),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(i for i in indexes if i),
        comment=sat.comment,
        rows=rows,
        renamed_from=(sat.info.get(INFO_HINTS) or {}).get("renamed_from"),
    )


def _pk_name(sat: sa.Table, problems: list[str]) -> str | None:
    """The primary key's name: given, or from the ``pk`` convention; None = the dialect's."""
    const = sat.primary_key
    name = const.name
    if isinstance(name, conv):
        return str(name)
    if name is None:
        return None  # left unnamed on purpose (to_metadata does this for "dialect default")
    if name is _NONE_NAME:
        try:
            derived = sa_naming._constraint_name_for_table(const, sat)
        except sa.exc.InvalidRequestError:
            return None
        return str(derived) if derived else None
    return _name_of(const, sat, "primary key", "", problems)


def _collatable(t: Any) -> bool:
    """A string type (not an enum): one with a ``collation`` (``sa.String(collation=)``)."""
    return isinstance(t, sa.String) and not isinstance(t, sa.Enum)


def _column_from_sa(col: sa.Column, qname: str, by_values, problems: list[str]) -> Column:
    try:
        type_text = _type_text(col.type, dialect=None, by_values=by_values)
    except Exception as e:  # noqa: BLE001 - any unsupported type is reported with its column
        fix = ""
        if any(not t.name for t in _enum_types(col.type)):
            fix = " (give the sa.Enum a name=..., or use a Python enum class)"
        problems.append(f"{qname}.{col.name}: type {col.type!r} is not supported: {e}{fix}")
        type_text = "?"
    server_default = on_update = None
    sd = col.server_default
    autoincrement = None if col.autoincrement == "auto" else bool(col.autoincrement)
    identity = generated = None
    if isinstance(sd, sa.Identity):
        sd, identity = None, "always" if sd.always else "by_default"
    elif isinstance(sd, sa.Computed):
        # persisted=None: read as stored (PostgreSQL's only kind of generated column)
        text = _sql(sd.sqltext)
        sd, generated = None, Generated(expression=text, stored=sd.persisted is not False)
    if sd is not None:
        if isinstance(sd, sa.DefaultClause):
            arg = sd.arg
            if isinstance(arg, str):
                # SQLAlchemy quotes a plain string; a database reads '0' on a numeric
                # column back as 0: the normal form a capture gives, so that a snapshot
                # of the models and one of a database they built agree
                server_default = normalise_server_default(
                    "'" + arg.replace("'", "''") + "'", type=type_text
                )
            else:
                from planner.dialects.mysql_on_update import split

                server_default, on_update = split(_sql(arg))
        else:
            problems.append(
                f"{qname}.{col.name}: server default {type(sd).__name__} is not supported "
                "(use server_default=sa.text(...))"
            )
    hints = col.info.get(INFO_HINTS) or {}
    collation = col.type.collation if _collatable(col.type) else None
    return Column(
        name=col.name,
        type=type_text,
        nullable=bool(col.nullable),
        autoincrement=autoincrement,
        server_default=server_default,
        on_update=on_update,
        comment=col.comment,
        renamed_from=hints.get("renamed_from"),
        backfill=hints.get("backfill"),
        identity=identity,
        generated=generated,
        collation=collation or None,
    )


def _fk_from_sa(const: sa.ForeignKeyConstraint, sat: sa.Table, problems) -> ForeignKey | None:
    cols = tuple(e.parent.name for e in const.elements)
    ref_schema, ref_table, ref_cols = None, None, []
    for e in const.elements:
        try:
            target = e.column  # resolved: names may contain dots
        except sa.exc.NoReferenceError:
            table_part, _, colname = e.target_fullname.rpartition(".")
            schema, _, table = table_part.rpartition(".")
            ref_cols.append(colname)
            ref_table, ref_schema = table, schema or None
        else:
            ref_cols.append(target.name)
            ref_table, ref_schema = target.table.name, target.table.schema
    name = _name_of(const, sat, "foreign key", f"on ({', '.join(cols)})", problems, columns=cols)
    if not name:
        return None
    return ForeignKey(
        name=name,
        columns=cols,
        ref_table=ref_table,
        ref_columns=tuple(ref_cols),
        ref_schema=ref_schema,
        ondelete=const.ondelete.upper() if const.ondelete else None,
        onupdate=const.onupdate.upper() if const.onupdate else None,
        comment=const.comment,
    )


def _index_from_sa(ix: sa.Index, sat: sa.Table, problems) -> Index | None:
    keyed = index_keys.from_sa_info(ix.info)  # elements to_metadata wrote
    cols: list = [] if keyed is None else list(keyed["columns"])
    for expr in ix.expressions if keyed is None else ():
        if isinstance(expr, sa.Column):
            cols.append(expr.name)
        elif isinstance(expr, str):
            cols.append(expr)
        else:
            problems.append(
                f"{_qualified(sat.schema, sat.name)}: index {ix.name!r} on an expression "
                "is not supported (index columns only)"
            )
            return None
    name = _name_of(ix, sat, "index", f"on ({', '.join(cols)})", problems, columns=tuple(cols))
    if not name:
        return None
    where = None
    for dialect in _partial_index_dialects():
        clause = (
            ix.dialect_options[dialect]._non_defaults.get("where")
            if dialect in ix.dialect_options
            else None
        )
        if clause is not None:
            where = _sql(clause)
            break
    comment = ix.info.get(INFO_COMMENT)
    return Index(
        name=name,
        **(keyed or {"columns": tuple(cols)}),
        unique=bool(ix.unique),
        where=where,
        **_index_method(ix),
        comment=None if comment is None else str(comment),
    )


def _index_method(ix: sa.Index) -> dict[str, Any]:
    """``using`` / ``include`` of a model's index (``postgresql_using=`` ...)."""
    from planner.dialects import all_dialects

    out: dict[str, Any] = {}
    for d in all_dialects():
        if d.has_index_methods and d.name in ix.dialect_options:
            opts = ix.dialect_options[d.name]._non_defaults
            if opts.get("using") not in (None, "btree"):
                out["using"] = str(opts["using"])
            if opts.get("with"):
                out["storage"] = index_keys.normal_storage(opts["with"].items())
            if opts.get("include"):
                out["include"] = tuple(c if isinstance(c, str) else c.name for c in opts["include"])
    return out


def _partial_index_dialects() -> tuple[str, ...]:
    """The dialects whose index options can hold a ``where`` (``postgresql_where`` ...)."""
    from planner.dialects import all_dialects

    return tuple(d.name for d in all_dialects() if d.has_partial_indexes)


def _rows_for(sat: sa.Table, columns, pk, row_spec, problems) -> RowSet | None:
    qname = _qualified(sat.schema, sat.name)
    spec = row_spec.get(qname, row_spec.get(sat.name) if sat.schema is None else None)
    if spec is None:
        stored = sat.info.get(INFO_ROWS)
        if stored is None:
            return None
        key, values = stored  # snapshot values already (to_metadata): kept as they are
        return RowSet(key=tuple(key), rows=tuple(FrozenMap(r) for r in values))
    elif isinstance(spec, Mapping):
        unknown = set(spec) - {"key", "values"}
        if unknown:
            problems.append(
                f"{qname}: rows: unknown key(s) {sorted(unknown)} (expected key, values)"
            )
        key, values = spec.get("key"), spec.get("values", [])
    else:
        key, values = None, spec
    if not key:
        key = pk.columns if pk else ()
    if not key:
        problems.append(f"{qname}: rows need a key (the table has no primary key; give 'key')")
        return None
    types = {c.name: c.type for c in columns}
    missing = [k for k in key if k not in types]
    if missing:
        problems.append(f"{qname}: row key column(s) {missing} not in the table")
        return None
    out = []
    for i, row in enumerate(values):
        if not isinstance(row, Mapping):
            problems.append(f"{qname}: row {i} is not a mapping of column -> value")
            continue
        bad = sorted(set(row) - set(types))
        if bad:
            problems.append(f"{qname}: row {i} names unknown column(s) {bad}")
            continue
        out.append(FrozenMap({k: _yaml(types[k], v) for k, v in row.items()}))
    return RowSet(key=tuple(key), rows=tuple(out))


def _yaml(type_text: str, value: Any) -> Any:
    if value is None:
        return None
    return freeze(coltypes.yaml_value(type_text, value))
