"""Runtime messages (issue 18 items 5, 9, 11; issue 12 items 3, 8), a second set beside
test_runtime_attack.py.

* A password in the URL — ``user:pw@`` or ``?password=`` — is never printed, by any
  command or in any error message.
* A failing revision is named, with the server's whole message (PostgreSQL's DETAIL
  line), the statement, and what the database holds afterwards.
* ``+psycopg2`` URLs without psycopg2 installed get what to install.
* The application's ``env.py`` imports its own package from the project root; a module
  it cannot import gets the env.py line and where to install it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.runtime.conftest import write_project

SECRET = "hunter2-s3cret"


def dbplan(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    full = {k: v for k, v in os.environ.items() if k != "SQLALCHEMY_DATABASE_URI"}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(root), *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )


def _with_query_password(url: str) -> str:
    return make_url(url).update_query_dict({"password": SECRET}).render_as_string(False)


@pytest.mark.pg
def test_a_query_password_is_never_printed(tmp_path, pg_db):
    """PostgreSQL trusts the local user, so ``?password=`` is accepted and ignored:
    every command runs for real, and none prints the secret."""
    root = write_project(tmp_path / "proj")
    url = _with_query_password(pg_db)
    outputs = []
    for args in (
        ("upgrade", "--url", url),
        ("current", "--url", url),
        ("history", "--url", url),
        ("downgrade", "-r", "base", "--url", url),
        ("upgrade", "-r", "no-such-revision", "--url", url),
    ):
        r = dbplan(root, *args)
        outputs.append(r.stdout + r.stderr)
    assert "password=***" in outputs[0], outputs[0]
    for out in outputs:
        assert SECRET not in out, out


@pytest.mark.pg
def test_a_password_in_a_failing_connection_is_never_printed(tmp_path, pg_db):
    root = write_project(tmp_path / "proj")
    bad = make_url(pg_db).set(password=SECRET, port=1).render_as_string(False)
    for url in (bad, _with_query_password(make_url(pg_db).set(port=1).render_as_string(False))):
        r = dbplan(root, "upgrade", "--url", url)
        assert r.returncode == 1
        assert SECRET not in r.stdout + r.stderr, r.stderr
        assert "***" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.mysql
def test_a_wrong_mariadb_password_is_never_printed(tmp_path, mysql_db):
    root = write_project(tmp_path / "proj")
    url = make_url(mysql_db).set(username="dbplan_nobody", password=SECRET)
    r = dbplan(root, "current", "--url", url.render_as_string(False))
    assert r.returncode == 1
    assert SECRET not in r.stdout + r.stderr, r.stderr
    assert "Access denied" in r.stderr


FAILING = '''"""breaks a unique key

Revision ID: d4
"""
from alembic import op
import sqlalchemy as sa

revision = "d4"
down_revision = "c3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("d4_marker", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO items (id, name) VALUES (1, 'one')")
    op.execute("INSERT INTO items (id, name) VALUES (1, 'again')")


def downgrade():
    op.drop_table("d4_marker")
'''


def _failing_project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "proj")
    (root / "migrations" / "versions" / "d4.py").write_text(FAILING, encoding="utf-8")
    return root


@pytest.mark.pg
def test_a_failing_revision_is_named_with_the_server_detail_on_postgresql(tmp_path, pg_db):
    root = _failing_project(tmp_path)
    r = dbplan(root, "upgrade", "--url", pg_db)
    assert r.returncode == 1
    err = r.stderr
    assert "during upgrade to head in revision d4" in err, err
    assert "DETAIL:" in err and "Key (id)=(1) already exists" in err, err
    assert "INSERT INTO items (id, name) VALUES (1, 'again')" in err, err
    assert "rolled the failed revision back: the database is at c3" in err, err
    assert "no revision recorded" not in err, err  # c3 is recorded: no stamp advice
    assert "Traceback" not in err


@pytest.mark.mysql
def test_a_failing_revision_on_mariadb_points_to_drift(tmp_path, mysql_db):
    root = _failing_project(tmp_path)
    r = dbplan(root, "upgrade", "--url", mysql_db)
    assert r.returncode == 1
    err = r.stderr
    assert "in revision d4" in err and "Duplicate entry" in err, err
    assert "cannot roll DDL back" in err and "partly past c3" in err, err
    assert "`dbplan drift --url" in err, err
    assert "restore the backup" not in err


def test_a_failing_revision_is_named_on_sqlite(tmp_path, sqlite_db):
    root = _failing_project(tmp_path)
    r = dbplan(root, "upgrade", "--url", sqlite_db)
    assert r.returncode == 1
    assert "in revision d4" in r.stderr and "UNIQUE constraint" in r.stderr
    assert "the database is at c3" in r.stderr, r.stderr


def test_a_psycopg2_url_without_psycopg2_says_what_to_install(tmp_path):
    pytest.importorskip("sqlalchemy")
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("psycopg2 is installed here: the URL simply works")
    root = write_project(tmp_path / "proj")
    r = dbplan(root, "current", "--url", "postgresql+psycopg2://postgres@127.0.0.1/postgres")
    assert r.returncode == 1
    assert "psycopg2-binary" in r.stderr and "+psycopg driver" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


ENV_IMPORT = "from myapp.models import Base  # the application's models\n"


def _app_project(tmp_path: Path, *, with_package: bool) -> Path:
    root = write_project(tmp_path / "proj")
    env = root / "migrations" / "env.py"
    text = env.read_text(encoding="utf-8")
    env.write_text(
        text.replace(
            "from alembic import context\n", "from alembic import context\n" + ENV_IMPORT, 1
        )
    )
    if with_package:
        pkg = root / "myapp"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "models.py").write_text(
            textwrap.dedent(
                """
                from sqlalchemy.orm import DeclarativeBase

                class Base(DeclarativeBase):
                    pass
                """
            )
        )
    return root


def test_env_py_imports_the_application_from_the_project_root(tmp_path, sqlite_db):
    root = _app_project(tmp_path, with_package=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (("upgrade",), ("downgrade", "-r", "base"), ("stamp", "0.1.0", "--no-check")):
        r = subprocess.run(
            [sys.executable, "-m", "planner", "-C", str(root), *args, "--url", sqlite_db],
            cwd=elsewhere,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr


def test_a_module_env_py_cannot_import_is_explained(tmp_path, sqlite_db):
    root = _app_project(tmp_path, with_package=False)
    r = dbplan(root, "upgrade", "--url", sqlite_db)
    assert r.returncode == 1
    err = r.stderr
    assert "env.py:" in err and "imports 'myapp'" in err, err
    assert "bin/python" in err and "pip install" in err, err
    assert "Traceback" not in err
