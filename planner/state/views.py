"""The views a snapshot manages (:class:`~planner.state.model.View`): taken from the
database by the dialect's ``<name>_views`` module (``planner/dialects/``), and compared
by ``drift`` and ``verify``.

A captured view leaves the inventory's ``unmanaged`` list; a view the dialect module
does not model (it uses an object dbplan does not create first) stays there.
Definitions compare by meaning (:func:`planner.viewsql.same_everywhere`).

Example:
    >>> from planner.state.model import Snapshot, View
    >>> v = View(name="v", definition="SELECT 1 AS one")
    >>> compare(Snapshot(release="1"), Snapshot(release="1", views=(v,)))
    ['view v: missing']
"""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.state.model import Snapshot, Unmanaged, View

_KINDS = ("view", "materialized_view")


def label(v: View) -> str:
    """``view reports.v``, ``materialized_view mv``."""
    return f"{v.kind} {v.qualified_name}"


def check(snapshot: Snapshot, targets: Any, add: Any) -> None:
    """Report a materialized view where a target the project names has none, and a read
    naming a table or view the snapshot does not have (``add(path, message, hint)``: the
    validator's). Without targets (a snapshot of no project: what PostgreSQL captured)
    a materialized view is accepted."""
    from planner import dialects

    chosen = [] if targets is None else [dialects.get(t) for t in targets]
    lacking = [d.label for d in chosen if not d.has_materialized_views]
    relations = {t.key for t in snapshot.tables} | {v.key for v in snapshot.views}
    enums = {e.name for e in snapshot.enums}
    for i, v in enumerate(snapshot.views):
        if v.kind == "materialized_view" and lacking:
            add(
                ("views", i, "kind"),
                f"materialized view {v.qualified_name}: no materialized views on "
                + ", ".join(lacking),
                "write kind: view, or target PostgreSQL only ([tool.dbplan] dialects)",
            )
        for j, r in enumerate(v.reads):
            known = (r.schema, r.name) in relations if r.kind == "table" else r.name in enums
            if not known:
                add(
                    ("views", i, "reads", j, r.kind),
                    f"view {v.qualified_name} reads unknown {r.kind} {r.name!r}",
                    "name a table, view or enum of this snapshot, or remove the entry",
                )


def capture(conn: Any, dialect: Any, snapshot: Snapshot, schemas: list[str | None]) -> Snapshot:
    """``snapshot`` with the views of ``schemas`` it models, out of ``unmanaged``."""
    found, extra = dialect.part("views").views(conn, snapshot, schemas)
    if not found and not extra:
        return snapshot
    keys = {v.key for v in found}
    # a modelled view's column comments are its column_comments
    comments = {(v.schema, f"column {v.name}.{c}") for v in found for c, _ in v.column_comments}
    unmanaged = [
        u
        for u in snapshot.unmanaged
        if not (u.kind in _KINDS and (u.schema, u.name) in keys)
        and not (u.kind == "index" and (u.schema, u.table) in keys)
        and not (u.kind == "comment" and (u.schema, u.name) in comments)
    ]
    unmanaged += [f.obj for f in extra]
    return dataclasses.replace(snapshot, views=tuple(found), unmanaged=tuple(unmanaged))


def spelled_as(snapshot: Snapshot, hint: Snapshot, dialect: str) -> Snapshot:
    """``snapshot`` (a capture) with each view's definition spelled as ``hint`` spells
    the same view where both mean the same in ``dialect`` (a capture against a snapshot
    reproduces it; a real difference stays)."""
    import dataclasses

    from planner.viewsql import same_definition

    written = {v.key: v for v in hint.views}
    out = []
    for v in snapshot.views:
        h = written.get(v.key)
        if (
            h is not None
            and h.definition != v.definition
            and h.kind == v.kind
            and same_definition(v.definition, h.definition, dialect, hint)
        ):
            v = dataclasses.replace(v, definition=h.definition, reads=h.reads or v.reads)
        out.append(v)
    return dataclasses.replace(snapshot, views=tuple(out))


def as_listed(actual: Snapshot, expected: Snapshot) -> Snapshot:
    """``actual`` (captured) with the views ``expected`` lists as unmanaged moved to its
    ``unmanaged`` list: a snapshot may leave a view alone that dbplan could model."""
    listed = {(u.schema, u.name) for u in expected.unmanaged if u.kind in _KINDS}
    moved = [v for v in actual.views if v.key in listed and v.key not in _keys(expected)]
    if not moved:
        return actual
    return dataclasses.replace(
        actual,
        views=tuple(v for v in actual.views if v not in moved),
        unmanaged=actual.unmanaged + tuple(as_unmanaged(v) for v in moved),
    )


def _keys(snapshot: Snapshot) -> set:
    return {v.key for v in snapshot.views}


def compare(actual: Snapshot, expected: Snapshot) -> list[str]:
    """Views of one side only, and views whose kind, definition (by meaning), indexes,
    comment or column comments differ."""
    from planner.viewsql import same_everywhere

    have = {v.key: v for v in actual.views}
    need = {v.key: v for v in expected.views}
    out = []
    for key in sorted(need.keys() - have.keys(), key=str):
        out.append(f"{label(need[key])}: missing")
    for key in sorted(have.keys() - need.keys(), key=str):
        out.append(f"{label(have[key])}: in the database, not in the snapshot")
    for key in sorted(have.keys() & need.keys(), key=str):
        a, b = have[key], need[key]
        if a.kind != b.kind:
            out.append(f"{label(b)}: a {a.kind} in the database")
            continue
        if not same_everywhere(a.definition, b.definition, snapshot=expected):
            out.append(f"{label(b)}: definition differs from the snapshot's")
        from planner.sqlexpr import same_object  # expressions, predicates by meaning

        mine = {i.name: i for i in b.indexes}
        theirs = {i.name: i for i in a.indexes}
        differ = {n for n in mine.keys() | theirs.keys()
                  if not same_object(theirs.get(n), mine.get(n))}  # fmt: skip
        if differ:
            names = ", ".join(sorted(differ))
            out.append(f"{label(b)}: indexes differ from the snapshot's ({names})")
        if a.comment != b.comment:
            out.append(f"{label(b)}: comment {a.comment!r}, snapshot says {b.comment!r}")
        had, has = dict(a.column_comments), dict(b.column_comments)
        for column in sorted(had.keys() | has.keys()):
            if had.get(column) != has.get(column):
                out.append(
                    f"{label(b)}: comment of column {column} {had.get(column)!r}, "
                    f"snapshot says {has.get(column)!r}"
                )
    return out


def create_all(conn: Any, snapshot: Snapshot, dialect: Any) -> None:
    """Create the views of ``snapshot`` on ``conn``, each after the views it reads."""
    import sqlalchemy as sa

    from planner.sqlexpr import escape_binds

    done: set = set()
    views = {v.key: v for v in snapshot.views}

    def make(v: View, path: tuple = ()) -> None:
        if v.key in done or v.key in path:
            return
        reads = v.reads
        if not reads:
            from planner.viewsql import reads_of

            reads = reads_of(v.definition, dialect.name, snapshot)
        for r in reads:
            dep = views.get((r.schema, r.name)) if r.kind == "table" else None
            if dep is not None:
                make(dep, (*path, v.key))
        for stmt in dialect.part("views").create_sql(v):
            conn.execute(sa.text(escape_binds(stmt)))
        done.add(v.key)

    for v in snapshot.views:
        make(v)


def as_unmanaged(v: View) -> Unmanaged:
    return Unmanaged(kind=v.kind, name=v.name, schema=v.schema)
