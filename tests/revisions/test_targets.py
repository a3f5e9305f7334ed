"""Target dialects (``[tool.dbplan] dialects``): plans apply only the targets' rules.

A PostgreSQL-only project gets none of MariaDB's foreign-key-index rules (a foreign key
dropped and re-added around an index MariaDB would have tied it to, and the R012 warning
the re-add brings); its revisions still run on PostgreSQL.
"""

from __future__ import annotations

import pytest

from planner import dialects
from planner.lint import lint
from planner.plan import make_downgrade_plan, make_plan
from planner.revisions.generation import generate
from planner.state.yamlio import load_snapshot
from tests.revisions.conftest import CASES, assert_database_is, downgrade, make_project, upgrade

PG = (dialects.get("postgresql"),)


def _case(name: str):
    d = CASES / name
    return (
        load_snapshot(d / "before.yaml", expected_release=False),
        load_snapshot(d / "after.yaml", expected_release=False),
    )


def _fk_ops(plan) -> list[str]:
    return [op.kind for op in plan.ops if op.kind in ("drop_foreign_key", "add_foreign_key")]


def test_mariadb_index_rule_only_where_mariadb_is_a_target():
    before, after = _case("fk_index_dropped")
    everywhere = make_plan(before, after)
    assert _fk_ops(everywhere) == ["drop_foreign_key", "add_foreign_key"]
    assert "R012" in {f.code for f in lint(everywhere)}
    for targets in (PG, (dialects.get("sqlite"),), (*PG, dialects.get("sqlite"))):
        plan = make_plan(before, after, targets=targets)
        assert _fk_ops(plan) == [], plan.describe()
        assert "R012" not in {f.code for f in lint(plan)}
        assert plan.targets == targets
    mysql = make_plan(before, after, targets=(dialects.get("mariadb"),))
    assert _fk_ops(mysql) == ["drop_foreign_key", "add_foreign_key"]


def test_postgresql_keeps_its_own_rule_for_a_dropped_referenced_key():
    # PostgreSQL refuses to drop a key a foreign key uses: that drop and re-add stays
    before, after = _case("fk_key_dropped")
    assert _fk_ops(make_plan(before, after, targets=PG)) == _fk_ops(make_plan(before, after))
    assert _fk_ops(make_plan(before, after, targets=PG))
    # SQLite ties no foreign key to a key: nothing to drop and re-add there
    assert _fk_ops(make_plan(before, after, targets=(dialects.get("sqlite"),))) == []


def test_ordered_index_edges_only_for_mariadb():
    # c references p's primary key (a, b) in the order (b, a): MariaDB needs the index
    # created on (b, a) first; PostgreSQL and SQLite match the key in any order
    from planner.state.model import Column, ForeignKey, Index, PrimaryKey, Snapshot, Table

    cols = tuple(Column(name=n, type="Integer", nullable=False) for n in ("a", "b"))
    p = Table(name="p", columns=cols, primary_key=PrimaryKey(columns=("a", "b")))
    fk = ForeignKey(name="fk_c_p", columns=("y", "x"), ref_table="p", ref_columns=("b", "a"))
    c = Table(
        name="c",
        columns=tuple(Column(name=n, type="Integer") for n in ("x", "y")),
        foreign_keys=(fk,),
    )
    before = Snapshot(release="1", tables=(p,))
    p2 = p.__class__(**{**_fields(p), "indexes": (Index(name="ix_p_ba", columns=("b", "a")),)})
    after = Snapshot(release="2", tables=(c, p2))
    reasons = lambda plan: [e.reason for e in plan.edges if "MariaDB" in e.reason]  # noqa: E731
    assert reasons(make_plan(before, after))
    assert reasons(make_plan(before, after, targets=PG)) == []
    assert reasons(make_downgrade_plan(before, after, targets=PG)) == []


def _pg_project(tmp_path, snapshots):
    project = make_project(tmp_path / "proj", snapshots)
    pp = project.root / "pyproject.toml"
    pp.write_text(pp.read_text(encoding="utf-8") + 'dialects = ["postgresql"]\n', encoding="utf-8")
    from planner.project import load_project

    project = load_project(project.root)
    assert project.targets == PG
    return project


def test_postgresql_only_project_runs_without_the_mariadb_steps(pg_db, tmp_path):
    before, after = _case("fk_index_dropped")
    before = before.__class__(**{**_fields(before), "release": "1.0.0"})
    after = after.__class__(**{**_fields(after), "release": "2.0.0"})
    project = _pg_project(tmp_path, [before, after])
    first = generate(project, "empty", "1.0.0")
    second = generate(project, "1.0.0", "2.0.0", allow_destructive=True)
    text = second.path.read_text(encoding="utf-8")
    assert "fk_w" not in text  # no drop and re-add of the unchanged foreign key
    upgrade(project, pg_db, second.revision)
    assert_database_is(pg_db, after, "upgrade to 2.0.0")
    downgrade(project, pg_db, first.revision)
    assert_database_is(pg_db, before, "downgrade to 1.0.0", column_order=False)


def _fields(s) -> dict:
    import dataclasses

    return {f.name: getattr(s, f.name) for f in dataclasses.fields(s)}


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
