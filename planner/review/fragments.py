"""The SQL fragments of the snapshot an operation runs, for review (``dbplan plan``
lists each one the plan executes; :mod:`planner.review.text`)."""

from __future__ import annotations

import dataclasses
from typing import Any


def _table_fragments(t: Any) -> list[tuple[str, str]]:
    out = []
    for c in t.columns:
        out += _column_fragments(c)
    out += [(f"check {ck.name}", ck.sqltext) for ck in t.checks]
    return out + [x for ix in t.indexes for x in _index_fragments(ix)]


def _index_fragments(ix: Any) -> list[tuple[str, str]]:
    out = [(f"expression of index {ix.name}", e.expression) for e in ix.elements if e.expression]
    return out + ([(f"where of index {ix.name}", ix.where)] if ix.where is not None else [])


def _column_fragments(c: Any) -> list[tuple[str, str]]:
    out = []
    if c.server_default is not None:
        out.append((f"server_default of {c.name}", c.server_default))
    if c.backfill is not None:
        out.append((f"backfill of {c.name}", c.backfill))
    if getattr(c, "generated", None) is not None:
        out.append((f"generation expression of {c.name}", c.generated.expression))
    return out


def _per(dialect: str, what: str) -> str:
    return what if dialect == "*" else f"{dialect} {what}"


def operation_fragments(op: Any) -> list[tuple[str, str]]:
    """``(what, sql)`` for every SQL fragment of the snapshot an operation runs.

    Read from the operation's fields (a table, a column, a check, an index, a new
    default, a backfill); operations that drop (category ``-``) run none. In field
    order, each text once.

    Example:
        >>> from planner.ops import AlterColumnDefault
        >>> operation_fragments(AlterColumnDefault(table_key=(None, "t"), column="n",
        ...                                        old=None, new="0"))
        [('server_default of n', '0')]
    """
    from planner.state.model import Check, Column, Index, Table, View

    if getattr(op, "category", "~") == "-":
        return []
    out: list[tuple[str, str]] = []
    column = getattr(op, "column", None)
    for f in dataclasses.fields(op):
        v = getattr(op, f.name)
        if isinstance(v, Table):
            out += _table_fragments(v)
        elif isinstance(v, Column):
            out += _column_fragments(v)
        elif isinstance(v, Check):
            out.append((f"check {v.name}", v.sqltext))
        elif isinstance(v, Index):
            out += _index_fragments(v)
        elif isinstance(v, View) and op.kind == "create_view":  # its query, index predicates
            out.append(
                (f"definition of {v.kind.replace('_', ' ')} {v.qualified_name}", v.definition)
            )
            out += [x for i in v.indexes for x in _index_fragments(i)]
    kind = getattr(op, "kind", "")
    name = column if isinstance(column, str) else "column"
    if kind == "alter_column_default" and op.new is not None:
        out.append((f"server_default of {name}", op.new))
    elif kind == "alter_column_on_update":
        out += [
            (f"{k} of {name}", v)
            for k, v in (("server_default", op.new_default), ("on_update", op.new))
            if v is not None
        ]
    elif kind == "alter_column_type" and op.existing_server_default is not None:
        out.append((f"server_default of {name}", op.existing_server_default))
    elif kind == "backfill_column":
        if op.sql:
            out.append((f"backfill of {name}", op.sql))
        out += [(f"{d} backfill of {name}", sql) for d, sql in op.by_dialect]
    if kind == "alter_column_type":
        out += [(_per(d, f"using of {name}"), sql) for d, sql in op.using]
    elif kind == "data_step":  # the step's SQL, guard (up) or downgrade (down)
        what = f"{'downgrade of ' if op.down else ''}step {op.step.name}"
        out += [(_per(d, what), sql) for d, sql in op.sql]
        out += [(_per(d, f"guard of step {op.step.name}"), sql) for d, sql in op.guard]
    seen: set[tuple[str, str]] = set()
    return [x for x in out if not (x in seen or seen.add(x))]
