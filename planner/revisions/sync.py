"""Are the revision files in sync with the snapshots? (``dbplan check``)

One finding line per problem, naming the file:

- a snapshot changed after the revision that produces (or starts from) it was generated;
- a revision names a release whose snapshot does not exist;
- a release has no revision (adopted releases in ``[tool.dbplan.releases]`` count);
- the chain is out of release order: a revision going backwards, skipping a release,
  starting from a revision other than the one producing its FROM release, or two
  revisions producing one release.
"""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from planner.project import EMPTY
from planner.revisions.generation import provenances
from planner.revisions.provenance import Provenance, snapshot_sha256

if TYPE_CHECKING:
    from planner.project import Project
    from planner.state.model import Snapshot


def _order(release: str) -> tuple[int, Version | None]:
    if release == EMPTY:
        return (0, None)
    try:
        return (1, Version(release))
    except InvalidVersion:
        return (2, None)


def _adopted(project: Project) -> dict[str, str]:
    pp = project.root / "pyproject.toml"
    try:
        data = tomllib.loads(pp.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    table = data.get("tool", {}).get("dbplan", {}).get("releases", {})
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


def check_revisions(project: Project, snapshots: dict[str, Snapshot]) -> list[str]:
    """Findings for the revisions of ``project`` against ``snapshots`` (release -> snapshot).

    Example:
        >>> check_revisions(project, {"0.1.0": s010})  # doctest: +SKIP
        ['schema_state/0.1.0.yaml: release 0.1.0 has no revision (dbplan generate empty 0.1.0)']
    """
    provs = provenances(project)
    releases = sorted(snapshots, key=_order)
    hashes: dict[str, str] = {EMPTY: snapshot_sha256(None)}
    for rel, snap in snapshots.items():
        hashes[rel] = snapshot_sha256(snap)
    findings: list[str] = []
    by_release: dict[str, list[Provenance]] = {}
    for p in provs:
        by_release.setdefault(p.to_release, []).append(p)
    producer = {rel: ps[-1].revision for rel, ps in by_release.items()}
    producer.update({rel: rev for rel, rev in _adopted(project).items() if rel not in producer})

    for p in provs:
        assert p.path is not None
        name = project.display(p.path)
        regen = f"regenerate: delete it, then dbplan generate {p.from_release} {p.to_release}"
        for release, recorded, what in (
            (p.from_release, p.from_sha256, "starts from"),
            (p.to_release, p.to_sha256, "produces"),
        ):
            if release != EMPTY and release not in snapshots:
                findings.append(
                    f"{name}: {what} release {release}, but {project.display(project.snapshot_path(release))} does not exist"
                )
            elif recorded and release in hashes and hashes[release] != recorded:
                snap_name = (
                    "the empty state"
                    if release == EMPTY
                    else project.display(project.snapshot_path(release))
                )
                findings.append(
                    f"{name}: {snap_name} changed after this revision was generated ({regen})"
                )
        if _order(p.from_release) >= _order(p.to_release):
            findings.append(
                f"{name}: goes from {p.from_release} to {p.to_release}, backwards in release order"
            )
        else:
            skipped = [
                r for r in releases if _order(p.from_release) < _order(r) < _order(p.to_release)
            ]
            if skipped:
                findings.append(
                    f"{name}: goes from {p.from_release} to {p.to_release}, skipping {', '.join(skipped)}"
                )
        expected = None if p.from_release == EMPTY else producer.get(p.from_release)
        if p.from_release != EMPTY and expected is None:
            findings.append(
                f"{name}: starts from release {p.from_release}, which no revision produces"
            )
        elif p.down_revision != expected:
            findings.append(
                f"{name}: down_revision is {p.down_revision!r}, but release {p.from_release} "
                f"is produced by {expected!r}"
            )
    for release, ps in sorted(by_release.items(), key=lambda kv: _order(kv[0])):
        if len(ps) > 1:
            names = ", ".join(project.display(p.path) for p in ps if p.path is not None)
            findings.append(f"release {release} is produced by {len(ps)} revisions: {names}")
    previous = EMPTY
    for release in releases:
        if release not in producer:
            findings.append(
                f"{project.display(project.snapshot_path(release))}: release {release} has no revision "
                f"(dbplan generate {previous} {release})"
            )
        previous = release
    return findings


def check_sync(project: Project) -> list[str]:
    """Load every snapshot of ``project`` and check its revisions (see module docstring).

    Example:
        >>> check_sync(load_project("."))  # doctest: +SKIP
        []
    """
    from planner.state.prefetch import prefetch
    from planner.state.yamlio import load_snapshot

    prefetch(project.snapshot_path(r) for r in project.releases())
    snapshots = {}
    for release in project.releases():
        path = project.snapshot_path(release)
        snapshots[release] = load_snapshot(path, filename=project.display(path))
    return check_revisions(project, snapshots)
