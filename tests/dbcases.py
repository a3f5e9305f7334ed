"""Running generated snapshot pairs on real databases (convergence and skipped releases).

``prepare(a, b, dialect)`` keeps only what a database accepts (``executable`` of
``tests/revisions/test_properties.py``: defaults that fit, no free-form checks or
partial indexes; schemas only on PostgreSQL; no JSON row keys) and returns ``None`` when
the pair is not usable there. ``reset_database(url)`` empties a database in place (one
database per dialect, reused between examples). ``run_chain(...)`` builds the first
snapshot with ``create_from_snapshot``, writes the revisions of the chain into a
temporary Alembic environment, upgrades one revision at a time and downgrades back,
comparing the database after each step with :func:`planner.runtime.verify.compare_snapshots`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import sqlalchemy as sa

from planner.state.model import Snapshot
from planner.state.validate import validate
from tests.revisions.test_properties import _json_key, executable

SERVER_SCHEMAS_KEPT = {"public", "information_schema"}


def dialect_of(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    return "mysql" if name in ("mysql", "mariadb") else name


def prepare(snaps: list[Snapshot], dialect: str) -> list[Snapshot] | None:
    """The snapshots as ``dialect`` can run them, releases 1.0.0, 2.0.0 …; None = unusable."""
    out = []
    for i, s in enumerate(snaps):
        s = _comments_for(executable(dataclasses.replace(s, release=f"{i + 1}.0.0")), dialect)
        if dialect != "postgresql":
            s = _default_schema(s)
            if s is None:
                return None
        if dialect == "mysql" and (_key_too_long(s) or _fk_to_device_name(s)):
            return None
        if dialect != "postgresql" and _case_clash(s, dialect):
            return None
        if any(_json_key(t) for t in s.tables):
            return None
        if dialect == "postgresql" and _holds_nul(s):
            return None
        if _dangling_rows(s):
            return None
        if validate(s) or (dialect != "sqlite" and _keyed_json(s)):
            return None
        out.append(s)
    if dialect == "postgresql":
        # a table's row type has the table's name: an enum cannot share it
        tables = {(t.schema, t.name) for s in out for t in s.tables}
        if any((None, e.name) in tables for s in out for e in s.enums):
            return None
    return out


def _fk_to_device_name(s: Snapshot) -> bool:
    from planner.lint import DEVICE_NAMES  # MariaDB cannot reference them (lint R013)

    return any(fk.ref_table.lower() in DEVICE_NAMES for t in s.tables for fk in t.foreign_keys)


def _default_schema(s: Snapshot) -> Snapshot | None:
    """Every table in the default schema (SQLite and MariaDB have no schemas inside a
    database: more than half the generated pairs name one); None when two tables would
    share a name. The same mapping for both snapshots of a pair: (schema, name) -> name."""
    if not any(t.schema for t in s.tables):
        return s
    if len({t.name for t in s.tables}) != len(s.tables):
        return None
    tables = []
    for t in s.tables:
        fks = tuple(dataclasses.replace(fk, ref_schema=None) for fk in t.foreign_keys)
        tables.append(dataclasses.replace(t, schema=None, foreign_keys=fks))
    return dataclasses.replace(s, tables=tuple(tables))


def _comment(text: str | None, dialect: str) -> str | None:
    if text is None or dialect == "sqlite":
        return text
    # PostgreSQL text cannot hold NUL; MariaDB zeroes a comment from its first NUL on
    text = text.replace("\x00", "")
    if dialect != "postgresql":  # MariaDB keeps comments in utf8mb3: beyond the BMP is '?'
        text = "".join(ch for ch in text if ord(ch) <= 0xFFFF)
    return text or None  # COMMENT IS '' removes the comment (normalise_for gap)


def _comments_for(s: Snapshot, dialect: str) -> Snapshot:
    """Comments as the dialect can store them (dialect limits, documented in
    docs/verification.md; the empty comment is a capture/normalise_for gap)."""
    tables = []
    for t in s.tables:
        cols = tuple(
            dataclasses.replace(c, comment=_comment(c.comment, dialect)) for c in t.columns
        )
        tables.append(dataclasses.replace(t, columns=cols, comment=_comment(t.comment, dialect)))
    return dataclasses.replace(s, tables=tuple(tables))


def _case_clash(s: Snapshot, dialect: str) -> bool:
    """Names equal but for case: one name to SQLite (tables, columns, indexes; tables and
    indexes share one namespace there: table ``true`` and index ``TRUE`` clash) and to
    MariaDB (columns, index and constraint names of a table)."""

    def clash(names) -> bool:
        names = list(names)
        return len({n.lower() for n in names}) != len(names)

    indexes = [i.name for t in s.tables for i in t.indexes]
    if clash(t.name for t in s.tables) or clash(indexes):
        return True
    if dialect == "sqlite" and clash([*(t.name for t in s.tables), *indexes]):
        return True
    return any(clash(t.column_names) or clash(t.constraint_names()) for t in s.tables)


def _holds_nul(s: Snapshot) -> bool:
    """A row value holding NUL: PostgreSQL text (and JSONB) cannot store it."""

    def nul(v) -> bool:
        if isinstance(v, str):
            return "\x00" in v
        if isinstance(v, dict) or hasattr(v, "items"):
            return any(nul(k) or nul(x) for k, x in v.items())
        if isinstance(v, (list, tuple)):
            return any(nul(x) for x in v)
        return False

    return any(nul(dict(r)) for t in s.tables for r in (t.rows.rows if t.rows else ()))


def _dangling_rows(s: Snapshot) -> bool:
    """A managed row whose foreign key names a row the snapshot does not hold: invalid
    generated data (an edit dropped the referenced rows), which no database accepts."""
    tables = {(t.schema, t.name): t for t in s.tables}
    for t in s.tables:
        if not t.rows:
            continue
        for fk in t.foreign_keys:
            ref = tables.get((fk.ref_schema, fk.ref_table))
            if ref is None:
                continue
            held = {
                tuple(dict(r).get(c) for c in fk.ref_columns)
                for r in (ref.rows.rows if ref.rows else ())
            }
            for row in t.rows.rows:
                d = dict(row)
                if not all(c in d for c in fk.columns):
                    continue
                value = tuple(d[c] for c in fk.columns)
                if None not in value and value not in held:
                    return True
    return False


def _family(ty: str) -> str:
    """``coltypes.family`` of a column type; ``enum`` for an ``Enum(<snapshot enum>)``,
    whose name (any text) the parser reads only with the snapshot's enums at hand."""
    from planner.state.coltypes import TypeParseError, family

    try:
        return family(ty)
    except TypeParseError:
        if ty.startswith("Enum("):
            return "enum"
        raise


def _key_too_long(s: Snapshot) -> bool:
    """A MariaDB key over 3072 bytes (utf8mb4: 4 bytes a character) or over a TEXT."""
    import re

    def width(t, name: str) -> int:
        ty = t.column(name).type
        m = re.match(r"^(?:String|Unicode)\((\d+)", ty)
        if m:
            return 4 * int(m.group(1))
        return 3073 if _family(ty) in ("string", "binary", "json") else 8

    for t in s.tables:
        keys = [u.columns for u in t.uniques] + [i.columns for i in t.indexes]
        if t.primary_key:
            keys.append(t.primary_key.columns)
        if any(sum(width(t, c) for c in cols) > 3072 for cols in keys):
            return True
    return False


def _keyed_json(s: Snapshot) -> bool:
    """A JSON or ARRAY column in a primary key, unique or index: PostgreSQL has no btree
    operator class for json, MariaDB cannot index a LONGTEXT without a length."""

    for t in s.tables:
        json_cols = {c.name for c in t.columns if _family(c.type) in ("json", "array")}
        keyed = set(t.primary_key.columns if t.primary_key else ())
        keyed |= {c for u in t.uniques for c in u.columns}
        keyed |= {c for i in t.indexes for c in i.columns}
        if json_cols & keyed:
            return True
    return False


def reset_database(url: str) -> None:
    """Drop everything a test put into the database at ``url`` (the database stays)."""
    d = dialect_of(url)
    if d == "sqlite":
        path = sa.engine.make_url(url).database
        if path:
            Path(path).unlink(missing_ok=True)
        return
    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            if d == "postgresql":
                schemas = [
                    r[0]
                    for r in c.execute(
                        sa.text(
                            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                            "AND nspname <> 'information_schema'"
                        )
                    )
                ]
                for s in schemas:
                    c.execute(sa.text(f'DROP SCHEMA "{s.replace(chr(34), chr(34) * 2)}" CASCADE'))
                c.execute(sa.text("CREATE SCHEMA public"))
            else:
                name = sa.engine.make_url(url).database
                c.execute(sa.text(f"DROP DATABASE `{name}`"))
                c.execute(
                    sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                )
    finally:
        eng.dispose()


def capture_differences(url: str, snapshot: Snapshot) -> list[str]:
    from planner.runtime.verify import compare_snapshots
    from planner.state.capture import capture_for, normalise_for

    return compare_snapshots(capture_for(url, snapshot), normalise_for(snapshot, dialect_of(url)))


def write_chain(root: Path, snaps: list[Snapshot], steps: list[tuple[int, int]]):
    """A project at ``root`` holding ``snaps`` and one revision per ``(from, to)`` index
    pair, chained in order (the first has no down revision). Returns (project, revs, ops)."""
    from planner.revisions.generation import render_revision
    from planner.revisions.write import write_revision
    from tests.revisions.conftest import make_project

    project = make_project(root, snaps)
    revs: list[str] = []
    ops = 0
    for n, (i, k) in enumerate(steps):
        r = render_revision(
            snaps[i],
            snaps[k],
            from_release=snaps[i].release,
            to_release=snaps[k].release,
            rev_id=f"r{n:02d}{i}{k}",
        )
        write_revision(
            project,
            rev_id=r.rev_id,
            down_revision=revs[-1] if revs else None,
            message=f"{snaps[i].release} to {snaps[k].release}",
            upgrades=r.upgrades,
            downgrades=r.downgrades,
        )
        revs.append(r.rev_id)
        ops += r.operations
    return project, revs, ops


def run_chain(
    url: str, root: Path, snaps: list[Snapshot], path: list[int]
) -> tuple[list[str], int]:
    """Build ``snaps[path[0]]`` directly, then migrate along ``path`` and back, comparing
    after every step. Returns (differences, operations applied up and down)."""
    from planner.runtime import downgrade, upgrade
    from planner.state.build import create_from_snapshot

    steps = list(zip(path, path[1:], strict=False))
    project, revs, ops = write_chain(root, snaps, steps)
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        create_from_snapshot(eng, snaps[path[0]])
    finally:
        eng.dispose()
    found: list[str] = []
    for rev, (_, k) in zip(revs, steps, strict=True):
        upgrade(project, rev, url=url)
        found += [
            f"{snaps[k].release} after upgrade: {d}" for d in capture_differences(url, snaps[k])
        ]
    for n in range(len(revs) - 1, -1, -1):
        i = steps[n][0]
        downgrade(project, revs[n - 1] if n else "base", url=url)
        found += [
            f"{snaps[i].release} after downgrade: {d}" for d in capture_differences(url, snaps[i])
        ]
    return found, 2 * ops
