"""SQLite batches for an enum that gains a longer value.

SQLite stores an enum column as VARCHAR(longest value): a longer value widens every
column of the enum. The columns of one table are altered in one batch: the states a
batch records are the table before and after the whole op, so a second batch of the
same table rebuilt it from the first column's old type and undid the first alter.
"""

from __future__ import annotations

from planner.plan import make_downgrade_plan, make_plan
from planner.revisions.emit import render_body
from tests.revisions.test_sqlite_batch import _converge, _pair

TABLE = """  t:
    columns:
      k: {type: Integer, primary_key: true}
      a: {type: Enum(e)}
      b: {type: Enum(e)}
"""
BEFORE = TABLE + "enums:\n  e: [p7, x]\n"
AFTER = TABLE + "enums:\n  e: [p7, x, longer_value]\n"


def test_enum_columns_of_one_table_widen_in_one_batch(tmp_path):
    snaps = _pair(tmp_path, BEFORE, AFTER)
    for body in (
        render_body(make_plan(*snaps)),
        render_body(make_downgrade_plan(*snaps), downgrade=True),
    ):
        assert body.count("batch_alter_table('t'") == 1
        assert "alter_column('a'" in body and "alter_column('b'" in body
    # compared after the upgrade: a column left VARCHAR(2) is a difference
    assert _converge(tmp_path, snaps) == []
