"""Errors of the runtime layer (applying revisions, setting up and adopting projects)."""

from __future__ import annotations

from planner.state.errors import DbplanError


class MigrationError(DbplanError):
    """A database or Alembic operation failed, or its target is unknown.

    The message is for users (no traceback); the original exception is ``__cause__``.
    """
