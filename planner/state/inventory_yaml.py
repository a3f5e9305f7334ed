"""The snapshot's ``unmanaged`` section: reading (with file:line problems) and writing.

```yaml
unmanaged:
- {kind: extension, name: hstore}
- {kind: trigger, name: trg_touch, table: sites}
- {kind: view, name: v_active, schema: reports, fingerprint: 6f1c0d2a9b3e4f51}
```

Each entry is a flow mapping with ``kind`` (:data:`planner.state.inventory.KINDS`) and
``name``, ``table`` for the kinds that belong to a table, ``schema`` outside the default
schema, and ``fingerprint`` (16 hex digits, written by a capture: a digest of the
object's definition, so that ``drift`` sees one changed by hand). Entries are written
sorted by (kind, schema, table, name).
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from planner.dialects import postgresql_properties as pg_properties
from planner.state.inventory import KINDS, REFUSED, TABLE_KINDS
from planner.state.model import Snapshot, Table, Unmanaged

ENTRY_KEYS = ("kind", "name", "schema", "table", "fingerprint")
_HEX = frozenset("0123456789abcdef")

#: kinds whose ``name`` is a table (or view) of the snapshot: properties of it
_OF_TABLE = frozenset(
    {
        "unlogged",
        "row_level_security",
        "grants",
        "owner",
        "tablespace",
        "not_populated",
        "view_options",
        "trigger_order",
        "partitioning",
        "without_rowid",
        "strict",
        *pg_properties.OF_TABLE,  # PostgreSQL's settings of a table
        "autoincrement",
        "on_conflict",
        "engine",
        "table_options",
        "charset",
    }
)
#: unmanaged kinds that hold triggers, rules, grants … like a table does
_TABLE_LIKE = frozenset({"view", "materialized_view", "foreign_table"})


def load(shape: Any, value: Any, tables: list[Table]) -> tuple[Unmanaged, ...]:
    """The entries of ``unmanaged`` (``value`` as parsed), problems added to ``shape``
    (the loader's :class:`~planner.state.shape.Shape`: ``add``, ``mapping``, ``text``)."""
    if value is None:
        return ()
    path = ("unmanaged",)
    if not isinstance(value, list):
        shape.add(
            path,
            f"expected a list of entries like {{kind: view, name: v}}, found {type(value).__name__}",
            "write unmanaged: [] for none",
        )
        return ()
    out: list[tuple[Unmanaged, tuple]] = []
    for i, item in enumerate(value):
        p = (*path, i)
        m = shape.mapping(
            item, p, "an unmanaged entry", allowed=ENTRY_KEYS, required=("kind", "name")
        )
        if m is None or "kind" not in m or "name" not in m:
            continue
        kind = shape.text(m["kind"], (*p, "kind"), "an object kind")
        name = shape.text(m["name"], (*p, "name"), "a name")
        schema = shape.text(m.get("schema"), (*p, "schema"), "a schema name")
        table = shape.text(m.get("table"), (*p, "table"), "a table name")
        digest = shape.text(m.get("fingerprint"), (*p, "fingerprint"), "a fingerprint")
        if kind is None or name is None:
            continue
        if digest is not None and (len(digest) != 16 or not set(digest) <= _HEX):
            shape.add(
                (*p, "fingerprint"),
                f"expected 16 lower-case hex digits (as a capture writes), found {digest!r}",
                "remove fingerprint: (the object is then compared by its name only)",
                lossy=False,
            )
            continue
        if not name:
            shape.add((*p, "name"), "empty name")
            continue
        if kind in REFUSED:
            shape.add(
                (*p, "kind"),
                f"dbplan cannot leave a {kind} alone: {REFUSED[kind]}",
                lossy=False,
            )
            continue
        if kind not in KINDS:
            shape.add(
                (*p, "kind"),
                f"unknown kind {kind!r} of an unmanaged object",
                "one of: " + ", ".join(sorted(KINDS)),
                lossy=False,
            )
            continue
        if kind in TABLE_KINDS and table is None:
            shape.add(p, f"a {kind} belongs to a table: add table: <its table>", at_key=True)
            continue
        if kind not in TABLE_KINDS and table is not None:
            shape.add((*p, "table"), f"a {kind} does not belong to a table", "remove table:")
            continue
        u = Unmanaged(kind=kind, name=name, schema=schema, table=table, fingerprint=digest)
        out.append((u, p))
    _check(shape, out, tables)
    return tuple(u for u, _ in out)


#: the prefixes of a ``grants`` or ``owner`` entry's name that is not a table or view
GRANTS_ON_OTHER = ("sequence ", "function ", "procedure ", "type ", "schema ", "index ")


def _check(shape: Any, entries: list[tuple[Unmanaged, tuple]], tables: list[Table]) -> None:
    """Duplicates, and entries that name a table the snapshot does not have."""
    by_key = {(t.schema, t.name): t for t in tables}
    holders = set(by_key) | {(u.schema, u.name) for u, _ in entries if u.kind in _TABLE_LIKE}
    seen: dict[Unmanaged, tuple] = {}
    for u, p in entries:
        if u in seen:
            shape.add(p, f"{u.kind} {u.name!r} is listed twice", "remove one entry", lossy=False)
            continue
        seen[u] = p
        owner = u.table if u.kind in TABLE_KINDS else (u.name if u.kind in _OF_TABLE else None)
        if u.kind in ("grants", "owner", "tablespace") and u.name.startswith(GRANTS_ON_OTHER):
            owner = None  # of a sequence, function, procedure, type or schema, by its kind
        if owner is None:
            continue
        where = "table" if u.kind in TABLE_KINDS else "name"
        if (u.schema, owner) not in holders:
            shape.add(
                (*p, where),
                f"{u.kind} {u.name!r}: no table {owner!r} in this snapshot",
                "name a table of tables: (or an unmanaged view)",
                lossy=False,
            )
            continue
        t = by_key.get((u.schema, owner))
        if u.kind == "index" and t is not None and any(i.name == u.name for i in t.indexes):
            shape.add(
                p,
                f"index {u.name!r} of {owner!r} is both modelled and listed as unmanaged",
                "remove one of them",
                lossy=False,
            )


def node(snapshot: Snapshot, value_node: Any) -> Node:
    """The ``unmanaged`` section: a block list of flow mappings (``value_node`` is the
    writer's node of a plain value, so strings quote as everywhere in the file)."""
    items = []
    for u in snapshot.unmanaged:
        entry = {"kind": u.kind, "name": u.name}
        if u.schema is not None:
            entry["schema"] = u.schema
        if u.table is not None:
            entry["table"] = u.table
        if u.fingerprint is not None:
            entry["fingerprint"] = u.fingerprint
        # in this order (a map's keys would be sorted): what it is first, its digest last
        pairs = [(value_node(k), value_node(v)) for k, v in entry.items()]
        items.append(MappingNode("tag:yaml.org,2002:map", pairs, flow_style=True))
    return SequenceNode("tag:yaml.org,2002:seq", items, flow_style=False)
