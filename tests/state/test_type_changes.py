"""One classifier of column type changes (``coltypes.type_change``), used by diff, the
operations' risk and lint: a table of type pairs and what each is.

Kinds: ``widening`` (every value fits unchanged), ``narrowing`` (the same kind of value,
some may be truncated, rounded or rejected), ``conversion`` (another kind of value: every
value must convert), ``reinterpretation`` (kept, read differently).

On a real database (:func:`test_widening_keeps_the_widest_value`), each widening with a
sample of the widest value of the old type keeps that value unchanged through
``ALTER COLUMN ... TYPE`` (SQLite: the batch rebuild), on every dialect.
"""

from __future__ import annotations

import decimal

import pytest
import sqlalchemy as sa

from planner import dialects
from planner.lint import lint
from planner.ops import AlterColumnType, Risk
from planner.plan import make_plan
from planner.state.coltypes import type_change
from planner.state.model import Column, PrimaryKey, Snapshot, Table

W, N, C, R = "widening", "narrowing", "conversion", "reinterpretation"

PAIRS = [
    # strings
    ("String(80)", "String(40)", N),
    ("String(40)", "String(80)", W),
    ("String(40)", "Text", W),
    ("Text", "String(200)", N),
    ("Text", "Text", W),
    ("String(10)", "String(10)", W),
    ("String(255)", "String(10)", N),
    ("String(10)", "String(255)", W),
    # integers
    ("SmallInteger", "Integer", W),
    ("Integer", "BigInteger", W),
    ("SmallInteger", "BigInteger", W),
    ("BigInteger", "Integer", N),
    ("Integer", "SmallInteger", N),
    ("BigInteger", "SmallInteger", N),
    # integers and decimals
    ("Integer", "Numeric(10, 2)", N),
    ("Integer", "Numeric(12, 2)", W),
    ("Integer", "Numeric(10)", W),
    ("Integer", "Numeric", W),
    ("SmallInteger", "Numeric(5)", W),
    ("SmallInteger", "Numeric(4)", N),
    ("BigInteger", "Numeric(19)", W),
    ("BigInteger", "Numeric(18)", N),
    ("Numeric(10, 2)", "Integer", N),
    ("Numeric(5, 0)", "Integer", N),
    # decimals
    ("Numeric(10, 2)", "Numeric(12, 2)", W),
    ("Numeric(10, 2)", "Numeric(11, 3)", W),
    ("Numeric(10, 2)", "Numeric(10, 3)", N),
    ("Numeric(10, 4)", "Numeric(10, 2)", N),
    ("Numeric(12, 2)", "Numeric(10, 2)", N),
    ("Numeric(10, 2)", "Numeric", W),
    ("Numeric", "Numeric(10, 2)", N),
    # floats
    ("Integer", "Float", W),
    ("SmallInteger", "Float", W),
    ("BigInteger", "Float", N),
    ("Float", "Integer", N),
    ("Float", "BigInteger", N),
    ("Numeric(10, 2)", "Float", N),
    ("Float", "Numeric(10, 2)", N),
    # numbers as text
    ("Integer", "String(11)", W),
    ("Integer", "String(5)", C),
    ("BigInteger", "String(20)", W),
    ("SmallInteger", "String(6)", W),
    ("Numeric(10, 2)", "String(12)", W),
    ("Numeric(10, 2)", "String(8)", C),
    ("Integer", "Text", W),
    ("Float", "Text", W),
    # text as numbers, booleans
    ("String(10)", "Integer", C),
    ("Text", "Numeric(10, 2)", C),
    ("Boolean", "Integer", C),
    ("Integer", "Boolean", C),
    ("Boolean", "String(5)", W),
    ("Boolean", "String(4)", C),
    ("String(5)", "Boolean", C),
    # dates and times
    ("Date", "DateTime", W),
    ("Date", "DateTime(timezone=True)", W),
    ("DateTime", "Date", N),
    ("DateTime(timezone=True)", "Date", N),
    ("DateTime(timezone=True)", "DateTime", N),
    ("DateTime", "DateTime(timezone=True)", R),
    ("Time", "Time(timezone=True)", R),
    ("Date", "String(10)", W),
    ("Date", "String(8)", C),
    ("DateTime", "Text", W),
    ("String(10)", "Date", C),
    ("Time", "DateTime", C),
    ("Interval", "Time", C),
    # identifiers, binary, JSON, network
    ("Uuid", "String(36)", W),
    ("Uuid", "String(32)", C),
    ("String(36)", "Uuid", C),
    ("Text", "postgresql.JSONB", C),
    ("postgresql.JSONB", "Text", W),
    ("LargeBinary", "Text", C),
    ("postgresql.CIDR", "postgresql.INET", W),
    ("postgresql.INET", "postgresql.CIDR", N),
    # enums (their values unknown here: see test_enum_changes_with_their_values)
    ("Enum(level)", "String(20)", C),
    ("Enum(level)", "Text", W),
    ("String(20)", "Enum(level)", C),
    ("Enum(level)", "Enum(other)", C),
    # arrays follow their items
    ("postgresql.ARRAY(Integer)", "postgresql.ARRAY(BigInteger)", W),
    ("postgresql.ARRAY(String(20))", "postgresql.ARRAY(String(10))", N),
    ("postgresql.ARRAY(Integer)", "Text", W),
]


DIALECTS = ("postgresql", "mysql", "sqlite")

#: where a dialect holds one of the two types as another (``normalise_type``), the kind
#: of the change as it happens there
ON_DIALECT = {
    ("mysql", "Numeric(10, 2)", "Numeric"): N,  # DECIMAL without precision is (10, 0)
    ("mysql", "DateTime(timezone=True)", "DateTime"): W,  # no zone-aware types
    ("mysql", "DateTime", "DateTime(timezone=True)"): W,
    ("mysql", "Time", "Time(timezone=True)"): W,
    ("mysql", "Uuid", "String(32)"): W,  # Uuid is CHAR(32)
    ("mysql", "String(36)", "Uuid"): N,
    ("mysql", "postgresql.INET", "postgresql.CIDR"): W,  # both String(45)
    ("mysql", "postgresql.ARRAY(String(20))", "postgresql.ARRAY(String(10))"): W,  # JSON
    ("sqlite", "DateTime(timezone=True)", "DateTime"): W,
    ("sqlite", "DateTime", "DateTime(timezone=True)"): W,
    ("sqlite", "Time", "Time(timezone=True)"): W,
    ("sqlite", "Uuid", "String(32)"): W,
    ("sqlite", "String(36)", "Uuid"): N,
    ("sqlite", "postgresql.INET", "postgresql.CIDR"): W,
    ("sqlite", "postgresql.ARRAY(String(20))", "postgresql.ARRAY(String(10))"): W,
}
RANK = {W: 0, R: 1, C: 2, N: 3}


def on(dialect: str, old: str, new: str, kind: str) -> str:
    return ON_DIALECT.get((dialect, old, new), kind)


def test_at_least_60_pairs():
    assert len(PAIRS) >= 60
    assert len({(a, b) for a, b, _ in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize(("old", "new", "kind"), PAIRS, ids=lambda x: str(x))
def test_type_change_table(old, new, kind):
    got, why = type_change(old, new)
    assert got == kind, why
    assert (why is None) == (kind == W)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_type_change_table_per_dialect(dialect):
    wrong = [
        (old, new, on(dialect, old, new, kind), got)
        for old, new, kind in PAIRS
        if (got := type_change(old, new, dialects=[dialect])[0]) != on(dialect, old, new, kind)
    ]
    assert wrong == []
    assert len(PAIRS) >= 60


@pytest.mark.parametrize(("old", "new", "kind"), [p for p in PAIRS if p[0] != p[1]])
def test_risk_and_lint_follow_the_classifier(old, new, kind):
    """The operation's risk (locks for a widening, else data-dependent) and lint (R003 for a
    narrowing, R011 for a conversion) say what the classifier says."""
    op = AlterColumnType(
        table_key=(None, "t"), column="c", old_type=old, new_type=new, existing_nullable=True
    )
    assert op.risk == (Risk.LOCKS if kind == W else Risk.DATA)
    before = Snapshot(release="1", tables=(_table(old),))
    after = Snapshot(release="2", tables=(_table(new),))
    codes = {f.code for f in lint(make_plan(before, after))}
    # lint judges the change on the plan's targets (all three): the worst of them
    worst = max((on(d, old, new, kind) for d in DIALECTS), key=RANK.__getitem__)
    assert ("R003" in codes) == (worst == N), codes
    assert ("R011" in codes) == (worst == C), codes


def test_lint_r003_flags_the_narrowings_it_missed():
    for old, new in (
        ("Integer", "Numeric(10, 2)"),
        ("Numeric(10, 2)", "Numeric(10, 3)"),
        ("BigInteger", "Float"),
    ):
        before = Snapshot(release="1", tables=(_table(old),))
        after = Snapshot(release="2", tables=(_table(new),))
        (finding,) = [f for f in lint(make_plan(before, after)) if f.code == "R003"]
        assert old in finding.message and new in finding.message


def test_enum_changes_with_their_values():
    enums = {"a": ("x", "y"), "b": ("x", "y", "z"), "c": ("x",)}
    assert type_change("Enum(a)", "Enum(b)", enums=enums) == (W, None)
    kind, why = type_change("Enum(a)", "Enum(c)", enums=enums)
    assert kind == N and "'y'" in why
    assert type_change("Enum(b)", "String(1)", enums=enums) == (W, None)


def _table(type_: str) -> Table:
    return Table(
        name="t",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="c", type=type_),
        ),
        primary_key=PrimaryKey(columns=("id",)),
    )


# ------------------------------------------------------------------ on real databases

#: the widest value of each old type, as Python reads it back
WIDEST = {
    "SmallInteger": 32767,
    "Integer": 2147483647,
    "BigInteger": 9223372036854775807,
    "Numeric(10, 2)": decimal.Decimal("99999999.99"),
    "String(40)": "x" * 40,
    "String(10)": "y" * 10,
    "Boolean": True,
}


def db_pairs(dialect: str) -> list[tuple[str, str]]:
    """The widenings on ``dialect`` whose old type has a widest value to try."""
    return [(a, b) for a, b, k in PAIRS if on(dialect, a, b, k) == W and a != b and a in WIDEST]


def test_enough_pairs_on_the_databases():
    assert all(len(db_pairs(d)) >= 15 for d in DIALECTS)


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() in ("true", "1") and str(b).lower() in ("true", "1")
    if isinstance(a, (int, decimal.Decimal)) and isinstance(b, (int, float, decimal.Decimal)):
        return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
    if isinstance(b, (int, float, decimal.Decimal)) and isinstance(a, str):
        return False
    return str(a) == str(b)


def test_widening_keeps_the_widest_value(db_url):
    """Every widening on the dialect (:func:`db_pairs`) keeps the widest value of the old
    type (PostgreSQL and MariaDB alter the column in place, SQLite rebuilds the table)."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from planner.revisions.sa_bridge import new_sa_type

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    lost = []
    try:
        for n, (old, new) in enumerate(db_pairs(dialects.get(engine.dialect.name).name)):
            name = f"tc_{n}"
            md = sa.MetaData()
            t = sa.Table(
                name,
                md,
                sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("c", new_sa_type(old, {})),
            )
            with engine.begin() as conn:
                md.create_all(conn)
                conn.execute(t.insert().values(id=1, c=WIDEST[old]))
            try:
                with engine.begin() as conn:
                    ops = Operations(MigrationContext.configure(conn))
                    with ops.batch_alter_table(name) as batch:
                        batch.alter_column(
                            "c", type_=new_sa_type(new, {}), existing_type=new_sa_type(old, {})
                        )
                with engine.connect() as conn:
                    got = conn.execute(sa.text(f"SELECT c FROM {name}")).scalar_one()
                if not _same(WIDEST[old], got):
                    lost.append(f"{old} -> {new}: {WIDEST[old]!r} became {got!r}")
            finally:
                with engine.begin() as conn:
                    md.drop_all(conn)
    finally:
        engine.dispose()
    assert lost == []
