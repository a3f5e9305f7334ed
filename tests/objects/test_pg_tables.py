"""PostgreSQL DEFERRABLE keys, uniques and foreign keys and UNLOGGED tables: captured
from the catalog (and no longer listed as unmanaged), read and written in the canonical
form, refused for other targets with file:line:column, planned and emitted."""

from __future__ import annotations

import pytest

from planner.diff import diff_snapshots
from planner.graph import build_graph
from planner.revisions.generation import render_revision
from planner.runtime.verify import compare_snapshots
from planner.state.cache import _dumps_snapshot, _loads_snapshot
from planner.state.capture import from_database
from planner.state.errors import SnapshotError
from planner.state.session import LoadSession
from planner.state.shape import load_snapshot_text
from planner.state.writer import dump_snapshot
from tests.objects.corpus import run_script

DB = """
CREATE TABLE p (id int PRIMARY KEY)

CREATE TABLE k (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)

CREATE UNLOGGED TABLE c (id int PRIMARY KEY, n int,
  p_id int CONSTRAINT fk_c_p REFERENCES p (id) DEFERRABLE,
  q_id int CONSTRAINT fk_c_q REFERENCES p (id),
  CONSTRAINT uq_c_n UNIQUE (n) DEFERRABLE INITIALLY DEFERRED)
"""

YAML = """\
snapshot: 1
release: '1'
tables:
  c:
    columns:
      id: {type: Integer, primary_key: true}
      n: {type: Integer}
      p_id: {type: Integer}
    foreign_keys:
      fk_c_p:
        columns: [p_id]
        references: {table: p, columns: [id]}
        deferrable: immediate
    unique:
      uq_c_n: {columns: [n], deferrable: deferred}
    unlogged: true
  k:
    columns:
      id: {type: Integer, primary_key: true}
    primary_key: {deferrable: deferred}
  p:
    columns:
      id: {type: Integer, primary_key: true}
"""


@pytest.mark.pg
def test_capture_models_deferrable_and_unlogged(pg_db):
    run_script(pg_db, DB)
    s = from_database(pg_db, release="1")
    c, p = s.table("c"), s.table("p")
    assert s.table("k").primary_key.deferrable == "deferred"
    assert p.primary_key.deferrable is None and not p.unlogged
    assert c.unlogged and c.primary_key.deferrable is None
    assert {fk.name: fk.deferrable for fk in c.foreign_keys} == {
        "fk_c_p": "immediate",
        "fk_c_q": None,
    }
    assert [(u.name, u.deferrable) for u in c.uniques] == [("uq_c_n", "deferred")]
    assert not [u for u in s.unmanaged if u.kind in ("deferrable", "unlogged")]
    # a capture sees them: drift/verify compare them
    import dataclasses

    logged = s.replace_table(dataclasses.replace(c, unlogged=False))
    assert compare_snapshots(s, logged) == ["c: unlogged true, snapshot says false"]
    fks = tuple(dataclasses.replace(fk, deferrable=None) for fk in c.foreign_keys)
    plain = s.replace_table(dataclasses.replace(c, foreign_keys=fks))
    assert compare_snapshots(s, plain) == [
        "c: foreign key fk_c_p: deferrable immediate, snapshot says none"
    ]


def test_the_keys_round_trip_through_yaml_and_the_cache():
    s = load_snapshot_text(YAML, "1.yaml")
    assert dump_snapshot(s).split("\n", 1)[1] == YAML
    assert _loads_snapshot(_dumps_snapshot(s)) == s
    assert s.table("k").primary_key.deferrable == "deferred"


def _problems(text: str, targets=None) -> list[str]:
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "1.yaml", session=LoadSession(targets=targets))
    return str(e.value).splitlines()


def test_bad_values_are_problems_naming_file_line_column():
    bad = (
        YAML.replace("deferrable: immediate", "deferrable: true")
        .replace("unlogged: true", "unlogged: sometimes")
        .replace("{columns: [n], deferrable: deferred}", "{columns: [n], deferable: deferred}")
        .replace("primary_key: {deferrable: deferred}", "primary_key: {deferrable: later}")
    )
    assert _problems(bad) == [
        "1.yaml:13:21: tables.c.foreign_keys.fk_c_p.deferrable: expected deferrable immediate "
        "or deferred (foreign key 'fk_c_p'), found True (write deferrable: immediate "
        "(DEFERRABLE alone means INITIALLY IMMEDIATE))",
        "1.yaml:15:30: tables.c.unique.uq_c_n.deferable: unknown key 'deferable' in unique "
        "constraint 'uq_c_n' (did you mean 'deferrable'?)",
        "1.yaml:16:15: tables.c.unlogged: expected unlogged (true or false), found string "
        "'sometimes'",
        "1.yaml:20:31: tables.k.primary_key.deferrable: expected deferrable immediate or "
        "deferred (the primary key), found 'later' (write deferrable: immediate (DEFERRABLE "
        "INITIALLY IMMEDIATE) or deferrable: deferred)",
    ]
    # PostgreSQL refuses a foreign key to a deferrable key
    to_k = YAML.replace("references: {table: p,", "references: {table: k,")
    assert _problems(to_k) == [
        "1.yaml:12:21: tables.c.foreign_keys.fk_c_p.references: foreign key c.fk_c_p "
        "references a deferrable key of k (id): PostgreSQL refuses a foreign key to a "
        "deferrable key (drop deferrable of the referenced key, or reference a key that is "
        "not)",
    ]


def test_other_targets_refuse_them_with_file_line():
    assert load_snapshot_text(YAML, "1.yaml", session=LoadSession(targets=("postgresql",)))
    problems = _problems(YAML, ("postgresql", "sqlite"))
    assert problems == [
        "1.yaml:13:21: tables.c.foreign_keys.fk_c_p.deferrable: foreign key c.fk_c_p is "
        "deferrable: deferrable constraints are PostgreSQL's, and the project also targets "
        "SQLite (drop deferrable, or target only postgresql ([tool.dbplan] dialects))",
        "1.yaml:15:42: tables.c.unique.uq_c_n.deferrable: unique c.uq_c_n is deferrable: "
        "deferrable constraints are PostgreSQL's, and the project also targets SQLite (drop "
        "deferrable, or target only postgresql ([tool.dbplan] dialects))",
        "1.yaml:16:15: tables.c.unlogged: table c is unlogged: unlogged tables are "
        "PostgreSQL's, and the project also targets SQLite (drop unlogged, or target only "
        "postgresql ([tool.dbplan] dialects))",
        "1.yaml:20:31: tables.k.primary_key.deferrable: primary key of k is deferrable: "
        "deferrable constraints are PostgreSQL's, and the project also targets SQLite (drop "
        "deferrable, or target only postgresql ([tool.dbplan] dialects))",
    ]
    assert len(_problems(YAML, ("mariadb",))) == 4


def test_plans_alter_in_place_or_drop_and_add():
    a = load_snapshot_text(YAML, "1.yaml")
    b = load_snapshot_text(
        YAML.replace("deferrable: immediate", "deferrable: deferred")
        .replace("    unlogged: true\n", "")
        .replace("{columns: [n], deferrable: deferred}", "[n]")
        .replace("    primary_key: {deferrable: deferred}\n", ""),
        "1.yaml",
    )
    assert sorted(op.describe() for op in diff_snapshots(a, b)) == [
        "Add primary key on k (id)",
        "Add unique constraint uq_c_n on c (n)",
        "Drop primary key of k",
        "Drop unique constraint uq_c_n on c",
        "Make foreign key fk_c_p on c DEFERRABLE INITIALLY DEFERRED",
        "Make table c LOGGED",
    ]
    r = render_revision(a, b, from_release="1", to_release="2", rev_id="r1")
    up = "\n".join(r.upgrades) if isinstance(r.upgrades, list) else str(r.upgrades)
    assert 'ALTER TABLE "c" ALTER CONSTRAINT "fk_c_p" DEFERRABLE INITIALLY DEFERRED' in up
    assert 'ALTER TABLE "c" SET LOGGED' in up
    down = "\n".join(r.downgrades) if isinstance(r.downgrades, list) else str(r.downgrades)
    assert 'ALTER TABLE "c" SET UNLOGGED' in down
    assert 'ALTER TABLE "k" ADD PRIMARY KEY ("id") DEFERRABLE INITIALLY DEFERRED' in down
    assert "deferrable=True, initially='DEFERRED'" in down


EXCLUSION_DB = """
CREATE TABLE s (id int PRIMARY KEY, lo int, hi int, room int,
  CONSTRAINT ex_s EXCLUDE USING gist (int4range(lo, hi) WITH &&, (room + 0) WITH =)
  WHERE (lo > 0 AND room IN (1, 2)))
"""

EXCLUSION_YAML = """\
snapshot: 1
release: '1'
tables:
  s:
    columns:
      id: {type: Integer, primary_key: true, autoincrement: false}
      lo: {type: Integer}
      hi: {type: Integer}
      room: {type: Integer}
    exclusions:
      ex_s:
        elements:
        - {expression: 'int4range(lo, hi)', operator: '&&'}
        - {expression: room + 0, operator: '='}
        where: lo > 0 AND room IN (1, 2)
"""


@pytest.mark.pg
def test_a_hand_written_exclusion_plans_no_change_and_a_real_change_plans_one(pg_db):
    run_script(pg_db, "CREATE EXTENSION IF NOT EXISTS btree_gist\n\n" + EXCLUSION_DB)
    s = from_database(pg_db, release="1")
    (e,) = s.table("s").exclusions
    assert (e.name, e.using, [x.operator for x in e.elements]) == ("ex_s", "gist", ["&&", "="])
    assert not [u for u in s.unmanaged if u.kind == "exclusion_constraint"]
    hand = load_snapshot_text(EXCLUSION_YAML, "1.yaml")  # (the extension aside)
    assert [op for op in diff_snapshots(s, hand) if "exclusion" in op.kind] == []
    assert [x for x in compare_snapshots(s, hand, dialect="postgresql") if "exclu" in x] == []
    changed = load_snapshot_text(EXCLUSION_YAML.replace("lo > 0", "lo > 1"), "1.yaml")
    assert [op.describe() for op in diff_snapshots(s, changed) if "exclusion" in op.kind] == [
        "Drop exclusion constraint ex_s on s",
        "Add exclusion constraint ex_s on s",
    ]
    assert [x for x in compare_snapshots(s, changed, dialect="postgresql") if "exclu" in x] == [
        "s: exclusion constraint ex_s differs from the snapshot"
    ]


def test_bad_exclusions_are_problems_and_other_targets_refuse_them():
    bad = EXCLUSION_YAML.replace("operator: '='", "operator: 'drop table'").replace(
        "{expression: 'int4range(lo, hi)', operator: '&&'}",
        "{column: lo, expression: 'int4range(lo, hi)', operator: '&&'}",
    )
    assert _problems(bad) == [
        "1.yaml:13:11: tables.s.exclusions.ex_s.elements[0]: an exclusion element names a "
        "column or an expression (one of them) (write {column: room, operator: '='} or "
        "{expression: ..., operator: '&&'})",
        "1.yaml:14:44: tables.s.exclusions.ex_s.elements[1].operator: expected an operator "
        "(=, && …), found 'drop table' (an operator is symbols only: =, &&, <> …)",
    ]
    no_column = EXCLUSION_YAML.replace("{expression: room + 0,", "{column: rooms,")
    assert _problems(no_column) == [
        "1.yaml:14:20: tables.s.exclusions.ex_s.elements[1].column: exclusion constraint "
        "s.ex_s names column 'rooms', which s does not have (name a column of the table, or "
        "write an expression)",
    ]
    assert _problems(EXCLUSION_YAML, ("postgresql", "mariadb")) == [
        "1.yaml:11:7: tables.s.exclusions.ex_s: exclusion constraint s.ex_s: exclusion "
        "constraints are PostgreSQL's, and the project also targets MariaDB/MySQL (drop it, "
        "or target only postgresql ([tool.dbplan] dialects))",
    ]


def test_an_exclusion_comes_after_the_extension_the_plan_creates_and_goes_before_its_drop():
    from planner.state.model import Snapshot
    from planner.state.pg_objects import Extension

    plain = load_snapshot_text(EXCLUSION_YAML.split("    exclusions:")[0], "1.yaml")
    with_ex = load_snapshot_text(EXCLUSION_YAML, "2.yaml")
    with_ex = Snapshot(
        release="2", tables=with_ex.tables, extensions=(Extension(name="btree_gist"),)
    )
    for a, b, first, then in (
        (plain, with_ex, "create_extension", "add_exclusion"),
        (with_ex, plain, "drop_exclusion", "drop_extension"),
        (Snapshot(release="0"), with_ex, "create_extension", "create_table"),
    ):
        ops = diff_snapshots(a, b)
        kinds = [op.kind for op in ops]
        g = build_graph(ops)  # an edge, with its reason: not the phases' order alone
        assert g.has_edge(kinds.index(first), kinds.index(then)), (first, then)
