"""Row-level security and policies in the snapshot: the keys round-trip through the
canonical YAML and the cache format, bad entries are problems naming file:line:column
with a fix, targets other than PostgreSQL refuse them, expressions compare by meaning,
and the plan alters a policy in place where PostgreSQL can and orders a drop and a
create around a type change of a column it reads. (The database loop is the corpus:
``tests/objects/scenarios/postgresql/{rls,policy}_*``.)"""

from __future__ import annotations

import dataclasses

import pytest

from planner.diff import diff_snapshots
from planner.plan import make_plan
from planner.state import cache_format
from planner.state.errors import SnapshotError
from planner.state.model import Column, Snapshot, Table
from planner.state.policies import Policy
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot, load_snapshot_text

HEAD = (
    "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n"
    "      id: {type: Integer}\n      owner: {type: Text}\n"
)

T = Table(
    name="t",
    columns=(Column(name="id", type="Integer"), Column(name="owner", type="Text")),
    row_level_security="forced",
    policies=(
        Policy(name="own", using="owner = current_user"),
        Policy(
            name="ins",
            command="insert",
            permissive=False,
            roles=("app", "admin"),
            with_check="owner <> ''",
        ),
    ),
)
FULL = Snapshot(release="1.0.0", tables=(T,))


def test_keys_round_trip_in_canonical_form():
    text = dump_snapshot(FULL, schema_ref=None)
    assert "    row_level_security: forced\n" in text
    assert (
        "      ins: {command: insert, permissive: false, roles: [admin, app], "
        "with_check: \"owner <> ''\"}\n" in text
    )
    assert "      own: {using: owner = current_user}\n" in text  # defaults left out
    assert load_snapshot_text(text, "1.0.0.yaml") == FULL
    assert dump_snapshot(load_snapshot_text(text, "x.yaml"), schema_ref=None) == text


def test_cache_format_carries_the_fields():
    assert cache_format.FORMAT_COVERS_MODEL
    assert cache_format._loads_snapshot(cache_format._dumps_snapshot(FULL)) == FULL


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            "    row_level_security: on\n",
            "8:25: tables.t.row_level_security: 'on' is a boolean in YAML 1.1",
        ),
        (
            "    row_level_security: true\n",
            "8:25: tables.t.row_level_security: expected row-level security (enabled, forced), found boolean true (write enabled",
        ),
        ("    policies: [own]\n", "8:15: tables.t.policies: expected a mapping of policies"),
        (
            "    policies:\n      p: {command: selct, using: 'true'}\n",
            "9:20: tables.t.policies.p.command: expected a policy command (all, select, insert, update, delete), found string 'selct' (did you mean 'select'?)",
        ),
        (
            "    policies:\n      p: {usng: 'true'}\n",
            "9:11: tables.t.policies.p.usng: unknown key 'usng' in policy 'p' (did you mean 'using'?)",
        ),
        (
            "    policies:\n      p: {roles: app, using: 'true'}\n",
            "9:18: tables.t.policies.p.roles: expected a list of role names, found string 'app' (write [app])",
        ),
        (
            "    policies:\n      p: {roles: [], using: 'true'}\n",
            "9:18: tables.t.policies.p.roles: expected at least one of role names",
        ),
        (
            "    policies:\n      p: {permissive: 'no', using: 'true'}\n",
            "9:23: tables.t.policies.p.permissive: expected permissive (true or false), found string 'no' (write false without quotes)",
        ),
    ],
)
def test_bad_entries_name_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + section, "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{command: insert, using: 'true'}", "tables.t.policies.p.using: a policy for INSERT"),
        (
            "{command: select, with_check: 'true'}",
            "tables.t.policies.p.with_check: a policy for SELECT",
        ),
        ("{command: update}", "tables.t.policies.p: policy p of table t has neither"),
    ],
)
def test_expressions_the_command_refuses_are_problems(body, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + f"    policies:\n      p: {body}\n", "1.0.0.yaml")
    assert any(problem in str(p) and str(p).startswith("1.0.0.yaml:9:") for p in e.value.problems)


def test_targets_other_than_postgresql_refuse_them_naming_the_entry():
    text = dump_snapshot(FULL, schema_ref=None)
    from planner.state.reader import parse_yaml

    _, sm, _ = parse_yaml(text, "2.0.0.yaml")
    problems = [
        str(p)
        for p in validate(FULL, source_map=sm, file="2.0.0.yaml", targets=["postgresql", "mysql"])
    ]
    line = text.splitlines().index("    row_level_security: forced") + 1
    assert any(
        p.startswith(f"2.0.0.yaml:{line}:")
        and "row-level security of table t exists on PostgreSQL only, and the targets "
        "include MariaDB"
        in p
        for p in problems
    ), problems
    assert sum("PostgreSQL only" in p for p in problems) == 3  # the key and two policies
    assert not [p for p in validate(FULL, targets=["postgresql"]) if "PostgreSQL only" in str(p)]


def _with(**policies) -> Snapshot:
    t = dataclasses.replace(T, policies=tuple(Policy(name=n, **kw) for n, kw in policies.items()))
    return Snapshot(release="2", tables=(t,))


def test_the_same_policy_spelled_as_the_catalog_spells_it_plans_nothing():
    a = _with(own={"using": "owner = current_user", "with_check": "owner <> ''"})
    b = _with(own={"using": "(owner = CURRENT_USER)", "with_check": "(owner <> ''::text)"})
    assert diff_snapshots(a, b) == []
    c = _with(own={"using": "owner <> current_user", "with_check": "owner <> ''"})
    assert [op.describe() for op in diff_snapshots(a, c)] == ["Alter policy own on t (using)"]


def test_alter_where_postgresql_can_else_drop_and_create():
    a = _with(own={"using": "owner = current_user", "with_check": "owner <> ''"})
    roles = _with(
        own={"using": "owner = current_user", "with_check": "owner <> ''", "roles": ("app",)}
    )
    assert [op.kind for op in diff_snapshots(a, roles)] == ["alter_policy"]
    for other in (
        {"using": "owner = current_user", "command": "update"},  # command
        {"using": "owner = current_user", "with_check": "owner <> ''", "permissive": False},
        {"using": "owner = current_user"},  # WITH CHECK removed: ALTER cannot
    ):
        assert sorted(op.kind for op in diff_snapshots(a, _with(own=other))) == [
            "create_policy",
            "drop_policy",
        ]


def test_policy_goes_and_comes_around_a_type_change_of_a_column_it_reads():
    a = _with(own={"using": "owner = current_user"})
    t = a.tables[0]
    cols = (t.columns[0], dataclasses.replace(t.columns[1], type="String(80)"))
    b = Snapshot(release="2", tables=(dataclasses.replace(t, columns=cols),))
    plan = make_plan(a, b)
    kinds = [op.kind for op in plan.ops]
    assert (
        kinds.index("drop_policy") < kinds.index("alter_column_type") < kinds.index("create_policy")
    )
    assert "drop policy own on t before alter column type t.owner: a policy of t reads t.owner" in {
        e.reason for e in plan.edges
    }
    # a type change of a column no policy reads leaves the policy alone
    cols = (dataclasses.replace(t.columns[0], type="BigInteger"), t.columns[1])
    c = Snapshot(release="2", tables=(dataclasses.replace(t, columns=cols),))
    assert [op.kind for op in diff_snapshots(a, c)] == ["alter_column_type"]


def test_a_new_table_gets_its_security_and_policies_after_it_is_created():
    new = Snapshot(release="2", tables=(T,))
    plan = make_plan(Snapshot(release="1"), new)
    kinds = [op.kind for op in plan.ops]
    assert kinds[0] == "create_table"
    assert sorted(kinds[1:]) == ["create_policy", "create_policy", "set_row_level_security"]
    assert plan.ops[0].table.policies == () and plan.ops[0].table.row_level_security is None
