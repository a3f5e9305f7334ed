"""Provenance of generated revisions: which releases, which snapshot contents.

Every revision ``dbplan generate`` writes begins its ``upgrade()`` body with comment
lines, so they survive any ``script.py.mako``::

    # dbplan: from=0.2.0 to=0.3.0
    # dbplan: from_sha256=5f1c...
    # dbplan: to_sha256=9ab0...

The hashes are sha256 of the canonical YAML of each snapshot (``dump_snapshot`` bytes);
the ``empty`` release (before the first) hashes the empty byte string.
:func:`read_provenance` reads them back, with the file's ``revision`` and
``down_revision`` (parsed, never imported).
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.state.model import Snapshot

PREFIX = "# dbplan:"
_LINE = re.compile(r"^[ \t]*#[ \t]*dbplan:[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """What a generated revision was made from."""

    from_release: str
    to_release: str
    from_sha256: str
    to_sha256: str
    #: the revision file's ``revision`` / ``down_revision`` (None when absent)
    revision: str | None = None
    down_revision: str | tuple[str, ...] | None = None
    path: Path | None = None

    def comment_lines(self) -> tuple[str, ...]:
        """The comment lines that record this provenance.

        Example:
            >>> Provenance(from_release="empty", to_release="0.1.0", from_sha256="a",
            ...            to_sha256="b").comment_lines()[0]
            '# dbplan: from=empty to=0.1.0'
        """
        return (
            f"{PREFIX} from={self.from_release} to={self.to_release}",
            f"{PREFIX} from_sha256={self.from_sha256}",
            f"{PREFIX} to_sha256={self.to_sha256}",
        )


def snapshot_bytes_sha256(data: bytes) -> str:
    """Hex sha256 of bytes.

    Example:
        >>> snapshot_bytes_sha256(b"")[:12]
        'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def snapshot_sha256(snapshot: Snapshot | None) -> str:
    """Hex sha256 of a snapshot's canonical YAML; ``None`` (the empty release) hashes ``b""``.

    Example:
        >>> snapshot_sha256(None)[:12]
        'e3b0c44298fc'
    """
    if snapshot is None:
        return snapshot_bytes_sha256(b"")
    from planner.state import cache

    # A snapshot loaded from a big file: its hash is cached with it (dumping takes seconds).
    key = cache.origin_key(snapshot)
    if key is not None:
        return cache.memo("canonical-sha256", key, lambda: _dump_sha256(snapshot))
    return _dump_sha256(snapshot)


def _dump_sha256(snapshot: Snapshot) -> str:
    from planner.state.yamlio import canonical_dump  # dump_snapshot's bytes, faster

    return snapshot_bytes_sha256(canonical_dump(snapshot).encode("utf-8"))


def default_rev_id(from_sha256: str, to_sha256: str) -> str:
    """The deterministic revision id of a pair: 12 hex digits of sha256 of both hashes.

    Example:
        >>> len(default_rev_id("a", "b"))
        12
    """
    return hashlib.sha256(f"{from_sha256}:{to_sha256}".encode()).hexdigest()[:12]


def parse_provenance_text(text: str) -> dict[str, str]:
    """The ``key=value`` pairs of every ``# dbplan:`` comment in ``text`` (first wins).

    Example:
        >>> parse_provenance_text("    # dbplan: from=0.1.0 to=0.2.0\\n")
        {'from': '0.1.0', 'to': '0.2.0'}
    """
    found: dict[str, str] = {}
    # only the lines holding "dbplan:" (str.find: a scan of 20 MB in milliseconds; the
    # regular expression over the whole text took a sixth of a second)
    at = text.find("dbplan:")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        m = _LINE.match(text, start, end)
        if m is not None:
            for key, value in _PAIR.findall(m.group(1)):
                found.setdefault(key, value)
        at = text.find("dbplan:", end)
    return found


_FIRST_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]", re.MULTILINE)
#: a line (after the first) that can start a module-level statement other than a function
#: definition: not indented, blank, a comment, a ``def``, a decorator or a closing parenthesis
_OUTER_LINE = re.compile(r"\n(?![ \t#@)]|\r?$|(?:async[ \t]+)?def[ \t])", re.MULTILINE)


def _header(text: str) -> str | None:
    """The part of ``text`` before its first top-level ``def``, if nothing after it can be
    a module-level statement other than function definitions; else None.

    Every line after it must be indented, blank, a comment, a ``def``, a decorator or a
    closing parenthesis: module-level assignments start in column 0, so the ones before
    the first ``def`` are all there are. (A column-0 line inside a string, or anything
    unusual, gives None: the whole file is parsed then.) One regular expression scans
    the rest (a tenth of a second for 20 MB; a loop over its lines took half a second).
    """
    m = _FIRST_DEF.search(text)
    if m is None or _OUTER_LINE.search(text, m.start()):
        return None
    return text[: m.start()]


def _assignments(tree: ast.Module, names: tuple[str, ...]):
    """``(target, value)`` of the module-level ``name = value`` (or annotated) assignments
    to one of ``names``, in order."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            yield target, value


def _module_strings(text: str) -> dict[str, str | tuple[str, ...] | None]:
    """Module-level ``revision`` / ``down_revision`` assignments, read with ``ast``.

    A revision file's body can be megabytes: only the header before its first function
    is parsed when that is where every module-level assignment is (see :func:`_header`).
    """
    out: dict[str, str | tuple[str, ...] | None] = {}
    header = _header(text)
    try:
        tree = ast.parse(header if header is not None else text)
    except SyntaxError:
        if header is None:
            return out
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return out
    for target, value in _assignments(tree, ("revision", "down_revision")):
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            continue
        if isinstance(literal, (list, tuple)):
            literal = tuple(str(v) for v in literal)
        elif literal is not None:
            literal = str(literal)
        out[target.id] = literal
    return out


def _module_strings_cached(text: str) -> dict[str, str | tuple[str, ...] | None]:
    """:func:`_module_strings`, cached by content for big files (parsing takes seconds)."""
    from planner.state import cache

    data = text.encode("utf-8", "surrogatepass")
    if len(data) < cache.MIN_BYTES:
        return _module_strings(text)
    key = cache.content_key("module-strings", data)
    return cache.memo("module-strings", key, lambda: _module_strings(text))


#: the module-level names Alembic reads from a revision file
ID_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
#: a column-0 ``def`` of one of :data:`ID_NAMES` (it would rebind the name), after a
#: newline (a literal first character: the scan of 20 MB takes milliseconds)
_DEF_OF_ID = re.compile(r"\n(?:async[ \t]+)?def[ \t]+(?:" + "|".join(ID_NAMES) + r")\b")


def plain_ids(value: object) -> bool:
    if value is None or type(value) is str:
        return True
    return type(value) in (tuple, list) and all(type(v) is str for v in value)


def module_ids(text: str) -> dict[str, object] | None:
    """The values of :data:`ID_NAMES` a revision file holds once imported, read without
    importing it; None when reading cannot tell (then import it).

    Each name must be bound only by module-level ``name = <literal>`` (or annotated)
    assignments of None, a string or a tuple/list of strings; ``revision`` must be a
    string; a name never bound is None (Alembic's ``getattr(module, name, None)``).

    Example:
        >>> module_ids("revision = 'a1'\\ndown_revision = ('b', 'c')\\n")
        {'revision': 'a1', 'down_revision': ('b', 'c'), 'branch_labels': None, 'depends_on': None}
        >>> module_ids("revision = make_id()\\n") is None
        True
    """
    header = _header(text)
    source = text if header is None else header
    if header is not None:
        # the rest starts at a line start: from the newline before it
        rest_def = (
            _DEF_OF_ID.search(text, len(header) - 1) if header else _DEF_OF_ID.search("\n" + text)
        )
        if rest_def:
            return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    out: dict[str, object] = dict.fromkeys(ID_NAMES)
    simple: set[int] = set()
    for target, value in _assignments(tree, ID_NAMES):
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            return None
        if not plain_ids(literal):
            return None
        out[target.id] = literal
        simple.add(id(target))
    for node in ast.walk(tree):
        bound: tuple[str, ...] = ()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound = () if id(node) in simple else (node.id,)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = (node.name,)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound = tuple(node.names)
        elif isinstance(node, ast.alias):
            bound = ((node.asname or node.name).split(".")[0],)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound = (node.name,)
        if any(name in ID_NAMES for name in bound):
            return None
    if type(out["revision"]) is not str:
        return None
    return out


def module_ids_cached(text: str) -> dict[str, object] | None:
    """:func:`module_ids`, cached by content for big files."""
    from planner.state import cache

    data = text.encode("utf-8", "surrogatepass")
    if len(data) < cache.MIN_BYTES:
        return module_ids(text)
    key = cache.content_key("module-ids", data)
    return cache.memo("module-ids", key, lambda: module_ids(text))


def read_provenance(path: str | Path) -> Provenance | None:
    """The provenance recorded in a revision file, or None for a file dbplan did not write.

    Example:
        >>> p = read_provenance("migrations/versions/b2_0_2_0.py")
        >>> (p.from_release, p.to_release, p.revision)
        ('0.1.0', '0.2.0', 'b2')
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    pairs = parse_provenance_text(text)
    if "from" not in pairs or "to" not in pairs:
        return None
    mod = _module_strings_cached(text)
    return Provenance(
        from_release=pairs["from"],
        to_release=pairs["to"],
        from_sha256=pairs.get("from_sha256", ""),
        to_sha256=pairs.get("to_sha256", ""),
        revision=mod.get("revision"),  # type: ignore[arg-type]
        down_revision=mod.get("down_revision"),
        path=path,
    )
