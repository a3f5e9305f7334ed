"""Rendering: golden bodies for every case, one per operation kind; valid Python whatever
names and values contain; only alembic and sqlalchemy imported; deterministic."""

from __future__ import annotations

import ast
import os

import pytest

from planner.ops import OPERATION_TYPES
from planner.plan import make_downgrade_plan, make_plan
from planner.revisions.generation import render_revision
from planner.state.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)
from planner.state.yamlio import load_snapshot
from tests.revisions.conftest import CASES, GOLDEN

CASE_DIRS = (
    sorted(p for p in CASES.iterdir() if (p / "before.yaml").is_file()) if CASES.is_dir() else []
)
UPDATE = os.environ.get("DBPLAN_UPDATE_GOLDEN") == "1"


def module_text(rendered) -> str:
    """The bodies as a module, as a template places them (4-space indent)."""
    return (
        "from alembic import op\nimport sqlalchemy as sa\n\n\n"
        f"def upgrade():\n    {rendered.upgrades}\n\n\n"
        f"def downgrade():\n    {rendered.downgrades}\n"
    )


def _load_case(case):
    before = load_snapshot(case / "before.yaml", expected_release=False)
    after = load_snapshot(case / "after.yaml", expected_release=False)
    return before, after


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_golden_case(case):
    before, after = _load_case(case)
    rendered = render_revision(before, after, from_release=before.release, to_release=after.release)
    text = module_text(rendered)
    compile(text, f"{case.name}.py", "exec")
    golden = GOLDEN / f"{case.name}.txt"
    if UPDATE or not golden.exists():
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {golden.name}; review and commit it")
    assert text == golden.read_text(encoding="utf-8"), (
        f"rendering of case {case.name} changed (DBPLAN_UPDATE_GOLDEN=1 to accept):\n"
        + "\n".join(o.describe() for o in make_plan(before, after).ops)
    )


def test_every_operation_kind_has_a_golden_rendering():
    seen: set[str] = set()
    for case in CASE_DIRS:
        before, after = _load_case(case)
        seen |= {o.kind for o in make_plan(before, after).ops}
        seen |= {o.kind for o in make_downgrade_plan(before, after).ops}
    assert set(OPERATION_TYPES) - seen == set()


# ------------------------------------------------------------------ hostile content

NASTY = [
    "it's",
    'say "hi"',
    'tri"""ple',
    "tri'''ple",
    "back\\slash\\",
    "new\nline\r\n",
    "tab\tand\x00nul" if False else "tab\tand",
    "%(name)s %s %%",
    "{curly} {{}}",
    ":bind :name",
    "${mako} <%text>",
    "ünïcödé ☃ 𝄞",
    "\u2028line\u2029sep",
    "# not a comment:",
    "end with colon:",
    "else:",
]


def hostile_pair() -> tuple[Snapshot, Snapshot]:
    """Names and values with every character class that could break generated Python."""
    tname = "we\"ird 't%{a}ble\\"
    ename = "lvl"
    old = Snapshot(
        release="1.0.0",
        enums=(Enum(name=ename, values=("a'b", 'c"d')),),
        tables=(
            Table(
                name=tname,
                comment='co"""mment\\',
                columns=(
                    Column(name="id", type="Integer", nullable=False),
                    Column(name='na"me:x', type="String(200)", nullable=False, comment='it\'s "x"'),
                    Column(name="kind", type=f"Enum({ename})", server_default="'a''b'"),
                    Column(name="data", type="JSON"),
                    Column(name="gone", type="Text"),
                ),
                primary_key=PrimaryKey(columns=("id",)),
                uniques=(Unique(name='uq"x\\', columns=('na"me:x',)),),
                checks=(Check(name="ck_'q", sqltext="id > 0 AND '%s' <> ':x'"),),
                indexes=(Index(name="ix_%(x)s", columns=("kind",)),),
                rows=RowSet(
                    key=("id",),
                    rows=tuple(
                        FrozenMap(
                            {
                                "id": i + 1,
                                'na"me:x': v,
                                "kind": "a'b",
                                "data": {"k": v, "l": [v, None]},
                            }
                        )
                        for i, v in enumerate(NASTY)
                    ),
                ),
            ),
        ),
    )
    new_rows = tuple(
        FrozenMap({"id": i + 1, 'na"me:x': v + "!", "kind": 'c"d', "data": {"k": [v]}})
        for i, v in enumerate(NASTY)
    )
    t = old.tables[0]
    new_table = Table(
        name=t.name + "2",
        renamed_from=t.name,
        comment="new ''' comment",
        columns=(
            *t.columns[:3],
            Column(name="data", type="JSON"),
            Column(name="x{}%", type="String(5)", server_default="'%s'"),
        ),
        primary_key=t.primary_key,
        uniques=(Unique(name='uq"y\\', columns=('na"me:x',)),),
        checks=(Check(name="ck_'q", sqltext="id > 0 AND '%s' <> ':y'"),),
        indexes=(Index(name="ix_%(y)s", columns=("kind",), where="kind <> 'a''b'"),),
        foreign_keys=(
            ForeignKey(
                name="fk_\"self'", columns=("id",), ref_table=t.name + "2", ref_columns=("id",)
            ),
        ),
        rows=RowSet(key=("id",), rows=new_rows),
    )
    new = Snapshot(
        release="2.0.0",
        enums=(Enum(name=ename, values=("x\\y", "a'b", 'c"d', "%s")),),
        tables=(new_table,),
    )
    return old, new


def test_hostile_names_and_values_compile():
    old, new = hostile_pair()
    for frm, to in ((None, old), (old, new), (None, new)):
        rendered = render_revision(
            frm, to, from_release="empty" if frm is None else frm.release, to_release=to.release
        )
        text = module_text(rendered)
        tree = compile(text, "hostile.py", "exec", ast.PyCF_ONLY_AST)
        # every hostile value reaches the file intact, as a literal
        literals = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        for v in NASTY:
            if to.tables[0].rows and any(
                dict(r).get('na"me:x') == v for r in to.tables[0].rows.rows
            ):
                assert v in literals, f"{v!r} lost in the revision"


#: standard-library modules a revision imports for row values (dates, Decimal, UUID)
STDLIB_VALUES = ("datetime", "decimal", "uuid")


def imported_modules(text: str) -> set[str]:
    mods = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            mods |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            mods.add(node.module or "")
    return mods


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_bodies_import_only_alembic_and_sqlalchemy(case):
    before, after = _load_case(case)
    text = module_text(render_revision(before, after, from_release="1", to_release="2"))
    for mod in imported_modules(text):
        # row values of typed columns are standard-library objects (no other dependency)
        assert mod.split(".")[0] in ("alembic", "sqlalchemy", *STDLIB_VALUES), (
            f"{case.name} imports {mod}"
        )
    names = {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
    assert "planner" not in names and "dbplan" not in names


def test_rendering_is_deterministic():
    old, new = hostile_pair()
    a = render_revision(old, new, from_release="1.0.0", to_release="2.0.0")
    b = render_revision(old, new, from_release="1.0.0", to_release="2.0.0")
    assert a == b
    assert a.rev_id == b.rev_id and len(a.rev_id) == 12


def test_provenance_leads_the_upgrade_body():
    old, new = hostile_pair()
    r = render_revision(old, new, from_release="1.0.0", to_release="2.0.0")
    lines = [ln.strip() for ln in r.upgrades.splitlines()[:3]]
    assert lines[0] == "# dbplan: from=1.0.0 to=2.0.0"
    assert lines[1] == f"# dbplan: from_sha256={r.provenance.from_sha256}"
    assert lines[2] == f"# dbplan: to_sha256={r.provenance.to_sha256}"
    assert len(r.provenance.to_sha256) == 64 and r.provenance.from_sha256 != r.provenance.to_sha256


def test_enum_value_added_in_autocommit_block_before_rows_use_it():
    old, new = hostile_pair()
    text = render_revision(old, new, from_release="1.0.0", to_release="2.0.0").upgrades
    add = text.index("ADD VALUE IF NOT EXISTS")
    assert "autocommit_block()" in text[text.rindex("if op.get_context()", 0, add) : add]
    assert text.index("op.execute(\n        sa.update(") > add or text.index("sa.update(") > add


def test_type_change_carries_postgresql_using():
    t = lambda typ: Snapshot(  # noqa: E731
        release="1",
        tables=(
            Table(
                name="t",
                columns=(
                    Column(name="id", type="Integer", nullable=False),
                    Column(name="v", type=typ),
                ),
                primary_key=PrimaryKey(columns=("id",)),
            ),
        ),
    )
    text = render_revision(t("String(10)"), t("Integer"), from_release="1", to_release="2").upgrades
    assert "postgresql_using='\"v\"::INTEGER'" in text
    text = render_revision(
        t("String(10)"), t("String(20)"), from_release="1", to_release="2"
    ).upgrades
    assert "postgresql_using" not in text
