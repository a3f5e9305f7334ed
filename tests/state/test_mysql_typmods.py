"""``mysql.TYPE(...)``: MariaDB/MySQL column types that no canonical type creates exactly
(``bit(3)``, ``char(2)``, ``float``, ``datetime(3)``, ``int(10) unsigned``, ``year(4)``,
``mediumtext``, ``binary(4)`` …), spelled as ``information_schema.COLUMNS.COLUMN_TYPE``
spells them. Parse/format round trips, aliases read as the catalog spells them, a type a
canonical type creates refused naming that type, errors with offsets, and the
SQLAlchemy types that create each. (The database side: ``tests/objects/test_mysql_types.py``
and the corpus ``scenarios/mysql/column_type_*``.)"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from planner.dialects import mysql_typmods
from planner.state import coltypes as ct
from planner.state.coltypes import TypeParseError

#: canonical text -> the DDL MariaDB gets
CANONICAL = {
    "mysql.TYPE(bit(3))": "BIT(3)",
    "mysql.TYPE(char(2))": "CHAR(2)",
    "mysql.TYPE(float)": "FLOAT",
    "mysql.TYPE(float(7,3))": "FLOAT(7, 3)",
    "mysql.TYPE(double(10,4) unsigned)": "DOUBLE(10, 4) UNSIGNED",
    "mysql.TYPE(datetime)": "DATETIME",
    "mysql.TYPE(datetime(3))": "DATETIME(3)",
    "mysql.TYPE(time(2))": "TIME(2)",
    "mysql.TYPE(timestamp)": "TIMESTAMP",
    "mysql.TYPE(timestamp(4))": "TIMESTAMP(4)",
    "mysql.TYPE(tinyint(4))": "TINYINT(4)",
    "mysql.TYPE(tinyint(1) unsigned)": "TINYINT(1) UNSIGNED",
    "mysql.TYPE(mediumint(9))": "MEDIUMINT(9)",
    "mysql.TYPE(int(10) unsigned)": "INTEGER(10) UNSIGNED",
    "mysql.TYPE(int(5) unsigned zerofill)": "INTEGER(5) UNSIGNED ZEROFILL",
    "mysql.TYPE(bigint(20) unsigned)": "BIGINT(20) UNSIGNED",
    "mysql.TYPE(year(4))": "YEAR(4)",
    "mysql.TYPE(decimal(6,2) unsigned)": "DECIMAL(6, 2) UNSIGNED",
    "mysql.TYPE(mediumtext)": "MEDIUMTEXT",
    "mysql.TYPE(longtext)": "LONGTEXT",
    "mysql.TYPE(tinytext)": "TINYTEXT",
    "mysql.TYPE(binary(4))": "BINARY(4)",
    "mysql.TYPE(varbinary(10))": "VARBINARY(10)",
    "mysql.TYPE(longblob)": "LONGBLOB",
}


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text):
    spec = ct.parse_type(text)
    assert ct.format_type(spec) == text
    assert ct.family(text) == "verbatim"


@pytest.mark.parametrize(("text", "ddl"), CANONICAL.items())
def test_mariadb_gets_exactly_the_type(text, ddl):
    t = ct.to_sqlalchemy(text)
    assert str(t.compile(dialect=mysql.dialect())) == ddl
    # elsewhere it is the canonical type nearest it
    near = mysql_typmods.portable(ct.parse_type(text).verbatim)
    for d in (postgresql.dialect(), sqlite.dialect()):
        assert str(t.compile(dialect=d)) == str(ct.to_sqlalchemy(near).compile(dialect=d))
    assert ct.normalise_type(text, "postgresql") == near
    assert ct.normalise_type(text, "sqlite") == ct.normalise_type(near, "sqlite")
    assert ct.normalise_type(text, "mysql") == text


@pytest.mark.parametrize(
    ("text", "near"),
    [
        ("mysql.TYPE(int(10) unsigned)", "BigInteger"),
        ("mysql.TYPE(mediumint(9))", "Integer"),
        ("mysql.TYPE(smallint(5) unsigned)", "Integer"),
        ("mysql.TYPE(tinyint(4))", "SmallInteger"),
        ("mysql.TYPE(bigint(20) unsigned)", "BigInteger"),
        ("mysql.TYPE(decimal(6,2) unsigned)", "Numeric(6, 2)"),
        ("mysql.TYPE(float(7,3))", "Float"),
        ("mysql.TYPE(timestamp(4))", "DateTime"),
        ("mysql.TYPE(time(2))", "Time"),
        ("mysql.TYPE(char(2))", "String(2)"),
        ("mysql.TYPE(mediumtext)", "Text"),
        ("mysql.TYPE(varbinary(10))", "LargeBinary"),
        ("mysql.TYPE(year(4))", "SmallInteger"),
    ],
)
def test_elsewhere_the_nearest_canonical_type(text, near):
    assert ct.normalise_type(text, "postgresql") == near
    # and SQLAlchemy sees the column as that kind (an AUTO_INCREMENT key is an integer)
    assert ct.to_sqlalchemy(text)._type_affinity is ct.to_sqlalchemy(near)._type_affinity


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("mysql.TYPE(integer unsigned)", "mysql.TYPE(int(10) unsigned)"),
        ("mysql.TYPE(INT UNSIGNED)", "mysql.TYPE(int(10) unsigned)"),
        ("mysql.TYPE(int zerofill)", "mysql.TYPE(int(10) unsigned zerofill)"),
        ("mysql.TYPE(tinyint)", "mysql.TYPE(tinyint(4))"),
        ("mysql.TYPE(float(10))", "mysql.TYPE(float)"),
        ("mysql.TYPE(double precision(10, 4))", "mysql.TYPE(double(10,4))"),
        ("mysql.TYPE(real(8,2))", "mysql.TYPE(double(8,2))"),
        ("mysql.TYPE(datetime(0))", "mysql.TYPE(datetime)"),
        ("mysql.TYPE(char)", "mysql.TYPE(char(1))"),
        ("mysql.TYPE(binary)", "mysql.TYPE(binary(1))"),
        ("mysql.TYPE(bit)", "mysql.TYPE(bit(1))"),
        ("mysql.TYPE(year)", "mysql.TYPE(year(4))"),
        ("mysql.TYPE(numeric(6, 2) unsigned)", "mysql.TYPE(decimal(6,2) unsigned)"),
    ],
)
def test_aliases_read_as_the_catalog_spells_them(text, canonical):
    assert ct.canonical_type(text) == canonical


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("mysql.TYPE(int)", "Integer"),
        ("mysql.TYPE(int(11))", "Integer"),
        ("mysql.TYPE(smallint)", "SmallInteger"),
        ("mysql.TYPE(bigint)", "BigInteger"),
        ("mysql.TYPE(bool)", "Boolean"),
        ("mysql.TYPE(tinyint(1))", "Boolean"),
        ("mysql.TYPE(double)", "Float"),
        ("mysql.TYPE(float(30))", "Float"),
        ("mysql.TYPE(datetime(6))", "DateTime"),
        ("mysql.TYPE(time(6))", "Time"),
        ("mysql.TYPE(varchar(20))", "String(20)"),
        ("mysql.TYPE(decimal(5,2))", "Numeric(5, 2)"),
        ("mysql.TYPE(decimal)", "Numeric(10)"),
        ("mysql.TYPE(text)", "Text"),
        ("mysql.TYPE(blob)", "LargeBinary"),
        ("mysql.TYPE(date)", "Date"),
    ],
)
def test_a_type_a_canonical_type_creates_is_refused_naming_it(text, same):
    with pytest.raises(
        TypeParseError, match=rf"is {same.replace('(', '[(]').replace(')', '[)]')}: write that"
    ):
        ct.parse_type(text)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("mysql.TYPE(hstore)", "not a MariaDB/MySQL type"),
        ("mysql.TYPE(datetime(7))", "between 0 and 6"),
        ("mysql.TYPE(bit(65))", "between 1 and 64"),
        ("mysql.TYPE(varbinary)", "needs a length"),
        ("mysql.TYPE(char(2) unsigned)", "unexpected words"),
        ("mysql.TYPE(int signed unsigned)", "not both"),
        ("mysql.TYPE(decimal(5,6))", "at most M"),
        ("mysql.TYPE(mediumtext(5))", "takes no modifier"),
        ("mysql.TYPE(year(3))", "2 or 4"),
        ("mysql.TYPE(other.x)", "qualified name"),
    ],
)
def test_errors(text, match):
    with pytest.raises(TypeParseError, match=match) as e:
        ct.parse_type(text)
    assert e.value.offset == len("mysql.TYPE(")


@pytest.mark.parametrize(
    ("column_type", "text"),
    [
        ("int(11)", "Integer"),
        ("int", "Integer"),  # MySQL 8 spells no display width
        ("int unsigned", "mysql.TYPE(int(10) unsigned)"),
        ("tinyint(1)", "Boolean"),
        ("varchar(20)", "String(20)"),
        ("decimal(10,0)", "Numeric(10)"),
        ("decimal(6,2) unsigned", "mysql.TYPE(decimal(6,2) unsigned)"),
        ("datetime(6)", "DateTime"),
        ("datetime(3)", "mysql.TYPE(datetime(3))"),
        ("char(32)", "mysql.TYPE(char(32))"),
        ("set('a','b')", None),
        ("uuid", None),
        ("inet6", None),
        ("point", None),
    ],
)
def test_a_column_type_reads_as_one_type_text(column_type, text):
    assert mysql_typmods.reads(column_type) == text
    if text is not None and text.startswith("mysql.TYPE("):
        assert ct.canonical_type(text) == text


def test_what_mariadb_holds_a_canonical_type_as():
    """Uuid is CHAR(32) and Interval SQLAlchemy's DATETIME: as captured, mysql.TYPE(...)."""
    assert ct.normalise_type("Uuid", "mysql") == "mysql.TYPE(char(32))"
    assert ct.normalise_type("Interval", "mysql") == "mysql.TYPE(datetime)"
    for text in ("Uuid", "Interval"):
        ddl = str(ct.to_sqlalchemy(text).compile(dialect=mysql.dialect())).lower()
        assert mysql_typmods.reads(ddl) == ct.normalise_type(text, "mysql")
    assert isinstance(ct.to_sqlalchemy("mysql.TYPE(datetime(3))"), sa.types.TypeEngine)


def test_row_values_are_those_of_the_nearest_type():
    """A managed row's value of a mysql.TYPE(...) column converts as its nearest type's."""
    import datetime as dt
    from decimal import Decimal

    assert ct.python_value("mysql.TYPE(datetime(3))", "2024-01-31T13:45:10.123") == dt.datetime(
        2024, 1, 31, 13, 45, 10, 123000
    )
    assert ct.yaml_value("mysql.TYPE(datetime(3))", dt.datetime(2024, 1, 31, 1, 2, 3)) == (
        "2024-01-31T01:02:03"
    )
    assert ct.yaml_value("mysql.TYPE(decimal(6,2) unsigned)", Decimal("1.50")) == "1.5"
    assert ct.python_value("mysql.TYPE(varbinary(4))", "00ff") == b"\x00\xff"
    assert ct.yaml_value("mysql.TYPE(int(10) unsigned)", 4_000_000_000) == 4_000_000_000
