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
        >>> Path(alembic_config(load_project(".")).get_main_option("script_location")).name
        'migrations'
    """
    from alembic.config import Config

    ini = _ini(project)
    cfg = Config(str(ini)) if ini is not None else Config()
    cfg.set_main_option("script_location", str(project.migrations_dir))
    return cfg


def _ini(project: Project) -> Path | None:
    """The project's alembic.ini: ``[tool.dbplan] alembic_config`` when that is an ini
    (an adopted Flask-Migrate or sub-folder layout), else the root's; None without one."""
    if project.alembic_ini is not None and project.alembic_ini.suffix == ".ini":
        return project.alembic_ini if project.alembic_ini.is_file() else None
    ini = project.root / ALEMBIC_INI
    return ini if ini.is_file() else None


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
        >>> versions_dir(load_project(".")).name
        'versions'
    """
    script = _script_directory(project)
    locations = script._version_locations
    return Path(locations[0])


def revision_files(project: Project) -> list[Path]:
    """Every ``*.py`` revision file of the project's version locations, sorted.

    Example:
        >>> [p.name for p in revision_files(project)]
        ['a1_0_1_0.py', 'b2_0_2_0.py']
    """
    if not project.migrations_dir.is_dir():
        return []
    if _ini(project) is None:
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
            recursive = getattr(script, "recursive_version_locations", False)  # Alembic >= 1.10
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
        ...                upgrades="pass", downgrades="pass").path.name
        '3f2a9c1d0b7e_0_1_0.py'
    """
    from alembic.util import CommandError

    real = _script_directory(project)
    chain = _chain_from_headers(real, rev_id, down_revision)
    if chain is None:
        try:
            chain = _chain_from_alembic(real, rev_id, down_revision)
        except CommandError as e:
            raise RevisionError(f"{project.display(project.migrations_dir)}: {e}") from e
    if isinstance(chain, _Taken):
        raise RevisionError(
            f"revision {rev_id} exists already ({project.display(chain.path)}); "
            "nothing written (delete that file to regenerate it, or pass --rev-id)"
        )
    if isinstance(chain, _Missing):
        raise RevisionError(
            f"down revision {down_revision} is not in {project.display(project.migrations_dir)}"
        )
    target_dir = Path(real._version_locations[0])
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".dbplan-generate-", dir=project.migrations_dir))
    try:
        shutil.copy2(project.migrations_dir / "script.py.mako", tmp / "script.py.mako")
        tmp_versions = tmp / "versions"
        tmp_versions.mkdir()
        # only the chain below down_revision is needed to resolve it
        for src, ids in chain:
            _copy_revision(src, ids, tmp_versions / src.name)
        # Alembic imports the file it wrote (to read its ids back): a second for a body of
        # thousands of tables. Without post-write hooks the bodies are stand-ins first,
        # put in place afterwards (the same bytes: the template takes them verbatim).
        bodies = {"upgrades": upgrades, "downgrades": downgrades}
        stand_ins = {k: f" pass  # {_STAND_IN} {k} '\"<>& " for k in bodies}
        sc = None
        if not _hooks(real):
            sc = _generate(real, tmp, rev_id, message, down_revision, stand_ins)
            if not _fill(Path(sc.path), stand_ins, bodies, real.output_encoding):
                Path(sc.path).unlink()
                sc = None
        if sc is None:
            sc = _generate(real, tmp, rev_id, message, down_revision, bodies)
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


_STAND_IN = "dbplan: body of"


def _hooks(real):
    """The post-write hooks: ``hooks`` on Alembic >= 1.16, ``hook_config`` before."""
    return real.hooks if hasattr(real, "hooks") else getattr(real, "hook_config", None)


def _hook_and_quiet_args(real) -> dict:
    """``ScriptDirectory`` arguments for the hooks and quiet output, on Alembic >= 1.9."""
    import inspect

    from alembic.script import ScriptDirectory

    params = inspect.signature(ScriptDirectory.__init__).parameters
    out: dict = {"hooks" if "hooks" in params else "hook_config": _hooks(real)}
    if "messaging_opts" in params:  # Alembic >= 1.11
        out["messaging_opts"] = {"quiet": True}
    return out


def _generate(real, tmp: Path, rev_id: str, message: str, down_revision: str | None, bodies):
    """Alembic's ``generate_revision`` in the private environment ``tmp``."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory(
        str(tmp),
        file_template=real.file_template,
        truncate_slug_length=real.truncate_slug_length,
        output_encoding=real.output_encoding,
        timezone=real.timezone,
        **_hook_and_quiet_args(real),
    )
    script._generate_create_date = lambda: CREATE_DATE  # type: ignore[method-assign]
    try:
        sc = script.generate_revision(
            rev_id,
            message,
            head=down_revision or "base",
            splice=True,
            imports="",
            **bodies,
        )
    except CommandError as e:
        raise RevisionError(f"alembic: {e}") from e
    if sc is None:
        raise RevisionError("alembic wrote no revision (check the post_write_hooks)")
    return sc


def _fill(path: Path, stand_ins: dict[str, str], bodies: dict[str, str], encoding: str) -> bool:
    """Replace each stand-in in the file by its body; False (file untouched) unless each
    stand-in is there exactly once, as given (a template that filters or repeats the
    bodies is rendered with the bodies themselves)."""
    try:
        text = path.read_bytes().decode(encoding)
    except (OSError, UnicodeDecodeError):
        return False
    if any(text.count(s) != 1 for s in stand_ins.values()):
        return False
    parts, last = [], 0
    for at, key in sorted((text.index(s), k) for k, s in stand_ins.items()):
        parts += [text[last:at], bodies[key]]
        last = at + len(stand_ins[key])
    parts.append(text[last:])
    try:
        data = "".join(parts).encode(encoding)
    except UnicodeEncodeError:
        return False
    path.write_bytes(data)
    return True


@dataclass(frozen=True, slots=True)
class _Taken:
    """The new revision id is in use, by the file at ``path``."""

    path: Path


@dataclass(frozen=True, slots=True)
class _Missing:
    """The down revision is not among the project's revisions."""


#: the revision files below the new one: (path, {id name: value})
_Chain = list[tuple[Path, dict[str, object]]]


def _chain_from_headers(
    real, rev_id: str, down_revision: str | None
) -> _Chain | _Taken | _Missing | None:
    """The chain below ``down_revision`` from the ids each file's text assigns, without
    importing any (seconds for a revision of thousands of tables).

    The files are those Alembic reads (``_list_py_dir``, ``*.py`` but ``__init__`` and
    editor backups). None when Alembic must decide: sourceless environments, a file
    whose ids are not plain literals (:func:`~planner.revisions.provenance.module_ids`),
    branch labels or ``depends_on``, a file read twice, an id used twice, a down
    revision no file has.
    """
    from alembic.script.base import Script, _only_source_rev_file

    from planner.revisions.provenance import module_ids_cached

    if real.sourceless:
        return None
    found: dict[str, tuple[Path, dict[str, object]]] = {}
    seen: set[Path] = set()
    for location in real._version_locations:
        location = Path(location)
        if not location.exists():
            continue
        for file_path in Script._list_py_dir(real, location):
            path = Path(file_path).resolve()  # a str before Alembic 1.16
            if path in seen:
                return None
            seen.add(path)
            if not _only_source_rev_file.match(path.name):
                continue
            try:
                ids = module_ids_cached(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                return None
            if ids is None or ids["branch_labels"] is not None or ids["depends_on"] is not None:
                return None
            revision = ids["revision"]
            assert isinstance(revision, str)
            if revision in found:
                return None
            found[revision] = (path, ids)
    parents = {rev: _as_tuple(ids["down_revision"]) for rev, (_, ids) in found.items()}
    if any(p not in found for ps in parents.values() for p in ps):
        return None
    if rev_id in found:
        return _Taken(found[rev_id][0])
    if down_revision is None:
        return []
    if down_revision not in found:
        return _Missing()
    below, todo = {down_revision}, [down_revision]
    while todo:
        for p in parents[todo.pop()]:
            if p not in below:
                below.add(p)
                todo.append(p)
    return [found[rev] for rev in sorted(below)]


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


def _chain_from_alembic(real, rev_id: str, down_revision: str | None) -> _Chain | _Taken | _Missing:
    """:func:`_chain_from_headers` by importing every revision through Alembic
    (CommandError when Alembic cannot read them)."""
    existing = {sc.revision: sc for sc in real.walk_revisions()}
    if rev_id in existing:
        return _Taken(Path(existing[rev_id].path))
    if down_revision is None:
        return []
    if down_revision not in existing:
        return _Missing()
    out: _Chain = []
    for sc in real.iterate_revisions(down_revision, "base"):
        module = sc.module
        out.append((Path(sc.path), {name: getattr(module, name, None) for name in _ID_NAMES}))
    return out


_ID_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")


def _copy_revision(src: Path, ids: dict[str, object], dest: Path) -> None:
    """Put a revision of the chain below the new one into the private environment.

    Alembic reads only the ids there (revision, down_revision, branch_labels,
    depends_on) to resolve the new revision's place, and would compile each copy again
    (seconds for a revision of thousands of tables): a stub with the same ids does.
    Anything unusual is copied whole.
    """
    from planner.revisions.provenance import plain_ids

    if src.suffix != ".py" or not all(plain_ids(v) for v in ids.values()):
        shutil.copy2(src, dest)
        return
    stub = "".join(f"{name} = {value!r}\n" for name, value in ids.items())
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
