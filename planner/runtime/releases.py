"""Releases and the revisions that produce them.

A revision written by ``dbplan generate`` names its releases in a provenance comment
(``# dbplan: from=0.1.0 to=0.2.0``). A release adopted from an existing Alembic
project (``dbplan init --adopt``) is recorded in pyproject.toml, without touching the
existing revision files::

    [tool.dbplan.releases]
    "1.0.0" = "ae1027a6acf"

Upgrade and downgrade targets may name a release or a revision; ``empty`` means ``base``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.project import EMPTY
from planner.runtime.config import alembic_errors, script_directory
from planner.runtime.errors import MigrationError

if TYPE_CHECKING:
    from planner.project import Project

#: the pyproject.toml table (under ``[tool.dbplan]``) holding adopted releases
RELEASES_KEY = "releases"
PROVENANCE = re.compile(r"^[ \t]*#[ \t]*dbplan:[ \t]*from=(\S+)[ \t]+to=(\S+)", re.MULTILINE)
_KEYWORDS = {"head", "heads", "base"}
_RELATIVE = re.compile(r"^(?:.*[+-]\d+|[+-]\d+)$")


@dataclass(frozen=True, slots=True, kw_only=True)
class RevisionInfo:
    revision: str
    down_revisions: tuple[str, ...] = ()
    #: the release this revision produces, if known
    release: str | None = None
    message: str = ""
    is_head: bool = False


def adopted_releases(project: Project) -> dict[str, str]:
    """``{release: revision}`` recorded by ``dbplan init --adopt`` in pyproject.toml.

    Example:
        >>> adopted_releases(load_project("adopted"))  # [tool.dbplan.releases] "1.0.0" = "ae1027a6acf"
        {'1.0.0': 'ae1027a6acf'}
    """
    pp = project.root / "pyproject.toml"
    if not pp.is_file():
        return {}
    try:
        data = tomllib.loads(pp.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise MigrationError(f"{pp}: invalid TOML: {e}") from None
    table = data.get("tool", {}).get("dbplan", {}).get(RELEASES_KEY, {})
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise MigrationError(
            f'{pp}: [tool.dbplan.{RELEASES_KEY}]: expected release = "revision" strings'
        )
    return dict(sorted(table.items()))


def release_revisions(project: Project) -> dict[str, str]:
    """``{release: revision}`` of every release a revision produces, adopted ones included.

    Uses ``planner.revisions.release_revisions`` when that layer is present, else the
    provenance comments of the revision files.

    Example:
        >>> release_revisions(project)
        {'0.1.0': 'a1', '0.2.0': 'b2'}
    """
    try:
        from planner.revisions import release_revisions as from_files
    except ImportError:
        from_files = _from_provenance
    found = dict(adopted_releases(project))
    found.update(from_files(project))
    return found


def _from_provenance(project: Project) -> dict[str, str]:
    if not (project.migrations_dir / "env.py").is_file():
        return {}
    script = script_directory(project)
    found: dict[str, str] = {}
    with alembic_errors():
        revisions = list(script.walk_revisions())
    for sc in reversed(revisions):  # oldest first: a newer revision wins a release
        try:
            text = open(sc.path, encoding="utf-8").read()
        except OSError:
            continue
        for _, to in PROVENANCE.findall(text):
            found[to] = sc.revision
    return found


def revision_releases(project: Project) -> dict[str, str]:
    """``{revision: release}``: the inverse of :func:`release_revisions`.

    Example:
        >>> revision_releases(project)
        {'a1': '0.1.0', 'b2': '0.2.0'}
    """
    return {rev: rel for rel, rev in sorted(release_revisions(project).items())}


def resolve_target(project: Project, target: str) -> str:
    """An Alembic revision argument for ``target``: a release, a revision, or a keyword.

    Releases are looked up first; ``empty`` means ``base``; ``head``, ``base`` and
    relative forms (``-1``, ``head-2``) pass through; a revision (or unique prefix)
    must exist in the migrations directory.

    Example:
        >>> resolve_target(project, "0.2.0")
        'b2'
    """
    releases = release_revisions(project)
    if target in releases:
        return releases[target]
    if target == EMPTY:
        return "base"
    if target in _KEYWORDS or _RELATIVE.match(target):
        return target
    if target in project.snapshot_files():
        raise MigrationError(
            f"release {target!r} has a snapshot but no revision yet: "
            "run `dbplan generate` to write it"
        )
    script = script_directory(project)
    try:
        sc = script.get_revision(target)
    except Exception as e:  # noqa: BLE001 - Alembic raises several kinds here
        raise MigrationError(_unknown(project, target, releases, str(e))) from e
    if sc is None:
        raise MigrationError(_unknown(project, target, releases, "not found"))
    return sc.revision


def _unknown(project: Project, target: str, releases: dict[str, str], why: str) -> str:
    known = ", ".join(releases) or "none with revisions yet"
    return (
        f"unknown revision or release {target!r} ({why}); "
        f"releases: {known}; or a revision id, head, base, -1"
    )


def history(project: Project) -> tuple[RevisionInfo, ...]:
    """Every revision, oldest first, with the release it produces.

    Example:
        >>> [(r.revision, r.release) for r in history(project)]
        [('a1', '0.1.0'), ('b2', '0.2.0')]
    """
    script = script_directory(project)
    releases = revision_releases(project)
    with alembic_errors():
        heads = set(script.get_heads())
        scripts = list(script.walk_revisions())
    out = []
    for sc in reversed(scripts):
        down = sc.down_revision
        downs = () if down is None else (down,) if isinstance(down, str) else tuple(down)
        out.append(
            RevisionInfo(
                revision=sc.revision,
                down_revisions=downs,
                release=releases.get(sc.revision),
                message=(sc.doc or "").strip().splitlines()[0] if sc.doc else "",
                is_head=sc.revision in heads,
            )
        )
    return tuple(out)
