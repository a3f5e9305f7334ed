"""upgrade / downgrade / current / history against real databases, hand-written revisions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from planner.runtime import (
    MigrationError,
    current,
    downgrade,
    history,
    release_revisions,
    resolve_target,
    upgrade,
)
from tests.runtime.conftest import logged


def _columns(url: str, table: str) -> list[str]:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return [c["name"] for c in sa.inspect(eng).get_columns(table)]
    finally:
        eng.dispose()


def _tables(url: str) -> set[str]:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(eng).get_table_names())
    finally:
        eng.dispose()


def test_releases_from_provenance(project):
    assert release_revisions(project) == {"0.1.0": "a1", "0.2.0": "b2", "0.3.0": "c3"}
    assert resolve_target(project, "0.2.0") == "b2"
    assert resolve_target(project, "empty") == "base"
    assert resolve_target(project, "head") == "head"
    assert resolve_target(project, "-1") == "-1"
    assert resolve_target(project, "c3") == "c3"


def test_unknown_target_names_releases(project):
    with pytest.raises(MigrationError) as e:
        resolve_target(project, "9.9.9")
    assert "unknown revision or release '9.9.9'" in str(e.value)
    assert "0.1.0, 0.2.0, 0.3.0" in str(e.value)


def test_history_oldest_first(project):
    rows = [(r.revision, r.down_revisions, r.release, r.is_head) for r in history(project)]
    assert rows == [
        ("a1", (), "0.1.0", False),
        ("b2", ("a1",), "0.2.0", False),
        ("c3", ("b2",), "0.3.0", True),
    ]


def test_upgrade_downgrade_by_release(project, db_url):
    assert current(project, url=db_url).after == ()
    t = upgrade(project, "0.2.0", url=db_url)
    assert (t.before, t.after) == ((), ("b2",))
    assert t.release_of("b2") == "0.2.0"
    assert "price" in _columns(db_url, "items")
    assert logged(db_url) == ["a1", "b2"]

    t = upgrade(project, url=db_url)
    assert t.after == ("c3",)
    assert "tags" in _tables(db_url)
    assert logged(db_url) == ["a1", "b2", "c3"]
    again = upgrade(project, url=db_url)
    assert again.before == again.after == ("c3",)
    assert logged(db_url) == ["a1", "b2", "c3"]

    t = downgrade(project, "0.1.0", url=db_url)
    assert t.after == ("a1",)
    assert "price" not in _columns(db_url, "items")
    assert "tags" not in _tables(db_url)
    assert logged(db_url) == ["a1"]
    cur = current(project, url=db_url)
    assert cur.after == ("a1",) and dict(cur.releases) == {"a1": "0.1.0"}

    assert downgrade(project, "base", url=db_url).after == ()
    assert "items" not in _tables(db_url)


def test_downgrade_relative(project, sqlite_db):
    upgrade(project, url=sqlite_db)
    assert downgrade(project, "-1", url=sqlite_db).after == ("b2",)


def test_unknown_target_touches_nothing(project, sqlite_db):
    with pytest.raises(MigrationError, match="unknown revision or release 'zz'"):
        upgrade(project, "zz", url=sqlite_db)
    assert current(project, url=sqlite_db).after == ()


@pytest.mark.pg
def test_unreachable_database(project):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(MigrationError) as e:
        upgrade(project, url=url)
    assert str(e.value).startswith("database postgresql+psycopg://postgres@127.0.0.1:1/nowhere")


@pytest.mark.pg
def test_failing_revision_rolls_back_to_previous(project_dir, project, pg_db):
    """Each revision commits on its own: a failure in c3 leaves b2 applied."""
    path = project_dir / "migrations" / "versions" / "c3.py"
    path.write_text(
        path.read_text().replace(
            "op.execute(\"INSERT INTO applied_log (rev) VALUES ('c3')\")",
            "op.execute(\"INSERT INTO applied_log (rev) VALUES ('c3')\")\n"
            '    op.execute("SELECT * FROM no_such_table")',
        )
    )
    with pytest.raises(MigrationError, match="no_such_table"):
        upgrade(project, url=pg_db)
    assert current(project, url=pg_db).after == ("b2",)
    assert logged(pg_db) == ["a1", "b2"]
    assert "tags" not in _tables(pg_db)


def test_release_without_revision(project_dir, project, sqlite_db):
    (project_dir / "schema_state" / "0.4.0.yaml").write_text(
        "snapshot: 1\nrelease: 0.4.0\ntables: {}\n"
    )
    with pytest.raises(MigrationError, match="release '0.4.0' has a snapshot but no revision yet"):
        upgrade(project, "0.4.0", url=sqlite_db)
