"""``coltypes.value_checker`` answers as ``value_problem`` for every type and value
(validation of managed rows relies on it: issue 17)."""

from __future__ import annotations

import datetime
import enum
import uuid
from decimal import Decimal

import pytest

from planner.state import coltypes

TYPES = [
    "SmallInteger",
    "Integer",
    "BigInteger",
    "Boolean",
    "String",
    "String(3)",
    "Text",
    "Float",
    "Numeric(5, 2)",
    "Date",
    "Time",
    "DateTime",
    "DateTime(timezone=True)",
    "Interval",
    "LargeBinary",
    "JSON",
    "Uuid",
    "Enum(level)",
    "Enum(unknown)",
    "postgresql.ARRAY(Integer)",
    "postgresql.INET",
    "postgresql.CIDR",
    "postgresql.TSVECTOR",
]


class Flag(enum.IntEnum):
    ON = 1


VALUES = [
    None,
    0,
    7,
    -(2**15),
    2**31,
    2**63,
    True,
    False,
    Flag.ON,
    1.5,
    float("nan"),
    Decimal("123.45"),
    "",
    "abc",
    "abcd",
    "12.345",
    "2024-01-31",
    "2024-01-31T13:45:00",
    "2024-01-31T13:45:00+00:00",
    "13:45:00",
    "P1DT2H",
    "00ff",
    "info",
    "nope",
    str(uuid.UUID(int=1)),
    "10.0.0.1/8",
    "10.0.0.0/8",
    datetime.date(2024, 1, 31),
    (1, 2),
    (1, "x"),
    b"\x00",
]
ENUMS = {"level": ("info", "warning")}


@pytest.mark.parametrize("text", TYPES)
def test_value_checker_answers_as_value_problem(text):
    check = coltypes.value_checker(coltypes.parse_type(text), enums=ENUMS)
    for value in VALUES:
        assert check(value) == coltypes.value_problem(text, value, enums=ENUMS), (text, value)
