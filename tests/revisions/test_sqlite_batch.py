"""SQLite batch rebuilds from the snapshot's table (``copy_from``), not from reflection.

Reflection loses what SQLite's DDL keeps (constraint names, ON UPDATE / ON DELETE) and
Alembic's batch mode cannot add a primary key without a name; the revision passes the
table as the snapshot defines it, with the constraints of the state after the batch.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from planner.plan import make_plan
from planner.revisions.emit import render_body
from planner.state.yamlio import load_snapshot
from tests.dbcases import prepare, reset_database, run_chain

HEAD = "snapshot: 1\nrelease: {}\ntables:\n"
PARENT = """  p:
    columns:
      id: {type: Integer, primary_key: true}
"""
CHILD = """  c:
    columns:
      id: {type: Integer, primary_key: true}
      p_id: {type: Integer}
      extra: {type: Integer}
    primary_key: {name: pk_c_custom}
    foreign_keys:
      fk_c_p:
        columns: [p_id]
        references: {table: p, columns: [id]}
        ondelete: SET NULL
        onupdate: CASCADE
    unique:
      uq_c_p: [p_id]
"""


def _pair(tmp_path: Path, before: str, after: str):
    (tmp_path / "a.yaml").write_text(HEAD.format("1.0.0") + before, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(HEAD.format("2.0.0") + after, encoding="utf-8")
    return [load_snapshot(tmp_path / f"{n}.yaml", expected_release=False) for n in "ab"]


def _converge(tmp_path: Path, snaps) -> list[str]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    snaps = prepare(snaps, "sqlite")
    reset_database(url)
    with tempfile.TemporaryDirectory() as tmp:
        found, _ = run_chain(url, Path(tmp) / "proj", snaps, [0, 1])
    return found


def test_rebuild_keeps_fk_actions_and_names(tmp_path):
    """Dropping a column rebuilds the table: its foreign key keeps ON DELETE / ON UPDATE,
    its primary key and unique keep their names (both ways)."""
    snaps = _pair(
        tmp_path, PARENT + CHILD, PARENT + CHILD.replace("      extra: {type: Integer}\n", "")
    )
    body = render_body(make_plan(*snaps))
    assert "copy_from=_copy_from" in body and "onupdate='CASCADE'" in body
    assert _converge(tmp_path, snaps) == []


def test_primary_key_losing_its_name(tmp_path):
    """A primary key renamed to the dialect's default (name: null): SQLite rebuilds the
    table with an unnamed primary key instead of ``create_primary_key(None, ...)``."""
    named = CHILD
    unnamed = CHILD.replace(
        "    primary_key: {name: pk_c_custom}\n", "    primary_key: {name: null}\n"
    )
    snaps = _pair(tmp_path, PARENT + named, PARENT + unnamed)
    body = render_body(make_plan(*snaps))
    sqlite_branch = body.split("if op.get_context().dialect.name == 'sqlite':")[1].split("else:")[0]
    assert "recreate='always'" in sqlite_branch and "create_primary_key" not in sqlite_branch
    assert _converge(tmp_path, snaps) == []


def test_every_column_replaced(tmp_path):
    """A table whose only column is dropped and another added: the new column is added
    first, so the rebuild has a column to copy (Alembic cannot copy none)."""
    before = "  t:\n    columns:\n      a: {type: Integer}\n    unique:\n      uq_t_a: [a]\n"
    after = "  t:\n    columns:\n      b: {type: Integer}\n"
    assert _converge(tmp_path, _pair(tmp_path, before, after)) == []
