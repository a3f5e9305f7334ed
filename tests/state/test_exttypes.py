"""``postgresql.TYPE(...)`` of types whose modifiers only the type itself reads: an
extension's (PostGIS ``geometry(Point,4326)``, pgvector ``vector(3)``) and the internal
``"char"``. Canonical spellings compare by meaning (a hand-written type and the captured
same type agree), PostgreSQL gets the very text, generated revisions spell it, and the
graph puts domains after the extensions a plan creates. (The database side:
``tests/objects/test_pg_exttypes.py`` and the corpus ``postgis_*``, ``internal_char_*``.)"""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import mysql, postgresql, sqlite

from planner.state import coltypes as ct
from planner.state.coltypes import TypeParseError

#: hand-written -> canonical (PostGIS's own spelling, as format_type() gives it back)
BY_MEANING = {
    "postgresql.TYPE(geometry(Point,4326))": "postgresql.TYPE(geometry(Point,4326))",
    "postgresql.TYPE(geometry(POINT, 4326))": "postgresql.TYPE(geometry(Point,4326))",
    "postgresql.TYPE(Geometry( pointzm , 3857 ))": "postgresql.TYPE(geometry(PointZM,3857))",
    "postgresql.TYPE(geometry(multipolygonm))": "postgresql.TYPE(geometry(MultiPolygonM))",
    "postgresql.TYPE(geometry(Point, 0))": "postgresql.TYPE(geometry(Point))",
    "postgresql.TYPE(geometry(Point, -1))": "postgresql.TYPE(geometry(Point))",
    "postgresql.TYPE(geometry(Geometry, 0))": "postgresql.TYPE(geometry)",
    "postgresql.TYPE(geometry(geometryz))": "postgresql.TYPE(geometry(GeometryZ))",
    "postgresql.TYPE(geography(point))": "postgresql.TYPE(geography(Point,4326))",
    "postgresql.TYPE(geography(Tin, 0))": "postgresql.TYPE(geography(Tin,4326))",
    "postgresql.TYPE(vector(3))": "postgresql.TYPE(vector(3))",
    "postgresql.TYPE(mytype(Fast, 2))": "postgresql.TYPE(mytype(fast,2))",
    "postgresql.TYPE(ext.geometry(point, 4326))": "postgresql.TYPE(ext.geometry(Point,4326))",
    'postgresql.TYPE("char")': 'postgresql.TYPE("char")',
    "postgresql.ARRAY(postgresql.TYPE(geometry(point,4326)))": (
        "postgresql.ARRAY(postgresql.TYPE(geometry(Point,4326)))"
    ),
    'postgresql.ARRAY(postgresql.TYPE("char"))': 'postgresql.ARRAY(postgresql.TYPE("char"))',
}


@pytest.mark.parametrize("text", BY_MEANING)
def test_the_same_type_reads_the_same_whoever_wrote_it(text):
    canonical = BY_MEANING[text]
    assert ct.canonical_type(text) == canonical
    assert ct.canonical_type(canonical) == canonical
    assert ct.type_change(text, canonical) == ("widening", None)  # no change at all


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ('postgresql.TYPE("Pair")', "a quoted type name", 16),
        ("postgresql.TYPE(numeric(10, 2))", "numeric has a canonical type", 16),
        ("postgresql.TYPE(varchar(5))", "varchar has a canonical type", 16),
        ("postgresql.TYPE(geometry(Point, 'x'))", "expected a modifier", 32),
        ("postgresql.TYPE(geometry())", "expected a modifier", 25),
        ("postgresql.TYPE(bit(Point))", "expected an integer modifier of bit", 20),
        ("postgresql.TYPE(ext.geometry(Point) z)", "a type of another schema is one name", 16),
        ('postgresql.TYPE("char"', "expected ')'", 22),
    ],
)
def test_malformed_ones_are_errors_with_offsets(text, message, offset):
    with pytest.raises(TypeParseError) as e:
        ct.parse_type(text)
    assert message in str(e.value)
    assert e.value.offset == offset


#: canonical -> the DDL PostgreSQL gets (never quoted: "geometry(...)" would be a name)
DDL = {
    "postgresql.TYPE(geometry(Point,4326))": "geometry(Point,4326)",
    "postgresql.TYPE(vector(3))": "vector(3)",
    "postgresql.TYPE(ext.geometry(Point,4326))": "ext.geometry(Point,4326)",
    'postgresql.TYPE("char")': '"char"',
    "postgresql.ARRAY(postgresql.TYPE(geography(Point,4326)))": "geography(Point,4326)[]",
    'postgresql.ARRAY(postgresql.TYPE("char"))': '"char"[]',
}


@pytest.mark.parametrize("text", DDL)
def test_postgresql_gets_the_very_text_other_dialects_text(text):
    t = ct.to_sqlalchemy(text)
    assert t._variant_mapping["postgresql"].compile(dialect=postgresql.dialect()) == DDL[text]
    for d in (mysql.dialect(), sqlite.dialect()):
        assert t.compile(dialect=d) in ("TEXT", "JSON")
    assert ct.normalise_type(text, "postgresql") == text


def test_a_generated_revision_spells_the_type_unquoted():
    from sqlalchemy.dialects import postgresql as pg

    from planner.revisions.emit import _render_item

    ctx = None  # a DOMAIN renders without Alembic's context
    geo = pg.DOMAIN("geometry(Point,4326)", pg.TEXT(), create_type=False, quote=False)
    assert _render_item("type", geo, ctx) == (
        "postgresql.DOMAIN('geometry(Point,4326)', sa.Text(), create_type=False, quote=False)"
    )
    plain = pg.DOMAIN("hstore", pg.TEXT(), create_type=False)
    assert _render_item("type", plain, ctx) == (
        "postgresql.DOMAIN('hstore', sa.Text(), create_type=False)"
    )


def test_a_type_change_between_them_casts():
    a, b = "postgresql.TYPE(geometry(Point,4326))", "postgresql.TYPE(geometry(Point,3857))"
    assert ct.needs_using_cast(a, b)
    assert ct.type_change(a, b)[0] == "narrowing"
    assert ct.needs_using_cast('postgresql.TYPE("char")', "postgresql.TYPE(character(1))")


def test_a_domain_over_one_reads_its_type_by_meaning():
    from planner.state.pg_types import Domain, canonical_type

    assert canonical_type("geometry(POINT, 4326)") == "geometry(Point,4326)"
    assert canonical_type("GEOGRAPHY(point)[]") == "geography(Point,4326)[]"
    assert canonical_type("vector(3)") == "vector(3)"
    assert canonical_type("numeric(10,abc)") == "numeric(10,abc)"  # left to the database
    assert Domain(name="place", type="geometry(point,4326)") == Domain(
        name="place", type="geometry(Point,4326)"
    )


HAND = """\
snapshot: 1
release: "1"
extensions:
  postgis: {}
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      g: {type: "postgresql.TYPE(geometry(POINT, 4326))"}
      a: {type: "postgresql.ARRAY(postgresql.TYPE(geography(point)))"}
      c: {type: 'postgresql.TYPE("char")'}
domains:
  place: {type: "geometry(point, 4326)"}
"""


def test_a_hand_written_snapshot_plans_nothing_against_the_captured_spelling():
    from planner.plan import make_plan
    from planner.state.shape import load_snapshot_text

    hand = load_snapshot_text(HAND, "1.yaml")
    captured = load_snapshot_text(
        HAND.replace("geometry(POINT, 4326)", "geometry(Point,4326)")
        .replace("geography(point)", "geography(Point,4326)")
        .replace("geometry(point, 4326)", "geometry(Point,4326)"),
        "1.yaml",
    )
    assert hand.table("t").column("g").type == "postgresql.TYPE(geometry(Point,4326))"
    assert make_plan(hand, captured).is_empty
    moved = load_snapshot_text(HAND.replace("POINT, 4326", "POINT, 3857"), "1.yaml")
    assert [o.describe() for o in make_plan(hand, moved).ops] == [
        "Alter column t.g type postgresql.TYPE(geometry(Point,4326)) "
        "-> postgresql.TYPE(geometry(Point,3857))"
    ]


def test_domains_and_types_come_after_the_extensions_a_plan_creates():
    from planner.graph import build_graph
    from planner.ops.pg_objects import CreateExtension, DropExtension
    from planner.ops.pg_types import CreateCompositeType, CreateDomain, DropDomain
    from planner.state.pg_objects import Extension
    from planner.state.pg_types import Attribute, CompositeType, Domain

    ext = Extension(name="postgis")
    place = Domain(name="place", type="geometry(Point,4326)")
    pair = CompositeType(name="pair", attributes=(Attribute(name="g", type="geometry"),))
    ops = [
        CreateDomain(domain=place),
        CreateCompositeType(type=pair),
        CreateExtension(extension=ext),
    ]
    g = build_graph(ops)
    assert (2, 0) in g.edges and (2, 1) in g.edges
    assert "needs" in g.edges[2, 0]["reason"]
    down = [DropExtension(extension=ext), DropDomain(domain=place)]
    assert (1, 0) in build_graph(down).edges  # the domain goes before its extension


def test_the_types_round_trip_through_yaml_and_the_cache():
    from planner.state.cache import _dumps_snapshot, _loads_snapshot
    from planner.state.shape import load_snapshot_text
    from planner.state.writer import dump_snapshot

    s = load_snapshot_text(HAND, "1.yaml")
    text = dump_snapshot(s)
    assert "g: {type: 'postgresql.TYPE(geometry(Point,4326))'}" in text
    assert "c: {type: 'postgresql.TYPE(\"char\")'}" in text
    assert load_snapshot_text(text, "1.yaml") == s
    assert _loads_snapshot(_dumps_snapshot(s)) == s
