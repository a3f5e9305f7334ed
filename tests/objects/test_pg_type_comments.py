"""Comments of composite-type attributes and of collations (PostgreSQL): they round-trip,
a bad one is a problem at file:line:column, a change alone is one operation (after the
``ALTER TYPE`` adding the attribute), a created or re-created object writes them, and
drift / verify name each one that differs. (The database loop is the corpus:
``tests/objects/scenarios/postgresql/comment_{attribute,collation}_*``.)"""

from __future__ import annotations

import dataclasses

import pytest

from planner.plan import make_plan
from planner.state.errors import SnapshotError
from planner.state.model import Snapshot
from planner.state.pg_types import Attribute, Collation, CompositeType, compare
from planner.state.yamlio import dump_snapshot, load_snapshot_text

HEAD = "snapshot: 1\nrelease: 1.0.0\ntables: {}\n"
CI = Collation(name="ci", provider="icu", locale="und-u-ks-level2", deterministic=False)
PAIR = CompositeType(
    name="pair",
    attributes=(Attribute(name="x", type="integer"), Attribute(name="y", type="text")),
)


def _with(*, x: str | None = None, y: str | None = None, ci: str | None = None) -> Snapshot:
    attrs = (dataclasses.replace(PAIR.attributes[0], comment=x),
             dataclasses.replace(PAIR.attributes[1], comment=y))  # fmt: skip
    return Snapshot(
        release="1.0.0",
        composite_types=(dataclasses.replace(PAIR, attributes=attrs),),
        collations=(dataclasses.replace(CI, comment=ci),),
    )


def test_the_comments_round_trip_in_canonical_form():
    s = _with(x="it's: 50%", ci="ignores case")
    text = dump_snapshot(s, schema_ref=None)
    assert '    - {name: x, type: integer, comment: "it\'s: 50%"}\n' in text
    assert "    - {name: y, type: text}\n" in text
    assert "deterministic: false, comment: ignores case}\n" in text
    assert load_snapshot_text(text, "1.0.0.yaml") == s


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (
            "types:\n  p:\n    attributes:\n    - {name: x, type: int, comment: 5}",
            "7:37: types.p.attributes[0].comment: expected a comment (a string)",
        ),
        (
            "types:\n  p:\n    attributes:\n    - {name: x, type: int, coment: a}",
            "7:28: types.p.attributes[0].coment: unknown key",
        ),
        (
            "collations:\n  c: {locale: C, comment: [a]}",
            "5:27: collations.c.comment: expected a comment (a string)",
        ),
    ],
)
def test_a_bad_comment_names_file_line_and_column(section, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + section + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


def test_a_change_of_a_comment_alone_is_one_operation_each():
    a, b = _with(x="first", y="second"), _with(x="the first", ci="ignores case")
    plan = make_plan(a, b)
    assert [op.describe() for op in plan.ops] == [
        "Set the comment of collation ci to 'ignores case'",
        "Set the comment of attribute x of type pair to 'the first'",
        "Remove the comment of attribute y of type pair",
    ]
    assert [op.kind for op in make_plan(b, a).ops] == [
        "set_collation_comment",
        "set_attribute_comment",
        "set_attribute_comment",
    ]


def test_an_added_attribute_gets_its_comment_after_the_alter_and_a_rebuild_writes_them():
    a = _with(x="first")
    z = Attribute(name="z", type="date", comment="third")
    wider = Attribute(name="x", type="bigint", comment="first")
    grown = dataclasses.replace(PAIR, attributes=(wider, PAIR.attributes[1], z))
    plan = make_plan(a, dataclasses.replace(a, composite_types=(grown,)))
    assert [op.describe() for op in plan.ops] == [
        "Alter type pair: add z date, x becomes bigint",
        "Set the comment of attribute z of type pair to 'third'",
    ]
    assert "set_attribute_comment needs attribute pair.z" not in {e.reason for e in plan.edges}
    assert any("attribute pair.z" in e.reason for e in plan.edges), plan.edges
    # reordered: dropped and re-created, the comments written by the create
    from planner.dialects.postgresql_types import create_type

    moved = dataclasses.replace(PAIR, attributes=(PAIR.attributes[1], wider))
    plan = make_plan(a, dataclasses.replace(a, composite_types=(moved,)))
    assert [op.describe() for op in plan.ops] == ["Drop type pair", "Create type pair"]
    assert create_type(moved)[-1] == 'COMMENT ON COLUMN "pair"."x" IS E\'first\''
    # a changed locale re-creates the collation, with its comment
    from planner.dialects.postgresql_types import create_collation

    other = dataclasses.replace(CI, locale="und-u-ks-level1", comment="accents too")
    plan = make_plan(a, dataclasses.replace(a, collations=(other,)))
    assert [op.describe() for op in plan.ops] == ["Drop collation ci", "Create collation ci"]
    assert create_collation(other)[-1] == "COMMENT ON COLLATION \"ci\" IS E'accents too'"


def test_drift_names_each_comment_that_differs():
    assert compare(_with(x="first", ci="a"), _with(y="second", ci="b")) == [
        "type pair: comment of attribute x 'first', snapshot says none",
        "type pair: comment of attribute y none, snapshot says 'second'",
        "collation ci: comment 'a', snapshot says 'b'",
    ]
    assert compare(_with(x="first"), _with(x="first")) == []
