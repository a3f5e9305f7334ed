"""Snapshot files: safe loading with line:col for every problem, canonical dumping.

Loading happens in three steps, each collecting every problem it finds:

1. *Read*: size limit, UTF-8, no tabs in indentation, YAML syntax. The node tree is
   composed by PyYAML (libyaml when available) and converted here, so every value keeps
   its position (:class:`SourceMap`), duplicate keys are caught, timestamps and
   sexagesimal numbers stay strings, and alias expansion is bounded.
2. *Shape*: every key known (with "did you mean"), every value of the expected type.
3. *Meaning*: :func:`planner.state.validate.validate`, run when the shape is right.

All problems are raised together as one :class:`SnapshotError`.

Dumping is canonical: the same state gives the same bytes, with either emitter.

Example:
    >>> s = load_snapshot_text("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "1.0.yaml")
    >>> s.release
    '1.0'
    >>> print(dump_snapshot(s, schema_ref=None), end="")
    snapshot: 1
    release: '1.0'
    tables: {}
"""

from __future__ import annotations

import difflib
import functools
import gc
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.state import cache as _cache
from planner.state import naming
from planner.state.errors import DbplanError, Problem, Problems, SnapshotError
from planner.state.model import (
    FORMAT_VERSION,
    NAMING_CONVENTION_KEYS,
    Check,
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)
from planner.state.scalars import FAST_PATH_DECLINES, scalar_problem

__all__ = [
    "DEFAULT_SCHEMA_REF",
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "SCHEMA_FILENAME",
    "SnapshotExistsError",
    "SourceMap",
    "dump_snapshot",
    "format_path",
    "load_snapshot",
    "load_snapshot_text",
    "parse_yaml",
    "schema_text",
    "write_snapshot",
]

#: Files larger than this are refused before parsing.
MAX_BYTES = 64 * 1024 * 1024
#: Nodes that alias expansion may add; beyond it the file is taken for an alias bomb.
MAX_ALIAS_NODES = 100_000
#: Deepest nesting accepted (row values may nest JSON).
MAX_DEPTH = 64

#: The JSON Schema shipped in the package; written beside the snapshots by write_snapshot.
SCHEMA_FILENAME = "snapshot.schema.json"
#: ``$schema`` reference of dumped files: the schema file beside the snapshot.
DEFAULT_SCHEMA_REF = SCHEMA_FILENAME

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


class SnapshotExistsError(DbplanError):
    """A snapshot file exists and overwriting was not asked for."""


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
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


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


class _Builder:
    """Node tree -> plain Python values + SourceMap, collecting problems."""

    def __init__(self, file: str):
        self.file = file
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
            if aliased:
                self._count(node)
            if not node.style:  # None (PyYAML) or "" (libyaml) for plain scalars
                self.plain.add(path)
            return self._scalar(node, path)
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
                out = []
                for i, item in enumerate(node.value):
                    p = (*path, i)
                    self.points[p] = _mark(item)
                    out.append(self.build(item, p, aliased=aliased, depth=depth + 1))
                return out
            if node.tag != _MAP:
                self.problem(node, f"unsupported tag {node.tag}", "remove the tag", path)
            return self._mapping(node, path, aliased=aliased, depth=depth)
        finally:
            self.active.discard(ident)

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
        # merge keys (<<) first, so explicit keys override their values and positions
        for key_node, value_node in node.value:
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
        first: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(
                    key_node, "mapping keys must be plain scalars, found a collection", None, path
                )
                continue
            key = self._scalar(key_node, path)
            if key in first:
                line, col = first[key]
                self.problem(
                    key_node,
                    f"duplicate key {_show_key(key)}",
                    f"first defined at line {line}, column {col}; YAML would keep only the last",
                    (*path, key),
                )
                continue
            first[key] = _mark(key_node)
            p = (*path, key)
            self.keys[p] = _mark(key_node)
            block = (
                isinstance(value_node, (MappingNode, SequenceNode)) and not value_node.flow_style
            )
            self.points[p] = _mark(key_node) if block else _mark(value_node)
            out[key] = self.build(value_node, p, aliased=aliased, depth=depth + 1)
        return out

    def _scalar(self, node: ScalarNode, path: Path_ = ()) -> Any:
        value = self._scalar_value(node, path)
        if value is not None and value is not True and value is not False:
            found = scalar_problem(node.tag, node.value, value)
            if found is not None:
                self.problem(node, *found, path)
        return value

    def _scalar_value(self, node: ScalarNode, path: Path_) -> Any:
        tag = node.tag
        c = self.constructor
        if tag == _STR or tag == _TIMESTAMP:
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
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


def parse_yaml(data: str | bytes, file: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse one YAML document into plain values with positions; never raises for bad input.

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
    try:
        node = _compose(_loader_class(), text)
    except yaml.YAMLError as first:
        # libyaml and PyYAML word errors differently: report PyYAML's, on every machine.
        try:
            node = _compose(yaml.SafeLoader, text)
        except yaml.YAMLError as e:
            return None, SourceMap(), [_yaml_error_problem(e, file, text)]
        except RecursionError:  # PyYAML recurses where libyaml stopped at its depth limit
            return None, SourceMap(), [_yaml_error_problem(first, file, text)]
        else:  # pragma: no cover - libyaml refused what PyYAML accepts
            return None, SourceMap(), [_yaml_error_problem(first, file, text)]
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
        )
    if node is None:
        return None, SourceMap({(): (1, 1)}), []
    b = _Builder(file)
    b.points[()] = _mark(node)
    value = b.build(node, ())
    return value, SourceMap(b.points, b.keys, b.plain), b.problems


# --------------------------------------------------------------------------- shape
def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {_yaml_scalar_text(value)}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__  # pragma: no cover


def _quote_hint(value: Any) -> str | None:
    if isinstance(value, (bool, int, float)) or value is None:
        return f"quote it: '{_yaml_scalar_text(value)}'"
    return None


TOP_KEYS = ("snapshot", "release", "naming_convention", "enums", "tables")
TABLE_KEYS = (
    "schema",
    "comment",
    "renamed_from",
    "columns",
    "primary_key",
    "foreign_keys",
    "unique",
    "checks",
    "indexes",
    "rows",
)
COLUMN_KEYS = (
    "type",
    "primary_key",
    "nullable",
    "autoincrement",
    "server_default",
    "comment",
    "renamed_from",
    "backfill",
)
PK_KEYS = ("name", "columns")
FK_KEYS = ("columns", "references", "ondelete", "onupdate")
REF_KEYS = ("schema", "table", "columns")
INDEX_KEYS = ("columns", "unique", "where")
ROWS_KEYS = ("key", "values")

_MISSING = object()


class _Shape:
    """Checks the plain-value tree against the format and builds the model."""

    def __init__(self, file: str, sm: SourceMap):
        self.file = file
        self.sm = sm
        self.problems: list[Problem] = Problems()
        #: a problem dropped part of the document: semantic checks would report its echoes
        self.lossy = False

    def add(
        self,
        path: Path_,
        message: str,
        hint: str | None = None,
        *,
        at_key: bool = False,
        lossy: bool = True,
    ) -> None:
        self.lossy = self.lossy or lossy
        pos = self.sm.key_position(path) if at_key else None
        line, col = pos or self.sm.locate(path)
        self.problems.append(
            Problem(
                file=self.file,
                line=line,
                col=col,
                path=format_path(path),
                message=message,
                hint=hint,
            )
        )

    # generic checks ------------------------------------------------------------
    def mapping(
        self,
        value: Any,
        path: Path_,
        what: str,
        *,
        allowed: tuple[str, ...] | None = None,
        required: tuple[str, ...] = (),
    ) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"expected {what} (a mapping), found {_describe(value)}")
            return None
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.add(
                        (*path, key),
                        f"unknown key {_show_key(key)} in {what}",
                        _suggest(key, allowed),
                        at_key=True,
                        lossy=False,
                    )
            for key in required:
                if key not in value:
                    self.add(
                        path, f"{what} needs the key '{key}'", _REQUIRED_HINTS.get(key), at_key=True
                    )
        return value

    def names_mapping(self, value: Any, path: Path_, what: str) -> dict:
        """A mapping keyed by names (tables, columns, constraints): string keys only."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping of {what}, found {_describe(value)}")
            return {}
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                single = _SINGULAR.get(what, what)
                article = "an" if single[0] in "aeiou" else "a"
                self.add(
                    (*path, key),
                    f"{article} {single} name must be a string, found {_describe(key)}",
                    _quote_hint(key),
                    at_key=True,
                )
                continue
            if not key:
                self.add((*path, key), f"empty {what} name", at_key=True)
                continue
            out[key] = v
        return out

    def text(self, value: Any, path: Path_, what: str, *, sql: bool = False) -> str | None:
        """A string; SQL text also accepts numbers and booleans as written."""
        if value is _MISSING or value is None:
            return None
        if isinstance(value, str):
            return value
        if sql and isinstance(value, (bool, int, float)):
            return (
                _yaml_scalar_text(value)
                if not isinstance(value, bool)
                else ("true" if value else "false")
            )
        self.add(path, f"expected {what} (a string), found {_describe(value)}", _quote_hint(value))
        return None

    def flag(self, value: Any, path: Path_, what: str) -> bool | None:
        if value is _MISSING or value is None:
            return None
        if isinstance(value, bool):
            return value
        hint = None
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            hint = f"write {value.lower() in ('true', 'yes') and 'true' or 'false'} without quotes"
        self.add(path, f"expected {what} (true or false), found {_describe(value)}", hint)
        return None

    def names(
        self, value: Any, path: Path_, what: str, *, allow_empty: bool = False
    ) -> tuple[str, ...] | None:
        if isinstance(value, str):
            self.add(
                path, f"expected a list of {what}, found {_describe(value)}", f"write [{value}]"
            )
            return None
        if not isinstance(value, list):
            self.add(path, f"expected a list of {what}, found {_describe(value)}")
            return None
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item:
                self.add(
                    (*path, i),
                    f"expected a name (a non-empty string), found {_describe(item)}",
                    _quote_hint(item),
                )
                ok = False
        if not value and not allow_empty:
            self.add(path, f"expected at least one of {what}, found an empty list")
            ok = False
        return tuple(value) if ok else None

    # the document --------------------------------------------------------------
    def snapshot(self, doc: Any, *, expected_release: str | None) -> Snapshot | None:
        if doc is None:
            self.add((), "the file is empty", "a snapshot starts with: snapshot: 1")
            return None
        if not isinstance(doc, dict):
            self.add(
                (), f"expected a mapping with snapshot, release and tables, found {_describe(doc)}"
            )
            return None
        version = doc.get("snapshot", _MISSING)
        if version is _MISSING:
            self.add(
                (),
                "missing key 'snapshot' (the format version)",
                f"add: snapshot: {FORMAT_VERSION}",
            )
        elif (
            isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
        ):
            self.add(
                ("snapshot",),
                f"format version {version} is newer than this dbplan supports ({FORMAT_VERSION})",
                "upgrade dbplan",
            )
            return None
        elif version != FORMAT_VERSION or isinstance(version, bool):
            self.add(
                ("snapshot",),
                f"expected format version {FORMAT_VERSION}, found {_describe(version)}",
            )
        self.mapping(doc, (), "a snapshot", allowed=TOP_KEYS, required=("release", "tables"))
        release = self.release(doc.get("release", _MISSING), expected_release)
        conventions = self.conventions(doc.get("naming_convention"))
        enums = self.enums(doc.get("enums"))
        tables = []
        if "tables" in doc:
            raw_tables = doc["tables"]
            if raw_tables is not None and not isinstance(raw_tables, dict):
                self.add(
                    ("tables",),
                    f"expected a mapping of tables, found {_describe(raw_tables)}",
                    "write tables: {} for none",
                )
                raw_tables = None
            for name, body in self.names_mapping(raw_tables, ("tables",), "tables").items():
                t = self.table(name, body, ("tables", name), conventions)
                if t is not None:
                    tables.append(t)
        if release is None:
            return None
        return Snapshot(
            release=release,
            tables=tuple(tables),
            enums=tuple(enums),
            naming_convention=tuple(conventions.items()),
        )

    def release(self, value: Any, expected: str | None) -> str | None:
        path = ("release",)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.add(
                path,
                f"expected the release as a string, found {_describe(value)}",
                _quote_hint(value) if value is not None else 'write release: "1.0.0"',
            )
            return None
        from packaging.version import InvalidVersion, Version

        try:
            Version(value)
        except InvalidVersion:
            self.add(path, f"release {value!r} is not a PEP 440 version", 'write e.g. "1.2.0"')
            return None
        if expected is not None and value != expected:
            self.add(
                path,
                f"release {value!r} does not match the file name {expected!r}",
                f'rename the file to {value}.yaml or write release: "{expected}"',
                lossy=False,
            )
        return value

    def conventions(self, value: Any) -> dict[str, str]:
        path = ("naming_convention",)
        if value is None:
            return {}
        m = self.mapping(value, path, "naming_convention", allowed=NAMING_CONVENTION_KEYS)
        out = {}
        for key, template in (m or {}).items():
            if key not in NAMING_CONVENTION_KEYS:
                continue
            t = self.text(template, (*path, key), "a naming template")
            if t is None:
                continue
            why = naming.template_problem(t)
            if why:
                self.add(
                    (*path, key),
                    f"invalid naming template: {why}",
                    "tokens: table_name, column_0_name, column_0_N_name, column_0_label, "
                    "referred_table_name, referred_column_0_name, constraint_name",
                )
                continue
            out[key] = t
        return out

    def enums(self, value: Any) -> list[Enum]:
        path = ("enums",)
        out = []
        for name, values in self.names_mapping(value, path, "enums").items():
            p = (*path, name)
            if not isinstance(values, list):
                self.add(
                    p, f"expected the list of values of enum '{name}', found {_describe(values)}"
                )
                continue
            ok = True
            for i, v in enumerate(values):
                if not isinstance(v, str):
                    self.add(
                        (*p, i),
                        f"an enum value must be a string, found {_describe(v)}",
                        _quote_hint(v),
                    )
                    ok = False
            if ok:
                out.append(Enum(name=name, values=tuple(values)))
        return out

    def table(self, name: str, body: Any, path: Path_, conventions: dict[str, str]) -> Table | None:
        t = self.mapping(body, path, f"table '{name}'", allowed=TABLE_KEYS, required=("columns",))
        if t is None:
            return None
        schema = self.text(t.get("schema", _MISSING), (*path, "schema"), "a schema name")
        comment = self.text(t.get("comment", _MISSING), (*path, "comment"), "a comment")
        renamed_from = self.text(
            t.get("renamed_from", _MISSING), (*path, "renamed_from"), "the previous table name"
        )
        flagged: list[str] = []
        columns = []
        raw_columns = t.get("columns")
        if "columns" in t and not isinstance(raw_columns, dict):
            self.add(
                (*path, "columns"),
                f"expected a mapping of columns (name: {{type: ...}}), found {_describe(raw_columns)}",
            )
            raw_columns = {}
        col_bodies = {}
        for cname, cbody in self.names_mapping(raw_columns, (*path, "columns"), "columns").items():
            cp = (*path, "columns", cname)
            c = self.mapping(
                cbody, cp, f"column '{cname}'", allowed=COLUMN_KEYS, required=("type",)
            )
            if c is None:
                continue
            col_bodies[cname] = c
            if self.flag(c.get("primary_key", _MISSING), (*cp, "primary_key"), "primary_key"):
                flagged.append(cname)
        # primary key
        pk_name: Any = _MISSING
        pk_columns: tuple[str, ...] | None = tuple(flagged)
        if "primary_key" in t:
            pp = (*path, "primary_key")
            pk = self.mapping(t["primary_key"], pp, "primary_key", allowed=PK_KEYS)
            if pk is not None:
                if "name" in pk:
                    pk_name = self.text(pk["name"], (*pp, "name"), "a constraint name")
                if "columns" in pk:
                    explicit = self.names(pk["columns"], (*pp, "columns"), "primary key columns")
                    if explicit is not None:
                        if flagged and set(flagged) != set(explicit):
                            self.add(
                                (*pp, "columns"),
                                f"primary_key.columns {list(explicit)} disagree with the columns "
                                f"flagged primary_key: true {flagged}",
                                "flag exactly the listed columns, or drop primary_key.columns",
                            )
                        pk_columns = explicit
        for cname, c in col_bodies.items():
            cp = (*path, "columns", cname)
            type_ = self.text(c.get("type", _MISSING), (*cp, "type"), "a type expression")
            if type_ is None:
                continue
            nullable = self.flag(c.get("nullable", _MISSING), (*cp, "nullable"), "nullable")
            if nullable is None:
                nullable = cname not in (pk_columns or ())
            columns.append(
                Column(
                    name=cname,
                    type=_canonical_type(type_),
                    nullable=nullable,
                    autoincrement=self.flag(
                        c.get("autoincrement", _MISSING), (*cp, "autoincrement"), "autoincrement"
                    ),
                    server_default=self.text(
                        c.get("server_default", _MISSING),
                        (*cp, "server_default"),
                        "SQL text",
                        sql=True,
                    ),
                    comment=self.text(c.get("comment", _MISSING), (*cp, "comment"), "a comment"),
                    renamed_from=self.text(
                        c.get("renamed_from", _MISSING),
                        (*cp, "renamed_from"),
                        "the previous column name",
                    ),
                    backfill=self.text(
                        c.get("backfill", _MISSING), (*cp, "backfill"), "SQL text", sql=True
                    ),
                )
            )
        primary_key = None
        if pk_columns:
            if pk_name is _MISSING:
                pk_name = naming.default_pk_name(name, pk_columns, conventions)
            primary_key = PrimaryKey(name=pk_name, columns=pk_columns)
        elif pk_name is not _MISSING and pk_name is not None:
            self.add(
                (*path, "primary_key"),
                "a primary key name is given but no column is in the primary key",
                "flag columns with primary_key: true",
            )
        fks = []
        for fname, fbody in self.names_mapping(
            t.get("foreign_keys"), (*path, "foreign_keys"), "foreign keys"
        ).items():
            fk = self.foreign_key(fname, fbody, (*path, "foreign_keys", fname))
            if fk is not None:
                fks.append(fk)
        uniques = []
        for uname, ucols in self.names_mapping(
            t.get("unique"), (*path, "unique"), "unique constraints"
        ).items():
            cols = self.names(ucols, (*path, "unique", uname), "columns")
            if cols is not None:
                uniques.append(Unique(name=uname, columns=cols))
        checks = []
        for kname, sql in self.names_mapping(t.get("checks"), (*path, "checks"), "checks").items():
            text = self.text(sql, (*path, "checks", kname), "an SQL boolean expression", sql=True)
            if text is not None:
                checks.append(Check(name=kname, sqltext=text))
            elif sql is None:
                self.add((*path, "checks", kname), "expected an SQL boolean expression, found null")
        indexes = []
        for iname, ibody in self.names_mapping(
            t.get("indexes"), (*path, "indexes"), "indexes"
        ).items():
            ip = (*path, "indexes", iname)
            ix = self.mapping(
                ibody, ip, f"index '{iname}'", allowed=INDEX_KEYS, required=("columns",)
            )
            if ix is None or "columns" not in ix:
                continue
            cols = self.names(ix["columns"], (*ip, "columns"), "columns")
            if cols is None:
                continue
            indexes.append(
                Index(
                    name=iname,
                    columns=cols,
                    unique=bool(self.flag(ix.get("unique", _MISSING), (*ip, "unique"), "unique")),
                    where=self.text(
                        ix.get("where", _MISSING), (*ip, "where"), "an SQL predicate", sql=True
                    ),
                )
            )
        rows = None
        if "rows" in t:
            rows = self.rows(t["rows"], (*path, "rows"), pk_columns or ())
        return Table(
            name=name,
            schema=schema,
            columns=tuple(columns),
            primary_key=primary_key,
            foreign_keys=tuple(fks),
            uniques=tuple(uniques),
            checks=tuple(checks),
            indexes=tuple(indexes),
            comment=comment,
            rows=rows,
            renamed_from=renamed_from,
        )

    def foreign_key(self, name: str, body: Any, path: Path_) -> ForeignKey | None:
        fk = self.mapping(
            body, path, f"foreign key '{name}'", allowed=FK_KEYS, required=("columns", "references")
        )
        if fk is None or "columns" not in fk or "references" not in fk:
            return None
        cols = self.names(fk["columns"], (*path, "columns"), "columns")
        rp = (*path, "references")
        ref = self.mapping(
            fk["references"], rp, "references", allowed=REF_KEYS, required=("table", "columns")
        )
        if ref is None or "table" not in ref or "columns" not in ref:
            return None
        ref_table = self.text(ref["table"], (*rp, "table"), "a table name")
        if ref["table"] is None:
            self.add((*rp, "table"), "expected a table name, found null")
        ref_cols = self.names(ref["columns"], (*rp, "columns"), "columns")
        ref_schema = self.text(ref.get("schema", _MISSING), (*rp, "schema"), "a schema name")
        ondelete = self.text(
            fk.get("ondelete", _MISSING), (*path, "ondelete"), "a referential action"
        )
        onupdate = self.text(
            fk.get("onupdate", _MISSING), (*path, "onupdate"), "a referential action"
        )
        if cols is None or ref_table is None or ref_cols is None:
            return None
        return ForeignKey(
            name=name,
            columns=cols,
            ref_table=ref_table,
            ref_columns=ref_cols,
            ref_schema=ref_schema,
            ondelete=ondelete,
            onupdate=onupdate,
        )

    def rows(self, body: Any, path: Path_, pk_columns: tuple[str, ...]) -> RowSet | None:
        r = self.mapping(body, path, "rows", allowed=ROWS_KEYS, required=("values",))
        if r is None:
            return None
        key: tuple[str, ...] | None = pk_columns
        if "key" in r:
            key = self.names(r["key"], (*path, "key"), "key columns")
        elif not pk_columns:
            self.add(
                path,
                "rows need a key: the table has no primary key",
                "give rows.key: [column, ...] naming a natural key",
                at_key=True,
            )
            key = None
        values = r.get("values")
        if "values" not in r:
            return None
        if not isinstance(values, list):
            self.add(
                (*path, "values"),
                f"expected a list of rows, found {_describe(values)}",
                "write values: [] for none",
            )
            return None
        out = []
        for i, row in enumerate(values):
            rp = (*path, "values", i)
            if not isinstance(row, dict):
                self.add(rp, f"expected a row (a mapping of column: value), found {_describe(row)}")
                continue
            bad = [k for k in row if not isinstance(k, str)]
            for k in bad:
                self.add(
                    (*rp, k),
                    f"a column name must be a string, found {_describe(k)}",
                    _quote_hint(k),
                    at_key=True,
                )
            if not bad:
                out.append(FrozenMap(row))
        if key is None:
            return None
        return RowSet(key=key, rows=tuple(out))


_SINGULAR = {
    "tables": "table",
    "columns": "column",
    "enums": "enum",
    "foreign keys": "foreign key",
    "unique constraints": "unique constraint",
    "checks": "check",
    "indexes": "index",
}

_REQUIRED_HINTS = {
    "release": 'add: release: "1.0.0" (the file name stem)',
    "tables": "add: tables: {} for none",
    "type": "add e.g. type: Integer",
    "columns": "list at least one column",
    "references": "add references: {table: ..., columns: [...]}",
    "values": "add values: [] for none",
}


def _suggest(key: Any, allowed: tuple[str, ...]) -> str:
    if isinstance(key, str):
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(allowed)


@functools.lru_cache(maxsize=4096)
def _canonical_type(text: str) -> str:
    """Canonical spelling when the type parses; the text as written otherwise."""
    try:
        from planner.state import coltypes
    except ImportError:  # pragma: no cover - during bootstrap only
        return text
    try:
        return coltypes.canonical_type(text)
    except Exception:  # noqa: BLE001 - validate() reports the parse problem with its position
        return text


# --------------------------------------------------------------------------- loading
def load_snapshot_text(
    text: str | bytes,
    filename: str,
    *,
    expected_release: str | None = None,
    validate: bool = True,
) -> Snapshot:
    """Load one snapshot from text; raise SnapshotError with every problem found.

    Args:
        text: the file's content (bytes are decoded as UTF-8).
        filename: shown in problems (``schema_state/1.0.0.yaml``).
        expected_release: when given, the ``release`` must equal it (the file stem).
        validate: run the semantic checks of :mod:`planner.state.validate`.

    Example:
        >>> load_snapshot_text("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "x.yaml").tables
        ()
    """
    snapshot, _ = load_with_source_map(
        text, filename, expected_release=expected_release, validate=validate
    )
    return snapshot


def load_with_source_map(
    text: str | bytes,
    filename: str,
    *,
    expected_release: str | None = None,
    validate: bool = True,
) -> tuple[Snapshot, SourceMap]:
    """Like :func:`load_snapshot_text`, also returning the SourceMap.

    Example:
        >>> s, sm = load_with_source_map("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "x.yaml")
        >>> sm[("release",)]
        (2, 10)
    """
    # Loading allocates hundreds of thousands of small objects and no cycles: the cyclic
    # collector would re-scan them over and over (two-thirds of the time on big files).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_with_source_map(
            text, filename, expected_release=expected_release, validate=validate
        )
    finally:
        if enabled:
            gc.enable()


def _load_with_source_map(
    text: str | bytes, filename: str, *, expected_release: str | None, validate: bool
) -> tuple[Snapshot, SourceMap]:
    doc, sm, problems = parse_yaml(text, filename)
    if problems or (doc is None and not sm):
        raise SnapshotError(problems)
    shape = _Shape(filename, sm)
    snapshot = shape.snapshot(doc, expected_release=expected_release)
    if snapshot is None or shape.lossy:
        raise SnapshotError(shape.problems or [Problem(file=filename, message="not a snapshot")])
    found = Problems(shape.problems)
    if validate:
        from planner.state.validate import validate as _validate

        shape_paths = {p.path for p in shape.problems}
        found += [
            p
            for p in _validate(snapshot, source_map=sm, file=filename)
            if p.path not in shape_paths
        ]
    if found:
        raise SnapshotError(found)
    return snapshot, sm


def load_snapshot(
    path: str | os.PathLike,
    *,
    filename: str | None = None,
    expected_release: str | None | bool = True,
    validate: bool = True,
) -> Snapshot:
    """Load ``path``; its release must equal the file stem unless ``expected_release=False``.

    Args:
        path: the snapshot file.
        filename: how the file is named in problems (default: ``path`` as given).
        expected_release: True (the stem), a release string, or False/None (no check).
        validate: run the semantic checks too.

    Example:
        >>> load_snapshot("schema_state/0.1.0.yaml").release
        '0.1.0'
    """
    p = Path(path)
    shown = filename or str(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise SnapshotError([_too_big(shown, size)])
        data = p.read_bytes()
    except OSError as e:
        raise SnapshotError(
            [Problem(file=shown, message=f"cannot read the file: {e.strerror}")]
        ) from None
    expected = p.stem if expected_release is True else (expected_release or None)
    fast = fast_load_enabled()
    if len(data) < _cache.MIN_BYTES:
        snapshot = None
        if fast:
            snapshot = fast_load(data, shown, expected_release=expected, validate=validate)
        if snapshot is None:
            snapshot = load_snapshot_text(data, shown, expected_release=expected, validate=validate)
        return snapshot
    # Big files: a snapshot that loaded cleanly is kept by content hash (see state.cache);
    # a file with any problem is never cached, so problems always come from this loader.
    key = _cache.cache_key(data, expected_release=expected, validate=validate)
    snapshot = _cache.get(key)
    if snapshot is None:
        if fast:
            snapshot = fast_load(data, shown, expected_release=expected, validate=validate)
        if snapshot is None:
            snapshot = load_snapshot_text(data, shown, expected_release=expected, validate=validate)
        _cache.put(key, snapshot)
    _cache.remember_origin(snapshot, key)  # values derived from it can be cached too
    return snapshot


# --------------------------------------------------------------------------- fast path
# A file that is exactly the canonical dump of a valid snapshot needs neither positions
# nor PyYAML. The fast path parses with a fast YAML parser (yaml_rs, when installed),
# builds the snapshot with the same shape checks, runs the same semantic checks, and then
# accepts the result only if writing it back (:func:`_fast_dump`, which gives the same
# text as :func:`dump_snapshot`) reproduces the file byte for byte. Since the reference
# loader reads ``dump_snapshot(s)`` back as ``s`` (tests/perf/test_fastload.py), both
# paths give the same snapshot for every file the fast path accepts, whatever the fast
# parser makes of it. Anything else (a problem, a parser error, an unusual scalar, a
# non-canonical spelling, an alias, a tag, a duplicate key) goes to the reference loader,
# which reports every problem with file:line:column exactly as before.
_HEADER = re.compile(r"# yaml-language-server: \$schema=[!-~]+\n")
#: the start of a line the canonical form never has: more than 8 spaces of indentation,
#: a sequence entry other than a row (``- {``), a blank line, anything but a key (plain
#: or quoted). Deeply nested compact forms (``- - - ...``, ``? ? ? ...``) crash the fast
#: parser, so files with such lines go to the reference loader unparsed.
_ODD_LINE = re.compile(r"^(?!(?: {0,8}(?:- \{|[A-Za-z0-9_(/$'\"])|\Z))", re.MULTILINE)


def fast_load_enabled() -> bool:
    """False when ``DBPLAN_FAST_LOAD=0`` (every file goes through the reference loader)."""
    v = os.environ.get("DBPLAN_FAST_LOAD", "").strip().lower()
    return v not in ("0", "off", "no", "false")


def _fast_parse(body: str) -> Any:
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency; without it: reference
        return None
    return yaml_rs.loads(
        body,
        parse_datetime=False,
        alias_limits=yaml_rs.AliasLimits(
            max_total_replayed_events=0, max_alias_expansions_per_anchor=0
        ),
        duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
    )


def fast_load(
    data: bytes, filename: str, *, expected_release: str | None, validate: bool
) -> Snapshot | None:
    """The snapshot of a canonical, valid file, or None (then use the reference loader).

    Never raises (a fault anywhere on this path only means the reference loader runs).

    Example:
        >>> fast_load(b"snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "x.yaml",
        ...           expected_release=None, validate=True).release
        '1.0'
        >>> fast_load(b"snapshot: 1\\nrelease: '1.0'\\ntables: {}  # note\\n", "x.yaml",
        ...           expected_release=None, validate=True) is None
        True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _fast_load(data, filename, expected_release=expected_release, validate=validate)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - incl. a Rust panic: the reference path decides
        return None
    finally:
        if enabled:
            gc.enable()


def _fast_load(
    data: bytes, filename: str, *, expected_release: str | None, validate: bool
) -> Snapshot | None:
    if len(data) > MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    body = text
    if text.startswith("#"):
        nl = text.find("\n") + 1
        if not nl or not _HEADER.fullmatch(text, 0, nl):
            return None
        body = text[nl:]
    if _ODD_LINE.search(body) or FAST_PATH_DECLINES.search(body):
        return None
    doc = _fast_parse(body)
    if not isinstance(doc, dict):
        return None
    shape = _ReusingShape(filename, SourceMap())
    snapshot = shape.snapshot(doc, expected_release=expected_release)
    if snapshot is None or shape.lossy or shape.problems:
        return None
    if validate:
        from planner.state.validate import validate as _validate

        if _validate(snapshot, source_map=None, file=filename):
            return None
    if _fast_dump(snapshot) != body:
        return None
    if len(_WRITTEN) >= 8:
        _WRITTEN.pop(next(iter(_WRITTEN)))
    _WRITTEN[id(snapshot)] = (snapshot, body)
    _TABLES.clear()  # the tables of the snapshot loaded last, for the next file to reuse
    _TABLES.update(shape.built)
    return snapshot


#: table name -> (its mapping as parsed, the naming conventions, the Table built from it),
#: of the last snapshot the fast path accepted: two releases share most tables.
_TABLES: dict[str, tuple[Any, dict[str, str], Table]] = {}


class _ReusingShape(_Shape):
    """:class:`_Shape` that takes a table from the last accepted snapshot when the
    parsed mapping and conventions are equal. (``==`` takes ``0`` for ``false``: the
    byte-for-byte comparison with the canonical text, which decides, sees the difference.)"""

    def __init__(self, file: str, sm: SourceMap):
        super().__init__(file, sm)
        self.built: dict[str, tuple[Any, dict[str, str], Table]] = {}

    def table(self, name: str, body: Any, path: Path_, conventions: dict[str, str]) -> Table | None:
        known = _TABLES.get(name)
        if known is not None and known[0] == body and known[1] == conventions:
            t: Table | None = known[2]
        else:
            try:
                t = self._quick_table(name, body, path, conventions)
            except _Irregular:
                t = None
            if t is None:
                t = super().table(name, body, path, conventions)
        if t is not None:
            self.built[name] = (body, conventions, t)
        return t

    def _quick_table(
        self, name: str, t: Any, path: Path_, conventions: dict[str, str]
    ) -> Table | None:
        """:meth:`_Shape.table` for a table body with nothing to report: every key known,
        every value of the type the canonical form writes. None for anything else (then
        the reference builder runs and reports). Builds what the reference builds."""
        if type(t) is not dict or not t.keys() <= _TABLE_KEY_SET:
            return None
        texts = [t.get(k) for k in ("schema", "comment", "renamed_from")]
        raw_columns = t.get("columns")
        if type(raw_columns) is not dict or not raw_columns or not _all_str_or_none(texts):
            return None
        flagged = []
        for cname, c in raw_columns.items():
            if (
                type(cname) is not str
                or not cname
                or type(c) is not dict
                or type(c.get("type")) is not str
                or not c.keys() <= _COLUMN_KEY_SET
            ):
                return None
            in_pk = c.get("primary_key")
            if in_pk is not None:
                if type(in_pk) is not bool:
                    return None
                if in_pk:
                    flagged.append(cname)
        pk_name: Any = _MISSING
        pk_columns = tuple(flagged)
        if "primary_key" in t:
            pk = t["primary_key"]
            if type(pk) is not dict or not pk.keys() <= _PK_KEY_SET:
                return None
            if "name" in pk:
                pk_name = pk["name"]
                if pk_name is not None and type(pk_name) is not str:
                    return None
            if "columns" in pk:
                explicit = pk["columns"]
                if not _names_ok(explicit) or (flagged and set(flagged) != set(explicit)):
                    return None
                pk_columns = tuple(explicit)
        columns = []
        memo = _COLUMN_MEMO
        for cname, c in raw_columns.items():
            nullable = c.get("nullable")
            if nullable is None:
                nullable = cname not in pk_columns
            values = (
                cname,
                c["type"],
                nullable,
                c.get("autoincrement"),
                c.get("server_default"),
                c.get("comment"),
                c.get("renamed_from"),
                c.get("backfill"),
            )
            # types first: the memo's keys compare 1 == True
            if (
                type(nullable) is not bool
                or (values[3] is not None and type(values[3]) is not bool)
                or not _all_str_or_none(values[4:])
            ):
                return None
            col = memo.get(values)
            if col is None:
                col = Column(
                    name=cname,
                    type=_canonical_type(values[1]),
                    nullable=nullable,
                    autoincrement=values[3],
                    server_default=values[4],
                    comment=values[5],
                    renamed_from=values[6],
                    backfill=values[7],
                )
                if len(memo) >= _COLUMN_MEMO_SIZE:
                    memo.clear()
                memo[values] = col
            columns.append(col)
        primary_key = None
        if pk_columns:
            if pk_name is _MISSING:
                pk_name = naming.default_pk_name(name, pk_columns, conventions)
            primary_key = PrimaryKey(name=pk_name, columns=pk_columns)
        elif pk_name is not _MISSING and pk_name is not None:
            return None
        fks = []
        for fname, fk in _names_items(t.get("foreign_keys")):
            if type(fk) is not dict or not fk.keys() <= _FK_KEY_SET:
                return None
            ref = fk.get("references")
            if type(ref) is not dict or not ref.keys() <= _REF_KEY_SET:
                return None
            cols, ref_table, ref_cols = fk.get("columns"), ref.get("table"), ref.get("columns")
            actions = (ref.get("schema"), fk.get("ondelete"), fk.get("onupdate"))
            if (
                not _names_ok(cols)
                or type(ref_table) is not str
                or not _names_ok(ref_cols)
                or not _all_str_or_none(actions)
            ):
                return None
            fks.append(
                ForeignKey(
                    name=fname,
                    columns=tuple(cols),
                    ref_table=ref_table,
                    ref_columns=tuple(ref_cols),
                    ref_schema=actions[0],
                    ondelete=actions[1],
                    onupdate=actions[2],
                )
            )
        uniques = []
        for uname, ucols in _names_items(t.get("unique")):
            if not _names_ok(ucols):
                return None
            uniques.append(Unique(name=uname, columns=tuple(ucols)))
        checks = []
        for kname, sql in _names_items(t.get("checks")):
            if type(sql) is not str:
                return None
            checks.append(Check(name=kname, sqltext=sql))
        indexes = []
        for iname, ix in _names_items(t.get("indexes")):
            if type(ix) is not dict or not ix.keys() <= _INDEX_KEY_SET:
                return None
            cols, unique, where = ix.get("columns"), ix.get("unique"), ix.get("where")
            if (
                not _names_ok(cols)
                or (unique is not None and type(unique) is not bool)
                or (where is not None and type(where) is not str)
            ):
                return None
            indexes.append(Index(name=iname, columns=tuple(cols), unique=bool(unique), where=where))
        rows = None
        if "rows" in t:  # last: the reference reports what it finds (then no fast load)
            rows = self.rows(t["rows"], (*path, "rows"), pk_columns)
        return Table(
            name=name,
            schema=texts[0],
            columns=tuple(columns),
            primary_key=primary_key,
            foreign_keys=tuple(fks),
            uniques=tuple(uniques),
            checks=tuple(checks),
            indexes=tuple(indexes),
            comment=texts[1],
            rows=rows,
            renamed_from=texts[2],
        )


_TABLE_KEY_SET = frozenset(TABLE_KEYS)
_COLUMN_KEY_SET = frozenset(COLUMN_KEYS)
_PK_KEY_SET = frozenset(PK_KEYS)
_FK_KEY_SET = frozenset(FK_KEYS)
_REF_KEY_SET = frozenset(REF_KEYS)
_INDEX_KEY_SET = frozenset(INDEX_KEYS)
#: the columns the quick builder made, by their values (frozen: tables share them)
_COLUMN_MEMO: dict[tuple, Column] = {}
_COLUMN_MEMO_SIZE = 1 << 16


class _Irregular(DbplanError):
    """A table body the quick builder leaves to the reference builder."""


def _all_str_or_none(values: Iterable[Any]) -> bool:
    return all(v is None or type(v) is str for v in values)


def _names_ok(value: Any) -> bool:
    """A non-empty list of non-empty strings (what ``_Shape.names`` takes silently)."""
    return type(value) is list and bool(value) and all(type(v) is str and v for v in value)


def _names_items(value: Any) -> Iterable[tuple[str, Any]]:
    """The items of a mapping keyed by names (``_Shape.names_mapping`` without problems)."""
    if value is None:
        return ()
    if type(value) is not dict or not all(type(k) is str and k for k in value):
        raise _Irregular
    return value.items()


#: snapshots the fast path accepted -> their canonical text (schema_ref=None), as read
_WRITTEN: dict[int, tuple[Snapshot, str]] = {}


class _Decline(DbplanError):
    """The fast writer does not handle this value: the file takes the reference path."""


_NOT_RESOLVED = object()


@functools.lru_cache(maxsize=1 << 16)
def _fast_str(s: str, flow: bool) -> str:
    """``s`` as the emitters write it (see :func:`_str_node`); _Decline when unsure."""
    if _plain_ok(s, flow=flow):
        return s
    if not _printable(s):
        raise _Decline  # double-quoted with escapes
    if "'" in s and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return "'" + s.replace("'", "''") + "'"


@functools.lru_cache(maxsize=1 << 16)
def _fast_key(s: str, flow: bool) -> str:
    # long keys are written as complex keys ("? k") and the two emitters differ at 128
    if len(s) >= 100 or _awkward_key(s):
        raise _Decline
    return _fast_str(s, flow)


def _fast_value(value: Any) -> str:
    if isinstance(value, str):
        return _fast_str(value, True)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        text, tag = str(value), _INT
    elif isinstance(value, float):
        text, tag = _yaml_scalar_text(value), _FLOAT
    else:
        raise _Decline
    if _RESOLVER.resolve(ScalarNode, text, (True, False)) != tag:
        raise _Decline
    return text


def _fast_names(names: tuple[str, ...]) -> str:
    return "[" + ", ".join([_fast_str(n, True) for n in names]) + "]"


def _fast_flow(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join([_fast_key(k, True) + ": " + v for k, v in pairs]) + "}"


#: (id(column), in the primary key) -> (column, its line): tables share Column objects
_COLUMN_LINES: dict[tuple[int, bool], tuple[Column, str]] = {}


def _fast_column(c: Column, pk_columns: tuple[str, ...]) -> str:
    in_pk = c.name in pk_columns
    known = _COLUMN_LINES.get((id(c), in_pk))
    if known is not None and known[0] is c:
        return known[1]
    line = _fast_column_line(
        in_pk, c.name, c.type, c.nullable, c.autoincrement,
        c.server_default, c.comment, c.renamed_from, c.backfill,
    )  # fmt: skip
    if len(_COLUMN_LINES) >= 1 << 16:
        _COLUMN_LINES.clear()
    _COLUMN_LINES[(id(c), in_pk)] = (c, line)
    return line


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _fast_column_line(in_pk: bool, name: str, type_: str, nullable: bool, *rest: Any) -> str:
    """One line of ``columns:`` (indent 6); mirrors _column_node."""
    autoincrement = rest[0]
    pairs = [("type", _fast_str(type_, True))]
    if in_pk:
        pairs.append(("primary_key", "true"))
    if nullable != (not in_pk):
        pairs.append(("nullable", _fast_value(nullable)))
    if autoincrement is not None:
        pairs.append(("autoincrement", _fast_value(autoincrement)))
    for key, v in zip(
        ("server_default", "comment", "renamed_from", "backfill"), rest[1:], strict=True
    ):
        if v is not None:
            pairs.append((key, _fast_str(v, True)))
    return f"      {_fast_key(name, False)}: {_fast_flow(pairs)}\n"


def _fast_section(out: list[str], head: str, items: list[tuple[str, str]]) -> None:
    """``head:`` then one ``key: value`` line per item, indented two more than ``head``."""
    indent = " " * (len(head) - len(head.lstrip()) + 2)
    out.append(head + ":\n")
    for k, v in items:
        out.append(f"{indent}{_fast_key(k, False)}: {v}\n")


def _fast_table(out: list[str], t: Table, conventions: dict[str, str]) -> None:
    """Append the lines of one table's body (indent 4) to ``out``; mirrors _table_node."""
    for key in ("schema", "comment", "renamed_from"):
        v = getattr(t, key)
        if v is not None:
            out.append(f"    {key}: {_fast_str(v, False)}\n")
    pk_columns = t.primary_key.columns if t.primary_key else ()
    if t.columns:
        out.append("    columns:\n")
        for c in t.columns:
            out.append(_fast_column(c, pk_columns))
    else:
        out.append("    columns: {}\n")
    if t.primary_key is not None:
        pk_pairs = []
        derived = naming.default_pk_name(t.name, pk_columns, conventions)
        if t.primary_key.name != derived:
            pk_pairs.append(("name", _fast_value(t.primary_key.name)))
        in_column_order = tuple(c for c in t.column_names if c in pk_columns)
        if in_column_order != pk_columns or len(set(pk_columns)) != len(pk_columns):
            pk_pairs.append(("columns", _fast_names(pk_columns)))
        if pk_pairs:
            out.append(f"    primary_key: {_fast_flow(pk_pairs)}\n")
    if t.foreign_keys:
        out.append("    foreign_keys:\n")
        for fk in t.foreign_keys:
            ref = []
            if fk.ref_schema is not None:
                ref.append(("schema", _fast_str(fk.ref_schema, True)))
            ref += [
                ("table", _fast_str(fk.ref_table, True)),
                ("columns", _fast_names(fk.ref_columns)),
            ]
            out.append(f"      {_fast_key(fk.name, False)}:\n")
            out.append(f"        columns: {_fast_names(fk.columns)}\n")
            out.append(f"        references: {_fast_flow(ref)}\n")
            for key in ("ondelete", "onupdate"):
                v = getattr(fk, key)
                if v is not None:
                    out.append(f"        {key}: {_fast_str(v, False)}\n")
    if t.uniques:
        _fast_section(out, "    unique", [(u.name, _fast_names(u.columns)) for u in t.uniques])
    if t.checks:
        _fast_section(
            out, "    checks", [(ck.name, _fast_str(ck.sqltext, False)) for ck in t.checks]
        )
    if t.indexes:
        out.append("    indexes:\n")
        for ix in t.indexes:
            body = [("columns", _fast_names(ix.columns))]
            if ix.unique:
                body.append(("unique", "true"))
            if ix.where is not None:
                body.append(("where", _fast_str(ix.where, True)))
            out.append(f"      {_fast_key(ix.name, False)}: {_fast_flow(body)}\n")
    if t.rows is not None:
        out.append("    rows:\n")
        out.append(f"      key: {_fast_names(t.rows.key)}\n")
        if not t.rows.rows:
            out.append("      values: []\n")
        else:
            out.append("      values:\n")
            order = {c: i for i, c in enumerate(t.column_names)}
            n = len(order)
            for row in t.rows.rows:
                items = sorted(row, key=lambda kv: (order.get(kv[0], n), kv[0]))
                cells = ", ".join([_fast_key(k, True) + ": " + _fast_value(v) for k, v in items])
                out.append("      - {" + cells + "}\n")


def _fast_dump(snapshot: Snapshot) -> str | None:
    """:func:`dump_snapshot` with ``schema_ref=None``, written directly; None when unsure.

    Example:
        >>> _fast_dump(Snapshot(release="1.10")) == dump_snapshot(Snapshot(release="1.10"),
        ...                                                        schema_ref=None)
        True
    """
    try:
        return _fast_dump_text(snapshot)
    except _Decline:
        return None


#: id(table) -> (table, conventions, its text): the tables of the last snapshots written
_CHUNKS: dict[int, tuple[Table, dict[str, str], str]] = {}


def _fast_dump_text(snapshot: Snapshot) -> str:
    if len(_CHUNKS) > 4 * len(snapshot.tables) + 1000:
        _CHUNKS.clear()
    names = [t.name for t in snapshot.tables]
    if len(set(names)) != len(names):
        raise _Decline
    out = [
        f"snapshot: {_fast_value(snapshot.format)}\n",
        f"release: {_fast_str(snapshot.release, False)}\n",
    ]
    conventions = snapshot.conventions
    if conventions:
        order = {k: i for i, k in enumerate(NAMING_CONVENTION_KEYS)}
        keys = sorted(conventions, key=lambda k: (order.get(k, len(order)), k))
        _fast_section(
            out, "naming_convention", [(k, _fast_str(conventions[k], False)) for k in keys]
        )
    if snapshot.enums:
        _fast_section(out, "enums", [(e.name, _fast_names(e.values)) for e in snapshot.enums])
    if snapshot.tables:
        out.append("tables:\n")
        for t in snapshot.tables:
            out.append(f"  {_fast_key(t.name, False)}:\n")
            known = _CHUNKS.get(id(t))
            if known is not None and known[0] is t and known[1] == conventions:
                out.append(known[2])
                continue
            part: list[str] = []
            _fast_table(part, t, conventions)
            chunk = "".join(part)
            _CHUNKS[id(t)] = (t, conventions, chunk)
            out.append(chunk)
    else:
        out.append("tables: {}\n")
    return "".join(out)


# --------------------------------------------------------------------------- dumping
_PLAIN_FIRST = re.compile(r"[A-Za-z0-9_(/$]")
_PLAIN_BLOCK = re.compile(r"[A-Za-z0-9_ .()/+=$%<>*^~-]*")


def _plain_ok(s: str, *, flow: bool) -> bool:
    """Whether ``s`` can be written unquoted by both emitters and reads back as itself."""
    if not s or not _PLAIN_FIRST.match(s[0]) or s != s.strip() or "  " in s:
        return False
    if not _PLAIN_BLOCK.fullmatch(s):
        if flow or not re.fullmatch(r"[A-Za-z0-9_ .()/+=$%<>*^~,-]*", s):
            return False
    if not _dump_resolver_says_str(s) or _YAML12_NOT_STR.fullmatch(s):
        return False
    return True


#: plain scalars a YAML 1.2 reader (editors' yaml-language-server) would not read as strings
_YAML12_NOT_STR = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    r"|null|Null|NULL|~|true|True|TRUE|false|False|FALSE"
)


_RESOLVER = yaml.resolver.Resolver()


def _dump_resolver_says_str(s: str) -> bool:
    return _RESOLVER.resolve(ScalarNode, s, (True, False)) == _STR


def _printable(s: str) -> bool:
    return all(
        " " <= ch <= "~"
        or ("\xa0" <= ch <= "\ud7ff" and ch not in "\x85\u2028\u2029")
        or ("\ue000" <= ch <= "\ufffd" and ch != "\ufeff")
        for ch in s
    )


def _str_node(s: str, *, flow: bool) -> ScalarNode:
    if _plain_ok(s, flow=flow):
        style = None
    elif _printable(s) and "'" in s and '"' not in s and "\\" not in s:
        style = '"'
    elif _printable(s):
        style = "'"
    else:
        style = '"'
    return ScalarNode(_STR, s, style=style)


def _yaml_scalar_text(value: Any) -> str:
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


def _value_node(value: Any, *, flow: bool = True) -> Node:
    if isinstance(value, str):
        return _str_node(value, flow=flow)
    if value is None:
        return ScalarNode(_NULL, "null")
    if isinstance(value, bool):
        return ScalarNode(_BOOL, _yaml_scalar_text(value))
    if isinstance(value, int):
        return ScalarNode(_INT, str(value))
    if isinstance(value, float):
        return ScalarNode(_FLOAT, _yaml_scalar_text(value))
    if isinstance(value, FrozenMap):
        return MappingNode(
            _MAP, [(_str_node(k, flow=True), _value_node(v)) for k, v in value], flow_style=True
        )
    if isinstance(value, dict):
        return _value_node(FrozenMap(value))
    if isinstance(value, (tuple, list)):
        return SequenceNode(_SEQ, [_value_node(v) for v in value], flow_style=True)
    raise TypeError(f"cannot write a {type(value).__name__} value to a snapshot: {value!r}")


def _block(pairs: list[tuple[str, Node]]) -> MappingNode:
    return MappingNode(_MAP, [(_str_node(k, flow=False), v) for k, v in pairs], flow_style=False)


def _flow(pairs: list[tuple[str, Node]]) -> MappingNode:
    return MappingNode(_MAP, [(_str_node(k, flow=True), v) for k, v in pairs], flow_style=True)


def _names(names: tuple[str, ...] | list[str]) -> SequenceNode:
    return SequenceNode(_SEQ, [_str_node(n, flow=True) for n in names], flow_style=True)


def _column_node(c: Column, pk_columns: tuple[str, ...]) -> MappingNode:
    in_pk = c.name in pk_columns
    pairs: list[tuple[str, Node]] = [("type", _str_node(c.type, flow=True))]
    if in_pk:
        pairs.append(("primary_key", _value_node(True)))
    if c.nullable != (not in_pk):
        pairs.append(("nullable", _value_node(c.nullable)))
    if c.autoincrement is not None:
        pairs.append(("autoincrement", _value_node(c.autoincrement)))
    for key in ("server_default", "comment", "renamed_from", "backfill"):
        v = getattr(c, key)
        if v is not None:
            pairs.append((key, _str_node(v, flow=True)))
    return _flow(pairs)


def _row_node(row: FrozenMap, order: dict[str, int]) -> MappingNode:
    items = sorted(row, key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return MappingNode(
        _MAP, [(_str_node(k, flow=True), _value_node(v)) for k, v in items], flow_style=True
    )


def _table_node(t: Table, conventions: dict[str, str]) -> MappingNode:
    pairs: list[tuple[str, Node]] = []
    for key in ("schema", "comment", "renamed_from"):
        v = getattr(t, key)
        if v is not None:
            pairs.append((key, _str_node(v, flow=False)))
    pk_columns = t.primary_key.columns if t.primary_key else ()
    pairs.append(("columns", _block([(c.name, _column_node(c, pk_columns)) for c in t.columns])))
    if t.primary_key is not None:
        pk_pairs: list[tuple[str, Node]] = []
        derived = naming.default_pk_name(t.name, pk_columns, conventions)
        if t.primary_key.name != derived:
            pk_pairs.append(("name", _value_node(t.primary_key.name, flow=True)))
        in_column_order = tuple(c for c in t.column_names if c in pk_columns)
        if in_column_order != pk_columns or len(set(pk_columns)) != len(pk_columns):
            pk_pairs.append(("columns", _names(pk_columns)))
        if pk_pairs:
            pairs.append(("primary_key", _flow(pk_pairs)))
    if t.foreign_keys:
        fks = []
        for fk in t.foreign_keys:
            ref: list[tuple[str, Node]] = []
            if fk.ref_schema is not None:
                ref.append(("schema", _str_node(fk.ref_schema, flow=True)))
            ref += [
                ("table", _str_node(fk.ref_table, flow=True)),
                ("columns", _names(fk.ref_columns)),
            ]
            body: list[tuple[str, Node]] = [
                ("columns", _names(fk.columns)),
                ("references", _flow(ref)),
            ]
            for key in ("ondelete", "onupdate"):
                v = getattr(fk, key)
                if v is not None:
                    body.append((key, _str_node(v, flow=False)))
            fks.append((fk.name, _block(body)))
        pairs.append(("foreign_keys", _block(fks)))
    if t.uniques:
        pairs.append(("unique", _block([(u.name, _names(u.columns)) for u in t.uniques])))
    if t.checks:
        pairs.append(
            ("checks", _block([(c.name, _str_node(c.sqltext, flow=False)) for c in t.checks]))
        )
    if t.indexes:
        ixs = []
        for ix in t.indexes:
            body = [("columns", _names(ix.columns))]
            if ix.unique:
                body.append(("unique", _value_node(True)))
            if ix.where is not None:
                body.append(("where", _str_node(ix.where, flow=True)))
            ixs.append((ix.name, _flow(body)))
        pairs.append(("indexes", _block(ixs)))
    if t.rows is not None:
        order = {c: i for i, c in enumerate(t.column_names)}
        values = SequenceNode(
            _SEQ, [_row_node(r, order) for r in t.rows.rows], flow_style=not t.rows.rows
        )
        pairs.append(("rows", _block([("key", _names(t.rows.key)), ("values", values)])))
    return _block(pairs)


def snapshot_node(snapshot: Snapshot) -> MappingNode:
    """The canonical YAML node tree of ``snapshot`` (see docs/snapshot-format.md).

    Example:
        >>> snapshot_node(Snapshot(release="1.0")).value[0][0].value
        'snapshot'
    """
    names = [t.name for t in snapshot.tables]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(
            f"cannot write tables {dupes} of several schemas: the format keys tables by name"
        )
    pairs: list[tuple[str, Node]] = [
        ("snapshot", _value_node(snapshot.format)),
        ("release", _str_node(snapshot.release, flow=False)),
    ]
    conventions = snapshot.conventions
    if conventions:
        order = {k: i for i, k in enumerate(NAMING_CONVENTION_KEYS)}
        keys = sorted(conventions, key=lambda k: (order.get(k, len(order)), k))
        pairs.append(
            (
                "naming_convention",
                _block([(k, _str_node(conventions[k], flow=False)) for k in keys]),
            )
        )
    if snapshot.enums:
        pairs.append(("enums", _block([(e.name, _names(e.values)) for e in snapshot.enums])))
    if snapshot.tables:
        pairs.append(
            ("tables", _block([(t.name, _table_node(t, conventions)) for t in snapshot.tables]))
        )
    else:
        pairs.append(("tables", MappingNode(_MAP, [], flow_style=True)))
    return _block(pairs)


def _awkward_key(key: str) -> bool:
    """A key the two emitters may write differently (libyaml: ``? key : v``)."""
    return key == "" or not key.isascii() or not key.isprintable()


def _has_awkward_key(node: Node) -> bool:
    if isinstance(node, MappingNode):
        return any(_awkward_key(k.value) or _has_awkward_key(v) for k, v in node.value)
    if isinstance(node, SequenceNode):
        return any(_has_awkward_key(v) for v in node.value)
    return False


def _dumper_class(node: Node) -> type:
    # libyaml writes an empty key, or one that needs escapes, as a complex key
    # ("? '' : v") where PyYAML writes a simple one ("'': v"): use PyYAML for those.
    c = getattr(yaml, "CSafeDumper", None)
    return c if c is not None and not _has_awkward_key(node) else yaml.SafeDumper


def dump_snapshot(
    snapshot: Snapshot,
    *,
    schema_ref: str | None = DEFAULT_SCHEMA_REF,
    dumper: type | None = None,
) -> str:
    """Canonical YAML of ``snapshot``: the same state always gives the same text.

    The first line is ``# yaml-language-server: $schema=<schema_ref>`` unless
    ``schema_ref`` is None. The default reference is ``snapshot.schema.json`` beside the
    snapshot, which :func:`write_snapshot` keeps in place.

    Example:
        >>> print(dump_snapshot(Snapshot(release="1.10"), schema_ref=None), end="")
        snapshot: 1
        release: '1.10'
        tables: {}
    """
    node = snapshot_node(snapshot)
    text = yaml.serialize(
        node,
        Dumper=dumper or _dumper_class(node),
        allow_unicode=True,
        width=1 << 30,
        indent=2,
        explicit_start=False,
        line_break="\n",
    )
    if schema_ref is not None:
        text = f"# yaml-language-server: $schema={schema_ref}\n" + text
    return text


def canonical_dump(snapshot: Snapshot) -> str:
    """``dump_snapshot(snapshot)`` (default header), through the fast writer when it can.

    Example:
        >>> canonical_dump(Snapshot(release="1.0")) == dump_snapshot(Snapshot(release="1.0"))
        True
    """
    known = _WRITTEN.get(id(snapshot))
    text = known[1] if known is not None and known[0] is snapshot else _fast_dump(snapshot)
    if text is None:
        return dump_snapshot(snapshot)
    return f"# yaml-language-server: $schema={DEFAULT_SCHEMA_REF}\n" + text


def schema_text() -> str:
    """The JSON Schema of the format, as shipped in the package.

    Example:
        >>> '"$schema"' in schema_text()
        True
    """
    return resources.files("planner.state").joinpath(SCHEMA_FILENAME).read_text(encoding="utf-8")


def _atomic_write(path: Path, data: bytes, *, overwrite: bool) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails atomically when path exists
            except FileExistsError:
                raise
            except OSError:  # no hard links on this filesystem
                if path.exists():
                    raise FileExistsError(str(path)) from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_snapshot(
    path: str | os.PathLike,
    snapshot: Snapshot,
    *,
    force: bool = False,
    schema_ref: str | None = DEFAULT_SCHEMA_REF,
    write_schema: bool = True,
) -> Path:
    """Write ``snapshot`` canonically to ``path`` atomically (temp file + rename).

    Refuses to overwrite an existing file unless ``force``. With the default
    ``schema_ref`` it also writes ``snapshot.schema.json`` beside the file (when missing
    or outdated), so editors resolve the ``$schema`` comment.

    Example:
        >>> write_snapshot("schema_state/1.0.0.yaml", Snapshot(release="1.0.0"))
        PosixPath('schema_state/1.0.0.yaml')
    """
    p = Path(path)
    if p.stem != snapshot.release:
        raise DbplanError(
            f"{p}: a snapshot of release {snapshot.release!r} must be named {snapshot.release}.yaml"
        )
    data = dump_snapshot(snapshot, schema_ref=schema_ref).encode("utf-8")
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        _atomic_write(p, data, overwrite=force)
    except FileExistsError:
        raise SnapshotExistsError(f"{p} exists; pass --force to overwrite it") from None
    if write_schema and schema_ref == DEFAULT_SCHEMA_REF:
        schema_file = p.parent / SCHEMA_FILENAME
        want = schema_text().encode("utf-8")
        if not schema_file.exists() or schema_file.read_bytes() != want:
            _atomic_write(schema_file, want, overwrite=True)
    return p


def snapshot_equal_with_hints(a: Snapshot, b: Snapshot) -> bool:
    """Equality that also compares the migration hints (renamed_from, backfill).

    Example:
        >>> snapshot_equal_with_hints(Snapshot(release="1"), Snapshot(release="1"))
        True
    """

    def hints(s: Snapshot) -> list:
        return [
            (t.key, t.renamed_from, [(c.name, c.renamed_from, c.backfill) for c in t.columns])
            for t in s.tables
        ]

    return a == b and hints(a) == hints(b)
