"""Runtime: apply revisions to a database, set it up from a snapshot, scaffold projects.

Public API::

    alembic_config(project, url=None) -> alembic.config.Config
    database_url(project, url=None) -> str
    upgrade(project, target="head", *, url=None) -> Transition
    downgrade(project, target, *, url=None) -> Transition
    current(project, *, url=None) -> Transition
    history(project) -> tuple[RevisionInfo, ...]
    setup(project, *, release=None, url=None, force=False, stamp_revision=True) -> SetupResult
    stamp(project, revision, *, url=None) -> None
    release_revisions(project) -> dict[release, revision]   (adopted + generated)
    adopted_releases(project) -> dict[release, revision]    ([tool.dbplan.releases])
    resolve_target(project, target) -> str                  (release or revision -> revision)
    init_project(directory, *, url=None) -> InitResult
    adopt_project(directory, *, from_db, release) -> AdoptResult
"""

from __future__ import annotations

from planner.runtime.apply import (
    SetupResult,
    Transition,
    current,
    current_heads,
    downgrade,
    setup,
    stamp,
    upgrade,
)
from planner.runtime.config import alembic_config, database_url, redact, script_directory
from planner.runtime.errors import MigrationError
from planner.runtime.releases import (
    RELEASES_KEY,
    RevisionInfo,
    adopted_releases,
    history,
    release_revisions,
    resolve_target,
    revision_releases,
)
from planner.runtime.scaffold import AdoptResult, InitResult, adopt_project, init_project

__all__ = [
    "AdoptResult",
    "InitResult",
    "RELEASES_KEY",
    "MigrationError",
    "RevisionInfo",
    "SetupResult",
    "Transition",
    "adopt_project",
    "adopted_releases",
    "alembic_config",
    "current",
    "current_heads",
    "database_url",
    "downgrade",
    "history",
    "init_project",
    "redact",
    "release_revisions",
    "resolve_target",
    "revision_releases",
    "script_directory",
    "setup",
    "stamp",
    "upgrade",
]
