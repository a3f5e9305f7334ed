r"""The snapshot keys of PostgreSQL table properties: ``deferrable`` on a primary key,
foreign key or unique constraint (``DEFERRABLE INITIALLY IMMEDIATE | DEFERRED``) and
``unlogged`` on a table (``CREATE UNLOGGED TABLE``): reading them, writing them in the
canonical form, and refusing them for projects that target other databases.

A unique constraint is written as its list of columns, or as a mapping when it has more
than columns::

    unique:
      uq_a: [a]
      uq_b: {columns: [b], deferrable: deferred}

Example:
    >>> from planner.state.yamlio import load_snapshot_text
    >>> s = load_snapshot_text(
    ...     "snapshot: 1\nrelease: '1'\ntables:\n  t:\n    columns: {b: {type: Integer}}\n"
    ...     "    unique: {uq_b: {columns: [b], deferrable: deferred}}\n", "1.yaml")
    >>> s.table("t").uniques[0].deferrable
    'deferred'
"""

from __future__ import annotations

import re
from typing import Any

from planner.state.model import DEFERRABLE_KINDS, Exclusion, ExclusionElement, Unique

#: the keys of a unique constraint written as a mapping
UNIQUE_KEYS = ("columns", "deferrable", "comment", "index_comment")


def read_deferrable(shape: Any, value: Any, path: tuple, what: str) -> str | None:
    """The ``deferrable`` key of a key, unique or foreign key: ``immediate`` or
    ``deferred`` (absent: not deferrable)."""
    if value is None:
        return None
    if isinstance(value, str) and value in DEFERRABLE_KINDS:
        return value
    hint = "write deferrable: immediate (DEFERRABLE INITIALLY IMMEDIATE) or deferrable: deferred"
    if value is False:
        hint = "drop the key: a constraint without deferrable is NOT DEFERRABLE"
    elif value is True:
        hint = "write deferrable: immediate (DEFERRABLE alone means INITIALLY IMMEDIATE)"
    shape.add(path, f"expected deferrable immediate or deferred ({what}), found {value!r}", hint)
    return None


def read_unique(shape: Any, name: str, body: Any, path: tuple) -> Unique | None:
    """One entry of a table's ``unique``: a list of columns, or ``{columns, deferrable}``."""
    if not isinstance(body, dict):
        cols = shape.names(body, path, "columns")
        return Unique(name=name, columns=cols) if cols is not None else None
    u = shape.mapping(
        body, path, f"unique constraint '{name}'", allowed=UNIQUE_KEYS, required=("columns",)
    )
    if u is None or "columns" not in u:
        return None
    cols = shape.names(u["columns"], (*path, "columns"), "columns")
    deferrable = read_deferrable(
        shape, u.get("deferrable"), (*path, "deferrable"), f"unique constraint '{name}'"
    )
    if cols is None:
        return None
    from planner.state.constraint_comments import read

    comment, index_comment = read(shape, u, path), read(shape, u, path, "index_comment")
    return Unique(
        name=name, columns=cols, deferrable=deferrable, comment=comment, index_comment=index_comment
    )


def check(c: Any, snapshot: Any, targets: Any) -> None:
    """:func:`check_targets` for the target dialect names ``targets`` (None: not named),
    :func:`check_references`, and the targets of constraint and policy comments."""
    from planner import dialects

    names = None if targets is None else [dialects.get(t) for t in targets]
    check_targets(c, snapshot, names)
    check_references(c, snapshot)
    from planner.state import constraint_comments  # COMMENT ON CONSTRAINT / POLICY

    constraint_comments.check_targets(snapshot, targets, c.add)


def compare_exclusions(where: str, got: Any, want: Any, out: list[str], dialect: Any) -> None:
    """drift/verify: the exclusion constraints of a captured table ``got`` against ``want``."""
    have = {e.name: e for e in got.exclusions}
    for e in want.exclusions:
        if e.name not in have:
            out.append(f"{where}: exclusion constraint {e.name} missing")
        elif not same_exclusion(have[e.name], e, dialect):
            out.append(f"{where}: exclusion constraint {e.name} differs from the snapshot")
    for name in sorted(have.keys() - {e.name for e in want.exclusions}):
        out.append(f"{where}: exclusion constraint {name} not in snapshot")


def check_references(c: Any, snapshot: Any) -> None:
    """Add a problem to ``c`` for each exclusion element naming no column of its table,
    and for each foreign key whose referenced columns are exactly
    a deferrable primary key or unique (PostgreSQL refuses it: "cannot use a deferrable
    unique constraint for referenced table") and no other key of them is not."""
    tables = snapshot.tables_by_key()
    for t in snapshot.tables:
        for e in t.exclusions:
            for i, el in enumerate(e.elements):
                if el.column is not None and not t.has_column(el.column):
                    c.add(
                        ("tables", t.name, "exclusions", e.name, "elements", i, "column"),
                        f"exclusion constraint {t.qualified_name}.{e.name} names column "
                        f"{el.column!r}, which {t.qualified_name} does not have",
                        "name a column of the table, or write an expression",
                    )
        for fk in t.foreign_keys:
            ref = tables.get(fk.ref_key)
            if ref is None:
                continue
            cols = set(fk.ref_columns)
            keys = [u for u in ref.uniques if set(u.columns) == cols]
            if ref.primary_key is not None and set(ref.primary_key.columns) == cols:
                keys.append(ref.primary_key)
            if keys and all(k.deferrable for k in keys):
                c.add(
                    ("tables", t.name, "foreign_keys", fk.name, "references"),
                    f"foreign key {t.qualified_name}.{fk.name} references a deferrable key "
                    f"of {ref.qualified_name} ({', '.join(fk.ref_columns)}): PostgreSQL "
                    "refuses a foreign key to a deferrable key",
                    "drop deferrable of the referenced key, or reference a key that is not",
                )


def check_targets(c: Any, snapshot: Any, names: list | None) -> None:
    """Add a problem to the collector ``c`` for each ``deferrable`` and ``unlogged`` of
    ``snapshot`` when a target dialect (``names``; None: not named) has no such thing."""
    if not names:
        return
    no_defer = [d.label for d in names if not d.has_deferrable_constraints]
    no_unlogged = [d.label for d in names if not d.has_unlogged_tables]
    no_exclusions = [d.label for d in names if not d.has_exclusion_constraints]
    for t in snapshot.tables:
        tp = ("tables", t.name)
        where = t.qualified_name
        for e in t.exclusions if no_exclusions else ():
            c.add(
                (*tp, "exclusions", e.name),
                f"exclusion constraint {where}.{e.name}: exclusion constraints are "
                f"PostgreSQL's, and the project also targets {', '.join(no_exclusions)}",
                "drop it, or target only postgresql ([tool.dbplan] dialects)",
            )
        if t.unlogged and no_unlogged:
            c.add(
                (*tp, "unlogged"),
                f"table {where} is unlogged: unlogged tables are PostgreSQL's, and the "
                f"project also targets {', '.join(no_unlogged)}",
                "drop unlogged, or target only postgresql ([tool.dbplan] dialects)",
            )
        if not no_defer:
            continue
        found = []
        if t.primary_key is not None and t.primary_key.deferrable:
            found.append(((*tp, "primary_key", "deferrable"), f"primary key of {where}"))
        for fk in t.foreign_keys:
            if fk.deferrable:
                found.append(
                    ((*tp, "foreign_keys", fk.name, "deferrable"), f"foreign key {where}.{fk.name}")
                )
        for u in t.uniques:
            if u.deferrable:
                found.append(((*tp, "unique", u.name, "deferrable"), f"unique {where}.{u.name}"))
        for path, what in found:
            c.add(
                path,
                f"{what} is deferrable: deferrable constraints are PostgreSQL's, and the "
                f"project also targets {', '.join(no_defer)}",
                "drop deferrable, or target only postgresql ([tool.dbplan] dialects)",
            )


# --------------------------------------------------------------------------- exclusions
EXCLUSION_KEYS = ("using", "elements", "where", "comment", "index_comment")
ELEMENT_KEYS = ("column", "expression", "operator")
#: an operator as PostgreSQL spells one (symbols), or an index method's name
_OPERATOR = re.compile(r"[+\-*/<>=~!@#%^&|`?]{1,63}")
_METHOD = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def read_exclusions(shape: Any, value: Any, path: tuple) -> tuple[Exclusion, ...]:
    """A table's ``exclusions``: name -> ``{using, elements: [{column | expression,
    operator}], where}``."""
    out = []
    for name, body in shape.names_mapping(value, path, "exclusion constraints").items():
        ep = (*path, name)
        e = shape.mapping(
            body, ep, f"exclusion constraint '{name}'", allowed=EXCLUSION_KEYS,
            required=("elements",),
        )  # fmt: skip
        if e is None or "elements" not in e:
            continue
        using = shape.text(e.get("using"), (*ep, "using"), "an index method") or "gist"
        if not _METHOD.fullmatch(using):
            shape.add((*ep, "using"), f"expected an index method (gist, spgist …), found {using!r}")
        where = shape.text(e.get("where"), (*ep, "where"), "an SQL predicate", sql=True)
        raw = e["elements"]
        if not isinstance(raw, list) or not raw:
            shape.add((*ep, "elements"), "expected a list of {column, operator} elements")
            continue
        elements = []
        for i, item in enumerate(raw):
            el = _element(shape, item, (*ep, "elements", i))
            if el is not None:
                elements.append(el)
        if len(elements) == len(raw):
            from planner.state.constraint_comments import read

            comment, index_comment = read(shape, e, ep), read(shape, e, ep, "index_comment")
            out.append(
                Exclusion(
                    name=name,
                    elements=tuple(elements),
                    using=using,
                    where=where,
                    comment=comment,
                    index_comment=index_comment,
                )
            )
    return tuple(out)


def _element(shape: Any, item: Any, path: tuple) -> ExclusionElement | None:
    el = shape.mapping(item, path, "an exclusion element", allowed=ELEMENT_KEYS,
                       required=("operator",))  # fmt: skip
    if el is None or "operator" not in el:
        return None
    op = shape.text(el.get("operator"), (*path, "operator"), "an operator")
    column = shape.text(el.get("column"), (*path, "column"), "a column name")
    expr = shape.text(el.get("expression"), (*path, "expression"), "SQL text", sql=True)
    if (column is None) == (expr is None):
        shape.add(path, "an exclusion element names a column or an expression (one of them)",
                  "write {column: room, operator: '='} or {expression: ..., operator: '&&'}")  # fmt: skip
        return None
    if op is None or not _OPERATOR.fullmatch(op):
        shape.add((*path, "operator"), f"expected an operator (=, && …), found {op!r}",
                  "an operator is symbols only: =, &&, <> …")  # fmt: skip
        return None
    return ExclusionElement(operator=op, column=column, expression=expr)


def same_exclusion(a: Exclusion | None, b: Exclusion | None, dialect: Any = None) -> bool:
    """Two exclusion constraints agree: expressions and predicates by meaning (on
    ``dialect``; None: on every dialect that reads both)."""
    if a == b:
        return True
    if a is None or b is None or a.name != b.name or a.using.lower() != b.using.lower():
        return False
    if len(a.elements) != len(b.elements):
        return False
    from planner import sqlexpr

    def same(x: str | None, y: str | None) -> bool:
        if x is None or y is None:
            return x is y
        if dialect is None:
            return sqlexpr.same_everywhere(x, y)
        return sqlexpr.same_meaning(x, y, dialect)

    for x, y in zip(a.elements, b.elements, strict=True):
        if x.operator != y.operator or x.column != y.column:
            return False
        if not same(x.expression, y.expression):
            return False
    return same(a.where, b.where)
