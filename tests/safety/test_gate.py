"""The destructive-change gate over the reference releases: ``dbplan generate`` of a pair
that drops tables, columns or rows refuses with exit 4, lists every such operation and writes
nothing; ``--allow-destructive`` writes the revision.
"""

from __future__ import annotations

import pytest

from planner.lint import gated_downgrade_deletes
from planner.ops import Risk
from planner.plan import make_plan
from tests.safety.helpers import (
    REFERENCE,
    dbplan,
    project_files,
    reference_project,
    revision_file,
    snapshot_of,
)

RELEASES = [p.stem for p in REFERENCE]
PAIRS = list(zip(RELEASES, RELEASES[1:], strict=False))


def _destructive(frm: str, to: str) -> list[str]:
    plan = make_plan(snapshot_of(frm), snapshot_of(to))
    up = [o.describe() for o in plan.ops if o.risk == Risk.DESTRUCTIVE]
    # the downgrade's deletes of managed rows other tables reference are gated too
    return up + [f"downgrade: {o.describe()}" for o in gated_downgrade_deletes(plan)]


def test_the_reference_chain_has_destructive_releases():
    assert sum(bool(_destructive(a, b)) for a, b in PAIRS) >= 1


@pytest.mark.parametrize(("frm", "to"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_gate_on_reference_pair(frm, to, tmp_path):
    root = reference_project(tmp_path / "ref")
    target = revision_file(root, to)
    complete = target.read_bytes()
    for later in RELEASES[RELEASES.index(to) :]:
        revision_file(root, later).unlink()
    before = project_files(root)
    destructive = _destructive(frm, to)
    r = dbplan(root, "generate", frm, to, check=False)
    if not destructive:
        assert r.returncode == 0, r.stderr
        return
    assert r.returncode == 4, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    n = len(destructive)
    assert (
        f"refusing to generate {frm} -> {to}: {n} destructive operation{'s' if n != 1 else ''}:"
        in r.stderr
    )
    for d in destructive:
        assert f"  {d}\n" in r.stderr
    assert "pass --allow-destructive" in r.stderr
    assert project_files(root) == before, "the refusal wrote something"
    dbplan(root, "generate", frm, to, "--allow-destructive")
    assert target.read_bytes() == complete
