"""Where ``dbplan verify`` starts, and the moves it makes from there.

A project built by dbplan from the start is verified from ``base``: every revision up,
then every one down. An **adopted** project (``[tool.dbplan.releases]``) has a history
dbplan did not write — its old revisions may no longer run under today's SQLAlchemy —
so by default it is verified from the oldest release that has a snapshot and a
revision: that release's database is set up from the snapshot and stamped at its
revision, then every later revision is proved up and back down to it.

``--from RELEASE`` starts at another release; ``--from-base`` replays the whole chain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.runtime.errors import MigrationError

if TYPE_CHECKING:
    from planner.project import Project

#: the start that replays the chain from its first revision
BASE = "base"
#: the direction of the first move when verify starts at a release
SETUP = "setup"

Move = tuple[str, str | None, str | None]


def verify_start(project: Project, start: str | None = None) -> tuple[str, str] | None:
    """``(release, revision)`` verify starts at, or ``None`` for the first revision.

    ``start``: ``None`` (the default: the oldest release with a snapshot and a revision
    for an adopted project, else base), :data:`BASE`, or a release name.

    Example:
        >>> verify_start(load_project("adopted"))
        ('1.0.0', 'ae1027a6acf')
        >>> verify_start(project) is None  # not adopted: from base
        True
    """
    from planner.project import ProjectError
    from planner.runtime.releases import adopted_releases, release_revisions

    if start == BASE:
        return None
    files = project.snapshot_files()
    known = release_revisions(project)
    if start is not None:
        if start not in files:
            raise MigrationError(
                f"--from {start}: no snapshot {start}.yaml in "
                f"{project.display(project.snapshots_dir)}/ (releases: {', '.join(files) or 'none'})"
            )
        if start not in known:
            raise MigrationError(
                f"--from {start}: no revision produces release {start} yet "
                "(run `dbplan generate`, or start from an earlier release)"
            )
        return start, known[start]
    if not adopted_releases(project):
        return None
    try:
        releases = project.releases()
    except ProjectError as e:
        raise MigrationError(str(e)) from e
    for release in releases:
        if release in known:
            return release, known[release]
    return None


def _segment(project: Project, start_rev: str) -> list[tuple[str, str | None]]:
    """``(revision, release)`` from just after ``start_rev`` to the head, oldest first."""
    from planner.runtime.releases import history

    infos = {r.revision: r for r in history(project)}
    heads = [r.revision for r in infos.values() if r.is_head]
    if len(heads) != 1:
        raise MigrationError(
            f"verify needs one head; the history has {len(heads)} ({', '.join(sorted(heads))}): "
            "merge them first"
        )
    out: list[tuple[str, str | None]] = []
    rev = heads[0]
    while rev != start_rev:
        info = infos[rev]
        if len(info.down_revisions) != 1:
            what = "merges" if info.down_revisions else "is the first revision"
            raise MigrationError(
                f"verify from revision {start_rev}: {start_rev} is not below the head on a "
                f"linear chain (revision {rev} {what}); pick another start with --from"
            )
        out.append((rev, info.release))
        rev = info.down_revisions[0]
    return list(reversed(out))


def verify_moves(project: Project, start: str | None = None) -> list[Move]:
    """The moves of a verify: ``(direction, revision after, release)``.

    From base: every revision ``upgrade``, then ``downgrade`` to each earlier one and to
    base (``None``). From a release: first ``setup`` of that release (its snapshot,
    stamped at its revision), then every later revision up and back down to it.

    Example:
        >>> verify_moves(load_project("adopted"))
        [('setup', 'ae1027a6acf', '1.0.0')]
        >>> verify_moves(project)[:2]
        [('upgrade', 'a1', '0.1.0'), ('upgrade', 'b2', '0.2.0')]
    """
    from planner.runtime.releases import history

    begin = verify_start(project, start)
    if begin is not None:
        release, revision = begin
        chain = _segment(project, revision)
        moves: list[Move] = [(SETUP, revision, release)]
        moves += [("upgrade", rev, rel) for rev, rel in chain]
        below = [(revision, release), *chain[:-1]]
        moves += [("downgrade", rev, rel) for rev, rel in reversed(below)] if chain else []
        return moves
    infos = history(project)
    chain = [(r.revision, r.release) for r in infos]
    if any(len(r.down_revisions) > 1 for r in infos):
        raise MigrationError(
            "verify from base needs a linear revision chain, and this one merges: "
            "start from a release after the merge (`dbplan verify --from RELEASE`)"
        )
    moves = [("upgrade", rev, rel) for rev, rel in chain]
    for rev, rel in reversed(chain[:-1]):
        moves.append(("downgrade", rev, rel))
    if chain:
        moves.append(("downgrade", None, None))
    return moves
