"""SQLite's routines (reached as ``get("sqlite").part("routines")``): triggers, the only
programmable objects SQLite stores, as the snapshot's ``routines`` section keeps them
(entries with ``dialect: sqlite``; see :mod:`planner.state.routines_yaml`).

Capture reads ``sqlite_master.sql`` (SQLite keeps the statement as written, its first
words upper-cased). Definitions compare by meaning: comments, whitespace, keyword case,
identifier quoting, ``IF NOT EXISTS``, ``FOR EACH ROW`` (SQLite's only kind) and a
final ``;`` aside.

A table SQLite rebuilds (Alembic's batch mode: copy, ``DROP TABLE``, rename) loses its
triggers, and a trigger of another table naming it stops the rename: the plan drops such
triggers before the rebuild and creates them again after it
(:func:`planner.diff_routines.diff_routines`).

Example:
    >>> normal_form("trigger", "CREATE TRIGGER t_n AFTER INSERT ON t BEGIN UPDATE t SET n = 1; END") == \\
    ...     normal_form("trigger", 'create trigger if not exists "t_n" after insert on [t] for each row\\nbegin\\n  update t set n=1;\\nend;')
    True
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.dialects.routine_text import NAME, drop_sequence, name_token, tokens
from planner.state.model import Routine

#: SQLite stores triggers only
KINDS = ("trigger",)

_TRIGGER = re.compile(
    r"\s*CREATE\s+(?P<temp>TEMP\s+|TEMPORARY\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?:{NAME}\s*\.\s*)?(?P<name>{NAME})\s+(?:BEFORE\s+|AFTER\s+|INSTEAD\s+OF\s+)?"
    r"(?:DELETE|INSERT|UPDATE(?:\s+OF\s+[^;]+?)?)\s+ON\s+"
    rf"(?:{NAME}\s*\.\s*)?(?P<table>{NAME})\s",
    re.I | re.S,
)
_POSTGRESQL = re.compile(r"\bEXECUTE\s+(?:FUNCTION|PROCEDURE)\b|\$[A-Za-z_]*\$", re.I)
_SHAPE = (
    "CREATE TRIGGER <name> [BEFORE|AFTER|INSTEAD OF] {DELETE|INSERT|UPDATE [OF <columns>]} "
    "ON <table> [FOR EACH ROW] [WHEN <expression>] BEGIN <statements>; END"
)


def captured(conn: Any, tables: set[str] | None) -> list[tuple[str, str, str, str | None]]:
    """``(kind, name, table, definition)`` of every trigger of the main database;
    ``definition`` None for one dbplan leaves alone (on a table or view it does not model;
    ``tables``: the names of those it may model, None: no definitions)."""
    out = []
    for name, table, sql in conn.execute(
        sa.text(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        )
    ).all():
        modelled = tables is not None and table in tables and bool(sql)
        out.append(("trigger", name, table, sql.strip() if modelled else None))
    return out


def check(kind: str, name: str, table: str | None, definition: str) -> tuple[str, str] | None:
    """(problem, hint) when ``definition`` is not an SQLite trigger creating ``name``
    on ``table``."""
    if kind != "trigger":
        return (
            f"SQLite has no stored {kind}s: {kind} {name!r} cannot be an entry with "
            "dialect: sqlite",
            "remove it, or give it the dialect it is written for",
        )
    if _POSTGRESQL.search(definition):
        return (
            f"the definition of trigger {name!r} is written in PostgreSQL's syntax, but the "
            "entry is SQLite's (dialect: sqlite)",
            f"write it as SQLite runs it: {_SHAPE}",
        )
    m = _TRIGGER.match(definition)
    if m is None or not re.search(r"\bBEGIN\b.*\bEND\s*;?\s*$", definition, re.I | re.S):
        return (
            f"the definition of trigger {name!r} must be its CREATE TRIGGER statement",
            f"write it as SQLite runs it: {_SHAPE}",
        )
    if m.group("temp"):
        return (
            f"trigger {name!r} is TEMP: it lives in the connection, not the database",
            "leave out TEMP",
        )
    if name_token(m.group("name")) != name.lower():
        return (
            f"the definition creates trigger {name_token(m.group('name'))!r}, not {name!r}",
            "make the entry's name and the statement's agree",
        )
    if table is not None and name_token(m.group("table")) != table.lower():
        return (
            f"trigger {name!r}: its definition is on table "
            f"{name_token(m.group('table'))!r}, the entry says {table!r}",
            "make the entry's table and the statement's agree",
        )
    return None


def on_view(name: str, instead: bool) -> tuple[str, str] | None:
    """(problem, hint) when trigger ``name`` cannot be on a view: SQLite's triggers on
    a view are ``INSTEAD OF``."""
    if instead:
        return None
    return (
        f"trigger {name!r} is on a view, where SQLite has INSTEAD OF triggers only",
        "write it as CREATE TRIGGER <name> INSTEAD OF {DELETE|INSERT|UPDATE} ON <view> ...",
    )


def _tokens(sql: str) -> list[str]:
    return tokens(sql, identifier_quotes='`"[')


def normal_form(kind: str, definition: str) -> tuple[str, ...]:
    """What a definition means, as tokens (see the module)."""
    toks = _tokens(definition)
    if toks and toks[-1] == ";":
        toks.pop()
    toks = drop_sequence(toks, ("if", "not", "exists"), start=1)
    if "begin" in toks:
        at = toks.index("begin")  # the header: FOR EACH ROW is the only kind there is
        toks = drop_sequence(toks[:at], ("for", "each", "row")) + toks[at:]
    return tuple(toks)


def reads_table(r: Routine, table: str) -> bool:
    """The trigger is on ``table`` or names it in its body."""
    return r.table == table or table.lower() in _tokens(r.definition)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_sql(r: Routine) -> list[str]:
    return [r.definition]


def drop_sql(r: Routine) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {_ident(r.name)}"]


def replace_sql(r: Routine) -> list[str]:
    return drop_sql(r) + create_sql(r)
