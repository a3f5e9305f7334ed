"""SQLite rebuilds of a table with generated columns.

Alembic's batch rebuild copies every column of the old table into the new one (``INSERT
INTO _alembic_tmp_t (...) SELECT ...``), and SQLite refuses to write a generated column
("cannot INSERT into generated column"). Where SQLite rebuilds such a table, its batch
drops each generated column first (the copy leaves it out) and adds it again at its
place (``insert_after``), computed from the copied columns.
"""

from __future__ import annotations

from alembic.autogenerate import render as alembic_render
from alembic.autogenerate import renderers
from alembic.operations import ops as alembic_ops

from planner.revisions import alembic_ops as custom
from planner.revisions.literals import py_literal
from planner.revisions.sa_bridge import sa_column


class AddColumnAtOp(alembic_ops.AddColumnOp):
    """A batch's ``add_column`` at a place: after ``insert_after`` (or before
    ``insert_before``), which Alembic's batch mode supports and its renderer does not write."""

    def __init__(self, *args, insert_after=None, insert_before=None, **kw):
        super().__init__(*args, **kw)
        self.insert_after = insert_after
        self.insert_before = insert_before


@renderers.dispatch_for(AddColumnAtOp)
def _render_add_column_at(autogen_context, op: AddColumnAtOp) -> str:
    text = alembic_render._add_column(autogen_context, op)
    assert text.endswith(")"), text
    where = (
        f"insert_after={py_literal(op.insert_after)}"
        if op.insert_after is not None
        else f"insert_before={py_literal(op.insert_before)}"
    )
    return f"{text[:-1]}, {where})"


def keep_generated(m: custom.TableBatchOp) -> None:
    """Drop and re-add, in SQLite's rebuild of ``m``, the generated columns it keeps."""
    copy_from = m.copy_from
    table = getattr(copy_from, "table", None)
    if table is None or not any(c.generated is not None for c in table.columns):
        return
    body = m.sqlite_ops if m.sqlite_ops is not None else list(m.ops)
    touched = set()
    for o in body:
        if isinstance(o, alembic_ops.DropColumnOp):
            touched.add(o.column_name)
        elif isinstance(o, (alembic_ops.AddColumnOp, alembic_ops.AlterColumnOp)):
            touched.add(o.column.name if isinstance(o, alembic_ops.AddColumnOp) else o.column_name)
    kept = [c for c in table.columns if c.generated is not None and c.name not in touched]
    if not kept:
        return
    there = [c.name for c in table.columns if c.name not in touched]
    drops, adds = [], []
    for c in kept:
        i = there.index(c.name)
        after = there[i - 1] if i > 0 else None
        before = there[i + 1] if after is None and i + 1 < len(there) else None
        drops.append(alembic_ops.DropColumnOp(m.table_name, c.name, schema=m.schema))
        col = sa_column(c, copy_from.enums)
        adds.append(
            AddColumnAtOp(
                m.table_name, col, schema=m.schema, insert_after=after, insert_before=before
            )
        )
    m.sqlite_ops = drops + body + adds
