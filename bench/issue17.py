"""Issue 17's workloads for ``make bench``: managed rows, a tiny project, ``--help``, and
``verify`` of a 5-release chain.

- Row-heavy plans (``bench.rowgen``): 100,000 and 1,000,000 managed rows, 1% changed,
  canonical and hand-written files, cold (an empty cache directory per run) and warm.
  Row diffs have no peer (Alembic autogenerate compares schema only).
- ``plan`` on the repository's own reference project (5 tables in its newest releases).
- ``dbplan --help`` and ``python -m planner --help``.
- ``verify --url`` (PostgreSQL) of a 5-release chain of N = 500 tables (``bench.gen``
  releases, one revision per step written by ``dbplan generate``); no peer is measured
  (Alembic has no command that proves a chain against snapshots).

Environment: ``BENCH_QUICK=1`` leaves out the 1,000,000-row runs (about 5 of the
run's minutes) and verifies a chain of N = 100; ``BENCH_ROWS`` (default ``100000,1000000``) the row counts;
``BENCH_VERIFY=0`` leaves out the verify chain. ``python -m bench.issue17`` runs this
part alone and writes ``BENCH_OUT`` (default ``bench/out/issue17.md``).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.run import DBPLAN, PG_URL, ROOT, Timing, _Phase, measure, measure_cold, run_process

#: the address space a 1,000,000-row run may take (``prlimit --as``)
MEMORY_CAP = 4 << 30
#: (label, key) of the rows measured, in report order
_FORMS = (("canonical", "canonical files"), ("hand", "hand-written files"))
#: issue 17's targets: (key, what, limit, unit)
_TARGETS = (
    (("rows-cold", "canonical", 100_000), "100,000 rows `plan`, cold, canonical files", 2.0, " s"),
    (("rows-cold", "hand", 100_000), "100,000 rows `plan`, cold, hand-written files", 2.0, " s"),
    (("rows-warm", "canonical", 100_000), "100,000 rows `plan`, warm, canonical files", 0.6, " s"),
    (("rows-warm", "hand", 100_000), "100,000 rows `plan`, warm, hand-written files", 0.6, " s"),
    (("rows-cold", "canonical", 1_000_000), "1,000,000 rows `plan`, cold, canonical", 15.0, " s"),
    (("rows-cold", "hand", 1_000_000), "1,000,000 rows `plan`, cold, hand-written", 15.0, " s"),
    (("tiny", "", 0), "`plan` on the 5-table reference project", 0.20, " s"),
    (("help", "", 0), "`dbplan --help`", 0.10, " s"),
    (("help-m", "", 0), "`python -m planner --help`", 0.10, " s"),
)
#: peak memory targets: (key, what, limit in MB)
_PEAKS = (
    (("rows-cold", "canonical", 100_000), "100,000 rows, cold, canonical", 300),
    (("rows-cold", "hand", 100_000), "100,000 rows, cold, hand-written", 300),
    (("rows-warm", "canonical", 100_000), "100,000 rows, warm, canonical", 300),
    (("rows-cold", "canonical", 1_000_000), "1,000,000 rows, cold, canonical", 2000),
    (("rows-cold", "hand", 1_000_000), "1,000,000 rows, cold, hand-written", 2000),
)


@dataclasses.dataclass
class Results:
    timings: dict[tuple, Timing] = dataclasses.field(default_factory=dict)
    spent: dict[str, float] = dataclasses.field(default_factory=dict)
    notes: list[str] = dataclasses.field(default_factory=list)
    loads: list[tuple[float, float, float]] = dataclasses.field(default_factory=list)


#: what the last (or running) measurement found: ``section()`` reports it
RESULTS = Results()


def _rows_sizes() -> list[int]:
    sizes = [int(x) for x in os.environ.get("BENCH_ROWS", "100000,1000000").split(",") if x]
    if os.environ.get("BENCH_QUICK", "").strip() not in ("", "0"):
        sizes = [n for n in sizes if n < 1_000_000]
    return sizes


def run_rows(base: Path, env: dict, cold_env, repeats: int, res: Results = RESULTS) -> None:
    """The row-heavy plans: each size and file form, cold then warm."""
    for n in _rows_sizes():
        big = n >= 1_000_000
        for form, _ in _FORMS:
            with _Phase(f"rows N = {n}, {form}: writing the project", res.spent):
                root = base / f"rows-{n}-{form}"
                _in_child(
                    f"from bench.rowgen import write_project; write_project({n}, {str(root)!r}, form={form!r})"
                )
            argv = [DBPLAN, "-C", str(root), "plan"]
            if big and shutil.which("prlimit"):
                # a shared machine: a run that would take far more than its target's 2 GB
                # stops at MEMORY_CAP of address space (reported, not measured)
                argv = ["prlimit", f"--as={MEMORY_CAP}", *argv]
            try:
                res.timings[("rows-cold", form, n)] = measure_cold(
                    f"plan {n:,} rows, {form} (cold)",
                    n,
                    argv,
                    1 if big else min(repeats, 3),
                    cold_env,
                )
                run_process(argv, env=env)  # fills the shared cache
                res.timings[("rows-warm", form, n)] = measure(
                    f"plan {n:,} rows, {form} (warm)",
                    n,
                    lambda i, argv=argv: (argv, None),
                    1 if big else repeats,
                    env=env,
                )
            except RuntimeError as e:
                last = [line for line in str(e).splitlines() if line.strip()][-1:]
                res.notes.append(
                    f"`plan` of {n:,} rows, {form}: failed"
                    + (f" under a {MEMORY_CAP >> 30} GiB address-space cap" if big else "")
                    + (f" ({last[0].strip()[:160]})" if last else "")
                )
            shutil.rmtree(root, ignore_errors=True)


def run_small(env: dict, repeats: int, res: Results = RESULTS) -> None:
    """``plan`` on the reference project, and ``--help``."""
    reps = max(repeats, 5)
    # planner's bytecode, as an installed package has it (PYTHONDONTWRITEBYTECODE would
    # otherwise have every process compile every module it imports)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "planner")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    argv = [DBPLAN, "-C", str(ROOT), "plan"]
    run_process(argv, env=env)
    res.timings[("tiny", "", 0)] = measure(
        "plan, reference project", 0, lambda i: (argv, None), reps, env=env
    )
    res.timings[("help", "", 0)] = measure(
        "dbplan --help", 0, lambda i: ([DBPLAN, "--help"], None), reps, env=env
    )
    res.timings[("help-m", "", 0)] = measure(
        "python -m planner --help",
        0,
        lambda i: ([sys.executable, "-m", "planner", "--help"], None),
        reps,
        env=env,
    )


def _chain(n: int, releases: int):
    """``releases`` snapshots of ``n`` tables, each changing about 10% of the last one's
    tables (``bench.gen.make_new``); the tables a step adds get names of their own."""
    from bench.gen import make_new, make_old

    def clashes(t) -> bool:  # a table changed twice may add a column or index again
        for names in ([c.name for c in t.columns], [ix.name for ix in t.indexes]):
            if len(set(names)) != len(names):
                return True
        return False

    chain = [make_old(n)]
    for step in range(1, releases):
        prev = chain[-1]
        before = {t.name: t for t in prev.tables}
        new = make_new(prev, seed=20261126 + step)
        tables = []
        for t in new.tables:
            if t.name.startswith("added_") and t.name not in before:
                old_name, name = t.name, t.name.replace("added_", f"added{step}_", 1)
                t = dataclasses.replace(
                    t,
                    name=name,
                    primary_key=dataclasses.replace(t.primary_key, name=f"pk_{name}"),
                    foreign_keys=tuple(
                        dataclasses.replace(fk, name=fk.name.replace(old_name, name, 1))
                        for fk in t.foreign_keys
                    ),
                    indexes=tuple(
                        dataclasses.replace(ix, name=ix.name.replace(old_name, name, 1))
                        for ix in t.indexes
                    ),
                )
            elif clashes(t):
                t = before[t.name]
            tables.append(t)
        chain.append(
            dataclasses.replace(
                new, release=f"1.{step}.0", tables=tuple(sorted(tables, key=lambda t: t.name))
            )
        )
    return chain


def _in_child(code: str) -> None:
    """Run ``code`` in a Python process of its own: generating a workload in this process
    would grow it, and Linux counts the memory of the process a command is forked from
    in the command's peak RSS (``ru_maxrss`` survives ``exec``)."""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def prepare_chain(n: int, base: Path | str, releases: int = 5) -> Path:
    """A project with ``releases`` snapshots and a revision for each step."""
    from planner.state.yamlio import dump_snapshot

    root = Path(base) / f"chain-{n}"
    (root / "schema_state").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.dbplan]\nsnapshots = "schema_state"\nmigrations = "migrations"\n'
        'dialects = ["postgresql"]\n',
        encoding="utf-8",
    )
    chain = _chain(n, releases)
    for s in chain:
        (root / "schema_state" / f"{s.release}.yaml").write_text(dump_snapshot(s), encoding="utf-8")
    shutil.copytree(
        ROOT / "migrations",
        root / "migrations",
        ignore=shutil.ignore_patterns("versions", "__pycache__"),
    )
    (root / "migrations" / "versions").mkdir()
    env = dict(os.environ, DBPLAN_CACHE="0")
    steps = ["empty", *[s.release for s in chain]]
    for a, b in zip(steps, steps[1:], strict=False):
        subprocess.run(
            [DBPLAN, "-C", str(root), "generate", a, b, "--allow-destructive", "-m", f"to {b}"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(root / "migrations" / "versions")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return root


def run_verify(base: Path, env: dict, res: Results = RESULTS, n: int = 500) -> None:
    """``dbplan verify --url`` (PostgreSQL) of a 5-release chain of ``n`` tables."""
    if os.environ.get("BENCH_VERIFY", "1").strip() in ("0", "no", "off"):
        return
    with _Phase(f"verify N = {n}: writing 5 releases and their revisions", res.spent):
        root = base / f"chain-{n}"
        _in_child(f"from bench.issue17 import prepare_chain; prepare_chain({n}, {str(base)!r})")
    argv = [DBPLAN, "-C", str(root), "verify", "--url", PG_URL]
    try:
        res.timings[("verify", "", n)] = measure(
            "verify, 5 releases (PG)", n, lambda i: (argv, None), 1, env=env
        )
    except RuntimeError as e:  # reported, not fatal: the rest of the run stands
        res.notes.append(f"verify N = {n} failed: {str(e).splitlines()[0]}")
    shutil.rmtree(root, ignore_errors=True)


def run(base: Path, env: dict, cold_env, repeats: int, res: Results = RESULTS) -> Results:
    """Every workload of this module; the results are also kept in ``RESULTS``."""
    res.loads.append(os.getloadavg())
    run_small(env, repeats, res)
    run_rows(base, env, cold_env, repeats, res)
    quick = os.environ.get("BENCH_QUICK", "").strip() not in ("", "0")
    run_verify(base, env, res, n=100 if quick else 500)
    res.loads.append(os.getloadavg())
    return res


def section(res: Results = RESULTS) -> list[str]:
    """The report's lines on issue 17's workloads."""
    t = res.timings
    if not t:
        return []
    lines = [
        "## Managed rows, a tiny project, `--help`, `verify` (issue 17)",
        "",
        "Produced by `bench/issue17.py` in the same run. Rows: one managed table of N postal",
        "codes (`bench/rowgen.py`: `id`, `code` (the key, unique), `name`, `region_id` (a",
        "foreign key to 40 managed regions); from 500,000 rows on without `name`, because",
        "1,000,000 rows of four columns make files over the loader's 64 MiB limit), 1% of",
        "the rows changed (a third updated, a third deleted, a third inserted). Canonical",
        "files are what `dbplan fmt` writes; hand-written files hold the same state with",
        "double-quoted strings, reordered column keys, deeper indentation and a comment.",
        "Row diffs have no peer: Alembic autogenerate compares schema only.",
    ]
    if res.loads:
        lines.append(
            "Load average (1, 5, 15 min) at the start of this part: "
            + ", ".join(f"{x:.1f}" for x in res.loads[0])
            + (
                "; at its end: " + ", ".join(f"{x:.1f}" for x in res.loads[-1])
                if len(res.loads) > 1
                else ""
            )
            + "."
        )
    lines += [
        "",
        "| rows | files | plan cold (s) | CPU cold (s) | peak MB cold | plan warm (s) | "
        "CPU warm (s) | peak MB warm |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sorted({k[2] for k in t if k[0].startswith("rows")}):
        for form, what in _FORMS:
            c, w = t.get(("rows-cold", form, n)), t.get(("rows-warm", form, n))
            if not c and not w:
                continue

            def cells(x: Timing | None) -> str:
                if x is None:
                    return "– | – | –"
                return f"{x.median:.2f} | {x.cpu_median:.2f} | {x.peak_mb:.0f}"

            lines.append(f"| {n:,} | {what} | {cells(c)} | {cells(w)} |")
    lines.append("")
    for key, label in (
        (("tiny", "", 0), "`dbplan plan` on the reference project"),
        (("help", "", 0), "`dbplan --help`"),
        (("help-m", "", 0), "`python -m planner --help`"),
        (("verify", "", 100), "`dbplan verify --url` (PostgreSQL), 5 releases of N = 100 tables"),
        (("verify", "", 500), "`dbplan verify --url` (PostgreSQL), 5 releases of N = 500 tables"),
    ):
        x = t.get(key)
        if x is not None:
            lines.append(
                f"- {label}: {x.median:.3f} s (CPU {x.cpu_median:.3f} s, peak {x.peak_mb:.0f} MB)"
            )
    lines += [f"- {note}" for note in res.notes]
    lines += [
        "",
        "### Targets (issue 17), as measured in this run",
        "",
        "Medians of whole processes (wall seconds; CPU seconds of the process beside them:",
        "the machine's load shows in the first, much less in the second).",
        "",
        "| target | limit | figure | CPU | met |",
        "|---|---:|---:|---:|---|",
    ]
    for key, what, limit, unit in _TARGETS:
        x = t.get(key)
        if x is None:
            lines.append(f"| {what} | ≤ {limit}{unit} | not measured | – | – |")
            continue
        ok = "met" if x.median <= limit else "**NOT met**"
        lines.append(
            f"| {what} | ≤ {limit}{unit} | {x.median:.2f}{unit} | {x.cpu_median:.2f}{unit} | {ok} |"
        )
    for key, what, limit in _PEAKS:
        x = t.get(key)
        if x is None:
            lines.append(f"| {what}, peak memory | ≤ {limit} MB | not measured | – | – |")
            continue
        ok = "met" if x.peak_mb <= limit else "**NOT met**"
        lines.append(f"| {what}, peak memory | ≤ {limit} MB | {x.peak_mb:.0f} MB | – | {ok} |")
    lines += [
        "",
        "### Where the time goes (rows), and what was done",
        "",
        "- Validation of rows (`validate._check_rows`) parses and spells each column's type",
        "  once (`coltypes.value_checker`), checks a row whose values all fit in one pass",
        "  (a row with a problem takes the per-value path, with the same messages), and",
        "  gathers the parent keys of row references once per table. It was most of a",
        "  cold run (re-parsing the type for every value); it is now a small share.",
        "- The row diff (`rows.diff_rows`) computes every row's key once per side and skips",
        "  a matched row equal to its old one without building dictionaries.",
        "- The cache reads and writes a row of plain values without a call per value.",
        "- Reading: a `values:` block of one-line flow mappings (what `dbplan fmt` writes,",
        "  and what people write by hand in the same form) is read line by line inside",
        "  the reference reader (`planner/state/rowlines.py`: one pattern per row shape,",
        "  a column converted at a time); PyYAML composes the rest of the file, and",
        "  anything unusual (or any problem) goes to PyYAML whole, so both file forms take",
        "  the same path and every problem keeps its file:line:column.",
        "- Validation asks first, a column at a time, whether any row has a problem",
        "  (`planner/state/rowcheck.py`); only a table that has one is checked row by row.",
        "- Of a warm run: decoding the two cache entries (one frozen row object per row),",
        "  the row diff (keys taken a column at a time), and the imports.",
        "- `plan` imports sqlglot only when two SQL fragments differ as text or a snapshot",
        "  is validated, and networkx only to report or break a cycle (`planner/digraph.py`",
        "  holds the part of it a plan uses).",
    ]
    lines += ["", "Repeats (seconds):", ""]
    lines += [f"- {x.label}: " + ", ".join(f"{s:.3f}" for s in x.seconds) for x in t.values()]
    if res.spent:
        lines += ["", "Unmeasured steps of this part:", ""]
        lines += [f"- {what}: {took:.1f} s" for what, took in res.spent.items()]
    lines.append("")
    return lines


def main() -> int:
    import tempfile

    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dbplan-bench17-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, NO_COLOR="1", DBPLAN_CACHE_DIR=str(base / "cache"))
        env.pop("DBPLAN_CACHE", None)
        count = [0]

        def cold_env() -> dict:
            count[0] += 1
            return dict(env, DBPLAN_CACHE_DIR=str(base / f"cold-cache-{count[0]}"))

        run(base, env, cold_env, repeats)
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "bench" / "out" / "issue17.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "\n".join([*section(), f"Took {time.perf_counter() - started:.0f} s.", ""]),
        encoding="utf-8",
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
