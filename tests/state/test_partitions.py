"""The partitioning and inheritance keys (``partition_by``, ``partition_of``,
``inherits``): reading, the canonical writer, validation with file:line:column, the
refusal on targets other than PostgreSQL, and the diff's operations."""

from __future__ import annotations

import pytest

from planner.diff import diff_snapshots
from planner.state.errors import SnapshotError
from planner.state.shape import load_with_source_map
from planner.state.validate import validate
from planner.state.writer import canonical_dump
from planner.state.yamlio import load_snapshot_text

HEAD = "snapshot: 1\nrelease: '1'\ntables:\n"
EVENTS = (
    "  events:\n"
    "    partition_by: range (created_at)\n"
    "    columns:\n"
    "      id: {type: Integer, nullable: false}\n"
    "      created_at: {type: Date, nullable: false}\n"
)
GOOD = (
    HEAD
    + EVENTS
    + "  events_2024:\n"
    + "    partition_of: {table: events, bound: \"FROM ('2024-01-01') TO ('2025-01-01')\"}\n"
    + "  events_other:\n"
    + "    partition_of: {table: events, bound: default}\n"
    + "  base:\n"
    + "    columns:\n"
    + "      id: {type: Integer}\n"
    + "  child:\n"
    + "    inherits: [base]\n"
    + "    columns:\n"
    + "      extra: {type: Integer}\n"
)


def _problems(text: str, targets=None) -> list[str]:
    try:
        s, sm = load_with_source_map(text, "f.yaml", validate=False)
    except SnapshotError as e:  # a shape problem
        return [str(p) for p in e.problems]
    return [str(p) for p in validate(s, source_map=sm, file="f.yaml", targets=targets)]


def test_read_canonical_form_and_round_trip():
    s = load_snapshot_text(GOOD, "f.yaml")
    t = {t.name: t for t in s.tables}
    assert t["events"].partition_by == "RANGE (created_at)"
    assert t["events_2024"].partition_of.bound == "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"
    assert t["events_other"].partition_of.bound == "DEFAULT"
    assert t["events_2024"].columns == ()
    assert t["child"].inherits == ("base",)
    text = canonical_dump(s)
    assert "    partition_by: RANGE (created_at)\n" in text
    assert "    partition_of: {table: events, bound: DEFAULT}\n" in text
    assert "    inherits: [base]\n" in text
    again = load_snapshot_text(text, "f.yaml")
    assert again == s and canonical_dump(again) == text


def test_mapping_form_of_partition_by_is_the_same_key():
    text = GOOD.replace("range (created_at)", "{method: range, columns: [created_at]}")
    assert load_snapshot_text(text, "f.yaml") == load_snapshot_text(GOOD, "f.yaml")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            ("range (created_at)", "ranged created_at"),
            "f.yaml:5:19: tables.events.partition_by: expected a partition key (RANGE|LIST|HASH "
            "(columns)), found 'ranged created_at'",
        ),
        (
            ("{table: events, bound: default}", "{table: nope, bound: default}"),
            "f.yaml:12:27: tables.events_other.partition_of.table: partition events_other is of "
            "nope, which is not a table of the snapshot",
        ),
        (
            ("{table: events, bound: default}", "{table: base, bound: default}"),
            "f.yaml:12:27: tables.events_other.partition_of.table: partition events_other is of "
            "base, which has no partition_by",
        ),
        (
            ("inherits: [base]", "inherits: [gone]"),
            "f.yaml:17:16: tables.child.inherits[0]: table child inherits gone, which is not a "
            "table of the snapshot",
        ),
        (
            ("inherits: [base]", "inherits: [events]"),
            "f.yaml:17:16: tables.child.inherits[0]: table child inherits events, which is "
            "partitioned or a partition (PostgreSQL refuses)",
        ),
        (
            ("  child:\n", "  child:\n    schema: ops\n"),
            "f.yaml:18:16: tables.child.inherits[0]: table ops.child inherits ops.base, which "
            "is not a table of the snapshot",
        ),
        (
            ("range (created_at)", "range (day)"),
            "f.yaml:5:19: tables.events.partition_by: the partition key of events names day, "
            "not a column of the table",
        ),
    ],
)
def test_problems_name_file_line_and_column(edit, problem):
    text = GOOD.replace(*edit)
    assert text != GOOD
    found = _problems(text)
    assert any(p.startswith(problem) for p in found), found


def test_a_partition_lists_no_columns_of_its_own():
    text = GOOD.replace(
        "    partition_of: {table: events, bound: default}\n",
        "    partition_of: {table: events, bound: default}\n"
        "    columns:\n      id: {type: Integer}\n",
    )
    found = _problems(text)
    assert any(
        p.startswith("f.yaml:13:5: tables.events_other.columns: partition events_other has "
                     "columns of its own")
        for p in found
    ), found  # fmt: skip


def test_a_key_of_a_partitioned_table_must_hold_the_partition_key():
    text = GOOD.replace(
        "      id: {type: Integer, nullable: false}\n",
        "      id: {type: Integer, primary_key: true}\n",
    )
    found = _problems(text)
    assert any("lacks partition key column(s) created_at" in p for p in found), found


def test_bad_partition_of_mapping_is_a_shape_problem():
    text = GOOD.replace("{table: events, bound: default}", "{table: events, bounds: default}")
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "f.yaml")
    assert "f.yaml:12:" in str(e.value) and "bound" in str(e.value)


@pytest.mark.parametrize("target", ["mysql", "sqlite"])
def test_other_targets_refuse_the_keys_at_their_line(target):
    found = _problems(GOOD, targets=["postgresql", target])
    label = {"mysql": "MariaDB", "sqlite": "SQLite"}[target]
    assert [p.split(": ")[0] for p in found] == [
        "f.yaml:5:19", "f.yaml:10:19", "f.yaml:12:19", "f.yaml:17:15"
    ], found  # fmt: skip
    assert all("is PostgreSQL's, and the project targets" in p and label in p for p in found)
    assert _problems(GOOD, targets=["postgresql"]) == []


def test_a_column_added_to_a_partitioned_parent_is_one_op_on_the_parent():
    a = load_snapshot_text(GOOD, "f.yaml")
    b = load_snapshot_text(
        GOOD.replace(
            "      created_at: {type: Date, nullable: false}\n",
            "      created_at: {type: Date, nullable: false}\n      level: {type: Integer}\n",
        ),
        "f.yaml",
    )
    assert [o.describe() for o in diff_snapshots(a, b)] == ["Add column events.level Integer"]


def test_a_changed_bound_is_detach_then_attach():
    a = load_snapshot_text(GOOD, "f.yaml")
    b = load_snapshot_text(GOOD.replace("'2025-01-01'", "'2026-01-01'"), "f.yaml")
    ops = diff_snapshots(a, b)
    assert [o.kind for o in ops] == ["detach_partition", "attach_partition"]
    assert [o.describe() for o in (o.reverse() for o in reversed(ops))][0].startswith(
        "Detach partition events_2024"
    )


def test_a_parent_in_another_schema_is_refused():
    text = GOOD.replace("  base:\n", "  base:\n    schema: x\n").replace(
        "inherits: [base]", "inherits: [x.base]"
    )
    assert _problems(text) == [
        "f.yaml:18:16: tables.child.inherits[0]: table child inherits x.base of another "
        "schema (not modelled: CREATE TABLE ... INHERITS is written with bare names) (keep "
        "the child in its parent's schema)"
    ]


def test_emitted_revision_is_valid_python_for_awkward_names_and_bounds():
    import ast

    from planner.revisions.generation import render_revision
    from planner.state.model import Column, PartitionOf, Snapshot, Table

    parent = Table(
        name='ev"ents',
        partition_by='LIST ("k\'ind")',
        columns=(Column(name="k'ind", type="Text", nullable=False),),
    )
    part = Table(
        name="p'1\n",
        partition_of=PartitionOf(table='ev"ents', bound="FOR VALUES IN (':b', '\"\"\"\\\\')"),
        comment="it's :x",
    )
    a = Snapshot(release="1", tables=(parent,))
    b = Snapshot(release="2", tables=(parent, part))
    r = render_revision(a, b, from_release="1", to_release="2")
    text = (
        "from alembic import op\nimport sqlalchemy as sa\n\n\n"
        f"def upgrade():\n    {r.upgrades}\n\n\ndef downgrade():\n    {r.downgrades}\n"
    )
    ast.parse(text)
    assert 'PARTITION OF "ev""ents"' in r.upgrades and "\\\\:b" in r.upgrades
