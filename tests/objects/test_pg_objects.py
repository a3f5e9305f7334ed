"""PostgreSQL schemas, extensions and sequences in the snapshot: the sections round-trip,
bad entries are problems naming file:line:column, the plan orders them by edges with
reasons, and targets other than PostgreSQL refuse them. (The database loop is the
corpus: ``tests/objects/scenarios/postgresql/{schema,sequence,extension}_*``.)"""

from __future__ import annotations

import pytest

from planner.plan import make_downgrade_plan, make_plan
from planner.state.errors import SnapshotError
from planner.state.model import Column, Enum, PrimaryKey, Snapshot, Table
from planner.state.pg_objects import Extension, Schema, Sequence
from planner.state.validate import validate
from planner.state.yamlio import dump_snapshot, load_snapshot_text

HEAD = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"

K = Table(
    name="k",
    schema="other",
    columns=(
        Column(name="id", type="Integer", nullable=False),
        Column(name="n", type="Integer", server_default="nextval('other.k_n_seq'::regclass)"),
        Column(name="h", type="postgresql.TYPE(hstore)"),
        Column(name="m", type="Enum(mood)"),
    ),
    primary_key=PrimaryKey(columns=("id",)),
)
FULL = Snapshot(
    release="2.0.0",
    tables=(K,),
    enums=(Enum(name="mood", values=("ok", "bad"), schema="other"),),
    schemas=(Schema(name="other", comment="reports"),),
    extensions=(Extension(name="hstore", version="1.8"),),
    sequences=(
        Sequence(name="k_n_seq", schema="other", type="integer", owned_by=("k", "n")),
        Sequence(name="tickets", start=100, increment=5, max_value=10_000, cycle=True),
    ),
)


def test_the_sections_round_trip_in_canonical_form():
    text = dump_snapshot(FULL, schema_ref=None)
    assert load_snapshot_text(text, "2.0.0.yaml") == FULL
    assert "  mood: {schema: other, values: [ok, bad]}\n" in text
    assert "schemas:\n  other: {comment: reports}\n" in text
    assert "extensions:\n  hstore: {version: '1.8'}\n" in text
    assert "  tickets: {start: 100, increment: 5, max_value: 10000, cycle: true}\n" in text
    assert "  k_n_seq: {schema: other, type: integer, owned_by: {table: k, column: n}}\n" in text


def test_a_sequence_spelling_its_defaults_is_the_same_state():
    assert Sequence(name="s", start=1, min_value=1, max_value=2**63 - 1) == Sequence(name="s")
    down = Sequence(name="s", increment=-1, min_value=-(2**63), max_value=-1, start=-1)
    assert down == Sequence(name="s", increment=-1)
    assert Sequence(name="s", type="integer", max_value=2**31 - 1).max_value is None


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("sequences:\n  s: {colour: red}", "8:7: sequences.s.colour: unknown key 'colour'"),
        ("sequences:\n  s: {type: int8}", "8:13: sequences.s.type: sequence 's': unknown type"),
        ("sequences:\n  s: {increment: 0}", "8:18: sequences.s.increment: sequence 's': increment"),
        (
            "sequences:\n  s: {start: x}",
            "8:14: sequences.s.start: expected start as a whole number",
        ),
        (
            "sequences:\n  s: {owned_by: {table: nope, column: id}}",
            "8:17: sequences.s.owned_by: sequence 's' is owned by nope.id",
        ),
        (
            "sequences:\n  s: {start: 5, max_value: 3}",
            "8:6: sequences.s: sequence 's': needs -9223372036854775808 <= min_value (1) <= "
            "start (5) <= max_value (3)",
        ),
        (
            "extensions:\n  hstore: {version: 1.8}",
            "8:21: extensions.hstore.version: expected a version (a string), found number",
        ),
        ("schemas:\n  other: {owner: me}", "8:11: schemas.other.owner: unknown key 'owner'"),
        (
            "enums:\n  mood: {schema: other}",
            "8:3: enums.mood: enum 'mood' needs the key 'values'",
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
                                         targets=["postgresql", "sqlite"])]  # fmt: skip
    line = text.splitlines().index("  hstore: {version: '1.8'}") + 1
    assert any(
        p.startswith(f"2.0.0.yaml:{line}:")
        and "extension hstore exists on PostgreSQL only, and the targets include SQLite" in p
        for p in problems
    ), problems
    assert sum("PostgreSQL only" in p for p in problems) == 5  # 1 schema, 1 ext, 2 seq, 1 enum
    assert not [p for p in validate(FULL, targets=["postgresql"]) if "PostgreSQL only" in str(p)]
    assert not [p for p in validate(FULL) if "PostgreSQL only" in str(p)]  # no targets named


def test_the_plan_orders_them_by_edges_with_reasons():
    up = make_plan(Snapshot(release="1.0.0"), FULL)
    assert [op.describe() for op in up.ops] == [
        "Create schema other",
        "Create extension hstore version 1.8",
        "Create enum mood (ok, bad)",
        "Create sequence other.k_n_seq",
        "Create sequence tickets",
        "Create table other.k (id, n, h, m)",
        "Alter sequence other.k_n_seq: owned_by k.n",
    ]
    reasons = {e.reason for e in up.edges}
    assert {
        "create table other.k needs schema other",
        "create table other.k needs the types of the extensions",
        "create table other.k needs sequence other.k_n_seq",
        "alter sequence other.k_n_seq needs column other.k.n",
    } <= reasons, reasons
    assert any("needs schema other" in r and "enum" in r for r in reasons), reasons
    down = make_downgrade_plan(Snapshot(release="1.0.0"), FULL)
    described = [op.describe() for op in down.ops]
    assert described[-1] == "Drop schema other"
    assert described.index("Drop table other.k") < described.index("Drop sequence other.k_n_seq")
    assert described.index("Drop table other.k") < described.index("Drop extension hstore")
    assert "drop table other.k needs schema other before drop schema other removes it" in {
        e.reason for e in down.edges
    }


def test_changes_are_altered_in_place():
    old = FULL
    new = Snapshot(
        release="3.0.0",
        tables=FULL.tables,
        enums=(Enum(name="mood", values=("ok", "bad")),),
        schemas=(Schema(name="other", comment="archive"),),
        extensions=(Extension(name="hstore", version="1.7"),),
        sequences=(
            *(q for q in FULL.sequences if q.name != "tickets"),
            Sequence(name="tickets", increment=2),
        ),
    )
    assert sorted(op.describe() for op in make_plan(old, new).ops) == [
        "Alter extension hstore: update to version 1.7",
        "Alter sequence tickets: increment 2, start default, max_value default, cycle False",
        "Move enum mood to schema public",
        "Set the comment of schema other to 'archive'",
    ]


MARIA = HEAD + (
    "sequences:\n"
    "  ok: {start: 10, increment: 2, min_value: 10, max_value: 1000, cache: 5, cycle: true}\n"
    "  typed: {type: integer}\n"
    "  owned: {owned_by: {table: t, column: id}, comment: c}\n"
)


def test_mariadb_targets_take_sequences_but_refuse_the_keys_it_lacks():
    from planner.state.reader import parse_yaml

    s = load_snapshot_text(MARIA, "1.0.0.yaml")
    assert s.sequences[0].cache == 5
    assert load_snapshot_text(dump_snapshot(s), "1.0.0.yaml") == s
    _, sm, _ = parse_yaml(MARIA, "1.0.0.yaml")
    problems = [str(p) for p in validate(s, source_map=sm, file="1.0.0.yaml", targets=["mysql"])]
    assert problems == [
        "1.0.0.yaml:9:17: sequences.typed.type: sequence typed: MariaDB/MySQL has no sequence "
        "type (a target dialect) (leave out type:, or drop that target)",
        "1.0.0.yaml:10:21: sequences.owned.owned_by: sequence owned: MariaDB/MySQL has no "
        "sequence owned by (a target dialect) (leave out owned_by:, or drop that target)",
        "1.0.0.yaml:10:54: sequences.owned.comment: sequence owned: MariaDB/MySQL has no "
        "sequence comment (a target dialect) (leave out comment:, or drop that target)",
    ]
    # SQLite has no sequences at all
    sqlite = [str(p) for p in validate(s, targets=["sqlite"])]
    assert len(sqlite) == 3
    assert "sequence ok exists on MariaDB/MySQL and PostgreSQL only, and the targets " \
        "include SQLite" in sqlite[0]  # fmt: skip


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            "sequences:\n  s: {cache: 0}",
            "8:14: sequences.s.cache: sequence 's': cache must be at least 1",
        ),
        (
            "sequences:\n  s: {cache: many}",
            "8:14: sequences.s.cache: expected cache as a whole number",
        ),
    ],
)
def test_bad_sequence_cache_names_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + section + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_an_enum_comment_is_refused_for_targets_that_keep_enums_inline():
    # MariaDB and SQLite keep an enum inline in its columns: the comment would be lost
    s = Snapshot(
        release="1.0.0",
        tables=(Table(name="t", columns=(Column(name="m", type="Enum(mood)"),)),),
        enums=(Enum(name="mood", values=("ok", "bad"), comment="How one feels"),),
    )
    text = dump_snapshot(s, schema_ref=None)
    from planner.state.reader import parse_yaml

    _, sm, _ = parse_yaml(text, "1.0.0.yaml")
    for target, label in (("sqlite", "SQLite"), ("mysql", "MariaDB/MySQL")):
        got = validate(s, source_map=sm, file="1.0.0.yaml", targets=["postgresql", target])
        line = text.splitlines().index("    comment: How one feels") + 1
        assert [str(p) for p in got] == [
            f"1.0.0.yaml:{line}:14: enums.mood.comment: comment of enum mood: {label} keeps "
            "an enum inline in its columns, with no type to comment on (a target dialect) "
            "(leave out comment:, or make PostgreSQL the only target "
            '([tool.dbplan] dialects = ["postgresql"]))'
        ]
    assert not validate(s, targets=["postgresql"])
    assert not validate(s)  # no targets named


# --------------------------------------------------------------------------- extension comments
def test_an_extension_comment_round_trips_is_one_operation_and_drift_names_it():
    from planner.state.pg_objects import compare

    text = (
        "snapshot: 1\nrelease: 1.0.0\ntables: {}\nextensions:\n"
        "  citext: {version: '1.6', comment: \"it's: without case\"}\n  hstore: {comment: ''}\n"
    )
    s = load_snapshot_text(text, "1.0.0.yaml")
    assert [(e.name, e.comment) for e in s.extensions] == [
        ("citext", "it's: without case"),
        ("hstore", ""),
    ]
    assert dump_snapshot(s, schema_ref=None) == text
    with pytest.raises(SnapshotError, match=r"1.0.0.yaml:5:37: extensions.citext.comment"):
        load_snapshot_text(text.replace('"it\'s: without case"', "[x]"), "1.0.0.yaml")
    ci = Extension(name="citext", version="1.6")
    a = Snapshot(release="1.0.0", extensions=(ci,))
    b = Snapshot(
        release="1.1.0", extensions=(Extension(name="citext", version="1.6", comment="x"),)
    )
    assert [op.describe() for op in make_plan(a, b).ops] == [
        "Set the comment of extension citext to 'x'"
    ]
    assert [op.describe() for op in make_plan(b, a).ops] == [
        "Reset the comment of extension citext to its control file's"
    ]
    newer = Snapshot(
        release="1.1.0", extensions=(Extension(name="citext", version="1.7", comment=""),)
    )
    assert [op.describe() for op in make_plan(a, newer).ops] == [
        "Alter extension citext: update to version 1.7",
        "Remove the comment of extension citext",
    ]
    assert compare(a, b) == ["extension citext: comment none, snapshot says 'x'"]
