"""The snapshot's ``views`` section (views and materialized views dbplan manages by their
definition): reading with file:line problems, and writing.

```yaml
views:
- name: v_active
  definition: |-
    SELECT sites.id, sites.name FROM sites WHERE sites.active
  reads:
  - {table: sites, columns: [active, id, name]}
- name: mv_totals
  schema: reports
  kind: materialized_view
  definition: SELECT ...
  indexes:
    ix_mv_totals_site: {columns: [site], unique: true}
  comment: Totals per site
```

``definition`` is the SELECT body (no ``CREATE VIEW ... AS``); ``reads`` (optional) names
what it reads, for ordering; without it dbplan parses the definition. Entries are written
sorted by (schema, name).
"""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.state.model import Index, Snapshot, Table, View, ViewRead

ENTRY_KEYS = (
    "name",
    "schema",
    "kind",
    "definition",
    "reads",
    "indexes",
    "comment",
    "column_comments",
)
READ_KEYS = ("table", "enum", "schema", "columns")
INDEX_KEYS = ("columns", "unique", "where", "using", "include", "comment", "with")
VIEW_KINDS = ("view", "materialized_view")
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_CREATE = re.compile(r"\s*CREATE\s+(OR\s+REPLACE\s+)?(MATERIALIZED\s+)?VIEW\b", re.I)


def load(shape: Any, value: Any, tables: list[Table]) -> tuple[View, ...]:
    """The entries of ``views`` (``value`` as parsed); problems go to ``shape`` (the
    loader's ``Shape``: ``add``, ``mapping``, ``text``, ``names``, ``flag``)."""
    if value is None:
        return ()
    path = ("views",)
    if not isinstance(value, list):
        shape.add(path, "expected a list of views (name, definition)", "write views: [] for none")
        return ()
    tables_by_key = {(t.schema, t.name) for t in tables}
    out: list[View] = []
    seen: set[tuple] = set()
    for i, item in enumerate(value):
        p = (*path, i)
        m = shape.mapping(item, p, "a view", allowed=ENTRY_KEYS, required=("name", "definition"))
        if m is None or "name" not in m or "definition" not in m:
            continue
        name = shape.text(m["name"], (*p, "name"), "a view name")
        definition = shape.text(m["definition"], (*p, "definition"), "a SELECT statement (SQL)")
        schema = shape.text(m.get("schema"), (*p, "schema"), "a schema name")
        kind = shape.text(m.get("kind", "view"), (*p, "kind"), "a view kind")
        comment = shape.text(m.get("comment"), (*p, "comment"), "a comment")
        if None in (name, definition, kind):
            continue
        if not name:
            shape.add((*p, "name"), "empty view name")
            continue
        if kind not in VIEW_KINDS:
            shape.add(
                (*p, "kind"),
                f"unknown view kind {kind!r}",
                "one of: " + ", ".join(VIEW_KINDS),
                lossy=False,
            )
            continue
        if _CREATE.match(definition):
            shape.add(
                (*p, "definition"),
                f"the definition of view {name!r} is its SELECT body, not the CREATE statement",
                "remove 'CREATE VIEW ... AS' and keep the query",
                lossy=False,
            )
            continue
        if not definition.strip():
            shape.add((*p, "definition"), f"view {name!r} has an empty definition")
            continue
        from planner.viewsql import statement_refusal

        refused = statement_refusal(definition)
        if refused is not None:
            shape.add(
                (*p, "definition"),
                f"the definition of view {name!r} is not one statement: {refused}",
                "keep the one query; a statement of its own belongs in a data step",
                lossy=False,
            )
            continue
        key = (schema, name)
        if key in tables_by_key:
            shape.add(
                (*p, "name"),
                f"view {name!r} has the name of a table of this snapshot",
                "a view and a table share one namespace: rename one",
                lossy=False,
            )
            continue
        if key in seen:
            shape.add(p, f"view {name!r} is listed twice", "remove one entry", lossy=False)
            continue
        seen.add(key)
        reads = _reads(shape, m.get("reads"), (*p, "reads"))
        indexes = _indexes(shape, m.get("indexes"), (*p, "indexes"))
        if indexes and kind != "materialized_view":
            shape.add(
                (*p, "indexes"),
                f"view {name!r}: only a materialized view has indexes",
                "remove indexes:, or write kind: materialized_view",
                lossy=False,
            )
            continue
        column_comments = _column_comments(shape, m.get("column_comments"), (*p, "column_comments"))
        out.append(
            View(
                name=name,
                schema=schema,
                kind=kind,
                definition=definition,
                indexes=indexes,
                comment=comment,
                column_comments=column_comments,
                reads=reads,
            )
        )
    return tuple(out)


def _column_comments(shape: Any, value: Any, path: tuple) -> tuple[tuple[str, str], ...]:
    """``column_comments: {column: comment}`` of a view (PostgreSQL)."""
    if value is None:
        return ()
    m = shape.mapping(value, path, "the comments of the view's columns")
    if m is None:
        return ()
    out = []
    for col, text in m.items():
        comment = shape.text(text, (*path, col), "a comment")
        if isinstance(col, str) and col and comment is not None:
            out.append((col, comment))
        elif not isinstance(col, str) or not col:
            shape.add(path, f"expected a column name, found {col!r}", "write column: comment")
    return tuple(out)


def as_holders(views: tuple[View, ...]) -> list[Table]:
    """The views as tables (name and indexes only): what unmanaged entries of a view
    (a trigger, grants, an index dbplan cannot model) are checked against."""
    return [Table(name=v.name, schema=v.schema, indexes=v.indexes) for v in views]


def _reads(shape: Any, value: Any, path: tuple) -> tuple[ViewRead, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        shape.add(path, "expected a list like [{table: sites, columns: [id]}, {enum: mood}]")
        return ()
    out = []
    for i, item in enumerate(value):
        p = (*path, i)
        m = shape.mapping(item, p, "a read", allowed=READ_KEYS)
        if m is None:
            continue
        if ("table" in m) == ("enum" in m):
            shape.add(p, "a read names either table: or enum:", "e.g. {table: sites}")
            continue
        kind = "table" if "table" in m else "enum"
        name = shape.text(m[kind], (*p, kind), f"a {kind} name")
        schema = shape.text(m.get("schema"), (*p, "schema"), "a schema name")
        columns: tuple[str, ...] | None = ()
        if "columns" in m:
            if kind == "enum":
                shape.add((*p, "columns"), "an enum has no columns", "remove columns:")
                continue
            columns = shape.names(m["columns"], (*p, "columns"), "columns", allow_empty=True)
        if name and columns is not None:
            out.append(ViewRead(kind=kind, name=name, schema=schema, columns=tuple(columns)))
    return tuple(out)


def _indexes(shape: Any, value: Any, path: tuple) -> tuple[Index, ...]:
    out = []
    for iname, body in shape.names_mapping(value, path, "indexes").items():
        ip = (*path, iname)
        ix = shape.mapping(body, ip, f"index '{iname}'", allowed=INDEX_KEYS, required=("columns",))
        if ix is None or "columns" not in ix:
            continue
        from planner.state import index_keys

        cols = index_keys.read_columns(shape, ix["columns"], (*ip, "columns"))
        if cols is None:
            continue
        unique = shape.flag(ix.get("unique"), (*ip, "unique"), "unique")
        where = shape.text(ix.get("where"), (*ip, "where"), "an SQL predicate", sql=True)
        extra = index_keys.read_extra(shape, ix, ip)
        out.append(Index(name=iname, **cols, unique=bool(unique), where=where, **extra))
    return tuple(out)


def _scalar(text: str) -> ScalarNode:
    # a multi-line definition as a literal block (the emitter falls back to a quoted
    # scalar when the text cannot be one, e.g. trailing blanks on a line)
    return ScalarNode(_STR, text, style="|" if "\n" in text else None)


def node(snapshot: Snapshot, value_node: Any) -> Node:
    """The ``views`` section: a block list of block mappings (``value_node`` is the
    writer's node of a plain value, so names quote as everywhere in the file)."""
    items = []
    for v in snapshot.views:
        pairs: list[tuple[str, Node]] = [("name", value_node(v.name))]
        if v.schema is not None:
            pairs.append(("schema", value_node(v.schema)))
        if v.kind != "view":
            pairs.append(("kind", value_node(v.kind)))
        pairs.append(("definition", _scalar(v.definition)))
        if v.reads:
            reads = []
            for r in v.reads:
                entry: list[tuple[str, Any]] = [(r.kind, r.name)]
                if r.schema is not None:
                    entry.append(("schema", r.schema))
                if r.columns:
                    entry.append(("columns", list(r.columns)))
                flow = [(value_node(k), value_node(x)) for k, x in entry]
                reads.append(MappingNode(_MAP, flow, flow_style=True))
            pairs.append(("reads", SequenceNode(_SEQ, reads, flow_style=False)))
        if v.indexes:
            ixs = []
            for ix in v.indexes:
                from planner.state.index_keys import columns_value, extra_pairs

                body: dict[str, Any] = {"columns": columns_value(ix)}
                if ix.unique:
                    body["unique"] = True
                if ix.where is not None:
                    body["where"] = ix.where
                body.update(extra_pairs(ix))
                ixs.append((value_node(ix.name), value_node(body)))
            pairs.append(("indexes", MappingNode(_MAP, ixs, flow_style=False)))
        if v.comment is not None:
            pairs.append(("comment", value_node(v.comment)))
        if v.column_comments:
            flow = [(value_node(c), value_node(x)) for c, x in v.column_comments]
            pairs.append(("column_comments", MappingNode(_MAP, flow, flow_style=False)))
        items.append(
            MappingNode(_MAP, [(ScalarNode(_STR, k), n) for k, n in pairs], flow_style=False)
        )
    return SequenceNode(_SEQ, items, flow_style=False)
