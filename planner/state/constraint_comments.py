r"""The comments of a table's constraints and policies (PostgreSQL ``COMMENT ON
CONSTRAINT name ON table`` / ``COMMENT ON POLICY name ON table``): the ``comment:`` key of
a ``primary_key``, a foreign key, a ``unique`` entry, a ``checks`` entry, an exclusion
constraint and a policy. Read here (:func:`read`, :func:`read_check`), refused for
targets that have no such comment (:func:`check_targets`), compared for drift/verify
(:func:`compare`).

A check with a comment is written as a mapping, ``{sqltext: ..., comment: ...}``; a
unique constraint as ``{columns: [...], comment: ...}``.

Example:
    >>> from planner.state.yamlio import load_snapshot_text
    >>> s = load_snapshot_text(
    ...     "snapshot: 1\nrelease: '1'\ntables:\n  t:\n    columns: {b: {type: Integer}}\n"
    ...     "    checks: {ck_b: {sqltext: b > 0, comment: positive}}\n", "1.yaml")
    >>> s.table("t").checks[0]
    Check(name='ck_b', sqltext='b > 0', comment='positive')
    >>> [(kind, name) for kind, name, _ in constraints(s.table("t"))]
    [('check', 'ck_b')]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from planner.state.model import Check, Table

#: the keys of a check written as a mapping
CHECK_KEYS = ("sqltext", "comment")

#: the constraint kinds, as an operation and a message name them
KINDS = ("primary key", "foreign key", "unique", "check", "exclusion constraint")


def read(shape: Any, body: dict, path: tuple, key: str = "comment") -> str | None:
    """The ``comment:`` (or ``key``: ``index_comment``) of the constraint or policy
    mapping ``body`` at ``path`` (absent: None)."""
    if key not in body:
        return None
    return shape.text(body[key], (*path, key), "a comment")


def read_check(shape: Any, name: str, body: Any, path: tuple) -> Check | None:
    """One entry of a table's ``checks``: the SQL boolean expression, or ``{sqltext,
    comment}``."""
    comment = None
    if isinstance(body, dict):
        m = shape.mapping(body, path, f"check '{name}'", allowed=CHECK_KEYS, required=("sqltext",))
        if m is None or "sqltext" not in m:
            return None
        comment = read(shape, m, path)
        body, path = m["sqltext"], (*path, "sqltext")
    text = shape.text(body, path, "an SQL boolean expression", sql=True)
    if text is None:
        if body is None:
            shape.add(path, "expected an SQL boolean expression, found null")
        return None
    return Check(name=name, sqltext=text, comment=comment)


def constraints(t: Table) -> Iterator[tuple[str, str | None, Any]]:
    """``(kind, name, constraint)`` of each constraint of ``t`` (:data:`KINDS`; the
    primary key's name may be None: the dialect's default)."""
    if t.primary_key is not None and t.primary_key.columns:
        yield "primary key", t.primary_key.name, t.primary_key
    for kind, items in (
        ("foreign key", t.foreign_keys),
        ("unique", t.uniques),
        ("check", t.checks),
        ("exclusion constraint", t.exclusions),
    ):
        for o in items:
            yield kind, o.name, o


#: a constraint kind -> its table key in the snapshot
_SECTION = {
    "foreign key": "foreign_keys",
    "unique": "unique",
    "check": "checks",
    "exclusion constraint": "exclusions",
}


#: the constraint kinds backed by an index of their own (``index_comment:``)
INDEXED = ("primary key", "unique", "exclusion constraint")
#: the comment keys of a constraint: its own, its index's (:data:`INDEXED` only)
COMMENT_KEYS = ("comment", "index_comment")


def path_of(t: Table, kind: str, name: str | None, key: str = "comment") -> tuple:
    """The snapshot path of the ``comment:`` (or ``key``) of ``t``'s constraint."""
    if kind == "primary key":
        return ("tables", t.name, "primary_key", key)
    return ("tables", t.name, _SECTION[kind], name, key)


def with_comment(
    t: Table, kind: str, name: str | None, comment: str | None, key: str = "comment"
) -> Table:
    """``t`` with the comment (``key``: or its index's, ``index_comment``) of its
    constraint ``kind`` ``name`` set to ``comment``."""
    if kind == "primary key":
        return dataclasses.replace(
            t, primary_key=dataclasses.replace(t.primary_key, **{key: comment})
        )
    field = {"foreign key": "foreign_keys", "unique": "uniques", "check": "checks"}.get(
        kind, "exclusions"
    )
    items = tuple(
        dataclasses.replace(o, **{key: comment}) if o.name == name else o for o in getattr(t, field)
    )
    return dataclasses.replace(t, **{field: items})


def comments_of(kind: str, o: Any) -> Iterator[tuple[str, str | None]]:
    """``(key, comment)`` of each comment key constraint ``o`` (of ``kind``) has."""
    for key in COMMENT_KEYS if kind in INDEXED else COMMENT_KEYS[:1]:
        yield key, getattr(o, key)


def without_comments(t: Table) -> Table:
    """``t`` with no constraint comment (the rest of a comparison ignores them)."""
    for kind, name, o in list(constraints(t)):
        for key, comment in comments_of(kind, o):
            if comment is not None:
                t = with_comment(t, kind, name, None, key)
    return t


# --------------------------------------------------------------------------- validation
def check_targets(snapshot: Any, targets: Any, add: Any) -> None:
    """A problem for each constraint or policy comment when a target dialect
    (``targets``; None: the project names none) keeps no such comment."""
    if targets is None:
        return
    from planner import dialects

    lacking = sorted({d.label for d in map(dialects.get, targets) if not d.has_constraint_comments})
    if not lacking:
        return
    fix = (
        "leave out comment:, or make PostgreSQL the only target "
        f"({dialects.only_target(dialects.having('has_constraint_comments'))})"
    )
    for t in snapshot.tables:
        for kind, name, o in constraints(t):
            what = kind if kind == "primary key" else f"{kind} {name}"
            for key, comment in comments_of(kind, o):
                if comment is None:
                    continue
                noun = "comment" if key == "comment" else "comment of the index"
                add(
                    path_of(t, kind, name, key),
                    f"{noun} of {what} of {t.qualified_name}: {', '.join(lacking)} has no "
                    f"{'constraint' if key == 'comment' else 'key index'} comments "
                    "(a target dialect)",
                    fix.replace("comment:", f"{key}:"),
                )
        for p in t.policies:
            if p.comment is not None:
                add(
                    ("tables", t.name, "policies", p.name, "comment"),
                    f"comment of policy {p.name} of {t.qualified_name}: {', '.join(lacking)} "
                    "has no policy comments (a target dialect)",
                    fix,
                )


# --------------------------------------------------------------------------- compare
def _show(v: Any) -> str:
    """As drift/verify show a value: ``none``, the text, quoted when blank or padded."""
    if v is None:
        return "none"
    return repr(v) if v == "" or v != v.strip() else v


def compare(where: str, got: Table, want: Table, out: list[str]) -> tuple[Table, Table]:
    """drift/verify: the comment of each constraint both tables have that differs goes to
    ``out``; the two tables without constraint comments (for the rest of the
    comparison)."""
    have = {(kind, name): o for kind, name, o in constraints(got)}
    for kind, name, o in constraints(want):
        g = have.get((kind, name))
        if kind == "primary key" and g is None:
            g = next((x for (k, _), x in have.items() if k == kind), None)
        if g is None:
            continue
        what = kind if kind == "primary key" else f"{kind} {name}"
        for key, comment in comments_of(kind, o):
            if getattr(g, key) != comment:
                noun = "comment" if key == "comment" else "comment of its index"
                out.append(
                    f"{where}: {what}: {noun} {_show(getattr(g, key))}, "
                    f"snapshot says {_show(comment)}"
                )
    return without_comments(got), without_comments(want)
