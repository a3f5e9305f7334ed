"""Validation of identity and generated columns (:mod:`planner.state.column_kinds`), and of
a column's own collation (a string type; the shape each target database gives a name,
:meth:`~planner.dialects.base.Dialect.collation_problem`).

Always: an identity column is an integer, NOT NULL, without a server default, not
generated, not ``autoincrement: false``; a generated column has no server default or
backfill; managed rows never give a generated column a value. For the project's target
dialects (when named, ``[tool.dbplan] dialects``): identity columns are PostgreSQL's
(MariaDB and SQLite have ``autoincrement``), and PostgreSQL stores every generated column
(``stored: false`` is MariaDB's and SQLite's ``VIRTUAL``).

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> t = Table(name="t", columns=(Column(name="id", type="Text", nullable=False,
    ...                                     identity="always"),))
    >>> from planner.state.validate import validate
    >>> [p.message for p in validate(Snapshot(release="1", tables=(t,)))]
    ['identity column t.id has type Text, not an integer type']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from planner.state.model import Snapshot

_INTEGERS = ("SmallInteger", "Integer", "BigInteger")


def check_columns(c: Any, s: Snapshot, targets: Iterable[str] | None) -> None:
    """Add a problem to the collector ``c`` for each identity or generated column that
    the format or a target database refuses."""
    from planner import dialects

    names = None if targets is None else [dialects.get(t) for t in targets]
    for t in s.tables:
        tp = ("tables", t.name)
        for col in t.columns:
            if (
                col.identity is None
                and col.generated is None
                and col.on_update is None
                and col.collation is None
            ):
                continue
            cp = (*tp, "columns", col.name)
            where = f"{t.qualified_name}.{col.name}"
            if col.on_update is not None:
                _check_on_update(c, cp, where, col, names)
            if col.collation is not None:
                _check_collation(c, cp, where, col, names)
            if col.identity is not None:
                _check_identity(c, cp, where, col, names)
            if col.generated is not None:
                _check_generated(c, cp, where, col, names)
        if t.rows is not None:
            generated = {col.name for col in t.columns if col.generated is not None}
            for i, row in enumerate(t.rows.rows):
                for name, _ in row:
                    if name in generated:
                        c.add(
                            (*tp, "rows", "values", i, name),
                            f"a managed row of {t.qualified_name} gives generated column "
                            f"{name} a value (the database computes it)",
                            f"remove {name} from the row",
                        )


_MONTHS = re.compile(r"-?P(?:[^T]*[YM])")


def check_interval_months(c: Any, s: Snapshot, targets: Iterable[str] | None) -> None:
    """A managed row's ``Interval`` with years or months (``P1Y2M``) where a target
    dialect stores an interval as a point in time (a month has no fixed length there)."""
    from planner import dialects

    if targets is None:
        return
    lacking = sorted(d.label for d in map(dialects.get, targets) if not d.interval_months)
    if not lacking:
        return
    for t in s.tables:
        cols = {col.name for col in t.columns if col.type == "Interval"}
        if not cols or t.rows is None:
            continue
        for i, row in enumerate(t.rows.rows):
            for name, value in row:
                if name in cols and isinstance(value, str) and _MONTHS.match(value):
                    c.add(
                        ("tables", t.name, "rows", "values", i, name),
                        f"the managed row value {value!r} of {t.qualified_name}.{name} has "
                        f"years or months, which {', '.join(lacking)} cannot store in an "
                        "interval (it is a point in time there, and a month has no fixed "
                        "length): a target dialect",
                        "write the duration in days (P425D), or make PostgreSQL the only target",
                    )


def _check_identity(c: Any, cp: tuple, where: str, col: Any, names: list | None) -> None:
    if col.type not in _INTEGERS:
        c.add(
            (*cp, "type"),
            f"identity column {where} has type {col.type}, not an integer type",
            "make it SmallInteger, Integer or BigInteger, or drop identity",
        )
    if col.nullable:
        c.add(
            (*cp, "nullable"),
            f"identity column {where} is nullable (an identity column is NOT NULL)",
            "write nullable: false",
        )
    if col.server_default is not None:
        c.add(
            (*cp, "server_default"),
            f"identity column {where} has a server default (the identity gives its values)",
            "drop server_default or identity",
        )
    if col.generated is not None:
        c.add((*cp, "generated"), f"column {where} is both identity and generated", "keep one")
    if col.autoincrement is False:
        c.add(
            (*cp, "autoincrement"),
            f"identity column {where} says autoincrement: false",
            "drop autoincrement (an identity column autoincrements) or identity",
        )
    refused = [d.label for d in names or () if not d.has_identity_columns]
    if refused:
        c.add(
            (*cp, "identity"),
            f"identity column {where}: identity columns are PostgreSQL's, and the project "
            f"targets {', '.join(refused)} too",
            "drop identity (an integer primary key autoincrements on every target), or "
            "target PostgreSQL only",
        )


def _check_on_update(c: Any, cp: tuple, where: str, col: Any, names: list | None) -> None:
    if not col.nullable and col.server_default is None:
        c.add(
            (*cp, "on_update"),
            f"column {where} has on_update but is NOT NULL without a server_default "
            "(SQLAlchemy writes ON UPDATE after a DEFAULT)",
            "give it a server_default (e.g. CURRENT_TIMESTAMP) or make it nullable",
        )
    if col.identity is not None or col.generated is not None:
        c.add(
            (*cp, "on_update"),
            f"column {where} has on_update and is an identity or generated column",
            "drop on_update",
        )
    refused = [d.label for d in names or () if not d.has_on_update]
    if refused:
        c.add(
            (*cp, "on_update"),
            f"column {where}: on_update (ON UPDATE) is MariaDB/MySQL's, and the project "
            f"targets {', '.join(refused)} too",
            "drop on_update (set the column in the application or a trigger), or target "
            "MariaDB/MySQL only",
        )


def _check_generated(c: Any, cp: tuple, where: str, col: Any, names: list | None) -> None:
    for key in ("server_default", "backfill"):
        if getattr(col, key) is not None:
            c.add(
                (*cp, key),
                f"generated column {where} has a {key} (the database computes its values)",
                f"drop {key} or generated",
            )
    stores = [d.label for d in names or () if not d.has_virtual_generated_columns]
    if not col.generated.stored and stores:
        c.add(
            (*cp, "generated", "stored"),
            f"generated column {where} is virtual, and {', '.join(stores)} stores generated "
            "columns",
            f"write stored: true, or leave {', '.join(stores)} out of the project's targets",
        )


def _check_collation(c: Any, cp: tuple, where: str, col: Any, names: list | None) -> None:
    from planner.state import coltypes

    try:
        family = coltypes.family(col.type)
    except ValueError:  # the type's own problem is reported where the type is read
        family = "string"
    if family != "string":
        c.add(
            (*cp, "collation"),
            f"column {where} has a collation, and its type {col.type} is not a string type",
            "drop collation, or make the column String or Text",
        )
    for d in names or ():
        why = d.collation_problem(col.collation)
        if why is not None:
            c.add(
                (*cp, "collation"),
                f"column {where}: collation {col.collation!r} is not one of {d.label}'s",
                why,
            )
