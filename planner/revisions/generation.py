"""``dbplan generate``: two releases -> one Alembic revision file.

:func:`render_revision` is pure (snapshots in, bodies and provenance out);
:func:`generate` loads the project's snapshots, applies the safety gate, finds the
down revision (the revision that produces FROM, from the provenance of existing files)
and writes the file with :func:`planner.revisions.write.write_revision`.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.project import EMPTY
from planner.revisions.provenance import (
    Provenance,
    default_rev_id,
    read_provenance,
    snapshot_sha256,
)
from planner.revisions.write import RevisionError, WrittenRevision, revision_files, write_revision
from planner.state.errors import DbplanError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from planner.dialects import Dialect
    from planner.plan import Plan
    from planner.project import Project
    from planner.state.model import Snapshot

#: characters Alembic refuses in a revision id (``alembic.script.revision``: ``@ - +``, and
#: ``:`` since Alembic 1.14), and those that cannot be part of a file name or one line
_ALEMBIC_ILLEGAL = frozenset("@-+:")
_PATH_CHARS = frozenset("/\\")
_QUOTES = frozenset("\"'")
_KEYWORDS = frozenset({"head", "heads", "base", EMPTY})


class DestructiveRefused(DbplanError):
    """The upgrade drops data and ``allow_destructive`` was not given."""

    def __init__(self, operations: tuple[str, ...], *, from_release: str, to_release: str):
        self.operations = operations
        lines = [
            f"refusing to generate {from_release} -> {to_release}: "
            f"{len(operations)} destructive operation{'s' if len(operations) != 1 else ''}:"
        ]
        lines += [f"  {d}" for d in operations]
        lines.append("nothing written; review the plan and pass --allow-destructive to accept")
        super().__init__("\n".join(lines))


class DowngradeRefused(DestructiveRefused):
    """The downgrade would fail over existing rows (a NOT NULL column added back unfilled:
    :func:`planner.downgrade_hints.downgrade_failures`); ``allow_destructive`` does not
    accept it (``allow_failing_downgrade`` does), the hint each line names fixes it."""

    def __init__(self, failures: tuple[str, ...], *, from_release: str, to_release: str):
        self.operations = failures
        n = len(failures)
        lines = [
            f"refusing to generate {from_release} -> {to_release}: the downgrade would fail "
            f"on a database with rows ({n} step{'s' if n != 1 else ''}):"
        ]
        lines += [f"  {d}" for d in failures]
        lines.append(
            "nothing written; add the hints named above to the snapshot (--allow-destructive "
            "does not accept a downgrade that fails; --allow-failing-downgrade does, where "
            "the table is always empty when it is downgraded)"
        )
        DbplanError.__init__(self, "\n".join(lines))


#: how :func:`planner.downgrade_hints.downgrade_failures` starts a downgrade that fails
_FAILING = "downgrade: adds NOT NULL column"


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedRevision:
    """Everything a revision file holds, before it is written."""

    provenance: Provenance
    rev_id: str
    message: str
    upgrades: str
    downgrades: str
    #: ``describe()`` of each destructive operation of the upgrade
    destructive: tuple[str, ...] = ()
    operations: int = 0
    #: the lint findings of the upgrade, then of the downgrade (:func:`plan_findings`)
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerateResult:
    path: Path
    revision: str
    down_revision: str | None
    from_release: str
    to_release: str
    operations: int
    #: the stale revision files ``--replace`` removed
    replaced: tuple[Path, ...] = ()
    #: what could not be checked (e.g. an unreachable database)
    notes: tuple[str, ...] = ()
    #: the lint findings of the upgrade and of the downgrade, one line each
    findings: tuple[str, ...] = ()


def _is_control(ch: str) -> bool:
    """A terminal control character (C0, DEL, C1) or a bidirectional-text control."""
    import unicodedata

    return unicodedata.category(ch) == "Cc" or ch in _BIDI


#: bidirectional overrides, embeddings and isolates (they reorder what a terminal shows)
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_message(message: str) -> str:
    r"""A revision message that keeps any template's docstring valid and shows as written:
    one line, control characters (escape sequences, bidirectional overrides) removed,
    ``\`` and ``"`` escaped.

    Example:
        >>> print(clean_message('say "hi"\n now'))
        say \"hi\" now
        >>> clean_message("red \x1b[31mALERT\x1b[0m")
        'red [31mALERT[0m'
    """
    visible = "".join(" " if ch in "\t\n\r\v\f" else ch for ch in message)
    visible = "".join(ch for ch in visible if not _is_control(ch))
    one_line = " ".join(visible.split())
    return one_line.replace("\\", "\\\\").replace('"', '\\"')


def check_rev_id(rev_id: str) -> str:
    """``rev_id`` if Alembic and a file name can take it, else RevisionError saying why.

    Alembic refuses only ``@ - + :`` in an id; dbplan also refuses whitespace and control
    characters (a newline would end the ``revision = ...`` line), path separators (the id
    is part of the file name) and the keywords ``head``, ``heads``, ``base``, ``empty``.

    Example:
        >>> check_rev_id("v1.2.0.a")
        'v1.2.0.a'
    """
    bad: list[str] = []
    if not rev_id:
        raise RevisionError("--rev-id: the revision id is empty")
    if any(_is_control(ch) for ch in rev_id):
        names = sorted({f"U+{ord(ch):04X}" for ch in rev_id if _is_control(ch)})
        nl = " (a newline)" if "\n" in rev_id or "\r" in rev_id else ""
        raise RevisionError(
            f"--rev-id {rev_id!r}: control character{'s' if len(names) > 1 else ''} "
            f"{', '.join(names)}{nl} not allowed in a revision id; nothing written"
        )
    if any(ch.isspace() for ch in rev_id):
        bad.append("whitespace")
    illegal = sorted(set(rev_id) & _ALEMBIC_ILLEGAL)
    if illegal:
        bad.append(f"{' '.join(illegal)} (Alembic refuses them)")
    if set(rev_id) & _QUOTES:
        bad.append("quotes (they would end the template's strings)")
    if set(rev_id) & _PATH_CHARS:
        bad.append("/ or \\ (the id is part of the file name)")
    if bad:
        raise RevisionError(
            f"--rev-id {rev_id!r}: {'; '.join(bad)} not allowed in a revision id; "
            "letters, digits, . and _ are always fine (e.g. v1_2_0 or v1.2.0.a)"
        )
    if rev_id.lower() in _KEYWORDS:
        raise RevisionError(
            f"--rev-id {rev_id!r} is a keyword of Alembic/dbplan commands; choose another id"
        )
    return rev_id


def render_revision(
    old: Snapshot | None,
    new: Snapshot,
    *,
    from_release: str,
    to_release: str,
    rev_id: str | None = None,
    message: str | None = None,
    targets: Sequence[Dialect] | None = None,
) -> RenderedRevision:
    """Plan both directions and render the upgrade and downgrade bodies (no I/O).

    ``old`` None is the empty state before the first release.

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> s010 = load_snapshot("schema_state/0.1.0.yaml")
        >>> r = render_revision(None, s010, from_release="empty", to_release="0.1.0")
        >>> r.upgrades.splitlines()[0]
        '# dbplan: from=empty to=0.1.0'
    """
    planned = plan_revision(
        old,
        new,
        from_release=from_release,
        to_release=to_release,
        rev_id=rev_id,
        message=message,
        targets=targets,
    )
    return planned.render()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedRevision:
    """The upgrade plan of a revision and its names, before the downgrade is planned and
    the bodies rendered (seconds for thousands of tables: :func:`generate` refuses a
    destructive upgrade before that)."""

    up: Plan
    provenance: Provenance
    rev_id: str
    message: str

    @property
    def destructive(self) -> tuple[str, ...]:
        """``describe()`` of each destructive operation of the upgrade, then of each managed-row
        delete of the downgrade that can reach other rows (``downgrade: ...``; see
        :func:`planner.lint.gated_downgrade_deletes`)."""
        from planner.downgrade_hints import downgrade_failures
        from planner.lint import gated_downgrade_deletes
        from planner.ops import Risk

        up = tuple(o.describe() for o in self.up.ops if o.risk == Risk.DESTRUCTIVE)
        down = tuple(f"downgrade: {o.describe()}" for o in gated_downgrade_deletes(self.up))
        prunes = tuple(
            d for d in downgrade_failures(self.up.old, self.up.new) if not d.startswith(_FAILING)
        )
        return up + down + prunes

    @property
    def downgrade_failures(self) -> tuple[str, ...]:
        """Each NOT NULL column the downgrade adds back without a way to fill it (refused
        whatever ``allow_destructive`` says: :class:`DowngradeRefused`)."""
        from planner.downgrade_hints import downgrade_failures

        found = downgrade_failures(self.up.old, self.up.new)
        return tuple(d for d in found if d.startswith(_FAILING))

    def render(self) -> RenderedRevision:
        """Plan the downgrade; render the upgrade and downgrade bodies (no I/O)."""
        from planner.plan import make_downgrade_plan
        from planner.revisions.emit import render_body
        from planner.revisions.sync import generated_body_line

        down = make_downgrade_plan(self.up.old, self.up.new, targets=self.up.targets)
        up_text = render_body(self.up)
        down_text = render_body(down, downgrade=True)
        # the digest of the bodies as generated: ``dbplan check`` renders them again only
        # when the file's differ (comments are not part of it, so it can sit among them)
        header = (
            *self.provenance.comment_lines(),
            generated_body_line(up_text, down_text, self.up.targets),
        )
        return RenderedRevision(
            provenance=self.provenance,
            rev_id=self.rev_id,
            message=self.message,
            upgrades="\n    ".join(header) + "\n    " + up_text,
            downgrades=down_text,
            destructive=self.destructive,
            operations=len(self.up.ops),
            findings=plan_findings(self.up, "upgrade") + plan_findings(down, "downgrade"),
        )


def plan_findings(plan: Plan, direction: str) -> tuple[str, ...]:
    """The lint findings of ``plan`` as ``generate`` prints them, one line each.

    Example:
        >>> from planner.plan import make_plan
        >>> from planner.state.model import Column, PrimaryKey, Snapshot, Table
        >>> t = Table(name="t", columns=(Column(name="id", type="Integer", nullable=False),),
        ...           primary_key=PrimaryKey(columns=("id",)))
        >>> plan_findings(make_plan(Snapshot(release="1", tables=(t,)), Snapshot(release="2")), "upgrade")[0][:40]
        'upgrade: danger R001 op 1: dropping tabl'
    """
    from planner.lint import lint

    out = []
    for f in lint(plan):
        line = f"{direction}: {f.severity.value} {f.code} op {f.op_index + 1}: {f.message}"
        out.append(line + (f" (fix: {f.fix})" if f.fix else ""))
    return tuple(out)


def plan_revision(
    old: Snapshot | None,
    new: Snapshot,
    *,
    from_release: str,
    to_release: str,
    rev_id: str | None = None,
    message: str | None = None,
    targets: Sequence[Dialect] | None = None,
) -> PlannedRevision:
    """Plan the upgrade and name the revision (:func:`render_revision` up to the
    downgrade plan).

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> s010 = load_snapshot("schema_state/0.1.0.yaml")
        >>> plan_revision(None, s010, from_release="empty", to_release="0.1.0").destructive
        ()
    """
    from planner.plan import make_plan
    from planner.state.model import empty_snapshot

    start = old if old is not None else empty_snapshot()
    up = make_plan(start, new, targets=targets)
    prov = Provenance(
        from_release=from_release,
        to_release=to_release,
        from_sha256=snapshot_sha256(old),
        to_sha256=snapshot_sha256(new),
    )
    rid = (
        check_rev_id(rev_id)
        if rev_id is not None
        else default_rev_id(prov.from_sha256, prov.to_sha256)
    )
    text = message if message is not None else to_release
    return PlannedRevision(
        up=up, provenance=prov, rev_id=rid, message=clean_message(text) or to_release
    )


def load_release(project: Project, release: str) -> Snapshot | None:
    """The snapshot of ``release`` (None for ``empty``); errors name the file.

    Example:
        >>> load_release(project, "empty") is None
        True
    """
    if release == EMPTY:
        return None
    from planner.state.yamlio import load_snapshot

    path = project.snapshot_path(release)
    if not path.is_file():
        known = ", ".join(project.releases()) or "none"
        raise RevisionError(f"no snapshot {project.display(path)} (releases: {known})")
    snapshot = load_snapshot(path, filename=project.display(path))
    gc.freeze()  # long-lived, cycle-free objects: not for the cyclic collector to rescan
    return snapshot


def provenances(project: Project) -> list[Provenance]:
    """The provenance of every revision file dbplan wrote, sorted by path.

    Example:
        >>> [(p.from_release, p.to_release) for p in provenances(project)]
        [('empty', '0.1.0'), ('0.1.0', '0.2.0')]
    """
    out = []
    for path in revision_files(project):
        try:
            prov = read_provenance(path)
        except (OSError, UnicodeDecodeError):
            continue
        if prov is not None and prov.revision:
            out.append(prov)
    return out


def release_revisions(project: Project) -> dict[str, str]:
    """``{release: revision id}`` of the releases that generated revisions produce.

    When two revisions produce one release (a regenerated branch), the one whose down
    revision is the other's descendant cannot be told apart by name; the file sorted
    last wins, deterministically.

    Example:
        >>> release_revisions(load_project("."))
        {'0.1.0': 'a1', '0.2.0': 'b2'}
    """
    found: dict[str, str] = {}
    for prov in provenances(project):
        assert prov.revision is not None
        found[prov.to_release] = prov.revision
    return dict(sorted(found.items()))


def release_order(release: str):
    """Sort key of a release: ``empty`` first, then PEP 440 order.

    Example:
        >>> release_order("1.1.0") > release_order("1.0.0") > release_order("empty")
        True
    """
    from packaging.version import InvalidVersion, Version

    if release == EMPTY:
        return (0, Version("0"))
    try:
        return (1, Version(release))
    except InvalidVersion:
        return (2, Version("0"))


def generate(
    project: Project,
    from_release: str,
    to_release: str,
    *,
    message: str | None = None,
    rev_id: str | None = None,
    allow_destructive: bool = False,
    replace: bool = False,
    database_heads: Callable[[], tuple[str, ...]] | None = None,
    allow_failing_downgrade: bool = False,
) -> GenerateResult:
    """Write the revision ``from_release -> to_release`` into the project's migrations.

    The new revision continues the chain: its ``down_revision`` is the revision that
    produces FROM (one dbplan wrote, or one adopted in ``[tool.dbplan.releases]``), which
    must be a head. A release that already has a revision is refused; ``replace`` rewrites
    a stale one dbplan wrote, unless a later revision revises it or ``database_heads()``
    (the database's ``alembic_version``) shows it applied. ``database_heads`` may raise
    :class:`DatabaseUnseen`; the result's ``notes`` then say what was not checked.

    Raises:
        DestructiveRefused: the upgrade drops data and ``allow_destructive`` is False.
        DowngradeRefused: the downgrade adds a dropped NOT NULL column back with nothing
            to fill it (``dropped_columns``) and ``allow_failing_downgrade`` is False.
        RevisionError: FROM has no revision yet, TO has one, the pair is backwards, a
            second head or base would be written, or the revision or file exists already.
        SnapshotError: a snapshot is invalid.

    Example:
        >>> generate(project, "empty", "0.1.0")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        RevisionError: release 0.1.0 has a revision already
        >>> text = Path("schema_state/0.1.0.yaml").read_text().replace("release: 0.1.0", "release: 0.3.0")
        >>> _ = Path("schema_state/0.3.0.yaml").write_text(text)
        >>> written = generate(project, "0.2.0", "0.3.0", rev_id="c3", allow_destructive=True)
        >>> written.path.name
        'c3_0_3_0.py'
        >>> written.path.unlink(); Path("schema_state/0.3.0.yaml").unlink()  # as it was
    """
    if from_release == to_release:
        raise RevisionError(f"FROM and TO are the same release {to_release!r}")
    if to_release == EMPTY:
        raise RevisionError("TO cannot be 'empty' (downgrades are written with each revision)")
    if release_order(to_release) < release_order(from_release):
        raise RevisionError(
            f"FROM {from_release} is newer than TO {to_release}: a revision goes forward "
            f"(dbplan generate {to_release} {from_release}); its downgrade goes back. "
            "Nothing written"
        )
    from planner.state.prefetch import prefetch

    prefetch(
        (project.snapshot_path(r) for r in (from_release, to_release) if r != EMPTY),
        derive=snapshot_sha256,  # the children cache the hash the revision records
    )
    old = load_release(project, from_release)
    new = load_release(project, to_release)
    assert new is not None
    from planner.state.session import default_session

    # planning, importing Alembic and rendering make hundreds of thousands of objects a
    # cyclic collection would rescan (the snapshots are frozen out of its reach already)
    with default_session().paused_gc():
        planned = plan_revision(
            old,
            new,
            from_release=from_release,
            to_release=to_release,
            rev_id=rev_id,
            message=message,
            targets=project.targets,
        )
        if planned.downgrade_failures and not allow_failing_downgrade:
            raise DowngradeRefused(
                planned.downgrade_failures, from_release=from_release, to_release=to_release
            )
        if planned.destructive and not allow_destructive:
            raise DestructiveRefused(
                planned.destructive, from_release=from_release, to_release=to_release
            )
        from planner.revisions.chain import GenerateLock
        from planner.revisions.write import versions_dir

        with GenerateLock(versions_dir(project)) as lock:
            recovered = _recover_replaced(project, lock.path.parent)
            place = _place(
                project,
                from_release,
                to_release,
                replace=replace,
                database_heads=database_heads,
            )
            rendered = planned.render()
            aside = _move_aside(place.replaced)
            try:
                written: WrittenRevision = write_revision(
                    project,
                    rev_id=rendered.rev_id,
                    down_revision=place.down_revision,
                    message=rendered.message,
                    upgrades=rendered.upgrades,
                    downgrades=rendered.downgrades,
                )
            except BaseException:
                for original, moved in aside:
                    os.replace(moved, original)
                raise
            for _, moved in aside:
                moved.unlink(missing_ok=True)
    return GenerateResult(
        path=written.path,
        revision=written.revision,
        down_revision=place.down_revision,
        from_release=from_release,
        to_release=to_release,
        operations=rendered.operations,
        replaced=tuple(p for p, _ in aside),
        notes=recovered + place.notes,
        findings=rendered.findings,
    )


class DatabaseUnseen(DbplanError):  # noqa: N818 - not an error of dbplan's: a note
    """``database_heads`` could not read the database (the message says which and why)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _Place:
    down_revision: str | None
    #: dbplan revision files producing TO that ``--replace`` removes
    replaced: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


def _place(
    project: Project,
    from_release: str,
    to_release: str,
    *,
    replace: bool,
    database_heads: Callable[[], tuple[str, ...]] | None,
) -> _Place:
    """Where the new revision goes (its down revision; the files it replaces), or a
    RevisionError when it would not continue the chain as one head."""
    from planner.revisions.chain import ancestors, children, heads, revision_graph

    graph = revision_graph(project)
    provs = provenances(project)
    adopted = project.adopted_releases
    produced = {p.to_release: p.revision for p in provs}
    known = {**adopted, **produced}
    pair = f"{from_release} {to_release}"

    if to_release in adopted and to_release not in produced:
        raise RevisionError(
            f"release {to_release} is adopted: revision {adopted[to_release]} of the existing "
            "Alembic history ([tool.dbplan.releases] in pyproject.toml); dbplan never "
            "rewrites it. Nothing written (snapshot a newer release and generate that)"
        )
    producers = [p for p in provs if p.to_release == to_release]
    if producers and not replace:
        names = ", ".join(f"{p.revision} ({project.display(p.path)})" for p in producers if p.path)
        raise RevisionError(
            f"release {to_release} already has a revision: {names}. Nothing written: a "
            "second revision would make a second head. If it is stale (dbplan check says "
            f"so), rewrite it: dbplan generate {pair} --replace"
        )
    replaced_ids = {p.revision for p in producers}
    notes: list[str] = []
    if producers:
        for p in producers:
            later = [c for c in children(graph, p.revision) if c not in replaced_ids]
            if later:
                raise RevisionError(
                    f"--replace: revision {p.revision} ({project.display(p.path)}) of release "
                    f"{to_release} is revised by {', '.join(later)}; replacing it would cut "
                    "the chain. Nothing written (delete the later revisions first, newest first, "
                    "and generate them again after this one)"
                )
        if database_heads is None:
            notes.append("not checked whether the replaced revision is applied: no database")
        else:
            try:
                db_heads = database_heads()
            except DatabaseUnseen as e:
                notes.append(f"not checked whether the replaced revision is applied: {e}")
            else:
                applied = ancestors(graph, db_heads) & replaced_ids
                if applied:
                    raise RevisionError(
                        f"--replace: revision {', '.join(sorted(applied))} of release "
                        f"{to_release} is applied in the database (current: "
                        f"{', '.join(db_heads)}); rewriting it would leave that database on a "
                        "revision that no longer exists. Nothing written (downgrade it first: "
                        f"dbplan downgrade {from_release})"
                    )
    remaining = {r: n for r, n in graph.items() if r not in replaced_ids}
    if from_release == EMPTY:
        down_revision = None
        if remaining:
            tops = heads(remaining)
            raise RevisionError(
                f"dbplan generate {pair}: the project has revisions already (head "
                f"{', '.join(tops)}); a revision from empty would start a second base. "
                f"Nothing written. {_from_advice(project, known, to_release)}"
            )
    else:
        if from_release not in known:
            raise RevisionError(
                f"release {from_release} has no revision yet; nothing written. "
                f"{_from_advice(project, known, from_release)}"
            )
        down_revision = known[from_release]
        if down_revision not in remaining:
            raise RevisionError(
                f"release {from_release} is recorded as revision {down_revision}, which is not "
                f"in {project.display(project.migrations_dir)}; nothing written"
            )
        later = [c for c in children(remaining, down_revision)]
        if later:
            ahead = {v: k for k, v in known.items()}
            named = ", ".join(f"{c} (release {ahead[c]})" if c in ahead else c for c in later)
            raise RevisionError(
                f"revision {down_revision} of release {from_release} is already revised by "
                f"{named}: a revision from {from_release} would be a second head. Nothing "
                "written (generate from the newest release)"
            )
    return _Place(
        down_revision=down_revision,
        replaced=tuple(p.path for p in producers if p.path is not None),
        notes=tuple(notes),
    )


def _from_advice(project: Project, known: dict[str, str], release: str) -> str:
    """A command that works for giving ``release`` a revision."""
    releases = project.releases()
    earlier = [r for r in releases if release_order(r) < release_order(release)]
    with_rev = [r for r in earlier if r in known]
    if with_rev:
        prev = with_rev[-1]
        missing = [r for r in earlier if release_order(r) > release_order(prev)]
        steps = [prev, *missing, release]
        cmds = "; ".join(f"dbplan generate {a} {b}" for a, b in zip(steps, steps[1:], strict=False))
        return f"Generate it from {prev}, the newest release with a revision: {cmds}"
    if known or revision_files(project):
        return (
            f"Releases before {release} have no revision dbplan knows: record the revision "
            f'that produces one in pyproject.toml ([tool.dbplan.releases] "<release>" = '
            '"<revision>", as dbplan init --adopt writes)'
        )
    first = earlier[0] if earlier else release
    return f"Start the chain: dbplan generate empty {first}"


_ASIDE = ".dbplan-replaced"


def _recover_replaced(project: Project, directory: Path) -> tuple[str, ...]:
    """Files a ``--replace`` killed midway left aside: put back the revision when no
    revision produces its release any more (the new one was never written), else remove
    it (the new one was). Notes say which."""
    notes = []
    for moved in sorted(directory.glob(f".*{_ASIDE}")):
        original = moved.with_name(moved.name[1 : -len(_ASIDE)])
        try:
            prov = read_provenance(moved)
        except (OSError, UnicodeDecodeError):
            prov = None
        produced = {p.to_release for p in provenances(project)}
        if prov is not None and prov.to_release not in produced and not original.exists():
            os.replace(moved, original)
            notes.append(f"restored {project.display(original)} (an interrupted --replace)")
        else:
            moved.unlink(missing_ok=True)
            notes.append(f"removed {project.display(moved)} (left by an interrupted --replace)")
    return tuple(notes)


def _move_aside(paths: tuple[Path, ...]) -> list[tuple[Path, Path]]:
    """Rename each file out of Alembic's sight (``.<name>.dbplan-replaced``)."""
    out = []
    try:
        for path in paths:
            moved = path.with_name(f".{path.name}{_ASIDE}")
            os.replace(path, moved)
            out.append((path, moved))
    except BaseException:
        for original, moved in out:
            os.replace(moved, original)
        raise
    return out
