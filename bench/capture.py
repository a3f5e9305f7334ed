"""Capture benchmark: ``dbplan snapshot --from-db`` against Alembic's reflection.

Part of ``make bench`` (:mod:`bench.run` calls :func:`measure_capture` and adds
:func:`report_lines` to ``docs/benchmarks.md``); ``python -m bench.capture`` runs it alone
and replaces that section of the report.

For each N a PostgreSQL database holds the first release of ``bench.gen`` (N tables with
columns of mixed types, foreign keys, uniques, checks, indexes and enums). Timed, whole
processes on the same database in the same run (medians):

- ``dbplan snapshot --from-db URL --stdout`` (reflection, normal forms, the YAML text);
- the peer: Alembic autogenerate's reflection, ``compare_metadata`` of the database
  against an empty ``MetaData`` (every table reflected to report it as removed);
- for reference, SQLAlchemy's ``MetaData.reflect`` alone.

Environment: ``BENCH_CAPTURE_SIZES`` (default ``500,2000``), ``BENCH_REPEATS`` (default 3;
the peers at most 2 at N >= 2000), ``BENCH_OUT``, ``DBPLAN_TEST_PG_URL``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.run import DBPLAN, PG_URL, ROOT, Timing, _Phase, drop_db, measure

#: the target of issue 17: dbplan at least this many times faster than the peer at N = 2000
TARGET = 3.0
TARGET_N = 2000

COMPARE_SCRIPT = r"""
import sys
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
eng = sa.create_engine(sys.argv[1])
with eng.connect() as conn:
    diffs = compare_metadata(MigrationContext.configure(conn), sa.MetaData())
print(len(diffs))
"""

REFLECT_SCRIPT = r"""
import sys
import sqlalchemy as sa
eng = sa.create_engine(sys.argv[1])
md = sa.MetaData()
with eng.connect() as conn:
    md.reflect(conn)
print(len(md.tables))
"""


def prepare_database(n: int) -> str:
    """A new PostgreSQL database at ``bench.gen``'s first release of N tables; its URL."""
    import sqlalchemy as sa

    from bench.gen import make_pair
    from planner.state.build import metadata_for

    old, _new = make_pair(n)
    name = f"dbplan_bench_capture_{n}_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    eng = sa.create_engine(url)
    md = metadata_for(old, eng.dialect.name)
    tables = md.sorted_tables
    # 200 tables a transaction: thousands in one exceed max_locks_per_transaction
    for i in range(0, len(tables), 200):
        with eng.begin() as conn:
            md.create_all(conn, tables=tables[i : i + 200])
    eng.dispose()
    return url


def measure_capture(
    sizes: list[int], repeats: int, base: Path, spent: dict[str, float], env: dict
) -> dict[tuple[str, int], Timing]:
    """Time dbplan's capture and the peers at each N; every database is dropped after."""
    results: dict[tuple[str, int], Timing] = {}
    compare, reflect = base / "capture_compare.py", base / "capture_reflect.py"
    compare.write_text(COMPARE_SCRIPT, encoding="utf-8")
    reflect.write_text(REFLECT_SCRIPT, encoding="utf-8")
    for n in sizes:
        with _Phase(f"N = {n}: preparing the capture database (PostgreSQL)", spent):
            url = prepare_database(n)
        peer_reps = max(1, min(repeats, 2 if n >= 2000 else 3))
        try:
            results[("capture", n)] = measure(
                "dbplan snapshot --from-db",
                n,
                lambda i, url=url: (
                    [DBPLAN, "snapshot", "-r", "1.0.0", "--from-db", url, "--stdout"],
                    None,
                ),
                repeats,
                env=env,
            )
            results[("capture-alembic", n)] = measure(
                "alembic compare_metadata",
                n,
                lambda i, url=url: ([sys.executable, str(compare), url], None),
                peer_reps,
                env=env,
            )
            results[("capture-reflect", n)] = measure(
                "MetaData.reflect",
                n,
                lambda i, url=url: ([sys.executable, str(reflect), url], None),
                peer_reps,
                env=env,
            )
        finally:
            drop_db(url)
    return results


def report_lines(results: dict[tuple[str, int], Timing], sizes: list[int]) -> list[str]:
    """The report's capture section (Markdown)."""
    lines = [
        "## Capture: `snapshot --from-db` on PostgreSQL (issue 17)",
        "",
        "`bench/capture.py` (part of `make bench`; `python -m bench.capture` runs it alone).",
        "A PostgreSQL database at `bench.gen`'s first release of N tables; whole processes,",
        "medians in seconds. The peer is Alembic autogenerate's reflection:",
        "`compare_metadata` of the database against an empty `MetaData` (every table",
        "reflected, reported as removed). `MetaData.reflect` alone is listed for reference.",
        "dbplan reads each schema with SQLAlchemy's multi-table inspector methods",
        "(`get_multi_columns`, `get_multi_pk_constraint` …: one catalog query per kind for",
        "all tables) and one catalog query for the foreign keys' column lists.",
        "",
        "| N | dbplan snapshot --from-db | Alembic compare_metadata | Alembic ÷ dbplan | "
        "MetaData.reflect | reflect ÷ dbplan | CPU s (dbplan / Alembic / reflect) | "
        "peak MB (dbplan / Alembic) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(t: Timing | None) -> str:
        return f"{t.median:.3f}" if t else "–"

    def ratio(t: Timing | None, ours: Timing | None) -> str:
        return f"{t.median / ours.median:.1f}×" if t and ours else "–"

    for n in sizes:
        ours = results.get(("capture", n))
        peer = results.get(("capture-alembic", n))
        refl = results.get(("capture-reflect", n))
        cpu = " / ".join(f"{t.cpu_median:.2f}" if t else "–" for t in (ours, peer, refl))
        peaks = " / ".join(f"{t.peak_mb:.0f}" if t else "–" for t in (ours, peer))
        lines.append(
            f"| {n} | {cell(ours)} | {cell(peer)} | {ratio(peer, ours)} | {cell(refl)} | "
            f"{ratio(refl, ours)} | {cpu} | {peaks} |"
        )
    ours, peer = results.get(("capture", TARGET_N)), results.get(("capture-alembic", TARGET_N))
    lines.append("")
    if ours and peer:
        r = peer.median / ours.median
        verdict = "met" if r >= TARGET else "**NOT met**"
        lines.append(
            f"- N = {TARGET_N} `snapshot --from-db` vs Alembic's reflection: {r:.2f}× faster "
            f"(target ≥ {TARGET}×) — {verdict}"
        )
        if ours.cpu and peer.cpu:
            rc = peer.cpu_median / ours.cpu_median
            lines.append(
                f"- the same in CPU seconds of the two processes (less affected by the "
                f"machine's load): {rc:.2f}× — {'met' if rc >= TARGET else '**NOT met**'}"
            )
    else:
        lines.append(f"- N = {TARGET_N} `snapshot --from-db` vs Alembic's reflection: not measured")
    lines += ["", "All repeats (seconds):", ""]
    for (_label, n), t in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        lines.append(f"- {t.label}, N = {n}: " + ", ".join(f"{s:.3f}" for s in t.seconds))
    lines.append("")
    return lines


def splice(report: str, section: list[str]) -> str:
    """``report`` with its capture section replaced by ``section`` (appended if absent)."""
    head = section[0]
    lines = report.rstrip("\n").split("\n")
    if head in lines:
        start = lines.index(head)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = section
    else:
        lines += ["", *section]
    return "\n".join(lines).rstrip("\n") + "\n"


def sizes_from_env() -> list[int]:
    quick = os.environ.get("BENCH_QUICK", "").strip() not in ("", "0")
    default = "100" if quick else "500,2000"
    return [int(x) for x in os.environ.get("BENCH_CAPTURE_SIZES", default).split(",") if x]


def main() -> int:
    sizes = sizes_from_env()
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    spent: dict[str, float] = {}
    started = time.perf_counter()
    env = dict(os.environ, NO_COLOR="1")
    with tempfile.TemporaryDirectory(prefix="dbplan-bench-capture-") as tmp:
        results = measure_capture(sizes, repeats, Path(tmp), spent, env)
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "docs" / "benchmarks.md")
    section = report_lines(results, sizes)
    section[-1:-1] = [
        "",
        f"This section's run took {time.perf_counter() - started:.0f} s (load average at the "
        f"end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}); unmeasured steps: "
        + "; ".join(f"{what} {took:.1f} s" for what, took in spent.items())
        + ".",
    ]
    out.write_text(splice(out.read_text(encoding="utf-8") if out.exists() else "", section))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
