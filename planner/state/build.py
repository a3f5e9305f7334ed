"""Create a database straight from a snapshot: schema, then managed rows.

Used by ``dbplan setup`` and by tests. One source of truth: the database is built with
the operations of the revision ``dbplan generate`` writes for ``empty -> snapshot``
(:mod:`planner.revisions.run`), so everything a revision creates, setup creates. That
revision inserts the managed rows parent-first with bound parameters (never SQL text),
moves PostgreSQL's serial sequences past the inserted keys (the application's next
insert does not collide) and inserts with ``NO_AUTO_VALUE_ON_ZERO`` on MariaDB/MySQL
(a key of 0 stays 0).

:func:`metadata_for` is ``to_metadata`` with server defaults the dialect can execute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from planner.dialects import Dialect, get
from planner.state.capture_models import to_metadata
from planner.state.model import Snapshot

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["create_from_snapshot", "metadata_for"]


def metadata_for(snapshot: Snapshot, dialect: str | Dialect) -> sa.MetaData:
    """``to_metadata(snapshot)`` with server defaults the dialect can execute.

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="at", type="DateTime", server_default="now()"),))
        >>> from planner.dialects.sqlite import SQLite
        >>> md = metadata_for(Snapshot(release="1", tables=(t,)), SQLite())
        >>> md.tables["t"].c.at.server_default.arg.text
        'CURRENT_TIMESTAMP'
    """
    md = to_metadata(snapshot)
    spellings = get(dialect).server_default_spellings
    if spellings:
        for table in md.tables.values():
            for col in table.columns:
                sd = col.server_default  # a generated column's is its Computed
                if isinstance(sd, sa.DefaultClause) and isinstance(sd.arg, sa.TextClause):
                    new = spellings.get(sd.arg.text.strip().lower())
                    if new:
                        sd.arg = sa.text(new)
    return md


def create_from_snapshot(
    engine: sa.engine.Engine | sa.engine.Connection,
    snapshot: Snapshot,
    *,
    targets: Sequence[Dialect] | None = None,
) -> None:
    """Create everything ``snapshot`` models and insert its managed rows.

    Runs the operations ``dbplan generate`` writes for ``empty -> snapshot`` (the
    revision's upgrade body, :mod:`planner.revisions.run`) in one transaction (one
    connection; given a connection, in its transaction); the database should be empty.
    ``targets``: the project's target dialects (default: every supported one).

    Example:
        >>> import sqlalchemy as sa
        >>> from planner.state.model import Column, PrimaryKey, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> eng = sa.create_engine("sqlite://")
        >>> create_from_snapshot(eng, Snapshot(release="1", tables=(t,)))
        >>> sa.inspect(eng).get_table_names()
        ['t']
    """
    from planner.revisions.run import build_plan, run_upgrade

    plan = build_plan(snapshot, targets)
    if isinstance(engine, sa.engine.Connection):
        run_upgrade(engine, plan, name=f"<create release {snapshot.release}>")
        return
    with engine.begin() as conn:
        run_upgrade(conn, plan, name=f"<create release {snapshot.release}>")
