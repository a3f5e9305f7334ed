"""dbplan's pytest plugin: fixtures for a project's own test suite.

Installed with dbplan (entry point ``pytest11``: ``dbplan``), so a project's ``pytest``
gets these fixtures without a conftest.py:

``dbplan_project``
    The dbplan project under test (:class:`planner.project.Project`): the directory
    given by ``--dbplan-project`` or the ``dbplan_project`` ini option, else pytest's
    rootdir.
``dbplan_verified_chain``
    The revision chain proved once per session as ``dbplan verify`` does (up and down,
    every step compared with its snapshot); the test fails naming every difference.
    The database server is ``--dbplan-url`` (default: a temporary SQLite file).
``dbplan_database``
    ``make(release="head", url=None) -> url``: a database upgraded by the project's
    revisions to ``release``; the default URL is a fresh SQLite file in ``tmp_path``.
``dbplan_drift``
    ``drift(url) -> list[str]``: the differences between a live database and the
    snapshot of the release it is stamped at (empty: no drift), as ``dbplan drift``.

See docs/pytest.md. Nothing here is imported before a fixture is used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dbplan")
    group.addoption(
        "--dbplan-project",
        default=None,
        metavar="DIR",
        help="dbplan project the dbplan_* fixtures use (default: the rootdir).",
    )
    group.addoption(
        "--dbplan-url",
        default=None,
        metavar="URL",
        help="Database server for dbplan_verified_chain (default: a temporary SQLite file).",
    )
    parser.addini("dbplan_project", "dbplan project directory of the dbplan_* fixtures")


@pytest.fixture(scope="session")
def dbplan_project(pytestconfig: pytest.Config):
    """The dbplan project under test."""
    from planner.project import load_project

    where = pytestconfig.getoption("dbplan_project") or pytestconfig.getini("dbplan_project")
    root = Path(where) if where else pytestconfig.rootpath
    if not root.is_absolute():
        root = pytestconfig.rootpath / root
    return load_project(root)


@pytest.fixture(scope="session")
def dbplan_verified_chain(dbplan_project, pytestconfig: pytest.Config):
    """The :class:`planner.runtime.verify.VerifyResult` of a passing verify of the chain."""
    from planner.runtime.verify import verify

    result = verify(dbplan_project, url=pytestconfig.getoption("dbplan_url"))
    if not result.ok:
        pytest.fail(
            "dbplan verify: the revision chain does not reproduce the snapshots:\n"
            + "\n".join(result.differences),
            pytrace=False,
        )
    return result


@pytest.fixture
def dbplan_database(dbplan_project, tmp_path) -> Callable[..., str]:
    """``make(release="head", url=None)``: the URL of a database at ``release``."""
    from planner.runtime.apply import upgrade

    count = 0

    def make(release: str = "head", url: str | None = None) -> str:
        nonlocal count
        if url is None:
            count += 1
            url = f"sqlite:///{tmp_path / f'dbplan-{count}.sqlite'}"
        upgrade(dbplan_project, release, url=url)
        return url

    return make


@pytest.fixture
def dbplan_drift(dbplan_project) -> Callable[[str], list[str]]:
    """``drift(url)``: the differences of the database at ``url`` from its release's snapshot."""
    from planner.runtime.verify import drift

    def run(url: str) -> list[str]:
        result = drift(dbplan_project, url=url)
        lines = list(result.differences)
        if result.partial is not None:
            lines.append(result.partial.message)
        return lines

    return run
