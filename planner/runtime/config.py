"""The Alembic configuration of a project, built programmatically.

No alembic.ini is needed: ``script_location`` is the project's migrations directory
and ``sqlalchemy.url`` the resolved database URL. When the project has an
``alembic.ini`` its other settings (logging, ``post_write_hooks``, ``file_template``,
``version_locations``) apply, and its ``sqlalchemy.url`` is used when neither
``--url``, ``$SQLALCHEMY_DATABASE_URI`` nor ``[tool.dbplan] url`` gives one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tomllib
from collections.abc import Iterator
from configparser import ConfigParser
from pathlib import Path
from typing import TYPE_CHECKING

from planner.project import URL_ENV
from planner.runtime.errors import MigrationError
from planner.runtime.messages import database_error, missing_module, redact, scrub

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from planner.project import Project

ALEMBIC_INI = "alembic.ini"


def database_url(project: Project, url: str | None = None) -> str:
    """The database URL: ``url``, else the env var, else settings, else alembic.ini, else SQLite.

    Example:
        >>> database_url(load_project("."), "sqlite:///x.db")
        'sqlite:///x.db'
    """
    if url or os.environ.get(URL_ENV) or project.configured_url:
        return project.resolve_url(url)
    ini_url = _ini_url(project)
    if ini_url:
        return absolute_sqlite(ini_url, project.root)
    return project.resolve_url(None)


def _ini_url(project: Project) -> str | None:
    ini = project.alembic_ini or project.root / ALEMBIC_INI
    if not ini.is_file() or ini.suffix == ".toml":
        return None
    parser = ConfigParser(defaults={"here": str(ini.parent)})
    try:
        parser.read(ini, encoding="utf-8")
        value = parser.get("alembic", "sqlalchemy.url", fallback=None)
    except Exception:  # noqa: BLE001 - a broken ini is reported by Alembic itself
        return None
    if not value or value.startswith("driver://"):
        return None
    return value


def absolute_sqlite(url: str, root: Path) -> str:
    """A relative SQLite file URL made absolute against ``root``; other URLs unchanged.

    Example:
        >>> absolute_sqlite("sqlite:///app.db", Path("/srv"))
        'sqlite:////srv/app.db'
    """
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and rest != ":memory:":
            return prefix + str(root / rest)
    return url


def alembic_config(project: Project, url: str | None = None) -> Config:
    """An ``alembic.config.Config`` for the project, pointed at ``url`` (resolved).

    Example:
        >>> cfg = alembic_config(load_project("."), "sqlite:///x.db")
        >>> cfg.get_main_option("sqlalchemy.url")
        'sqlite:///x.db'
    """
    from alembic.config import Config

    # the application's env.py imports the application (`from myapp.models import Base`)
    root = str(project.root)
    if root not in sys.path:
        sys.path.insert(0, root)
    cfg = existing_config(project.root, project.alembic_ini) or Config()
    cfg.set_main_option("script_location", str(project.migrations_dir))
    cfg.set_main_option("sqlalchemy.url", database_url(project, url).replace("%", "%%"))
    return cfg


def existing_config(root: Path, explicit: Path | None = None) -> Config | None:
    """The project's own Alembic config: alembic.ini and/or ``[tool.alembic]``; else None.

    ``explicit`` (``[tool.dbplan] alembic_config``) names the file when it is not the root's.

    Example:
        >>> existing_config(Path("legacy")).get_alembic_option("script_location")
        '/.../legacy/alembic'
    """
    from planner.runtime.alembic_setup import explicit_config, load_config

    if explicit is not None:
        return explicit_config(explicit)
    ini = root / ALEMBIC_INI
    pp = root / "pyproject.toml"
    toml = None
    if pp.is_file():
        try:
            if "alembic" in tomllib.loads(pp.read_text(encoding="utf-8")).get("tool", {}):
                toml = pp
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            toml = None
    if not ini.is_file() and toml is None:
        return None
    return load_config(ini if ini.is_file() else None, toml)


def script_directory(project: Project) -> ScriptDirectory:
    """The project's Alembic ``ScriptDirectory``; a clear error when it is missing.

    Example:
        >>> [s.revision for s in script_directory(project).walk_revisions()]
        ['b2', 'a1']
    """
    from alembic.script import ScriptDirectory

    env = project.migrations_dir / "env.py"
    if not env.is_file():
        raise MigrationError(
            f"no Alembic environment at {project.display(project.migrations_dir)}/ "
            "(expected env.py there; run `dbplan init`, or set [tool.dbplan] migrations)"
        )
    with alembic_errors():
        return ScriptDirectory.from_config(alembic_config(project, "sqlite://"))


def _parses(url: str | None) -> bool:
    from sqlalchemy.engine import make_url

    try:
        make_url(url or "")
    except Exception:  # noqa: BLE001 - any failure means the URL is the problem
        return False
    return True


@contextlib.contextmanager
def alembic_errors(url: str | None = None, project: Project | None = None) -> Iterator[None]:
    """Turn Alembic and database errors into :class:`MigrationError` (cause kept).

    Messages keep the server's whole text (PostgreSQL's DETAIL/HINT lines) and the
    statement that failed, never a secret of ``url``; a module ``env.py`` or a driver
    cannot import gets what to install where.
    """
    from alembic.util import CommandError
    from sqlalchemy import exc as sa_exc

    try:
        yield
    except MigrationError:
        raise
    except CommandError as e:
        raise MigrationError(scrub(str(e), url)) from e
    except ModuleNotFoundError as e:
        advice = missing_module(e, project.root if project is not None else None)
        if advice is None:
            raise
        raise MigrationError(advice) from e
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as e:
        where = f" {redact(url)}" if url else ""
        raise MigrationError(f"database{where}: {database_error(e, url)}") from e
    except sa_exc.NoSuchModuleError as e:
        raise MigrationError(f"database URL {redact(url or '')!r}: {scrub(str(e), url)}") from e
    except sa_exc.ArgumentError as e:
        if not _parses(url):
            raise MigrationError(
                f"invalid database URL {redact(url or '')!r}: {scrub(str(e), url)}"
            ) from e
        # the URL is fine: a revision (or env.py) passed SQLAlchemy something it refuses
        raise MigrationError(f"SQLAlchemy refused a call (ArgumentError): {e}") from e
    except sa_exc.DBAPIError as e:
        raise MigrationError(f"database error: {database_error(e, url)}") from e
