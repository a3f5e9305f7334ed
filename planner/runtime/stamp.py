"""``dbplan stamp``: record a revision in a database whose schema already is its release.

A database built by the application's ``metadata.create_all``, restored from a dump, or
repaired by hand after a revision failed part-way holds a release's schema but not its
revision. Alembic's ``stamp`` records the revision without running anything; this
module first proves the database *is* that release — the comparison ``dbplan drift``
makes — and stamps only when it is, so a stamp never hides a difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.runtime.config import alembic_errors, database_url, redact
from planner.runtime.errors import MigrationError

if TYPE_CHECKING:
    from planner.project import Project

#: the target that removes the record of any revision
BASE = "base"


@dataclass(frozen=True)
class StampResult:
    """What ``stamp`` found and did (``stamped`` is False when the check found differences)."""

    url: str
    before: tuple[str, ...]
    revision: str | None
    release: str | None
    checked: bool
    differences: tuple[str, ...] = ()

    @property
    def stamped(self) -> bool:
        return not self.differences


def stamp_checked(
    project: Project, target: str, *, url: str | None = None, check: bool = True
) -> StampResult:
    """Stamp the database at ``target`` (a release, a revision or ``base``).

    With ``check`` (the default) the database is first captured and compared with the
    snapshot of the release ``target`` produces; it is stamped only when they agree.

    Raises:
        MigrationError: ``target`` is unknown; or ``check`` is asked for a revision that
            produces no release with a snapshot (nothing to compare with: stamp with
            ``check=False`` if you are sure).

    Example:
        >>> stamp_checked(project, "0.2.0", url="sqlite:///app.sqlite").stamped
        True
    """
    from alembic import command

    from planner.runtime.apply import current_heads
    from planner.runtime.config import alembic_config
    from planner.runtime.releases import resolve_target, revision_releases

    url = database_url(project, url)
    before = current_heads(url)
    if target == BASE:
        with alembic_errors(url):
            command.stamp(alembic_config(project, url), BASE, purge=True)
        return StampResult(url=url, before=before, revision=None, release=None, checked=False)
    revision = resolve_target(project, target)
    release = revision_releases(project).get(revision)
    differences: tuple[str, ...] = ()
    if check:
        differences = _differences(project, url, revision, release)
    if not differences:
        with alembic_errors(url):
            command.stamp(alembic_config(project, url), revision, purge=True)
    return StampResult(
        url=url,
        before=before,
        revision=revision,
        release=release,
        checked=check,
        differences=differences,
    )


def _differences(project: Project, url: str, revision: str, release: str | None) -> tuple[str, ...]:
    from planner.runtime.verify import _dialect, _load, compare_snapshots
    from planner.state.capture import capture_for, normalise_for

    files = project.snapshot_files()
    if release is None or release not in files:
        raise MigrationError(
            f"revision {revision} produces no release with a snapshot in "
            f"{project.display(project.snapshots_dir)}/, so {redact(url)} cannot be compared "
            "with it; stamp with --no-check if you know the database holds that revision's "
            "schema"
        )
    snapshot = _load(files[release])
    with alembic_errors(url):
        got = capture_for(url, snapshot)
    dialect = _dialect(url)
    return tuple(compare_snapshots(got, normalise_for(snapshot, dialect), dialect=dialect))
