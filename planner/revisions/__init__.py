"""Alembic revision files from plans: rendering, provenance, writing, sync checks.

Public API::

    generate(project, from_release=None, to_release=None, *, message=None, rev_id=None,
             allow_destructive=False) -> GenerateResult
    render_revision(old, new, ...) -> RenderedRevision        (bodies, provenance; no I/O)
    release_revisions(project) -> dict[release, revision_id]
    read_provenance(path) -> Provenance | None
    check_sync(project) -> list[str]
"""

from __future__ import annotations
