"""PostgreSQL declarative partitioning and table inheritance in a snapshot: the table
keys ``partition_by``, ``partition_of`` and ``inherits`` (reading, the canonical form,
validation and the comparison of ``drift`` / ``verify``).

A partition's columns, keys and indexes are its parent's: the snapshot lists none of
them under the partition (a column added to the parent is one operation, on the parent).
An inheritance child lists only its own columns; the inherited ones are the parent's.

Example:
    >>> partition_key("range (created_at)"), partition_key({"method": "list", "columns": ["Kind"]})
    ('RANGE (created_at)', 'LIST ("Kind")')
    >>> partition_bound("from ('2024-01-01') to ('2025-01-01')"), partition_bound("default")
    ("FOR VALUES from ('2024-01-01') to ('2025-01-01')", 'DEFAULT')
"""

from __future__ import annotations

import re
from typing import Any

from planner.dialects import having, only_target
from planner.state.model import PartitionOf, Snapshot, Table, TableKey, table_key_str

METHODS = ("RANGE", "LIST", "HASH")
#: the table keys of this module, in the order the writer emits them
KEYS = ("partition_by", "partition_of", "inherits")
PARTITION_OF_KEYS = ("schema", "table", "bound")
_KEY = re.compile(r"\s*(range|list|hash)\s*\((.*)\)\s*\Z", re.IGNORECASE | re.DOTALL)
_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_FOR_VALUES = re.compile(r"\s*for\s+values\s+", re.IGNORECASE)


def quote(name: str) -> str:
    """``name`` as an SQL identifier (double-quoted unless plain lower case)."""
    if _PLAIN.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str | None, name: str) -> str:
    """``schema.name`` quoted (``name`` alone in the default schema)."""
    return quote(name) if schema is None else f"{quote(schema)}.{quote(name)}"


def partition_key(value: Any) -> str | None:
    """The canonical ``partition_by``: ``METHOD (key, ...)`` as ``pg_get_partkeydef``
    spells it; None when ``value`` is neither such a text nor ``{method, columns}``."""
    if isinstance(value, dict):
        method, cols = value.get("method"), value.get("columns")
        if set(value) - {"method", "columns"} or not isinstance(method, str):
            return None
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) for c in cols):
            return None
        value = f"{method} ({', '.join(quote(c) for c in cols)})"
    if not isinstance(value, str):
        return None
    m = _KEY.match(value)
    if m is None or not m.group(2).strip():
        return None
    return f"{m.group(1).upper()} ({' '.join(m.group(2).split())})"


def partition_bound(value: str) -> str:
    """The canonical bound: ``DEFAULT`` or ``FOR VALUES ...`` (the prefix may be left out)."""
    text = " ".join(value.split())
    if text.upper() == "DEFAULT":
        return "DEFAULT"
    m = _FOR_VALUES.match(text)
    return "FOR VALUES " + (text[m.end() :] if m else text)


def key_columns(partition_by: str) -> tuple[str, ...] | None:
    """The columns of a key of plain column names (None: it has an expression)."""
    m = _KEY.match(partition_by)
    if m is None:
        return None
    out = []
    for part in m.group(2).split(","):
        p = part.strip()
        if _PLAIN.match(p):
            out.append(p)
        elif len(p) > 1 and p[0] == p[-1] == '"':
            out.append(p[1:-1].replace('""', '"'))
        else:
            return None
    return tuple(out)


def parent_key(t: Table) -> TableKey | None:
    """The key of the partitioned table ``t`` is a partition of."""
    if t.partition_of is None:
        return None
    return (t.partition_of.schema, t.partition_of.table)


def inherits_keys(t: Table) -> tuple[TableKey, ...]:
    """The keys of ``t``'s ``INHERITS`` parents (``schema.name`` or, in ``t``'s schema, a
    bare name)."""
    out = []
    for p in t.inherits:
        s, dot, n = p.rpartition(".")
        out.append((s, n) if dot else (t.schema, n))
    return tuple(out)


# --------------------------------------------------------------------------- reading
def read(shape: Any, t: dict, path: tuple, missing: Any) -> dict[str, Any]:
    """The keys of this module from the table mapping ``t`` (problems to ``shape``)."""
    out: dict[str, Any] = {}
    if "partition_by" in t:
        v = t["partition_by"]
        key = partition_key(v)
        if key is None:
            shape.add(
                (*path, "partition_by"),
                f"expected a partition key (RANGE|LIST|HASH (columns)), found {v!r}",
                'write partition_by: "RANGE (created_at)" or {method: range, columns: '
                "[created_at]}",
            )
        out["partition_by"] = key
    if "partition_of" in t:
        pp = (*path, "partition_of")
        body = shape.mapping(
            t["partition_of"], pp, "partition_of", allowed=PARTITION_OF_KEYS,
            required=("table", "bound"),
        )  # fmt: skip
        if body is not None and "table" in body and "bound" in body:
            table = shape.text(body["table"], (*pp, "table"), "a table name")
            bound = shape.text(body["bound"], (*pp, "bound"), "a partition bound", sql=True)
            schema = shape.text(body.get("schema", missing), (*pp, "schema"), "a schema name")
            if bound is not None and not bound.strip():
                shape.add((*pp, "bound"), "the partition bound is empty",
                          "write FOR VALUES ... or DEFAULT")  # fmt: skip
            elif table and bound is not None:
                out["partition_of"] = PartitionOf(
                    table=table, bound=partition_bound(bound), schema=schema
                )
    if "inherits" in t:
        names = shape.names(t["inherits"], (*path, "inherits"), "parent tables")
        if names is not None:
            out["inherits"] = names
    return out


def dump(t: Table) -> list[tuple[str, Any]]:
    """``(key, plain value)`` of this module's keys of ``t``, canonical, for the writer."""
    out: list[tuple[str, Any]] = []
    if t.partition_by is not None:
        out.append(("partition_by", t.partition_by))
    if t.partition_of is not None:
        body: dict[str, str] = {}
        if t.partition_of.schema is not None:
            body["schema"] = t.partition_of.schema
        body["table"] = t.partition_of.table
        body["bound"] = t.partition_of.bound
        out.append(("partition_of", body))
    if t.inherits:
        out.append(("inherits", list(t.inherits)))
    return out


# --------------------------------------------------------------------------- validation
def check(snapshot: Snapshot, targets: Any, add: Any) -> None:
    """A problem for each partitioning or inheritance key that the format or a target
    refuses (``add(path, message, hint)``).

    Example:
        >>> from planner.state.model import Column
        >>> t = Table(name="p", partition_of=PartitionOf(table="events", bound="DEFAULT"))
        >>> out = []
        >>> check(Snapshot(release="1", tables=(t,)), None, lambda *a: out.append(a[1]))
        >>> out
        ['partition p is of events, which is not a table of the snapshot']
    """
    refused = []
    if targets is not None:
        from planner import dialects

        refused = [d.label for d in map(dialects.get, targets) if not d.has_partitioning]
    tables = snapshot.tables_by_key()
    for t in snapshot.tables:
        tp = ("tables", t.name)
        where = t.qualified_name
        used = [k for k in KEYS if getattr(t, k)]
        for key in used if refused else ():
            add(
                (*tp, key),
                f"table {where}: {key} is PostgreSQL's, and the project targets "
                f"{', '.join(refused)} too",
                f"drop {key}, or make PostgreSQL the only target "
                f"({only_target(having('has_partitioning'))})",
            )
        if t.partition_of is not None and t.inherits:
            add((*tp, "inherits"), f"table {where} is a partition and inherits too",
                "keep partition_of or inherits")  # fmt: skip
        if t.partition_of is not None:
            _check_partition(add, tp, t, tables)
        if t.inherits:
            _check_inherits(add, tp, t, tables)
        if t.partition_by is not None:
            _check_key(add, tp, t)


def _check_partition(add: Any, tp: tuple, t: Table, tables: dict) -> None:
    where = t.qualified_name
    key = parent_key(t)
    parent = tables.get(key)
    pp = (*tp, "partition_of", "table")
    if parent is None:
        add(pp, f"partition {where} is of {table_key_str(key)}, which is not a table of "
            "the snapshot", "name a partitioned table of the snapshot")  # fmt: skip
    elif parent.partition_by is None:
        add(pp, f"partition {where} is of {parent.qualified_name}, which has no partition_by",
            f"give {parent.qualified_name} a partition_by")  # fmt: skip
    elif key == t.key:
        add(pp, f"table {where} is a partition of itself", "name its parent")
    own = {
        "columns": t.columns, "primary_key": t.primary_key, "foreign_keys": t.foreign_keys,
        "unique": t.uniques, "indexes": t.indexes, "rows": t.rows,
    }  # fmt: skip
    for k, v in own.items():
        if v:
            add((*tp, k), f"partition {where} has {k} of its own (a partition's {k} are its "
                "parent's)", f"remove {k} from {where}; declare them on "
                f"{table_key_str(key)}")  # fmt: skip


def _check_inherits(add: Any, tp: tuple, t: Table, tables: dict) -> None:
    where = t.qualified_name
    for i, key in enumerate(inherits_keys(t)):
        parent = tables.get(key)
        ip = (*tp, "inherits", i)
        if parent is None:
            add(ip, f"table {where} inherits {table_key_str(key)}, which is not a table of "
                "the snapshot", "name a table of the snapshot")  # fmt: skip
        elif parent.partition_by is not None or parent.partition_of is not None:
            add(ip, f"table {where} inherits {parent.qualified_name}, which is partitioned or "
                "a partition (PostgreSQL refuses)", "use partition_of instead")  # fmt: skip
        elif key[0] != t.schema:
            add(ip, f"table {where} inherits {parent.qualified_name} of another schema (not "
                "modelled: CREATE TABLE ... INHERITS is written with bare names)",
                "keep the child in its parent's schema")  # fmt: skip
        elif key == t.key or _reaches(tables, key, t.key):
            add(ip, f"table {where} inherits itself (through {parent.qualified_name})",
                "break the cycle")  # fmt: skip
    if t.partition_by is not None:
        add((*tp, "partition_by"), f"table {where} is partitioned and inherits (PostgreSQL "
            "refuses)", "keep partition_by or inherits")  # fmt: skip


def _reaches(tables: dict, start: TableKey, goal: TableKey) -> bool:
    seen, todo = set(), [start]
    while todo:
        k = todo.pop()
        if k == goal:
            return True
        if k in seen or k not in tables:
            continue
        seen.add(k)
        todo.extend(inherits_keys(tables[k]))
    return False


def _check_key(add: Any, tp: tuple, t: Table) -> None:
    cols = key_columns(t.partition_by or "")
    if cols is None or t.partition_of is not None:
        return
    where = t.qualified_name
    for c in cols:
        if not t.has_column(c):
            add((*tp, "partition_by"), f"the partition key of {where} names {c}, not a "
                "column of the table", "name columns of the table")  # fmt: skip
    keys = [("primary_key", t.primary_key.columns)] if t.primary_key else []
    keys += [(("unique", u.name), u.columns) for u in t.uniques]
    for path, kc in keys:
        missing = [c for c in cols if c not in kc]
        if missing:
            p = (*tp, *path) if isinstance(path, tuple) else (*tp, path)
            add(p, f"a key of partitioned table {where} lacks partition key column(s) "
                f"{', '.join(missing)} (PostgreSQL refuses)", "add them to the key")  # fmt: skip


# --------------------------------------------------------------------------- compare
def compare(where: str, actual: Table, expected: Table) -> list[str]:
    """``drift`` / ``verify``: the differences of these keys (``actual`` captured)."""
    out = []
    for k in KEYS:
        a, b = getattr(actual, k), getattr(expected, k)
        if a != b:
            out.append(f"{where}: {k} {_show(a)}, snapshot says {_show(b)}")
    return out


def _show(v: Any) -> str:
    if isinstance(v, PartitionOf):
        return f"{qualified(v.schema, v.table)} {v.bound}"
    return "none" if not v else repr(v)
