"""PostgreSQL's routines (reached as ``get("postgresql").part("routines")``): functions,
procedures and triggers as the snapshot's ``routines`` section keeps them, checked,
compared and written as SQL (see :mod:`planner.state.routines_yaml`).

Definitions compare as the database spells them (``pg_get_functiondef`` /
``pg_get_triggerdef``), whitespace at the ends aside.

Example:
    >>> check("trigger", "t_n", "t", "CREATE TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW SET NEW.n = 1")[0]
    "trigger 't_n' is not a PostgreSQL trigger: it runs no function (EXECUTE FUNCTION ...)"
"""

from __future__ import annotations

import re

from planner.state.model import Routine

#: the kinds PostgreSQL has
KINDS = ("function", "procedure", "trigger")

#: kind -> the statement its definition must start with
STARTS = {
    "function": ("CREATE OR REPLACE FUNCTION", "CREATE FUNCTION"),
    "procedure": ("CREATE OR REPLACE PROCEDURE", "CREATE PROCEDURE"),
    "trigger": ("CREATE TRIGGER", "CREATE OR REPLACE TRIGGER", "CREATE CONSTRAINT TRIGGER"),
}

_CREATE = re.compile(r"\s*CREATE\s+(FUNCTION|PROCEDURE)\b", re.I)
_EXECUTES = re.compile(r"\bEXECUTE\s+(FUNCTION|PROCEDURE)\b", re.I)
_OTHER_DIALECT = "a MariaDB or SQLite trigger is an entry with dialect: mysql or dialect: sqlite"


def check(kind: str, name: str, table: str | None, definition: str) -> tuple[str, str] | None:
    """(problem, hint) when ``definition`` is not a PostgreSQL ``kind`` statement."""
    if not " ".join(definition.split()).upper().startswith(STARTS[kind]):
        return (
            f"the definition of {kind} {name!r} must be its {STARTS[kind][0]} statement",
            "write it as the database gives it (pg_get_functiondef, pg_get_triggerdef)",
        )
    if kind == "trigger" and not _EXECUTES.search(definition):
        return (
            f"trigger {name!r} is not a PostgreSQL trigger: it runs no function "
            "(EXECUTE FUNCTION ...)",
            _OTHER_DIALECT,
        )
    return None


def on_view(name: str, instead: bool) -> tuple[str, str] | None:
    """(problem, hint) when trigger ``name`` cannot be on a view: never (``INSTEAD OF``
    for each row, ``BEFORE``/``AFTER`` for each statement; the server checks which)."""
    return None


def normal_form(kind: str, definition: str) -> str:
    """What two definitions of the same object share: the text, ends stripped."""
    return definition.strip()


def reads_table(r: Routine, table: str) -> bool:
    """PostgreSQL rebuilds no table: never asked (see ``alters_by_rebuild``)."""
    return r.table == table


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qualified(schema: str | None, name: str) -> str:
    return f"{_ident(schema)}.{_ident(name)}" if schema else _ident(name)


def create_sql(r: Routine) -> list[str]:
    """The definition, and the comment after it (``COMMENT ON``) if it has one."""
    return [r.definition, *(comment_sql(r) if r.comment is not None else ())]


def unchecked(statements: list[str]) -> list[str]:
    """``statements`` with ``check_function_bodies`` off (as ``pg_dump`` restores): a
    function a table uses is created before the tables, so its SQL body may read one
    not created yet; the body is checked when the function is called.

    Example:
        >>> unchecked(["CREATE FUNCTION f() ..."])
        ['SET check_function_bodies = off', 'CREATE FUNCTION f() ...', 'RESET check_function_bodies']
    """
    return ["SET check_function_bodies = off", *statements, "RESET check_function_bodies"]


def _target(r: Routine) -> str:
    """``TRIGGER t ON tbl`` / ``FUNCTION f(args)``: what a drop or comment names."""
    if r.table is not None:
        return f"TRIGGER {_ident(r.name)} ON {_qualified(r.schema, r.table)}"
    name, _, args = r.name.partition("(")
    return f"{r.kind.upper()} {_qualified(r.schema, name)}({args}"


def drop_sql(r: Routine) -> list[str]:
    return [f"DROP {_target(r)}"]


def comment_sql(r: Routine) -> list[str]:
    """``COMMENT ON ... IS`` the routine's comment (``IS NULL``: none), a string literal.

    Example:
        >>> r = Routine(kind="function", name="f(integer)", definition="...", comment="it's")
        >>> print(comment_sql(r)[0])
        COMMENT ON FUNCTION "f"(integer) IS 'it''s'
    """
    from planner.dialects import get

    value = "NULL" if r.comment is None else get("postgresql").string_literal(r.comment)
    return [f"COMMENT ON {_target(r)} IS {value}"]


def replace_sql(r: Routine) -> list[str]:
    """The definition as ``CREATE OR REPLACE`` (a hand-written ``CREATE FUNCTION`` too):
    the triggers using the function stay."""
    return [_CREATE.sub(lambda m: f"CREATE OR REPLACE {m.group(1).upper()}", r.definition, 1)]
