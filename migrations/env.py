"""Alembic environment of a dbplan project.

Works with or without dbplan installed: ``dbplan upgrade`` and plain
``alembic upgrade head`` (with an alembic.ini, or ``-x url=...``) run the same code.

The database URL is the first of:

1. ``-x url=...`` (``alembic -x url=postgresql+psycopg://... upgrade head``);
2. the URL dbplan resolved, when dbplan runs this file (``--url``, then the same
   order as below);
3. ``$SQLALCHEMY_DATABASE_URI``;
4. ``url`` in ``[tool.dbplan]`` of the nearest pyproject.toml;
5. ``sqlalchemy.url`` of an alembic.ini, unless it is the ``driver://...``
   placeholder of Alembic's ini template;
6. the SQLite file ``dbplan.sqlite`` beside that pyproject.toml.

The environment variable comes before files, so a deployment's setting wins over an
ini committed with a development URL.

Concurrent upgrades of one database run one after another: the connection takes a
migration lock before Alembic reads the current revision and releases it afterwards.
On PostgreSQL it is the advisory lock ``PG_LOCK_KEY`` (advisory locks belong to one
database); on MariaDB/MySQL, whose ``GET_LOCK`` names are server-wide, the name is
``dbplan:`` and the first 40 hex digits of the SHA-256 of the database name, so
upgrades of other databases on the server are not held up. The wait is bounded:
``-x lock_timeout=SECONDS``, else ``$DBPLAN_LOCK_TIMEOUT``, else 300 seconds; then the
upgrade fails, naming the session that holds the lock as the server reports it
(``pg_stat_activity``; ``IS_USED_LOCK`` and the process list). SQLite waits as long
for the file lock (the driver's busy timeout); it cannot say who holds it. Each revision commits on its own
(``transaction_per_migration``), so a failing revision on PostgreSQL or SQLite leaves
the database at the previous one.

SQLite: the driver is told to send ``BEGIN`` itself (pysqlite otherwise commits before
every CREATE/DROP), so a revision, batch table rebuilds (``_alembic_tmp_*``) included,
is one transaction. Connections run with ``PRAGMA foreign_keys=ON``, so declared
cascades happen; a revision that rebuilds tables (``batch_alter_table``) runs with
foreign keys off, as Alembic's batch mode requires (dropping the old table would
otherwise cascade into the rows that reference it), and ``PRAGMA foreign_key_check``
must find nothing before it commits. The pragma cannot change inside a transaction, so
it is set between revisions. dbplan writes revisions from
snapshots, so there is no ``target_metadata`` (no autogenerate).

A caller may pass its own connection as ``config.attributes["connection"]``; work
pending on it is committed when the lock is taken, unless the caller also sets
``config.attributes["dbplan_in_transaction"]``: then everything runs inside the
caller's transaction and nothing is committed or rolled back here (``dbplan setup``
creates the tables and stamps them in one transaction this way).
"""

from __future__ import annotations

import hashlib
import os
import time
import tomllib
from configparser import ConfigParser
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy import create_engine, event, pool, text

URL_ENV = "SQLALCHEMY_DATABASE_URI"
DEFAULT_SQLITE = "dbplan.sqlite"
#: pg_advisory_lock key: the bytes of "dbplan" as an integer (same for every dbplan project)
PG_LOCK_KEY = 0x6462706C616E
LOCK_TIMEOUT_ENV = "DBPLAN_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 300.0

config = context.config
target_metadata = None

if config.config_file_name is not None:
    _ini = ConfigParser()
    _ini.read(config.config_file_name)
    if _ini.has_section("loggers"):
        fileConfig(config.config_file_name, disable_existing_loggers=False)


def _project_root() -> tuple[Path, dict]:
    """The nearest directory above this file whose pyproject.toml has [tool.dbplan]."""
    here = Path(__file__).resolve().parent
    for d in (here, *here.parents):
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            settings = data.get("tool", {}).get("dbplan")
            if isinstance(settings, dict):
                return d, settings
    return here.parent, {}


def _absolute_sqlite(url: str, root: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and rest != ":memory:":
            return prefix + str(root / rest)
    return url


def database_url() -> str:
    """The URL to migrate, by the precedence in the module docstring."""
    url = context.get_x_argument(as_dictionary=True).get("url")
    if url:
        return url
    url = config.attributes.get("dbplan_url")
    if url:
        return url
    url = os.environ.get(URL_ENV)
    if url:
        return url
    root, settings = _project_root()
    url = settings.get("url")
    if isinstance(url, str) and url:
        return _absolute_sqlite(url, root)
    url = config.get_main_option("sqlalchemy.url")
    if url and not url.startswith("driver://"):
        return url
    return f"sqlite:///{root / DEFAULT_SQLITE}"


def _configure(**kw) -> None:
    context.configure(
        target_metadata=target_metadata,
        transaction_per_migration=True,
        **kw,
    )


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade --sql``)."""
    url = database_url()
    _configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def lock_timeout() -> float:
    """Seconds to wait for the migration lock (see the module docstring)."""
    raw = context.get_x_argument(as_dictionary=True).get("lock_timeout") or os.environ.get(
        LOCK_TIMEOUT_ENV
    )
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeError(
            f"lock timeout {raw!r} (-x lock_timeout / ${LOCK_TIMEOUT_ENV}) is not a number of "
            "seconds"
        ) from None
    if value < 0:
        raise RuntimeError(f"lock timeout {raw!r} must be 0 or more seconds")
    return value


def mysql_lock_name(database: str) -> str:
    """The per-database GET_LOCK name (at most 64 characters, as the server requires)."""
    return "dbplan:" + hashlib.sha256(database.encode("utf-8")).hexdigest()[:40]


class LockTimeout(RuntimeError):
    """The migration lock stayed held for the whole lock timeout."""


class ForeignKeyCheckFailed(RuntimeError):
    """A SQLite revision run with foreign keys off left rows pointing at nothing."""


def _pg_holder(connection) -> str:
    row = connection.execute(
        text(
            "SELECT a.pid, a.usename, a.application_name, a.client_addr, a.state, "
            "a.backend_start, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi AND "
            "l.objid = :lo AND l.database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())"
        ),
        {"hi": PG_LOCK_KEY >> 32, "lo": PG_LOCK_KEY & 0xFFFFFFFF},
    ).first()
    if row is None:
        return "the server does not say who holds it"
    pid, user, app, addr, state, start, query = row
    return (
        f"held by PostgreSQL backend pid {pid} (user {user}, application {app or '-'}, "
        f"client {addr or 'local'}, connected {start:%Y-%m-%d %H:%M:%S %Z}, {state}; last "
        f"query: {(query or '').strip()[:120]!r})"
    )


def _mysql_holder(connection, name: str) -> str:
    holder = connection.execute(text("SELECT IS_USED_LOCK(:name)"), {"name": name}).scalar()
    if holder is None:
        return "the server does not say who holds it"
    row = connection.execute(
        text(
            "SELECT USER, HOST, DB, COMMAND, TIME, INFO FROM information_schema.PROCESSLIST "
            "WHERE ID = :id"
        ),
        {"id": holder},
    ).first()
    if row is None:
        return f"held by connection {holder}"
    user, host, db, command, seconds, info = row
    return (
        f"held by connection {holder} (user {user}@{host}, database {db}, {command} for "
        f"{seconds} s; running: {(info or '-').strip()[:120]!r})"
    )


def _wait_message(what: str, timeout: float, holder: str) -> str:
    return (
        f"the migration lock {what} is still held after {timeout:g} s, {holder}: another "
        "upgrade of this database is running (wait for it), or a stuck session holds it "
        f"(end it); raise the wait with ${LOCK_TIMEOUT_ENV}=SECONDS or -x lock_timeout=SECONDS"
    )


def _lock(connection) -> None:
    name = connection.dialect.name
    timeout = lock_timeout()
    if name == "postgresql":
        deadline = time.monotonic() + timeout
        query = text("SELECT pg_try_advisory_lock(:key)")
        while not connection.execute(query, {"key": PG_LOCK_KEY}).scalar():
            if time.monotonic() >= deadline:
                holder = _pg_holder(connection)
                raise LockTimeout(
                    _wait_message(f"(pg advisory lock {PG_LOCK_KEY})", timeout, holder)
                )
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
    elif name in ("mysql", "mariadb"):
        database = connection.execute(text("SELECT DATABASE()")).scalar() or ""
        lock = mysql_lock_name(database)
        config.attributes["dbplan_lock_name"] = lock
        got = connection.execute(
            text("SELECT GET_LOCK(:name, :timeout)"), {"name": lock, "timeout": timeout}
        ).scalar()
        if got != 1:
            holder = _mysql_holder(connection, lock)
            raise LockTimeout(_wait_message(f"{lock!r} (database {database})", timeout, holder))
    # commit, so that Alembic starts (and commits) its own per-revision transactions
    if not _in_callers_transaction():
        connection.commit()


def _in_callers_transaction() -> bool:
    return bool(config.attributes.get("dbplan_in_transaction"))


def _unlock(connection) -> None:
    name = connection.dialect.name
    if connection.in_transaction() and not _in_callers_transaction():
        connection.rollback()
    if name == "postgresql":
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
    elif name in ("mysql", "mariadb"):
        lock = config.attributes.get("dbplan_lock_name")
        if lock:
            connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": lock})
    if not _in_callers_transaction():
        connection.commit()


def _transactional_sqlite(engine) -> None:
    """pysqlite: no implicit transactions; BEGIN sent when SQLAlchemy begins one."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN")


def _rebuilds_tables(step) -> bool:
    path = getattr(getattr(step, "revision", None), "path", None)
    try:
        return "batch_alter_table" in Path(path).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return False


def _sqlite_revisions(connection) -> None:
    """Foreign keys on for each revision, off for one that rebuilds tables (then checked)."""
    migration = context.get_context()
    steps_of = getattr(migration, "_migrations_fn", None)
    raw = connection.connection.dbapi_connection
    if steps_of is None:  # an Alembic without the hook: foreign keys off, as Alembic assumes
        raw.execute("PRAGMA foreign_keys=OFF")
        return
    unchecked = []

    def steps(heads, ctx):
        for step in steps_of(heads, ctx):
            if connection.in_transaction():
                connection.commit()  # reads of alembic_version: the pragma needs no transaction
            off = _rebuilds_tables(step)
            raw.execute(f"PRAGMA foreign_keys={'OFF' if off else 'ON'}")
            unchecked[:] = [step] if off else []
            yield step
        raw.execute("PRAGMA foreign_keys=ON")

    def check(ctx, step, heads, run_args) -> None:
        if not unchecked:
            return
        bad = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if bad:
            shown = ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in bad[:5])
            done = "revision" if step.is_upgrade else "the downgrade of revision"
            raise ForeignKeyCheckFailed(
                f"{done} {step.up_revision_id} leaves {len(bad)} row(s) whose foreign key"
                f" points at nothing ({shown}): "
                "rolled back; fix the revision's data steps"
            )

    migration._migrations_fn = steps
    migration.on_version_apply_callbacks = (*migration.on_version_apply_callbacks, check)


def _migrate(connection) -> None:
    _lock(connection)
    try:
        # Alembic reads the current revision when run_migrations starts: after the lock.
        sqlite = connection.dialect.name == "sqlite"
        _configure(
            connection=connection,
            render_as_batch=sqlite,
            **({"transactional_ddl": True} if sqlite else {}),
        )
        if sqlite and not _in_callers_transaction():
            _sqlite_revisions(connection)
        with context.begin_transaction():
            context.run_migrations()
    except BaseException:
        try:
            _unlock(connection)
        except Exception:  # noqa: BLE001 - keep the original error; closing releases the lock
            pass
        raise
    _unlock(connection)


def run_migrations_online() -> None:
    """Migrate the database, holding the migration lock."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = database_url()
    sqlite_wait = {"timeout": lock_timeout()} if url.startswith("sqlite") else {}
    engine = create_engine(url, poolclass=pool.NullPool, connect_args=sqlite_wait)
    if engine.dialect.name == "sqlite":
        _transactional_sqlite(engine)
    try:
        with engine.connect() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
