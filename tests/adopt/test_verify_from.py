"""`dbplan verify` on an adopted project starts at the adopted release, not at base.

The adopted history's first revision is made to fail the way 2020 revisions fail under
SQLAlchemy 2 (``select([...])``: an ``ArgumentError``). Verify from the adopted release
never runs it; ``--from-base`` does, and says which revision failed and why — not
"invalid database URL".

The release after the adopted one is a hand-written revision naming its releases in a
provenance comment (what ``dbplan generate`` writes), so these tests do not depend on
``generate``; the project root is put on ``sys.path`` here, as ``dbplan`` itself does.
"""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.state.model import Column
from planner.state.yamlio import load_snapshot, write_snapshot
from tests.adopt.legacy import HEAD, dbplan

NEXT = '''\
"""products.description

Revision ID: 1a1b1c1d1e1f
Revises: c0ffee123456
"""
from alembic import op
import sqlalchemy as sa

# dbplan: from=1.0.0 to=1.1.0

revision = "1a1b1c1d1e1f"
down_revision = "c0ffee123456"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("description", sa.Text, nullable=True))


def downgrade():
    with op.batch_alter_table("products") as batch:
        batch.drop_column("description")
'''

#: what SQLAlchemy 1.3 accepted and 2.0 refuses with an ArgumentError
OLD_API = "    sa.select([sa.column('id')])\n"


@pytest.fixture
def adopted(db_url, legacy_factory, monkeypatch):
    legacy = legacy_factory("root_ini", db_url)
    r = dbplan(legacy.root, "init", "--adopt", "--from-db", db_url, "--release", "1.0.0")
    assert r.returncode == 0, r.stdout + r.stderr
    versions = legacy.env_dir / "versions"
    (versions / "1a1b1c1d1e1f_description.py").write_text(NEXT)
    old = load_snapshot(legacy.root / "schema_state" / "1.0.0.yaml")
    products = old.table("products")
    new_products = dataclasses.replace(
        products,
        columns=(*products.columns, Column(name="description", type="Text", nullable=True)),
    )
    new = dataclasses.replace(
        old,
        release="1.1.0",
        tables=tuple(new_products if t.name == "products" else t for t in old.tables),
    )
    write_snapshot(legacy.root / "schema_state" / "1.1.0.yaml", new)
    r1 = versions / "3f1c2a9b7d01_create_categories_and_products.py"
    text = r1.read_text()
    r1.write_text(text.replace("def downgrade():", OLD_API + "\n\ndef downgrade():"))
    monkeypatch.syspath_prepend(str(legacy.root))
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    return legacy


def _verify(root, url, *args):
    return CliRunner().invoke(cli, ["-C", str(root), "verify", "--url", url, *args])


def test_verify_starts_at_the_adopted_release(adopted, db_url):
    r = _verify(adopted.root, db_url)
    assert r.exit_code == 0, r.output
    assert "1.0.0 after setup: ok" in r.output
    assert "1.1.0 after upgrade: ok" in r.output
    assert "1.0.0 after downgrade: ok" in r.output
    assert "from release 1.0.0 (set up from its snapshot), 1 revision(s) up and 1 step(s) down" in (
        r.output
    )
    assert "3f1c2a9b7d01" not in r.output  # the old revisions never ran


def test_verify_from_a_later_release(adopted, db_url):
    r = _verify(adopted.root, db_url, "--from", "1.1.0")
    assert r.exit_code == 0, r.output
    assert "from release 1.1.0 (set up from its snapshot), 0 revision(s) up" in r.output


def test_verify_from_base_names_the_failing_old_revision(adopted, db_url):
    r = _verify(adopted.root, db_url, "--from-base")
    assert r.exit_code == 3, r.output
    line = next(ln for ln in r.output.splitlines() if "upgrade failed" in ln)
    assert line.startswith("3f1c2a9b7d01 after upgrade: upgrade failed: "), line
    assert "ArgumentError" in line and "Column expression" in line, line
    assert "invalid database URL" not in r.output


def test_verify_from_refuses_unknown_start(adopted, db_url):
    r = _verify(adopted.root, db_url, "--from", "0.9.0")
    assert r.exit_code == 1 and "--from 0.9.0: no snapshot 0.9.0.yaml" in r.output
    r = _verify(adopted.root, db_url, "--from", "1.0.0", "--from-base")
    assert r.exit_code == 2


def test_verify_default_for_adopted_project_without_cli(adopted, db_url):
    from planner.project import load_project
    from planner.runtime.verify import verify_steps

    project = load_project(adopted.root)
    assert verify_steps(project) == [
        ("setup", HEAD, "1.0.0"),
        ("upgrade", "1a1b1c1d1e1f", "1.1.0"),
        ("downgrade", HEAD, "1.0.0"),
    ]
    assert verify_steps(project, start="base")[0] == ("upgrade", "3f1c2a9b7d01", None)
