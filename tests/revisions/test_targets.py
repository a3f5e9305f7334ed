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


# ------------------------------------------------------------------ revisions per target

#: lines of migrations/versions/ when every revision carried every dialect (issue 13)
LINES_BEFORE = 2594


def _reference_copy(tmp_path, dialect_names: list[str] | None):
    """The reference project copied, its revisions regenerated (same ids and messages)
    for ``dialect_names`` (None: the reference project's own setting, all three)."""
    import json
    import shutil

    from planner.project import load_project
    from planner.revisions import read_provenance
    from tests.revisions.conftest import ROOT

    root = tmp_path / "ref"
    shutil.copytree(ROOT / "schema_state", root / "schema_state")
    (root / "migrations" / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        shutil.copy2(ROOT / "migrations" / name, root / "migrations" / name)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if dialect_names is not None:
        text = text.replace(
            "[tool.dbplan]\n", f"[tool.dbplan]\ndialects = {json.dumps(dialect_names)}\n", 1
        )
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    project = load_project(root)
    provs = sorted(
        (p for p in map(read_provenance, (ROOT / "migrations" / "versions").glob("*.py")) if p),
        key=lambda p: project.releases().index(p.to_release),
    )
    for prov in provs:
        message = prov.path.read_text(encoding="utf-8").split('"""', 2)[1].splitlines()[0]
        generate(
            project,
            prov.from_release,
            prov.to_release,
            message=message,
            rev_id=prov.revision,
            allow_destructive=True,
        )
    files = sorted((root / "migrations" / "versions").glob("*.py"))
    assert len(files) == len(provs)
    return project, {f.name: f.read_text(encoding="utf-8") for f in files}


def _branches(texts: dict[str, str]) -> set[str]:
    import re

    return {
        m.group(1)
        for t in texts.values()
        for m in re.finditer(r"dialect\.name (?:==|in) (\([^)]*\)|'[^']*')", t)
    }


def test_postgresql_only_revisions_carry_no_other_branch_and_verify(tmp_path, pg_server):
    from click.testing import CliRunner

    from planner.cli import cli

    project, texts = _reference_copy(tmp_path, ["postgresql"])
    lines = sum(t.count("\n") for t in texts.values())
    assert not any("sqlite" in b or "mysql" in b or "mariadb" in b for b in _branches(texts))
    assert not any("recreate=" in t or "_copy_from" in t for t in texts.values())
    assert lines <= 0.6 * LINES_BEFORE, lines
    result = CliRunner().invoke(
        cli,
        ["-C", str(project.root), "verify", "--url", pg_server, "--pg-dump"],
        env={"SQLALCHEMY_DATABASE_URI": ""},
    )
    assert result.exit_code == 0, result.output
    assert "pg_dump compared" in result.output


def test_sqlite_only_revisions_carry_no_other_branch_and_verify(tmp_path):
    from click.testing import CliRunner

    from planner.cli import cli

    project, texts = _reference_copy(tmp_path, ["sqlite"])
    assert _branches(texts) == set()
    assert not any("CreateEnumType" in t or "autocommit_block" in t for t in texts.values())
    result = CliRunner().invoke(
        cli, ["-C", str(project.root), "verify"], env={"SQLALCHEMY_DATABASE_URI": ""}
    )
    assert result.exit_code == 0, result.output


def test_all_dialects_revision_of_new_tables_has_no_sqlite_rebuild():
    from planner.revisions import read_provenance
    from tests.revisions.conftest import ROOT

    (first,) = [
        p
        for p in (ROOT / "migrations" / "versions").glob("*.py")
        if (prov := read_provenance(p)) is not None and prov.from_release == "empty"
    ]
    text = first.read_text(encoding="utf-8")
    assert "op.create_table(" in text
    # no rebuild; the two foreign keys of the sites <-> buildings cycle are added apart on
    # PostgreSQL and MariaDB only (SQLite declares them in CREATE TABLE), and dropped so
    assert "recreate=" not in text and "_copy_from" not in text
    assert text.count("create_foreign_key(") == 2
    assert text.count("dialect.name in ('postgresql', 'mysql', 'mariadb')") == 4
