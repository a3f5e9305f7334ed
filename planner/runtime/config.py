"""The Alembic configuration of a project, built programmatically.

No alembic.ini is needed: ``script_location`` is the project's migrations directory
and ``sqlalchemy.url`` the resolved database URL. When the project has an
``alembic.ini`` its other settings (logging, ``post_write_hooks``, ``file_template``,
``version_locations``) apply, and its ``sqlalchemy.url`` is used when neither
``--url``, ``$SQLALCHEMY_DATABASE_URI`` nor ``[tool.dbplan] url`` gives one.
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys
import tomllib
from collections.abc import Iterator
from configparser import ConfigParser
from pathlib import Path
from typing import TYPE_CHECKING

from planner.project import URL_ENV
from planner.runtime.errors import MigrationError

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

    importable_project(project.root)
    cfg = existing_config(project.root, project.alembic_ini) or Config()
    cfg.set_main_option("script_location", str(project.migrations_dir))
    resolved = database_url(project, url)
    cfg.set_main_option("sqlalchemy.url", resolved.replace("%", "%%"))
    #: read first by dbplan's env.py (after ``-x url=``): see its docstring
    cfg.attributes["dbplan_url"] = resolved
    return cfg


def importable_project(root: Path) -> None:
    """Put the project root (and ``src/``, when it exists) first on ``sys.path``.

    The application's env.py imports the application (``from myapp.models import Base``)
    as ``alembic`` run from the project root would; every command that runs the Alembic
    environment builds its config with :func:`alembic_config`, which calls this.
    """
    for path in (root / "src", root):
        if path == root or path.is_dir():
            entry = str(path)
            if entry in sys.path:
                sys.path.remove(entry)
            sys.path.insert(0, entry)


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


#: query parameters of a URL that carry a secret (``?password=...``)
SECRET_PARAMS = frozenset({"password", "passwd", "pwd", "pass", "sslpassword", "secret"})
MASK = "***"


def redact(url: str) -> str:
    """The URL with its password hidden (``user:pw@`` and ``?password=``), for messages.

    The one redaction of dbplan: every message that shows a database URL uses it.

    Example:
        >>> redact("postgresql://u:secret@h/db")
        'postgresql://u:***@h/db'
        >>> redact("mysql+pymysql://u@h/db?password=secret&charset=utf8mb4")
        'mysql+pymysql://u@h/db?charset=utf8mb4&password=***'
    """
    from sqlalchemy.engine import make_url

    try:
        u = make_url(url)
        query = {k: (MASK if k.lower() in SECRET_PARAMS else v) for k, v in u.query.items()}
        shown = u.set(query=query).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown with secrets cut out
        return _cut_secrets(url)
    return shown.replace("%2A%2A%2A", MASK)


def _secrets(url: str) -> list[str]:
    from urllib.parse import quote, unquote

    from sqlalchemy.engine import make_url

    found: list[str] = []
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001
        return found
    values = [u.password] if u.password else []
    for k, v in u.query.items():
        if k.lower() in SECRET_PARAMS:
            values += [v] if isinstance(v, str) else list(v)
    for value in values:
        value = str(value)
        if value:
            found += {value, quote(value, safe=""), quote(value), unquote(value)}
    return sorted(set(found), key=len, reverse=True)


def _cut_secrets(text: str) -> str:
    import re

    text = re.sub(r"(://[^:/@\s]*:)[^@\s]*@", rf"\1{MASK}@", text)
    keys = "|".join(sorted(SECRET_PARAMS))
    return re.sub(rf"((?:[?&;]|\b)(?:{keys})=)[^&\s'\"]*", rf"\1{MASK}", text, flags=re.I)


def redact_text(text: str, url: str | None = None) -> str:
    """``text`` (a driver's or Alembic's message) with ``url``'s secrets masked, and any URL
    password or ``password=`` in it too.

    Example:
        >>> redact_text("cannot connect to mysql://u:pw@h/db", "mysql://u:pw@h/db")
        'cannot connect to mysql://u:***@h/db'
    """
    if url:
        for secret in _secrets(url):
            text = text.replace(secret, MASK)
    return _cut_secrets(text)


#: errors dbplan's env.py raises with a message for users (it cannot import dbplan)
ENV_ERRORS = frozenset({"LockTimeout", "ForeignKeyCheckFailed"})

#: the module a database driver needs -> what to install for it
DRIVER_PACKAGES = {
    "psycopg2": "psycopg2-binary (or use the +psycopg driver of psycopg 3)",
    "psycopg": "dbplan's extra 'dbplan[postgresql]' (psycopg 3)",
    "pymysql": "dbplan's extra 'dbplan[mysql]' (PyMySQL)",
    "MySQLdb": "mysqlclient (or use the +pymysql driver)",
    "mariadb": "mariadb (or use the +pymysql driver)",
}


def _site(tb) -> tuple[str | None, str | None]:
    """(revision id, "file:line: code") of the innermost revision or env.py frame of ``tb``."""
    revision = where = None
    while tb is not None:
        frame = tb.tb_frame
        g = frame.f_globals
        filename = frame.f_code.co_filename
        is_revision = "revision" in g and "down_revision" in g
        if is_revision or Path(filename).name == "env.py":
            code = linecache.getline(filename, tb.tb_lineno).strip()
            where = f"{filename}:{tb.tb_lineno}" + (f": {code}" if code else "")
            revision = str(g["revision"]) if is_revision else revision
        tb = tb.tb_next
    return revision, where


def _server_reason(e) -> str:
    """The driver's message: first line, plus the server's DETAIL and HINT when it gives them."""
    orig = e.orig if getattr(e, "orig", None) is not None else e
    lines = str(orig).strip().splitlines()
    text = lines[0] if lines else type(e).__name__
    diag = getattr(orig, "diag", None)
    extra: list[str] = []
    if diag is not None:
        for label, attr in (("DETAIL", "message_detail"), ("HINT", "message_hint")):
            value = getattr(diag, attr, None)
            if value:
                extra.append(f"{label}: {value}")
    else:
        extra = [ln.strip() for ln in lines[1:] if ln.strip().startswith(("DETAIL:", "HINT:"))]
    return "\n".join([text, *extra])


def _missing_module(e: ModuleNotFoundError, url: str | None) -> str:
    name = e.name or str(e)
    top = name.split(".", 1)[0]
    python = sys.executable
    if top in DRIVER_PACKAGES:
        return (
            f"database URL {redact(url or '')!r} needs the driver module {name!r}, which is not "
            f"installed for {python}: install {DRIVER_PACKAGES[top]} there "
            f"(`{python} -m pip install ...`)"
        )
    _, where = _site(e.__traceback__)
    at = f"{where}: " if where else ""
    return (
        f"{at}the Alembic environment imports {name!r}, which {python} cannot import "
        f"(ModuleNotFoundError): install the package that provides {top!r} into that Python's "
        f"environment{' (' + sys.prefix + ')' if sys.prefix != sys.base_prefix else ''} "
        "— for the project's own package `pip install -e .` in the project root — or "
        "install dbplan into the application's virtualenv and run it from there"
    )


@contextlib.contextmanager
def alembic_errors(url: str | None = None, operation: str | None = None) -> Iterator[None]:
    """Turn Alembic and database errors into :class:`MigrationError` (cause kept).

    ``operation`` ("upgrade to b2", ...) is named in database errors, with the revision and
    the line of its file that failed when the failure happened inside a revision.
    """
    from alembic.util import CommandError
    from sqlalchemy import exc as sa_exc

    doing = f" during {operation}" if operation else ""
    try:
        yield
    except MigrationError:
        raise
    except ModuleNotFoundError as e:
        raise MigrationError(_missing_module(e, url)) from e
    except RuntimeError as e:
        if type(e).__name__ not in ENV_ERRORS:
            raise
        raise MigrationError(redact_text(str(e), url)) from e
    except CommandError as e:
        raise MigrationError(redact_text(str(e), url)) from e
    except (sa_exc.OperationalError, sa_exc.InterfaceError) as e:
        where = f" {redact(url)}" if url else ""
        raise MigrationError(
            f"database{where}{doing}{_in_revision(e)}: {redact_text(_server_reason(e), url)}"
        ) from e
    except sa_exc.NoSuchModuleError as e:
        raise MigrationError(
            f"database URL {redact(url or '')!r}: {redact_text(str(e), url)}"
        ) from e
    except sa_exc.ArgumentError as e:
        if not _parses(url):
            raise MigrationError(
                f"invalid database URL {redact(url or '')!r}: {redact_text(str(e), url)}"
            ) from e
        # the URL is fine: a revision (or env.py) passed SQLAlchemy something it refuses
        raise MigrationError(f"SQLAlchemy refused a call (ArgumentError): {e}") from e
    except sa_exc.DBAPIError as e:
        raise MigrationError(
            f"database error{doing}{_in_revision(e)}: {redact_text(_server_reason(e), url)}"
        ) from e


def _in_revision(e: BaseException) -> str:
    revision, where = _site(e.__traceback__)
    if revision is None:
        return ""
    return f" in revision {revision} ({where})"
