"""PostgreSQL: creating a database from a snapshot (``planner.state.build``)."""

from __future__ import annotations

import sqlalchemy as sa


def advance_sequences(conn: sa.engine.Connection, sat: sa.Table) -> None:
    """Move each serial sequence past the largest inserted key (keys below 1 leave it).

    ``setval(seq, max, true)`` makes the next value ``max + 1`` without computing it (no
    overflow at the type's largest key). Names are quoted by hand and passed as bound
    values, never through the dialect's preparer (which doubles ``%`` for pyformat).
    """
    quoted_table = ".".join(
        '"' + part.replace('"', '""') + '"' for part in (sat.schema, sat.name) if part
    )
    for col in sat.columns:
        seq = conn.execute(
            sa.select(
                sa.func.pg_get_serial_sequence(
                    sa.bindparam("t", quoted_table), sa.bindparam("c", col.name)
                )
            )
        ).scalar()
        if not seq:
            continue
        top = conn.execute(sa.select(sa.func.max(col))).scalar()
        if top is not None and top >= 1:
            conn.execute(
                sa.select(
                    sa.func.setval(
                        sa.bindparam("s", seq), sa.bindparam("m", top, sa.BigInteger), True
                    )
                )
            )
