"""Writing revisions: Alembic's template and file_template apply, provenance, determinism,
the destructive-change gate, never overwriting, release mapping and sync checks."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest

from planner.revisions import (
    DestructiveRefused,
    RevisionError,
    check_sync,
    generate,
    read_provenance,
    release_revisions,
)
from planner.state.model import Column, PrimaryKey, RowSet, Snapshot, Table, Unique
from planner.state.model import FrozenMap as Row
from planner.state.yamlio import dump_snapshot
from tests.revisions.conftest import ROOT, make_project
from tests.revisions.test_render import imported_modules


def units(release: str, *extra: Column, rows=("kWh",), drop_name=False) -> Snapshot:
    cols = [Column(name="id", type="Integer", nullable=False)]
    if not drop_name:
        cols.append(Column(name="name", type="String(80)", nullable=False))
    cols.extend(extra)
    rs = (
        RowSet(key=("name",), rows=tuple(Row({"name": r}) for r in rows)) if not drop_name else None
    )
    uq = () if drop_name else (Unique(name="uq_units_name", columns=("name",)),)  # backs the key
    t = Table(
        name="units",
        columns=tuple(cols),
        primary_key=PrimaryKey(columns=("id",)),
        uniques=uq,
        rows=rs,
        # the downgrade adds name back NOT NULL: it says how to fill it (else refused)
        dropped_columns=(("name", "'unknown'"),) if drop_name else (),
    )
    return Snapshot(release=release, tables=(t,))


S1 = units("0.1.0")
S2 = units("0.2.0", Column(name="note", type="Text"), rows=("kWh", "W"))
S3 = units("0.3.0", Column(name="note", type="Text"), drop_name=True)  # drops a column: destructive


def versions(project) -> list[str]:
    return sorted(
        p.name for p in (project.migrations_dir / "versions").iterdir() if p.suffix == ".py"
    )


def test_chain_down_revisions_and_provenance(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    r1 = generate(project, "empty", "0.1.0")
    r2 = generate(project, "0.1.0", "0.2.0", message="add note")
    assert r1.down_revision is None and r2.down_revision == r1.revision
    assert (
        r1.path.name == f"{r1.revision}_0_1_0.py" and r2.path.name == f"{r2.revision}_add_note.py"
    )
    p2 = read_provenance(r2.path)
    assert (p2.from_release, p2.to_release, p2.revision, p2.down_revision) == (
        "0.1.0",
        "0.2.0",
        r2.revision,
        r1.revision,
    )
    import hashlib

    assert p2.to_sha256 == hashlib.sha256(dump_snapshot(S2).encode()).hexdigest()
    assert release_revisions(project) == {"0.1.0": r1.revision, "0.2.0": r2.revision}
    assert check_sync(project) == []
    text = r2.path.read_text(encoding="utf-8")
    compile(text, str(r2.path), "exec")
    assert imported_modules(text) <= {"alembic", "sqlalchemy", "typing", "sqlalchemy.dialects"}
    # nothing left behind by the atomic writer
    assert [p.name for p in project.migrations_dir.iterdir() if p.name.startswith(".dbplan")] == []


def test_same_snapshots_give_identical_bytes(tmp_path):
    files = []
    for name in ("a", "b"):
        project = make_project(tmp_path / name, [S1, S2])
        generate(project, "empty", "0.1.0")
        files.append(generate(project, "0.1.0", "0.2.0").path)
    assert files[0].name == files[1].name
    assert files[0].read_bytes() == files[1].read_bytes()


def test_create_date_in_template_is_fixed(tmp_path):
    template = (ROOT / "migrations" / "script.py.mako").read_text(encoding="utf-8")
    template = template.replace(
        "Revises: ${down_revision | comma,n}",
        "Revises: ${down_revision | comma,n}\nCreate Date: ${create_date}",
    )
    outs = []
    for name in ("a", "b"):
        project = make_project(tmp_path / name, [S1], template=template)
        outs.append(generate(project, "empty", "0.1.0").path.read_bytes())
    assert outs[0] == outs[1] and b"Create Date: 1970-01-01 00:00:00+00:00" in outs[0]


def test_any_template_without_imports_or_docstring(tmp_path):
    template = (
        "from alembic import op\nimport sqlalchemy as sa\n"
        "revision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n"
        "branch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n    ${upgrades if upgrades else 'pass'}\n\n"
        "def downgrade():\n    ${downgrades if downgrades else 'pass'}\n"
    )
    project = make_project(tmp_path / "p", [S1, S2], template=template)
    generate(project, "empty", "0.1.0")
    r = generate(project, "0.1.0", "0.2.0", message='quotes " and \\ and """ and \n newline')
    compile(r.path.read_text(encoding="utf-8"), str(r.path), "exec")
    assert release_revisions(project)["0.2.0"] == r.revision


def test_message_with_quotes_keeps_the_docstring_valid(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    r = generate(project, "empty", "0.1.0", message='say """hi""" \\ end"')
    compile(r.path.read_text(encoding="utf-8"), str(r.path), "exec")


def test_destructive_upgrade_is_refused_and_nothing_written(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2, S3])
    generate(project, "empty", "0.1.0")
    generate(project, "0.1.0", "0.2.0")
    before = versions(project)
    with pytest.raises(DestructiveRefused) as e:
        generate(project, "0.2.0", "0.3.0")
    assert "Drop column units.name" in str(e.value) and "--allow-destructive" in str(e.value)
    assert versions(project) == before
    r = generate(project, "0.2.0", "0.3.0", allow_destructive=True)
    assert r.path.name in versions(project)


def test_existing_revision_is_never_overwritten(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    r = generate(project, "empty", "0.1.0")
    r.path.write_text(r.path.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    edited = r.path.read_bytes()
    with pytest.raises(RevisionError, match="0.1.0 already has a revision"):
        generate(project, "empty", "0.1.0")
    assert r.path.read_bytes() == edited


def test_existing_file_name_is_never_overwritten(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    (project.root / "alembic.ini").write_text(
        "[alembic]\nfile_template = %%(slug)s\n", encoding="utf-8"
    )
    first = generate(project, "empty", "0.1.0", message="same")
    data = first.path.read_bytes()
    with pytest.raises(RevisionError, match="exists already"):
        generate(project, "0.1.0", "0.2.0", message="same", rev_id="other")
    assert first.path.read_bytes() == data and first.path.name == "same.py"
    assert versions(project) == ["same.py"]


def test_from_release_needs_a_revision(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    with pytest.raises(RevisionError, match="0.1.0 has no revision"):
        generate(project, "0.1.0", "0.2.0")


def test_check_sync_findings(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2, S3])
    r1 = generate(project, "empty", "0.1.0")
    assert check_sync(project) == [
        "schema_state/0.2.0.yaml: release 0.2.0 has no revision (dbplan generate 0.1.0 0.2.0)",
        "schema_state/0.3.0.yaml: release 0.3.0 has no revision (dbplan generate 0.2.0 0.3.0)",
    ]
    r2 = generate(project, "0.1.0", "0.2.0")
    generate(project, "0.2.0", "0.3.0", allow_destructive=True)
    assert check_sync(project) == []
    # a snapshot edited after its revision was written
    changed = dataclasses.replace(S2, tables=(dataclasses.replace(S2.tables[0], comment="edited"),))
    project.snapshot_path("0.2.0").write_text(dump_snapshot(changed), encoding="utf-8")
    findings = check_sync(project)
    assert len(findings) == 2
    assert findings[0].startswith(
        f"migrations/versions/{r2.path.name}: schema_state/0.2.0.yaml changed after"
    )
    assert (
        "migrations/versions/" in findings[1]
        and "_0_3_0.py: schema_state/0.2.0.yaml changed" in findings[1]
    )
    assert findings[0].endswith(
        "(regenerate: delete it and the revisions after it ("
        + (
            release_revisions(project)["0.3.0"] + " ...), then dbplan generate 0.1.0 0.2.0 and the "
            "later releases again, in order)"
        )
    )
    # a revision chain out of release order: 0.1.0 -> 0.3.0 skips 0.2.0
    project.snapshot_path("0.2.0").write_text(dump_snapshot(S2), encoding="utf-8")
    for p in (project.migrations_dir / "versions").glob("*.py"):
        if p != r1.path:
            p.unlink()
    skip = generate(project, "0.1.0", "0.3.0", allow_destructive=True, rev_id="skipper")
    findings = check_sync(project)
    assert (
        f"migrations/versions/{skip.path.name}: goes from 0.1.0 to 0.3.0, skipping 0.2.0 "
        "(delete it, then dbplan generate 0.1.0 0.2.0; dbplan generate 0.2.0 0.3.0)" in findings
    )
    # a copy under another id: two revisions produce 0.3.0, two heads
    text = skip.path.read_text(encoding="utf-8").replace("skipper", "copied")
    (project.migrations_dir / "versions" / "copied_0_3_0.py").write_text(text, encoding="utf-8")
    findings = check_sync(project)
    assert any(f.startswith("release 0.3.0 is produced by 2 revisions") for f in findings)
    assert any(": 2 heads: copied" in f and "skipper" in f for f in findings), findings
    assert r1.revision == release_revisions(project)["0.1.0"]


def _dbplan(project, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "planner", "-C", str(project.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_generate_exit_codes(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2, S3])
    res = _dbplan(project, "generate", "empty", "0.1.0")
    assert res.returncode == 0, res.stderr
    assert "wrote migrations/versions/" in res.stdout and "empty -> 0.1.0" in res.stdout
    assert _dbplan(project, "generate", "0.1.0", "0.2.0").returncode == 0
    before = versions(project)
    res = _dbplan(project, "generate")  # the two newest: 0.2.0 -> 0.3.0 drops a column
    assert res.returncode == 4, res.stderr
    assert "Drop column units.name" in res.stderr and versions(project) == before
    res = _dbplan(project, "generate", "0.2.0", "0.3.0")
    assert res.returncode == 4
    res = _dbplan(project, "generate", "--allow-destructive")
    assert res.returncode == 0, res.stderr
    res = _dbplan(project, "generate", "--allow-destructive")
    assert res.returncode == 1 and "0.3.0 already has a revision" in res.stderr


# --- an adopted project: an existing Alembic history, then dbplan's first revision ------

_APP_MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base(metadata=sa.MetaData(naming_convention={
    "pk": "pk_%(table_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}))


class Unit(Base):
    __tablename__ = "units"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(40), nullable=False, unique=True)
"""

_APP_ENV = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

from {pkg}.models import Base

config = context.config
target_metadata = Base.metadata
engine = engine_from_config(
    config.get_section(config.config_ini_section, {{}}), prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
"""

_APP_R1 = '''\
"""units"""
from alembic import op
import sqlalchemy as sa

revision = "1a2b3c4d5e6f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
    )


def downgrade():
    op.drop_table("units")
'''

_APP_R2 = '''\
"""longer unit names, unique"""
from alembic import op
import sqlalchemy as sa

revision = "feedc0de0002"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("units") as batch:
        batch.alter_column("name", type_=sa.String(40), existing_nullable=False)
        batch.create_unique_constraint("uq_units_name", ["name"])


def downgrade():
    with op.batch_alter_table("units") as batch:
        batch.drop_constraint("uq_units_name", type_="unique")
        batch.alter_column("name", type_=sa.String(20), existing_nullable=False)
'''

ADOPTED_HEAD = "feedc0de0002"


def _dbplan_bin(root, *args, url=None):
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLALCHEMY_DATABASE_URI", "PYTHONPATH")
    }
    if url is not None:
        env["SQLALCHEMY_DATABASE_URI"] = url
    dbplan = os.path.join(os.path.dirname(sys.executable), "dbplan")
    return subprocess.run(
        [dbplan, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def adopted_app(tmp_path, url):
    """An existing Alembic project (two hand-written revisions, its database ``url`` at
    head), adopted by ``dbplan init --adopt`` as release 1.0.0. Returns (root, url, pkg)."""
    import uuid

    root = tmp_path / "app"
    pkg = f"app_{uuid.uuid4().hex[:8]}"
    (root / pkg).mkdir(parents=True)
    (root / pkg / "__init__.py").write_text("")
    (root / pkg / "models.py").write_text(_APP_MODELS)
    versions_dir = root / "alembic" / "versions"
    versions_dir.mkdir(parents=True)
    (root / "alembic" / "env.py").write_text(_APP_ENV.format(pkg=pkg))
    (root / "alembic" / "script.py.mako").write_bytes(
        (ROOT / "migrations" / "script.py.mako").read_bytes()
    )
    (versions_dir / "1a2b3c4d5e6f_units.py").write_text(_APP_R1)
    (versions_dir / "feedc0de0002_unique_names.py").write_text(_APP_R2)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s/alembic\nprepend_sys_path = .\n"
        f"sqlalchemy.url = {url.replace('%', '%%')}\n"
    )
    (root / "pyproject.toml").write_text(f'[project]\nname = "{pkg}"\nversion = "1.0.0"\n')
    alembic = os.path.join(os.path.dirname(sys.executable), "alembic")
    up = subprocess.run([alembic, "upgrade", "head"], cwd=root, capture_output=True, text=True)
    assert up.returncode == 0, up.stderr
    r = _dbplan_bin(root, "init", "--adopt", "--from-db", url, "--release", "1.0.0")
    assert r.returncode == 0, r.stdout + r.stderr
    # release 1.1.0: a column more, captured from the models
    models = root / pkg / "models.py"
    models.write_text(models.read_text() + "    symbol = sa.Column(sa.String(8))\n")
    r = _dbplan_bin(root, "snapshot", "--release", "1.1.0", "--from-models", f"{pkg}.models:Base")
    assert r.returncode == 0, r.stdout + r.stderr
    return root, url, pkg


def _heads(root):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(root / "alembic"))
    return ScriptDirectory.from_config(cfg).get_heads()


def _files(root):
    return sorted(p.name for p in (root / "alembic" / "versions").glob("*.py"))


def test_adopted_chain_continues_and_never_gets_a_second_head(tmp_path, db_url):
    root, url, pkg = adopted_app(tmp_path, db_url)
    before = _files(root)
    # check's advice is the command that works (not `generate empty ...`)
    r = _dbplan_bin(root, "check")
    assert r.returncode == 3
    assert "release 1.1.0 has no revision (dbplan generate 1.0.0 1.1.0)" in r.stderr
    r = _dbplan_bin(root, "plan")
    assert r.returncode == 0 and "Add column units.symbol" in r.stdout, r.stdout + r.stderr
    # the old code wrote a second base for these
    for args in (("generate", "empty", "1.0.0"), ("generate", "empty", "1.1.0")):
        r = _dbplan_bin(root, *args)
        assert r.returncode == 1, r.stdout + r.stderr
        assert _files(root) == before
    assert "release 1.0.0 is adopted" in _dbplan_bin(root, "generate", "empty", "1.0.0").stderr
    r = _dbplan_bin(root, "generate", "empty", "1.1.0")
    assert "second base" in r.stderr and "dbplan generate 1.0.0 1.1.0" in r.stderr
    # the first generated revision revises the adopted head
    r = _dbplan_bin(root, "generate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(1.0.0 -> 1.1.0, down_revision feedc0de0002" in r.stdout
    (new,) = sorted(set(_files(root)) - set(before))
    prov = read_provenance(root / "alembic" / "versions" / new)
    assert prov.down_revision == ADOPTED_HEAD
    assert _heads(root) == [prov.revision]
    assert _dbplan_bin(root, "check").returncode == 0
    # a release with a revision: refused, nothing written
    after = _files(root)
    r = _dbplan_bin(root, "generate", "1.0.0", "1.1.0", "-m", "again")
    assert r.returncode == 1 and "1.1.0 already has a revision" in r.stderr
    assert "--replace" in r.stderr and _files(root) == after
    # the snapshot changes: the revision is stale; --replace rewrites it, one head remains
    models = root / pkg / "models.py"
    models.write_text(models.read_text().replace("String(8)", "String(12)"))
    r = _dbplan_bin(
        root, "snapshot", "--release", "1.1.0", "--force", "--from-models", f"{pkg}.models:Base"
    )
    assert r.returncode == 0, r.stdout + r.stderr
    r = _dbplan_bin(root, "check")
    assert r.returncode == 3 and "dbplan generate 1.0.0 1.1.0 --replace" in r.stderr
    r = _dbplan_bin(root, "generate", "--replace", "--url", url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"replaced alembic/versions/{new}" in r.stdout
    assert len(_files(root)) == len(after) and new not in _files(root)
    (head,) = _heads(root)
    assert (
        read_provenance(next((root / "alembic" / "versions").glob(f"{head}_*.py"))).down_revision
        == ADOPTED_HEAD
    )
    r = _dbplan_bin(root, "check")
    assert r.returncode == 0, r.stderr
    # applied in the database: --replace refuses
    r = _dbplan_bin(root, "upgrade", url=url)
    assert r.returncode == 0, r.stdout + r.stderr
    models.write_text(models.read_text().replace("String(12)", "String(16)"))
    _dbplan_bin(
        root, "snapshot", "--release", "1.1.0", "--force", "--from-models", f"{pkg}.models:Base"
    )
    kept = _files(root)
    r = _dbplan_bin(root, "generate", "--replace", url=url)
    assert r.returncode == 1 and "is applied in the database" in r.stderr, r.stdout + r.stderr
    assert _files(root) == kept
    # without a database it cannot see, it says so
    r = _dbplan_bin(root, "generate", "--replace", "--url", "sqlite:////nonexistent/dir/x.db")
    assert r.returncode == 0 and "not checked whether the replaced revision is applied" in r.stderr


_HAND = '''\
"""hand-written base"""
from alembic import op
import sqlalchemy as sa

revision = "handmade01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
'''


def test_advice_in_an_adopted_chain_never_starts_a_second_base(tmp_path):
    """0.1.0 predates the adoption (0.2.0 = a hand-written revision): the old check said
    `dbplan generate empty 0.1.0`, which writes a second base."""
    S3b = units(
        "0.3.0",
        Column(name="note", type="Text"),
        Column(name="x", type="Integer"),
        rows=("kWh", "W"),
    )
    project = make_project(tmp_path / "p", [S1, S2, S3b])
    pp = project.root / "pyproject.toml"
    pp.write_text(pp.read_text() + '\n[tool.dbplan.releases]\n"0.2.0" = "handmade01"\n')
    (project.migrations_dir / "versions" / "handmade01_base.py").write_text(_HAND)
    from planner.project import load_project

    project = load_project(project.root)
    findings = check_sync(project)
    assert findings == [
        "schema_state/0.1.0.yaml: release 0.1.0 has no revision and is older than the "
        "revisions dbplan knows: record the revision that produces it in pyproject.toml "
        '([tool.dbplan.releases] "0.1.0" = "<revision>")',
        "schema_state/0.3.0.yaml: release 0.3.0 has no revision (dbplan generate 0.2.0 0.3.0)",
    ]
    with pytest.raises(RevisionError, match="second base") as e:
        generate(project, "empty", "0.1.0")
    assert "[tool.dbplan.releases]" in str(e.value)
    with pytest.raises(RevisionError, match="0.2.0 is adopted"):
        generate(project, "0.1.0", "0.2.0")
    r = generate(project, "0.2.0", "0.3.0")
    assert r.down_revision == "handmade01"
    assert check_sync(project) == [findings[0]]


def test_alembic_config_of_an_adopted_layout_applies(tmp_path):
    """``[tool.dbplan] alembic_config`` (a Flask-Migrate migrations/alembic.ini): its
    file_template applies; the old code read only a root alembic.ini."""
    project = make_project(tmp_path / "p", [S1])
    (project.migrations_dir / "alembic.ini").write_text(
        "[alembic]\nfile_template = flask_%%(rev)s\n", encoding="utf-8"
    )
    pp = project.root / "pyproject.toml"
    text = pp.read_text().replace(
        "[tool.dbplan]\n", '[tool.dbplan]\nalembic_config = "migrations/alembic.ini"\n'
    )
    pp.write_text(text)
    from planner.project import load_project

    r = generate(load_project(project.root), "empty", "0.1.0")
    assert r.path.name == f"flask_{r.revision}.py"


def test_check_survives_a_revision_it_cannot_import(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    generate(project, "empty", "0.1.0")
    (project.migrations_dir / "versions" / "weird.py").write_text(
        "import not_installed_anywhere\nrevision = 'we' + 'ird'\ndown_revision = None\n"
    )
    assert check_sync(project) == []
    with pytest.raises(RevisionError, match="cannot read the revisions"):
        from planner.revisions.chain import revision_graph

        revision_graph(project)
