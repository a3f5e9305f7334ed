"""The scenario corpus of ``tests/objects/scenarios/<dialect>/<name>/``: the loop other
diff tools test themselves with, on the real server of each dialect.

A scenario holds ``a.sql`` and ``b.sql`` (statements separated by a blank line: a
trigger's or function's body keeps its own semicolons) and, optionally, ``expect.txt``:
the differences the comparison must report, one per line, ``up: <difference>`` after the
upgrade and ``down: <difference>`` after the downgrade (what dbplan leaves alone and
therefore does not reproduce), and, for an open bug, ``xfail.txt``: its first line names the
bug, and the scenario is a strict xfail (it must fail until the bug is fixed). The loop: build A and B from their scripts and capture
them, generate the revision A -> B, apply it to a fresh copy of A, and compare the result
(models *and* inventory) with B; downgrade and compare with A.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa

from tests.dbcases import capture_differences, reset_database, write_chain

HERE = Path(__file__).resolve().parent / "scenarios"


def scenarios(dialect: str) -> list[str]:
    return sorted(p.name for p in (HERE / dialect).iterdir() if (p / "a.sql").is_file())


def statements(script: str) -> list[str]:
    """The statements of a script: paragraphs (blank-line separated), comments dropped."""
    out = []
    for para in script.split("\n\n"):
        lines = [ln for ln in para.splitlines() if not ln.lstrip().startswith("--")]
        text = "\n".join(lines).strip()
        if text:
            out.append(text)
    return out


def run_script(url: str, script: str) -> None:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.begin() as c:
            # the driver's own cursor, no parameters: a '%' or ':x' in a body is text
            cur = c.connection.dbapi_connection.cursor()
            for stmt in statements(script):
                cur.execute(stmt)
    finally:
        eng.dispose()


def build(url: str, script: str, release: str):
    """Reset the database, run ``script``, capture it as ``release`` and read the snapshot
    back from its file text, as a user's next command would (a capture that writes what
    no snapshot may hold fails here, with the loader's file:line problem)."""
    from planner.state.capture import from_database
    from planner.state.yamlio import dump_snapshot, load_snapshot_text

    reset_database(url)
    run_script(url, script)
    captured = from_database(url, release=release)
    return load_snapshot_text(dump_snapshot(captured), f"{release}.yaml")


def expected(case: Path) -> tuple[list[str], list[str]]:
    path = case / "expect.txt"
    up: list[str] = []
    down: list[str] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("up: "):
                up.append(line[4:])
            elif line.startswith("down: "):
                down.append(line[6:])
    return up, down


def extensions_of(case: Path) -> set[str]:
    """The extensions a scenario's scripts create (a server without one skips it)."""
    found: set[str] = set()
    for script in ("a.sql", "b.sql"):
        text = (case / script).read_text(encoding="utf-8")
        found |= {
            m.group(1).strip('"').lower()
            for m in re.finditer(
                r"CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?(\"?\w+\"?)", text, re.I
            )
        }
    return found


def known_bug(dialect: str, name: str) -> str | None:
    """The open bug a scenario fails on (``xfail.txt``'s first line), or None."""
    path = HERE / dialect / name / "xfail.txt"
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8").splitlines()[0].strip() or None


def run_scenario(url: str, dialect: str, name: str, root: Path) -> tuple[list[str], list[str]]:
    """Capture A and B, generate A -> B, apply it to A and back; the differences found
    after the upgrade (against B) and after the downgrade (against A)."""
    from planner.runtime import downgrade, upgrade

    case = HERE / dialect / name
    a_sql = (case / "a.sql").read_text(encoding="utf-8")
    a = build(url, a_sql, "1.0.0")
    a_types = catalog_column_types(url)
    b = build(url, (case / "b.sql").read_text(encoding="utf-8"), "2.0.0")
    b_types = catalog_column_types(url)
    reset_database(url)
    run_script(url, a_sql)
    project, revs, _ = write_chain(root, [a, b], [(0, 1)])
    upgrade(project, revs[0], url=url)
    up = capture_differences(url, b) + _type_differences(catalog_column_types(url), b_types)
    downgrade(project, "base", url=url)
    down = capture_differences(url, a) + _type_differences(catalog_column_types(url), a_types)
    return up, down


def catalog_column_types(url: str) -> dict[str, str]:
    """``{table.column: type}`` as the catalog itself spells each column's type (MariaDB's
    ``information_schema.COLUMNS.COLUMN_TYPE``), so that a capture losing the same thing
    on both sides (``datetime(3)`` read as ``DateTime`` in A and B) is still seen; empty on
    the other dialects (their captures are held to their catalogs by the typmods tests)."""
    if not url.startswith("mysql"):
        return {}
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
                    "WHERE TABLE_SCHEMA = database() AND TABLE_NAME <> 'alembic_version'"
                )
            ).all()
    finally:
        eng.dispose()
    return {f"{table}.{column}": spelled for table, column, spelled in rows}


def _type_differences(got: dict[str, str], want: dict[str, str]) -> list[str]:
    return [
        f"{key}: column type {got[key]}, the original has {want[key]}"
        for key in sorted(got.keys() & want.keys())
        if got[key] != want[key]
    ]
