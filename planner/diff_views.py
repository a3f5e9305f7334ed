"""The diff of the views two snapshots manage.

A view of one side only is created or dropped. A view whose kind or definition (compared
by meaning on the target dialects: :func:`planner.viewsql.same_everywhere`) changes is
dropped and created again (a change of a materialized view's indexes or of a comment
alone is made in place); so is an unchanged view that an operation
of the plan does not survive (:func:`planner.ops.views.disturbs`: a column type change
under it, SQLite's rebuild of a table it reads; the rebuild of an enum of a column it
reads), and every view reading a view dropped that way. A view without ``reads`` gets them parsed from its definition.

Example:
    >>> from planner.state.model import Snapshot, View
    >>> v = View(name="v", definition="SELECT 1 AS one")
    >>> [op.describe() for op in diff_views(Snapshot(release="1"),
    ...                                      Snapshot(release="2", views=(v,)), [])]
    ['Create view v']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from planner.ops.base import Operation
from planner.ops.index_comments import SetViewIndexComment
from planner.ops.views import (
    CreateView,
    CreateViewIndex,
    DropView,
    DropViewIndex,
    SetViewColumnComment,
    SetViewComment,
    disturbs,
    view_enums,
)
from planner.state.model import Snapshot, TableKey, View

if TYPE_CHECKING:
    from planner.dialects import Dialect


def with_reads(view: View, snapshot: Snapshot, targets: Sequence[Dialect] | None = None) -> View:
    """``view`` with its ``reads``: its own, else parsed from the definition on each
    target dialect (the union)."""
    if view.reads:
        return view
    from planner import dialects
    from planner.viewsql import reads_of

    found: set = set()
    for d in targets if targets is not None else dialects.all_dialects():
        found |= set(reads_of(view.definition, d.name, snapshot))
    return dataclasses.replace(view, reads=tuple(found)) if found else view


def _changed(a: View, b: View, targets, old: Snapshot, new: Snapshot) -> bool:
    """The view must be created again: its kind or query changes (indexes and comment
    change in place: :func:`_in_place`)."""
    from planner.viewsql import same_everywhere

    if a.kind != b.kind:
        return True
    return not same_everywhere(a.definition, b.definition, targets, new)


def _in_place(a: View, b: View) -> list[Operation]:
    """A materialized view's indexes dropped and created, a comment set: the view stays."""
    from planner.sqlexpr import same_object

    out: list[Operation] = []
    have = {i.name: i for i in a.indexes}
    want = {i.name: i for i in b.indexes}
    # an index whose comment alone changes stays: one SetViewIndexComment
    commented = {
        n
        for n, i in want.items()
        if n in have
        and have[n].comment != i.comment
        and same_object(dataclasses.replace(have[n], comment=i.comment), i)
    }
    for name in sorted(have.keys() - commented):
        if not same_object(want.get(name), have[name]):  # expressions by meaning
            out.append(DropViewIndex(view_key=a.key, index=have[name]))
    for name in sorted(want.keys() - commented):
        if not same_object(have.get(name), want[name]):
            out.append(CreateViewIndex(view_key=b.key, index=want[name]))
    for name in sorted(commented):
        old = have[name].comment
        out.append(SetViewIndexComment(view_key=b.key, index=want[name], old=old))
    if a.comment != b.comment:
        out.append(SetViewComment(view=b, old=a.comment, new=b.comment))
    had, has = dict(a.column_comments), dict(b.column_comments)
    for column in sorted(had.keys() | has.keys()):
        if had.get(column) != has.get(column):
            out.append(
                SetViewColumnComment(
                    view=b, column_name=column, old=had.get(column), new=has.get(column)
                )
            )
    return out


def diff_views(
    old: Snapshot,
    new: Snapshot,
    ops: Sequence[Operation],
    *,
    targets: Sequence[Dialect] | None = None,
) -> list[Operation]:
    """The view operations turning ``old``'s views into ``new``'s, given the other
    operations of the plan (``ops``: the table changes views may not survive)."""
    if not old.views and not new.views:
        return []
    rebuilds = any(d.alters_by_rebuild for d in targets) if targets is not None else True
    have = {v.key: with_reads(v, old, targets) for v in old.views}
    want = {v.key: with_reads(v, new, targets) for v in new.views}
    common = have.keys() & want.keys()
    again: set[TableKey] = {k for k in common if _changed(have[k], want[k], targets, old, new)}
    # an enum rebuilt converts the columns of its type: a view reading one blocks that
    rebuilt = {getattr(op, "enum_name", None) for op in ops if op.kind == "rebuild_enum"}
    for key in sorted(common - again, key=str):
        if set(view_enums(have[key], old)) & rebuilt:
            again.add(key)
            continue
        if any(
            disturbs(op, have[key], rebuilds=rebuilds) or disturbs(op, want[key], rebuilds=rebuilds)
            for op in ops
        ):
            again.add(key)
    gone = (have.keys() - want.keys()) | again
    grew = True
    while grew:  # a view reading a view that is dropped goes and comes with it
        grew = False
        for key in sorted(common - again, key=str):
            if any((r.schema, r.name) in gone for r in have[key].reads if r.kind == "table"):
                again.add(key)
                gone.add(key)
                grew = True
    out: list[Operation] = []
    for key in sorted((have.keys() - want.keys()) | again, key=str):
        out.append(DropView(view=have[key], enums=view_enums(have[key], old)))
    for key in sorted((want.keys() - have.keys()) | again, key=str):
        out.append(CreateView(view=want[key], enums=view_enums(want[key], new)))
    for key in sorted(common - again, key=str):
        out += _in_place(have[key], want[key])
    return out
