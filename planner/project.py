"""Project settings (``[tool.dbplan]`` in pyproject.toml) and locating snapshots.

Settings, all optional, paths relative to the project directory::

    [tool.dbplan]
    snapshots = "schema_state"     # one <release>.yaml per release
    migrations = "migrations"      # the Alembic environment (env.py, versions/)
    url = "sqlite:///app.sqlite"   # default database URL
    dialects = ["postgresql"]      # target dialects (default: all three)
    alembic_config = "db/alembic.ini"  # the project's own Alembic config, when not at the root

The database URL comes from ``--url``, else ``SQLALCHEMY_DATABASE_URI``, else
``[tool.dbplan] url``, else the embedded SQLite file ``<project>/dbplan.sqlite``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.state.errors import DbplanError

if TYPE_CHECKING:
    from planner.dialects import Dialect

EMPTY = "empty"
DEFAULT_SNAPSHOTS = "schema_state"
DEFAULT_MIGRATIONS = "migrations"
DEFAULT_SQLITE = "dbplan.sqlite"
URL_ENV = "SQLALCHEMY_DATABASE_URI"


class ProjectError(DbplanError):
    """The project is not set up as dbplan expects."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    root: Path
    snapshots_dir: Path
    migrations_dir: Path
    configured_url: str | None = None
    #: ``[tool.dbplan.releases]``: release -> revision id of releases adopted from an
    #: existing Alembic history (``dbplan init --adopt``), as sorted pairs
    adopted: tuple[tuple[str, str], ...] = ()
    #: ``[tool.dbplan] dialects``: canonical names of the target dialects, or ``None``
    #: when unset (then every supported dialect is a target)
    dialect_names: tuple[str, ...] | None = None
    #: ``[tool.dbplan] alembic_config``: the project's own Alembic configuration file (an
    #: alembic.ini, or a pyproject.toml with ``[tool.alembic]``) when it is not the root's
    alembic_ini: Path | None = None
    #: ``[tool.dbplan] models`` / ``rows``: ``module:attr`` of the application's models and
    #: managed rows, which plain ``dbplan check`` compares with the newest snapshot
    models_ref: str | None = None
    rows_ref: str | None = None

    @property
    def targets(self) -> tuple[Dialect, ...]:
        """The target dialects: ``[tool.dbplan] dialects``, else every supported one.

        Plans apply only the targets' rules, validation checks only their limits and
        revisions contain only their branches.
        """
        from planner.dialects import all_dialects, get

        if self.dialect_names is None:
            return all_dialects()
        return tuple(get(n) for n in self.dialect_names)

    @property
    def adopted_releases(self) -> dict[str, str]:
        """``{release: revision}`` recorded by ``dbplan init --adopt``."""
        return dict(self.adopted)

    @property
    def default_url(self) -> str:
        return f"sqlite:///{self.root / DEFAULT_SQLITE}"

    def resolve_url(self, url: str | None = None) -> str:
        """``--url``, else ``$SQLALCHEMY_DATABASE_URI``, else settings, else embedded SQLite."""
        if url:
            return url
        env = os.environ.get(URL_ENV)
        if env:
            return env
        if self.configured_url:
            return _absolutise_sqlite(self.configured_url, self.root)
        return self.default_url

    def snapshot_files(self) -> dict[str, Path]:
        """``{release: path}`` of every ``*.yaml`` under the snapshots directory.

        One rule for every command: a snapshot is ``<release>.yaml``. A ``.yml`` file, a
        release name with surrounding whitespace and two names of one PEP 440 version
        (``1.0`` and ``1.0.0``) are refused with a :class:`ProjectError` naming the files.
        """
        if not self.snapshots_dir.is_dir():
            return {}
        out = {}
        for p in sorted(self.snapshots_dir.iterdir()):
            if p.suffix == ".yml" and p.is_file():
                raise ProjectError(
                    f"{self.display(p)}: snapshot files end in .yaml, not .yml "
                    f"(rename it to {p.stem}.yaml)"
                )
            if p.suffix == ".yaml" and p.is_file():
                out[p.stem] = p
        check_release_names(out, self.display)
        return out

    def releases(self) -> list[str]:
        """Releases in PEP 440 order (oldest first)."""
        return sort_releases(self.snapshot_files())

    def snapshot_path(self, release: str) -> Path:
        return self.snapshots_dir / f"{release}.yaml"

    def display(self, path: Path) -> str:
        """A path relative to the project root when it is inside it (for messages)."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def check_release_names(files: dict[str, Path], display=str) -> None:
    """Raise ProjectError for a release name with surrounding whitespace or two names of
    one PEP 440 version (``1.0.yaml`` and ``1.0.0.yaml``): they would confuse ordering and
    provenance. Names that are not versions at all are left to :func:`sort_releases`.

    Example:
        >>> check_release_names({"1.0": Path("1.0.yaml"), "1.0.0": Path("1.0.0.yaml")})
        Traceback (most recent call last):
        ...
        planner.project.ProjectError: 1.0.yaml and 1.0.0.yaml name the same release (1.0 and 1.0.0 are equal under PEP 440); keep one of them
    """
    from packaging.version import InvalidVersion, Version

    seen: dict[Version, str] = {}
    for name in sorted(files):
        if name != name.strip():
            raise ProjectError(
                f"{display(files[name])}: release name {name!r} has surrounding whitespace "
                f"(rename the file to {name.strip()}.yaml)"
            )
        try:
            v = Version(name)
        except InvalidVersion:
            continue
        if v in seen:
            other = seen[v]
            raise ProjectError(
                f"{display(files[other])} and {display(files[name])} name the same release "
                f"({other} and {name} are equal under PEP 440); keep one of them"
            )
        seen[v] = name


def sort_releases(names) -> list[str]:
    """Sort release names by PEP 440; raise ProjectError naming any invalid one, any with
    surrounding whitespace, and any two equal under PEP 440 (``1.0`` and ``1.0.0``)."""
    from packaging.version import InvalidVersion, Version

    keyed = []
    seen: dict[Version, str] = {}
    for name in names:
        if name != name.strip():
            raise ProjectError(
                f"release {name!r} has surrounding whitespace (write {name.strip()!r})"
            )
        try:
            v = Version(name)
        except InvalidVersion:
            raise ProjectError(
                f"release {name!r} is not a PEP 440 version (name snapshot files like 1.2.0.yaml)"
            ) from None
        if v in seen and seen[v] != name:
            raise ProjectError(
                f"releases {seen[v]!r} and {name!r} are equal under PEP 440; keep one of them"
            )
        seen[v] = name
        keyed.append((v, name))
    return [n for _, n in sorted(keyed)]


def _absolutise_sqlite(url: str, root: Path) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        rest = url[len(prefix) :]
        if rest and rest != ":memory:":
            return prefix + str(root / rest)
    return url


def find_root(start: Path | None = None) -> Path:
    """The nearest directory (upwards) whose pyproject.toml has ``[tool.dbplan]``."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "dbplan" in data.get("tool", {}):
                return d
    return here


def load_project(project_dir: str | os.PathLike | None = None) -> Project:
    """Read ``[tool.dbplan]`` of the project at ``project_dir`` (or found from cwd)."""
    root = Path(project_dir).resolve() if project_dir else find_root()
    settings: dict = {}
    pp = root / "pyproject.toml"
    if pp.is_file():
        try:
            data = tomllib.loads(pp.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ProjectError(f"{pp}: invalid TOML: {e}") from None
        settings = data.get("tool", {}).get("dbplan", {}) or {}
    known = {
        "snapshots",
        "migrations",
        "url",
        "releases",
        "dialects",
        "alembic_config",
        "models",
        "rows",
    }
    unknown = set(settings) - known
    if unknown:
        raise ProjectError(
            f"{pp}: [tool.dbplan]: unknown setting(s) {', '.join(sorted(unknown))} "
            f"(expected {', '.join(sorted(known))})"
        )
    alembic_ini = settings.get("alembic_config")
    if alembic_ini is not None and (not isinstance(alembic_ini, str) or not alembic_ini):
        raise ProjectError(
            f'{pp}: [tool.dbplan] alembic_config must be a path, e.g. "migrations/alembic.ini"'
        )
    releases = settings.get("releases", {}) or {}
    if not isinstance(releases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in releases.items()
    ):
        raise ProjectError(
            f'{pp}: [tool.dbplan.releases] must map release to revision id ("1.0.0" = "abc123")'
        )
    return Project(
        root=root,
        snapshots_dir=root / settings.get("snapshots", DEFAULT_SNAPSHOTS),
        migrations_dir=root / settings.get("migrations", DEFAULT_MIGRATIONS),
        configured_url=settings.get("url"),
        adopted=tuple(sorted(releases.items())),
        dialect_names=_dialect_names(pp, settings.get("dialects")),
        alembic_ini=root / alembic_ini if alembic_ini else None,
        models_ref=_ref_setting(pp, settings, "models"),
        rows_ref=_ref_setting(pp, settings, "rows"),
    )


def _ref_setting(pp: Path, settings: dict, name: str) -> str | None:
    """``[tool.dbplan] models``/``rows``: a ``"module:attr"`` string, or None when unset."""
    value = settings.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or ":" not in value:
        raise ProjectError(
            f'{pp}: [tool.dbplan] {name} must be "module:attr", e.g. "app.models:Base.metadata"'
        )
    return value


def _dialect_names(pp: Path, value: object) -> tuple[str, ...] | None:
    """``[tool.dbplan] dialects`` checked and canonicalised (``mariadb`` -> ``mysql``)."""
    from planner.dialects import NAMES, UnknownDialectError, canonical_name

    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ProjectError(
            f"{pp}: [tool.dbplan] dialects must be a non-empty list of names, "
            f'e.g. dialects = ["postgresql"] (supported: {", ".join(NAMES)})'
        )
    out: list[str] = []
    for v in value:
        try:
            name = canonical_name(v)
        except UnknownDialectError as e:
            raise ProjectError(f"{pp}: [tool.dbplan] dialects: {e}") from None
        if name not in out:
            out.append(name)
    return tuple(n for n in NAMES if n in out)
