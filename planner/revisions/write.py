"""Write one revision file through Alembic's ``ScriptDirectory.generate_revision``.

The project's ``script.py.mako``, ``file_template`` and ``post_write_hooks`` apply.
Writing is atomic and never overwrites: Alembic renders into a private copy of the
environment (a temporary directory inside the migrations directory, holding the
template and the existing revision files), then the finished file is linked into
``versions/`` with ``os.link``, which fails when the name is taken.

The create date Alembic passes to the template (``${create_date}``, and the date tokens
of ``file_template``) is fixed at :data:`CREATE_DATE`, so the same snapshots always give
the same bytes.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.state.errors import DbplanError

if TYPE_CHECKING:
    from alembic.config import Config

    from planner.project import Project

#: the create date of every generated revision (determinism: same input, same bytes)
CREATE_DATE = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ALEMBIC_INI = "alembic.ini"


class RevisionError(DbplanError):
    """A revision could not be written (exists already, no environment, Alembic error)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenRevision:
    path: Path
    revision: str
    down_revision: str | None


def alembic_config(project: Project) -> Config:
    """An Alembic ``Config`` for the project's migrations directory (alembic.ini honoured).

    Example:
        >>> alembic_config(load_project(".")).get_main_option("script_location")  # doctest: +SKIP
        '/work/main/migrations'
    """
    from alembic.config import Config

    ini = project.root / ALEMBIC_INI
    cfg = Config(str(ini)) if ini.is_file() else Config()
    cfg.set_main_option("script_location", str(project.migrations_dir))
    return cfg


def _script_directory(project: Project):
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if not (project.migrations_dir / "script.py.mako").is_file():
        raise RevisionError(
            f"no Alembic environment at {project.display(project.migrations_dir)}/ "
            "(expected script.py.mako there; run `dbplan init`, or set [tool.dbplan] migrations)"
        )
    try:
        return ScriptDirectory.from_config(alembic_config(project))
    except CommandError as e:
        raise RevisionError(str(e)) from e


def versions_dir(project: Project) -> Path:
    """The directory new revisions go to (the single version location).

    Example:
        >>> versions_dir(load_project(".")).name  # doctest: +SKIP
        'versions'
    """
    script = _script_directory(project)
    locations = script._version_locations
    return Path(locations[0])


def revision_files(project: Project) -> list[Path]:
    """Every ``*.py`` revision file of the project's version locations, sorted.

    Example:
        >>> [p.name for p in revision_files(project)]  # doctest: +SKIP
        ['1a2b3c4d5e6f_0_1_0.py']
    """
    if not project.migrations_dir.is_dir():
        return []
    if not (project.root / ALEMBIC_INI).is_file():
        # Without alembic.ini, ScriptDirectory.from_config(alembic_config(project)) has one
        # version location, <migrations>/versions made absolute, not recursive: say so
        # without importing Alembic (a second of `dbplan check`).
        if (project.migrations_dir / "script.py.mako").is_file():
            locations = [Path(project.migrations_dir, "versions").absolute()]
        else:
            locations = [project.migrations_dir / "versions"]
        recursive = False
    else:
        try:
            script = _script_directory(project)
            locations = [Path(p) for p in script._version_locations]
            recursive = script.recursive_version_locations
        except RevisionError:
            locations, recursive = [project.migrations_dir / "versions"], False
    out: list[Path] = []
    for loc in locations:
        if not loc.is_dir():
            continue
        pattern = "**/*.py" if recursive else "*.py"
        out.extend(p for p in loc.glob(pattern) if p.is_file() and p.name != "__init__.py")
    return sorted(out)


def write_revision(
    project: Project,
    *,
    rev_id: str,
    down_revision: str | None,
    message: str,
    upgrades: str,
    downgrades: str,
) -> WrittenRevision:
    """Render the project's template with the bodies and add the file to ``versions/``.

    Raises RevisionError when the revision id or the file name exists already.

    Example:
        >>> write_revision(project, rev_id="3f2a9c1d0b7e", down_revision=None, message="0.1.0",
        ...                upgrades="pass", downgrades="pass").path.name  # doctest: +SKIP
        '3f2a9c1d0b7e_0_1_0.py'
    """
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    real = _script_directory(project)
    try:
        existing = {sc.revision: sc for sc in real.walk_revisions()}
    except CommandError as e:
        raise RevisionError(f"{project.display(project.migrations_dir)}: {e}") from e
    if rev_id in existing:
        raise RevisionError(
            f"revision {rev_id} exists already ({project.display(Path(existing[rev_id].path))}); "
            "nothing written (delete that file to regenerate it, or pass --rev-id)"
        )
    if down_revision is not None and down_revision not in existing:
        raise RevisionError(f"down revision {down_revision} is not in {project.display(project.migrations_dir)}")
    target_dir = Path(real._version_locations[0])
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".dbplan-generate-", dir=project.migrations_dir))
    try:
        shutil.copy2(project.migrations_dir / "script.py.mako", tmp / "script.py.mako")
        tmp_versions = tmp / "versions"
        tmp_versions.mkdir()
        if down_revision is not None:
            # only the chain below down_revision is needed to resolve it
            for sc in real.iterate_revisions(down_revision, "base"):
                src = Path(sc.path)
                _copy_revision(sc, tmp_versions / src.name)
        script = ScriptDirectory(
            str(tmp),
            file_template=real.file_template,
            truncate_slug_length=real.truncate_slug_length,
            output_encoding=real.output_encoding,
            timezone=real.timezone,
            hooks=real.hooks,
            messaging_opts={"quiet": True},
        )
        script._generate_create_date = lambda: CREATE_DATE  # type: ignore[method-assign]
        try:
            sc = script.generate_revision(
                rev_id,
                message,
                head=down_revision or "base",
                splice=True,
                upgrades=upgrades,
                downgrades=downgrades,
                imports="",
            )
        except CommandError as e:
            raise RevisionError(f"alembic: {e}") from e
        if sc is None:
            raise RevisionError("alembic wrote no revision (check the post_write_hooks)")
        produced = Path(sc.path)
        dest = target_dir / produced.relative_to(tmp_versions)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            _publish(produced, dest)
        except FileExistsError:
            raise RevisionError(
                f"{project.display(dest)} exists already; nothing written "
                "(delete it to regenerate, or pass --rev-id / -m for another name)"
            ) from None
        return WrittenRevision(path=dest, revision=rev_id, down_revision=down_revision)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_ID_ATTRS = ("revision", "down_revision", "branch_labels", "depends_on")


def _plain_ids(value: object) -> bool:
    if value is None or type(value) is str:
        return True
    return type(value) in (tuple, list) and all(type(v) is str for v in value)


def _copy_revision(sc, dest: Path) -> None:
    """Put a revision of the chain below the new one into the private environment.

    Alembic reads only the ids there (revision, down_revision, branch_labels,
    depends_on) to resolve the new revision's place, and would compile each copy again
    (seconds for a revision of thousands of tables): a stub with the same ids does.
    Anything unusual is copied whole.
    """
    src = Path(sc.path)
    module = sc.module
    values = {name: getattr(module, name, None) for name in _ID_ATTRS}
    if src.suffix != ".py" or not all(_plain_ids(v) for v in values.values()):
        shutil.copy2(src, dest)
        return
    stub = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    dest.write_text(f'"""Stand-in for {src.name}: its ids only."""\n{stub}', encoding="utf-8")


def _publish(src: Path, dest: Path) -> None:
    """Put ``src`` at ``dest`` in one step; FileExistsError when ``dest`` exists."""
    try:
        os.link(src, dest)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this filesystem: exclusive create, then fill
        data = src.read_bytes()
        part = dest.with_name(f".{dest.name}.part")
        part.write_bytes(data)
        try:
            with open(dest, "xb"):
                pass
            os.replace(part, dest)
        finally:
            part.unlink(missing_ok=True)
