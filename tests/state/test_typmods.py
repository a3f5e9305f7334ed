"""``postgresql.TYPE(...)`` with modifiers: PostgreSQL's built-in types that no canonical
type keeps exactly (``bit(3)``, ``character(2)``, ``timestamp(3)``, ``real``, interval
fields). Parse/format round trips, aliases read as the catalog spells them, errors with
offsets, and the SQLAlchemy types that create them. (The database side:
``tests/objects/test_pg_typmods.py`` and the corpus ``type_{bit,char,...}_*``.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from planner.state import coltypes as ct
from planner.state.coltypes import TypeParseError

#: canonical text -> the DDL PostgreSQL gets
CANONICAL = {
    "postgresql.TYPE(bit(3))": "BIT(3)",
    "postgresql.TYPE(bit(1))": "BIT(1)",
    "postgresql.TYPE(bit varying)": "BIT VARYING",
    "postgresql.TYPE(bit varying(5))": "BIT VARYING(5)",
    "postgresql.TYPE(character(2))": "CHAR(2)",
    "postgresql.TYPE(timestamp(3) without time zone)": "TIMESTAMP(3) WITHOUT TIME ZONE",
    "postgresql.TYPE(timestamp(0) with time zone)": "TIMESTAMP(0) WITH TIME ZONE",
    "postgresql.TYPE(time(3) without time zone)": "TIME(3) WITHOUT TIME ZONE",
    "postgresql.TYPE(time(2) with time zone)": "TIME(2) WITH TIME ZONE",
    "postgresql.TYPE(real)": "REAL",
    "postgresql.TYPE(interval day to second(3))": "INTERVAL day to second (3)",
    "postgresql.TYPE(interval year)": "INTERVAL year",
    "postgresql.TYPE(interval(2))": "INTERVAL (2)",
    "postgresql.TYPE(bpchar)": "bpchar",
    "postgresql.TYPE(name)": "name",
    "postgresql.TYPE(hstore)": "hstore",
}


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text):
    spec = ct.parse_type(text)
    assert ct.format_type(spec) == text
    assert ct.parse_type(ct.format_type(spec)) == spec
    array = f"postgresql.ARRAY({text})"
    assert ct.canonical_type(array) == array


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("postgresql.TYPE(varbit(5))", "postgresql.TYPE(bit varying(5))"),
        ("postgresql.TYPE(varbit)", "postgresql.TYPE(bit varying)"),
        ("postgresql.TYPE(bit)", "postgresql.TYPE(bit(1))"),
        ("postgresql.TYPE(bpchar(2))", "postgresql.TYPE(character(2))"),
        ("postgresql.TYPE(char(2))", "postgresql.TYPE(character(2))"),
        ("postgresql.TYPE(character)", "postgresql.TYPE(character(1))"),
        ("postgresql.TYPE(timestamp(3))", "postgresql.TYPE(timestamp(3) without time zone)"),
        ("postgresql.TYPE(timestamptz(3))", "postgresql.TYPE(timestamp(3) with time zone)"),
        (
            "postgresql.TYPE( TIMESTAMP( 3 ) WITH TIME ZONE )",
            "postgresql.TYPE(timestamp(3) with time zone)",
        ),
        ("postgresql.TYPE(timetz(2))", "postgresql.TYPE(time(2) with time zone)"),
        ("postgresql.TYPE(float4)", "postgresql.TYPE(real)"),
        (
            "postgresql.TYPE(interval Day To Second (3))",
            "postgresql.TYPE(interval day to second(3))",
        ),
    ],
)
def test_aliases_read_as_the_catalog_spells_them(text, canonical):
    assert ct.canonical_type(text) == canonical


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("postgresql.TYPE(bit(3, 4))", "bit takes one modifier, found 2", 16),
        ("postgresql.TYPE(bit(x))", "expected an integer modifier of bit, found 'x'", 20),
        ("postgresql.TYPE(bit(0))", "between 1 and", 16),
        ("postgresql.TYPE(timestamp(7))", "between 0 and 6", 16),
        ("postgresql.TYPE(numeric(10, 2))", "numeric has a canonical type", 16),
        ("postgresql.TYPE(double precision)", "is not a type taking modifiers", 16),
        ("postgresql.TYPE(interval year(3))", "only fields ending in second", 16),
        ("postgresql.TYPE(interval week)", "unknown fields 'week'", 16),
        ("postgresql.TYPE(timestamptz(3) with time zone)", "already names the time zone", 16),
        ("postgresql.TYPE(real(3))", "real takes no modifier", 16),
        ("postgresql.TYPE(bit(3)", "expected ')'", 22),
        ("postgresql.TYPE(bit(3) with time zone)", "unexpected words", 16),
    ],
)
def test_malformed_modifiers_are_errors_with_offsets(text, message, offset):
    with pytest.raises(TypeParseError) as e:
        ct.parse_type(text)
    assert message in str(e.value)
    assert e.value.offset == offset


@pytest.mark.parametrize("text", CANONICAL)
def test_postgresql_gets_the_exact_type_other_dialects_text(text):
    t = ct.to_sqlalchemy(text)
    pg = t._variant_mapping["postgresql"]
    assert pg.compile(dialect=postgresql.dialect()) == CANONICAL[text]
    assert not isinstance(pg, postgresql.DOMAIN) or "(" not in text.split("TYPE(", 1)[1][:-1]
    for d in (mysql.dialect(), sqlite.dialect()):
        assert t.compile(dialect=d) == "TEXT"
    assert ct.normalise_type(text, "mysql") == "Text"
    assert ct.normalise_type(text, "postgresql") == text


def test_changes_between_them_are_type_changes():
    assert ct.type_change("postgresql.TYPE(bit(3))", "postgresql.TYPE(bit(5))") == (
        "narrowing",
        "values of postgresql.TYPE(bit(3)) may not fit postgresql.TYPE(bit(5))",
    )
    assert ct.needs_using_cast("postgresql.TYPE(bit(3))", "postgresql.TYPE(bit(5))")
    assert ct.type_change("postgresql.TYPE(character(2))", "String(2)")[0] != "widening"


def test_reflected_lossy_types_are_detected():
    from planner.dialects import get

    pg = get("postgresql")
    lossy = [
        postgresql.BIT(3),
        sa.CHAR(2),
        sa.REAL(),
        postgresql.TIMESTAMP(precision=3),
        postgresql.TIME(precision=0, timezone=True),
        postgresql.INTERVAL(fields="year"),
        postgresql.INTERVAL(precision=2),
        postgresql.ARRAY(sa.CHAR(3)),
        sa.String(),  # name and "char" reflect so
    ]
    exact = [
        sa.VARCHAR(2),
        sa.TEXT(),
        postgresql.DOUBLE_PRECISION(),
        postgresql.TIMESTAMP(),
        postgresql.TIME(timezone=True),
        postgresql.INTERVAL(),
        postgresql.ARRAY(sa.Integer()),
    ]
    assert [pg.reflects_lossily(t) for t in lossy] == [True] * len(lossy)
    assert [pg.reflects_lossily(t) for t in exact] == [False] * len(exact)
    assert not get("mysql").reflects_lossily(sa.CHAR(2))
