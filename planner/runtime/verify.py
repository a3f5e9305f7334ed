"""Verify the revision chain and detect drift: a database compared with its snapshot.

* :func:`compare_snapshots` — pure: every difference between a captured snapshot and
  the expected one, one precise line each (``sites.name: type String(80), snapshot
  says String(120)``).
* :func:`verify` — on a scratch database (created and dropped here) apply the chain
  one revision at a time from base to head, then back down to base, comparing the
  database with the release's snapshot after each step; optionally (PostgreSQL) compare
  ``pg_dump`` of the chain-built database with one built by ``setup``.
* :func:`drift` — a live database against the snapshot of the release it is stamped at.

The scratch database lives on the server of the URL (PostgreSQL, MariaDB/MySQL: a
uniquely named database ``dbplan_verify_<hex>``); without a URL, or for SQLite, it is a
temporary SQLite file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner import dialects, sqlexpr
from planner.runtime.config import alembic_errors, database_url, redact
from planner.runtime.errors import MigrationError
from planner.runtime.managed_rows import compare_rows as _rows
from planner.runtime.managed_rows import key_text as _key_text
from planner.runtime.managed_rows import retired_rows
from planner.state import constraint_comments, partitions
from planner.state.model import Generated
from planner.state.pg_tables_yaml import compare_exclusions

if TYPE_CHECKING:
    from planner.project import Project
    from planner.state.model import Column, Snapshot, Table

__all__ = [
    "DriftResult",
    "PartialUpgrade",
    "Step",
    "VerifyResult",
    "compare_snapshots",
    "drift",
    "scratch_database",
    "verify",
    "verify_steps",
]

VERSION_TABLE = "alembic_version"


# ---------------------------------------------------------------------------
# the comparison (pure)
# ---------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Generated):
        return f"({value.expression}) {'STORED' if value.stored else 'VIRTUAL'}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if value == "" or value != value.strip() else value
    return repr(value)


def _named(
    where: str,
    kind: str,
    got: tuple,
    want: tuple,
    fields: tuple[str, ...],
    out: list[str],
    dialect: str | None = None,
) -> None:
    have = {o.name: o for o in got}
    need = {o.name: o for o in want}
    for name in sorted(need.keys() - have.keys()):
        out.append(f"{where}: {kind} {name} missing")
    for name in sorted(have.keys() - need.keys()):
        out.append(f"{where}: {kind} {name} not in snapshot")
    for name in sorted(need.keys() & have.keys()):
        for f in fields:
            a, b = getattr(have[name], f), getattr(need[name], f)
            if not sqlexpr.same_field(f, a, b, dialect):
                out.append(f"{where}: {kind} {name}: {f} {_show(a)}, snapshot says {_show(b)}")


#: the fields of a column the comparison names (``collation``: its own, ``COLLATE``)
_COLUMN_FIELDS = tuple(
    "type nullable autoincrement server_default on_update comment identity generated "
    "collation".split()
)


def _same_column_field(f: str, a: Any, b: Any, dialect: str | None) -> bool:
    """A column field agrees (a generation: the same storage, expressions by meaning)."""
    if f != "generated" or a is None or b is None:
        return sqlexpr.same_field(f, a, b, dialect)
    return a.stored == b.stored and sqlexpr.same_field(
        "server_default", a.expression, b.expression, dialect
    )


def _columns(
    where: str, got: Table, want: Table, out: list[str], dialect: str | None = None
) -> None:
    have = {c.name: c for c in got.columns}
    need = {c.name: c for c in want.columns}
    for c in want.columns:
        if c.name not in have:
            out.append(f"{where}.{c.name}: column missing (snapshot: {c.type})")
    for c in got.columns:
        if c.name not in need:
            out.append(f"{where}.{c.name}: column not in snapshot ({c.type})")
    for c in want.columns:
        g: Column | None = have.get(c.name)
        if g is None:
            continue
        for f in _COLUMN_FIELDS:
            a, b = getattr(g, f), getattr(c, f)
            if not _same_column_field(f, a, b, dialect):
                f_name = f.replace("_", " ")
                out.append(f"{where}.{c.name}: {f_name} {_show(a)}, snapshot says {_show(b)}")


def compare_snapshots(
    actual: Snapshot, expected: Snapshot, *, dialect: str | None = None
) -> list[str]:
    """Every difference between ``actual`` (captured) and ``expected``, one line each.

    Given ``dialect``, checks, index ``where`` and server defaults compare by meaning on
    it (:func:`planner.sqlexpr.same_meaning`: ``(name)::text <> ''::text`` is
    ``name <> ''``); without, by text.

    Both should be in the same dialect's normal form (``capture_for`` and
    ``normalise_for``). Column order is not compared (a downgrade re-adds a dropped
    column at the end of its table); row order neither: rows are matched by key.

    Example:
        >>> from planner.state.model import Column, Snapshot, Table
        >>> a = Snapshot(release="1", tables=(Table(name="sites", columns=(Column(name="name", type="String(80)"),)),))
        >>> b = Snapshot(release="1", tables=(Table(name="sites", columns=(Column(name="name", type="String(120)"),)),))
        >>> compare_snapshots(a, b)
        ['sites.name: type String(80), snapshot says String(120)']
    """
    out: list[str] = []
    have_enums = {e.name: e for e in actual.enums}
    need_enums = {e.name: e for e in expected.enums}
    for name in sorted(need_enums.keys() - have_enums.keys()):
        out.append(f"enum {name}: missing (snapshot: {_show(need_enums[name].values)})")
    for name in sorted(have_enums.keys() - need_enums.keys()):
        out.append(f"enum {name}: not in snapshot ({_show(have_enums[name].values)})")
    for name in sorted(need_enums.keys() & have_enums.keys()):
        a, b = have_enums[name].values, need_enums[name].values
        if a != b:
            out.append(f"enum {name}: values {_show(a)}, snapshot says {_show(b)}")
        if (c := have_enums[name].comment) != (w := need_enums[name].comment):
            out.append(f"enum {name}: comment {_show(c)}, snapshot says {_show(w)}")
    have = {t.key: t for t in actual.tables}
    need = {t.key: t for t in expected.tables}
    for t in expected.tables:
        if t.key not in have:
            out.append(f"{t.qualified_name}: table missing")
    for t in actual.tables:
        if t.key not in need:
            out.append(f"{t.qualified_name}: table not in snapshot")
    for t in expected.tables:
        g = have.get(t.key)
        if g is None:
            continue
        where = t.qualified_name
        if g.comment != t.comment:
            out.append(f"{where}: comment {_show(g.comment)}, snapshot says {_show(t.comment)}")
        _columns(where, g, t, out, dialect)
        out += partitions.compare(where, g, t)
        g, t = constraint_comments.compare(where, g, t, out)  # then compared without them
        if g.primary_key != t.primary_key:
            gp, tp = g.primary_key, t.primary_key
            out.append(
                f"{where}: primary key "
                f"{_show(gp.columns) if gp else 'none'} named {_show(gp.name if gp else None)}, "
                f"snapshot says {_show(tp.columns) if tp else 'none'} named "
                f"{_show(tp.name if tp else None)}"
                + (
                    f" (deferrable {_show(gp.deferrable)}, snapshot says {_show(tp.deferrable)})"
                    if gp and tp and gp.deferrable != tp.deferrable
                    else ""
                )
            )
        fk_fields = ("columns", "ref_schema", "ref_table", "ref_columns", "ondelete", "onupdate")
        fk_fields += ("deferrable",)
        _named(where, "foreign key", g.foreign_keys, t.foreign_keys, fk_fields, out)
        _named(where, "unique", g.uniques, t.uniques, ("columns", "deferrable"), out)
        compare_exclusions(where, g, t, out, dialect)  # by meaning
        if g.unlogged != t.unlogged:
            out.append(f"{where}: unlogged {_show(g.unlogged)}, snapshot says {_show(t.unlogged)}")
        _named(where, "check", g.checks, t.checks, ("sqltext",), out, dialect)
        ix_fields = (
            tuple(f.name for f in dataclasses.fields(type(t.indexes[0]))) if t.indexes else ()
        )
        ix_fields = tuple(f for f in ix_fields if f != "name")
        _named(where, "index", g.indexes, t.indexes, ix_fields, out, dialect)
        _rows(where, g, t, out)
    from planner.state import inventory  # the objects dbplan leaves alone, both sides

    return out + inventory.compare(actual, expected)


# ---------------------------------------------------------------------------
# scratch databases
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(url: str | None, *, prefix: str = "dbplan_verify") -> Iterator[str]:
    """A new empty database on the server of ``url``, dropped afterwards; yields its URL.

    PostgreSQL and MariaDB/MySQL get a uniquely named database; ``None`` or a SQLite
    URL gives a temporary SQLite file.

    Example:
        >>> with scratch_database(None) as url:
        ...     url.startswith("sqlite:///")
        True
    """
    import sqlalchemy as sa

    d = None
    if url:
        backend = sa.engine.make_url(url).get_backend_name()
        try:
            d = dialects.get(backend)
        except dialects.UnknownDialectError:
            raise MigrationError(
                f"verify needs PostgreSQL, MariaDB/MySQL or SQLite; {redact(url)} is {backend}"
            ) from None
    if d is None or d.database_is_file:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            yield f"sqlite:///{Path(tmp) / 'scratch.sqlite'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    u = sa.engine.make_url(url)
    server = u.set(database=d.server_database(u.database))
    with alembic_errors(url):
        eng = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with eng.connect() as c:
                c.execute(sa.text(d.create_database_sql(name)))
        finally:
            eng.dispose()
    try:
        yield u.set(database=name).render_as_string(hide_password=False)
    finally:
        eng = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        try:
            with eng.connect() as c:
                c.execute(sa.text(d.drop_database_sql(name)))
        finally:
            eng.dispose()


def _dialect(url: str) -> dialects.Dialect:
    import sqlalchemy as sa

    return dialects.get(sa.engine.make_url(url).get_backend_name())


def _differences(url: str, snapshot: Snapshot, others: Iterable[Snapshot] = ()) -> list[str]:
    """The database against ``snapshot``, and against the managed rows of the ``others``
    releases that ``snapshot`` does not declare (:func:`retired_rows`)."""
    from planner.state.capture import capture_for, normalise_for

    with alembic_errors(url):
        got = capture_for(url, snapshot)
        retired = retired_rows(url, snapshot, others)
    dialect = _dialect(url).name
    return compare_snapshots(got, normalise_for(snapshot, dialect), dialect=dialect) + retired


def _leftovers(url: str) -> list[str]:
    """What is left in a database after ``downgrade base``: tables and (PostgreSQL) enums."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        insp = sa.inspect(engine)
        out = [
            f"{t}: table left behind" for t in sorted(insp.get_table_names()) if t != VERSION_TABLE
        ]
        d = dialects.get(engine.dialect.name)
        if d.has_named_enums:
            out += [f"enum {e['name']}: type left behind" for e in insp.get_enums(schema="*")]
        if d.has_schemas:
            schemas = set(insp.get_schema_names()) - {"public", "information_schema"}
            for schema in sorted(schemas):
                out += [
                    f"{schema}.{t}: table left behind" for t in insp.get_table_names(schema=schema)
                ]
        return out
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------
# verify
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One move of the chain and what the database looked like afterwards."""

    #: ``setup`` (the start release, from its snapshot), ``upgrade`` or ``downgrade``
    direction: str
    #: the revision the database is at after the step (``None`` = base)
    revision: str | None
    #: the release that revision produces (``None`` = base, or no release known)
    release: str | None
    differences: tuple[str, ...] = ()
    #: the upgrade or downgrade itself failed (verify stops there)
    failed: bool = False

    @property
    def label(self) -> str:
        return f"{self.release or ('base' if self.revision is None else self.revision)} after {self.direction}"

    def lines(self) -> list[str]:
        return [f"{self.label}: {d}" for d in self.differences]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyResult:
    url: str
    steps: tuple[Step, ...]
    #: unified diff of the two pg_dumps ("" = identical); None when not asked for
    pg_dump_diff: str | None = None
    #: the release verify started at (set up from its snapshot); None: from base
    start: str | None = None
    #: what the scratch database's dialect does not store, so verify could not see it
    not_compared: tuple[str, ...] = ()
    #: users' rows of ``--data`` through the chain (:mod:`planner.runtime.verify_data`)
    data: Any = None

    @property
    def differences(self) -> list[str]:
        return [line for s in self.steps for line in s.lines()]

    @property
    def ok(self) -> bool:
        return not self.differences and not self.pg_dump_diff


def verify_steps(
    project: Project, *, start: str | None = None
) -> list[tuple[str, str | None, str | None]]:
    """The moves of a verify: ``(direction, revision after, release)``; see
    :func:`planner.runtime.verify_start.verify_moves` (``start``: a release, ``"base"``,
    or ``None`` for the default start).

    Example:
        >>> verify_steps(project)[:2]
        [('upgrade', 'a1', '0.1.0'), ('upgrade', 'b2', '0.2.0')]
    """
    from planner.runtime.verify_start import verify_moves

    return verify_moves(project, start)


def verify(
    project: Project,
    *,
    url: str | None = None,
    pg_dump: bool = False,
    on_step: Callable[[Step], None] | None = None,
    start: str | None = None,
    data: str | Path | None = None,
) -> VerifyResult:
    """Apply the chain on a scratch database, comparing after every step, up and down.

    ``url`` names the server (default: a temporary SQLite file); ``pg_dump`` (PostgreSQL
    only) also compares ``pg_dump`` of the chain-built database with a ``setup``-built
    one. ``on_step`` is called after each step (progress). ``start`` (a release, or
    ``"base"``) is where the chain starts; by default an adopted project starts at its
    oldest release with a snapshot, set up from it (see :mod:`planner.runtime.verify_start`).
    ``data`` (a YAML or SQL file of users' rows) is loaded at the first release and proved
    after every step (:mod:`planner.runtime.verify_data`).

    Example:
        >>> verify(project).differences
        []
    """
    from planner.runtime.apply import downgrade, setup, upgrade
    from planner.runtime.verify_start import SETUP

    if pg_dump and (url is None or not _dialect(url).has_schema_dump):
        raise MigrationError("--pg-dump needs a PostgreSQL --url (postgresql+psycopg://...)")
    files = project.snapshot_files()
    moves = verify_steps(project, start=start)
    if not moves:
        raise MigrationError(
            f"no revisions in {project.display(project.migrations_dir)}/versions: "
            "nothing to verify (write them with `dbplan generate`)"
        )
    proof = None
    if data is not None:
        from planner.runtime.verify_data import DataProof

        proof = DataProof.prepare(project, data, moves)
    snapshots: dict[str, Snapshot] = {}
    steps: list[Step] = []
    dump_diff: str | None = None
    # the step that reaches head
    top = max(i for i, m in enumerate(moves) if m[0] in ("upgrade", SETUP))
    with scratch_database(url) as scratch:
        for i, (direction, rev, rel) in enumerate(moves):
            try:
                if direction == SETUP:
                    setup(project, release=rel, url=scratch)
                elif direction == "upgrade":
                    upgrade(project, rev, url=scratch)
                else:
                    downgrade(project, rev or "base", url=scratch)
            except Exception as e:  # noqa: BLE001 - any failure of a revision is a finding
                # a step that fails is a finding (often of an earlier difference): stop here
                text = str(e).strip().splitlines()
                first = text[0] if text else ""
                if not isinstance(e, MigrationError):
                    first = f"{type(e).__name__}: {first}"
                lines = [f"{direction} failed: {first}"]
                if direction == "upgrade":
                    lines += _left_by_failure(project, scratch, moves[i - 1] if i else None)
                failed = Step(
                    direction=direction,
                    revision=rev,
                    release=rel,
                    differences=tuple(lines),
                    failed=True,
                )
                steps.append(failed)
                if on_step is not None:
                    on_step(failed)
                break
            if rev is None:
                diffs = _leftovers(scratch)
            elif rel is None or rel not in files:
                diffs = []  # nothing to compare with: an adopted or hand-written revision
            else:
                if rel not in snapshots:
                    snapshots[rel] = _load(files[rel])
                diffs = _differences(scratch, snapshots[rel], _others(files, snapshots))
            if proof is not None:
                diffs = [*diffs, *proof.after(i, scratch)]
            step = Step(direction=direction, revision=rev, release=rel, differences=tuple(diffs))
            steps.append(step)
            if on_step is not None:
                on_step(step)
            if pg_dump and i == top:
                dump_diff = _pg_dump_compare(project, scratch, url)
    return VerifyResult(
        url=redact(url) if url else "sqlite (temporary file)",
        steps=tuple(steps),
        pg_dump_diff=dump_diff,
        start=moves[0][2] if moves[0][0] == SETUP else None,
        not_compared=dialects.get(_dialect(scratch)).not_compared(snapshots.values()),
        data=proof.result() if proof is not None else None,
    )


def _left_by_failure(project: Project, url: str, before: tuple | None) -> list[str]:
    """After a failed upgrade: the partial state it left (MariaDB/MySQL), if any, as a line.

    ``before`` is the move that reached the revision the database is still stamped at
    (``None``: base).
    """
    from planner.state.model import Snapshot

    files = project.snapshot_files()
    if before is None:
        head, stamped = None, Snapshot(release="empty")
    elif before[2] in files:
        head, stamped = before[1], _load(files[before[2]])
    else:
        return []
    try:
        found = _partial(project, url, head, stamped, None)
    except Exception:  # noqa: BLE001 - the failure itself is the finding; this is a hint
        return []
    return [found[0].message] if found else []


def _others(files: dict, loaded: dict[str, Snapshot]) -> list[Snapshot]:
    """Every release's snapshot (loaded once into ``loaded``), for :func:`retired_rows`."""
    for rel, path in files.items():
        if rel not in loaded:
            loaded[rel] = _load(path)
    return list(loaded.values())


def _load(path) -> Snapshot:
    from planner.state import yamlio

    return yamlio.load_snapshot(path)


# ---------------------------------------------------------------------------
# pg_dump
# ---------------------------------------------------------------------------


def _pg_dump_compare(project: Project, chain_url: str, server_url: str) -> str:
    from planner.runtime.apply import setup

    releases = project.releases()
    snapshot = _load(project.snapshot_files()[releases[-1]])
    dump = _dialect(chain_url).schema_dump
    chain = dump(chain_url, snapshot)
    with scratch_database(server_url, prefix="dbplan_setup") as direct_url:
        setup(project, release=releases[-1], url=direct_url)
        direct = dump(direct_url, snapshot)
    return "".join(
        difflib.unified_diff(
            direct.splitlines(keepends=True),
            chain.splitlines(keepends=True),
            f"setup {releases[-1]}",
            f"chain to {releases[-1]}",
        )
    )


# ---------------------------------------------------------------------------
# drift
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PartialUpgrade:
    """A database stamped at one release that holds part of the next one's changes.

    What a revision that failed part-way leaves on MariaDB/MySQL, where every DDL statement
    commits as it runs while ``alembic_version`` still names the previous revision.
    """

    #: the release the database is stamped at (``empty``: no revision yet)
    stamped: str
    #: the release of the next revision, and that revision
    target: str
    revision: str
    #: every object the two releases differ in, by state in the database
    applied: tuple[str, ...]
    pending: tuple[str, ...]
    #: objects in neither release's state (half-made, or changed by hand)
    other: tuple[str, ...] = ()
    dialect: str = ""

    @property
    def total(self) -> int:
        return len(self.applied) + len(self.pending) + len(self.other)

    @property
    def message(self) -> str:
        from planner import dialects

        rolls_back = bool(self.dialect) and dialects.get(self.dialect).transactional_ddl
        why = (
            f"{dialects.get(self.dialect).label} cannot roll DDL back"
            if self.dialect and not rolls_back
            else "or the database was changed by hand"
        )
        text = (
            f"partial upgrade: database is stamped {self.stamped} but holds "
            f"{len(self.applied)} of the {self.total} changes of {self.stamped} -> "
            f"{self.target} ({_some(self.applied)})"
        )
        if self.pending:
            text += f"; not yet: {_some(self.pending)}"
        if self.other:
            text += f"; partly done or changed by hand: {_some(self.other)}"
        if not self.pending and not self.other:
            return (
                text + f"; revision {self.revision} ran in full but was not stamped: check, "
                f"then `dbplan stamp {self.target}`"
            )
        if rolls_back:  # a failed revision was rolled back: this was done by hand
            return (
                text + f"; {dialects.get(self.dialect).label} rolls a failed revision back, "
                "so these changes were made by hand: undo them, or finish them and "
                f"`dbplan stamp {self.target}`"
            )
        return (
            text + f"; revision {self.revision} failed part-way ({why}): repair by hand "
            "or restore the backup, then re-run `dbplan upgrade`"
        )


def _some(names: tuple[str, ...], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", and {len(names) - limit} more" if len(names) > limit else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftResult:
    url: str
    revision: str
    release: str
    differences: tuple[str, ...] = ()
    #: the database holds part of the next release (a revision failed part-way)
    partial: PartialUpgrade | None = None


def drift(project: Project, *, url: str | None = None) -> DriftResult:
    """Compare the database at ``url`` with the snapshot of the release it is stamped at.

    Managed rows are compared by key, as multisets (a key held twice is drift), and managed
    rows of other releases that this one does not declare must be gone (deleted rows that
    came back are drift: :func:`retired_rows`); rows users added to managed tables under
    keys no release manages are not drift.
    When the database differs, it is also compared with the next revision's release: a
    database that holds some of the changes between the two is reported as a partial
    upgrade (``partial``), what a revision failing part-way leaves on MariaDB/MySQL.

    Raises:
        MigrationError: the database is not stamped (and holds none of the first
            revision's changes), has several heads, or is at a revision that produces no
            release with a snapshot.

    Example:
        >>> drift(project, url="sqlite:///app.sqlite").differences
        ()
    """
    from planner.runtime.apply import current_heads
    from planner.runtime.releases import revision_releases
    from planner.state.capture import capture_for, normalise_for
    from planner.state.model import Snapshot

    url = database_url(project, url)
    heads = current_heads(url)
    files = project.snapshot_files()
    dialect = _dialect(url)
    if not heads:
        found = _partial(project, url, None, Snapshot(release="empty"), None)
        if found is not None:
            partial, diffs = found
            return DriftResult(
                url=url, revision="base", release="empty", differences=diffs, partial=partial
            )
        raise MigrationError(
            f"{redact(url)} has no revision (alembic_version is empty or missing): "
            "run `dbplan setup` or `dbplan upgrade` first, or `dbplan stamp` an adopted database"
        )
    if len(heads) > 1:
        raise MigrationError(
            f"{redact(url)} is at several heads ({', '.join(heads)}): merge them first"
        )
    head = heads[0]
    release = revision_releases(project).get(head)
    if release is None or release not in files:
        raise MigrationError(
            f"{redact(url)} is at revision {head}, which produces no release with a snapshot "
            f"in {project.display(project.snapshots_dir)}/ (releases: {', '.join(files) or 'none'})"
        )
    snapshot = _load(files[release])
    with alembic_errors(url):
        got = capture_for(url, snapshot)
    diffs = tuple(compare_snapshots(got, normalise_for(snapshot, dialect), dialect=dialect))
    with alembic_errors(url):
        diffs += tuple(retired_rows(url, snapshot, _others(files, {release: snapshot})))
    partial = None
    if diffs:
        from planner.state.errors import DbplanError

        try:
            found = _partial(project, url, head, snapshot, got)
        except DbplanError:
            found = None  # the next release cannot be read here: plain drift lines only
        partial = found[0] if found else None
    return DriftResult(url=url, revision=head, release=release, differences=diffs, partial=partial)


def _partial(
    project: Project, url: str, head: str | None, stamped: Snapshot, got: Snapshot | None
) -> tuple[PartialUpgrade, tuple[str, ...]] | None:
    """The database against the release after ``head``: a partial upgrade, if it holds any
    of the changes between the two (with the differences from ``stamped``), else None."""
    from planner.runtime.releases import history
    from planner.state.capture import capture_for, normalise_for

    dialect = _dialect(url)
    files = project.snapshot_files()
    down = () if head is None else (head,)
    following = [r for r in history(project) if r.down_revisions == down and r.release in files]
    if len(following) != 1:
        return None  # none, or branches: nothing to tell
    rev = following[0]
    target = _load(files[rev.release])
    with alembic_errors(url):
        if got is None:
            got = capture_for(url, stamped)
        got_next = capture_for(url, target)
    was = _objects(normalise_for(stamped, dialect))
    will = _objects(normalise_for(target, dialect))
    db_was, db_will = _objects(got), _objects(got_next)
    # capture reads only the rows its snapshot declares: a row one release drops is read
    # with the other release's snapshot
    for key in was.keys() - will.keys():
        if key[0] == "row":
            db_will[key] = db_was.get(key)
    for key in will.keys() - was.keys():
        if key[0] == "row":
            db_was[key] = db_will.get(key)
    # a table made or dropped counts once, whole (a half-made table is "partly done")
    whole = {k[1] for k in was.keys() ^ will.keys() if k[0] == "table"}
    applied, pending, other = [], [], []
    for key in sorted(was.keys() | will.keys(), key=_object_order):
        if was.get(key) == will.get(key):
            continue
        if (key[0] == "table") != (key[1] in whole) and key[0] not in ("enum", "row"):
            continue  # a table in both is compared by its parts, a new one as a whole
        if db_will.get(key) == will.get(key):
            applied.append(_object_text(key))
        elif db_was.get(key) == was.get(key):
            pending.append(_object_text(key))
        else:
            other.append(_object_text(key))
    if not applied:
        return None
    partial = PartialUpgrade(
        stamped=stamped.release,
        target=rev.release or "",
        revision=rev.revision,
        applied=tuple(applied),
        pending=tuple(pending),
        other=tuple(other),
        dialect=dialect,
    )
    return partial, tuple(compare_snapshots(got, normalise_for(stamped, dialect), dialect=dialect))


def _objects(s: Snapshot) -> dict[tuple, Any]:
    """A snapshot as ``{object: state}``: each enum, table, column, constraint, index and
    managed row (an absent object has no entry)."""
    out: dict[tuple, Any] = {}
    for e in s.enums:
        out[("enum", e.name)] = (e.values, e.comment)
    for t in s.tables:
        q = t.qualified_name
        columns = tuple(sorted(t.columns, key=lambda c: c.name))
        out[("table", q)] = dataclasses.replace(t, rows=None, columns=columns)
        out[("comment", q)] = t.comment
        for c in t.columns:
            out[("column", q, c.name)] = tuple(getattr(c, f) for f in _COLUMN_FIELDS)
        if t.primary_key is not None:
            out[("primary key", q)] = (t.primary_key.name, t.primary_key.columns)
        for kind, items in (
            ("foreign key", t.foreign_keys),
            ("unique", t.uniques),
            ("check", t.checks),
            ("index", t.indexes),
        ):
            for o in items:
                out[(kind, q, o.name)] = o
        if t.rows is not None:
            for k, row in t.rows.by_key().items():
                out[("row", q, _key_text(t.rows.key, k))] = row
    return out


def _object_order(key: tuple) -> tuple:
    kinds = ("enum", "table", "comment", "column", "primary key", "foreign key", "unique")
    order = kinds.index(key[0]) if key[0] in kinds else len(kinds)
    return (order, *(str(k) for k in key[1:]))


def _object_text(key: tuple) -> str:
    kind, *rest = key
    if kind == "enum":
        return f"enum {rest[0]}"
    if kind == "table":
        return f"table {rest[0]}"
    if kind == "column":
        return f"column {rest[0]}.{rest[1]}"
    if kind in ("primary key", "comment"):
        return f"{kind} of {rest[0]}"
    if kind == "row":
        return f"row {rest[0]} ({rest[1]})"
    return f"{kind} {rest[1]} of {rest[0]}"
