"""One database per dialect for the whole convergence module, emptied between examples.

A soak bounded by ``timeout`` (SIGTERM) still writes its figures: with
``DBPLAN_SOAK_REPORT`` set, SIGTERM stops the run like Ctrl-C (fixtures drop their
databases, ``teardown_module`` writes the report) and the report says it was interrupted.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.conftest import create_database, drop_database

_INTERRUPTED: list[int] = []


def _stop(signum, frame) -> None:  # noqa: ARG001 - signal handler
    _INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def pytest_configure(config) -> None:  # noqa: ARG001 - pytest hook
    if os.environ.get("DBPLAN_SOAK_REPORT"):
        signal.signal(signal.SIGTERM, _stop)


def pytest_unconfigure(config) -> None:  # noqa: ARG001 - pytest hook
    report = os.environ.get("DBPLAN_SOAK_REPORT")
    if report and _INTERRUPTED and Path(report).is_file():
        with Path(report).open("a", encoding="utf-8") as f:
            f.write("interrupted (SIGTERM): the counts are those of the pairs run until then\n")


DIALECTS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.pg),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@pytest.fixture(scope="module", params=DIALECTS)
def reused_db(request, tmp_path_factory) -> str:
    """A database of each dialect in turn, shared by the examples of a test (reset by them)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('converge') / 'db.sqlite'}"
        return
    server = request.getfixturevalue(
        "pg_server" if request.param == "postgresql" else "mysql_server"
    )
    url = create_database(server, prefix="dbplan_conv")
    try:
        yield url
    finally:
        drop_database(url)
