"""The snapshot's ``routines`` section (PostgreSQL functions, procedures and triggers
dbplan manages by their definition): reading with file:line problems, and writing.

```yaml
routines:
- kind: function
  name: touch()
  definition: |-
    CREATE OR REPLACE FUNCTION public.touch()
     RETURNS trigger
    ...
- kind: trigger
  name: sites_touch
  table: sites
  definition: CREATE TRIGGER sites_touch BEFORE UPDATE ON public.sites FOR EACH ROW ...
```
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.state.model import Routine, Snapshot, Table

ENTRY_KEYS = ("kind", "name", "schema", "table", "definition")
#: kind -> the statement its definition must start with
ROUTINE_KINDS = {
    "function": ("CREATE OR REPLACE FUNCTION", "CREATE FUNCTION"),
    "procedure": ("CREATE OR REPLACE PROCEDURE", "CREATE PROCEDURE"),
    "trigger": ("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER", "CREATE CONSTRAINT TRIGGER"),
}
_STR = "tag:yaml.org,2002:str"


def load(shape: Any, value: Any, tables: list[Table]) -> tuple[Routine, ...]:
    """The entries of ``routines`` (``value`` as parsed); problems go to ``shape`` (the
    loader's ``Shape``: ``add``, ``mapping``, ``text``)."""
    if value is None:
        return ()
    path = ("routines",)
    if not isinstance(value, list):
        shape.add(path, "expected a list of routines (kind, name, definition)")
        return ()
    keys = {(t.schema, t.name) for t in tables}
    out: list[Routine] = []
    seen: set[tuple] = set()
    for i, item in enumerate(value):
        p = (*path, i)
        m = shape.mapping(
            item, p, "a routine", allowed=ENTRY_KEYS, required=("kind", "name", "definition")
        )
        if m is None or not all(k in m for k in ("kind", "name", "definition")):
            continue
        kind = shape.text(m["kind"], (*p, "kind"), "a routine kind")
        name = shape.text(m["name"], (*p, "name"), "a name")
        definition = shape.text(m["definition"], (*p, "definition"), "a definition (SQL)")
        schema = shape.text(m.get("schema"), (*p, "schema"), "a schema name")
        table = shape.text(m.get("table"), (*p, "table"), "a table name")
        if None in (kind, name, definition):
            continue
        if kind not in ROUTINE_KINDS:
            shape.add(
                (*p, "kind"),
                f"unknown routine kind {kind!r}",
                "one of: " + ", ".join(ROUTINE_KINDS),
                lossy=False,
            )
            continue
        if (kind == "trigger") != (table is not None):
            what = "a trigger needs table: <its table>" if table is None else "only a trigger has"
            shape.add(p if table is None else (*p, "table"), f"{what} a table", lossy=False)
            continue
        if table is not None and (schema, table) not in keys:
            shape.add(
                (*p, "table"),
                f"trigger {name!r}: no table {table!r} in this snapshot",
                "name a table of tables:",
                lossy=False,
            )
            continue
        if not definition.lstrip().upper().startswith(ROUTINE_KINDS[kind]):
            shape.add(
                (*p, "definition"),
                f"the definition of {kind} {name!r} must be its {ROUTINE_KINDS[kind][0]} statement",
                "write it as the database gives it (pg_get_functiondef, pg_get_triggerdef)",
                lossy=False,
            )
            continue
        r = Routine(kind=kind, name=name, schema=schema, table=table, definition=definition)
        if r.key in seen:
            shape.add(p, f"{kind} {name!r} is listed twice", "remove one entry", lossy=False)
            continue
        seen.add(r.key)
        out.append(r)
    return tuple(out)


def _scalar(text: str) -> ScalarNode:
    # a multi-line definition as a literal block (the emitter falls back to a quoted
    # scalar when the text cannot be one, e.g. trailing blanks on a line)
    return ScalarNode(_STR, text, style="|" if "\n" in text else None)


def node(snapshot: Snapshot) -> Node:
    """The ``routines`` section: a block list of block mappings."""
    items = []
    for r in snapshot.routines:
        pairs = [("kind", r.kind), ("name", r.name)]
        if r.schema is not None:
            pairs.append(("schema", r.schema))
        if r.table is not None:
            pairs.append(("table", r.table))
        pairs.append(("definition", r.definition))
        items.append(
            MappingNode(
                "tag:yaml.org,2002:map",
                [(ScalarNode(_STR, k), _scalar(v)) for k, v in pairs],
                flow_style=False,
            )
        )
    return SequenceNode("tag:yaml.org,2002:seq", items, flow_style=False)
