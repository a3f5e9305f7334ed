"""SQLite batches that rename a column.

Alembic's batch keeps a renamed column under its old name until the rebuild: the
constraints the rebuild creates (``copy_from``) name the columns as they are before the
batch, and no op on the table follows a rename in the same batch.
"""

from __future__ import annotations

from planner.plan import make_downgrade_plan, make_plan
from planner.revisions.emit import render_body
from tests.revisions.test_sqlite_batch import _converge, _pair

BEFORE = """  t:
    columns:
      a: {type: Integer}
      b: {type: Integer}
    unique:
      uq_t_a: [a]
      uq_t_b: [b]
"""
AFTER = """  t:
    columns:
      c: {type: Integer, renamed_from: a}
      b: {type: Integer}
    unique:
      uq_t_a: [c]
"""


def _sqlite_branch(body: str) -> str:
    return body.split("if op.get_context().dialect.name == 'sqlite':")[1].split("else:")[0]


def test_rename_and_constraint_change_in_one_batch(tmp_path):
    """A unique dropped and a column renamed in one batch: the unique kept on the renamed
    column is rebuilt under the column's old name (the rebuild renames it), not created
    in the batch after the rename, where SQLite's batch lost it."""
    snaps = _pair(tmp_path, BEFORE, AFTER)
    body = render_body(make_plan(*snaps))
    sqlite = _sqlite_branch(body)
    assert "sa.UniqueConstraint('a', name='uq_t_a')" in sqlite
    assert "create_unique_constraint" not in sqlite
    assert _converge(tmp_path, snaps) == []


def test_no_op_after_a_rename_in_one_batch(tmp_path):
    """A column renamed and made NOT NULL: the downgrade renames it back, then drops NOT
    NULL in a batch of its own (in the renaming batch, ``alter_column('a')`` raised
    KeyError on SQLite)."""
    before = "  t:\n    columns:\n      a: {type: Integer}\n      a0: {type: Integer}\n"
    after = (
        "  t:\n    columns:\n"
        '      rcol_0: {type: Integer, nullable: false, renamed_from: a, backfill: "0"}\n'
        "      a0: {type: Integer}\n"
    )
    snaps = _pair(tmp_path, before, after)
    down = render_body(make_downgrade_plan(*snaps), downgrade=True)
    assert down.count("batch_alter_table('t'") == 2
    assert _converge(tmp_path, snaps) == []
