"""Deterministic generator of a row-heavy project for benchmarks (issue 17).

One managed reference table of ``n`` postal codes (``id``, ``code``, ``name``,
``region_id``, keyed by ``code`` with a unique constraint) beside a
``regions`` table, in releases ``1.0.0`` and ``1.1.0``; the second release changes 1%
of the rows: a third of them updated, a third deleted, a third inserted.

Two file forms of the same states:

- *canonical*: what ``dbplan snapshot`` / ``dbplan fmt`` writes;
- *hand-written*: the same state as a person writes it (a comment header, the keys of a
  column in another order, double-quoted strings, rows indented further), which the
  loader reads on its reference path.

Run ``python -m bench.rowgen N OUTDIR [canonical|hand]`` to write a project.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

from planner.state.model import (
    Column,
    ForeignKey,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
    freeze,
)

REGIONS = 40


def _row(i: int, rng: random.Random) -> dict:
    return {
        "id": i,
        "code": f"{i:07d}",
        "name": f"Place {rng.randrange(10**6):06d}",
        "region_id": 1 + i % REGIONS,
    }


def make_pair(n: int, *, seed: int = 20261207) -> tuple[Snapshot, Snapshot]:
    """Releases 1.0.0 and 1.1.0 with ``n`` managed postal codes, 1% of them changed."""
    rng = random.Random(seed + n)
    regions = Table(
        name="regions",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="name", type="String(40)", nullable=False),
        ),
        primary_key=PrimaryKey(name="pk_regions", columns=("id",)),
        uniques=(Unique(name="uq_regions_name", columns=("name",)),),
        rows=RowSet(
            key=("id",),
            rows=tuple(freeze({"id": r, "name": f"Region {r:02d}"}) for r in range(1, REGIONS + 1)),
        ),
    )
    rows = [_row(i, rng) for i in range(1, n + 1)]

    def table(values) -> Table:
        return Table(
            name="postal_codes",
            columns=(
                Column(name="id", type="Integer", nullable=False),
                Column(name="code", type="String(10)", nullable=False),
                Column(name="name", type="String(80)", nullable=False),
                Column(name="region_id", type="Integer"),
            ),
            primary_key=PrimaryKey(name="pk_postal_codes", columns=("id",)),
            foreign_keys=(
                ForeignKey(
                    name="fk_postal_codes_region_id_regions",
                    columns=("region_id",),
                    ref_table="regions",
                    ref_columns=("id",),
                ),
            ),
            uniques=(Unique(name="uq_postal_codes_code", columns=("code",)),),
            rows=RowSet(key=("code",), rows=tuple(freeze(r) for r in values)),
        )

    old = Snapshot(release="1.0.0", tables=(regions, table(rows)))
    changed = max(3, n // 100)
    picks = sorted(rng.sample(range(n), 2 * (changed // 3)))
    updated, deleted = set(picks[0::2]), set(picks[1::2])
    new_rows = []
    for k, r in enumerate(rows):
        if k in deleted:
            continue
        if k in updated:
            r = {**r, "name": r["name"] + " (renamed)", "region_id": None}
        new_rows.append(r)
    for j in range(changed - len(updated) - len(deleted)):
        new_rows.append(_row(n + 1 + j, rng))
    new = dataclasses.replace(old, release="1.1.0", tables=(regions, table(new_rows)))
    return old, new


def _q(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else json.dumps(value)


def hand_written(s: Snapshot) -> str:
    """The snapshot as a person writes it: valid, equal in state, not canonical bytes."""
    out = [
        "# Reference data of the postal service, maintained by hand.",
        "snapshot: 1",
        f'release: "{s.release}"',
        "tables:",
    ]
    for t in s.tables:
        out.append(f"  {t.name}:")
        out.append("    columns:")
        pk = set(t.primary_key.columns) if t.primary_key else set()
        for c in t.columns:
            parts = [f"type: {c.type}"]
            if c.name in pk:
                parts.append("primary_key: true")
            elif not c.nullable:
                parts.append("nullable: false")
            out.append(f"      {c.name}: {{{', '.join(reversed(parts))}}}")
        if t.primary_key:
            out.append(f"    primary_key: {{name: {t.primary_key.name}}}")
        if t.foreign_keys:
            out.append("    foreign_keys:")
            for fk in t.foreign_keys:
                out.append(f"      {fk.name}:")
                out.append(f"        columns: [{', '.join(fk.columns)}]")
                out.append(
                    f"        references: {{table: {fk.ref_table}, "
                    f"columns: [{', '.join(fk.ref_columns)}]}}"
                )
        if t.uniques:
            out.append("    unique:")
            for u in t.uniques:
                out.append(f"      {u.name}: [{', '.join(u.columns)}]")
        if t.rows:
            out.append("    rows:")
            out.append(f"      key: [{', '.join(t.rows.key)}]")
            out.append("      values:")
            for r in t.rows.rows:
                d = dict(r)
                cells = ", ".join(f"{c.name}: {_q(d[c.name])}" for c in t.columns if c.name in d)
                out.append(f"        - {{{cells}}}")
    return "\n".join(out) + "\n"


def write_project(n: int, outdir: Path, *, form: str = "canonical") -> Path:
    """Write a project with both releases in ``form`` (``canonical`` or ``hand``)."""
    from planner.state.yamlio import dump_snapshot

    root = Path(outdir)
    (root / "schema_state").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n', encoding="utf-8"
    )
    for s in make_pair(n):
        text = dump_snapshot(s) if form == "canonical" else hand_written(s)
        (root / "schema_state" / f"{s.release}.yaml").write_text(text, encoding="utf-8")
    return root


if __name__ == "__main__":
    write_project(
        int(sys.argv[1]), Path(sys.argv[2]), form=sys.argv[3] if len(sys.argv) > 3 else "canonical"
    )
