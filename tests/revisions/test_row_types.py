"""Row operations bind values through typed columns (the snapshot's types).

Keys of Date/Time/DateTime/Numeric/Uuid columns used to be compared through untyped
``sa.column()`` stubs: PostgreSQL refused ``date = character varying`` and offline
``alembic upgrade --sql`` could not render the values as literals. Online behaviour is
covered by the convergence case ``pg_date_key_compared_to_varchar``; here the offline
SQL, which needs no database.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from planner.state.yamlio import load_snapshot
from tests.dbcases import write_chain

CASE = (
    Path(__file__).resolve().parents[1]
    / "cases"
    / "convergence"
    / "pg_date_key_compared_to_varchar"
)

URLS = {
    "postgresql": "postgresql+psycopg://u@localhost/db",
    "mysql": "mysql+pymysql://u@localhost/db",
    "sqlite": "sqlite:///offline.db",
}


def _offline_sql(tmp_path: Path, dialect: str) -> str:
    snaps = [load_snapshot(CASE / f"{n}.yaml", expected_release=False) for n in ("before", "after")]
    project, revs, _ = write_chain(tmp_path / "proj", snaps, [(0, 1)])
    cfg = Config()
    cfg.set_main_option("script_location", str(tmp_path / "proj" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", URLS[dialect])
    buf = io.StringIO()
    cfg.output_buffer = buf
    command.upgrade(cfg, revs[-1], sql=True)
    return buf.getvalue()


@pytest.mark.parametrize("dialect", sorted(URLS))
def test_offline_sql_renders_typed_row_values(tmp_path, dialect):
    sql = _offline_sql(tmp_path, dialect)
    # keys compared as dates and times, not as strings bound to VARCHAR
    assert "'2024-02-29'" in sql and "'2024-01-31'" in sql
    assert "'08:00:01" in sql  # SQLite spells times with microseconds
    assert "'2024-03-01 12:00:00.123456'" in sql
    assert "-3.25" in sql
    if dialect == "postgresql":
        assert "'7d3f0c1e-0000-4000-8000-000000000002'" in sql
        assert "VARCHAR" not in sql.split("CREATE TABLE alembic_version")[-1].replace(
            "VARCHAR(32)", ""
        )


def test_update_without_values_renders_nothing(tmp_path):
    """A row gaining a value for a column it left out: the way back only stops declaring
    the column (its value is left alone), so no ``UPDATE ... SET`` with nothing to set."""
    from planner.plan import make_plan
    from planner.revisions.emit import render_body

    head = "snapshot: 1\nrelease: {}\ntables:\n  t:\n    columns:\n"
    head += "      k: {{type: Integer, primary_key: true}}\n      v: {{type: Integer}}\n"
    head += "    rows:\n      key: [k]\n      values:\n"
    (tmp_path / "a.yaml").write_text(head.format("1.0.0") + "      - {k: 1}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        head.format("2.0.0") + "      - {k: 1, v: 5}\n", encoding="utf-8"
    )
    a, b = (load_snapshot(tmp_path / f"{n}.yaml", expected_release=False) for n in "ab")
    assert ".values({'v': 5})" in render_body(make_plan(a, b))
    down = render_body(make_plan(b, a), downgrade=True)
    assert "sa.update(" not in down and ".values({})" not in down
