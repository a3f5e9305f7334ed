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


#: from this many rows on, rows have no ``name``: 1,000,000 rows of four columns would
#: make files over the loader's 64 MiB limit (``planner.state.yamlio.MAX_BYTES``)
NARROW = 500_000


def _row(i: int, rng: random.Random, narrow: bool) -> dict:
    if narrow:
        return {"id": i, "code": f"{i:07d}", "region_id": 1 + i % REGIONS}
    return {
        "id": i,
        "code": f"{i:07d}",
        "name": f"Place {rng.randrange(10**6):06d}",
        "region_id": 1 + i % REGIONS,
    }


def row_values(n: int, *, seed: int = 20261207) -> tuple[list[dict], list[dict]]:
    """The postal codes of releases 1.0.0 and 1.1.0 (``n`` rows, 1% of them changed)."""
    rng = random.Random(seed + n)
    narrow = n >= NARROW
    rows = [_row(i, rng, narrow) for i in range(1, n + 1)]
    changed = max(3, n // 100)
    picks = sorted(rng.sample(range(n), 2 * (changed // 3)))
    updated, deleted = set(picks[0::2]), set(picks[1::2])
    new_rows = []
    for k, r in enumerate(rows):
        if k in deleted:
            continue
        if k in updated:
            r = {**r, "region_id": None}
            if not narrow:
                r["name"] += " (renamed)"
        new_rows.append(r)
    for j in range(changed - len(updated) - len(deleted)):
        new_rows.append(_row(n + 1 + j, rng, narrow))
    return rows, new_rows


def _snapshot(release: str, values: list[dict]) -> Snapshot:
    named = not values or "name" in values[0]
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
    codes = Table(
        name="postal_codes",
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name="code", type="String(10)", nullable=False),
            *([Column(name="name", type="String(80)", nullable=False)] if named else []),
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
    return Snapshot(release=release, tables=(regions, codes))


def make_pair(n: int, *, seed: int = 20261207) -> tuple[Snapshot, Snapshot]:
    """Releases 1.0.0 and 1.1.0 with ``n`` managed postal codes, 1% of them changed."""
    old, new = row_values(n, seed=seed)
    return _snapshot("1.0.0", old), _snapshot("1.1.0", new)


def _canonical_row(r: dict) -> str:
    """One line of ``values:`` as ``dbplan fmt`` writes it (checked in :func:`canonical`)."""
    region = "null" if r["region_id"] is None else r["region_id"]
    name = f" name: {r['name']}," if "name" in r else ""
    return f"      - {{id: {r['id']}, code: '{r['code']}',{name} region_id: {region}}}"


def canonical(release: str, values: list[dict], *, sample: int = 50) -> str:
    """The canonical text of a release: the writer's own text of the first ``sample``
    rows, which must equal this module's lines for them, with every row's line."""
    from planner.state.yamlio import dump_snapshot

    head = dump_snapshot(_snapshot(release, values[:sample]))
    lines = head.split("\n")
    mine = [_canonical_row(r) for r in values[:sample]]
    start = lines.index(mine[0])
    if lines[start : start + len(mine)] != mine:
        raise AssertionError("bench.rowgen writes rows unlike dbplan's canonical writer")
    body = [_canonical_row(r) for r in values]
    return "\n".join([*lines[:start], *body, *lines[start + len(mine) :]])


def _q(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else json.dumps(value)


def hand_written(release: str, values: list[dict]) -> str:
    """The snapshot as a person writes it: valid, equal in state, not canonical bytes."""
    s = _snapshot(release, values[:1])
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
            if t.name == "postal_codes":  # every cell in a form _q gives, written faster
                out += [
                    f'        - {{id: {d["id"]}, code: "{d["code"]}", '
                    + (f'name: "{d["name"]}", ' if "name" in d else "")
                    + f"region_id: {'null' if d['region_id'] is None else d['region_id']}}}"
                    for d in values
                ]
                continue
            for r in t.rows.rows:
                d = dict(r)
                cells = ", ".join(f"{c.name}: {_q(d[c.name])}" for c in t.columns if c.name in d)
                out.append(f"        - {{{cells}}}")
    return "\n".join(out) + "\n"


def write_project(n: int, outdir: Path, *, form: str = "canonical") -> Path:
    """Write a project with both releases in ``form`` (``canonical`` or ``hand``)."""
    root = Path(outdir)
    (root / "schema_state").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n', encoding="utf-8"
    )
    write = canonical if form == "canonical" else hand_written
    for release, values in zip(("1.0.0", "1.1.0"), row_values(n), strict=True):
        (root / "schema_state" / f"{release}.yaml").write_text(
            write(release, values), encoding="utf-8"
        )
    return root


if __name__ == "__main__":
    write_project(
        int(sys.argv[1]), Path(sys.argv[2]), form=sys.argv[3] if len(sys.argv) > 3 else "canonical"
    )
