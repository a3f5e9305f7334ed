"""Run the upgrade dbplan writes for a plan on a connection, without a revision file.

``dbplan setup`` builds a database with the very operations ``dbplan generate`` writes
for ``empty -> release``: the body :func:`~planner.revisions.emit.render_body` renders
(the text of the revision's ``upgrade()``) runs on Alembic's ``Operations`` bound to the
caller's connection, inside the caller's transaction. The text is dbplan's generated
code (valid Python whatever the snapshot holds; snapshot values are literals in it), the
same code Alembic imports from the revision file; no snapshot text is evaluated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.dialects import Dialect
    from planner.plan import Plan
    from planner.state.model import Snapshot

__all__ = ["build_plan", "run_downgrade", "run_upgrade", "unbuild_plan"]


def build_plan(snapshot: Snapshot, targets: Sequence[Dialect] | None = None) -> Plan:
    """The upgrade plan ``empty -> snapshot``, as ``dbplan generate`` makes it.

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> build_plan(load_snapshot("schema_state/0.1.0.yaml")).describe()[0].split()[:2]
        ['Create', 'enum']
    """
    from planner.plan import make_plan
    from planner.state.model import empty_snapshot

    return make_plan(empty_snapshot(), snapshot, targets=targets)


def unbuild_plan(snapshot: Snapshot, targets: Sequence[Dialect] | None = None) -> Plan:
    """The downgrade plan ``snapshot -> empty`` of the same revision.

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> unbuild_plan(load_snapshot("schema_state/0.1.0.yaml")).new.tables
        ()
    """
    from planner.plan import make_downgrade_plan
    from planner.state.model import empty_snapshot

    return make_downgrade_plan(empty_snapshot(), snapshot, targets=targets)


def run_downgrade(conn: sa.engine.Connection, plan: Plan, *, name: str = "<dbplan>") -> None:
    """Run the downgrade body of ``plan`` (a :func:`unbuild_plan`) on ``conn``."""
    _run(conn, plan, name=name, downgrade=True)


def run_upgrade(conn: sa.engine.Connection, plan: Plan, *, name: str = "<dbplan>") -> None:
    """Run ``plan``'s revision body on ``conn`` (in its transaction; nothing committed).

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> s = Snapshot(release="1", tables=(Table(name="t", columns=(Column(name="a", type="Integer"),)),))
        >>> eng = sa.create_engine("sqlite://")
        >>> with eng.begin() as conn:
        ...     run_upgrade(conn, build_plan(s))
        >>> sa.inspect(eng).get_table_names()
        ['t']
    """
    _run(conn, plan, name=name, downgrade=False)


def _run(conn: sa.engine.Connection, plan: Plan, *, name: str, downgrade: bool) -> None:
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from planner.revisions.emit import render_body

    code = "def upgrade():\n    " + render_body(plan, downgrade=downgrade) + "\n"
    namespace = {"op": Operations(MigrationContext.configure(conn)), "sa": sa}
    exec(compile(code, name, "exec"), namespace)  # noqa: S102 - dbplan's generated revision body
    namespace["upgrade"]()
