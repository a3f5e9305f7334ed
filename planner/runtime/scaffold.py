"""Scaffold a dbplan project (``dbplan init``) or adopt an existing Alembic one.

``init_project`` creates ``schema_state/``, ``migrations/`` (the dbplan ``env.py``
and ``script.py.mako``, an empty ``versions/``) and the ``[tool.dbplan]`` table of
pyproject.toml (the file is created, or the table appended; nothing else changes).

``adopt_project`` brings an existing Alembic project over without rewriting its
history: the live database (which must be at the single head revision) is captured
as the first snapshot, and that head is recorded as the release's revision::

    [tool.dbplan.releases]
    "1.0.0" = "ae1027a6acf"

The project keeps its own env.py, script.py.mako and alembic.ini, wherever they are
(see :mod:`planner.runtime.alembic_setup` for the layouts found).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from planner.project import DEFAULT_MIGRATIONS, DEFAULT_SNAPSHOTS, ProjectError, sort_releases
from planner.runtime.alembic_setup import AlembicSetup, find_alembic_setup, load_config
from planner.runtime.config import ALEMBIC_INI, alembic_errors, redact
from planner.runtime.errors import MigrationError
from planner.runtime.releases import RELEASES_KEY

TEMPLATE_FILES = ("env.py", "script.py.mako")


@dataclass(frozen=True, slots=True, kw_only=True)
class InitResult:
    root: Path
    #: created or changed paths, relative to root, in creation order
    written: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AdoptResult:
    root: Path
    release: str
    revision: str
    migrations: str
    snapshot: Path
    tables: int
    written: tuple[str, ...]
    #: where the Alembic configuration was found ("alembic.ini", "[tool.alembic]", ...)
    layout: str = ""


def template_text(name: str) -> str:
    """The text of a file ``dbplan init`` copies into ``migrations/``.

    Example:
        >>> "pg_advisory_lock" in template_text("env.py")
        True
    """
    return (resources.files("planner") / "templates" / "migrations" / name).read_text(
        encoding="utf-8"
    )


def _toml_str(value: str) -> str:
    # a JSON string is a valid TOML basic string
    return json.dumps(value, ensure_ascii=False)


def _read_pyproject(root: Path) -> tuple[str | None, dict]:
    pp = root / "pyproject.toml"
    if not pp.is_file():
        return None, {}
    text = pp.read_text(encoding="utf-8")
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise MigrationError(f"{pp}: invalid TOML: {e}") from None


def _refuse_if_initialised(root: Path, data: dict) -> None:
    if "dbplan" in data.get("tool", {}):
        raise MigrationError(
            f"{root / 'pyproject.toml'} already has [tool.dbplan]: the project is initialised"
        )


def _settings_text(
    *,
    snapshots: str,
    migrations: str,
    url: str | None,
    releases: dict[str, str] | None = None,
    alembic_config: str | None = None,
    dialects: list[str] | None = None,
) -> str:
    lines = [
        "[tool.dbplan]",
        f"snapshots = {_toml_str(snapshots)}",
        f"migrations = {_toml_str(migrations)}",
    ]
    if alembic_config:
        lines.append(f"alembic_config = {_toml_str(alembic_config)}")
    if dialects:
        lines.append(f"dialects = [{', '.join(_toml_str(d) for d in dialects)}]")
    if url:
        lines.append(f"url = {_toml_str(url)}")
    else:
        lines.append('# url = "postgresql+psycopg://user@localhost/app"  # default: dbplan.sqlite')
    if releases:
        lines += ["", f"[tool.dbplan.{RELEASES_KEY}]"]
        lines += [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in releases.items()]
    return "\n".join(lines) + "\n"


def _append_settings(root: Path, text: str | None, settings: str) -> str:
    """The new pyproject.toml text; checked to parse, with the settings in place."""
    if text is None:
        new = settings
    else:
        if not text.strip():
            sep = ""
        elif text.endswith("\n\n"):
            sep = ""
        elif text.endswith("\n"):
            sep = "\n"
        else:
            sep = "\n\n"
        new = text + sep + settings
    try:
        parsed = tomllib.loads(new)
    except tomllib.TOMLDecodeError as e:
        raise MigrationError(
            f"{root / 'pyproject.toml'}: cannot append [tool.dbplan] ({e}); add it by hand:\n"
            + settings
        ) from None
    if "dbplan" not in parsed.get("tool", {}):  # pragma: no cover - defensive
        raise MigrationError(f"{root / 'pyproject.toml'}: [tool.dbplan] did not take effect")
    return new


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".dbplan-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def init_project(directory: str | os.PathLike, *, url: str | None = None) -> InitResult:
    """Scaffold a dbplan project in ``directory`` (created if missing).

    Refuses a directory whose pyproject.toml already has ``[tool.dbplan]``, or that
    already holds an Alembic environment (adopt that one instead).

    Example:
        >>> init_project("app").written
        ('schema_state/', 'migrations/env.py', 'migrations/script.py.mako', 'migrations/versions/', 'pyproject.toml')
    """
    root = Path(directory).resolve()
    text, data = _read_pyproject(root)
    _refuse_if_initialised(root, data)
    mig = root / DEFAULT_MIGRATIONS
    if "alembic" in data.get("tool", {}):
        raise MigrationError(
            f"{root / 'pyproject.toml'} has [tool.alembic]: this is an Alembic project already; "
            "bring it over with `dbplan init --adopt --from-db URL --release R`"
        )
    for existing in (
        root / ALEMBIC_INI,
        mig / ALEMBIC_INI,
        mig / "env.py",
        root / "alembic" / "env.py",
    ):
        if existing.exists():
            raise MigrationError(
                f"{existing} exists: this is an Alembic project already; bring it over with "
                "`dbplan init --adopt --from-db URL --release R`"
            )
    new_pyproject = _append_settings(
        root,
        text,
        _settings_text(snapshots=DEFAULT_SNAPSHOTS, migrations=DEFAULT_MIGRATIONS, url=url),
    )
    written: list[str] = []
    (root / DEFAULT_SNAPSHOTS).mkdir(parents=True, exist_ok=True)
    written.append(f"{DEFAULT_SNAPSHOTS}/")
    (mig / "versions").mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES:
        _write(mig / name, template_text(name))
        written.append(f"{DEFAULT_MIGRATIONS}/{name}")
    written.append(f"{DEFAULT_MIGRATIONS}/versions/")
    _write(root / "pyproject.toml", new_pyproject)
    written.append("pyproject.toml")
    return InitResult(root=root, written=tuple(written))


def find_alembic_environment(root: Path, alembic_config: str | None = None) -> Path:
    """The migrations directory of an existing Alembic project at ``root``.

    See :func:`planner.runtime.alembic_setup.find_alembic_setup` for the layouts found.

    Example:
        >>> find_alembic_environment(Path("legacy"))
        PosixPath('/.../legacy/alembic')
    """
    return find_alembic_setup(root, alembic_config).script_location


def _heads(setup: AlembicSetup) -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    with alembic_errors():
        cfg = load_config(setup.ini, setup.toml)
        cfg.set_main_option("script_location", str(setup.script_location))
        return tuple(sorted(ScriptDirectory.from_config(cfg).get_heads()))


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _dialects_of(url: str) -> list[str]:
    from planner.dialects import UnknownDialectError, of_url

    try:
        return [of_url(url).name]
    except (UnknownDialectError, ValueError):
        return []


def adopt_project(
    directory: str | os.PathLike,
    *,
    from_db: str,
    release: str,
    rows_of: tuple[str, ...] = (),
    alembic_config: str | None = None,
) -> AdoptResult:
    """Bring an existing Alembic project over: capture ``from_db`` as ``release``.

    The database must be at the single head of the existing revisions (a history may
    branch and merge; several heads are refused, naming them); that head is recorded as
    the release's revision in ``[tool.dbplan.releases]``, the target dialect (from
    ``from_db``) as ``dialects``, and an Alembic config that is not the root's
    (``migrations/alembic.ini``, ``db/alembic.ini``, ``alembic_config``) as
    ``alembic_config``. No revision file is changed. Nothing is written when a check fails.

    Example:
        >>> adopt_project("legacy", from_db="sqlite:///legacy/legacy.sqlite", release="1.0.0").revision
        'ae1027a6acf'
    """
    from planner.runtime.apply import current_heads

    root = Path(directory).resolve()
    text, data = _read_pyproject(root)
    _refuse_if_initialised(root, data)
    try:
        sort_releases([release])
    except ProjectError as e:
        raise MigrationError(str(e)) from None
    setup = find_alembic_setup(root, alembic_config)
    mig = setup.script_location
    heads = _heads(setup)
    if not heads:
        raise MigrationError(f"{mig}: no revisions to adopt; run `dbplan init` for a new project")
    if len(heads) > 1:
        raise MigrationError(
            f"{mig}: {len(heads)} heads ({', '.join(heads)}): dbplan continues a history with "
            "one head; merge them first (`alembic merge heads -m merge`), upgrade the "
            "database to the merge, then adopt"
        )
    head = heads[0]
    at = current_heads(from_db)
    if not at:
        raise MigrationError(
            f"database {redact(from_db)} has no Alembic revision (alembic_version is empty or "
            f"missing): if it holds the schema of the head {head} (built by the application's "
            f"create_all, or restored from a dump), stamp it first with `alembic stamp {head}`"
            f"; otherwise upgrade it (`alembic upgrade head`); then adopt"
        )
    if at != (head,):
        raise MigrationError(
            f"database {redact(from_db)} is at {', '.join(at)}, not at the head {head}: "
            "upgrade it to head first, so the snapshot is the state the head produces"
        )
    snapshots = root / DEFAULT_SNAPSHOTS
    target = snapshots / f"{release}.yaml"
    if target.exists():
        raise MigrationError(f"{target} exists already")
    snapshot = _capture(from_db, release=release, rows_of=rows_of)
    migrations = _relative(root, mig)
    config_file = setup.ini or setup.toml
    own = None
    if config_file is not None and config_file not in (root / ALEMBIC_INI, root / "pyproject.toml"):
        own = _relative(root, config_file)
    new_pyproject = _append_settings(
        root,
        text,
        _settings_text(
            snapshots=DEFAULT_SNAPSHOTS,
            migrations=migrations,
            url=None,
            releases={release: head},
            alembic_config=own,
            dialects=_dialects_of(from_db),
        ),
    )
    _write_snapshot(target, snapshot)
    _write(root / "pyproject.toml", new_pyproject)
    return AdoptResult(
        root=root,
        release=release,
        revision=head,
        migrations=migrations,
        snapshot=target,
        tables=len(snapshot.tables),
        written=(f"{DEFAULT_SNAPSHOTS}/{release}.yaml", "pyproject.toml"),
        layout=setup.layout,
    )


def _capture(url: str, *, release: str, rows_of: tuple[str, ...]):
    from planner.state.capture import from_database

    with alembic_errors(url):
        return from_database(url, release=release, rows_of=rows_of)


def _write_snapshot(path: Path, snapshot) -> None:
    from planner.state.yamlio import write_snapshot

    write_snapshot(path, snapshot)
