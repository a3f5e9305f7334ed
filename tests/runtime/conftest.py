"""A small dbplan project in a temporary directory, with hand-written revisions.

Three revisions, each recording itself in ``applied_log`` so tests can count how often
a revision ran::

    a1 (release 0.1.0): create applied_log, items(id, name); log 'a1'  (sleeps 1 s on PG, MariaDB when DBPLAN_TEST_PAUSE is set)
    b2 (release 0.2.0): add items.price; log 'b2'   (sleeps 0.3 s, likewise)
    c3 (release 0.3.0): create tags; log 'c3'
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "planner" / "templates" / "migrations"

REVISIONS = {
    "a1": (
        None,
        "0.1.0",
        """
        _pause(1.0)
        op.create_table(
            "applied_log",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("rev", sa.String(20), nullable=False),
        )
        op.create_table(
            "items",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(40), nullable=False),
        )
        op.execute("INSERT INTO applied_log (rev) VALUES ('a1')")
        """,
        """
        op.drop_table("items")
        op.drop_table("applied_log")
        """,
    ),
    "b2": (
        "a1",
        "0.2.0",
        """
        _pause(0.3)
        op.add_column("items", sa.Column("price", sa.Numeric(10, 2), nullable=True))
        op.execute("INSERT INTO applied_log (rev) VALUES ('b2')")
        """,
        """
        with op.batch_alter_table("items") as batch:
            batch.drop_column("price")
        op.execute("DELETE FROM applied_log WHERE rev = 'b2'")
        """,
    ),
    "c3": (
        "b2",
        "0.3.0",
        """
        op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True))
        op.execute("INSERT INTO applied_log (rev) VALUES ('c3')")
        """,
        """
        op.drop_table("tags")
        op.execute("DELETE FROM applied_log WHERE rev = 'c3'")
        """,
    ),
}

# widens the window in which concurrent upgrades would collide without the lock
PAUSE = """\
def _pause(seconds):
    if not os.environ.get("DBPLAN_TEST_PAUSE"):
        return
    name = op.get_bind().dialect.name
    if name == "postgresql":
        op.execute(f"SELECT pg_sleep({seconds})")
    elif name in ("mysql", "mariadb"):
        op.execute(f"SELECT SLEEP({seconds})")"""

PREVIOUS = {"0.1.0": "empty", "0.2.0": "0.1.0", "0.3.0": "0.2.0"}


def revision_source(rev: str) -> str:
    down, release, up, downgrade = REVISIONS[rev]
    body_up = textwrap.indent(textwrap.dedent(up).strip(), "    ")
    body_down = textwrap.indent(textwrap.dedent(downgrade).strip(), "    ")
    return (
        f'"""to {release}\n\nRevision ID: {rev}\n"""\n'
        f"# dbplan: from={PREVIOUS[release]} to={release}\n"
        "import os\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n"
        f"{PAUSE}\n\n"
        f"revision = {rev!r}\ndown_revision = {down!r}\n"
        "branch_labels = None\ndepends_on = None\n\n\n"
        f"def upgrade():\n{body_up}\n\n\ndef downgrade():\n{body_down}\n"
    )


def write_project(root: Path, *, url: str | None = None, revisions=("a1", "b2", "c3")) -> Path:
    """A dbplan project at ``root`` with the template env.py and the given revisions."""
    root.mkdir(parents=True, exist_ok=True)
    settings = '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n'
    if url:
        settings += f'url = "{url}"\n'
    (root / "pyproject.toml").write_text(settings, encoding="utf-8")
    mig = root / "migrations"
    (mig / "versions").mkdir(parents=True, exist_ok=True)
    (root / "schema_state").mkdir(exist_ok=True)
    shutil.copy(TEMPLATES / "env.py", mig / "env.py")
    shutil.copy(TEMPLATES / "script.py.mako", mig / "script.py.mako")
    for rev in revisions:
        (mig / "versions" / f"{rev}.py").write_text(revision_source(rev), encoding="utf-8")
    return root


@pytest.fixture
def project_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("SQLALCHEMY_DATABASE_URI", raising=False)
    return write_project(tmp_path / "proj")


@pytest.fixture
def project(project_dir):
    from planner.project import load_project

    return load_project(project_dir)


def logged(url: str) -> list[str]:
    """The revisions recorded in ``applied_log``, in insertion order."""
    import sqlalchemy as sa

    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            return [r for (r,) in c.execute(sa.text("SELECT rev FROM applied_log ORDER BY id"))]
    finally:
        eng.dispose()
