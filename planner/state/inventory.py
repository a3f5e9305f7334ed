"""The inventory: every object in the catalog of the captured schemas, and what dbplan
does with each one ("never silent").

A capture models tables, columns, keys, uniques, checks, indexes, enums and managed rows
(and on PostgreSQL routines, schemas, extensions and sequences: :mod:`.pg_objects`).
Every other object of the captured schemas is *inventoried* by the dialect's
``<name>_inventory`` module (``planner/dialects/``) and then either

- listed in the snapshot's ``unmanaged`` section (:class:`~planner.state.model.Unmanaged`:
  dbplan leaves it alone, never creates, alters or drops it), or
- **refused**: the capture fails naming each one and how to proceed, because dbplan
  would model its table wrongly and the next revision would fail or lose it (a
  partition's own key …).

``drift`` and ``verify`` compare the same inventory (:func:`compare`), so an object on
one side only is a reported difference, and an object the database holds but the
snapshot does not list is never "ok".

Example:
    >>> from planner.state.model import Snapshot, Unmanaged
    >>> a = Snapshot(release="1", unmanaged=(Unmanaged(kind="view", name="v"),))
    >>> compare(Snapshot(release="1"), a)
    ['view v: missing (the snapshot lists it as unmanaged)']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from planner.dialects import postgresql_properties as pg_properties
from planner.dialects.base import PRIMARY
from planner.errors import DbplanError
from planner.state.model import Routine, Snapshot, Unmanaged

#: kind -> what it is, for people. Kinds marked ``table`` in :data:`TABLE_KINDS` belong to
#: a table (``table:`` names it); the others stand alone in their schema or database.
KINDS: dict[str, str] = {
    # objects of their own
    "schema": "a schema that is not captured (with everything in it)",
    "view": "a view",
    "materialized_view": "a materialized view",
    "foreign_table": "a foreign table",
    "function": "a function (name with its argument types)",
    "procedure": "a stored procedure",
    "aggregate": "an aggregate function",
    "trigger": "a trigger on a table or view",
    "event": "a scheduled event (MariaDB)",
    "event_trigger": "an event trigger (PostgreSQL, database-wide)",
    "sequence": "a sequence (MariaDB; PostgreSQL models them: sequences)",
    "extension": "an extension (PostgreSQL models them: extensions)",
    "collation": "a collation",
    "domain": "a domain",
    "type": "a composite, range or base type",
    "operator": "an operator",
    "operator_class": "an operator class",
    "operator_family": "an operator family",
    "cast": "a cast",
    "conversion": "an encoding conversion",
    "text_search": "a text search configuration, dictionary, parser or template",
    "statistics": "extended statistics",
    "publication": "a logical replication publication",
    "foreign_server": "a foreign server or foreign-data wrapper",
    "policy": "a row-level security policy of a table dbplan does not model",
    "rule": "a rewrite rule",
    "comment": "a comment on an object dbplan models without its comment (a constraint "
    "it does not model, the index of a key, a function, procedure or trigger left alone, an "
    "extension's comment other than its control file's), named '<kind> <name>'",
    "exclusion_constraint": "an exclusion constraint dbplan does not model (deferrable, an operator "
    "class, INCLUDE or ordering of its own; the others are a table's exclusions)",
    "index": "an index dbplan cannot model (PostgreSQL: NULLS NOT DISTINCT, operator class "
    "parameters; MariaDB/SQLite: an expression, DESC, COLLATE; a length prefix …); not in the "
    "table's indexes",
    # properties of modelled objects: dbplan models the object, not this property
    "deferrable": "a DEFERRABLE constraint dbplan does not model as deferrable (a "
    "constraint trigger's, or an SQLite foreign key's; PostgreSQL keys, uniques and "
    "foreign keys say deferrable:)",
    "unlogged": "an UNLOGGED relation dbplan does not model as unlogged (a partition "
    "or child table; a table says unlogged: true)",
    "row_level_security": "row-level security of a table dbplan does not model, or "
    "forced without being enabled",
    "collate": "a column with a COLLATE of its own dbplan does not model (on a type that "
    "is not a string, or a PostgreSQL collation of another schema)",
    "grants": "privileges granted on a table or view (named by it), or on a sequence, "
    "function, procedure or type (named 'sequence s', 'function f(integer)', 'type t')",
    "owner": "the owner of a table, view, sequence, function, procedure, type or schema "
    "that is not the database's owner (named like grants: 't', 'sequence s', 'schema "
    "ops'): dbplan creates objects as the user it connects as",
    "default_privileges": "default privileges (ALTER DEFAULT PRIVILEGES) of a role, on "
    "the objects it creates (named '<role> tables', '<role> sequences' …), database-wide "
    "or in a schema",
    "tablespace": "a table, view or index (named 'index <name>') stored in a tablespace "
    "other than the database's default",
    "not_populated": "a materialized view created WITH NO DATA (dbplan creates it populated)",
    "sequence_options": "the options (START, INCREMENT, CACHE …) of a serial key's "
    "sequence, named by its column (dbplan models the column's autoincrement)",
    "view_options": "a view's ALGORITHM or SQL SECURITY other than UNDEFINED / DEFINER "
    "(MariaDB; dbplan creates the defaults)",
    "trigger_order": "a table whose triggers of one timing and event fire in an order "
    "(FOLLOWS / PRECEDES) other than their names' (MariaDB; dbplan creates them in name "
    "order)",
    "partitioning": "a partitioned table (MariaDB: modelled, but not its partitions)",
    "without_rowid": "a WITHOUT ROWID table (SQLite: modelled, but not the property)",
    "storage_parameters": "storage parameters of a table (WITH (fillfactor = ...))",
    "replica_identity": "a table's REPLICA IDENTITY other than DEFAULT",
    "clustered": "a table CLUSTER-ed ON one of its indexes",
    "typed_table": "a typed table (CREATE TABLE ... OF type): dbplan creates a plain one",
    "nulls_not_distinct": "a unique constraint NULLS NOT DISTINCT",
    "no_inherit": "a check constraint NO INHERIT",
    "view_column_default": "a default given to a column of a view",
    "column_storage": "a column's SET STORAGE other than its type's default",
    "column_compression": "a column's SET COMPRESSION (PostgreSQL) or COMPRESSED (MariaDB)",
    "column_statistics": "a column's SET STATISTICS target",
    "column_options": "a column's attribute options (SET (n_distinct = ...))",
    "not_valid": "a check or foreign key added NOT VALID (dbplan creates it validated)",
    "match_full": "a foreign key MATCH FULL (dbplan creates MATCH SIMPLE)",
    "action_columns": "a foreign key ON DELETE SET NULL / SET DEFAULT (columns): dbplan "
    "models the action on all the key's columns",
    "trigger_disabled": "a trigger disabled, or enabled REPLICA or ALWAYS only",
    "strict": "a STRICT table (SQLite: modelled, but not the property)",
    "autoincrement": "a table whose INTEGER PRIMARY KEY says AUTOINCREMENT (SQLite: "
    "modelled, but not the keyword)",
    "on_conflict": "a table with an ON CONFLICT clause on a constraint (SQLite)",
    "engine": "a table of an ENGINE other than the server's default (MariaDB/MySQL: "
    "modelled, but not its engine)",
    "table_options": "a table with declared options (MariaDB/MySQL ROW_FORMAT, "
    "KEY_BLOCK_SIZE, STATS_PERSISTENT, AUTO_INCREMENT start …: modelled, but not them)",
    "charset": "a table whose default character set / collation is not the database's "
    "(MariaDB/MySQL: modelled, but not its collation)",
    "invisible": "an INVISIBLE column (MariaDB/MySQL: modelled, but as a visible one)",
}

#: kinds that belong to a table (the entry's ``table``)
TABLE_KINDS = frozenset(
    {
        "trigger",
        "policy",
        "rule",
        "exclusion_constraint",
        "index",
        "deferrable",
        "collate",
        "invisible",
        "sequence_options",
        *pg_properties.ON_TABLE,  # a column's, a constraint's, a trigger's settings
    }
)

#: kinds a capture refuses: dbplan would model the table wrongly. kind -> how to proceed
REFUSED: dict[str, str] = {
    "identity_options": (
        "identity columns are modelled with their sequence's default options (START 1, "
        "INCREMENT 1, no MINVALUE/MAXVALUE/CACHE/CYCLE of its own): reset them (ALTER "
        "TABLE ... ALTER COLUMN ... SET INCREMENT BY 1 ...) or keep this database's "
        "migrations by hand"
    ),
    "partition_key": (
        "a partition's own primary key, unique or foreign key is not modelled (a "
        "partition's keys are its parent's): declare it on the partitioned table, or keep "
        "this database's migrations by hand"
    ),
    "inheritance": (
        "a key, index or foreign key of an inheritance child on an inherited column is not "
        "modelled (the child lists its own columns only): drop it, or keep this "
        "database's migrations by hand"
    ),
    "type_outside": (
        "the column's type lives in a schema that is not captured: capture that schema "
        "too, or move the type"
    ),
    "virtual_table": (
        "virtual tables (and their shadow tables) are not modelled: dbplan would capture "
        "the shadow tables as plain ones; keep this database's migrations by hand"
    ),
    "system_versioned": (
        "system-versioned tables are not modelled: dbplan would create a plain table; "
        "remove the versioning or keep this database's migrations by hand"
    ),
}


class InventoryError(DbplanError):
    """The database holds objects that dbplan refuses to capture (see :data:`REFUSED`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """One object of the inventory; ``detail`` says more about a refused one."""

    obj: Unmanaged
    detail: str = ""
    #: the creating statement of an object dbplan models (a Routine), None if left alone
    definition: str | None = None
    #: the comment of an object with a definition (``COMMENT ON``), None if none
    comment: str | None = None

    @property
    def refused(self) -> bool:
        return self.obj.kind in REFUSED


def label(u: Unmanaged) -> str:
    """``view other.v``, ``trigger trg on sites``.

    Example:
        >>> label(Unmanaged(kind="trigger", name="trg", table="sites", schema="ops"))
        'trigger trg on ops.sites'
    """
    q = f"{u.schema}." if u.schema else ""
    if u.table is not None:
        return f"{u.kind} {u.name} on {q}{u.table}"
    return f"{u.kind} {q}{u.name}"


# --------------------------------------------------------------------------- capture
def take(conn: Any, dialect: Any, snapshot: Snapshot | None, schemas: Iterable[str | None]):
    """The inventory of the captured ``schemas`` (None: the default schema), sorted.

    ``snapshot`` is what the capture modelled so far (None before reflection: refused
    objects only need the catalog). The dialect's ``inventory`` part does the querying.
    """
    found = dialect.part("inventory").inventory(conn, snapshot, list(schemas))
    # one entry per object (equality ignores the fingerprint): the first in order
    order = sorted(found, key=lambda f: (f.obj.sort_key, f.obj.fingerprint or ""))
    return list(dict.fromkeys(order))


def fingerprint(*parts: object) -> str:
    """The :attr:`~planner.state.model.Unmanaged.fingerprint` of an object whose
    definition the catalog shows as ``parts`` (its text, settings, comment …): 16 hex
    digits of their SHA-256, the same for the same parts on every run.

    Example:
        >>> fingerprint("FULLTEXT", "title,body")
        '981a67a63b854bff'
        >>> fingerprint("FULLTEXT", "body") != fingerprint("FULLTEXT", "title,body")
        True
    """
    import hashlib

    text = "\0".join("\1" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def refuse(found: Iterable[Found]) -> None:
    """Raise :class:`InventoryError` listing every refused object and how to proceed."""
    refused = sorted((f for f in found if f.refused), key=lambda f: f.obj.sort_key)
    if not refused:
        return
    lines = [f"the database holds {len(refused)} object(s) dbplan cannot model or leave alone:"]
    for f in refused:
        lines.append(f"  {label(f.obj)}" + (f" ({f.detail})" if f.detail else ""))
    lines.append("how to proceed:")
    for kind in sorted({f.obj.kind for f in refused}):
        lines.append(f"  {kind}: {REFUSED[kind]}")
    raise InventoryError("\n".join(lines))


def attach(snapshot: Snapshot, found: Iterable[Found], dialect: str = PRIMARY) -> Snapshot:
    """``snapshot`` with the inventory listed as ``unmanaged`` (what has a definition as
    ``routines`` of ``dialect``, the captured database's), and every index it lists
    taken out of the modelled indexes (dbplan would re-create it wrongly).

    Example:
        >>> s = attach(Snapshot(release="1"), [Found(obj=Unmanaged(kind="view", name="v"))])
        >>> [u.name for u in s.unmanaged]
        ['v']
    """
    found = list(found)
    drop = {(f.obj.schema, f.obj.table, f.obj.name) for f in found if f.obj.kind == "index"}
    if drop:
        tables = []
        for t in snapshot.tables:
            keep = tuple(i for i in t.indexes if (t.schema, t.name, i.name) not in drop)
            tables.append(t if keep == t.indexes else dataclasses.replace(t, indexes=keep))
        snapshot = dataclasses.replace(snapshot, tables=tuple(tables))
    routines = tuple(
        Routine(
            kind=f.obj.kind,
            name=f.obj.name,
            schema=f.obj.schema,
            table=f.obj.table,
            definition=f.definition,
            dialect=dialect,
            comment=f.comment,
        )
        for f in found
        if f.definition is not None
    )
    unmanaged = tuple(f.obj for f in found if f.definition is None)
    return dataclasses.replace(snapshot, unmanaged=unmanaged, routines=routines)


def capture(conn: Any, dialect: Any, snapshot: Snapshot, schemas) -> Snapshot:
    """:func:`take` the inventory, :func:`refuse` what dbplan cannot leave alone (a new
    snapshot, drift and verify alike: the model of such a table would be wrong, so no
    comparison of it can be "ok"), and :func:`attach` the rest."""
    found = take(conn, dialect, snapshot, schemas)
    refuse(found)
    from planner.state import views  # the views dbplan models leave the inventory

    snap = views.capture(conn, dialect, attach(snapshot, found, dialect.name), list(schemas))
    return on_unmodelled_back(snap)


def on_unmodelled_back(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` with each trigger whose table or view it does not model (a view left
    alone) moved back to ``unmanaged``: the trigger goes and comes with its view.

    Example:
        >>> r = Routine(kind="trigger", name="x", table="v", definition="CREATE TRIGGER ...")
        >>> s = on_unmodelled_back(Snapshot(release="1", routines=(r,)))
        >>> [label(u) for u in s.unmanaged], s.routines
        (['trigger x on v'], ())
    """
    holders = {t.key for t in snapshot.tables} | {v.key for v in snapshot.views}
    back = [
        r for r in snapshot.routines if r.table is not None and (r.schema, r.table) not in holders
    ]
    if not back:
        return snapshot
    keep = tuple(r for r in snapshot.routines if r not in back)
    moved = [Unmanaged(kind=r.kind, name=r.name, schema=r.schema, table=r.table) for r in back]
    # its comment goes back with it (listed as before dbplan modelled routine comments)
    moved += [
        Unmanaged(kind="comment", name=f"trigger {r.name} on {r.table}", schema=r.schema)
        for r in back
        if r.comment is not None
    ]
    unmanaged = tuple(sorted((*snapshot.unmanaged, *moved), key=lambda u: u.sort_key))
    return dataclasses.replace(snapshot, routines=keep, unmanaged=unmanaged)


# --------------------------------------------------------------------------- compare
def compare(actual: Snapshot, expected: Snapshot) -> list[str]:
    """The differences between the inventories of ``actual`` (captured) and ``expected``.

    Example:
        >>> v = Snapshot(release="1", unmanaged=(Unmanaged(kind="view", name="v"),))
        >>> compare(v, Snapshot(release="1"))
        ['view v: in the database, not in the snapshot (list it under unmanaged, or drop it)']
    """
    from planner.state import (
        pg_objects,  # schemas, extensions, sequences
        policies,  # row-level security and policies of the tables
        views,  # the views dbplan manages
    )

    actual = views.as_listed(actual, expected)
    out = (
        _compare_routines(actual, expected)
        + views.compare(actual, expected)
        + pg_objects.compare(actual, expected)
        + policies.compare(actual, expected)
    )
    have, need = set(actual.unmanaged), set(expected.unmanaged)
    for u in sorted(need - have, key=lambda u: u.sort_key):
        out.append(f"{label(u)}: missing (the snapshot lists it as unmanaged)")
    for u in sorted(have - need, key=lambda u: u.sort_key):
        out.append(
            f"{label(u)}: in the database, not in the snapshot "
            "(list it under unmanaged, or drop it)"
        )
    return out + _compare_fingerprints(actual, expected)


def _compare_fingerprints(actual: Snapshot, expected: Snapshot) -> list[str]:
    """Objects on both sides whose fingerprints differ (an entry without one, e.g.
    written by hand, is compared by its name only).

    Example:
        >>> a = Snapshot(release="1", unmanaged=(Unmanaged(kind="view", name="v", fingerprint="1"),))
        >>> b = Snapshot(release="1", unmanaged=(Unmanaged(kind="view", name="v", fingerprint="2"),))
        >>> _compare_fingerprints(a, b)
        ['view v: definition changed (fingerprint 1, snapshot says 2; take a new snapshot if the change is meant)']
        >>> _compare_fingerprints(a, Snapshot(release="1", unmanaged=(Unmanaged(kind="view", name="v"),)))
        []
    """
    need = {u: u.fingerprint for u in expected.unmanaged if u.fingerprint is not None}
    out = []
    for u in actual.unmanaged:
        want = need.get(u)
        if want is not None and u.fingerprint is not None and u.fingerprint != want:
            out.append(
                f"{label(u)}: definition changed (fingerprint {u.fingerprint}, snapshot "
                f"says {want}; take a new snapshot if the change is meant)"
            )
    return out


def _compare_routines(actual: Snapshot, expected: Snapshot) -> list[str]:
    """Routines of one side only, and definitions that differ in meaning (as their
    dialect compares them: :func:`~planner.state.routines_yaml.same_definition`).
    ``expected`` holds the routines of the captured database's dialect
    (``capture.normalise_for``)."""
    from planner.state.routines_yaml import same_definition

    have = {r.key: r for r in actual.routines}
    need = {r.key: r for r in expected.routines}
    out = []
    for key in sorted(need.keys() - have.keys(), key=str):
        out.append(f"{label(_as_entry(need[key]))}: missing")
    for key in sorted(have.keys() - need.keys(), key=str):
        out.append(f"{label(_as_entry(have[key]))}: in the database, not in the snapshot")
    for key in sorted(have.keys() & need.keys(), key=str):
        if not same_definition(have[key], need[key]):
            out.append(f"{label(_as_entry(need[key]))}: definition differs from the snapshot's")
        elif have[key].comment != need[key].comment:
            out.append(
                f"{label(_as_entry(need[key]))}: comment {have[key].comment!r} in the "
                f"database, {need[key].comment!r} in the snapshot"
            )
    return out


def _as_entry(r: Routine) -> Unmanaged:
    return Unmanaged(kind=r.kind, name=r.name, schema=r.schema, table=r.table)
