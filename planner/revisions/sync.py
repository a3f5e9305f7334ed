"""Are the revision files in sync with the snapshots? (``dbplan check``)

One finding line per problem, naming the file:

- a snapshot changed after the revision that produces (or starts from) it was generated;
- a revision names a release whose snapshot does not exist;
- a release has no revision (adopted releases in ``[tool.dbplan.releases]`` count);
- the chain is out of release order: a revision going backwards, skipping a release,
  starting from a revision other than the one producing its FROM release, or two
  revisions producing one release;
- the revisions have more than one head;
- a revision's ``upgrade()`` / ``downgrade()`` differ from what dbplan generates from its
  snapshots now (compared as Python syntax trees, so a formatter's changes and comments
  do not count). A deliberate hand edit is recorded in the file with the line
  ``# dbplan: edited=<digest>`` (the finding gives the digest): the bodies are then
  compared with that digest, so a later edit is found again. ``generate`` records the
  bodies' digest as generated (``# dbplan: body=<digest>``, with the targets and dbplan's
  version in it): a file that still matches it is not rendered again.

Every piece of advice is a command that works on the project as it is: no
``dbplan generate empty ...`` when a chain exists (that would start a second base).
"""

from __future__ import annotations

import ast
import functools
import gc
import hashlib
import tomllib
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from packaging.version import InvalidVersion, Version

from planner.project import EMPTY
from planner.revisions.generation import provenances
from planner.revisions.provenance import (
    PREFIX,
    Provenance,
    parse_provenance_text,
    snapshot_sha256,
)

if TYPE_CHECKING:
    from planner.project import Project
    from planner.state.model import Snapshot

_T = TypeVar("_T")


def _order(release: str) -> tuple[int, Version | None]:
    if release == EMPTY:
        return (0, None)
    try:
        return (1, Version(release))
    except InvalidVersion:
        return (2, None)


def _adopted(project: Project) -> dict[str, str]:
    pp = project.root / "pyproject.toml"
    try:
        data = tomllib.loads(pp.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    table = data.get("tool", {}).get("dbplan", {}).get("releases", {})
    return {str(k): str(v) for k, v in table.items()} if isinstance(table, dict) else {}


def check_revisions(
    project: Project, snapshots: dict[str, Snapshot], *, render_all: bool = False
) -> list[str]:
    """Findings for the revisions of ``project`` against ``snapshots`` (release -> snapshot).

    ``render_all``: render every revision again, whatever its ``body=`` line says (a
    checksum that catches accidents, not a signature: ``dbplan check --render-all``).

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> s010 = load_snapshot("schema_state/0.1.0.yaml")
        >>> check_revisions(project, {"0.1.0": s010})  # as if 0.2.0.yaml were missing
        ['migrations/versions/b2_0_2_0.py: produces release 0.2.0, but schema_state/0.2.0.yaml does not exist']
    """
    from planner.revisions.chain import children, heads, revision_graph

    provs = provenances(project)
    graph = revision_graph(project, strict=False)
    adopted = _adopted(project)
    releases = sorted(snapshots, key=_order)
    hashes: dict[str, str] = {EMPTY: snapshot_sha256(None)}
    for rel, snap in snapshots.items():
        hashes[rel] = snapshot_sha256(snap)
    findings: list[str] = []
    by_release: dict[str, list[Provenance]] = {}
    for p in provs:
        by_release.setdefault(p.to_release, []).append(p)
    producer = {rel: ps[-1].revision for rel, ps in by_release.items()}
    producer.update({rel: rev for rel, rev in adopted.items() if rel not in producer})
    dbplan_revs = {p.revision for p in provs}
    hand_written = any(rev not in dbplan_revs for rev in graph)

    for p in provs:
        assert p.path is not None
        name = project.display(p.path)
        regen = _regen_advice(project, p, children(graph, p.revision or ""))
        for release, recorded, what in (
            (p.from_release, p.from_sha256, "starts from"),
            (p.to_release, p.to_sha256, "produces"),
        ):
            if release != EMPTY and release not in snapshots:
                findings.append(
                    f"{name}: {what} release {release}, but {project.display(project.snapshot_path(release))} does not exist"
                )
            elif recorded and release in hashes and hashes[release] != recorded:
                snap_name = (
                    "the empty state"
                    if release == EMPTY
                    else project.display(project.snapshot_path(release))
                )
                findings.append(
                    f"{name}: {snap_name} changed after this revision was generated ({regen})"
                )
        if _order(p.from_release) >= _order(p.to_release):
            findings.append(
                f"{name}: goes from {p.from_release} to {p.to_release}, backwards in release "
                "order (delete it: each revision's downgrade already goes back)"
            )
        else:
            skipped = [
                r for r in releases if _order(p.from_release) < _order(r) < _order(p.to_release)
            ]
            if skipped:
                steps = [p.from_release, *skipped, p.to_release]
                cmds = "; ".join(
                    f"dbplan generate {a} {b}" for a, b in zip(steps, steps[1:], strict=False)
                )
                later = children(graph, p.revision or "")
                first = "delete it and the revisions after it" if later else "delete it"
                findings.append(
                    f"{name}: goes from {p.from_release} to {p.to_release}, skipping "
                    f"{', '.join(skipped)} ({first}, then {cmds})"
                )
        expected = None if p.from_release == EMPTY else producer.get(p.from_release)
        if p.from_release != EMPTY and expected is None:
            findings.append(
                f"{name}: starts from release {p.from_release}, which no revision produces"
            )
        elif p.down_revision != expected:
            findings.append(
                f"{name}: down_revision is {p.down_revision!r}, but release {p.from_release} "
                f"is produced by {expected!r} ({regen})"
            )
    for release, ps in sorted(by_release.items(), key=lambda kv: _order(kv[0])):
        if len(ps) > 1:
            names = ", ".join(project.display(p.path) for p in ps if p.path is not None)
            findings.append(
                f"release {release} is produced by {len(ps)} revisions: {names} "
                "(keep one, delete the others)"
            )
    previous = EMPTY
    chained = False  # an earlier release has (or will have, by the advice) a revision
    for release in releases:
        if release in producer:
            chained = True
        elif not chained and (hand_written or adopted):
            findings.append(
                f"{project.display(project.snapshot_path(release))}: release {release} has no "
                "revision and is older than the revisions dbplan knows: record the revision "
                f'that produces it in pyproject.toml ([tool.dbplan.releases] "{release}" = '
                '"<revision>")'
            )
        else:
            findings.append(
                f"{project.display(project.snapshot_path(release))}: release {release} has no revision "
                f"(dbplan generate {previous} {release})"
            )
            chained = True
        previous = release
    tops = heads(graph)
    if len(tops) > 1:
        by_rev = {rev: rel for rel, rev in producer.items()}
        named = ", ".join(f"{h} (release {by_rev[h]})" if h in by_rev else h for h in tops)
        findings.append(
            f"{project.display(project.migrations_dir)}: {len(tops)} heads: {named}; upgrade "
            "cannot choose. Keep one: rewrite a stale revision with dbplan generate FROM TO "
            "--replace, or delete the extra file"
        )
    findings.extend(_body_findings(project, provs, snapshots, hashes, graph, render_all))
    return findings


def _regen_advice(project: Project, p: Provenance, later: list[str]) -> str:
    pair = f"{p.from_release} {p.to_release}"
    if later:
        return (
            f"regenerate: delete it and the revisions after it ({', '.join(later)} ...), "
            f"then dbplan generate {pair} and the later releases again, in order"
        )
    return f"regenerate: dbplan generate {pair} --replace"


def body_digest(text: str) -> str | None:
    r"""Digest of the ``upgrade()`` and ``downgrade()`` bodies of a revision file's text,
    as syntax trees (formatting and comments do not count); None when unparsable.

    Example:
        >>> a = body_digest("def upgrade():\n    pass\ndef downgrade():\n    pass\n")
        >>> a == body_digest("def upgrade():  # hi\n    pass\n\ndef downgrade(): pass\n")
        True
    """
    bodies = _file_bodies(text)
    if bodies is None:
        return None
    return _digest(bodies)


def _digest(bodies: tuple[str, str]) -> str:
    return hashlib.sha256("\0".join(bodies).encode("utf-8")).hexdigest()[:16]


def _dump(statements: list[ast.stmt]) -> str:
    return "\n".join([_ast_text(s) for s in statements])


def _ast_text(node: object) -> str:
    """``ast.dump(node)``'s text (Python 3.11's defaults), in 40% of its time: the
    body digest of a 2,000-table revision dumps 340,000 nodes. A tree from ``ast.parse``
    has every field: one formatter per node class (:class:`_Formatters`) writes them; a
    node built without some field (``ast.dump`` leaves it out), or a tree too deep for the
    formatters' recursion, is walked field by field.

    Example:
        >>> tree = ast.parse("op.execute('x', y=None, *z, **w); a.b = f'{c!r:>3}'")
        >>> _ast_text(tree) == ast.dump(tree)
        True
        >>> _ast_text(ast.Name(id="x")) == ast.dump(ast.Name(id="x"))
        True
    """
    try:
        return _FORMATTERS[type(node)](node)
    except (AttributeError, RecursionError):
        return _walked_text(node)


def _walked_text(node: object) -> str:
    """:func:`_ast_text` field by field."""
    if isinstance(node, ast.AST):
        cls = type(node)
        parts = []
        for name in cls._fields:
            try:
                value = getattr(node, name)
            except AttributeError:
                continue
            if value is None and getattr(cls, name, ...) is None:
                continue
            parts.append(f"{name}={_walked_text(value)}")
        return f"{cls.__name__}({', '.join(parts)})"
    if isinstance(node, list):
        return "[" + ", ".join([_walked_text(x) for x in node]) + "]"
    return repr(node)


class _Formatters(dict):
    """The text of an object by its class: ``repr`` for a field's plain value; for a
    node, every field as ``name=value``, leaving out a field whose value is None when the
    class's default for it is None (``Constant.kind``, ``keyword.arg`` ...). A formatter
    raises AttributeError for a node without one of its fields. Made on first sight."""

    def __missing__(self, cls: type) -> Callable[[object], str]:
        fmt = self[cls] = _formatter(cls)
        return fmt


def _formatter(cls: type) -> Callable[[object], str]:
    if not issubclass(cls, ast.AST):
        return repr
    fmts, name, fields = _FORMATTERS, cls.__name__, cls._fields
    if not fields:
        text = f"{name}()"
        return lambda node: text
    omit = frozenset(f for f in fields if getattr(cls, f, ...) is None)
    if omit:

        def optional(node: object) -> str:
            parts = []
            for f in fields:
                value = getattr(node, f)
                if value is None and f in omit:
                    continue
                parts.append(f"{f}={fmts[type(value)](value)}")
            return f"{name}({', '.join(parts)})"

        return optional
    get = attrgetter(*fields)
    if len(fields) == 1:
        head = f"{name}({fields[0]}="

        def one(node: object) -> str:
            value = get(node)
            return head + fmts[type(value)](value) + ")"

        return one
    template = f"{name}(" + ", ".join(f"{f}=%s" for f in fields) + ")"
    return lambda node: template % tuple([fmts[type(v)](v) for v in get(node)])


def _list_text(values: list) -> str:
    if not values:
        return "[]"
    fmts = _FORMATTERS
    return "[" + ", ".join([fmts[type(x)](x) for x in values]) + "]"


def _constant_text(node: ast.Constant) -> str:
    if node.kind is None:
        return f"Constant(value={node.value!r})"
    return f"Constant(value={node.value!r}, kind={node.kind!r})"


def _keyword_text(node: ast.keyword) -> str:
    value = _FORMATTERS[type(node.value)](node.value)
    if node.arg is None:
        return f"keyword(value={value})"
    return f"keyword(arg={node.arg!r}, value={value})"


def _name_text(node: ast.Name) -> str:
    ctx = node.ctx
    ctx_text = "Load()" if type(ctx) is ast.Load else _FORMATTERS[type(ctx)](ctx)
    return f"Name(id={node.id!r}, ctx={ctx_text})"


def _attribute_text(node: ast.Attribute) -> str:
    value, ctx = node.value, node.ctx
    ctx_text = "Load()" if type(ctx) is ast.Load else _FORMATTERS[type(ctx)](ctx)
    return f"Attribute(value={_FORMATTERS[type(value)](value)}, attr={node.attr!r}, ctx={ctx_text})"


def _call_text(node: ast.Call) -> str:
    func = _FORMATTERS[type(node.func)](node.func)
    return f"Call(func={func}, args={_list_text(node.args)}, keywords={_list_text(node.keywords)})"


#: the formatter of each class met; those of the node classes a revision is mostly made
#: of are written out (when this Python's fields are theirs)
_FORMATTERS = _Formatters({list: _list_text})
for _cls, _fields, _fmt in (
    (ast.Constant, ("value", "kind"), _constant_text),
    (ast.keyword, ("arg", "value"), _keyword_text),
    (ast.Name, ("id", "ctx"), _name_text),
    (ast.Attribute, ("value", "attr", "ctx"), _attribute_text),
    (ast.Call, ("func", "args", "keywords"), _call_text),
):
    if _cls._fields == _fields:
        _FORMATTERS[_cls] = _fmt


def _without_collector(fn: Callable[[str], _T]) -> Callable[[str], _T]:
    """``fn`` (parsing and dumping a syntax tree) with the cyclic collector paused: a tree
    has no cycles, and the collector rescanned the 340,000 nodes of a 2,000-table
    revision over and over while they were made (0.3 s of 0.6). The tree is freed when
    ``fn`` returns, before the collector is back."""

    @functools.wraps(fn)
    def paused(text: str) -> _T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(text)
        finally:
            if enabled:
                gc.enable()

    return paused


@_without_collector
def _file_bodies(text: str) -> tuple[str, str] | None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in (
            "upgrade",
            "downgrade",
        ):
            found[node.name] = _dump(node.body)
    if set(found) != {"upgrade", "downgrade"}:
        return None
    return found["upgrade"], found["downgrade"]


@_without_collector
def _rendered_body(body: str) -> str:
    tree = ast.parse("def f():\n    " + (body if body.strip() else "pass"))
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    return _dump(fn.body)


def generated_body_line(upgrades: str, downgrades: str, targets) -> str:
    """The ``# dbplan: body=<digest>`` line ``generate`` writes among the provenance comments.

    ``upgrades`` / ``downgrades``: the rendered bodies; the digest covers their syntax
    trees, the target dialects and dbplan's version. :func:`check_revisions` takes a
    file whose bodies still have it as generated (no rendering again: that took most of
    ``dbplan check``'s time, 28 s at 2,000 tables); any other file (an edit, another
    dbplan, other targets, a file written before the line existed) is rendered again and
    compared as before.

    Example:
        >>> from planner.dialects import all_dialects
        >>> generated_body_line("pass", "pass", all_dialects())[:len("# dbplan: body=")]
        '# dbplan: body='
    """
    actual = _digest((_rendered_body(upgrades), _rendered_body(downgrades)))
    return f"{PREFIX} body={_body_stamp(actual, targets)}"


def _file_digest(text: str) -> str | None:
    """:func:`body_digest` of a revision file's text, remembered in the snapshot cache by
    the file's bytes and this module's source when the file is big (parsing a revision of
    2,000 tables took seconds)."""
    from pathlib import Path

    from planner.state import cache

    data = text.encode("utf-8", "surrogatepass")
    if len(data) < cache.MIN_BYTES:
        return body_digest(text)
    try:
        stamp = hashlib.sha256(Path(__file__).read_bytes()).digest()
    except OSError:
        return body_digest(text)
    found = cache.memo(
        "body-digest", cache.content_key("body-digest", stamp + data), lambda: body_digest(text)
    )
    if found is None or (type(found) is str and len(found) == 16):
        return found
    return body_digest(text)


def _body_stamp(actual: str, targets) -> str:
    from planner import __version__

    names = ",".join(d.name for d in targets)
    return hashlib.sha256(f"{actual}\0{names}\0{__version__}".encode()).hexdigest()[:16]


def _body_findings(project, provs, snapshots, hashes, graph, render_all=False) -> list[str]:
    """A finding per revision whose bodies differ from what dbplan generates now (only
    revisions whose snapshots are unchanged: the others are reported already)."""
    from planner.revisions.chain import children
    from planner.revisions.generation import render_revision

    out: list[str] = []
    for p in provs:
        if p.path is None:
            continue
        if any(rel != EMPTY and rel not in snapshots for rel in (p.from_release, p.to_release)) or (
            hashes.get(p.from_release),
            hashes.get(p.to_release),
        ) != (
            p.from_sha256,
            p.to_sha256,
        ):
            continue
        name = project.display(p.path)
        try:
            text = p.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            out.append(f"{name}: cannot be read ({e})")
            continue
        pairs = parse_provenance_text(text)
        if "edited" not in pairs and "body" in pairs and not render_all:
            found = _file_digest(text)
            if found is not None and pairs["body"] == _body_stamp(found, project.targets):
                continue  # as generated from these snapshots (and targets): no parse, no render
        bodies = _file_bodies(text)
        if bodies is None:
            out.append(
                f"{name}: no upgrade() and downgrade() dbplan can read (not valid Python?); "
                f"{_regen_advice(project, p, children(graph, p.revision or ''))}"
            )
            continue
        recorded = pairs.get("edited")
        actual = _digest(bodies)
        if recorded is not None:
            if recorded != actual:
                out.append(
                    f"{name}: upgrade()/downgrade() changed after the hand edit recorded as "
                    f"edited={recorded} (now {actual}); review it, then record "
                    f"`# dbplan: edited={actual}` or "
                    f"{_regen_advice(project, p, children(graph, p.revision or ''))}"
                )
            continue
        rendered = render_revision(
            None if p.from_release == EMPTY else snapshots[p.from_release],
            snapshots[p.to_release],
            from_release=p.from_release,
            to_release=p.to_release,
            targets=project.targets,
        )
        expected = (_rendered_body(rendered.upgrades), _rendered_body(rendered.downgrades))
        if expected != bodies:
            which = " and ".join(
                f"{fn}()"
                for fn, a, b in zip(("upgrade", "downgrade"), expected, bodies, strict=True)
                if a != b
            )
            out.append(
                f"{name}: {which} differ{'s' if ' and ' not in which else ''} from what dbplan "
                f"generates from its snapshots (edited after it was generated?): "
                f"{_regen_advice(project, p, children(graph, p.revision or ''))}; or, if the "
                f"edit is deliberate, record it with the line `# dbplan: edited={actual}`"
            )
    return out


def check_sync(project: Project, *, render_all: bool = False) -> list[str]:
    """Load every snapshot of ``project`` and check its revisions (see module docstring).

    Example:
        >>> check_sync(load_project("."))
        []
    """
    from planner.state.prefetch import prefetch
    from planner.state.yamlio import load_snapshot

    prefetch(project.snapshot_path(r) for r in project.releases())
    snapshots = {}
    for release in project.releases():
        path = project.snapshot_path(release)
        snapshots[release] = load_snapshot(path, filename=project.display(path))
    return check_revisions(project, snapshots, render_all=render_all)
