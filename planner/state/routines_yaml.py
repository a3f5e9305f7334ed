"""The snapshot's ``routines`` section (functions, procedures and triggers dbplan
manages by their definition): reading with file:line problems, and writing.

An entry is one dialect's statement: ``dialect:`` names it (``mysql``, ``sqlite``;
none: ``postgresql``, the format's first meaning). The dialect's ``routines`` part
(``planner/dialects/<name>_routines.py``) says which kinds it has and checks that the
definition is that kind's statement in its syntax, creating the entry's object.

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
- kind: trigger
  name: sites_touch
  dialect: mysql
  table: sites
  definition: CREATE TRIGGER sites_touch BEFORE UPDATE ON sites FOR EACH ROW SET ...
```
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner import dialects
from planner.state.model import Routine, Snapshot, Table

ENTRY_KEYS = ("kind", "name", "dialect", "schema", "table", "definition", "comment")
#: every kind a routine can be (each dialect's part says which it has)
ROUTINE_KINDS = ("function", "procedure", "trigger")
#: the dialect of an entry without ``dialect:``
DEFAULT_DIALECT = dialects.PRIMARY
_STR = "tag:yaml.org,2002:str"


def of_dialect(routines, dialect) -> tuple[Routine, ...]:
    """The routines for ``dialect`` (a name or a dialect object): those a database of it
    holds.

    Example:
        >>> r = Routine(kind="trigger", name="t", table="t", definition="...", dialect="sqlite")
        >>> of_dialect([r], "sqlite") == (r,), of_dialect([r], "postgresql")
        (True, ())
    """
    name = dialects.get(dialect).name
    return tuple(r for r in routines if r.dialect == name)


def same_definition(a: Routine, b: Routine) -> bool:
    """``a`` and ``b`` (the same entry, by key) create the same object: their
    definitions compare equal as their dialect normalises them (a hand-written one and
    the one the database gives back).

    Example:
        >>> a = Routine(kind="trigger", name="t_n", table="t", dialect="sqlite",
        ...             definition="CREATE TRIGGER t_n AFTER INSERT ON t BEGIN SELECT 1; END")
        >>> import dataclasses
        >>> same_definition(a, dataclasses.replace(a, definition="create trigger t_n after insert on t\\nbegin select 1; end;"))
        True
    """
    if a.definition == b.definition:
        return True
    part = dialects.get(a.dialect).part("routines")
    return part.normal_form(a.kind, a.definition) == part.normal_form(b.kind, b.definition)


def spelled_as(routines, hint) -> tuple[Routine, ...]:
    """``routines`` (captured) with the definition of ``hint``'s entry of the same key
    where the two mean the same (capture's rule: equivalent spellings take the
    snapshot's).

    Example:
        >>> got = Routine(kind="trigger", name="t", table="t", dialect="sqlite",
        ...               definition="CREATE TRIGGER t AFTER INSERT ON t BEGIN SELECT 1; END")
        >>> import dataclasses
        >>> mine = dataclasses.replace(got, definition=got.definition.lower())
        >>> spelled_as((got,), (mine,))[0].definition
        'create trigger t after insert on t begin select 1; end'
    """
    by_key = {r.key: r for r in hint}
    out = []
    for r in routines:
        h = by_key.get(r.key)
        same = h is not None and same_definition(r, h)
        # the hint's spelling only: the comment stays the database's
        out.append(dataclasses.replace(r, definition=h.definition) if same else r)
    return tuple(out)


def listed_unmanaged(r: Routine, snapshot: Snapshot) -> bool:
    """``snapshot`` lists ``r``'s object under ``unmanaged`` (dbplan leaves it alone
    there: a snapshot written before dbplan modelled such objects, or by choice).

    Example:
        >>> from planner.state.model import Unmanaged
        >>> r = Routine(kind="trigger", name="t_n", table="t", definition="...", dialect="mysql")
        >>> s = Snapshot(release="1", unmanaged=(Unmanaged(kind="trigger", name="t_n", table="t"),))
        >>> listed_unmanaged(r, s), listed_unmanaged(r, Snapshot(release="1"))
        (True, False)
    """
    return any(
        (u.kind, u.name, u.schema, u.table) == (r.kind, r.name, r.schema, r.table)
        for u in snapshot.unmanaged
    )


def left_alone(captured: Snapshot, hint: Snapshot) -> Snapshot:
    """``captured`` with each routine ``hint`` lists under ``unmanaged`` listed there
    too (capture for comparison: the snapshot leaves it alone, so it is no difference).
    """
    keep = tuple(r for r in captured.routines if not listed_unmanaged(r, hint))
    if len(keep) == len(captured.routines):
        return captured
    from planner.state.model import Unmanaged

    moved = tuple(
        Unmanaged(kind=r.kind, name=r.name, schema=r.schema, table=r.table)
        for r in captured.routines
        if listed_unmanaged(r, hint)
    )
    unmanaged = tuple(sorted(captured.unmanaged + moved, key=lambda u: u.sort_key))
    return dataclasses.replace(captured, routines=keep, unmanaged=unmanaged)


def _holder_problem(part: Any, name: str, view: Any, definition: str) -> tuple[str, str] | None:
    """(problem, hint) when the trigger cannot be on its table or view: ``INSTEAD OF``
    on a table, a trigger on a materialized view, what the dialect refuses on a view
    (``part.on_view``)."""
    header = _HEADER.match(definition)
    instead = header is not None and _INSTEAD.search(header.group(0)) is not None
    if view is None:
        if instead:
            return (
                f"trigger {name!r} is INSTEAD OF, which only a view can have, but its "
                "table: is a table",
                "make it BEFORE or AFTER, or put it on a view (table: <the view>)",
            )
        return None
    if view.kind != "view":
        return (
            f"trigger {name!r} is on {view.kind.replace('_', ' ')} {view.name!r}, which "
            "cannot have triggers",
            "put it on a table or a view",
        )
    return part.on_view(name, instead)


#: a trigger's header: up to its ON
_HEADER = re.compile(r".*?\sON\s", re.I | re.S)
_INSTEAD = re.compile(r"\bINSTEAD\s+OF\b", re.I)


def load(shape: Any, value: Any, tables: list[Table], views: Any = ()) -> tuple[Routine, ...]:
    """The entries of ``routines`` (``value`` as parsed); problems go to ``shape`` (the
    loader's ``Shape``: ``add``, ``mapping``, ``text``). A trigger is on one of ``tables``
    or of ``views`` (an ``INSTEAD OF`` trigger)."""
    if value is None:
        return ()
    path = ("routines",)
    if not isinstance(value, list):
        shape.add(path, "expected a list of routines (kind, name, definition)")
        return ()
    keys = {(t.schema, t.name) for t in tables}
    on_views = {v.key: v for v in views}
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
        dialect = shape.text(m.get("dialect"), (*p, "dialect"), "a dialect name")
        comment = shape.text(m.get("comment"), (*p, "comment"), "a comment")
        if None in (kind, name, definition):
            continue
        try:
            dialect = dialects.canonical_name(dialect or DEFAULT_DIALECT)
        except dialects.UnknownDialectError:
            shape.add(
                (*p, "dialect"),
                f"unknown dialect {dialect!r} for {kind} {name!r}",
                "one of: " + ", ".join(dialects.NAMES) + " (the database the definition is for)",
                lossy=False,
            )
            continue
        d = dialects.get(dialect)
        part = d.part("routines")
        if schema is not None and not d.has_schemas:
            shape.add(
                (*p, "schema"),
                f"{kind} {name!r}: a {d.label} {kind} has no schema",
                "leave out schema:",
                lossy=False,
            )
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
        if table is not None and (schema, table) not in keys | on_views.keys():
            shape.add(
                (*p, "table"),
                f"trigger {name!r}: no table or view {table!r} in this snapshot",
                "name a table of tables: or a view of views:",
                lossy=False,
            )
            continue
        if table is not None:
            problem = _holder_problem(part, name, on_views.get((schema, table)), definition)
            if problem is not None:
                shape.add((*p, "definition"), problem[0], problem[1], lossy=False)
                continue
        if shape.targets is not None and dialect not in shape.targets:
            given = "dialect: " + dialect if "dialect" in m else "no dialect: key"
            shape.add(
                (*p, "dialect") if "dialect" in m else p,
                f"{kind} {name!r} is for {d.label} ({given}), which is not a target "
                f"dialect of this project ({', '.join(shape.targets)}): no revision would "
                "create it",
                "write it for a target, with dialect: "
                + " or dialect: ".join(shape.targets)
                + f" and that database's syntax; or add {dialect} to [tool.dbplan] dialects",
                lossy=False,
            )
            continue
        problem = part.check(kind, name, table, definition)
        if problem is not None:
            shape.add((*p, "definition"), problem[0], problem[1], lossy=False)
            continue
        if comment is not None and not hasattr(part, "comment_sql"):
            shape.add(
                (*p, "comment"),
                f"{kind} {name!r}: a {d.label} {kind} has no comment: key",
                "leave out comment: (a MariaDB routine's COMMENT is part of its definition)",
                lossy=False,
            )
            continue
        r = Routine(
            kind=kind,
            name=name,
            schema=schema,
            table=table,
            definition=definition,
            dialect=dialect,
            comment=comment,
        )
        if r.key in seen:
            shape.add(
                p,
                f"{kind} {name!r} is listed twice for {dialects.get(dialect).label}",
                "remove one entry",
                lossy=False,
            )
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
        if r.dialect != DEFAULT_DIALECT:
            pairs.append(("dialect", r.dialect))
        if r.schema is not None:
            pairs.append(("schema", r.schema))
        if r.table is not None:
            pairs.append(("table", r.table))
        if r.comment is not None:
            pairs.append(("comment", r.comment))
        pairs.append(("definition", r.definition))
        items.append(
            MappingNode(
                "tag:yaml.org,2002:map",
                [(ScalarNode(_STR, k), _scalar(v)) for k, v in pairs],
                flow_style=False,
            )
        )
    return SequenceNode("tag:yaml.org,2002:seq", items, flow_style=False)
