"""Find an existing project's Alembic setup, whatever its layout, and load it.

The layouts found, in this order (the first that exists wins):

1. an explicit file: ``dbplan init --adopt --alembic-config PATH``, or
   ``[tool.dbplan] alembic_config = "PATH"`` (an ``alembic.ini``, or a pyproject.toml
   with ``[tool.alembic]``);
2. ``alembic.ini`` at the project root (with or without ``[tool.alembic]`` beside it);
3. ``[tool.alembic]`` in the root pyproject.toml (Alembic >= 1.16's ``pyproject``
   template; read by dbplan itself when the installed Alembic is older);
4. ``migrations/alembic.ini`` (Flask-Migrate: no ``script_location``, the ini's own
   folder is the environment);
5. one ``alembic.ini`` in a sub-folder (``db/alembic.ini``, ``src/app/alembic.ini``);
6. ``migrations/env.py`` or ``alembic/env.py`` without any ini.

``script_location`` may be absolute, ``%(here)s/...``, relative to the ini's folder or to
the project root, or a package resource ``mypackage:migrations`` (resolved with the
project root and ``src/`` on the import path, without importing the package).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.runtime.errors import MigrationError

if TYPE_CHECKING:
    from alembic.config import Config

ALEMBIC_INI = "alembic.ini"
#: folders never searched for a sub-folder alembic.ini
_SKIP = {"node_modules", "site-packages", "build", "dist", "__pycache__"}


@dataclass(frozen=True, slots=True, kw_only=True)
class AlembicSetup:
    """Where a project's Alembic configuration and environment are."""

    #: the ini file, if any
    ini: Path | None
    #: the pyproject.toml holding ``[tool.alembic]``, if any
    toml: Path | None
    #: the environment directory (env.py, script.py.mako, versions/), absolute
    script_location: Path
    #: how it was found, for messages ("alembic.ini", "[tool.alembic]", ...)
    layout: str


def _has_tool_alembic(pp: Path) -> bool:
    if not pp.is_file():
        return False
    try:
        return "alembic" in tomllib.loads(pp.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


def alembic_reads_toml() -> bool:
    """Whether the installed Alembic reads ``[tool.alembic]`` itself (Alembic >= 1.16)."""
    import inspect

    from alembic.config import Config

    return "toml_file" in inspect.signature(Config.__init__).parameters


def _toml_options(pp: Path) -> dict[str, str]:
    """``[tool.alembic]`` as ini-style main options, for an Alembic older than 1.16."""
    data = tomllib.loads(pp.read_text(encoding="utf-8")).get("tool", {}).get("alembic", {})
    here = str(pp.parent)
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, str):
            out[key] = value.replace("%(here)s", here)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            items = [v.replace("%(here)s", here) for v in value]
            if key == "prepend_sys_path":
                out[key] = os.pathsep.join(items)
                out.setdefault("path_separator", "os")
            elif key == "version_locations":
                out[key] = " ".join(items)
                out["version_path_separator"] = "space"
        elif isinstance(value, bool | int):
            out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def load_config(ini: Path | None, toml: Path | None) -> Config:
    """An ``alembic.config.Config`` of ``ini`` and/or ``toml``, on any Alembic >= 1.9.

    Example:
        >>> load_config(Path("legacy/alembic.ini"), None).config_file_name
        'legacy/alembic.ini'
    """
    from alembic.config import Config

    ini_name = str(ini) if ini is not None else None
    if toml is None:
        return Config(ini_name)
    if alembic_reads_toml():
        return Config(ini_name, toml_file=str(toml))
    cfg = Config(ini_name)
    for key, value in _toml_options(toml).items():
        if key == "post_write_hooks":  # pragma: no cover - a table, not an option
            continue
        if ini is None or cfg.get_main_option(key) is None:
            cfg.set_main_option(key, value.replace("%", "%%"))
    return cfg


def explicit_config(path: Path) -> Config:
    """The Config of ``[tool.dbplan] alembic_config``: an ini (with a ``[tool.alembic]``
    pyproject.toml beside it, if any) or a pyproject.toml."""
    if not path.is_file():
        raise MigrationError(
            f"[tool.dbplan] alembic_config: {path} does not exist (give the project's "
            "alembic.ini, or the pyproject.toml with [tool.alembic])"
        )
    if path.suffix == ".toml":
        return load_config(None, path)
    toml = path.parent / "pyproject.toml"
    return load_config(path, toml if _has_tool_alembic(toml) else None)


def _option(cfg: Config, name: str) -> str | None:
    getter = getattr(cfg, "get_alembic_option", None)  # Alembic >= 1.16 reads the toml too
    value = getter(name) if getter is not None else cfg.get_main_option(name)
    return value if isinstance(value, str) and value else None


def _resource_dir(root: Path, location: str, where: str) -> Path:
    """``package:folder`` as a directory, found on the project root or ``src/``."""
    package, _, sub = location.partition(":")
    added = [str(p) for p in (root, root / "src") if str(p) not in sys.path]
    sys.path[:0] = added
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    finally:
        for p in added:
            sys.path.remove(p)
    if spec is None or not spec.submodule_search_locations:
        raise MigrationError(
            f"{where}: script_location {location!r} names package {package!r}, which is not "
            f"importable from {root} or {root / 'src'}: install the project "
            "(`pip install -e .`) or give a path instead"
        )
    return Path(list(spec.submodule_search_locations)[0]) / sub


def resolve_location(root: Path, location: str, base: Path, where: str) -> Path:
    """The directory a ``script_location`` names; ``base`` is the config file's folder."""
    if ":" in location and not os.path.isabs(location) and not _is_drive(location):
        return _resource_dir(root, location, where).resolve()
    path = Path(location)
    if path.is_absolute():
        return path.resolve()
    for candidate in (base / path, root / path):
        if (candidate / "env.py").is_file():
            return candidate.resolve()
    return (base / path).resolve()


def _is_drive(location: str) -> bool:
    return len(location) > 1 and location[1] == ":" and location[0].isalpha()


def _setup_of(root: Path, ini: Path | None, toml: Path | None, layout: str) -> AlembicSetup:
    from alembic.util import CommandError

    where = str(ini or toml)
    try:
        cfg = load_config(ini, toml)
        location = _option(cfg, "script_location")
    except (CommandError, OSError, ValueError, KeyError) as e:
        raise MigrationError(f"{where}: cannot read the Alembic configuration: {e}") from None
    base = (ini or toml or root).parent
    if location is None:
        if ini is not None and (ini.parent / "env.py").is_file():
            path = ini.parent.resolve()  # Flask-Migrate: the ini sits in its environment
        else:
            raise MigrationError(
                f"{where}: no script_location, and no env.py beside it: set script_location "
                "(the folder holding env.py), or pass --alembic-config"
            )
    else:
        path = resolve_location(root, location, base, where)
    if not (path / "env.py").is_file():
        raise MigrationError(
            f"{where}: Alembic script_location {location!r} is {path}, which has no env.py"
        )
    return AlembicSetup(ini=ini, toml=toml, script_location=path, layout=layout)


def _subfolder_inis(root: Path) -> list[Path]:
    found = []
    for depth in ("*", "*/*"):
        for p in sorted(root.glob(f"{depth}/{ALEMBIC_INI}")):
            parts = p.relative_to(root).parts[:-1]
            if any(part.startswith(".") or part in _SKIP for part in parts):
                continue
            found.append(p)
        if found:
            return found
    return found


def find_alembic_setup(root: Path, explicit: str | os.PathLike | None = None) -> AlembicSetup:
    """The Alembic setup of the project at ``root`` (see the module docstring for the order).

    Example:
        >>> find_alembic_setup(Path("legacy")).layout
        'alembic.ini'
    """
    root = root.resolve()
    if explicit:
        path = Path(explicit)
        path = path if path.is_absolute() else root / path
        if not path.is_file():
            raise MigrationError(
                f"--alembic-config {explicit}: no such file (give the alembic.ini, or the "
                "pyproject.toml with [tool.alembic], relative to the project root)"
            )
        if path.suffix == ".toml":
            if not _has_tool_alembic(path):
                raise MigrationError(f"{path}: no [tool.alembic] table")
            return _setup_of(root, None, path, str(explicit))
        toml = path.parent / "pyproject.toml"
        return _setup_of(root, path, toml if _has_tool_alembic(toml) else None, str(explicit))
    pp = root / "pyproject.toml"
    toml = pp if _has_tool_alembic(pp) else None
    ini = root / ALEMBIC_INI
    if ini.is_file():
        return _setup_of(root, ini, toml, ALEMBIC_INI)
    if toml is not None:
        return _setup_of(root, None, toml, "[tool.alembic]")
    flask = root / "migrations" / ALEMBIC_INI
    if flask.is_file():
        return _setup_of(root, flask, None, f"migrations/{ALEMBIC_INI}")
    inis = _subfolder_inis(root)
    if len(inis) > 1:
        shown = ", ".join(str(p.relative_to(root)) for p in inis)
        raise MigrationError(
            f"{root}: several Alembic configurations ({shown}): name the one to adopt "
            "with --alembic-config PATH"
        )
    if inis:
        return _setup_of(root, inis[0], None, str(inis[0].relative_to(root)))
    for name in ("migrations", "alembic"):
        if (root / name / "env.py").is_file():
            return AlembicSetup(
                ini=None, toml=None, script_location=(root / name).resolve(), layout=f"{name}/"
            )
    raise MigrationError(
        f"no Alembic environment in {root} (looked for alembic.ini, [tool.alembic] in "
        "pyproject.toml, migrations/alembic.ini, */alembic.ini, migrations/env.py, "
        "alembic/env.py): name it with --alembic-config PATH, or run `dbplan init` "
        "without --adopt for a new project"
    )
