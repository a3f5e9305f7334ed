"""PostgreSQL domains, composite types and collations in the snapshot: the sections
round-trip, bad entries are problems naming file:line:column, checks and defaults compare
by meaning, the plan orders them by edges with reasons, the revision is valid Python for
any name, and targets other than PostgreSQL refuse them. (The database loop is the
corpus: ``tests/objects/scenarios/postgresql/{domain,type,collation}_*``.)"""

from __future__ import annotations

import ast

import pytest

from planner.plan import make_downgrade_plan, make_plan
from planner.state.errors import SnapshotError
from planner.state.model import Column, PrimaryKey, Snapshot, Table
from planner.state.pg_types import (
    Attribute,
    Collation,
    CompositeType,
    Domain,
    DomainCheck,
    compare,
)
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot, load_snapshot_text

HEAD = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"

T = Table(
    name="t",
    columns=(
        Column(name="id", type="Integer", nullable=False),
        Column(name="n", type="postgresql.TYPE(posint)"),
        Column(name="p", type="postgresql.ARRAY(postgresql.TYPE(pair))"),
    ),
    primary_key=PrimaryKey(columns=("id",)),
)
POSINT = Domain(
    name="posint",
    type="int",
    nullable=False,
    default="1",
    checks=(DomainCheck(name="posint_positive", sqltext="VALUE > 0"),),
    comment="a positive number",
)
FULL = Snapshot(
    release="2.0.0",
    tables=(T,),
    collations=(
        Collation(name="ci", provider="icu", locale="und-u-ks-level2", deterministic=False),
    ),
    domains=(POSINT, Domain(name="email", type="text", collation="ci")),
    composite_types=(
        CompositeType(
            name="pair",
            attributes=(Attribute(name="x", type="posint"), Attribute(name="y", type="text")),
        ),
    ),
)


def test_the_sections_round_trip_in_canonical_form():
    text = dump_snapshot(FULL, schema_ref=None)
    assert load_snapshot_text(text, "2.0.0.yaml") == FULL
    assert "  email: {type: text, collation: ci}\n" in text
    assert "    - {name: posint_positive, sqltext: VALUE > 0}\n" in text
    assert "  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false}\n" in text


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("domains:\n  d: {nullable: false}", "8:3: domains.d: domain 'd' needs the key 'type'"),
        ("domains:\n  d: {type: int, nulable: false}", "8:18: domains.d.nulable: unknown key"),
        ("domains:\n  d: {type: 3}", "8:13: domains.d.type: expected a type"),
        (
            "domains:\n  d:\n    type: int\n    checks:\n    - {name: c}",
            "11:7: domains.d.checks[0]: checks needs the key 'sqltext'",
        ),
        (
            "domains:\n  d:\n    type: int\n    checks:\n    - {name: c, sqltext: VALUE > 0}\n"
            "    - {name: c, sqltext: VALUE > 1}",
            "12:14: domains.d.checks[1].name: 'c' appears twice",
        ),
        (
            "domains:\n  d: {type: int, nullable: 'no'}",
            "8:28: domains.d.nullable: expected nullable",
        ),
        ("types:\n  p: {comment: x}", "8:3: types.p: type 'p' needs the key 'attributes'"),
        (
            "types:\n  p:\n    attributes:\n    - {name: x}",
            "10:7: types.p.attributes[0]: attributes needs the key 'type'",
        ),
        ("types:\n  p: {attributes: x}", "8:19: types.p.attributes: expected a list of attributes"),
        ("collations:\n  c: {provider: icu}", "8:3: collations.c: collation 'c' needs the key"),
        (
            "collations:\n  c: {provider: mine, locale: de}",
            "8:17: collations.c.provider: collation 'c': unknown provider 'mine'",
        ),
        (
            "collations:\n  c: {locale: C, deterministic: false}",
            "8:33: collations.c.deterministic: collation 'c': PostgreSQL supports "
            "nondeterministic collations with the icu provider only",
        ),
        (
            "enums:\n  pair: [a]\ntypes:\n  pair: {attributes: []}",
            "10:9: types.pair: type pair is also defined under enums",
        ),
    ],
)
def test_bad_entries_name_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + section + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_targets_other_than_postgresql_refuse_them_naming_the_entry():
    text = dump_snapshot(FULL, schema_ref=None)
    from planner.state.reader import parse_yaml

    _, sm, _ = parse_yaml(text, "2.0.0.yaml")
    problems = [str(p) for p in validate(FULL, source_map=sm, file="2.0.0.yaml",
                                         targets=["postgresql", "mysql"])]  # fmt: skip
    line = text.splitlines().index("  email: {type: text, collation: ci}") + 1
    assert any(
        p.startswith(f"2.0.0.yaml:{line}:")
        and "domain email exists on PostgreSQL only, and the targets include MariaDB" in p
        for p in problems
    ), problems
    assert sum("PostgreSQL only" in p for p in problems) == 4  # 1 collation, 2 domains, 1 type
    assert not [p for p in validate(FULL, targets=["postgresql"]) if "PostgreSQL only" in str(p)]


def test_checks_and_defaults_compare_by_meaning_and_type_aliases_as_the_catalog():
    captured = Domain(
        name="posint",
        type="integer",
        nullable=False,
        default="1",
        checks=(DomainCheck(name="posint_positive", sqltext="(VALUE > 0)"),),
        comment="a positive number",
    )
    a = Snapshot(release="1", domains=(captured,))
    assert compare(a, Snapshot(release="1", domains=(POSINT,))) == []
    assert not make_plan(a, Snapshot(release="2", domains=(POSINT,))).ops
    other = Domain(
        name="posint",
        type="integer",
        checks=(DomainCheck(name="posint_positive", sqltext="VALUE > 1"),),
    )
    assert compare(a, Snapshot(release="1", domains=(other,))) == [
        "domain posint: nullable False, snapshot says True",
        "domain posint: comment 'a positive number', snapshot says none",
        "domain posint: default '1', snapshot says none",
        "domain posint: checks (DomainCheck(name='posint_positive', sqltext='(VALUE > 0)'),), "
        "snapshot says (DomainCheck(name='posint_positive', sqltext='VALUE > 1'),)",
    ]


def test_the_plan_orders_them_by_edges_with_reasons():
    up = make_plan(Snapshot(release="1.0.0"), FULL)
    described = [op.describe() for op in up.ops]
    assert described.index("Create collation ci") < described.index("Create domain email")
    assert described.index("Create domain posint") < described.index("Create type pair")
    assert described.index("Create type pair") < described.index("Create table t (id, n, p)")
    reasons = {e.reason for e in up.edges}
    assert {
        "create table t needs type posint",
        "create table t needs type pair",
        "create type pair needs type posint",
        "create domain email needs collation ci",
    } <= reasons, reasons
    down = make_downgrade_plan(Snapshot(release="1.0.0"), FULL)
    described = [op.describe() for op in down.ops]
    assert described.index("Drop table t") < described.index("Drop type pair")
    assert described.index("Drop type pair") < described.index("Drop domain posint")
    assert described.index("Drop domain email") < described.index("Drop collation ci")


def test_changes_alter_in_place_where_postgresql_can_and_rebuild_otherwise():
    new = Snapshot(
        release="3.0.0",
        tables=FULL.tables,
        collations=(Collation(name="ci", provider="icu", locale="und-u-ks-level1"),),
        domains=(
            Domain(
                name="posint",
                type="integer",
                default="2",
                checks=(DomainCheck(name="posint_small", sqltext="VALUE < 100"),),
            ),
            Domain(name="email", type="varchar(200)", collation="ci"),
        ),  # fmt: skip
        composite_types=(
            CompositeType(
                name="pair",
                attributes=(Attribute(name="x", type="bigint"), Attribute(name="z", type="int")),
            ),
        ),
    )
    ops = [op.describe() for op in make_plan(FULL, new).ops]
    assert sorted(ops) == [
        "Alter domain posint: nullable, comment, default, checks",
        "Alter type pair: drop y, add z integer, x becomes bigint",
        "Create collation ci",
        "Create domain email",
        "Drop collation ci",
        "Drop domain email",
    ]
    reordered = CompositeType(
        name="pair",
        attributes=(Attribute(name="y", type="text"), Attribute(name="x", type="posint")),
    )
    moved = Snapshot(release="3.0.0", tables=FULL.tables, domains=FULL.domains,
                     collations=FULL.collations, composite_types=(reordered,))  # fmt: skip
    assert [op.describe() for op in make_plan(FULL, moved).ops] == [
        "Drop type pair",
        "Create type pair",
    ]


def test_the_revision_is_valid_python_and_quotes_every_name():
    from planner.revisions.emit import render_body

    odd = "we\"ird'\n"
    s = Snapshot(
        release="2.0.0",
        collations=(Collation(name=odd, locale="it's"),),
        domains=(Domain(name=odd, type="text", collation=odd, comment="it's \\ 'x'"),),
        composite_types=(
            CompositeType(name=odd + "t", attributes=(Attribute(name=odd, type="text"),)),
        ),
    )
    text = render_body(make_plan(Snapshot(release="1.0.0"), s))
    ast.parse("def upgrade():\n    " + text)
    statements = [
        ast.literal_eval(n.args[0].args[0])
        for n in ast.walk(ast.parse("def upgrade():\n    " + text))
        if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "execute"
    ]
    assert "CREATE COLLATION \"we\"\"ird'\n\" (provider = libc, locale = E'it''s')" in statements
