"""Runtime attacks: secrets in URLs (issue 18 item 5), and the other runtime findings.

A password given in the URL (``user:pw@`` or ``?password=``) is never printed, by any
command, in its output or its error messages.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.safety.helpers import dbplan, inject_failure, reference_project, revision_file

SECRET = "S3cretPw-x7"


def _with_password(url: str, form: str) -> str:
    u = make_url(url)
    if form == "userinfo":
        return u.set(password=SECRET).render_as_string(hide_password=False)
    return u.update_query_dict({"password": SECRET}).render_as_string(hide_password=False)


@pytest.mark.pg
@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_password_in_url_is_never_printed_on_postgresql(pg_db, tmp_path, form):
    """The local server trusts every login, so the password is accepted and ignored."""
    url = _with_password(pg_db, form)
    root = reference_project(tmp_path / "ref")
    outputs = []
    for args, code in (
        (("setup", "-r", "0.2.0"), 0),
        (("current",), 0),
        (("upgrade", "-r", "0.3.0"), 0),
        (("drift",), 0),
        (("stamp", "0.3.0"), 0),
        (("history",), 0),
        (("downgrade", "-r", "0.2.0"), 0),
        (("verify", "--from", "0.4.0"), None),
    ):
        r = dbplan(root, *args, "--url", url, check=False)
        if code is not None:
            assert r.returncode == code, (args, r.stdout, r.stderr)
        outputs.append((args, r.stdout + r.stderr))
    inject_failure(revision_file(root, "0.3.0"))
    r = dbplan(root, "upgrade", "--url", url, check=False)
    assert r.returncode == 1
    outputs.append((("upgrade", "failing"), r.stdout + r.stderr))
    r = dbplan(root, "current", check=False, SQLALCHEMY_DATABASE_URI=url)
    outputs.append((("current", "env"), r.stdout + r.stderr))
    for args, text in outputs:
        assert SECRET not in text, f"dbplan {' '.join(args)} printed the password:\n{text}"
    assert any("***" in text for _, text in outputs)


@pytest.mark.mysql
@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_password_in_url_is_never_printed_on_mariadb(mysql_db, tmp_path, form):
    """root has no password on the test server: the login is refused, and the error must not
    echo the password either."""
    url = _with_password(mysql_db, form)
    root = reference_project(tmp_path / "ref")
    for args in (("setup",), ("current",), ("upgrade",), ("drift",), ("stamp", "0.1.0")):
        r = dbplan(root, *args, "--url", url, check=False)
        assert r.returncode != 0 and "Traceback" not in r.stderr, (args, r.stderr)
        assert SECRET not in r.stdout + r.stderr, (args, r.stdout, r.stderr)


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_password_in_an_invalid_url_is_not_printed(tmp_path, form):
    root = reference_project(tmp_path / "ref")
    url = (
        f"nosuchdb://u:{SECRET}@h/db"
        if form == "userinfo"
        else f"nosuchdb://u@h/db?password={SECRET}"
    )
    for args in (("current",), ("upgrade",), ("drift",), ("setup",)):
        r = dbplan(root, *args, "--url", url, check=False)
        assert r.returncode == 1, (args, r.stderr)
        assert SECRET not in r.stdout + r.stderr, (args, r.stderr)


# --- SQLite foreign keys (issue 18 items 2 and 3) ------------------------------------------

_PARENT_CHILD = """
    op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table(
        "child",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE")),
    )
    op.execute("INSERT INTO parent (id) VALUES (1), (2)")
    op.execute("INSERT INTO child (id, pid) VALUES (10, 1), (20, 2)")
"""


def _fk_project(tmp_path, second_upgrade: str, second_downgrade: str = "    pass\n"):
    from tests.runtime.conftest import write_project

    root = write_project(tmp_path / "fk", revisions=())
    versions = root / "migrations" / "versions"
    revisions = (
        ("f1", None, _PARENT_CHILD, "    pass\n"),
        ("f2", "f1", second_upgrade, second_downgrade),
    )
    for rev, down, body, down_body in revisions:
        (versions / f"{rev}.py").write_text(
            f'"""{rev}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
            f"revision = {rev!r}\ndown_revision = {down!r}\nbranch_labels = None\n"
            f"depends_on = None\n\n\ndef upgrade():\n{body}\n\ndef downgrade():\n{down_body}\n",
            encoding="utf-8",
        )
    return root


def _children(url: str) -> list[tuple]:
    import sqlalchemy as sa

    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            return [tuple(r) for r in c.execute(sa.text("SELECT id, pid FROM child ORDER BY id"))]
    finally:
        eng.dispose()


def test_sqlite_revisions_run_declared_cascades(tmp_path, sqlite_db):
    root = _fk_project(tmp_path, '    op.execute("DELETE FROM parent WHERE id = 1")\n')
    dbplan(root, "upgrade", "--url", sqlite_db)
    assert _children(sqlite_db) == [(20, 2)], "ON DELETE CASCADE did not run on SQLite"


def test_sqlite_batch_rebuild_of_a_referenced_table_keeps_the_referencing_rows(tmp_path, sqlite_db):
    """Rebuilding ``parent`` drops it: with foreign keys on that would cascade into child."""
    root = _fk_project(
        tmp_path,
        '    with op.batch_alter_table("parent", recreate="always") as b:\n'
        '        b.add_column(sa.Column("name", sa.String(20)))\n',
    )
    dbplan(root, "upgrade", "--url", sqlite_db)
    assert _children(sqlite_db) == [(10, 1), (20, 2)]


def test_sqlite_batch_revision_leaving_dangling_keys_is_rolled_back(tmp_path, sqlite_db):
    root = _fk_project(
        tmp_path,
        '    with op.batch_alter_table("parent", recreate="always") as b:\n'
        '        b.add_column(sa.Column("name", sa.String(20)))\n'
        '    op.execute("DELETE FROM parent WHERE id = 2")\n',
    )
    r = dbplan(root, "upgrade", "--url", sqlite_db, check=False)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "foreign key points at nothing" in r.stderr and "child" in r.stderr, r.stderr
    assert "revision f2 leaves" in r.stderr, r.stderr
    assert _children(sqlite_db) == [(10, 1), (20, 2)]
    import sqlalchemy as sa

    eng = sa.create_engine(sqlite_db, poolclass=sa.pool.NullPool)
    with eng.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM parent")).scalar() == 2
        assert "name" not in [col["name"] for col in sa.inspect(c).get_columns("parent")]
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "f1"
        ]
    eng.dispose()


def test_sqlite_batch_downgrade_leaving_dangling_keys_names_the_revision(tmp_path, sqlite_db):
    root = _fk_project(
        tmp_path,
        "    pass\n",
        '    with op.batch_alter_table("parent", recreate="always") as b:\n'
        '        b.add_column(sa.Column("name", sa.String(20)))\n'
        '    op.execute("DELETE FROM parent WHERE id = 2")\n',
    )
    dbplan(root, "upgrade", "--url", sqlite_db)
    r = dbplan(root, "downgrade", "-r", "f1", "--url", sqlite_db, check=False)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "the downgrade of revision f2 leaves 1 row(s)" in r.stderr, r.stderr
    assert _children(sqlite_db) == [(10, 1), (20, 2)]
    import sqlalchemy as sa

    eng = sa.create_engine(sqlite_db, poolclass=sa.pool.NullPool)
    with eng.connect() as c:
        assert c.execute(sa.text("SELECT count(*) FROM parent")).scalar() == 2
        assert "name" not in [col["name"] for col in sa.inspect(c).get_columns("parent")]
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [
            "f2"
        ]
    eng.dispose()
