"""The root of every error dbplan raises on purpose.

Every error class in ``planner`` derives from :class:`DbplanError` (checked by
``tests/test_errors.py``), so the command line can tell an expected failure (a clear
message, exit 1) from a bug (a traceback).

Example:
    >>> from planner.project import ProjectError
    >>> issubclass(ProjectError, DbplanError)
    True
"""

from __future__ import annotations

__all__ = ["DbplanError"]


class DbplanError(Exception):
    """Root of every error dbplan raises on purpose."""
