"""Lint rules of views (part of :mod:`planner.lint`, which imports this module).

=====  ========  =============================================================
code   severity  finding
=====  ========  =============================================================
R031   warning   a view is dropped and created again: what dbplan leaves alone on it is lost
=====  ========  =============================================================

Example:
    >>> from planner.lint import RULES
    >>> RULES["R031"].severity.value
    'warning'
"""

from __future__ import annotations

from collections.abc import Iterator

from planner.lint import LintContext, Severity, rule
from planner.ops.views import CreateView, DropView
from planner.state.inventory import label
from planner.state.model import Snapshot, TableKey, Unmanaged, table_key_str


def left_alone_on(snapshot: Snapshot, key: TableKey) -> list[Unmanaged]:
    """The entries of ``snapshot``'s ``unmanaged`` section that belong to view ``key``:
    its grants, a trigger or index dbplan leaves alone on it.

    Example:
        >>> s = Snapshot(release="1", unmanaged=(Unmanaged(kind="grants", name="v"),))
        >>> [u.kind for u in left_alone_on(s, (None, "v"))]
        ['grants']
    """
    schema, name = key
    return [
        u
        for u in snapshot.unmanaged
        if u.schema == schema
        and (u.table == name or (u.kind == "grants" and u.table is None and u.name == name))
    ]


@rule("R031", Severity.WARNING, DropView)
def _view_made_again(op, ctx: LintContext) -> Iterator[tuple[str, str]]:
    """A view is dropped and created again: what dbplan leaves alone on it (grants, a
    trigger it does not model) is lost with it."""
    key = op.view.key
    if not any(isinstance(o, CreateView) and o.view.key == key for o in ctx.plan.ops):
        return  # dropped for good: what is on it goes with it, as it should
    lost = left_alone_on(ctx.plan.old, key)
    if not lost:
        return
    view = table_key_str(key)
    yield (
        f"view {view} is dropped and created again: {', '.join(label(u) for u in lost)} "
        "(listed under unmanaged: dbplan leaves it alone) is lost with it, and the plan "
        "does not re-create it",
        "re-create it by hand after this revision (or in a data step), or model it; drift "
        "names it as missing until then",
    )
