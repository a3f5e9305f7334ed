"""The snapshot's ``schemas``, ``extensions`` and ``sequences`` sections (PostgreSQL,
:mod:`planner.state.pg_objects`): reading with file:line problems, and writing.

```yaml
schemas:
  other: {comment: Reports}
extensions:
  hstore: {version: '1.8'}
sequences:
  tickets: {schema: other, start: 100, increment: 5, cycle: true}
  t_n_seq: {type: integer, owned_by: {table: t, column: n}}
  tickets_maria: {start: 100, cache: 50}   # MariaDB: start, increment, min/max, cache, cycle
```

Every key of an entry is optional (``other: {}`` is a schema with no comment).
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from planner.state.pg_objects import SEQUENCE_TYPES, Extension, Schema, Sequence

SCHEMA_KEYS = ("comment",)
EXTENSION_KEYS = ("version", "schema", "comment")
SEQUENCE_KEYS = (
    "schema",
    "type",
    "start",
    "increment",
    "min_value",
    "max_value",
    "cycle",
    "owned_by",
    "comment",
    "cache",
)
OWNED_KEYS = ("table", "column")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_MAP = "tag:yaml.org,2002:map"


def _body(shape: Any, value: Any, path: tuple, what: str, allowed: tuple) -> dict | None:
    if value is None:
        return {}
    return shape.mapping(value, path, what, allowed=allowed)


def _int(shape: Any, m: dict, key: str, path: tuple) -> tuple[bool, int | None]:
    v = m.get(key)
    if v is None:
        return True, None
    if isinstance(v, bool) or not isinstance(v, int):
        shape.add((*path, key), f"expected {key} as a whole number, found {v!r}", lossy=False)
        return False, None
    return True, v


def load_schemas(shape: Any, value: Any) -> tuple[Schema, ...]:
    out = []
    for name, body in shape.names_mapping(value, ("schemas",), "schemas").items():
        p = ("schemas", name)
        m = _body(shape, body, p, f"schema '{name}'", SCHEMA_KEYS)
        if m is None:
            continue
        comment = shape.text(m.get("comment"), (*p, "comment"), "a comment")
        out.append(Schema(name=name, comment=comment))
    return tuple(out)


def load_extensions(shape: Any, value: Any) -> tuple[Extension, ...]:
    out = []
    for name, body in shape.names_mapping(value, ("extensions",), "extensions").items():
        p = ("extensions", name)
        m = _body(shape, body, p, f"extension '{name}'", EXTENSION_KEYS)
        if m is None:
            continue
        version = shape.text(m.get("version"), (*p, "version"), "a version")
        schema = shape.text(m.get("schema"), (*p, "schema"), "a schema name")
        comment = shape.text(m.get("comment"), (*p, "comment"), "a comment")
        out.append(Extension(name=name, version=version, schema=schema, comment=comment))
    return tuple(out)


def load_sequences(shape: Any, value: Any, tables: list) -> tuple[Sequence, ...]:
    out = []
    by_key = {(t.schema, t.name): t for t in tables}
    for name, body in shape.names_mapping(value, ("sequences",), "sequences").items():
        p = ("sequences", name)
        m = _body(shape, body, p, f"sequence '{name}'", SEQUENCE_KEYS)
        if m is None:
            continue
        schema = shape.text(m.get("schema"), (*p, "schema"), "a schema name")
        comment = shape.text(m.get("comment"), (*p, "comment"), "a comment")
        type_ = shape.text(m.get("type"), (*p, "type"), "a sequence type") or "bigint"
        if type_ not in SEQUENCE_TYPES:
            shape.add(
                (*p, "type"),
                f"sequence {name!r}: unknown type {type_!r}",
                "one of: " + ", ".join(SEQUENCE_TYPES),
                lossy=False,
            )
            continue
        ok = True
        nums = {}
        for key in ("start", "increment", "min_value", "max_value", "cache"):
            good, nums[key] = _int(shape, m, key, p)
            ok = ok and good
        if nums["cache"] is not None and nums["cache"] < 1:
            shape.add(
                (*p, "cache"),
                f"sequence {name!r}: cache must be at least 1, found {nums['cache']}",
                "leave out cache: for the database's default",
                lossy=False,
            )
            ok = False
        cycle = shape.flag(m.get("cycle"), (*p, "cycle"), "cycle") or False
        owned = None
        if m.get("owned_by") is not None:
            o = shape.mapping(
                m["owned_by"], (*p, "owned_by"), "owned_by", allowed=OWNED_KEYS,
                required=OWNED_KEYS,
            )  # fmt: skip
            if o is None or not all(k in o for k in OWNED_KEYS):
                continue
            table = shape.text(o["table"], (*p, "owned_by", "table"), "a table name")
            column = shape.text(o["column"], (*p, "owned_by", "column"), "a column name")
            if table is None or column is None:
                continue
            t = by_key.get((schema, table))
            if t is None or not t.has_column(column):
                where = f"{schema}.{table}" if schema else table
                shape.add(
                    (*p, "owned_by"),
                    f"sequence {name!r} is owned by {where}.{column}, not a column of this "
                    "snapshot (a sequence is owned by a column of a table in its own schema)",
                    "name a column of tables:, or drop owned_by",
                    lossy=False,
                )
                continue
            owned = (table, column)
        if not ok:
            continue
        inc = nums["increment"] if nums["increment"] is not None else 1
        if inc == 0:
            shape.add((*p, "increment"), f"sequence {name!r}: increment must not be 0", lossy=False)
            continue
        seq = Sequence(
            name=name,
            schema=schema,
            type=type_,
            increment=inc,
            start=nums["start"],
            min_value=nums["min_value"],
            max_value=nums["max_value"],
            cycle=cycle,
            owned_by=owned,
            comment=comment,
            cache=nums["cache"],
        )
        lo, hi = seq.bounds()
        mn, mx, st = seq.effective()
        if not (lo <= mn <= mx <= hi) or not (mn <= st <= mx):
            shape.add(
                p,
                f"sequence {name!r}: needs {lo} <= min_value ({mn}) <= start ({st}) <= "
                f"max_value ({mx}) <= {hi}",
                "fix the bounds, or widen the type",
                lossy=False,
            )
            continue
        out.append(seq)
    return tuple(out)


def load(shape: Any, doc: dict, tables: list) -> dict[str, tuple]:
    """The three sections as keyword arguments of ``Snapshot``."""
    return {
        "schemas": load_schemas(shape, doc.get("schemas")),
        "extensions": load_extensions(shape, doc.get("extensions")),
        "sequences": load_sequences(shape, doc.get("sequences"), tables),
    }


# --------------------------------------------------------------------------- writing
def nodes(snapshot: Any, str_node: Any) -> list[tuple[str, Node]]:
    """``(section, node)`` of each non-empty section; ``str_node(text)`` writes a string
    as the writer does (quoted when YAML would read it otherwise)."""

    def _flow(pairs: list[tuple[str, Node]]) -> MappingNode:
        return MappingNode(_MAP, [(str_node(k), v) for k, v in pairs], flow_style=True)

    def _block(pairs: list[tuple[str, Node]]) -> MappingNode:
        return MappingNode(_MAP, [(str_node(k), v) for k, v in pairs], flow_style=False)

    _quoted = str_node
    out: list[tuple[str, Node]] = []
    if snapshot.schemas:
        items = []
        for s in snapshot.schemas:
            pairs = [("comment", str_node(s.comment))] if s.comment is not None else []
            items.append((s.name, _flow(pairs)))
        out.append(("schemas", _block(items)))
    if snapshot.extensions:
        items = []
        for e in snapshot.extensions:
            pairs = []
            if e.version is not None:
                pairs.append(("version", _quoted(e.version)))
            if e.schema is not None:
                pairs.append(("schema", str_node(e.schema)))
            if e.comment is not None:
                pairs.append(("comment", str_node(e.comment)))
            items.append((e.name, _flow(pairs)))
        out.append(("extensions", _block(items)))
    if snapshot.sequences:
        items = []
        for q in snapshot.sequences:
            pairs: list[tuple[str, Node]] = []
            if q.schema is not None:
                pairs.append(("schema", str_node(q.schema)))
            if q.type != "bigint":
                pairs.append(("type", ScalarNode(_STR, q.type)))
            for key in ("start", "increment", "min_value", "max_value"):
                v = getattr(q, key)
                if v is not None and not (key == "increment" and v == 1):
                    pairs.append((key, ScalarNode(_INT, str(v))))
            if q.cache is not None:
                pairs.append(("cache", ScalarNode(_INT, str(q.cache))))
            if q.cycle:
                pairs.append(("cycle", ScalarNode(_BOOL, "true")))
            if q.owned_by is not None:
                owned = [("table", str_node(q.owned_by[0])), ("column", str_node(q.owned_by[1]))]
                pairs.append(("owned_by", _flow(owned)))
            if q.comment is not None:
                pairs.append(("comment", str_node(q.comment)))
            items.append((q.name, _flow(pairs)))
        out.append(("sequences", _block(items)))
    return out
