"""Reading a snapshot file: bytes -> plain values + :class:`SourceMap`, every problem with line:col.

Size limit, UTF-8, no tabs in indentation, YAML syntax. The node tree is composed by PyYAML
(libyaml when available) and converted here, so every value keeps its position, duplicate
keys are caught, timestamps and sexagesimal numbers stay strings, alias expansion is
bounded, and the scalars YAML 1.1 reads surprisingly (octals, NaN, NUL) are refused
(:mod:`planner.state.scalars`).

Example:
    >>> value, sm, problems = parse_yaml("a: [1, 2]\\n", "f.yaml")
    >>> value, sm[("a", 1)], problems
    ({'a': [1, 2]}, (1, 8), [])
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.errors import DbplanError
from planner.state.errors import Problem, Problems
from planner.state.scalars import scalar_problem

__all__ = ["MAX_ALIAS_NODES", "MAX_BYTES", "MAX_DEPTH", "SourceMap", "format_path", "parse_yaml"]

#: Files larger than this are refused before parsing.
MAX_BYTES = 64 * 1024 * 1024
#: Nodes that alias expansion may add; beyond it the file is taken for an alias bomb.
MAX_ALIAS_NODES = 100_000
#: Deepest nesting accepted (row values may nest JSON).
MAX_DEPTH = 64

Path_ = tuple  # a YAML path: str keys and int sequence indices

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


# --------------------------------------------------------------------------- source map
class SourceMap(Mapping):
    """YAML path tuple -> (line, col), 1-based.

    A path is a tuple of mapping keys and sequence indices:
    ``("tables", "sites", "columns", "name", "type")``. Scalars and flow collections map
    to their value's position, block collections to their key's. :meth:`locate` falls
    back to the nearest recorded ancestor.

    Example:
        >>> _, sm, _ = parse_yaml("a:\\n  b: [1, 2]\\n", "f.yaml")
        >>> sm[("a", "b", 1)], sm.key_position(("a", "b")), sm.locate(("a", "x", "y"))
        ((2, 10), (2, 3), (1, 1))
    """

    __slots__ = ("_points", "_keys", "_plain")

    def __init__(
        self,
        points: dict[Path_, tuple[int, int]] | None = None,
        keys: dict[Path_, tuple[int, int]] | None = None,
        plain: set[Path_] | None = None,
    ):
        self._points = dict(points or {})
        self._keys = dict(keys or {})
        self._plain = frozenset(plain or ())

    def __getitem__(self, path: Path_) -> tuple[int, int]:
        return self._points[tuple(path)]

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._points)

    def __len__(self) -> int:
        return len(self._points)

    def key_position(self, path: Path_) -> tuple[int, int] | None:
        """Where the mapping key of ``path`` is written (None for sequence items, root)."""
        return self._keys.get(tuple(path))

    def is_plain(self, path: Path_) -> bool:
        """Whether the scalar at ``path`` is written unquoted (offsets map 1:1 to columns)."""
        return tuple(path) in self._plain

    def locate(self, path: Path_) -> tuple[int, int]:
        """Position of ``path`` or of its nearest recorded ancestor; (0, 0) if none."""
        p = tuple(path)
        while True:
            if p in self._points:
                return self._points[p]
            if not p:
                return (0, 0)
            p = p[:-1]


class _PendingSourceMap(SourceMap):
    """The SourceMap of a file that read without a problem, recorded only when asked.

    Positions serve problems only: a clean file (most loads) never needs them, and
    recording one per value was a third of reading a big file. The first question reads
    the text again with positions (:func:`_parse_text`), the same positions the reading
    would have recorded at once.
    """

    __slots__ = ("_pending",)

    def __init__(self, text: str, file: str):
        super().__init__()
        self._pending: tuple[str, str] | None = (text, file)

    def _fill(self) -> None:
        if self._pending is not None:
            text, file = self._pending
            self._pending = None
            sm = _parse_text(text, file, positions=True)[1]
            self._points, self._keys, self._plain = sm._points, sm._keys, sm._plain

    def __getitem__(self, path: Path_) -> tuple[int, int]:
        self._fill()
        return super().__getitem__(path)

    def __iter__(self) -> Iterator[Path_]:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def key_position(self, path: Path_) -> tuple[int, int] | None:
        self._fill()
        return super().key_position(path)

    def is_plain(self, path: Path_) -> bool:
        self._fill()
        return super().is_plain(path)

    def locate(self, path: Path_) -> tuple[int, int]:
        self._fill()
        return super().locate(path)


def format_path(path: Path_) -> str:
    """Dotted display form of a YAML path; indices in brackets.

    Example:
        >>> format_path(("tables", "a.b", "rows", "values", 2, "name"))
        'tables."a.b".rows.values[2].name'
    """
    out = ""
    for seg in path:
        if isinstance(seg, int) and not isinstance(seg, bool):
            out += f"[{seg}]"
            continue
        text = seg if isinstance(seg, str) else _yaml_scalar_text(seg)
        if not text or re.search(r"[.\s\[\]\"]", text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out += ("." if out else "") + text
    return out


# --------------------------------------------------------------------------- reading
def _loader_class() -> type:
    return _MemoLoader if _MemoLoader is not None else yaml.SafeLoader


def _memo_loader() -> type | None:
    base = getattr(yaml, "CSafeLoader", None)
    if base is None:  # pragma: no cover - PyYAML without libyaml
        return None
    resolve = base.resolve

    class MemoLoader(base):
        """libyaml's safe loader resolving each distinct plain scalar once per file.

        A node's implicit tag depends only on its kind, text and implicit flags (the safe
        loader has no path resolvers): a snapshot repeats the same few hundred words
        (``type``, ``Integer``, ``true``) tens of thousands of times. The memo is
        :func:`functools.lru_cache` (C: a hit runs no Python frame), and the composer's
        two path-resolver calls per node, which do nothing without path resolvers, are C
        callables taking the same arguments.
        """

        def __init__(self, stream):
            super().__init__(stream)
            if self.yaml_path_resolvers:  # pragma: no cover - added by someone else
                return
            # a cycle through self: dispose() breaks it
            self.resolve = functools.lru_cache(maxsize=None)(functools.partial(resolve, self))
            self.descend_resolver = operator.is_  # (parent, index) -> ignored
            self.ascend_resolver = tuple  # () -> ignored

        def dispose(self):
            for name in ("resolve", "descend_resolver", "ascend_resolver"):
                self.__dict__.pop(name, None)
            super().dispose()

    return MemoLoader


_MemoLoader = _memo_loader()


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _yaml_error_problem(e: yaml.YAMLError, file: str, text: str = "") -> Problem:
    if isinstance(e, yaml.reader.ReaderError) and 0 <= e.position <= len(text):
        # a character YAML does not allow (a raw NUL byte, most control characters):
        # the reader names only its offset
        before = text[: e.position]
        line = before.count("\n") + 1
        col = e.position - (before.rfind("\n") + 1) + 1
        char = e.character if isinstance(e.character, str) else chr(e.character)
        what = "NUL character (byte 0x00)" if char == "\0" else f"character U+{ord(char):04X}"
        return Problem(
            file=file,
            line=line,
            col=col,
            message=f"{what} is not allowed in a YAML file",
            hint="remove it; write control characters in double quotes as escapes",
        )
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None)
    ctx_mark = getattr(e, "context_mark", None)
    hint = None
    if context:
        hint = context
        if ctx_mark is not None:
            hint += f" at line {ctx_mark.line + 1}, column {ctx_mark.column + 1}"
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    return Problem(file=file, line=line, col=col, message=f"malformed YAML: {problem}", hint=hint)


def _too_big(file: str, size: int) -> Problem:
    return Problem(
        file=file,
        message=f"file is {size} bytes, larger than the {MAX_BYTES // (1024 * 1024)} MiB limit",
        hint="a snapshot this big is not hand-written state; keep bulk data out of snapshots",
    )


def _decode(data: str | bytes, file: str) -> tuple[str | None, list[Problem]]:
    if isinstance(data, str):
        size = len(data.encode("utf-8", "surrogatepass"))
        text = data
    else:
        size = len(data)
        text = None
    if size > MAX_BYTES:
        return None, [_too_big(file, size)]
    if text is None and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None, [
            Problem(
                file=file,
                line=1,
                col=1,
                message="the file is UTF-16, not UTF-8",
                hint="save the file as UTF-8",
            )
        ]
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            before = data[: e.start]
            line = before.count(b"\n") + 1
            col = len(before) - (before.rfind(b"\n") + 1) + 1
            return None, [
                Problem(
                    file=file,
                    line=line,
                    col=col,
                    message=f"not UTF-8: byte 0x{data[e.start]:02x} cannot be decoded",
                    hint="save the file as UTF-8",
                )
            ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


def _tab_problems(text: str, file: str) -> list[Problem]:
    problems = Problems()
    if "\t" not in text:
        return problems
    for n, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        pos = line.find("\t", 0, indent)
        if pos >= 0 and line.strip(" \t\r"):
            problems.append(
                Problem(
                    file=file,
                    line=n,
                    col=pos + 1,
                    message="tab character in indentation",
                    hint="YAML indents with spaces only; replace the tab with spaces",
                )
            )
    return problems


class _Again(DbplanError):
    """The value-only reading (:meth:`_Builder.values`) met what the full reading reports
    (never leaves the reader: the full reading runs instead)."""


class _Builder:
    """Node tree -> plain Python values + SourceMap, collecting problems."""

    def __init__(self, file: str, watch: set[tuple[int, int]] | None = None):
        self.file = file
        #: key marks to report (planner.state.rowlines): mark -> [(path, flow, empty)]
        self.watch = watch
        self.watched: dict[tuple[int, int], list] = {}
        self.points: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.plain: set[Path_] = set()
        self.problems: list[Problem] = Problems()  # the first MAX_KEPT, the rest counted
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.alias_nodes = 0
        self.bomb = False
        self.constructor = SafeConstructor()

    def problem(
        self, node: Node, message: str, hint: str | None = None, path: Path_ | None = None
    ) -> None:
        line, col = _mark(node)
        shown = format_path(path) if path else ""
        self.problems.append(
            Problem(file=self.file, line=line, col=col, path=shown, message=message, hint=hint)
        )

    def build(self, node: Node, path: Path_, *, aliased: bool = False, depth: int = 0) -> Any:
        if self.bomb:
            return None
        if isinstance(node, ScalarNode):
            return self._leaf(node, path, aliased)
        ident = id(node)
        if ident in self.active:
            self.problem(
                node, "recursive alias: a node contains itself", "expand the anchor by hand", path
            )
            return None
        if depth > MAX_DEPTH:
            self.problem(node, f"nested deeper than {MAX_DEPTH} levels", "flatten the value", path)
            return None
        if ident in self.seen:
            aliased = True
        self.seen.add(ident)
        if aliased:
            self._count(node)
        self.active.add(ident)
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ:
                    self.problem(node, f"unsupported tag {node.tag}", "remove the tag", path)
                return self._sequence(node, path, aliased=aliased, depth=depth)
            if node.tag != _MAP:
                self.problem(node, f"unsupported tag {node.tag}", "remove the tag", path)
            return self._mapping(node, path, aliased=aliased, depth=depth)
        finally:
            self.active.discard(ident)

    def _leaf(self, node: ScalarNode, path: Path_, aliased: bool) -> Any:
        """:meth:`build` of a scalar (the caller checked :attr:`bomb`)."""
        if aliased:
            self._count(node)
        if not node.style:  # None (PyYAML) or "" (libyaml) for plain scalars
            self.plain.add(path)
        if node.tag == _STR:  # most scalars: the text itself (_scalar, inlined)
            value = node.value
            if "\x00" in value:
                self._scalar_problem(node, value, path)
            return value
        return self._scalar(node, path)

    def _sequence(self, node: SequenceNode, path: Path_, *, aliased: bool, depth: int) -> list:
        out = []
        points = self.points
        deeper = depth + 1
        for i, item in enumerate(node.value):
            p = (*path, i)
            m = item.start_mark
            points[p] = (m.line + 1, m.column + 1)
            if self.bomb:
                out.append(None)
            elif type(item) is ScalarNode:
                out.append(self._leaf(item, p, aliased))
            else:
                out.append(self.build(item, p, aliased=aliased, depth=deeper))
        return out

    def _count(self, node: Node) -> None:
        self.alias_nodes += 1
        if self.alias_nodes > MAX_ALIAS_NODES and not self.bomb:
            self.bomb = True
            self.problem(
                node,
                f"aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)",
                "use fewer anchors and aliases",
            )

    def _mapping(self, node: MappingNode, path: Path_, *, aliased: bool, depth: int) -> dict:
        out: dict[Any, Any] = {}
        pairs = node.value
        # merge keys (<<) first, so explicit keys override their values and positions
        for key_node, _ in pairs:
            if key_node.tag == _MERGE:
                self._merge(out, pairs, path, depth)
                break
        first: dict[Any, tuple[int, int]] = {}
        points, keys, watch = self.points, self.keys, self.watch
        deeper = depth + 1
        for key_node, value_node in pairs:
            tag = key_node.tag
            if tag == _MERGE:
                continue
            if type(key_node) is not ScalarNode:
                self.problem(
                    key_node, "mapping keys must be plain scalars, found a collection", None, path
                )
                continue
            if tag == _STR:  # _scalar(key=True), inlined for the common case
                key = key_node.value
                if "\x00" in key:
                    self._scalar_problem(key_node, key, path)
            else:
                key = self._scalar(key_node, path, key=True)
            m = key_node.start_mark
            mark = (m.line + 1, m.column + 1)
            if key in first:
                line, col = first[key]
                self.problem(
                    key_node,
                    f"duplicate key {_show_key(key)}",
                    f"first defined at line {line}, column {col}; YAML would keep only the last",
                    (*path, key),
                )
                continue
            first[key] = mark
            p = (*path, key)
            if watch and mark in watch:
                self._watched(mark, p, node, value_node)
            keys[p] = mark
            if type(value_node) is ScalarNode:
                m = value_node.start_mark
                points[p] = (m.line + 1, m.column + 1)
                out[key] = None if self.bomb else self._leaf(value_node, p, aliased)
                continue
            if value_node.flow_style:
                m = value_node.start_mark
                points[p] = (m.line + 1, m.column + 1)
            else:
                points[p] = mark
            out[key] = self.build(value_node, p, aliased=aliased, depth=deeper)
        return out

    def _merge(self, out: dict, pairs: list, path: Path_, depth: int) -> None:
        for key_node, value_node in pairs:
            if key_node.tag != _MERGE:
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for src in sources:
                if not isinstance(src, MappingNode):
                    self.problem(
                        src, "a merge key (<<) needs a mapping or a list of mappings", None, path
                    )
                    continue
                merged = self.build(src, path, aliased=True, depth=depth + 1)
                for k, v in (merged or {}).items():
                    out.setdefault(k, v)

    # ------------------------------------------------------------ values only
    # A file without anchors (so without aliases) read for its values alone: no positions,
    # no paths; anything the full reading would report (or that needs its bookkeeping:
    # merge keys, depth) raises _Again and the file is read the full way from the same tree.
    def values(self, node: Node, depth: int = 0) -> Any:
        if type(node) is ScalarNode:
            return self._value(node)
        if depth > MAX_DEPTH:
            raise _Again
        deeper = depth + 1
        if type(node) is SequenceNode:
            if node.tag != _SEQ:
                raise _Again
            return [
                self._value(item) if type(item) is ScalarNode else self.values(item, deeper)
                for item in node.value
            ]
        if node.tag != _MAP:
            raise _Again
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag == _MERGE:
                raise _Again
            if key_node.tag == _STR:  # _value, inlined for the common case
                key = key_node.value
                if "\x00" in key:
                    raise _Again
            else:
                key = self._value(key_node, key=True)
            if key in out:
                raise _Again
            if type(value_node) is not ScalarNode:
                out[key] = self.values(value_node, deeper)
            elif value_node.tag == _STR:
                value = out[key] = value_node.value
                if "\x00" in value:
                    raise _Again
            else:
                out[key] = self._value(value_node)
        return out

    def _value(self, node: ScalarNode, *, key: bool = False) -> Any:
        if node.tag == _STR:
            value = node.value
            if "\x00" in value:
                raise _Again
            return value
        problems = len(self.problems)
        value = self._scalar(node, key=key)
        if len(self.problems) != problems:
            raise _Again
        return value

    def _watched(self, mark, path: Path_, node: MappingNode, value: Node) -> None:
        empty = (
            isinstance(value, ScalarNode) and value.tag == _NULL and not value.value
        ) and not value.style
        self.watched.setdefault(mark, []).append((path, bool(node.flow_style), empty))

    def _scalar(self, node: ScalarNode, path: Path_ = (), *, key: bool = False) -> Any:
        value = self._scalar_value(node, path, key=key)
        if value is not None and value is not True and value is not False:
            self._scalar_problem(node, value, path)
        return value

    def _scalar_problem(self, node: ScalarNode, value: Any, path: Path_) -> None:
        found = scalar_problem(node.tag, node.value, value)
        if found is not None:
            self.problem(node, *found, path)

    def _scalar_value(self, node: ScalarNode, path: Path_, *, key: bool = False) -> Any:
        tag = node.tag
        c = self.constructor
        if tag == _STR or tag == _TIMESTAMP:
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            if not key and node.value.lower() not in ("true", "false"):
                # YAML 1.1 reads yes/no/on/off as booleans, YAML 1.2 (editors, the JSON
                # Schema) as strings: refuse them so both read a snapshot alike
                word = "true" if c.construct_yaml_bool(node) else "false"
                self.problem(
                    node,
                    f"{node.value!r} is a boolean in YAML 1.1 but a string in YAML 1.2",
                    f"write {word}, or quote it ('{node.value}') for the string",
                    path,
                )
                return None
            return c.construct_yaml_bool(node)
        if tag in (_INT, _FLOAT):
            if ":" in node.value:  # YAML 1.1 sexagesimal: keep "12:30" a string
                return node.value
            try:
                return c.construct_yaml_int(node) if tag == _INT else c.construct_yaml_float(node)
            except (ValueError, yaml.YAMLError):
                self.problem(node, f"invalid number {node.value!r}", None, path)
                return None
        self.problem(
            node, f"unsupported tag {tag}", "remove the tag; snapshots hold plain YAML", path
        )
        return node.value


def _show_key(key: Any) -> str:
    return repr(key) if isinstance(key, str) else f"{_yaml_scalar_text(key)}"


def _compose(loader_class: type, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def parse_yaml(
    data: str | bytes, file: str, *, row_lines: bool = False
) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse one YAML document into plain values with positions; never raises for bad input.

    ``row_lines``: read big blocks of managed rows line by line
    (:mod:`planner.state.rowlines`: their rows come back frozen, as
    :class:`~planner.state.rowlines.FrozenRows`); same values, same positions.

    Example:
        >>> value, sm, problems = parse_yaml("a: 1\\na: 2\\n", "f.yaml")
        >>> [str(p) for p in problems]
        ["f.yaml:2:1: a: duplicate key 'a' (first defined at line 1, column 1; YAML would keep only the last)"]
    """
    text, problems = _decode(data, file)
    if text is None:
        return None, SourceMap(), problems
    problems = _tab_problems(text, file)
    if problems:
        return None, SourceMap(), problems
    if row_lines and "values:" in text:
        from planner.state.rowlines import read_row_blocks

        found = read_row_blocks(text, lambda t, watch: _parse_text(t, file, watch))
        if found is not None:
            return found
    return _parse_text(text, file)[:3]


def _parse_text(
    text: str, file: str, watch: set[tuple[int, int]] | None = None, *, positions: bool = False
) -> tuple[Any, SourceMap, list[Problem], dict]:
    """:func:`parse_yaml` after decoding; also the entries of the ``watch``ed key marks.

    ``positions``: record the SourceMap now; else a file without anchors that reads
    without a problem gets a :class:`_PendingSourceMap`.
    """
    try:
        node = _compose(_loader_class(), text)
    except yaml.YAMLError as first:
        # libyaml and PyYAML word errors differently: report PyYAML's, on every machine.
        try:
            node = _compose(yaml.SafeLoader, text)
        except yaml.YAMLError as e:
            return None, SourceMap(), [_yaml_error_problem(e, file, text)], {}
        except RecursionError:  # PyYAML recurses where libyaml stopped at its depth limit
            return None, SourceMap(), [_yaml_error_problem(first, file, text)], {}
        else:  # pragma: no cover - libyaml refused what PyYAML accepts
            return None, SourceMap(), [_yaml_error_problem(first, file, text)], {}
    except RecursionError:
        return (
            None,
            SourceMap(),
            [
                Problem(
                    file=file,
                    message=f"nested deeper than {MAX_DEPTH} levels",
                    hint="flatten the value",
                )
            ],
            {},
        )
    if node is None:
        return None, SourceMap({(): (1, 1)}), [], {}
    b = _Builder(file, watch)
    if not positions and watch is None and "&" not in text:
        try:
            value = b.values(node)
        except _Again:
            b = _Builder(file, watch)
        else:
            return value, _PendingSourceMap(text, file), b.problems, b.watched
    b.points[()] = _mark(node)
    value = b.build(node, ())
    # the node tree (and its two marks per node) is the largest thing alive: free it
    # before the source map copies the positions (the 200 MiB bound of docs/safety.md)
    del node
    b.seen.clear()
    b.active.clear()
    return value, SourceMap(b.points, b.keys, b.plain), b.problems, b.watched


def _yaml_scalar_text(value: Any) -> str:
    """How YAML writes a scalar that is not a string (``null``, ``.nan``, ``1.0e+20``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value).lower()
        if "." not in text and "e" in text:
            text = text.replace("e", ".0e", 1)
        return text
    return str(value)
