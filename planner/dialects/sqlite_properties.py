"""SQLite properties of modelled tables that dbplan does not model, read from a table's
``CREATE TABLE`` text (SQLite keeps them nowhere else) and listed in the inventory:

- ``autoincrement`` (named by the table): its ``INTEGER PRIMARY KEY AUTOINCREMENT``
  (rowids are never reused; dbplan creates the key without the keyword);
- ``on_conflict`` (named by the table): a constraint with an ``ON CONFLICT`` clause
  (``REPLACE``, ``IGNORE`` …), which changes what an INSERT does;
- ``deferrable`` (of the table, named by the foreign key): a ``DEFERRABLE`` foreign key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from planner.state.model import Table


def properties(name: str, sql: str, table: Table | None, add: Callable[..., None]) -> None:
    """Add the properties of table ``name`` (its CREATE TABLE ``sql``; ``table`` the
    snapshot's model of it, which names its foreign keys) with ``add(kind, name, table)``.

    Example:
        >>> got = []
        >>> sql = ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        ...        "c TEXT UNIQUE ON CONFLICT REPLACE, "
        ...        "p INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED, "
        ...        "q INTEGER, FOREIGN KEY (q) REFERENCES p (id) NOT DEFERRABLE, "
        ...        "CHECK (c <> 'ON CONFLICT'))")
        >>> properties("t", sql, None, lambda *a: got.append(a))
        >>> got
        [('autoincrement', 't'), ('on_conflict', 't'), ('deferrable', 'p', 't')]
    """
    from planner.dialects.sqlite_capture import _TOKEN  # sqlite_capture imports the inventory

    tokens = [m.group(0) for m in _TOKEN.finditer(sql)]
    upper = [t.upper() for t in tokens]
    if "AUTOINCREMENT" in upper:
        add("autoincrement", name)
    if any(upper[i : i + 2] == ["ON", "CONFLICT"] for i in range(len(upper) - 1)):
        add("on_conflict", name)
    for i, word in enumerate(upper):
        if word == "DEFERRABLE" and (i == 0 or upper[i - 1] != "NOT"):
            columns = _key_columns(tokens, upper, i)
            keys = table.foreign_keys if table is not None else ()
            fk = next((f for f in keys if f.columns == columns and f.name), None)
            add("deferrable", fk.name if fk is not None else ",".join(columns), name)


def _key_columns(tokens: list[str], upper: list[str], at: int) -> tuple[str, ...]:
    """The columns of the foreign key whose clause holds ``tokens[at]``: a table-level
    ``FOREIGN KEY (a, b)``'s, or the column a column-level ``REFERENCES`` follows."""
    from planner.dialects.sqlite_capture import _ident, _ident_list

    depth, start = 0, 0
    for j in range(at, -1, -1):  # back to the start of this column or constraint
        if tokens[j] == ")":
            depth += 1
        elif tokens[j] == "(":
            if depth == 0:
                start = j + 1
                break
            depth -= 1
        elif tokens[j] == "," and depth == 0:
            start = j + 1
            break
    if upper[start] == "CONSTRAINT" and upper[start + 2 : start + 3] == ["FOREIGN"]:
        start += 2
    if upper[start] == "FOREIGN" and start + 2 < len(tokens) and tokens[start + 2] == "(":
        cols, _ = _ident_list(tokens, start + 2)
        return tuple(cols)
    return (_ident(tokens[start]),)
