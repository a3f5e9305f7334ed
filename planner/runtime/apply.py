"""Apply revisions to a database: upgrade, downgrade, current, setup.

Upgrade and downgrade wrap ``alembic.command``; the project's ``env.py`` takes the
migration lock, so concurrent upgrades of one database run one after another.

``setup`` creates a database straight from a release's snapshot and stamps the
revision that produces that release, as a project's ``setup_db`` command does. It runs
the operations of the revision ``dbplan generate`` writes for ``empty -> release`` on its
connection (:mod:`planner.revisions.run`; no file written), so it builds what a chain of
revisions builds; before committing it captures the new database and compares it with
the snapshot as ``drift`` does, failing (:class:`SetupMismatch`, nothing kept) on a
difference. It refuses a database that already has tables, unless
``force=True``, which first drops every table (and, on PostgreSQL, every enum type)
of the schemas the snapshot uses — meant for development and test databases.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner import dialects
from planner.runtime.config import (
    alembic_config,
    alembic_errors,
    database_url,
    redact,
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


def _engine(url: str, *, transactional: bool = False) -> Engine:
    """An engine for ``url``; ``transactional``: DDL joins the connection's transaction
    (pysqlite otherwise commits before each CREATE/DROP, see the dialect's
    ``driver_needs_explicit_begin``)."""
    import sqlalchemy as sa

    from planner import dialects

    with alembic_errors(url):
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    if transactional and dialects.get(engine.dialect.name).driver_needs_explicit_begin:

        @sa.event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, record) -> None:
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            conn.exec_driver_sql("BEGIN")

    return engine


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
        if _is_file_database(u.get_backend_name()) and u.database not in (None, "", ":memory:"):
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
    operation = f"{'upgrade' if upgrade else 'downgrade'} to {target}"
    try:
        with alembic_errors(url, operation):
            if upgrade:
                command.upgrade(cfg, revision)
            else:
                command.downgrade(cfg, revision)
    except MigrationError as e:
        if not _ran_revisions(e):  # refused before any revision ran (heads, target, ...)
            raise
        tail = _after_failure(project, url)
        if upgrade and not before and not _heads_or_none(url):
            # still no revision: the first one failed, maybe on tables create_all made
            tail += _unstamped_advice(project, url)
        raise MigrationError(f"{e}{tail}") from e
    after = current_heads(url)
    return Transition(
        url=url, before=before, after=after, releases=_releases_of(project, before + after)
    )


def _heads_or_none(url: str) -> tuple[str, ...] | None:
    try:
        return current_heads(url)
    except MigrationError:
        return None


def _ran_revisions(error: MigrationError) -> bool:
    """Whether the failure came from the database (or env.py's checks) while revisions ran."""
    from sqlalchemy import exc as sa_exc

    cause = error.__cause__
    return isinstance(cause, sa_exc.DBAPIError) or type(cause).__name__ == "ForeignKeyCheckFailed"


def _after_failure(project: Project, url: str) -> str:
    """What a failed upgrade/downgrade left, per dialect, and the next step."""
    from planner import dialects

    try:
        heads = current_heads(url)
    except MigrationError:
        return ""
    at = _label_all(project, heads)
    dialect = dialects.of_url(url)
    if dialect.transactional_ddl:
        return (
            f"\n{dialect.label} rolled the failed revision back: the database is at {at}, "
            "as the revisions before it left it (nothing to restore); fix the revision or "
            "its cause and run the command again"
        )
    return (
        f"\n{dialect.label} cannot roll DDL back: the statements of the failed revision that "
        f"ran before the error stay, so the database is partly past {at} (its recorded "
        f"revision). Run `dbplan drift --url {redact(url)}` to see what was applied, then "
        "repair by hand (or restore a backup) and run the command again"
    )


def _unstamped_advice(project: Project, url: str) -> str:
    """An upgrade from base that failed on a database already holding tables: the schema
    was built without Alembic (``create_all``, a dump) and needs a stamp, not an upgrade."""
    import sqlalchemy as sa

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != VERSION_TABLE]
    except Exception:  # noqa: BLE001 - advice only; the error above is what matters
        return ""
    finally:
        engine.dispose()
    if not tables:
        return ""
    try:
        releases = project.releases()
    except Exception:  # noqa: BLE001 - advice only
        releases = []
    example = releases[-1] if releases else "RELEASE"
    return (
        f"\nthe database has {len(tables)} table(s) but no revision recorded: if its schema "
        "already is a release (built by the application's create_all, or restored from a "
        f"dump), record that instead of upgrading: `dbplan stamp {example} --url "
        f"{redact(url)}` (it compares the database with the release's snapshot first), "
        "then `dbplan upgrade`"
    )


def _label_all(project: Project, heads: tuple[str, ...]) -> str:
    if not heads:
        return "base (no revision)"
    releases = dict(_releases_of(project, heads))
    return ", ".join(f"{h} (release {releases[h]})" if h in releases else h for h in heads)


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
    from planner import dialects
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
    # validated for the database it builds on too: what that dialect cannot hold is a
    # problem at file:line:column, not a failure half-way through the build
    import sqlalchemy as sa

    on = dialects.get(sa.engine.make_url(url).get_backend_name()).name
    snapshot = _load_snapshot(files[release], (on,))
    revision = None
    if stamp_revision:
        known = _release_revisions(project)
        revision = known.get(release)
        if revision is None:
            raise MigrationError(
                f"no revision produces release {release!r}, so the database could not be "
                "stamped: run `dbplan generate` first, or pass --no-stamp"
            )
    engine = _engine(url, transactional=True)
    dialect = dialects.get(engine.dialect.name)
    # one transaction for create + stamp where the database and the env.py allow it
    in_one = dialect.transactional_ddl and _env_joins_transaction(project)
    dropped: tuple[str, ...] = ()
    created = False
    step = "reading the database"
    try:
        with alembic_errors(url), engine.connect() as conn:
            trans = conn.begin()
            try:
                existing = _existing_tables(conn, snapshot)
                if existing and not force:
                    shown = ", ".join(existing[:10]) + (" ..." if len(existing) > 10 else "")
                    raise MigrationError(
                        f"database {redact(url)} is not empty (tables: {shown}); setup creates "
                        "a database from scratch: use `dbplan upgrade` for an existing one, or "
                        "--force to drop its tables first"
                    )
                if existing:
                    dropped = _drop_everything(conn, snapshot)
                created = True
                step = f"creating release {release}"
                _create(conn, snapshot, project.targets)
                step = f"checking the new database against release {release}"
                _check_built(conn, snapshot, release)
                if revision is not None and in_one:
                    step = f"stamping revision {revision}"
                    _stamp_on(project, url, conn, revision)
                trans.commit()
                if revision is not None and not in_one:
                    step = f"stamping revision {revision}"
                    _stamp_on(project, url, conn, revision)
                    if conn.in_transaction():
                        conn.commit()
            except BaseException as e:
                if trans.is_active:
                    trans.rollback()
                if not created or in_one or not isinstance(e, Exception):
                    raise
                built = isinstance(e, SetupMismatch)  # what the revision made is all there
                _undo_create(conn, snapshot, project.targets if built else None)
                text = _undone(url, dialect, step, snapshot, dropped, e)
                raise _like(e, text) from e
    except Exception as e:
        if not (created and in_one):
            raise
        raise _like(
            e,
            f"setup failed while {step}: {_reason(e)}; nothing was kept (one "
            f"transaction): {redact(url)} is as it was before, so `dbplan setup` can be re-run",
        ) from e
    finally:
        engine.dispose()
    return SetupResult(
        url=url,
        release=release,
        revision=revision,
        tables=tuple(t.qualified_name for t in snapshot.tables),
        dropped=dropped,
    )


class SetupMismatch(MigrationError):
    """The database setup built differs from the snapshot (each difference named); the
    CLI exits with 3, differences found. Nothing was kept."""

    def __init__(self, message: str, differences: tuple[str, ...]):
        super().__init__(message)
        self.differences = differences


def _like(error: BaseException, text: str) -> MigrationError:
    """``text`` as the error setup raises for ``error`` (a mismatch stays one)."""
    if isinstance(error, SetupMismatch):
        lines = "".join(f"\n  {d}" for d in error.differences)
        return SetupMismatch(text + lines, error.differences)
    return MigrationError(text)


def _check_built(conn: Connection, snapshot: Snapshot, release: str) -> None:
    """Capture what setup built (on its connection, before commit) and compare it with
    the snapshot as ``dbplan drift`` does; any difference is a :class:`SetupMismatch`.

    The snapshot's ``unmanaged`` objects are the database's own, which dbplan never
    creates: they are left out of the comparison (a built database that has one of
    them anyway is not a difference either)."""
    import dataclasses

    from planner.runtime.verify import compare_snapshots
    from planner.state.capture import capture_for, normalise_for

    dialect = dialects.get(conn.dialect.name)
    got = capture_for(conn, snapshot)
    listed = set(snapshot.unmanaged)
    got = dataclasses.replace(got, unmanaged=tuple(u for u in got.unmanaged if u not in listed))
    want = normalise_for(dataclasses.replace(snapshot, unmanaged=()), dialect)
    found = tuple(compare_snapshots(got, want, dialect=dialect))
    if found:
        raise SetupMismatch(
            f"the database built differs from the snapshot of release {release} in "
            f"{len(found)} place(s) (dbplan cannot build it on {dialect.label} as "
            "modelled: please report it)",
            found,
        )


#: a dbplan env.py honouring this attribute runs inside the caller's transaction
IN_TRANSACTION = "dbplan_in_transaction"


def _env_joins_transaction(project: Project) -> bool:
    """Whether the project's env.py runs on a caller's connection without committing it."""
    env = project.migrations_dir / "env.py"
    try:
        return IN_TRANSACTION in env.read_text(encoding="utf-8")
    except OSError:
        return False


def _stamp_on(project: Project, url: str, conn: Connection, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(project, url)
    cfg.attributes["connection"] = conn
    cfg.attributes[IN_TRANSACTION] = True
    with alembic_errors(url, f"stamp {revision}"):
        command.stamp(cfg, revision, purge=True)


def _undo_create(conn: Connection, snapshot: Snapshot, built_for=None) -> None:
    """Drop what setup created (no transactional DDL, or an env.py that commits).

    ``built_for``: the targets of a build that ran to its end; the revision's downgrade
    then drops it all (views and routines too), as far as it can; the tables left go
    as after a failed build."""
    if conn.in_transaction():
        conn.rollback()
    if built_for is not None:
        from planner.revisions.run import run_downgrade, unbuild_plan

        try:
            with conn.begin():
                run_downgrade(conn, unbuild_plan(snapshot, built_for))
        except Exception:  # noqa: BLE001 - what it could not drop, the tables below go
            if conn.in_transaction():
                conn.rollback()
    with conn.begin():
        _drop_everything(conn, snapshot)


def _reason(error: BaseException) -> str:
    if isinstance(error, MigrationError):
        return str(error)
    orig = getattr(error, "orig", None)
    lines = str(orig if orig is not None else error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def _undone(url, dialect, step, snapshot, dropped, error) -> str:
    why = (
        f"{dialect.label} cannot roll DDL back"
        if not dialect.transactional_ddl
        else "the project's env.py commits on its own connection"
    )
    text = (
        f"setup failed while {step}: {_reason(error)}; {why}, so setup dropped the "
        f"{len(snapshot.tables)} table(s) it had created: {redact(url)} is empty again"
    )
    if dropped:
        text += f" (the {len(dropped)} table(s) --force dropped before are gone)"
    return text + "; fix the cause and run `dbplan setup` again"


def _release_revisions(project: Project) -> dict[str, str]:
    from planner.runtime.releases import release_revisions

    if not (project.migrations_dir / "env.py").is_file():
        return {}
    return release_revisions(project)


def _load_snapshot(path, targets: tuple[str, ...]) -> Snapshot:
    from planner.state import yamlio
    from planner.state.session import LoadSession

    return yamlio.load_snapshot(path, session=LoadSession(targets=targets))


def _create(conn: Connection, snapshot: Snapshot, targets) -> None:
    """Build the release with the operations of its ``empty -> release`` revision."""
    from planner.state.build import create_from_snapshot

    create_from_snapshot(conn, snapshot, targets=targets)


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
    if dialects.get(conn.dialect.name).has_named_enums:
        preparer = conn.dialect.identifier_preparer
        for schema in schemas:
            for enum in sa.inspect(conn).get_enums(schema=schema):
                name = preparer.quote(enum["name"])
                if schema:
                    name = preparer.quote_schema(schema) + "." + name
                conn.execute(sa.text(f"DROP TYPE IF EXISTS {name}"))
    return tuple(dropped)


def _is_file_database(backend: str) -> bool:
    """The backend keeps a database in a file (SQLite); False for one dbplan does not know."""
    try:
        return dialects.get(backend).database_is_file
    except dialects.UnknownDialectError:
        return False
