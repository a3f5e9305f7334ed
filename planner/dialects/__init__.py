"""One home per dialect: see :mod:`planner.dialects.base`."""

from planner.dialects.base import (
    NAMES,
    PRIMARY,
    Dialect,
    UnknownDialectError,
    all_dialects,
    canonical_name,
    get,
    naming_dialect,
    of_url,
)

__all__ = [
    "NAMES",
    "PRIMARY",
    "Dialect",
    "UnknownDialectError",
    "all_dialects",
    "canonical_name",
    "get",
    "naming_dialect",
    "of_url",
]
