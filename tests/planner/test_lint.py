"""Lint rules on planned snapshots, and the Registry they are dispatched through."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from planner import ops as O
from planner.lint import RULES, Finding, Severity, lint, type_change
from planner.plan import make_plan
from planner.registry import Registry, RegistryError
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

ROOT = Path(__file__).resolve().parent.parent.parent

ID = Column(name="id", type="Integer", nullable=False)
PK = PrimaryKey(columns=("id",))


def table(name: str, *cols: Column, **kw) -> Table:
    return Table(name=name, columns=(ID, *cols), primary_key=PK, **kw)


def snap(release: str, *tables: Table, enums=()) -> Snapshot:
    return Snapshot(release=release, tables=tables, enums=enums)


def codes(old: Snapshot, new: Snapshot) -> list[str]:
    return [f.code for f in lint(make_plan(old, new))]


def findings(old: Snapshot, new: Snapshot) -> list[Finding]:
    return lint(make_plan(old, new))


# registry ----------------------------------------------------------------------


def test_registry_walks_the_mro_and_refuses_duplicates():
    r = Registry("t")
    r.add(O.Operation, lambda op: "base")
    r.add(O.DropTable, lambda op: "drop")
    drop = O.DropTable(table=table("x"))
    add = O.CreateEnum(enum=Enum(name="e", values=("a",)))
    assert r.dispatch(drop) == "drop"
    assert r.dispatch(add) == "base"
    with pytest.raises(RegistryError, match="already registered for DropTable"):
        r.add(O.DropTable, lambda op: "again")
    r.add(O.DropTable, lambda op: "again", replace=True)
    assert r.dispatch(drop) == "again"
    assert O.CreateEnum in r and int not in r


def test_registry_without_a_match_names_the_type():
    with pytest.raises(RegistryError, match="lint2: no function registered for int"):
        Registry("lint2").get(3)


def test_rule_codes_are_stable_and_documented():
    # R023-R030: reserved for other branches; R031: planner.lint_views
    assert sorted(RULES) == [f"R{n:03d}" for n in range(1, 23)] + ["R031"]
    doc = (ROOT / "docs" / "plan-json.md").read_text()
    for code, rule in RULES.items():
        row = re.search(rf"^\| {code} \| (\w+) \|", doc, re.M)
        assert row, f"{code} is not documented in docs/plan-json.md"
        assert row.group(1) == rule.severity.value


# the rules ---------------------------------------------------------------------


def test_drop_table_and_drop_column():
    old = snap("1", table("a", Column(name="x", type="Integer")), table("b"))
    new = snap("2", table("a"))
    got = findings(old, new)
    assert [(f.code, f.severity) for f in got] == [
        ("R002", Severity.DANGER),
        ("R001", Severity.DANGER),
    ]
    assert "a.x" in got[0].message and "b" in got[1].message
    assert got[0].fix and got[1].fix


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("String(80)", "String(40)", "narrowing"),
        ("Text", "String(200)", "narrowing"),
        ("String(40)", "Text", "widening"),
        ("String(40)", "String(80)", "widening"),
        ("BigInteger", "Integer", "narrowing"),
        ("SmallInteger", "Integer", "widening"),
        ("Numeric(10, 2)", "Numeric(12, 2)", "widening"),
        ("Numeric(10, 4)", "Numeric(10, 2)", "narrowing"),
        ("Numeric(10, 2)", "Integer", "narrowing"),
        ("Float", "Integer", "narrowing"),
        ("Integer", "Numeric(10, 2)", "widening"),
        ("DateTime(timezone=True)", "DateTime", "narrowing"),
        ("DateTime", "Date", "narrowing"),
        ("Date", "DateTime", "widening"),
        ("Integer", "String(5)", "conversion"),
        ("Enum(level)", "String(20)", "conversion"),
        ("Enum(level)", "Text", "widening"),
        ("String(10)", "Integer", "conversion"),
        ("Boolean", "Integer", "conversion"),
    ],
)
def test_type_change_classification(old, new, kind):
    assert type_change(old, new)[0] == kind


def test_narrowing_and_conversion():
    old = snap(
        "1", table("a", Column(name="s", type="String(80)"), Column(name="n", type="String(5)"))
    )
    new = snap(
        "2", table("a", Column(name="s", type="String(10)"), Column(name="n", type="Integer"))
    )
    got = findings(old, new)
    assert sorted(f.code for f in got) == ["R003", "R011"]
    r003 = next(f for f in got if f.code == "R003")
    assert "a.s" in r003.message and "String(80)" in r003.message and "String(10)" in r003.message


def test_widening_is_clean():
    old = snap("1", table("a", Column(name="s", type="String(10)")))
    new = snap("2", table("a", Column(name="s", type="String(80)")))
    assert codes(old, new) == []


def test_not_null_column_needs_default_or_backfill():
    old = snap("1", table("a"))
    plain = Column(name="c", type="Integer", nullable=False)
    assert codes(old, snap("2", table("a", plain))) == ["R004"]
    with_default = dataclasses.replace(plain, server_default="0")
    assert codes(old, snap("2", table("a", with_default))) == []
    with_backfill = dataclasses.replace(plain, backfill="0")
    assert "R004" not in codes(old, snap("2", table("a", with_backfill)))
    # a new table has no rows: nothing to fill
    assert codes(snap("1"), snap("2", table("a", plain))) == []


def test_setting_not_null_needs_backfill():
    old = snap("1", table("a", Column(name="c", type="Integer")))
    bare = Column(name="c", type="Integer", nullable=False)
    got = findings(old, snap("2", table("a", bare)))
    assert [f.code for f in got] == ["R004"]
    assert "a.c" in got[0].message and "backfill" in got[0].fix
    filled = dataclasses.replace(bare, backfill="0")
    assert "R004" not in codes(old, snap("2", table("a", filled)))
    # dropping NOT NULL is fine
    assert codes(snap("2", table("a", bare)), old) == []


def test_unique_and_check_on_existing_table_only():
    c = Column(name="c", type="Integer")
    old = snap("1", table("a", c))
    new = snap(
        "2",
        table(
            "a",
            c,
            uniques=(Unique(name="uq_a_c", columns=("c",)),),
            checks=(Check(name="ck_a_c", sqltext="c > 0"),),
        ),
    )
    got = findings(old, new)
    assert sorted(f.code for f in got) == ["R005", "R006"]
    r006 = next(f for f in got if f.code == "R006")
    assert "c > 0" in r006.fix
    # the same constraints on a new table: nothing
    assert codes(snap("1"), new) == []


def test_index_on_existing_table():
    c = Column(name="c", type="Integer")
    old = snap("1", table("a", c))
    plain = snap("2", table("a", c, indexes=(Index(name="ix_a_c", columns=("c",)),)))
    assert codes(old, plain) == ["R010"]
    uniq = snap("2", table("a", c, indexes=(Index(name="ix_a_c", columns=("c",), unique=True),)))
    assert sorted(codes(old, uniq)) == ["R005", "R010"]
    assert codes(snap("1"), uniq) == []


def test_renames_warn():
    old = snap("1", table("places", Column(name="title", type="String(80)")))
    new_t = dataclasses.replace(
        table("sites", Column(name="name", type="String(80)", renamed_from="title")),
        renamed_from="places",
    )
    got = findings(old, snap("2", new_t))
    assert [f.code for f in got] == ["R007", "R007"]
    assert all(f.severity is Severity.WARNING for f in got)
    text = " ".join(f.message for f in got)
    assert "places" in text and "title" in text


def test_enum_value_removed_but_not_added():
    col = Column(name="level", type="Enum(lvl)")
    old = snap("1", table("e", col), enums=(Enum(name="lvl", values=("a", "b", "c")),))
    removed = snap("2", table("e", col), enums=(Enum(name="lvl", values=("a", "c")),))
    got = findings(old, removed)
    assert [f.code for f in got] == ["R008"]
    assert "b" in got[0].message and "e.level" in got[0].message
    added = snap("2", table("e", col), enums=(Enum(name="lvl", values=("a", "b", "c", "d")),))
    assert codes(old, added) == []


def _states(*names: str) -> Table:
    rows = RowSet(
        key=("name",),
        rows=tuple(FrozenMap({"id": i + 1, "name": n}) for i, n in enumerate(names)),
    )
    return table("states", Column(name="name", type="String(20)", nullable=False), rows=rows)


def test_deleting_referenced_rows():
    ts = table(
        "ts",
        Column(name="state_id", type="Integer"),
        foreign_keys=(
            ForeignKey(
                name="fk_ts_state_id_states",
                columns=("state_id",),
                ref_table="states",
                ref_columns=("id",),
            ),
        ),
    )
    got = findings(snap("1", _states("Raw", "Old"), ts), snap("2", _states("Raw"), ts))
    assert [f.code for f in got] == ["R009"]
    assert "ts" in got[0].message
    # nobody references the table: deleting rows is not flagged
    assert codes(snap("1", _states("Raw", "Old")), snap("2", _states("Raw"))) == []


def _ts(ondelete: str | None) -> Table:
    fk = ForeignKey(
        name="fk_ts_state_id_states",
        columns=("state_id",),
        ref_table="states",
        ref_columns=("id",),
        ondelete=ondelete,
    )
    return table("ts", Column(name="state_id", type="Integer"), foreign_keys=(fk,))


@pytest.mark.parametrize("action", ["CASCADE", "SET NULL", "SET DEFAULT"])
def test_deleting_managed_rows_that_cascade_into_other_rows_is_a_danger(action):
    ts = _ts(action)
    got = findings(snap("1", _states("Raw", "Old"), ts), snap("2", _states("Raw"), ts))
    assert [(f.code, f.severity) for f in got] == [("R014", Severity.DANGER)]
    effect = "deletes" if action == "CASCADE" else f"sets {action[4:]} in"
    assert got[0].message == (
        f"deleting 1 managed row of states; fk_ts_state_id_states (ON DELETE {action}) "
        f"{effect} the rows of ts that point at them, users' rows included"
    )
    assert "--allow-destructive" in got[0].fix and "RESTRICT" in got[0].fix


def _but_ids(plan) -> list[Finding]:
    return [f for f in lint(plan) if f.code != "R018"]


def test_the_downgrade_deleting_inserted_rows_is_linted_like_an_upgrade_delete():
    from planner.lint import downgrade_deletes, gated_downgrade_deletes

    old, new = _states("Raw"), _states("Raw", "New")
    # the rows declare ids: R018 (its own test) is left out here
    # cascading key: a danger, gated
    plan = make_plan(snap("1", old, _ts("CASCADE")), snap("2", new, _ts("CASCADE")))
    got = _but_ids(plan)
    assert [(f.code, f.severity) for f in got] == [("R014", Severity.DANGER)]
    assert got[0].message.startswith(
        "the downgrade deletes the 1 managed row this release inserts into states; "
        "fk_ts_state_id_states (ON DELETE CASCADE) deletes the rows of ts"
    )
    assert [o.describe() for o in gated_downgrade_deletes(plan)] == [
        "Delete 1 row from states: (name)=('New')"
    ]
    # a restricting key: the downgrade fails where rows point at them, a warning, gated
    plan = make_plan(snap("1", old, _ts(None)), snap("2", new, _ts(None)))
    assert [(f.code, f.severity) for f in _but_ids(plan)] == [("R015", Severity.WARNING)]
    assert len(gated_downgrade_deletes(plan)) == 1
    # nothing references the table: the downgrade deletes the managed row alone
    plan = make_plan(snap("1", old), snap("2", new))
    assert _but_ids(plan) == [] and gated_downgrade_deletes(plan) == []
    assert len(downgrade_deletes(plan)) == 1
    # a table the release creates is dropped by the downgrade, rows and all
    plan = make_plan(snap("1", _ts(None)), snap("2", new, _ts(None)))
    assert [f.code for f in _but_ids(plan)] == [] and downgrade_deletes(plan) == []


def test_set_null_on_a_not_null_column_is_a_warning_not_an_error():
    from planner.state.validate import validate

    c = Column(name="p", type="Integer", nullable=False)
    fk = ForeignKey(
        name="fk_a_p_b", columns=("p",), ref_table="b", ref_columns=("id",), ondelete="SET NULL"
    )
    new = snap("2", table("a", c, foreign_keys=(fk,)), table("b"))
    assert validate(new) == []  # PostgreSQL and SQLite create it: check accepts it
    got = findings(snap("1", table("a", c), table("b")), new)
    assert [(f.code, f.severity) for f in got] == [
        ("R012", Severity.WARNING),
        ("R016", Severity.WARNING),
    ]
    assert got[1].message == (
        "foreign key fk_a_p_b of a is ON DELETE SET NULL, but p is NOT NULL: the action fails "
        "whenever it fires (PostgreSQL and SQLite create the key; MariaDB and MySQL refuse it, "
        "errno 150)"
    )
    assert codes(snap("1"), new) == ["R016"]  # a new table too
    # the column becoming NOT NULL under an existing SET NULL key
    nullable = dataclasses.replace(c, nullable=True)
    old = snap("1", table("a", nullable, foreign_keys=(fk,)), table("b"))
    assert "R016" in codes(old, new)
    # ON UPDATE too; nullable columns and other actions are fine
    upd = dataclasses.replace(fk, ondelete=None, onupdate="SET NULL")
    assert (
        "ON UPDATE SET NULL"
        in findings(snap("1"), snap("2", table("a", c, foreign_keys=(upd,)), table("b")))[0].message
    )
    ok = snap("2", table("a", nullable, foreign_keys=(fk,)), table("b"))
    assert codes(snap("1"), ok) == []


def test_foreign_key_on_existing_table():
    c = Column(name="p", type="Integer")
    fk = ForeignKey(name="fk_a_p_b", columns=("p",), ref_table="b", ref_columns=("id",))
    old = snap("1", table("a", c), table("b"))
    new = snap("2", table("a", c, foreign_keys=(fk,)), table("b"))
    assert codes(old, new) == ["R012"]
    assert codes(snap("1", table("b")), new) == []


@pytest.mark.parametrize("name", ["NUL", "aux", "Com7", "lpt1"])
def test_foreign_key_to_a_table_mariadb_cannot_reference(name):
    c = Column(name="p", type="Integer")
    fk = ForeignKey(name="fk_a_p", columns=("p",), ref_table=name, ref_columns=("id",))
    new = snap("2", table("a", c, foreign_keys=(fk,)), table(name))
    got = findings(snap("1", table("a", c), table(name)), new)
    assert [f.code for f in got] == ["R012", "R013"]
    assert name in got[1].message and "errno 150" in got[1].message
    assert codes(snap("1"), new) == ["R013"]  # new tables too: the database refuses it


@pytest.mark.parametrize("name", ["null", "com0", "nul_x", "console", "clock$"])
def test_device_name_lint_leaves_other_names_alone(name):
    c = Column(name="p", type="Integer")
    fk = ForeignKey(name="fk_a_p", columns=("p",), ref_table=name, ref_columns=("id",))
    assert codes(snap("1"), snap("2", table("a", c, foreign_keys=(fk,)), table(name))) == []


def test_findings_point_at_their_operation():
    old = snap("1", table("a", Column(name="x", type="Integer")), table("b"))
    plan = make_plan(old, snap("2", table("a")))
    for f in lint(plan):
        op = plan.ops[f.op_index]
        assert any(t in RULES[f.code].types for t in type(op).__mro__)


def test_empty_plan_has_no_findings():
    s = snap("1", table("a"))
    assert lint(make_plan(s, s)) == []


@pytest.mark.parametrize(
    "name",
    [
        "planner.lint",
        "planner.dialects.base",
        "planner.dialects.postgresql",
        "planner.dialects.mysql",
        "planner.runtime.managed_rows",
        "planner.state.capture",
    ],
)
def test_docstring_examples(name, _doctest_world, tmp_path, monkeypatch):
    import importlib

    from tests.doctest_world import run_doctests_in_world

    module = importlib.import_module(name)
    result = run_doctests_in_world(module, _doctest_world, tmp_path, monkeypatch)
    assert result.failed == 0


def test_r017_explicit_ids_into_an_existing_table_but_not_without_ids_or_into_a_new_one():
    from planner.state.yamlio import load_snapshot_text

    def text(release: str, rows: str, key: str = "id") -> Snapshot:
        return load_snapshot_text(
            f"""
snapshot: 1
release: "{release}"
tables:
  units:
    columns:
      id: {{type: Integer, primary_key: true}}
      code: {{type: String(8), nullable: false}}
    unique: {{uq_units_code: [code]}}
    rows:
      key: [{key}]
      values: [{rows}]
""",
            f"{release}.yaml",
        )

    first = text("1", "{id: 1, code: a}")
    assert "R018" not in codes(snap("0"), first)  # a new table: no user's row yet
    found = [
        f
        for f in findings(first, text("2", "{id: 1, code: a}, {id: 2, code: b}"))
        if f.code == "R018"
    ]
    assert [f.severity for f in found] == [Severity.WARNING]
    assert "declares id 2" in found[0].message and "without id" in found[0].fix
    natural = text("1", "{code: a}", "code")
    assert "R018" not in codes(natural, text("2", "{code: a}, {code: b}", "code"))
