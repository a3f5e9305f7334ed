"""The data file of ``dbplan verify --data FILE``: users' rows, read and checked.

YAML (``{table: [{column: value}]}``) goes through :func:`planner.state.reader.parse_yaml`
(safe, duplicate keys refused, positions kept) and is checked against the snapshot of the
release the rows are loaded at; every problem has file:line:column. SQL is split into
statements (:func:`split_sql`) with the line each starts on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.state.model import Snapshot

__all__ = ["DataRow", "Expected", "read_expected", "read_yaml", "split_sql"]

#: the data file's key of expected rows (``expect: {release: {table: [rows]}}``); told
#: from a table named so by its value: a mapping, where a table's rows are a list
EXPECT = "expect"

TableKey = tuple  # (schema, name)


def split_sql(text: str) -> list[tuple[int, str]]:
    """``(line, statement)`` of each statement of an SQL script, comments kept out.

    Semicolons inside quotes ('', "", ``) and comments (``--``, ``/* */``) do not split.

    Example:
        >>> split_sql("INSERT INTO t VALUES ('a;b');\\n-- c;\\nINSERT INTO t VALUES (2);")
        [(1, "INSERT INTO t VALUES ('a;b')"), (3, 'INSERT INTO t VALUES (2)')]
    """
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    start = 0
    line = 1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
            buf.append(" ")
            continue
        if ch in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                        continue
                    break
                if text[j] == "\\" and ch != "`":
                    j += 1
                j += 1
            if not "".join(buf).strip():
                start = line
            chunk = text[i : j + 1]
            buf.append(chunk)
            line += chunk.count("\n")
            i = j + 1
            continue
        if ch == ";":
            stmt = "".join(buf).strip()
            if stmt:
                out.append((start, stmt))
            buf = []
        else:
            if not ch.isspace() and not "".join(buf).strip():
                start = line
            buf.append(ch)
        if ch == "\n":
            line += 1
        i += 1
    stmt = "".join(buf).strip()
    if stmt:
        out.append((start, stmt))
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class DataRow:
    table: TableKey
    line: int
    col: int
    values: dict[str, Any]


def _problem(file: str, line: int, col: int, path: str, message: str, hint: str | None = None):
    from planner.state.errors import Problem

    return Problem(file=file, line=line, col=col, path=path, message=message, hint=hint)


def read_yaml(data: bytes, file: str, snapshot: Snapshot) -> list[DataRow]:
    """The rows of a YAML data file, checked against ``snapshot`` (the release they are
    loaded at); :class:`~planner.state.errors.SnapshotError` with every problem."""
    from planner.state.errors import Problems, SnapshotError
    from planner.state.reader import format_path, parse_yaml

    value, sm, problems = parse_yaml(data, file)
    found = Problems(problems)
    if found:
        raise SnapshotError(found)

    def at(path: tuple, message: str, hint: str | None = None, *, key: bool = False) -> None:
        line, col = (sm.key_position(path) if key else None) or sm.locate(path)
        found.append(_problem(file, line, col, format_path(path), message, hint))

    tables = {t.qualified_name: t for t in snapshot.tables}
    rows: list[DataRow] = []
    if not isinstance(value, dict):
        at(
            (),
            "expected a mapping of table name to a list of rows",
            "write `table: [{column: value}]`",
        )
        raise SnapshotError(found)
    for name, items in value.items():
        if name == EXPECT and isinstance(items, dict):
            continue  # expected rows: read_expected
        t = tables.get(name) if isinstance(name, str) else None
        if t is None:
            shown = ", ".join(sorted(tables)) or "none"
            at(
                (name,),
                f"no table {name!r} in release {snapshot.release}",
                f"tables: {shown}",
                key=True,
            )
            continue
        if t.primary_key is None:
            at(
                (name,),
                f"table {name} has no primary key: users' rows are compared by primary key",
                "give the table a primary key, or leave it out of the data file",
                key=True,
            )
            continue
        if not isinstance(items, list):
            at((name,), "expected a list of rows", "write `- {column: value, ...}` under the table")
            continue
        known = {c.name: c for c in t.columns}
        for i, row in enumerate(items):
            if not isinstance(row, dict):
                at((name, i), "expected a row: a mapping of column to value")
                continue
            bad = False
            for col in row:
                if col not in known:
                    at(
                        (name, i, col),
                        f"no column {col!r} in table {name} at release {snapshot.release}",
                        f"columns: {', '.join(known)}",
                        key=True,
                    )
                    bad = True
            for col in t.primary_key.columns:
                if col not in row and not _assigned(known[col], len(t.primary_key.columns)):
                    at(
                        (name, i),
                        f"primary key column {col!r} missing (the database does not assign it)",
                        f"give {col} a value",
                    )
                    bad = True
            if not bad:
                line, colno = sm.locate((name, i))
                rows.append(DataRow(table=t.key, line=line, col=colno, values=dict(row)))
    if found:
        raise SnapshotError(found)
    return rows


def _assigned(column, key_columns: int) -> bool:
    """Whether the database gives ``column`` a value when a row leaves it out: a server
    default, or the single integer key column SQLAlchemy makes autoincrementing."""
    if column.server_default is not None:
        return True
    return column.autoincrement is not False and key_columns == 1 and "Integer" in column.type


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    """A row the data file's ``expect:`` says exists after the upgrade to ``release``
    (``values``: the columns it names, as that release has them)."""

    release: str
    table: TableKey
    file: str
    line: int
    col: int
    values: dict[str, Any]


def read_expected(data: bytes, file: str, snapshot_of, releases: list[str]) -> list[Expected]:
    """The ``expect:`` rows of a YAML data file: ``{release: {table: [{column: value}]}}``,
    each release one of ``releases`` (upgraded to after the load), each table and column
    one of ``snapshot_of(release)``; :class:`~planner.state.errors.SnapshotError` with
    every problem (file:line:column)."""
    from planner.state.errors import Problems, SnapshotError
    from planner.state.reader import format_path, parse_yaml

    value, sm, problems = parse_yaml(data, file)
    if problems or not isinstance(value, dict) or not isinstance(value.get(EXPECT), dict):
        return []
    found = Problems([])

    def at(path: tuple, message: str, hint: str | None = None, *, key: bool = False) -> None:
        line, col = (sm.key_position(path) if key else None) or sm.locate(path)
        found.append(_problem(file, line, col, format_path(path), message, hint))

    out: list[Expected] = []
    for release, tables in value[EXPECT].items():
        path = (EXPECT, release)
        snap = snapshot_of(release) if release in releases else None
        if snap is None:
            at(
                path,
                f"release {release!r} is not upgraded to after the rows are loaded",
                f"one of: {', '.join(releases) or 'none'}",
                key=True,
            )
            continue
        if not isinstance(tables, dict):
            at(path, "expected a mapping of table name to a list of rows")
            continue
        by_name = {t.qualified_name: t for t in snap.tables}
        for name, items in tables.items():
            t = by_name.get(name) if isinstance(name, str) else None
            if t is None:
                at((*path, name), f"no table {name!r} in release {release}", key=True)
                continue
            if not isinstance(items, list):
                at((*path, name), "expected a list of rows", "write `- {column: value}`")
                continue
            known = {c.name for c in t.columns}
            for i, row in enumerate(items):
                p = (*path, name, i)
                if not isinstance(row, dict) or not row:
                    at(p, "expected a row: a mapping of column to value (one or more)")
                    continue
                bad = [c for c in row if c not in known]
                for c in bad:
                    at(
                        (*p, c),
                        f"no column {c!r} in table {name} at release {release}",
                        f"columns: {', '.join(sorted(known))}",
                        key=True,
                    )
                if not bad:
                    line, col = sm.locate(p)
                    out.append(
                        Expected(
                            release=release,
                            table=t.key,
                            file=file,
                            line=line,
                            col=col,
                            values=dict(row),
                        )
                    )
    if found:
        raise SnapshotError(found)
    return out
