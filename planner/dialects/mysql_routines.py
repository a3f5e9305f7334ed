"""MariaDB/MySQL's routines (reached as ``get("mysql").part("routines")``): triggers,
stored functions and stored procedures as the snapshot's ``routines`` section keeps them
(entries with ``dialect: mysql``; see :mod:`planner.state.routines_yaml`).

- **Capture** reads ``SHOW CREATE TRIGGER`` / ``FUNCTION`` / ``PROCEDURE`` and takes the
  ``DEFINER=`` clause out, so a snapshot does not name the account that created the
  object (a revision creates it as the account that runs it). The ``sql_mode`` an object
  was created with is not kept: it runs with the one of the session creating it.
- **Definitions compare by meaning** (:func:`normal_form`): comments, whitespace, keyword
  case, identifier quoting, ``DEFINER=``, ``OR REPLACE`` aside; and what the server
  rewrites in a function's header: integer display widths (``int(11)``), type synonyms
  (``integer``, ``boolean``, ``numeric``, ``real``, ``json``), the character set and
  collation it adds to a string ``RETURNS`` type, the order of the characteristics and
  those that are the defaults (``NOT DETERMINISTIC``, ``CONTAINS SQL``,
  ``SQL SECURITY DEFINER``, ``LANGUAGE SQL``).
- **SQL** runs through the driver, one statement each (no ``DELIMITER``): drops are
  ``DROP ... IF EXISTS``; a changed function or procedure is dropped and created again
  (MySQL 8 has no ``CREATE OR REPLACE`` for them).

Example:
    >>> a = "CREATE DEFINER=`root`@`%` FUNCTION `twice`(x int) RETURNS int(11)\\n    DETERMINISTIC\\nRETURN 2 * x"
    >>> normal_form("function", a) == normal_form("function", "create function twice(x INT) returns int deterministic return 2*x")
    True
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.dialects.routine_text import NAME, drop_sequence, name_token, tokens
from planner.state.model import Routine

#: the kinds MariaDB/MySQL has
KINDS = ("function", "procedure", "trigger")

_DEFINER = re.compile(
    r"^(\s*CREATE\s+(?:OR\s+REPLACE\s+)?)DEFINER\s*=\s*"
    r"(?:CURRENT_USER(?:\s*\(\s*\))?|(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|\"[^\"]*\"|[\w.%$-]+)"
    r"(?:\s*@\s*(?:`(?:[^`]|``)*`|'(?:[^']|'')*'|\"[^\"]*\"|[\w.%$-]+))?)\s+",
    re.I,
)
_HEAD = (
    r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+(?:\s*@\s*\S+)?\s+)?"
    r"(?:AGGREGATE\s+)?(?P<kind>TRIGGER|FUNCTION|PROCEDURE)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?:{NAME}\s*\.\s*)?(?P<name>{NAME})"
)
_TRIGGER = re.compile(
    _HEAD + r"\s+(?P<timing>BEFORE|AFTER)\s+"
    r"(?P<event>(?:INSERT|UPDATE|DELETE)(?:\s+OR\s+(?:INSERT|UPDATE|DELETE))*)"
    rf"\s+ON\s+(?:{NAME}\s*\.\s*)?(?P<table>{NAME})\s+FOR\s+EACH\s+ROW\b",
    re.I,
)
_ROUTINE = re.compile(_HEAD + r"\s*\(", re.I)
#: signs of PostgreSQL's syntax in a definition
_POSTGRESQL = re.compile(
    r"\$[A-Za-z_]*\$|\bLANGUAGE\s+plpgsql\b|\bEXECUTE\s+(?:FUNCTION|PROCEDURE)\b"
    r"|\bRETURNS\s+(?:trigger|SETOF|TABLE)\b|\bCREATE\s+CONSTRAINT\s+TRIGGER\b",
    re.I,
)
#: a mysql client script's statement: DELIMITER lines, or a custom terminator at the end
_DELIMITED = re.compile(r"^\s*DELIMITER\b|(?:\$\$|//)\s*$", re.I | re.M)
_SHAPE = {
    "trigger": "CREATE TRIGGER <name> {BEFORE|AFTER} {INSERT|UPDATE|DELETE} ON <table> "
    "FOR EACH ROW <statement>",
    "function": "CREATE FUNCTION <name>(<parameters>) RETURNS <type> <body>",
    "procedure": "CREATE PROCEDURE <name>(<parameters>) <body>",
}


# --------------------------------------------------------------------------- capture
def strip_definer(sql: str) -> str:
    """``sql`` without its ``DEFINER=`` clause.

    Example:
        >>> strip_definer("CREATE DEFINER=`root`@`127.0.0.1` TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1")
        'CREATE TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1'
    """
    return _DEFINER.sub(lambda m: m.group(1), sql, count=1)


def captured(conn: Any, tables: set[str] | None) -> list[tuple[str, str, str | None, str | None]]:
    """``(kind, name, table, definition)`` of every trigger, function and procedure of
    the connection's database; ``definition`` None for one dbplan leaves alone (a
    trigger of a table that is not modelled; ``tables`` None: no definitions read)."""
    out: list[tuple[str, str, str | None, str | None]] = []
    db = "DATABASE()"
    for name, table in conn.execute(
        sa.text(
            "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS "
            f"WHERE TRIGGER_SCHEMA = {db} ORDER BY TRIGGER_NAME"
        )
    ).all():
        modelled = tables is not None and table in tables
        out.append(("trigger", name, table, _show(conn, "TRIGGER", name) if modelled else None))
    for name, type_ in conn.execute(
        sa.text(
            "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES "
            f"WHERE ROUTINE_SCHEMA = {db} ORDER BY ROUTINE_NAME, ROUTINE_TYPE"
        )
    ).all():
        kind = "procedure" if type_ == "PROCEDURE" else "function"
        modelled = tables is not None and type_ in ("FUNCTION", "PROCEDURE")
        out.append((kind, name, None, _show(conn, type_, name) if modelled else None))
    return out


def _show(conn: Any, what: str, name: str) -> str | None:
    """The creating statement ``SHOW CREATE <what>`` gives, without ``DEFINER=`` (None
    when the account may not see it)."""
    row = conn.exec_driver_sql(f"SHOW CREATE {what} {_ident(name)}").first()
    text = row[2] if row is not None and len(row) > 2 else None
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return strip_definer(text).rstrip() if text else None


# --------------------------------------------------------------------------- check
def on_view(name: str, instead: bool) -> tuple[str, str] | None:
    """(problem, hint): MariaDB/MySQL have no triggers on views."""
    return (
        f"trigger {name!r} is on a view, but MariaDB/MySQL have no triggers on views",
        "put it on a table the view reads",
    )


def check(kind: str, name: str, table: str | None, definition: str) -> tuple[str, str] | None:
    """(problem, hint) when ``definition`` is not a MariaDB/MySQL ``kind`` statement
    creating ``name`` (on ``table``)."""
    if _DELIMITED.search(definition):
        return (
            f"the definition of {kind} {name!r} is a client script (DELIMITER, or a "
            "statement ending in $$ or //)",
            "write the one statement without DELIMITER and its terminator: dbplan sends it "
            "through the driver, which needs none",
        )
    if _POSTGRESQL.search(definition):
        return (
            f"the definition of {kind} {name!r} is written in PostgreSQL's syntax, but the "
            "entry is MariaDB/MySQL's (dialect: mysql)",
            f"write it as MariaDB runs it: {_SHAPE[kind]}; or, for PostgreSQL, leave out "
            "dialect: mysql",
        )
    if kind != "trigger" and "(" in name:
        return (
            f"a MariaDB/MySQL {kind} is named without its parameters: {name!r}",
            f"name it {name.partition('(')[0]!r}",
        )
    m = (_TRIGGER if kind == "trigger" else _ROUTINE).match(definition)
    if m is None or m.group("kind").lower() != kind:
        return (
            f"the definition of {kind} {name!r} must be its CREATE {kind.upper()} statement",
            f"write it as MariaDB runs it: {_SHAPE[kind]}",
        )
    if name_token(m.group("name")) != name.lower():
        return (
            f"the definition creates {kind} {name_token(m.group('name'))!r}, not {name!r}",
            "make the entry's name and the statement's agree",
        )
    if table is not None and name_token(m.group("table")) != table.lower():
        return (
            f"trigger {name!r}: its definition is on table "
            f"{name_token(m.group('table'))!r}, the entry says {table!r}",
            "make the entry's table and the statement's agree",
        )
    return None


# --------------------------------------------------------------------------- compare
_INTEGERS = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
_SYNONYMS = {
    "integer": "int",
    "bool": "tinyint",
    "boolean": "tinyint",
    "numeric": "decimal",
    "dec": "decimal",
    "fixed": "decimal",
    "real": "double",
    "json": "longtext",
}
_TYPE_WORDS = {"unsigned", "signed", "zerofill", "precision", "varying", "binary", "byte"}
_CHARACTERISTICS = {
    ("not", "deterministic"): None,
    ("deterministic",): "deterministic",
    ("contains", "sql"): None,
    ("no", "sql"): "no sql",
    ("reads", "sql", "data"): "reads sql data",
    ("modifies", "sql", "data"): "modifies sql data",
    ("sql", "security", "definer"): None,
    ("sql", "security", "invoker"): "sql security invoker",
    ("language", "sql"): None,
}


def same_moment(routines) -> list[tuple[str, str, str]]:
    """``(table, timing, event)`` of each moment two triggers or more share: MariaDB runs
    them in the order they were created (or as ``FOLLOWS`` / ``PRECEDES`` say), which
    capture does not keep; dbplan creates them in name order.

    Example:
        >>> t = lambda n: Routine(kind="trigger", name=n, table="t", dialect="mysql",
        ...     definition=f"CREATE TRIGGER {n} BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1")
        >>> same_moment([t("a"), t("b")])
        [('t', 'BEFORE', 'INSERT')]
    """
    seen: dict[tuple[str, str, str], int] = {}
    for r in routines:
        m = _TRIGGER.match(r.definition) if r.kind == "trigger" else None
        if m is not None and r.table is not None:
            key = (r.table, m.group("timing").upper(), " ".join(m.group("event").upper().split()))
            seen[key] = seen.get(key, 0) + 1
    return sorted(k for k, n in seen.items() if n > 1)


def _tokens(sql: str) -> list[str]:
    return tokens(
        sql, identifier_quotes="`", string_quotes="'\"", hash_comments=True, backslash_escapes=True
    )


def normal_form(kind: str, definition: str) -> tuple[str, ...]:
    """What a definition means, as tokens (see the module): equal for two spellings of
    the same object, different when the object differs."""
    toks = _tokens(strip_definer(definition))
    if toks and toks[-1] == ";":
        toks.pop()
    toks = drop_sequence(toks, ("or", "replace"), start=1)
    toks = drop_sequence(toks, ("if", "not", "exists"), start=1)
    if kind == "trigger":
        return tuple(toks)
    try:
        open_ = toks.index("(")
    except ValueError:
        return tuple(toks)
    close = _matching(toks, open_)
    head = toks[: open_ + 1] + _params(toks[open_ + 1 : close], kind) + [")"]
    i = close + 1
    if kind == "function" and i < len(toks) and toks[i] == "returns":
        type_, i = _type(toks, i + 1)
        head += ["returns", *type_]
    found: list[str] = []
    while i < len(toks):
        if toks[i] == "comment" and i + 1 < len(toks):
            if toks[i + 1] not in ("''", '""'):
                found.append("comment " + toks[i + 1])
            i += 2
            continue
        for words, canonical in _CHARACTERISTICS.items():
            if tuple(toks[i : i + len(words)]) == words:
                if canonical:
                    found.append(canonical)
                i += len(words)
                break
        else:
            break
    return (*head, "|", *sorted(set(found)), "|", *toks[i:])


def _matching(toks: list[str], i: int) -> int:
    depth = 0
    for j in range(i, len(toks)):
        depth += {"(": 1, ")": -1}.get(toks[j], 0)
        if depth == 0:
            return j
    return len(toks)


def _params(toks: list[str], kind: str) -> list[str]:
    out: list[str] = []
    params: list[list[str]] = [[]]
    depth = 0
    for t in toks:
        depth += {"(": 1, ")": -1}.get(t, 0)
        if t == "," and depth == 0:
            params.append([])
        else:
            params[-1].append(t)
    for n, p in enumerate(params):
        mode: list[str] = []
        if kind == "procedure" and p[:1] in (["in"], ["out"], ["inout"]):
            mode, p = ([] if p[0] == "in" else [p[0]]), p[1:]  # IN is the default
        if len(p) > 1:
            type_, j = _type(p, 1)
            p = [p[0], *type_, *p[j:]]
        p = mode + p
        out += ([","] if n else []) + p
    return out


def _type(toks: list[str], i: int) -> tuple[list[str], int]:
    """The type starting at ``toks[i]`` in normal form, and the index after it."""
    if i >= len(toks):
        return [], i
    name = toks[i]
    i += 1
    if name == "double" and i < len(toks) and toks[i] == "precision":
        i += 1
    if name == "character" and i < len(toks) and toks[i] == "varying":
        name, i = "varchar", i + 1
    args: list[str] = []
    if i < len(toks) and toks[i] == "(":
        end = _matching(toks, i)
        args, i = toks[i : end + 1], end + 1
    rest: list[str] = []
    while i < len(toks):
        t = toks[i]
        if t in ("charset", "collate") and i + 1 < len(toks):
            i += 2  # the server adds the database's: not compared
        elif t == "character" and toks[i + 1 : i + 2] == ["set"] and i + 2 < len(toks):
            i += 3
        elif t in _TYPE_WORDS:
            rest.append(t)
            i += 1
        else:
            break
    name = _SYNONYMS.get(name, name)
    if name in _INTEGERS:
        args = []  # a display width, no meaning
    elif name == "decimal":
        digits = [a for a in args if a not in "(),"]
        args = ["(", digits[0] if digits else "10", ",", digits[1] if len(digits) > 1 else "0", ")"]
    return [name, *args, *rest], i


def reads_table(r: Routine, table: str) -> bool:
    """The routine names ``table`` (its own table, or one its body reads or writes)."""
    return r.table == table or table.lower() in _tokens(r.definition)


# --------------------------------------------------------------------------- SQL
def _ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def create_sql(r: Routine) -> list[str]:
    return [r.definition]


def drop_sql(r: Routine) -> list[str]:
    return [f"DROP {r.kind.upper()} IF EXISTS {_ident(r.name)}"]


def replace_sql(r: Routine) -> list[str]:
    return drop_sql(r) + create_sql(r)
