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

from typing import Any

from planner.state.model import DEFERRABLE_KINDS, Unique

#: the keys of a unique constraint written as a mapping
UNIQUE_KEYS = ("columns", "deferrable")


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
    return Unique(name=name, columns=cols, deferrable=deferrable)


def check_references(c: Any, snapshot: Any) -> None:
    """Add a problem to ``c`` for each foreign key whose referenced columns are exactly
    a deferrable primary key or unique (PostgreSQL refuses it: "cannot use a deferrable
    unique constraint for referenced table") and no other key of them is not."""
    tables = snapshot.tables_by_key()
    for t in snapshot.tables:
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
    for t in snapshot.tables:
        tp = ("tables", t.name)
        where = t.qualified_name
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
