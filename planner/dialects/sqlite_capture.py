"""SQLite reflection fixes (reached as ``get("sqlite").part("capture")``).

A double quote inside a foreign key or check name stays doubled in what SQLAlchemy
reads, and a quote in a PRIMARY KEY or UNIQUE name garbles it: those names (and the
actions of a foreign key to a table whose name holds a quote) are read from the CREATE
TABLE statement, matched by columns. A column-level ``UNIQUE`` lives only in an
``sqlite_autoindex_*``: it is reflected as an unnamed unique constraint. A column
declared without a type (BLOB affinity) is read as ``LargeBinary`` (created ``BLOB``).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from planner.dialects.reflection import COLLATION_KEY, RawTable, fix_names
from planner.dialects.sqlite_generated import fix_generated
from planner.dialects.sqlite_inventory import declared_collations


def fix_reflected(
    conn: sa.engine.Connection, insp: Any, schema: str | None, raw: dict[str, RawTable]
) -> None:
    master = f'"{schema}".sqlite_master' if schema else "sqlite_master"
    statements = dict(
        conn.execute(sa.text(f"SELECT name, sql FROM {master} WHERE type = 'table'")).all()
    )
    for table, t in raw.items():
        sql = statements.get(table)
        t.foreign_keys = _actions(conn, schema, table, _fks(sql, t.foreign_keys))
        t.checks = fix_names(t.checks, ("name",), '"')
        t.pk = _keys("get_pk_constraint", sql, t.pk)
        t.uniques = _keys("get_unique_constraints", sql, t.uniques)
        t.uniques += _unnamed_uniques(insp, table, schema, t)
        fix_generated(sql, t)  # generated columns' expressions
        # a column declared without a type has BLOB affinity (SQLAlchemy reads NullType):
        # LargeBinary, which SQLite creates as BLOB, the same affinity
        t.columns = [
            {**c, "type": sa.LargeBinary()} if isinstance(c["type"], sa.types.NullType) else c
            for c in t.columns
        ]
        if sql:  # a column's own collation: collation:
            collated = declared_collations(conn, table, sql)
            t.columns = [
                {**c, COLLATION_KEY: collated[c["name"]]} if c["name"] in collated else c
                for c in t.columns
            ]


def _unnamed_uniques(insp: Any, table: str, schema: str | None, t: RawTable) -> list[dict]:
    """Column-level ``UNIQUE`` on SQLite lives only in an ``sqlite_autoindex_*``."""
    pk = tuple((t.pk or {}).get("constrained_columns") or ())
    known = {tuple(u["column_names"]) for u in t.uniques} | {pk}
    out = []
    for ix in insp.get_indexes(table, schema=schema, include_auto_indexes=True):
        cols = tuple(ix["column_names"])
        if ix["name"].startswith("sqlite_autoindex_") and ix.get("unique") and cols not in known:
            known.add(cols)
            out.append({"name": None, "column_names": list(cols)})
    return out


def _fks(sql: str | None, got: list) -> list:
    """Foreign key names and actions from the CREATE TABLE statement, matched by columns
    (SQLAlchemy keeps a quote doubled in a name, and loses the actions of a key to a
    table whose name holds one)."""
    got = fix_names(got, ("name",), '"')
    if not sql or '"' not in sql:
        return got
    parsed = foreign_keys(sql)
    out = []
    for fk in got:
        for p in parsed:
            if (p["columns"], p["table"]) == (fk["constrained_columns"], fk["referred_table"]):
                if p["ref"] in ([], fk["referred_columns"]):
                    opts = {**(fk.get("options") or {})}
                    for action in ("ondelete", "onupdate"):
                        opts.pop(action, None)
                        if p[action]:
                            opts[action] = p[action]
                    fk = {**fk, "options": opts, "name": p["name"] or fk.get("name")}
                    break
        out.append(fk)
    return out


def _actions(conn: sa.engine.Connection, schema: str | None, table: str, got: list) -> list:
    """ON DELETE / ON UPDATE of each foreign key from ``pragma_foreign_key_list``, which
    SQLite keeps for every key (SQLAlchemy reads them from the CREATE TABLE text, and
    loses those of a column-level ``REFERENCES p (id) ON DELETE CASCADE``)."""
    args = "(:t, :s)" if schema else "(:t)"
    rows = conn.execute(
        sa.text(
            f'SELECT id, "table", "from", "to", on_update, on_delete '
            f"FROM pragma_foreign_key_list{args} ORDER BY id, seq"
        ),
        {"t": table, "s": schema},
    ).all()
    keys: dict[int, list] = {}
    for key, ref_table, col, ref_col, on_update, on_delete in rows:
        k = keys.setdefault(key, [ref_table, [], [], on_update, on_delete])
        k[1].append(col)
        k[2].append(ref_col)
    out = []
    for fk in got:
        for ref_table, cols, _ref_cols, on_update, on_delete in keys.values():
            if (cols, ref_table) == (list(fk["constrained_columns"]), fk["referred_table"]):
                opts = {**(fk.get("options") or {})}
                for action, value in (("ondelete", on_delete), ("onupdate", on_update)):
                    opts.pop(action, None)
                    if value and value.upper() != "NO ACTION":
                        opts[action] = value.upper()
                fk = {**fk, "options": opts}
                break
        out.append(fk)
    return out


def _keys(attr: str, sql: str | None, got: Any) -> Any:
    if not sql or "CONSTRAINT" not in sql.upper():
        return got
    named = named_keys(sql)
    if attr == "get_pk_constraint":
        # SQLAlchemy reads a name of word characters only: pk_$ comes back as None
        if got and got.get("constrained_columns"):
            cols = tuple(got["constrained_columns"])
            return {**got, "name": named.get(("pk", cols, 0), got.get("name"))}
        return got
    # uniques by columns; several may share theirs (their names tell them apart)
    parsed: dict[tuple[str, ...], list[str]] = {}
    for (kind, cols, _), name in named.items():
        if kind == "uq":
            parsed.setdefault(cols, []).append(name)
    out = []
    for u in got:
        names = parsed.get(tuple(u["column_names"]), [])
        if u.get("name") and names:
            # a name SQLAlchemy read garbled is one the statement holds for those columns
            name = u["name"] if u["name"] in names else names[0]
            names.remove(name)
            u = {**u, "name": name}
        out.append(u)
    # SQLAlchemy's pattern skips a UNIQUE clause naming a column with a quote; those
    # on other columns come back as an sqlite_autoindex, one on exactly the primary key
    # has none (SQLite reuses the key's index): the statement is the only trace of it
    # and of two uniques on the same columns SQLAlchemy returns one
    for cols, names in parsed.items():
        out += [{"name": name, "column_names": list(cols)} for name in names]
    return out


#: one token of SQLite DDL: a string, a quoted identifier, a word (``$`` is a word
#: character of an unquoted SQLite name: ``pk_$``), or one character
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[\w$]+|\S""")


def _ident(token: str) -> str:
    """An SQLite identifier token unquoted (``"a""b"`` -> ``a"b``)."""
    if token[:1] == '"' or token[:1] == "`":
        return token[1:-1].replace(token[0] * 2, token[0])
    if token[:1] == "[":
        return token[1:-1]
    return token


def named_keys(sql: str) -> dict[tuple[str, tuple[str, ...], int], str]:
    """``{(kind, columns, n): name}`` of the named PRIMARY KEY / UNIQUE constraints in a
    CREATE TABLE statement (``kind``: ``pk`` or ``uq``; ``n`` counts the constraints of
    the same kind and columns before it: two uniques may share their columns).

    Example:
        >>> named_keys('CREATE TABLE t (a INT, CONSTRAINT "p""k" PRIMARY KEY (a), '
        ...                    "CONSTRAINT u UNIQUE (`x,)`, a), CHECK (a <> 'CONSTRAINT'))")
        {('pk', ('a',), 0): 'p"k', ('uq', ('x,)', 'a'), 0): 'u'}
    """
    tokens = [m.group(0) for m in _TOKEN.finditer(sql or "")]
    out: dict[tuple[str, tuple[str, ...], int], str] = {}
    for i, tok in enumerate(tokens[:-2]):
        if tok.upper() != "CONSTRAINT":
            continue
        name, rest = _ident(tokens[i + 1]), [t.upper() for t in tokens[i + 2 : i + 5]]
        if rest[:3] == ["PRIMARY", "KEY", "("]:
            kind, j = "pk", i + 5
        elif rest[:2] == ["UNIQUE", "("]:
            kind, j = "uq", i + 4
        else:
            continue
        cols: list[str] = []
        expect_name = True
        while j < len(tokens) and tokens[j] != ")":
            if tokens[j] == ",":
                expect_name = True
            elif expect_name:
                cols.append(_ident(tokens[j]))
                expect_name = False
            j += 1
        n = sum(1 for k in out if k[:2] == (kind, tuple(cols)))
        out[(kind, tuple(cols), n)] = name
    return out


def _ident_list(tokens: list[str], j: int) -> tuple[list[str], int]:
    """The identifiers of a parenthesised list starting at ``tokens[j] == "("``; the index
    after its ``)``."""
    cols: list[str] = []
    expect = True
    j += 1
    while j < len(tokens) and tokens[j] != ")":
        if tokens[j] == ",":
            expect = True
        elif expect:
            cols.append(_ident(tokens[j]))
            expect = False
        j += 1
    return cols, j + 1


def foreign_keys(sql: str) -> list[dict]:
    """The table-level FOREIGN KEY clauses of a CREATE TABLE statement: name (or None),
    columns, referred table and columns, ON DELETE / ON UPDATE actions.

    Example:
        >>> foreign_keys('CREATE TABLE t (a INT, CONSTRAINT "f""k" FOREIGN KEY(a) '
        ...                      'REFERENCES "p""q" (x) ON UPDATE CASCADE ON DELETE SET NULL)')
        [{'name': 'f"k', 'columns': ['a'], 'table': 'p"q', 'ref': ['x'], 'ondelete': 'SET NULL', 'onupdate': 'CASCADE'}]
    """
    tokens = [m.group(0) for m in _TOKEN.finditer(sql or "")]
    upper = [t.upper() for t in tokens]
    out = []
    for i in range(len(tokens) - 3):
        if upper[i] != "FOREIGN" or upper[i + 1] != "KEY" or tokens[i + 2] != "(":
            continue
        name = _ident(tokens[i - 1]) if i >= 2 and upper[i - 2] == "CONSTRAINT" else None
        cols, j = _ident_list(tokens, i + 2)
        if j >= len(tokens) - 1 or upper[j] != "REFERENCES":
            continue
        table, j = _ident(tokens[j + 1]), j + 2
        ref: list[str] = []
        if j < len(tokens) and tokens[j] == "(":
            ref, j = _ident_list(tokens, j)
        fk = {"name": name, "columns": cols, "table": table, "ref": ref}
        fk.update(ondelete=None, onupdate=None)
        while j + 2 < len(tokens) and upper[j] == "ON" and upper[j + 1] in ("DELETE", "UPDATE"):
            words = upper[j + 2 : j + 4]
            action = " ".join(words) if words[0] in ("SET", "NO") else words[0]
            fk["on" + upper[j + 1].lower()] = action
            j += 2 + len(action.split())
        out.append(fk)
    return out
