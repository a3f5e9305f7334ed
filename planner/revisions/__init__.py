"""Alembic revision files from plans: rendering, provenance, writing, sync checks.

Public API (imported lazily, so ``planner.revisions`` is cheap to import)::

    generate(project, from_release, to_release, *, message=None, rev_id=None,
             allow_destructive=False) -> GenerateResult
    render_revision(old, new, *, from_release, to_release, rev_id=None, message=None)
        -> RenderedRevision                                   (pure: no I/O)
    release_revisions(project) -> dict[release, revision_id]
    read_provenance(path) -> Provenance | None
    check_sync(project) -> list[str]
    check_revisions(project, snapshots) -> list[str]          (the ``dbplan check`` hook)

Modules: :mod:`.emit` (our ops -> Alembic ops -> body text), :mod:`.alembic_ops`
(custom ops and their renderers), :mod:`.literals`, :mod:`.provenance`, :mod:`.write`
(atomic, never-overwriting ``generate_revision``), :mod:`.generate`, :mod:`.sync`.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "generate": "planner.revisions.generation",
    "render_revision": "planner.revisions.generation",
    "release_revisions": "planner.revisions.generation",
    "DestructiveRefused": "planner.revisions.generation",
    "GenerateResult": "planner.revisions.generation",
    "RenderedRevision": "planner.revisions.generation",
    "read_provenance": "planner.revisions.provenance",
    "Provenance": "planner.revisions.provenance",
    "check_sync": "planner.revisions.sync",
    "check_revisions": "planner.revisions.sync",
    "RevisionError": "planner.revisions.write",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'planner.revisions' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
