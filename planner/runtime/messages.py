"""What dbplan says about databases: URLs without secrets, and errors with the server's words.

* :func:`redact` hides every secret a URL can carry (the password, and query parameters
  such as ``?password=`` or ``?sslpassword=``); :func:`scrub` removes those secrets from
  any text (a driver's message may quote the URL it was given).
* :func:`database_error` keeps the whole server message — PostgreSQL's ``DETAIL:``,
  ``HINT:`` and ``CONTEXT:`` lines, MariaDB's error number — and the statement that failed.
* :func:`missing_module` turns a bare ``No module named 'psycopg2'`` into what to install,
  and an application import that ``env.py`` cannot make into where to install it.
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

#: query parameters whose values are secrets (compared case-insensitively)
SECRET_PARAMETERS = frozenset(
    {"password", "passwd", "pwd", "pass", "sslpassword", "secret", "token", "access_token"}
)
#: the longest part of a failed statement a message quotes
STATEMENT_LIMIT = 300

#: database driver modules and how to get them
DRIVERS = {
    "psycopg2": "install psycopg2 (`pip install psycopg2-binary`, or `pip install 'dbplan[psycopg2]'`), "
    "or use a postgresql+psycopg:// URL (psycopg 3, installed with dbplan)",
    "psycopg": "install psycopg 3 (`pip install 'psycopg[binary]'`)",
    "pymysql": "install PyMySQL (`pip install 'dbplan[mysql]'` or `pip install pymysql`)",
    "MySQLdb": "install mysqlclient (`pip install mysqlclient`), or use a mysql+pymysql:// URL",
    "mariadb": "install the MariaDB connector (`pip install mariadb`), or use mysql+pymysql://",
    "asyncpg": "dbplan runs migrations synchronously: use postgresql+psycopg:// instead",
}


def _secrets(url: str) -> list[str]:
    from sqlalchemy.engine import make_url

    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - an unparsable URL: take what looks like a password
        m = re.search(r"://[^:/@\s]*:([^@\s]+)@", url)
        found = [m.group(1)] if m else []
        names = "|".join(sorted(SECRET_PARAMETERS))
        found += re.findall(r"(?i)[?&](?:" + names + r")=([^&\s]+)", url)
        return [s for s in found if s]
    found = [u.password] if u.password else []
    for key, value in u.query.items():
        if key.lower() in SECRET_PARAMETERS:
            found += [value] if isinstance(value, str) else list(value)
    return [str(s) for s in found if s]


def redact(url: str) -> str:
    """The URL with every secret it carries replaced by ``***``, for messages.

    Example:
        >>> redact("postgresql://u:secret@h/db")
        'postgresql://u:***@h/db'
        >>> redact("postgresql://u@h/db?password=secret&sslmode=require")
        'postgresql://u@h/db?password=***&sslmode=require'
    """
    from sqlalchemy.engine import make_url

    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown with its secrets cut out
        return scrub(url, url)
    text = u.render_as_string(hide_password=True)
    for key, value in u.query.items():
        if key.lower() in SECRET_PARAMETERS:
            for v in [value] if isinstance(value, str) else value:
                text = _replace_parameter(text, key, v)
    return text


def _replace_parameter(text: str, key: str, value: str) -> str:
    from urllib.parse import quote_plus

    for shown in {value, quote_plus(value)}:
        text = text.replace(f"{key}={shown}", f"{key}=***")
    return text


def scrub(text: str, url: str | None) -> str:
    """``text`` with the secrets of ``url`` replaced by ``***``.

    Example:
        >>> scrub("could not connect with 'postgresql://u:pw1@h/db'", "postgresql://u:pw1@h/db")
        "could not connect with 'postgresql://u:***@h/db'"
    """
    if not url:
        return text
    for secret in sorted(_secrets(url), key=len, reverse=True):
        from urllib.parse import quote_plus

        for shown in {secret, quote_plus(secret)}:
            if len(shown) >= 1:
                text = text.replace(shown, "***")
    return text


def database_error(e: BaseException, url: str | None) -> str:
    """The server's whole message for a failed statement, and the statement (shortened).

    PostgreSQL (psycopg) gives ``DETAIL:``/``HINT:``/``CONTEXT:`` lines after the first;
    they are kept, indented. The ``[SQL: …]`` and background-link lines SQLAlchemy adds
    are replaced by one ``statement:`` line.
    """
    orig = getattr(e, "orig", None) or e
    lines = [line.rstrip() for line in str(orig).strip().splitlines() if line.strip()]
    diag = getattr(orig, "diag", None)
    if diag is not None:
        for label, attr in (("DETAIL", "message_detail"), ("HINT", "message_hint")):
            value = getattr(diag, attr, None)
            if value and not any(line.startswith(f"{label}:") for line in lines):
                lines.append(f"{label}:  {value}")
    text = lines[0] if lines else type(orig).__name__
    text += "".join(f"\n  {line}" for line in lines[1:])
    statement = getattr(e, "statement", None)
    if statement:
        flat = " ".join(str(statement).split())
        if len(flat) > STATEMENT_LIMIT:
            flat = flat[:STATEMENT_LIMIT] + " …"
        text += f"\n  statement: {flat}"
    return scrub(text, url)


def missing_module(e: ModuleNotFoundError, project_root: Path | None = None) -> str | None:
    """What to do about a module that could not be imported, or None if it is not ours to say.

    A database driver gets the package to install; a module imported by the project's
    ``env.py`` (the application's models, typically) gets the file and line that imports
    it and the Python it must be installed into.
    """
    name = (e.name or "").split(".")[0]
    if name in DRIVERS:
        return f"the database driver {name!r} is not installed: {DRIVERS[name]}"
    frames = traceback.extract_tb(e.__traceback__)
    env = next((f for f in reversed(frames) if Path(f.filename).name == "env.py"), None)
    if env is None:
        return None
    where = f"{env.filename}:{env.lineno}"
    root = f"; the project root {project_root} is on sys.path" if project_root else ""
    return (
        f"{where} imports {e.name!r}, which this Python ({sys.executable}) cannot import{root}: "
        f"install the package that provides it into this environment (for the application "
        f"itself: `{sys.executable} -m pip install -e <the application's directory>`), or "
        "install dbplan into the application's own virtualenv and run it from there"
    )
