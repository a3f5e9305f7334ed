"""Deterministic generator of realistic snapshot pairs for benchmarks.

``make_pair(n)`` returns two :class:`Snapshot` objects: release ``1.0.0`` with ``n`` tables
(8–20 columns of mixed types, 1–3 foreign keys each, unique and check constraints,
indexes, enums, default rows in some tables) and release ``1.1.0`` in which about 10% of
the tables change (columns added, dropped, widened, made NOT NULL with a backfill;
indexes and constraints added and dropped; rows inserted, updated and deleted; a few
tables added and dropped). The same ``n`` always gives the same snapshots.

Run ``python -m bench.gen N OUTDIR`` to write ``OUTDIR/schema_state/{1.0.0,1.1.0}.yaml``.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

from planner.state.model import (
    Check,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
    freeze,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WORDS = (
    "site building storey space zone meter sensor reading tariff invoice contract "
    "campaign survey asset device gateway channel alarm event report schedule"
).split()
COLUMN_WORDS = (
    "name label code description status kind amount total price quantity ratio "
    "started_at ended_at valid_from valid_to note external_ref serial vendor model "
    "latitude longitude area volume floor capacity priority score rank"
).split()
ENUMS = {
    "status_kind": ("draft", "active", "retired"),
    "severity": ("low", "medium", "high", "critical"),
    "energy_kind": ("electricity", "gas", "heat", "cold", "water"),
}
TYPES = (
    "Integer",
    "BigInteger",
    "String(80)",
    "String(200)",
    "Text",
    "Boolean",
    "Numeric(12, 2)",
    "Float",
    "Date",
    "DateTime(timezone=True)",
    "JSON",
    "Enum(status_kind)",
    "Enum(severity)",
    "Enum(energy_kind)",
)


def _table_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}_{i:05d}"


def _make_table(rng: random.Random, i: int, names: list[str]) -> Table:
    name = names[i]
    cols = [Column(name="id", type="Integer", nullable=False)]
    used = {"id"}
    for _ in range(rng.randint(7, 19)):
        base = rng.choice(COLUMN_WORDS)
        cname = base if base not in used else f"{base}_{len(used)}"
        used.add(cname)
        ctype = rng.choice(TYPES)
        nullable = rng.random() < 0.6
        default = None
        if not nullable and ctype == "Boolean":
            default = "false"
        elif not nullable and ctype.startswith("Enum(status_kind"):
            default = "'draft'"
        cols.append(Column(name=cname, type=ctype, nullable=nullable, server_default=default))
    fks = []
    if i > 0:
        for k in range(rng.randint(1, 3)):
            target = names[rng.randrange(0, i)]
            cname = f"{target}_id" if k == 0 else f"{target}_id_{k}"
            if cname in used:
                continue
            used.add(cname)
            cols.append(Column(name=cname, type="Integer", nullable=True))
            fks.append(
                ForeignKey(
                    name=f"fk_{name}_{cname}_{target}",
                    columns=(cname,),
                    ref_table=target,
                    ref_columns=("id",),
                    ondelete=rng.choice((None, "CASCADE", "SET NULL")),
                )
            )
    str_cols = [c.name for c in cols if c.type.startswith("String")]
    uniques = []
    if str_cols:
        uniques.append(Unique(name=f"uq_{name}_{str_cols[0]}", columns=(str_cols[0],)))
    checks = []
    num_cols = [
        c.name for c in cols if c.type in ("Integer", "Numeric(12, 2)", "Float") and c.name != "id"
    ]
    if num_cols:
        checks.append(
            Check(name=f"ck_{name}_{num_cols[0]}_positive", sqltext=f"{num_cols[0]} >= 0")
        )
    indexes = [Index(name=f"ix_{name}_{fk.columns[0]}", columns=fk.columns) for fk in fks]
    rows = None
    if i % 10 == 0:
        label = next((c for c in cols if c.type.startswith("String") and c.name != "id"), None)
        if label is not None:
            values = tuple(
                freeze({"id": r + 1, label.name: f"{name} default {r + 1}"}) for r in range(5)
            )
            rows = RowSet(key=("id",), rows=values)
            # rows must satisfy NOT NULL columns without defaults: make those nullable
            cols = [
                c
                if c.nullable or c.server_default or c.name in ("id", label.name)
                else dataclasses.replace(c, nullable=True)
                for c in cols
            ]
    return Table(
        name=name,
        columns=tuple(cols),
        primary_key=PrimaryKey(name=f"pk_{name}", columns=("id",)),
        foreign_keys=tuple(fks),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=tuple(indexes),
        rows=rows,
    )


def make_old(n: int, *, seed: int = 20261126) -> Snapshot:
    rng = random.Random(seed * 1_000_003 + n)
    names = [_table_name(i) for i in range(n)]
    tables = [_make_table(rng, i, names) for i in range(n)]
    return Snapshot(
        release="1.0.0",
        tables=tuple(tables),
        enums=tuple(Enum(name=k, values=v) for k, v in ENUMS.items()),
        naming_convention=tuple(NAMING.items()),
    )


def _change_table(rng: random.Random, t: Table) -> Table:
    cols = list(t.columns)
    indexes = list(t.indexes)
    uniques = list(t.uniques)
    checks = list(t.checks)
    rows = t.rows
    kind = rng.randrange(6)
    if kind == 0:  # add a column, and index it
        cols.append(Column(name="added_note", type="String(120)", nullable=True))
        indexes.append(Index(name=f"ix_{t.name}_added_note", columns=("added_note",)))
    elif kind == 1:  # widen a string, or retype
        for k, c in enumerate(cols):
            if c.type == "String(80)":
                cols[k] = dataclasses.replace(c, type="String(160)")
                break
        else:
            cols.append(
                Column(name="extra_flag", type="Boolean", nullable=False, server_default="false")
            )
    elif kind == 2:  # drop an unconstrained nullable column
        used = {c for fk in t.foreign_keys for c in fk.columns}
        used |= {c for u in uniques for c in u.columns}
        used |= {c for ix in indexes for c in ix.columns}
        used |= {c.split()[0] for ck in checks for c in [ck.sqltext]}
        if rows:
            used |= {k for r in rows.rows for k, _ in r}
        for k, c in enumerate(cols):
            if c.nullable and c.name not in used and c.name != "id":
                del cols[k]
                break
    elif kind == 3 and not rows:  # NOT NULL with a backfill
        fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
        for k, c in enumerate(cols):
            if c.nullable and c.type == "Integer" and c.name not in fk_cols:
                cols[k] = dataclasses.replace(c, nullable=False, backfill="0")
                break
        else:
            cols.append(Column(name="weight", type="Integer", nullable=False, backfill="1"))
    elif kind == 4:  # constraints change
        if checks:
            checks.pop()
        else:
            checks.append(Check(name=f"ck_{t.name}_id_positive", sqltext="id > 0"))
        if uniques:
            uniques.pop()
    elif kind == 3:  # a table with managed rows: a NOT NULL column with a server default
        cols.append(Column(name="weight", type="Integer", nullable=False, server_default="1"))
    else:  # rows or a server default
        if rows:
            values = list(rows.rows)
            values.pop()
            first = dict(values[0])
            label = next(k for k in first if k != "id")
            values[0] = freeze({**first, label: first[label] + " (renamed)"})
            values.append(freeze({"id": 100, label: f"{t.name} added"}))
            rows = dataclasses.replace(rows, rows=tuple(values))
        else:
            cols.append(
                Column(
                    name="created_at",
                    type="DateTime(timezone=True)",
                    nullable=False,
                    server_default="CURRENT_TIMESTAMP",
                )
            )
    return dataclasses.replace(
        t,
        columns=tuple(cols),
        indexes=tuple(indexes),
        uniques=tuple(uniques),
        checks=tuple(checks),
        rows=rows,
    )


def make_new(old: Snapshot, *, seed: int = 20261126) -> Snapshot:
    rng = random.Random(seed + len(old.tables))
    tables = list(old.tables)
    n = len(tables)
    changed = sorted(rng.sample(range(n), max(1, n // 10)))
    for i in changed:
        tables[i] = _change_table(rng, tables[i])
    # a few new tables referencing existing ones
    for k in range(max(1, n // 200)):
        name = f"added_{k:04d}"
        target = tables[rng.randrange(n)].name
        tables.append(
            Table(
                name=name,
                columns=(
                    Column(name="id", type="Integer", nullable=False),
                    Column(name="label", type="String(80)", nullable=False),
                    Column(name=f"{target}_id", type="Integer"),
                ),
                primary_key=PrimaryKey(name=f"pk_{name}", columns=("id",)),
                foreign_keys=(
                    ForeignKey(
                        name=f"fk_{name}_{target}_id_{target}",
                        columns=(f"{target}_id",),
                        ref_table=target,
                        ref_columns=("id",),
                    ),
                ),
                indexes=(Index(name=f"ix_{name}_{target}_id", columns=(f"{target}_id",)),),
            )
        )
    enums = [Enum(name=k, values=v) for k, v in ENUMS.items()]
    enums[1] = Enum(name="severity", values=("low", "medium", "elevated", "high", "critical"))
    return dataclasses.replace(old, release="1.1.0", tables=tuple(tables), enums=tuple(enums))


def make_pair(n: int) -> tuple[Snapshot, Snapshot]:
    old = make_old(n)
    return old, make_new(old)


def write_project(n: int, outdir: Path) -> Path:
    """Write a dbplan project with the two releases of ``make_pair(n)``; return its root."""
    from planner.state.yamlio import dump_snapshot

    old, new = make_pair(n)
    root = Path(outdir)
    (root / "schema_state").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n', encoding="utf-8"
    )
    for s in (old, new):
        (root / "schema_state" / f"{s.release}.yaml").write_text(dump_snapshot(s), encoding="utf-8")
    return root


if __name__ == "__main__":
    write_project(int(sys.argv[1]), Path(sys.argv[2]))
