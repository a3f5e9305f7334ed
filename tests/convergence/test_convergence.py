"""Convergence: for generated snapshot pairs (A, B) on a real database, the generated
revision takes a database built from A to exactly B, and its downgrade back to A.

For each pair: ``create_from_snapshot(A)`` on an emptied database, render the revision
A -> B into a temporary Alembic environment, ``upgrade``, capture == B; ``downgrade``,
capture == A (compared with ``planner.runtime.verify.compare_snapshots``).

* ``test_convergence``: ``CONVERGENCE_EXAMPLES`` (40) pairs per dialect, in ``make test``.
* ``test_soak`` (marked ``slow``): ``DBPLAN_SOAK`` pairs per dialect (``make soak N=...``).
* ``test_regression_case``: every pair kept under ``tests/cases/convergence/<name>/``.

A failing example is shrunk by Hypothesis; the shrunk pair (the last failing call) is
written to ``.hypothesis/convergence/<dialect>/{before,after}.yaml`` so it can be kept
as a regression case: copy the folder to ``tests/cases/convergence/<name>/``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from planner.state.yamlio import dump_snapshot, load_snapshot
from tests.dbcases import dialect_of, prepare, reset_database, run_chain
from tests.planner.strategies import snapshot_pairs

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "convergence"
FAILURES = ROOT / ".hypothesis" / "convergence"
CONVERGENCE_EXAMPLES = int(os.environ.get("DBPLAN_CONVERGENCE_EXAMPLES", "40"))
SOAK = int(os.environ.get("DBPLAN_SOAK", "0") or 0)

#: Open bugs found by this suite, each kept as a regression case under
#: tests/cases/convergence/<case>/: (case, dialects, failure pattern, what is wrong).
#: A generated pair failing with a known pattern is counted (``known``) and rejected,
#: so the suite keeps looking for new kinds of failure; the regression cases xfail
#: (strictly: a fix makes them pass and asks for its line here to be removed).
KNOWN: tuple[tuple[str, frozenset[str], str, str], ...] = ()

#: regression cases that also fail on another dialect, for another reason
ALSO_FAILS: dict[tuple[str, str], str] = {}


def known_failure(dialect: str, failure: str) -> str | None:
    """The regression case a failure is an instance of, if it is a known one."""
    import re

    for case, dialects, pattern, _ in KNOWN:
        if dialect in dialects and re.search(pattern, failure):
            return case
    return None


#: figures of the runs of this session, printed at the end of the soak
FIGURES: dict[str, dict[str, float]] = {}

_SETTINGS = dict(
    # CI explores a fixed set of pairs (reproducible runs); developers and the soak explore
    # new ones every run, where new kinds of failure are found and kept as cases
    derandomize=os.environ.get("CI") == "true" and not SOAK,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def converge(url: str, a, b, *, record: str) -> None:
    """Run the pair on ``url`` (emptied first); fail naming each difference.

    With ``DBPLAN_CONVERGENCE_COLLECT=<dir>`` a failing pair is written to
    ``<dir>/<dialect>/<hash>/`` (``before.yaml``, ``after.yaml``, ``failure.txt``) and the
    run goes on (no shrinking): a survey of every kind of failure in one run.
    """
    dialect = dialect_of(url)
    snaps = prepare([a, b], dialect)
    if snaps is None:  # counted: the strategy should make few pairs a dialect cannot run
        unusable = FIGURES.setdefault(f"{record}:{dialect}:unusable", {"pairs": 0})
        unusable["pairs"] += 1
    assume(snaps is not None)
    reset_database(url)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dbplan_conv") as tmp:
        try:
            found, ops = run_chain(url, Path(tmp) / "proj", snaps, [0, 1])
        except Exception as e:  # noqa: BLE001 - reported below with the pair
            found, ops = [f"{type(e).__name__}: {e}"], 0
            error: Exception | None = e
        else:
            error = None
    fig = FIGURES.setdefault(
        f"{record}:{dialect}", {"pairs": 0, "ops": 0, "seconds": 0.0, "failed": 0}
    )
    fig["pairs"] += 1
    fig["ops"] += ops
    fig["seconds"] += time.perf_counter() - started
    if not found:
        return
    known = known_failure(dialect, "\n".join(found))
    collect = os.environ.get("DBPLAN_CONVERGENCE_COLLECT")
    if known is not None:
        fig["known"] = fig.get("known", 0) + 1
        if collect:  # a survey counts the known kinds too: <dir>/<dialect>/known/<case>/
            _keep(
                snaps, Path(collect) / dialect / "known" / (known or "_unnamed"), "\n".join(found)
            )
        assume(False)  # an open bug with its regression case (KNOWN)
    fig["failed"] += 1
    if collect:
        _keep(snaps, Path(collect) / dialect, "\n".join(found))
        return
    _keep(snaps, FAILURES / dialect, "\n".join(found))
    if error is not None:
        raise error
    pytest.fail("the revision does not converge:\n" + "\n".join(found))


def _keep(snaps, folder: Path, failure: str) -> None:
    """Write the failing pair where a person can pick it up as a regression case."""
    import hashlib

    texts = [dump_snapshot(s) for s in snaps]
    if folder.parent.name != "convergence":  # a survey: one folder per pair
        folder = folder / hashlib.sha256("".join(texts).encode()).hexdigest()[:10]
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in zip(("before", "after"), texts, strict=True):
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    (folder / "failure.txt").write_text(failure + "\n", encoding="utf-8")


@given(pair=snapshot_pairs(max_tables=3))
@settings(max_examples=CONVERGENCE_EXAMPLES, **_SETTINGS)
def test_convergence(reused_db, pair):
    a, b = pair
    converge(reused_db, a, b, record="convergence")


@pytest.mark.slow
@pytest.mark.skipif(
    not SOAK, reason="set DBPLAN_SOAK=N (make soak N=...) to run N pairs per dialect"
)
@given(pair=snapshot_pairs(max_tables=4))
@settings(max_examples=max(SOAK, 1), **_SETTINGS)
def test_soak(reused_db, pair):
    a, b = pair
    converge(reused_db, a, b, record="soak")


def teardown_module(module) -> None:  # noqa: ARG001 - pytest hook
    if FIGURES and os.environ.get("DBPLAN_SOAK_REPORT"):
        lines = [
            f"{k}: {v['pairs']:.0f} pairs, {v['ops']:.0f} operations applied, "
            f"{v['failed']:.0f} failed, {v.get('known', 0):.0f} known (rejected), {v['seconds']:.1f} s"
            if "ops" in v
            else f"{k}: {v['pairs']:.0f} pairs prepare() left out (the dialect cannot run them)"
            for k, v in sorted(FIGURES.items())
        ]
        report = Path(os.environ["DBPLAN_SOAK_REPORT"])
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # each xdist worker runs its own dialects: one report each
            report = report.with_name(f"{report.stem}.{worker}{report.suffix}")
        report.write_text("\n".join(lines) + "\n", encoding="utf-8")


CASE_DIRS = (
    sorted(p for p in CASES.iterdir() if (p / "before.yaml").is_file()) if CASES.is_dir() else []
)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_regression_case(case, reused_db, request):
    dialect = dialect_of(reused_db)
    for name, dialects, _, why in KNOWN:
        if name == case.name and dialect in dialects:
            request.applymarker(pytest.mark.xfail(reason=why, strict=True))
    if (case.name, dialect) in ALSO_FAILS:
        request.applymarker(pytest.mark.xfail(reason=ALSO_FAILS[case.name, dialect], strict=True))
    a = load_snapshot(case / "before.yaml", expected_release=False)
    b = load_snapshot(case / "after.yaml", expected_release=False)
    snaps = prepare([a, b], dialect_of(reused_db))
    if snaps is None:
        pytest.skip(f"{case.name} cannot run on {dialect_of(reused_db)}")
    reset_database(reused_db)
    with tempfile.TemporaryDirectory(prefix="dbplan_conv") as tmp:
        found, _ = run_chain(reused_db, Path(tmp) / "proj", snaps, [0, 1])
    assert found == []
