"""One home per dialect: see :mod:`planner.dialects.base`."""

from planner.dialects.base import (
    NAMES,
    PRIMARY,
    Dialect,
    UnknownDialectError,
    all_dialects,
    canonical_name,
    get,
    having,
    naming_dialect,
    of_url,
    only_target,
)

__all__ = [
    "NAMES",
    "PRIMARY",
    "Dialect",
    "UnknownDialectError",
    "all_dialects",
    "canonical_name",
    "get",
    "having",
    "naming_dialect",
    "only_target",
    "of_url",
]
