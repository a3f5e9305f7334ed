"""Importing dbplan leaves Alembic's rendering of its own operations byte-identical.

dbplan renders its revisions through Alembic's autogenerate renderer, with renderers
registered for dbplan's own operation types only (subclasses of Alembic's where it
extends one). The same ``UpgradeOps`` of Alembic's own operations is rendered in a fresh
interpreter before and after importing every dbplan module: the texts (or the error an
operation Alembic cannot render raises) are identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import sqlalchemy as sa
    from alembic.autogenerate import render_python_code
    from alembic.operations import ops

    def upgrade_ops():
        fk = ops.CreateForeignKeyOp("fk_a_b", "a", "b", ["b_id"], ["id"], ondelete="CASCADE")
        return [
            ops.CreateTableCommentOp("odd table", "it's", existing_comment=None),
            ops.DropTableCommentOp("odd table", existing_comment="x", schema="s"),
            ops.AlterColumnOp(
                "t",
                "c",
                modify_type=sa.BigInteger(),
                existing_type=sa.Integer(),
                existing_autoincrement=True,
                postgresql_using="c::bigint",
            ),
            ops.CreatePrimaryKeyOp("pk_t", "t", ["id"], schema="s"),
            fk,
            ops.ModifyTableOps(
                "t",
                [
                    ops.AddColumnOp("t", sa.Column("n", sa.Integer())),
                    ops.CreatePrimaryKeyOp("pk_t", "t", ["id"]),
                    ops.CreateForeignKeyOp("fk_t_u", "t", "u", ["u_id"], ["id"]),
                    ops.AlterColumnOp("t", "n", modify_nullable=False, existing_type=sa.Integer()),
                ],
            ),
            ops.RenameTableOp("t", "u", schema=None),
            ops.CreateTableOp.from_table(
                sa.Table("v", sa.MetaData(), sa.Column("id", sa.Integer(), primary_key=True))
            ),
        ]

    def render_each():
        out = []
        for o in upgrade_ops():
            for batch in (False, True):
                try:
                    text = render_python_code(ops.UpgradeOps(ops=[o]), render_as_batch=batch)
                except Exception as e:  # what Alembic itself does with it
                    text = "error: " + type(e).__name__
                out.append(text)
        return out

    before = render_each()
    import planner
    names = sorted(
        m.name
        for m in pkgutil.walk_packages(planner.__path__, "planner.")
        if ".templates" not in m.name and not m.name.endswith("__main__")
    )
    for name in names:
        importlib.import_module(name)
    after = render_each()
    print(json.dumps({"before": before, "after": after, "modules": len(names)}))
    """
)


def test_importing_dbplan_leaves_alembic_rendering_alone():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["modules"] > 40
    for before, after in zip(result["before"], result["after"], strict=True):
        assert after == before
