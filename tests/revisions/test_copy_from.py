"""The SQLite ``copy_from`` table written directly (:class:`CopyFrom`) is the text Alembic
writes for the ``sa.Table`` (:func:`planner.revisions.emit.sa_table_full`), byte for byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from alembic.operations import ops as alembic_ops
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.revisions.alembic_ops import TableBatchOp
from planner.revisions.copy_from import CopyFrom, plain_table
from planner.revisions.emit import render_ops
from planner.revisions.sa_bridge import sa_table_full
from planner.state.model import Check, Column, Index, Table
from planner.state.yamlio import load_snapshot
from tests.strategies import snapshots

ROOT = Path(__file__).resolve().parents[2]


def _batch_text(table: Table, copy_from) -> str:
    """A batch dropping the table's first column, rebuilt from ``copy_from``."""
    name = table.columns[0].name
    m = TableBatchOp(
        table.name,
        [alembic_ops.DropColumnOp(table.name, name, schema=table.schema)],
        schema=table.schema,
    )
    m.copy_from = copy_from
    return render_ops([m])


def _same_text(table: Table, enums: dict[str, tuple[str, ...]]) -> str | None:
    """The direct text, asserted equal to Alembic's; None when Alembic's path raises (the
    direct path raises the same)."""
    try:
        expected = _batch_text(table, sa_table_full(table, enums))
    except Exception as e:  # noqa: BLE001 - e.g. a name SQLAlchemy cannot resolve
        with pytest.raises(type(e)):
            _batch_text(table, CopyFrom(table, enums))
        return None
    direct = _batch_text(table, CopyFrom(table, enums))
    assert direct == expected
    return direct


def _corpus_snapshots():
    for path in sorted((ROOT / "tests").rglob("*.yaml")):
        try:
            yield load_snapshot(path, expected_release=False)
        except Exception:  # noqa: BLE001 - not a snapshot, or an invalid one on purpose
            continue


def test_every_table_of_the_corpus():
    plain = 0
    for snap in _corpus_snapshots():
        enums = {e.name: e.values for e in snap.enums}
        for t in snap.tables:
            if t.columns and _same_text(t, enums) is not None:
                plain += plain_table(t)
    assert plain > 100  # the direct path is what was compared


def test_awkward_defaults_checks_comments_and_many_columns():
    """Texts with quotes, percent signs, colons and backslashes; over 255 arguments
    (Alembic's ``*[...]`` form); schema, where-clauses, autoincrement."""
    cols = tuple(
        Column(
            name=f"c{i}",
            type="Integer",
            nullable=bool(i % 2),
            autoincrement=(None, True, False)[i % 3],
        )
        for i in range(260)
    )
    awkward = ["now()", "'it''s'", "a % b", "x: y", "'\\n'", "CURRENT_TIMESTAMP", "'é'"]
    cols += tuple(
        Column(name=f"d{i}", type="String(20)", server_default=text, comment=text)
        for i, text in enumerate(awkward)
    )
    t = Table(
        name="wide",
        schema="s",
        columns=cols,
        checks=tuple(
            Check(name=f"ck_{i}", sqltext=f"d{i} <> {text}") for i, text in enumerate(awkward)
        ),
        indexes=(
            Index(name="ix_b", columns=("c1", "c0"), unique=True, where="c1 > 0 AND d0 <> ':x'"),
        ),
    )
    assert plain_table(t)
    text = _same_text(t, {})
    assert text is not None and "*[" in text and "sqlite_where=" in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots(min_tables=1, max_tables=4), st.data())
def test_generated_tables(snap, data):
    enums = {e.name: e.values for e in snap.enums}
    for t in snap.tables:
        _same_text(t, enums)
        # the same table with plain names everywhere: the direct path
        plain = _plain_names(t, data.draw(st.integers(0, 1000)))
        assert plain_table(plain)
        assert _same_text(plain, enums) is not None


def _plain_names(t: Table, seed: int) -> Table:
    """``t`` with every name replaced by a plain identifier (references kept)."""
    names: dict[str, str] = {}

    def n(x: str) -> str:
        return names.setdefault(x, f"n{seed}_{len(names)}")

    col = lambda c: dataclasses.replace(c, name=n(c.name))  # noqa: E731
    pk = t.primary_key
    return dataclasses.replace(
        t,
        name=n(t.name),
        schema=None if t.schema is None else n(t.schema),
        columns=tuple(col(c) for c in t.columns),
        primary_key=None
        if pk is None
        else dataclasses.replace(
            pk, name=None if pk.name is None else n(pk.name), columns=tuple(map(n, pk.columns))
        ),
        uniques=tuple(
            dataclasses.replace(u, name=n(u.name), columns=tuple(map(n, u.columns)))
            for u in t.uniques
        ),
        checks=tuple(dataclasses.replace(c, name=n(c.name)) for c in t.checks),
        foreign_keys=tuple(
            dataclasses.replace(
                fk,
                name=n(fk.name),
                columns=tuple(map(n, fk.columns)),
                ref_table=n(fk.ref_table),
                ref_schema=None if fk.ref_schema is None else n(fk.ref_schema),
                ref_columns=tuple(map(n, fk.ref_columns)),
            )
            for fk in t.foreign_keys
        ),
        indexes=tuple(
            dataclasses.replace(ix, name=n(ix.name), columns=tuple(map(n, ix.columns)))
            for ix in t.indexes
        ),
    )
