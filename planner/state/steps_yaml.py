"""The snapshot's ``steps`` section (data steps of the release that declares it):
reading with file:line problems, and writing.

```yaml
steps:
- name: move_phones
  reads: [users.phone, users.id]
  writes: [phones.user_id, phones.number]
  sql: INSERT INTO phones (user_id, number) SELECT id, phone FROM users WHERE phone IS NOT NULL
  guard: >-
    SELECT 1 FROM users u WHERE u.phone IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM phones p WHERE p.user_id = u.id)
  downgrade: UPDATE users SET phone = (SELECT number FROM phones p WHERE p.user_id = users.id)
```

``sql``, ``guard`` and ``downgrade`` are SQL text for every database, or a mapping of
dialect (``postgresql``, ``mysql``, ``sqlite``) to SQL; ``downgrade: none`` says the
step has no way down. A name the previous snapshot also lists does not run again.

Example:
    >>> from planner.state.model import DataStep, Snapshot
    >>> s = DataStep(name="s", writes=("t.c",), sql=(("*", "UPDATE t SET c = 1"),), irreversible=True)
    >>> [k.value for k, _ in node(Snapshot(release="1", steps=(s,))).value[0].value]
    ['name', 'writes', 'sql', 'downgrade']
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.dialects import NAMES
from planner.state.model import DataStep, Snapshot, Table

ENTRY_KEYS = ("name", "reads", "writes", "sql", "guard", "downgrade")
#: the dialect keys of a per-dialect SQL mapping; ``*``: every database
STEP_DIALECTS = NAMES
ANY = "*"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"


def parse_target(text: str) -> tuple[str | None, str, str | None] | None:
    """``table``, ``table.column`` or ``schema.table.column`` as ``(schema, table, column)``.

    Example:
        >>> parse_target("users.phone"), parse_target("users"), parse_target("a.b.c")
        ((None, 'users', 'phone'), (None, 'users', None), ('a', 'b', 'c'))
    """
    parts = text.split(".")
    if not all(parts) or len(parts) > 3:
        return None
    if len(parts) == 1:
        return (None, parts[0], None)
    if len(parts) == 2:
        return (None, parts[0], parts[1])
    return (parts[0], parts[1], parts[2])


def sql_pairs(shape: Any, value: Any, path: tuple, what: str) -> tuple[tuple[str, str], ...] | None:
    """SQL text, or a mapping of dialect to SQL text, as ``(dialect, sql)`` pairs."""
    if value is None:
        shape.add(path, f"expected {what} (SQL, or a mapping of dialect to SQL), found nothing")
        return None
    if isinstance(value, dict):
        m = shape.mapping(value, path, f"{what} per dialect", allowed=STEP_DIALECTS)
        if m is None:
            return None
        out = []
        for d in STEP_DIALECTS:
            if d in m:
                text = shape.text(m[d], (*path, d), f"the {d} {what}", sql=True)
                if text is None or not text.strip():
                    shape.add((*path, d), f"empty {what}", "write the SQL", lossy=False)
                    return None
                out.append((d, text))
        if not out:
            shape.add(path, f"no {what} for any dialect", "one of: " + ", ".join(STEP_DIALECTS))
            return None
        return tuple(out)
    text = shape.text(value, path, f"{what} (SQL, or a mapping of dialect to SQL)", sql=True)
    if text is None:
        return None
    if not text.strip():
        shape.add(path, f"empty {what}", "write the SQL", lossy=False)
        return None
    return ((ANY, text),)


def _targets(
    shape: Any, value: Any, path: tuple, tables: dict, *, must_exist: bool
) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        shape.add(path, "expected a list of table or table.column names", "write [users.phone]")
        return None
    out: list[str] = []
    for i, item in enumerate(value):
        p = (*path, i)
        text = shape.text(item, p, "a table or table.column name")
        if text is None:
            return None
        target = parse_target(text)
        if target is None:
            shape.add(p, f"{text!r} is not a table or table.column name", "write users.phone")
            return None
        schema, table, column = target
        t = tables.get((schema, table))
        if must_exist and t is None:
            shape.add(p, f"no table {table!r} in this snapshot", "name a table of tables:")
            return None
        if must_exist and column is not None and not t.has_column(column):
            shape.add(
                p,
                f"table {t.qualified_name} has no column {column!r} in this snapshot",
                "name a column of the table as this release has it",
            )
            return None
        if text in out:
            shape.add(p, f"{text} is listed twice", "remove one entry", lossy=False)
            return None
        out.append(text)
    return tuple(out)


def load(shape: Any, value: Any, tables: list[Table]) -> tuple[DataStep, ...]:
    """The entries of ``steps`` (``value`` as parsed); problems go to ``shape`` (the
    loader's ``Shape``). ``writes`` must name tables and columns of this snapshot (the
    release the step leads to); ``reads`` are checked against both releases when planned
    (a step may read a column this release drops)."""
    if value is None:
        return ()
    path = ("steps",)
    if not isinstance(value, list):
        shape.add(path, "expected a list of data steps (name, writes, sql, downgrade)")
        return ()
    by_key = {(t.schema, t.name): t for t in tables}
    out: list[DataStep] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        p = (*path, i)
        required = ("name", "writes", "sql", "downgrade")
        m = shape.mapping(item, p, "a data step", allowed=ENTRY_KEYS, required=required)
        if m is None or not all(k in m for k in required):
            continue
        name = shape.text(m["name"], (*p, "name"), "a step name")
        if name is None:
            continue
        if not name.strip():
            shape.add((*p, "name"), "empty step name", "name the step (move_phones)")
            continue
        if name in seen:
            shape.add((*p, "name"), f"data step {name!r} is listed twice", "rename one step")
            continue
        seen.add(name)
        reads = _targets(shape, m.get("reads"), (*p, "reads"), by_key, must_exist=False)
        writes = _targets(shape, m["writes"], (*p, "writes"), by_key, must_exist=True)
        if writes == ():
            shape.add((*p, "writes"), f"data step {name!r} writes nothing", "name what it writes")
            continue
        sql = sql_pairs(shape, m["sql"], (*p, "sql"), "step SQL")
        guard = sql_pairs(shape, m["guard"], (*p, "guard"), "guard") if "guard" in m else ()
        down = m["downgrade"]
        irreversible = isinstance(down, str) and down.strip().lower() == "none"
        downgrade = () if irreversible else sql_pairs(shape, down, (*p, "downgrade"), "downgrade")
        if None in (reads, writes, sql, guard, downgrade):
            continue
        out.append(
            DataStep(
                name=name,
                reads=reads,
                writes=writes,
                sql=sql,
                guard=guard,
                downgrade=downgrade,
                irreversible=irreversible,
            )
        )
    return tuple(out)


def _scalar(text: str) -> ScalarNode:
    return ScalarNode(_STR, text, style="|" if "\n" in text else None)


def sql_node(pairs: tuple[tuple[str, str], ...]) -> Node:
    if len(pairs) == 1 and pairs[0][0] == ANY:
        return _scalar(pairs[0][1])
    items = [(ScalarNode(_STR, d), _scalar(t)) for d, t in pairs]
    return MappingNode(_MAP, items, flow_style=False)


def _names(names: tuple[str, ...]) -> Node:
    items = [ScalarNode(_STR, n) for n in names]
    return SequenceNode("tag:yaml.org,2002:seq", items, flow_style=True)


def node(snapshot: Snapshot) -> Node:
    """The ``steps`` section: a block list of block mappings, in the order written."""
    items = []
    for s in snapshot.steps:
        pairs: list[tuple[str, Node]] = [("name", ScalarNode(_STR, s.name))]
        if s.reads:
            pairs.append(("reads", _names(s.reads)))
        pairs.append(("writes", _names(s.writes)))
        pairs.append(("sql", sql_node(s.sql)))
        if s.guard:
            pairs.append(("guard", sql_node(s.guard)))
        pairs.append(
            ("downgrade", ScalarNode(_STR, "none") if s.irreversible else sql_node(s.downgrade))
        )
        items.append(
            MappingNode(_MAP, [(ScalarNode(_STR, k), v) for k, v in pairs], flow_style=False)
        )
    return SequenceNode("tag:yaml.org,2002:seq", items, flow_style=False)
