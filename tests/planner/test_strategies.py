"""The generated pairs hold rows every database accepts, so the convergence suite wastes
no pair on invalid data: ``validate`` finds nothing, no row references a row the
snapshot does not hold, no two rows leave the same values in a unique key (counting the
values server defaults give the columns a row leaves out)."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings

from planner.state.model import (
    Column,
    ForeignKey,
    FrozenMap,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)
from planner.state.validate import validate
from tests.dbcases import _dangling_rows
from tests.planner.strategies import _stored, _unique_keys, snapshot_pairs, valid_rows
from tests.revisions.test_properties import executable


def _collisions(s: Snapshot) -> list[str]:
    out = []
    for t in s.tables:
        for key in _unique_keys(t) if t.rows is not None else ():
            seen: set = set()
            for r in t.rows.rows:
                v = tuple(_stored(t, r, c) for c in key)
                if None not in v and v in seen:
                    out.append(f"{t.name}: {key} = {v} twice")
                seen.add(v)
    return out


@given(pair=snapshot_pairs(max_tables=4))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_pairs_hold_valid_rows(pair):
    for i, s in enumerate(pair):
        s = executable(dataclasses.replace(s, release=f"{i + 1}.0.0"))
        assert validate(s) == []
        assert not _dangling_rows(s)
        assert _collisions(s) == []


def _table(rows, *, default="0") -> Table:
    return Table(
        name="t",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="code", type="Integer", nullable=False, server_default=default),
            Column(name="up", type="Integer"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        uniques=(Unique(name="u_code", columns=("code",)),),
        foreign_keys=(
            ForeignKey(name="fk_up", columns=("up",), ref_table="t", ref_columns=("id",)),
        ),
        rows=RowSet(key=("id",), rows=tuple(FrozenMap(r) for r in rows)),
    )


def test_rows_leaving_out_a_defaulted_unique_column_collide():
    """Rows 1 and 2 both get code 0 from the default, row 3 gives 0 itself: only row 1
    stays (validate compares only the values rows give: it accepts the three)."""
    s = Snapshot(release="1", tables=(_table([{"id": 1}, {"id": 2}, {"id": 3, "code": 0}]),))
    assert validate(s) == []
    got = valid_rows(s).table("t").rows.rows
    assert [dict(r) for r in got] == [{"id": 1}]


def test_references_to_rows_not_held_are_cleared():
    """Row 2 points at row 9, which the snapshot does not hold; row 3 at row 2."""
    rows = [{"id": 1, "code": 1}, {"id": 2, "code": 2, "up": 9}, {"id": 3, "code": 3, "up": 2}]
    got = valid_rows(Snapshot(release="1", tables=(_table(rows),))).table("t").rows.rows
    assert [dict(r) for r in got] == [
        {"id": 1, "code": 1},
        {"id": 2, "code": 2, "up": None},
        {"id": 3, "code": 3, "up": 2},
    ]
