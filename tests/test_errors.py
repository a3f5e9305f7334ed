"""Every exception class dbplan defines derives from the root :class:`planner.errors.DbplanError`
(issue 13 item 8), so the command line tells an expected failure (message, exit 1) from a
bug (a traceback). The root lives in its own module; ``planner.state.errors`` re-exports it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import planner
from planner.errors import DbplanError

#: not importable as plain modules: Alembic runs the template env.py itself, and
#: importing __main__ runs the command line
SKIP = ("planner.templates", "planner.__main__")


def _modules():
    for info in pkgutil.walk_packages(planner.__path__, "planner."):
        if info.name.startswith(SKIP):
            continue
        yield importlib.import_module(info.name)


def test_every_exception_class_in_planner_derives_from_dbplan_error():
    found, wrong = [], []
    for module in _modules():
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
            ):
                found.append(f"{module.__name__}.{name}")
                if not issubclass(obj, DbplanError):
                    wrong.append(f"{module.__name__}.{name}")
    assert len(found) > 10, found  # the walk really saw dbplan's errors
    assert wrong == []


def test_the_root_lives_in_its_own_module_and_the_old_name_still_works():
    from planner.state import errors as state_errors

    assert DbplanError.__module__ == "planner.errors"
    assert state_errors.DbplanError is DbplanError
    assert issubclass(state_errors.SnapshotError, DbplanError)
