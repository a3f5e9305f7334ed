"""``dbplan generate``: two releases -> one Alembic revision file.

:func:`render_revision` is pure (snapshots in, bodies and provenance out);
:func:`generate` loads the project's snapshots, applies the safety gate, finds the
down revision (the revision that produces FROM, from the provenance of existing files)
and writes the file with :func:`planner.revisions.write.write_revision`.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.project import EMPTY
from planner.revisions.provenance import (
    Provenance,
    default_rev_id,
    read_provenance,
    snapshot_sha256,
)
from planner.revisions.write import RevisionError, WrittenRevision, revision_files, write_revision
from planner.state.errors import DbplanError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.dialects import Dialect
    from planner.plan import Plan
    from planner.project import Project
    from planner.state.model import Snapshot

_REV_ID = re.compile(r"^[A-Za-z0-9_]+$")


class DestructiveRefused(DbplanError):
    """The upgrade drops data and ``allow_destructive`` was not given."""

    def __init__(self, operations: tuple[str, ...], *, from_release: str, to_release: str):
        self.operations = operations
        lines = [
            f"refusing to generate {from_release} -> {to_release}: "
            f"{len(operations)} destructive operation{'s' if len(operations) != 1 else ''}:"
        ]
        lines += [f"  {d}" for d in operations]
        lines.append("nothing written; review the plan and pass --allow-destructive to accept")
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedRevision:
    """Everything a revision file holds, before it is written."""

    provenance: Provenance
    rev_id: str
    message: str
    upgrades: str
    downgrades: str
    #: ``describe()`` of each destructive operation of the upgrade
    destructive: tuple[str, ...] = ()
    operations: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerateResult:
    path: Path
    revision: str
    down_revision: str | None
    from_release: str
    to_release: str
    operations: int


def clean_message(message: str) -> str:
    r"""A revision message that keeps any template's docstring valid: one line, ``\`` and ``"`` escaped.

    Example:
        >>> print(clean_message('say "hi"\n now'))
        say \"hi\" now
    """
    one_line = " ".join(message.split())
    return one_line.replace("\\", "\\\\").replace('"', '\\"')


def render_revision(
    old: Snapshot | None,
    new: Snapshot,
    *,
    from_release: str,
    to_release: str,
    rev_id: str | None = None,
    message: str | None = None,
    targets: Sequence[Dialect] | None = None,
) -> RenderedRevision:
    """Plan both directions and render the upgrade and downgrade bodies (no I/O).

    ``old`` None is the empty state before the first release.

    Example:
        >>> r = render_revision(None, s010, from_release="empty", to_release="0.1.0")  # doctest: +SKIP
        >>> r.upgrades.splitlines()[0]                                                # doctest: +SKIP
        '# dbplan: from=empty to=0.1.0'
    """
    planned = plan_revision(
        old,
        new,
        from_release=from_release,
        to_release=to_release,
        rev_id=rev_id,
        message=message,
        targets=targets,
    )
    return planned.render()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedRevision:
    """The upgrade plan of a revision and its names, before the downgrade is planned and
    the bodies rendered (seconds for thousands of tables: :func:`generate` refuses a
    destructive upgrade before that)."""

    up: Plan
    provenance: Provenance
    rev_id: str
    message: str

    @property
    def destructive(self) -> tuple[str, ...]:
        """``describe()`` of each destructive operation of the upgrade, then of each managed-row
        delete of the downgrade that can reach other rows (``downgrade: ...``; see
        :func:`planner.lint.gated_downgrade_deletes`)."""
        from planner.lint import gated_downgrade_deletes
        from planner.ops import Risk

        up = tuple(o.describe() for o in self.up.ops if o.risk == Risk.DESTRUCTIVE)
        return up + tuple(f"downgrade: {o.describe()}" for o in gated_downgrade_deletes(self.up))

    def render(self) -> RenderedRevision:
        """Plan the downgrade; render the upgrade and downgrade bodies (no I/O)."""
        from planner.plan import make_downgrade_plan
        from planner.revisions.emit import render_body

        down = make_downgrade_plan(self.up.old, self.up.new, targets=self.up.targets)
        return RenderedRevision(
            provenance=self.provenance,
            rev_id=self.rev_id,
            message=self.message,
            upgrades=render_body(self.up, header=self.provenance.comment_lines()),
            downgrades=render_body(down, downgrade=True),
            destructive=self.destructive,
            operations=len(self.up.ops),
        )


def plan_revision(
    old: Snapshot | None,
    new: Snapshot,
    *,
    from_release: str,
    to_release: str,
    rev_id: str | None = None,
    message: str | None = None,
    targets: Sequence[Dialect] | None = None,
) -> PlannedRevision:
    """Plan the upgrade and name the revision (:func:`render_revision` up to the
    downgrade plan).

    Example:
        >>> plan_revision(None, s010, from_release="empty", to_release="0.1.0").destructive  # doctest: +SKIP
        ()
    """
    from planner.plan import make_plan
    from planner.state.model import empty_snapshot

    start = old if old is not None else empty_snapshot()
    up = make_plan(start, new, targets=targets)
    prov = Provenance(
        from_release=from_release,
        to_release=to_release,
        from_sha256=snapshot_sha256(old),
        to_sha256=snapshot_sha256(new),
    )
    rid = rev_id or default_rev_id(prov.from_sha256, prov.to_sha256)
    if not _REV_ID.match(rid):
        raise RevisionError(f"invalid revision id {rid!r} (letters, digits and _ only)")
    text = message if message is not None else to_release
    return PlannedRevision(
        up=up, provenance=prov, rev_id=rid, message=clean_message(text) or to_release
    )


def load_release(project: Project, release: str) -> Snapshot | None:
    """The snapshot of ``release`` (None for ``empty``); errors name the file.

    Example:
        >>> load_release(project, "empty") is None  # doctest: +SKIP
        True
    """
    if release == EMPTY:
        return None
    from planner.state.yamlio import load_snapshot

    path = project.snapshot_path(release)
    if not path.is_file():
        known = ", ".join(project.releases()) or "none"
        raise RevisionError(f"no snapshot {project.display(path)} (releases: {known})")
    snapshot = load_snapshot(path, filename=project.display(path))
    gc.freeze()  # long-lived, cycle-free objects: not for the cyclic collector to rescan
    return snapshot


def provenances(project: Project) -> list[Provenance]:
    """The provenance of every revision file dbplan wrote, sorted by path.

    Example:
        >>> [(p.from_release, p.to_release) for p in provenances(project)]  # doctest: +SKIP
        [('empty', '0.1.0'), ('0.1.0', '0.2.0')]
    """
    out = []
    for path in revision_files(project):
        try:
            prov = read_provenance(path)
        except (OSError, UnicodeDecodeError):
            continue
        if prov is not None and prov.revision:
            out.append(prov)
    return out


def release_revisions(project: Project) -> dict[str, str]:
    """``{release: revision id}`` of the releases that generated revisions produce.

    When two revisions produce one release (a regenerated branch), the one whose down
    revision is the other's descendant cannot be told apart by name; the file sorted
    last wins, deterministically.

    Example:
        >>> release_revisions(load_project("."))  # doctest: +SKIP
        {'0.1.0': '1c0d9e2f3a4b', '0.2.0': '5e6f7a8b9c0d'}
    """
    found: dict[str, str] = {}
    for prov in provenances(project):
        assert prov.revision is not None
        found[prov.to_release] = prov.revision
    return dict(sorted(found.items()))


def generate(
    project: Project,
    from_release: str,
    to_release: str,
    *,
    message: str | None = None,
    rev_id: str | None = None,
    allow_destructive: bool = False,
) -> GenerateResult:
    """Write the revision ``from_release -> to_release`` into the project's migrations.

    Raises:
        DestructiveRefused: the upgrade drops data and ``allow_destructive`` is False.
        RevisionError: FROM has no revision yet, or the revision or file exists already.
        SnapshotError: a snapshot is invalid.

    Example:
        >>> generate(project, "empty", "0.1.0").path.name  # doctest: +SKIP
        '1c0d9e2f3a4b_0_1_0.py'
    """
    if from_release == to_release:
        raise RevisionError(f"FROM and TO are the same release {to_release!r}")
    if to_release == EMPTY:
        raise RevisionError("TO cannot be 'empty' (downgrades are written with each revision)")
    from planner.state.prefetch import prefetch

    prefetch(
        (project.snapshot_path(r) for r in (from_release, to_release) if r != EMPTY),
        hashes=True,
    )
    old = load_release(project, from_release)
    new = load_release(project, to_release)
    assert new is not None
    down_revision: str | None = None
    if from_release != EMPTY:
        known = release_revisions(project)
        if from_release not in known:
            raise RevisionError(
                f"release {from_release} has no revision yet: generate it first "
                f"(dbplan generate <previous release> {from_release}), or start from empty"
            )
        down_revision = known[from_release]
    planned = plan_revision(
        old,
        new,
        from_release=from_release,
        to_release=to_release,
        rev_id=rev_id,
        message=message,
        targets=project.targets,
    )
    if planned.destructive and not allow_destructive:
        raise DestructiveRefused(
            planned.destructive, from_release=from_release, to_release=to_release
        )
    rendered = planned.render()
    written: WrittenRevision = write_revision(
        project,
        rev_id=rendered.rev_id,
        down_revision=down_revision,
        message=rendered.message,
        upgrades=rendered.upgrades,
        downgrades=rendered.downgrades,
    )
    return GenerateResult(
        path=written.path,
        revision=written.revision,
        down_revision=down_revision,
        from_release=from_release,
        to_release=to_release,
        operations=rendered.operations,
    )
