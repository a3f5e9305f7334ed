"""Apply revisions to a database: upgrade, downgrade, current, setup.

Upgrade and downgrade wrap ``alembic.command``; the project's ``env.py`` takes the
migration lock, so concurrent upgrades of one database run one after another.

``setup`` creates a database straight from a release's snapshot (tables, enums and
managed rows) and stamps the revision that produces that release, as a project's
``setup_db`` command does. It refuses a database that already has tables, unless
``force=True``, which first drops every table (and, on PostgreSQL, every enum type)
of the schemas the snapshot uses — meant for development and test databases.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.runtime.config import (
    alembic_config,
    alembic_errors,
    database_url,
    redact,
    script_directory,
)
from planner.runtime.errors import MigrationError
from planner.runtime.releases import resolve_target, revision_releases

VERSION_TABLE = "alembic_version"

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from planner.project import Project
    from planner.state.model import Snapshot


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """What an upgrade or downgrade did: the heads before and after, with releases."""

    url: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    releases: tuple[tuple[str, str], ...] = ()

    def release_of(self, revision: str) -> str | None:
        return dict(self.releases).get(revision)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupResult:
    url: str
    release: str
    #: the stamped revision; None when stamping was skipped
    revision: str | None
    tables: tuple[str, ...]
    dropped: tuple[str, ...] = ()


def _engine(url: str) -> Engine:
    import sqlalchemy as sa

    with alembic_errors(url):
        return sa.create_engine(url, poolclass=sa.pool.NullPool)


def current_heads(url: str) -> tuple[str, ...]:
    """The revisions recorded in the database's ``alembic_version`` table (sorted).

    A SQLite file that does not exist has no revision (and is not created).

    Example:
        >>> current_heads("sqlite:///fresh.sqlite")
        ()
    """
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.engine import make_url

    with alembic_errors(url):
        u = make_url(url)
        if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:"):
            from pathlib import Path

            if not Path(u.database).exists():
                return ()
        engine = _engine(url)
        try:
            with engine.connect() as conn:
                return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
        finally:
            engine.dispose()


def current(project: Project, *, url: str | None = None) -> Transition:
    """The database's revision(s) and their releases (``before == after``).

    Example:
        >>> current(project, url="sqlite:///app.sqlite").after
        ('b2',)
    """
    url = database_url(project, url)
    heads = current_heads(url)
    return Transition(url=url, before=heads, after=heads, releases=_releases_of(project, heads))


def _releases_of(project: Project, revisions) -> tuple[tuple[str, str], ...]:
    known = revision_releases(project) if revisions else {}
    return tuple(sorted((r, known[r]) for r in set(revisions) if r in known))


def upgrade(project: Project, target: str = "head", *, url: str | None = None) -> Transition:
    """Upgrade the database to ``target`` (a release, a revision, or ``head``).

    Example:
        >>> upgrade(project, "0.2.0", url="sqlite:///app.sqlite").after
        ('b2',)
    """
    return _move(project, target, url=url, upgrade=True)


def downgrade(project: Project, target: str, *, url: str | None = None) -> Transition:
    """Downgrade the database to ``target`` (a release, a revision, ``-1`` or ``base``).

    Example:
        >>> downgrade(project, "base", url="sqlite:///app.sqlite").after
        ()
    """
    return _move(project, target, url=url, upgrade=False)


def _move(project: Project, target: str, *, url: str | None, upgrade: bool) -> Transition:
    from alembic import command

    url = database_url(project, url)
    revision = resolve_target(project, target)
    cfg = alembic_config(project, url)
    before = current_heads(url)
    try:
        with alembic_errors(url, project):
            if upgrade:
                command.upgrade(cfg, revision)
            else:
                command.downgrade(cfg, revision)
    except MigrationError as e:
        raise MigrationError(_failed_step(project, url, revision, upgrade, str(e))) from e
    after = current_heads(url)
    return Transition(
        url=url, before=before, after=after, releases=_releases_of(project, before + after)
    )


def _failed_step(project: Project, url: str, target: str, upgrade: bool, message: str) -> str:
    """``message`` prefixed with the revision that failed and what the database holds now.

    Each revision runs in its own transaction, so the database stays at the revision
    before the failing one; the failing one is the next step from there towards
    ``target``. Where DDL cannot be rolled back (MariaDB/MySQL) the database may hold
    part of it, and ``dbplan drift`` names what.
    """
    from planner.dialects import of_url

    try:
        at = current_heads(url)
        script = script_directory(project)
        if upgrade:
            steps = list(script.iterate_revisions(target, at[0] if at else "base"))
            failed = steps[-1].revision if steps else None
        else:
            failed = at[0] if at else None
    except Exception:  # noqa: BLE001 - the database is unreachable now: say what we know
        return message
    if failed is None:
        return message
    release = revision_releases(project).get(failed)
    label = f"revision {failed}" + (f" (release {release})" if release else "")
    where = ", ".join(at) if at else "base (no revision)"
    text = f"{'upgrade' if upgrade else 'downgrade'} failed in {label}: {message}\n"
    try:
        transactional = of_url(url).transactional_ddl
    except Exception:  # noqa: BLE001 - an unknown dialect: make no promise
        transactional = False
    if transactional:
        text += f"the database is still at {where}: {label} was rolled back"
    else:
        text += (
            f"the database is stamped {where} but may hold part of {label}, because "
            f"{of_url(url).label} cannot roll DDL back: run `dbplan drift` to see what it "
            "holds, repair it, then upgrade again"
        )
    return text


def stamp(project: Project, revision: str, *, url: str | None = None) -> None:
    """Record ``revision`` (a release or revision) in the database without running it.

    Example:
        >>> stamp(project, "0.2.0", url="sqlite:///app.sqlite")
    """
    from alembic import command

    url = database_url(project, url)
    rev = resolve_target(project, revision)
    with alembic_errors(url):
        command.stamp(alembic_config(project, url), rev, purge=True)


def setup(
    project: Project,
    *,
    release: str | None = None,
    url: str | None = None,
    force: bool = False,
    stamp_revision: bool = True,
) -> SetupResult:
    """Create the database of ``release`` (default: newest) from its snapshot and stamp it.

    Refuses a database that has tables (other than an empty ``alembic_version``, as
    ``downgrade base`` leaves it) unless ``force``; refuses a release that no
    revision produces unless ``stamp_revision=False``. Nothing is written on refusal.

    Example:
        >>> setup(project, release="0.2.0", url="sqlite:///new.sqlite").revision
        'b2'
    """
    from planner.project import ProjectError

    url = database_url(project, url)
    files = project.snapshot_files()
    try:
        releases = project.releases()
    except ProjectError as e:
        raise MigrationError(str(e)) from e
    if not releases:
        raise MigrationError(
            f"no snapshots in {project.display(project.snapshots_dir)}/ "
            "(write one with `dbplan snapshot --release R ...`)"
        )
    release = release or releases[-1]
    if release not in files:
        raise MigrationError(
            f"no snapshot for release {release!r} in {project.display(project.snapshots_dir)}/ "
            f"(releases: {', '.join(releases)})"
        )
    snapshot = _load_snapshot(files[release])
    revision = None
    if stamp_revision:
        known = _release_revisions(project)
        revision = known.get(release)
        if revision is None:
            raise MigrationError(
                f"no revision produces release {release!r}, so the database could not be "
                "stamped: run `dbplan generate` first, or pass --no-stamp"
            )
    engine = _engine(url)
    dropped: tuple[str, ...] = ()
    try:
        with alembic_errors(url), engine.begin() as conn:
            existing = _existing_tables(conn, snapshot)
            if existing and not force:
                shown = ", ".join(existing[:10]) + (" ..." if len(existing) > 10 else "")
                raise MigrationError(
                    f"database {redact(url)} is not empty (tables: {shown}); setup creates a "
                    "database from scratch: use `dbplan upgrade` for an existing one, or "
                    "--force to drop its tables first"
                )
            if existing:
                dropped = _drop_everything(conn, snapshot)
            _create(conn, snapshot)
    finally:
        engine.dispose()
    if revision is not None:
        with alembic_errors(url):
            from alembic import command

            command.stamp(alembic_config(project, url), revision, purge=True)
    return SetupResult(
        url=url,
        release=release,
        revision=revision,
        tables=tuple(t.qualified_name for t in snapshot.tables),
        dropped=dropped,
    )


def _release_revisions(project: Project) -> dict[str, str]:
    from planner.runtime.releases import release_revisions

    if not (project.migrations_dir / "env.py").is_file():
        return {}
    return release_revisions(project)


def _load_snapshot(path) -> Snapshot:
    from planner.state import yamlio

    return yamlio.load_snapshot(path)


def _create(conn: Connection, snapshot: Snapshot) -> None:
    from planner.state.build import create_from_snapshot

    create_from_snapshot(conn, snapshot)


def _schemas(snapshot: Snapshot) -> list[str | None]:
    return [None] + sorted({t.schema for t in snapshot.tables if t.schema})


def _existing_tables(conn: Connection, snapshot: Snapshot) -> list[str]:
    import sqlalchemy as sa

    insp = sa.inspect(conn)
    found = []
    for schema in _schemas(snapshot):
        if schema is not None and not insp.has_schema(schema):
            continue
        prefix = f"{schema}." if schema else ""
        found += [prefix + n for n in sorted(insp.get_table_names(schema=schema))]
    if found == [VERSION_TABLE]:
        rows = conn.execute(sa.text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar()
        if not rows:  # left behind by `downgrade base`: the database is empty
            return []
    return found


def _drop_everything(conn: Connection, snapshot: Snapshot) -> tuple[str, ...]:
    """Drop every table (and PostgreSQL enum) of the snapshot's schemas."""
    import sqlalchemy as sa

    dropped: list[str] = []
    insp = sa.inspect(conn)
    schemas = [s for s in _schemas(snapshot) if s is None or insp.has_schema(s)]
    for schema in schemas:
        md = sa.MetaData(schema=schema)
        md.reflect(conn)
        dropped += sorted(t.fullname for t in md.tables.values())
        with warnings.catch_warnings():
            # SQLite cannot sort foreign-key cycles for DROP; it does not enforce them either
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            md.drop_all(conn)
    if conn.dialect.name == "postgresql":
        preparer = conn.dialect.identifier_preparer
        for schema in schemas:
            for enum in sa.inspect(conn).get_enums(schema=schema):
                name = preparer.quote(enum["name"])
                if schema:
                    name = preparer.quote_schema(schema) + "." + name
                conn.execute(sa.text(f"DROP TYPE IF EXISTS {name}"))
    return tuple(dropped)
