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

Concurrent upgrades run one after another: on PostgreSQL the connection takes
``pg_advisory_lock`` (on MariaDB/MySQL ``GET_LOCK``) before Alembic reads the current
revision and releases it afterwards. Each revision commits on its own
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

import os
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
MYSQL_LOCK_NAME = "dbplan_migrations"
MYSQL_LOCK_TIMEOUT = 3600

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


def _lock(connection) -> None:
    name = connection.dialect.name
    if name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
    elif name in ("mysql", "mariadb"):
        got = connection.execute(
            text("SELECT GET_LOCK(:name, :timeout)"),
            {"name": MYSQL_LOCK_NAME, "timeout": MYSQL_LOCK_TIMEOUT},
        ).scalar()
        if got != 1:
            raise RuntimeError(f"could not take the migration lock {MYSQL_LOCK_NAME!r}")
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
        connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": MYSQL_LOCK_NAME})
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
    steps_of = migration._migrations_fn
    raw = connection.connection.dbapi_connection
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
            raise RuntimeError(
                f"revision {step.up_revision_id if step.is_upgrade else step.down_revision_ids}"
                f" leaves {len(bad)} row(s) whose foreign key points at nothing ({shown}): "
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
    engine = create_engine(database_url(), poolclass=pool.NullPool)
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
