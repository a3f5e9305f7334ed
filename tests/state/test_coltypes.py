"""Tests of the type grammar (planner.state.coltypes).

Reflection and value tests run on real databases (SQLite file, PostgreSQL, MariaDB).
What a dialect cannot represent is tabled in ``coltypes.DIALECT_NORMALISATION``
(see the module docstring): e.g. SQLite stores ``Enum(x)`` as ``VARCHAR``, MariaDB
``JSON`` is ``LONGTEXT`` with a ``json_valid`` check, SQLite/MariaDB have no
``Interval``/``ARRAY``/``INET``/``JSONB`` (they degrade through ``with_variant``) and no
time-zone-aware date/time types; the reflection test expects ``normalise_type``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from planner.state import coltypes as ct
from planner.state.coltypes import TypeParseError, TypeSpec
from planner.state.model import freeze

ENUMS = {"level": ("info", "warning", "error"), "wide": ("info", "warning", "error", "fatal")}
ENUM_NAMES = {tuple(v): k for k, v in ENUMS.items()}

CANONICAL = [
    "SmallInteger",
    "Integer",
    "BigInteger",
    "Boolean",
    "String",
    "String(80)",
    "Text",
    "Float",
    "Numeric",
    "Numeric(12)",
    "Numeric(10, 2)",
    "Date",
    "Time",
    "Time(timezone=True)",
    "DateTime",
    "DateTime(timezone=True)",
    "Interval",
    "LargeBinary",
    "JSON",
    "Uuid",
    "Enum(level)",
    "postgresql.JSONB",
    "postgresql.ARRAY(Integer)",
    "postgresql.ARRAY(String(20))",
    "postgresql.ARRAY(Enum(level))",
    "postgresql.ARRAY(Float)",
    "postgresql.INET",
    "postgresql.CIDR",
    "postgresql.TSVECTOR",
    "postgresql.TYPE(circle)",
    "postgresql.ARRAY(postgresql.TYPE(circle))",
]


# --- grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text):
    spec = ct.parse_type(text)
    assert ct.format_type(spec) == text
    assert ct.parse_type(ct.format_type(spec)) == spec


#: verbatim types of the other dialects (their database tests: tests/objects/test_*types*)
VERBATIM = ["mysql.TYPE(datetime(3))", "mysql.TYPE(int(10) unsigned)"]


@pytest.mark.parametrize("text", VERBATIM)
def test_verbatim_text_round_trips(text):
    assert ct.format_type(ct.parse_type(text)) == text


def test_every_known_name_is_covered():
    covered = {ct.parse_type(t).name for t in CANONICAL + VERBATIM}
    assert covered == set(ct.known_type_names())


def test_parse_gives_structured_spec():
    assert ct.parse_type("postgresql.ARRAY(Enum(level))") == TypeSpec(
        name="postgresql.ARRAY", item=TypeSpec(name="Enum", enum="level")
    )
    assert ct.parse_type("DateTime(timezone=True)") == TypeSpec(
        name="DateTime", kwargs=(("timezone", True),)
    )
    assert ct.parse_type("Numeric(10, 2)").args == (10, 2)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("DateTime(timezone=False)", "DateTime"),
        ("DateTime()", "DateTime"),
        ("Time(timezone=False)", "Time"),
        ("Numeric(10,2)", "Numeric(10, 2)"),
        ("  Numeric ( 10 , 2 )  ", "Numeric(10, 2)"),
        ("Numeric(10, 0)", "Numeric(10)"),
        ("Numeric(precision=10, scale=2)", "Numeric(10, 2)"),
        ("Numeric(10, scale=2)", "Numeric(10, 2)"),
        ("String(length=80)", "String(80)"),
        ("String()", "String"),
        ("Integer()", "Integer"),
        ("postgresql.ARRAY( DateTime(timezone=False) )", "postgresql.ARRAY(DateTime)"),
        ("postgresql . JSONB", "postgresql.JSONB"),
        ("Enum( level )", "Enum(level)"),
    ],
)
def test_canonicalisation(text, canonical):
    assert ct.canonical_type(text) == canonical


def test_format_drops_defaults_of_hand_built_specs():
    spec = TypeSpec(name="DateTime", kwargs=(("timezone", False),))
    assert ct.format_type(spec) == "DateTime"
    assert ct.format_type(TypeSpec(name="Numeric", args=(8, 0))) == "Numeric(8)"
    with pytest.raises(ValueError, match="unknown type"):
        ct.format_type(TypeSpec(name="Varchar"))


@pytest.mark.parametrize(
    ("text", "message", "hint", "offset"),
    [
        ("string(80)", "unknown type 'string'", "did you mean 'String'?", 0),
        ("Strng(80)", "unknown type 'Strng'", "did you mean 'String'?", 0),
        ("VARCHAR(80)", "unknown type 'VARCHAR'", "did you mean 'String'?", 0),
        ("JSONB", "unknown type 'JSONB'", "did you mean 'postgresql.JSONB'?", 0),
        ("datetime(timezone=True)", "unknown type 'datetime'", "did you mean 'DateTime'?", 0),
        ("sa.Integer", "unknown type 'sa.Integer'", "did you mean 'Integer'?", 0),
        ("postgresql.ARRAY(Integr)", "unknown type 'Integr'", "did you mean 'Integer'?", 17),
        ("Xyzzy", "unknown type 'Xyzzy'", None, 0),
        ("String(80", "expected ',' or ')'", None, 9),
        ("String(80))", "unexpected ')' after the type 'String(80)'", None, 10),
        ("Integer x", "unexpected 'x'", None, 8),
        ("String(0)", "String length must be at least 1", None, 7),
        ("String(-5)", "String length must be at least 1", None, 7),
        ("Numeric(10, 11)", "Numeric scale must be between 0", None, 12),
        ("Numeric(scale=2)", "scale given without precision", "Numeric(10, 2)", 8),
        ("Numeric(1, 2, 3)", "Numeric takes 2 positional arguments", None, 14),
        ("Integer(4)", "Integer takes no positional arguments", "Integer takes no arguments", 8),
        ("DateTime(tz=True)", "unknown argument 'tz' of DateTime", None, 9),
        ("DateTime(timezone=1)", "must be True or False", None, 18),
        ("DateTime(timezone=true)", "expected True, False", "did you mean 'True'?", 18),
        ("DateTime(timezone=True, timezone=True)", "given twice", None, 24),
        ("String(length=True)", "must be an integer", None, 14),
        ("Numeric(scale=2, 10)", "positional argument after a keyword", None, 17),
        ("Enum", "Enum needs the name of a snapshot enum", "Enum(event_level)", 4),
        ("Enum(1)", "expected the name of a snapshot enum", None, 5),
        ("Enum('a', 'b')", 'found character "\'"', "listed under 'enums:'", 5),
        ("Enum(a, b)", "expected ')' after Enum(a", None, 6),
        ("postgresql.ARRAY", "needs an item type", None, 16),
        ("postgresql.ARRAY(postgresql.ARRAY(Integer))", "ARRAY of postgresql.ARRAY", None, 17),
        ("", "expected a type name, found the end of the text", None, 0),
        ("String(80); DROP TABLE x", "unexpected character ';' after the type", None, 10),
        ("String(80;", "expected ',' or ')' closing String(, found character ';'", None, 9),
        ("__import__('os')", "unknown type '__import__'", None, 0),
        ('String("80")', "found '\"80\"'", None, 7),
        ("postgresql.", "expected a name after '.'", None, 11),
    ],
)
def test_errors_have_offsets_and_hints(text, message, hint, offset):
    with pytest.raises(TypeParseError) as info:
        ct.parse_type(text)
    err = info.value
    assert message in err.message
    if hint is not None:
        assert err.hint is not None and hint in err.hint
    assert err.offset == offset
    assert str(err).startswith(err.message)


def test_error_message_includes_hint():
    with pytest.raises(TypeParseError) as info:
        ct.parse_type("string(80)")
    assert str(info.value) == "unknown type 'string' (did you mean 'String'?)"


def test_non_text_is_an_error():
    with pytest.raises(TypeParseError, match="must be text"):
        ct.parse_type(80)  # type: ignore[arg-type]


def test_parsing_does_not_import_sqlalchemy():
    code = (
        "import sys; from planner.state import coltypes as c; "
        "c.canonical_type('postgresql.ARRAY(Numeric(10,2))'); c.value_problem('Date', 'x'); "
        "c.is_narrowing('Text', 'String(3)'); c.normalise_type('Uuid', 'sqlite'); "
        "print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_docstring_examples(_doctest_world, tmp_path, monkeypatch):
    import doctest

    from planner.state import typechanges, typesa, typespec, typevalues
    from tests.doctest_world import run_doctests_in_world

    attempted = 0
    for module in (ct, typespec, typechanges, typevalues):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    result = run_doctests_in_world(typesa, _doctest_world, tmp_path, monkeypatch, optionflags=0)
    assert result.failed == 0, typesa.__name__
    assert attempted + result.attempted > 20


def test_enum_name():
    assert ct.enum_name("Enum(event_level)") == "event_level"
    assert ct.enum_name("postgresql.ARRAY(Enum(event_level))") == "event_level"
    assert ct.enum_name("String(80)") is None


# --- hypothesis ------------------------------------------------------------------------

_idents = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)


def _scalar_specs():
    plain = st.sampled_from(
        [
            n
            for n in ct.known_type_names()
            if n
            not in (
                "Enum",
                "postgresql.ARRAY",
                "String",
                "Numeric",
                "Time",
                "DateTime",
                "postgresql.TYPE",
                "mysql.TYPE",
            )
        ]
    ).map(lambda n: TypeSpec(name=n))
    verbatim = st.sampled_from(["hstore", "citext", "circle", "tsrange"]).map(
        lambda n: TypeSpec(name="postgresql.TYPE", verbatim=n)
    ) | st.sampled_from(["datetime(3)", "int(10) unsigned", "mediumtext"]).map(
        lambda n: TypeSpec(name="mysql.TYPE", verbatim=n)
    )
    string = st.one_of(st.none(), st.integers(1, 10_000)).map(
        lambda n: TypeSpec(name="String", args=() if n is None else (n,))
    )
    numeric = st.integers(1, 1000).flatmap(
        lambda p: st.one_of(
            st.just(TypeSpec(name="Numeric")),
            st.just(TypeSpec(name="Numeric", args=(p,))),
            st.integers(0, p).map(lambda s: TypeSpec(name="Numeric", args=(p, s))),
        )
    )
    zoned = st.tuples(st.sampled_from(["Time", "DateTime"]), st.booleans()).map(
        lambda t: TypeSpec(name=t[0], kwargs=(("timezone", t[1]),))
    )
    enum = _idents.map(lambda n: TypeSpec(name="Enum", enum=n))
    return st.one_of(plain, string, numeric, zoned, enum, verbatim)


specs = st.one_of(
    _scalar_specs(),
    _scalar_specs().map(lambda s: TypeSpec(name="postgresql.ARRAY", item=s)),
)


@given(specs)
def test_format_parse_format_is_stable(spec):
    text = ct.format_type(spec)
    again = ct.parse_type(text)
    assert ct.format_type(again) == text
    assert ct.parse_type(ct.format_type(again)) == again


@given(
    st.text(alphabet="()=,. _-0123456789abcXYZTrueFalsNumericStringpostgresql.ARRAY", max_size=30)
)
def test_arbitrary_text_parses_or_raises_type_parse_error(text):
    try:
        spec = ct.parse_type(text)
    except TypeParseError as e:
        assert 0 <= e.offset <= len(text)
    else:
        assert ct.canonical_type(ct.format_type(spec)) == ct.format_type(spec)


# --- families and changes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fam"),
    [
        ("SmallInteger", "integer"),
        ("BigInteger", "integer"),
        ("String(3)", "string"),
        ("Text", "string"),
        ("Numeric(10, 2)", "numeric"),
        ("Float", "float"),
        ("Boolean", "boolean"),
        ("DateTime(timezone=True)", "datetime"),
        ("Date", "date"),
        ("Time", "time"),
        ("Interval", "interval"),
        ("LargeBinary", "binary"),
        ("JSON", "json"),
        ("postgresql.JSONB", "json"),
        ("Uuid", "uuid"),
        ("Enum(level)", "enum"),
        ("postgresql.ARRAY(Integer)", "array"),
        ("postgresql.INET", "network"),
        ("postgresql.TSVECTOR", "tsvector"),
    ],
)
def test_family(text, fam):
    assert ct.family(text) == fam


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("Integer", "Integer", True),
        ("Integer", "BigInteger", True),
        ("String(8)", "Text", True),
        ("String(8)", "String(80)", True),
        ("Integer", "String(8)", False),
        ("Uuid", "Uuid", True),
        ("Numeric(10, 2)", "Numeric(10, 2)", True),
        ("Numeric(10, 2)", "Numeric(12, 2)", False),
        ("Enum(level)", "Enum(level)", True),
        ("Enum(level)", "Enum(wide)", False),
        ("JSON", "JSON", False),
        ("DateTime", "DateTime(timezone=True)", False),
    ],
)
def test_fk_compatible(a, b, ok):
    assert ct.fk_compatible(a, b) is ok
    assert ct.fk_compatible(b, a) is ok


def test_fk_compatible_on_mysql_needs_equal_integer_sizes():
    assert not ct.fk_compatible("Integer", "BigInteger", dialect="mysql")
    assert ct.fk_compatible("BigInteger", "BigInteger", dialect="mariadb")


# (old, new, narrowing, widening)
CHANGES = [
    ("String(120)", "String(80)", True, False),
    ("String(80)", "String(120)", False, True),
    ("String(80)", "String", False, True),
    ("String(80)", "Text", False, True),
    ("Text", "String(80)", True, False),
    ("Text", "String", False, True),
    ("BigInteger", "Integer", True, False),
    ("Integer", "SmallInteger", True, False),
    ("SmallInteger", "BigInteger", False, True),
    ("Numeric(10, 2)", "Numeric(8, 2)", True, False),
    ("Numeric(10, 2)", "Numeric(10, 1)", True, False),
    ("Numeric(10, 2)", "Numeric(12, 4)", False, True),
    ("Numeric(10, 2)", "Numeric(10, 3)", True, False),  # one integer digit fewer
    ("Numeric(10, 2)", "Numeric(11, 3)", False, True),
    ("Numeric(10, 2)", "Numeric", False, True),
    ("Numeric", "Numeric(10, 2)", True, False),
    ("Integer", "Numeric(12, 2)", False, True),
    ("Integer", "Numeric(10, 2)", True, False),
    ("Integer", "Float", False, True),
    ("BigInteger", "Float", True, False),
    ("Float", "Integer", True, False),
    ("Integer", "Text", False, True),
    ("Integer", "String(11)", False, True),
    ("Integer", "String(5)", True, False),
    ("Uuid", "String(36)", False, True),
    ("Uuid", "String(32)", True, False),
    ("JSON", "Text", False, True),
    ("String(10)", "Integer", True, False),
    ("Text", "postgresql.JSONB", True, False),
    ("Boolean", "Integer", True, False),
    ("Date", "DateTime", False, True),
    ("DateTime", "Date", True, False),
    ("DateTime", "DateTime(timezone=True)", False, False),
    ("Time", "Time(timezone=True)", False, False),
    ("JSON", "postgresql.JSONB", False, True),
    ("postgresql.CIDR", "postgresql.INET", False, True),
    ("postgresql.INET", "postgresql.CIDR", True, False),
    ("postgresql.ARRAY(Integer)", "postgresql.ARRAY(BigInteger)", False, True),
    ("postgresql.ARRAY(BigInteger)", "postgresql.ARRAY(Integer)", True, False),
    ("postgresql.ARRAY(Integer)", "JSON", True, False),
    ("Enum(level)", "Enum(wide)", False, True),
    ("Enum(wide)", "Enum(level)", True, False),
    ("Enum(level)", "String(7)", False, True),
    ("Enum(level)", "String(6)", True, False),
    ("String(7)", "Enum(level)", True, False),
    ("Integer", "Integer", False, False),
]


@pytest.mark.parametrize(("old", "new", "narrowing", "widening"), CHANGES)
def test_narrowing_and_widening(old, new, narrowing, widening):
    assert ct.is_narrowing(old, new, enums=ENUMS) is narrowing
    assert ct.is_widening(old, new, enums=ENUMS) is widening


def test_enum_changes_without_enum_values_are_narrowing():
    assert ct.is_narrowing("Enum(level)", "Enum(wide)")
    assert ct.is_narrowing("Enum(level)", "String(80)")
    assert not ct.is_narrowing("Enum(level)", "Text")


@pytest.mark.parametrize(
    ("old", "new", "using"),
    [
        ("String(10)", "Integer", True),
        ("Text", "postgresql.JSONB", True),
        ("Integer", "Boolean", True),
        ("Integer", "BigInteger", False),
        ("Integer", "Text", False),
        ("Enum(level)", "Text", False),
        ("Text", "Enum(level)", True),
        ("Enum(level)", "Enum(wide)", True),
        ("String(80)", "String(10)", False),
        ("Integer", "Integer", False),
    ],
)
def test_needs_using_cast_examples(old, new, using):
    assert ct.needs_using_cast(old, new) is using


CAST_TYPES = [
    "SmallInteger",
    "Integer",
    "BigInteger",
    "Boolean",
    "String(80)",
    "Text",
    "Float",
    "Numeric(10, 2)",
    "Date",
    "Time",
    "Time(timezone=True)",
    "DateTime",
    "DateTime(timezone=True)",
    "Interval",
    "LargeBinary",
    "JSON",
    "Uuid",
    "Enum(level)",
    "Enum(wide)",
    "postgresql.JSONB",
    "postgresql.ARRAY(Integer)",
    "postgresql.ARRAY(BigInteger)",
    "postgresql.ARRAY(Text)",
    "postgresql.INET",
    "postgresql.CIDR",
    "postgresql.TSVECTOR",
]


@pytest.mark.pg
def test_needs_using_cast_agrees_with_postgresql(pg_db):
    """ALTER COLUMN ... TYPE without USING fails exactly when needs_using_cast says so."""
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()

    def ddl(t: str) -> str:
        return str(ct.to_sqlalchemy(t, enums=ENUMS).compile(dialect=dialect))

    eng = sa.create_engine(pg_db)
    mismatches = []
    try:
        with eng.begin() as conn:
            for name, values in ENUMS.items():
                quoted = ", ".join(f"'{v}'" for v in values)
                conn.execute(sa.text(f"CREATE TYPE {name} AS ENUM ({quoted})"))
        for old in CAST_TYPES:
            for new in CAST_TYPES:
                if old == new:
                    continue
                with eng.connect() as conn:
                    tx = conn.begin()
                    conn.execute(sa.text(f"CREATE TABLE t (x {ddl(old)})"))
                    try:
                        conn.execute(sa.text(f"ALTER TABLE t ALTER COLUMN x TYPE {ddl(new)}"))
                        needs = False
                    except sa.exc.ProgrammingError as e:
                        assert "cannot be cast automatically" in str(e), str(e)
                        needs = True
                    tx.rollback()
                if ct.needs_using_cast(old, new) is not needs:
                    mismatches.append(f"{old} -> {new}: PostgreSQL needs USING: {needs}")
    finally:
        eng.dispose()
    assert mismatches == []


# --- values ----------------------------------------------------------------------------

PROBLEMS = [
    (
        "String(80)",
        "a" * 120,
        "value 'aaaaaaaaaaaaaaaaaaaa...' is 120 characters, longer than String(80)",
    ),
    ("String(3)", "abcd", "value 'abcd' is 4 characters, longer than String(3)"),
    ("String(3)", 12, "value 12 is not a string, expected for String(3); quote it"),
    (
        "Integer",
        2**31,
        "value 2147483648 is out of the range of Integer (-2147483648 .. 2147483647)",
    ),
    ("SmallInteger", -32769, "out of the range of SmallInteger"),
    ("BigInteger", 2**63, "out of the range of BigInteger"),
    ("Integer", True, "value True is not an integer, expected for Integer"),
    ("Integer", "12", "value '12' is not an integer"),
    ("Integer", 1.5, "not an integer"),
    ("Boolean", 1, "value 1 is not true or false, expected for Boolean"),
    ("Boolean", "true", "not true or false"),
    ("Float", "abc", "not a finite number or decimal string"),
    ("Float", float("nan"), "not a finite number"),
    ("Numeric(10, 2)", "1.234", "has 3 decimal places, more than Numeric(10, 2) keeps"),
    ("Numeric(5, 2)", 1234.5, "has 4 integer digits, more than Numeric(5, 2) holds (3)"),
    ("Numeric(5)", "123456", "has 6 integer digits"),
    ("Numeric(10, 2)", True, "not a finite number"),
    ("Date", "2024-13-01", "is not an ISO-8601 date like '2024-01-31'"),
    ("Date", 20240101, "is not an ISO-8601 string"),
    ("Date", "2024-01-01T10:00:00", "not an ISO-8601 date"),
    ("Time", "25:00", "not an ISO-8601 time"),
    ("DateTime", "yesterday", "not an ISO-8601 datetime"),
    (
        "DateTime(timezone=True)",
        "2024-01-01T10:00:00",
        "has no UTC offset, needed by DateTime(timezone=True)",
    ),
    ("DateTime", "2024-01-01T10:00:00+02:00", "has a UTC offset, but DateTime stores none"),
    ("Interval", "1 day", "not an ISO-8601 duration"),
    ("Interval", "P", "not an ISO-8601 duration"),
    ("LargeBinary", "xyz", "not a hexadecimal string"),
    ("Uuid", "not-a-uuid", "is not a UUID"),
    ("Uuid", 12, "is not a UUID"),
    ("Enum(level)", "debug", "value 'debug' is not a value of enum level (info, warning, error)"),
    ("Enum(level)", 3, "not a string"),
    ("postgresql.ARRAY(Integer)", 3, "value 3 is not a list"),
    ("postgresql.ARRAY(Integer)", [1, "x"], "item 1: value 'x' is not an integer"),
    ("postgresql.ARRAY(Enum(level))", ["info", "nope"], "item 1: value 'nope' is not a value"),
    ("postgresql.INET", "300.1.1.1", "is not an IP address"),
    ("postgresql.CIDR", "10.0.0.1/8", "is not an network (host bits zero)"),
    ("postgresql.TSVECTOR", 3, "not a string"),
]


@pytest.mark.parametrize(("text", "value", "message"), PROBLEMS)
def test_value_problems(text, value, message):
    problem = ct.value_problem(text, value, enums=ENUMS)
    assert problem is not None and message in problem


FITTING = [
    ("String(3)", "abc"),
    ("String", "x" * 10_000),
    ("Text", ""),
    ("Integer", -(2**31)),
    ("SmallInteger", 32767),
    ("BigInteger", 2**63 - 1),
    ("Boolean", False),
    ("Float", 1),
    ("Float", "1e10"),
    ("Numeric(10, 2)", "12345678.90"),
    ("Numeric(10, 2)", 0.5),
    ("Numeric(5, 2)", "-999.99"),
    ("Numeric(3)", "0.0"),
    ("Numeric", "123456789012345678901234567890.123"),
    ("Date", "2024-02-29"),
    ("Time", "13:45:10.5"),
    ("Time(timezone=True)", "13:45:00+01:00"),
    ("DateTime", "2024-01-31 13:45:00"),
    ("DateTime(timezone=True)", "2024-01-31T13:45:00Z"),
    ("Interval", "P1DT2H30M"),
    ("Interval", "PT0.5S"),
    ("LargeBinary", "deadBEEF"),
    ("Uuid", "12345678-1234-5678-1234-567812345678"),
    ("Enum(level)", "warning"),
    ("Enum(unknown)", "anything"),
    ("JSON", freeze({"a": [1, 2, {"b": None}]})),
    ("postgresql.JSONB", "just a string"),
    ("postgresql.ARRAY(Integer)", [1, 2, None]),
    ("postgresql.ARRAY(Integer)", (1, 2)),
    ("postgresql.INET", "192.168.0.1/24"),
    ("postgresql.INET", "::1"),
    ("postgresql.CIDR", "10.0.0.0/8"),
    ("postgresql.TSVECTOR", "'a':1"),
]


@pytest.mark.parametrize(("text", "value"), FITTING)
def test_values_that_fit(text, value):
    assert ct.value_problem(text, value, enums=ENUMS) is None


@pytest.mark.parametrize("text", CANONICAL)
def test_none_always_fits(text):
    assert ct.value_problem(text, None, enums=ENUMS) is None


@pytest.mark.parametrize(
    ("text", "yaml", "python"),
    [
        ("Date", "2024-01-31", dt.date(2024, 1, 31)),
        ("Time", "13:45:00", dt.time(13, 45)),
        ("DateTime", "2024-01-31T13:45:00", dt.datetime(2024, 1, 31, 13, 45)),
        (
            "DateTime(timezone=True)",
            "2024-01-31T13:45:00+00:00",
            dt.datetime(2024, 1, 31, 13, 45, tzinfo=dt.UTC),
        ),
        ("Numeric(10, 2)", "1.5", Decimal("1.5")),
        ("Float", 1.25, 1.25),
        (
            "Uuid",
            "12345678-1234-5678-1234-567812345678",
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
        ),
        ("LargeBinary", "00ff10", b"\x00\xff\x10"),
        ("Interval", "P1DT2H30M0.5S", dt.timedelta(days=1, hours=2, minutes=30, seconds=0.5)),
        ("Interval", "-PT1M", dt.timedelta(minutes=-1)),
        ("Interval", "PT0S", dt.timedelta(0)),
        ("Boolean", True, True),
        ("Integer", 7, 7),
        ("JSON", {"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}),
        ("postgresql.ARRAY(Date)", ["2024-01-31"], [dt.date(2024, 1, 31)]),
        ("postgresql.INET", "10.0.0.1", "10.0.0.1"),
        ("Enum(level)", "info", "info"),
    ],
)
def test_python_value_and_yaml_value_round_trip(text, yaml, python):
    assert ct.python_value(text, yaml) == python
    assert ct.yaml_value(text, python) == yaml
    assert ct.python_value(text, ct.yaml_value(text, python)) == python


def test_yaml_value_of_a_python_enum_member_is_its_stored_name():
    import enum

    class Level(enum.Enum):
        info = "Info level"

    assert ct.yaml_value("Enum(level)", Level.info) == "info"


@given(
    st.one_of(
        st.tuples(st.just("Numeric"), st.decimals(allow_nan=False, allow_infinity=False)),
        st.tuples(st.just("Interval"), st.timedeltas()),
        st.tuples(st.just("DateTime"), st.datetimes()),
        st.tuples(
            st.just("DateTime(timezone=True)"),
            st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5))])),
        ),
        st.tuples(st.just("Time"), st.times()),
        st.tuples(st.just("Uuid"), st.uuids()),
        st.tuples(st.just("LargeBinary"), st.binary(max_size=20)),
        st.tuples(st.just("BigInteger"), st.integers(-(2**63), 2**63 - 1)),
    )
)
def test_yaml_value_round_trips_and_is_idempotent(case):
    text, value = case
    y = ct.yaml_value(text, value)
    assert ct.value_problem(text, y) is None
    assert ct.python_value(text, y) == value
    assert ct.yaml_value(text, y) == y


def test_python_value_thaws_frozen_json():
    assert ct.python_value("JSON", freeze({"a": [1, 2]})) == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("Numeric(10, 2)", Decimal("1.50"), "1.5"),
        ("Numeric(10, 2)", Decimal("100.00"), "100"),
        ("Numeric(10, 2)", Decimal("0E-2"), "0"),
        ("Numeric", Decimal("1E+3"), "1000"),
        ("Numeric(10, 2)", 2.5, "2.5"),
        ("Boolean", 0, False),
        ("Boolean", 1, True),
        ("Uuid", "12345678123456781234567812345678", "12345678-1234-5678-1234-567812345678"),
        ("Uuid", "ABCDEF12-1234-5678-1234-567812345678", "abcdef12-1234-5678-1234-567812345678"),
        ("LargeBinary", memoryview(b"\x01\x02"), "0102"),
        ("DateTime", "2024-01-31 13:45", "2024-01-31T13:45:00"),
        (
            "DateTime(timezone=True)",
            dt.datetime(2024, 1, 31, 15, 45, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2024-01-31T13:45:00+00:00",
        ),
        ("Interval", dt.timedelta(seconds=90), "PT1M30S"),
        ("postgresql.ARRAY(Numeric(5, 2))", [Decimal("1.10")], ["1.1"]),
    ],
)
def test_yaml_value_canonicalises(text, value, expected):
    assert ct.yaml_value(text, value) == expected


@pytest.mark.parametrize("text", CANONICAL)
def test_yaml_value_of_none(text):
    assert ct.yaml_value(text, None) is None
    assert ct.python_value(text, None) is None


# --- SQLAlchemy ------------------------------------------------------------------------


@pytest.mark.parametrize("text", CANONICAL)
def test_to_sqlalchemy_and_back(text):
    satype = ct.to_sqlalchemy(text, enums=ENUMS)
    assert ct.from_sqlalchemy(satype, enum_names_by_values=ENUM_NAMES) == text


def test_to_sqlalchemy_degrades_per_dialect():
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    def ddl(text, dialect):
        return str(ct.to_sqlalchemy(text, enums=ENUMS).compile(dialect=dialect))

    pg, my, lite = postgresql.dialect(), mysql.dialect(), sqlite.dialect()
    assert ddl("postgresql.JSONB", pg) == "JSONB"
    assert ddl("postgresql.JSONB", my) == "JSON"
    assert ddl("postgresql.ARRAY(Integer)", pg) == "INTEGER[]"
    assert ddl("postgresql.ARRAY(Integer)", lite) == "JSON"
    assert ddl("postgresql.INET", pg) == "INET"
    assert ddl("postgresql.INET", my) == "VARCHAR(45)"
    assert ddl("Enum(level)", pg) == "level"
    assert ddl("Enum(level)", my) == "ENUM('info','warning','error')"
    assert ddl("Enum(level)", lite) == "VARCHAR(7)"
    assert ddl("Float", my) == "DOUBLE"
    assert ddl("String", my) == "TEXT"
    assert ddl("DateTime(timezone=True)", pg) == "TIMESTAMP WITH TIME ZONE"


def test_enum_type_without_create():
    from sqlalchemy.dialects import postgresql

    t = ct.to_sqlalchemy("Enum(level)", enums=ENUMS, create_enum_type=False)
    pg_variant = t._variant_mapping["postgresql"]
    assert isinstance(pg_variant, postgresql.ENUM) and pg_variant.create_type is False
    assert ct.from_sqlalchemy(t) == "Enum(level)"


def test_enum_needs_its_values():
    with pytest.raises(KeyError, match="no enum 'missing'"):
        ct.to_sqlalchemy("Enum(missing)", enums=ENUMS)


def test_from_sqlalchemy_on_model_types():
    import enum

    from sqlalchemy.dialects import mysql, postgresql

    class Color(enum.Enum):
        red = "red"
        blue = "blue"

    class Upper(sa.TypeDecorator):
        impl = sa.String(20)
        cache_ok = True

    cases = [
        (sa.String(80), "String(80)"),
        (sa.String, "String"),
        (sa.Unicode(10), "String(10)"),
        (sa.UnicodeText(), "Text"),
        (sa.CHAR(2), "String(2)"),
        (sa.Integer(), "Integer"),
        (sa.INTEGER(), "Integer"),
        (sa.BigInteger(), "BigInteger"),
        (sa.SmallInteger(), "SmallInteger"),
        (sa.Boolean(), "Boolean"),
        (sa.Float(), "Float"),
        (sa.Double(), "Float"),
        (sa.REAL(), "Float"),
        (postgresql.DOUBLE_PRECISION(), "Float"),
        (sa.Numeric(10, 2), "Numeric(10, 2)"),
        (sa.DECIMAL(12, 0), "Numeric(12)"),
        (sa.Numeric(), "Numeric"),
        (sa.DateTime(timezone=True), "DateTime(timezone=True)"),
        (sa.TIMESTAMP(), "DateTime"),
        (sa.Date(), "Date"),
        (sa.Time(), "Time"),
        (sa.Interval(), "Interval"),
        (postgresql.INTERVAL(), "Interval"),
        (sa.LargeBinary(), "LargeBinary"),
        (postgresql.BYTEA(), "LargeBinary"),
        (mysql.LONGBLOB(), "LargeBinary"),
        (sa.JSON(), "JSON"),
        (postgresql.JSON(), "JSON"),
        (postgresql.JSONB(), "postgresql.JSONB"),
        (sa.Uuid(), "Uuid"),
        (postgresql.UUID(), "Uuid"),
        (sa.Enum(Color), "Enum(color)"),
        (sa.Enum("info", "warning", "error"), "Enum(level)"),
        (postgresql.ENUM("a", name="x"), "Enum(x)"),
        (sa.ARRAY(sa.Integer), "postgresql.ARRAY(Integer)"),
        (postgresql.ARRAY(sa.String(5)), "postgresql.ARRAY(String(5))"),
        (postgresql.INET(), "postgresql.INET"),
        (postgresql.CIDR(), "postgresql.CIDR"),
        (postgresql.TSVECTOR(), "postgresql.TSVECTOR"),
        (mysql.TINYINT(1), "Boolean"),
        (mysql.TINYINT(4), "SmallInteger"),
        (mysql.MEDIUMINT(), "Integer"),
        (mysql.LONGTEXT(), "Text"),
        (mysql.DOUBLE(), "Float"),
        (Upper(), "String(20)"),
        (sa.String(10).with_variant(sa.Text(), "mysql"), "String(10)"),
    ]
    for satype, expected in cases:
        got = ct.from_sqlalchemy(satype, enum_names_by_values=ENUM_NAMES)
        assert got == expected, (satype, got)
    assert ct.from_sqlalchemy(mysql.LONGTEXT(), is_json=True) == "JSON"
    variant = sa.String(10).with_variant(sa.Text(), "mysql")
    assert ct.from_sqlalchemy(variant, dialect="mysql") == "Text"
    assert ct.from_sqlalchemy(variant, dialect="mariadb") == "Text"


def test_from_sqlalchemy_refuses_what_it_cannot_spell():
    from sqlalchemy.dialects import mysql, postgresql

    with pytest.raises(ct.TypeReflectionError, match="no snapshot enum"):
        ct.from_sqlalchemy(mysql.ENUM("x", "y"), enum_names_by_values=ENUM_NAMES)
    with pytest.raises(ct.TypeReflectionError, match="no canonical spelling"):
        ct.from_sqlalchemy(sa.types.NullType())
    with pytest.raises(ct.TypeReflectionError, match="no canonical spelling"):
        ct.from_sqlalchemy(postgresql.MONEY())
    with pytest.raises(ct.TypeReflectionError, match="multi-dimensional"):
        ct.from_sqlalchemy(postgresql.ARRAY(sa.Integer, dimensions=2))


def test_json_columns_from_checks():
    checks = [
        {"name": "data", "sqltext": "json_valid(`data`)"},
        {"name": "ck_x", "sqltext": "`id` > 0"},
    ]
    assert ct.json_columns_from_checks(checks) == {"data"}


@pytest.mark.parametrize(
    ("text", "dialect", "expected"),
    [
        ("DateTime(timezone=True)", "mysql", "DateTime"),
        ("DateTime(timezone=True)", "mariadb", "DateTime"),
        ("DateTime(timezone=True)", "postgresql", "DateTime(timezone=True)"),
        ("postgresql.ARRAY(Enum(level))", "sqlite", "JSON"),
        ("Numeric", "mysql", "Numeric(10)"),
        ("Numeric(10, 2)", "mysql", "Numeric(10, 2)"),
        ("String", "mysql", "Text"),
        ("String(5)", "mysql", "String(5)"),
        ("Enum(level)", "sqlite", "String(7)"),
        ("Enum(level)", "mysql", "Enum(level)"),
        ("Uuid", "sqlite", "String(32)"),
        ("Numeric(10,2)", "postgresql", "Numeric(10, 2)"),
    ],
)
def test_normalise_type(text, dialect, expected):
    assert ct.normalise_type(text, dialect, enums=ENUMS) == expected


def _columns(metadata: sa.MetaData) -> sa.Table:
    cols = [sa.Column(f"c{i}", ct.to_sqlalchemy(t, enums=ENUMS)) for i, t in enumerate(CANONICAL)]
    return sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), *cols)


def test_reflected_types_give_back_the_canonical_text(db_url):
    """Create a column of every type, reflect it, and get ``normalise_type`` back."""
    eng = sa.create_engine(db_url)
    try:
        md = sa.MetaData()
        _columns(md)
        md.create_all(eng)
        insp = sa.inspect(eng)
        with eng.connect() as conn:
            json_cols = ct.mariadb_json_columns(conn, "t")
        dialect = eng.dialect.name
        got, expected = {}, {}
        verbatim = {}  # postgresql.TYPE(...): SQLAlchemy knows no name, capture reads the catalog
        for col in insp.get_columns("t")[1:]:
            text = CANONICAL[int(col["name"][1:])]
            if dialect == "postgresql" and "postgresql.TYPE(" in text:
                verbatim[col["name"]] = text
                continue
            if ct.normalise_type(text, dialect).startswith("mysql.TYPE("):
                verbatim[col["name"]] = text  # Uuid: CHAR(32), read from COLUMN_TYPE
                continue
            got[text] = ct.from_sqlalchemy(
                col["type"],
                dialect=dialect,
                enum_names_by_values=ENUM_NAMES,
                is_json=col["name"] in json_cols,
            )
            expected[text] = ct.normalise_type(text, dialect, enums=ENUMS)
        assert got == expected
        if dialect == "mysql":
            from planner.state.capture import from_database

            captured = from_database(eng, release="1").table("t")
            got = {text: captured.column(name).type for name, text in verbatim.items()}
            assert got == {t: ct.normalise_type(t, dialect) for t in verbatim.values()}
            assert set(got) == {"Uuid", "Interval"}
        if dialect == "postgresql":
            from planner.state.capture import from_database

            captured = from_database(eng, release="1").table("t")
            got.update({text: captured.column(name).type for name, text in verbatim.items()})
            assert got == {t: t for t in CANONICAL}  # PostgreSQL represents every type
    finally:
        eng.dispose()


# one value per type; types a dialect cannot represent are left out there
ROW = {
    "SmallInteger": -7,
    "Integer": 2**31 - 1,
    "BigInteger": 2**63 - 1,
    "Boolean": True,
    "String": "plain",
    "String(80)": "ünïcode",
    "Text": "long " * 100,
    "Float": 0.1,
    "Numeric": "12345678.125",
    "Numeric(12)": "123456789012",
    "Numeric(10, 2)": "12345678.9",
    "Date": "2024-02-29",
    "Time": "13:45:10",
    "Time(timezone=True)": "13:45:10+01:00",
    "DateTime": "2024-01-31T13:45:10.5",
    "DateTime(timezone=True)": "2024-01-31T13:45:10+00:00",
    "Interval": "P1DT2H3M4S",
    "LargeBinary": "00ff10",
    "JSON": {"a": [1, 2.5, None, "x"], "b": {"c": True}},
    "Uuid": "12345678-1234-5678-1234-567812345678",
    "Enum(level)": "warning",
    "postgresql.JSONB": {"k": [1, {"n": None}]},
    "postgresql.ARRAY(Integer)": [1, 2, 3],
    "postgresql.ARRAY(String(20))": ["a", "b"],
    "postgresql.ARRAY(Enum(level))": ["info", "error"],
    "postgresql.ARRAY(Float)": [0.5, 1.25],
    "postgresql.INET": "192.168.0.1/24",
    "postgresql.CIDR": "10.0.0.0/8",
    "postgresql.TSVECTOR": "'a':1 'b':2",
    "postgresql.TYPE(circle)": "<(1,2),3>",
    "postgresql.ARRAY(postgresql.TYPE(circle))": ["<(1,2),3>", "<(0,0),1>"],
}
NOT_ON = {
    "sqlite": {"Time(timezone=True)", "DateTime(timezone=True)", "postgresql.TSVECTOR"},
    # Numeric without precision is DECIMAL(10, 0) on MariaDB
    "mysql": {"Time(timezone=True)", "DateTime(timezone=True)", "postgresql.TSVECTOR", "Numeric"},
    "postgresql": {"Numeric"},  # unbounded NUMERIC keeps the scale as given
}


def test_values_round_trip_through_the_database(db_url):
    """python_value -> INSERT -> SELECT -> yaml_value gives the canonical YAML value."""
    eng = sa.create_engine(db_url)
    try:
        md = sa.MetaData()
        table = _columns(md)
        md.create_all(eng)
        skip = NOT_ON[eng.dialect.name]
        row = {
            f"c{i}": ct.python_value(t, ROW[t]) for i, t in enumerate(CANONICAL) if t not in skip
        }
        assert all(ct.value_problem(t, ROW[t], enums=ENUMS) is None for t in CANONICAL)
        with eng.begin() as conn:
            conn.execute(table.insert(), [{"id": 1, **row}])
            back = conn.execute(sa.select(table)).mappings().one()
        got = {t: ct.yaml_value(t, back[f"c{i}"]) for i, t in enumerate(CANONICAL) if t not in skip}
        expected = {t: ct.yaml_value(t, ROW[t]) for t in CANONICAL if t not in skip}
        assert got == expected
    finally:
        eng.dispose()


def test_verbatim_type_of_another_schema():
    """``postgresql.TYPE(other.pair)``: a type outside the default schema keeps its schema,
    in the snapshot text and in the DDL (a bare ``pair`` is not found on the search path)."""
    from sqlalchemy.dialects import postgresql

    for text in ("postgresql.TYPE(other.pair)", "postgresql.ARRAY(postgresql.TYPE(ext.citext))"):
        assert ct.format_type(ct.parse_type(text)) == text
    compiled = ct.to_sqlalchemy("postgresql.TYPE(other.pair)").compile(dialect=postgresql.dialect())
    assert compiled == "other.pair"
    with pytest.raises(ct.TypeParseError, match="name of a type"):
        ct.parse_type("postgresql.TYPE(other.)")
