"""Managed rows read line by line: the one-line flow mappings of a ``values:`` block.

A snapshot of 100,000 managed rows is 100,000 lines like
``- {id: 1, code: '0000001', name: Place 573359, region_id: 2}``. Composing them through
PyYAML (a node, a mark pair and a resolver call per scalar, then a position per value)
was most of a cold load. This module reads such a block itself, exactly and
conservatively, inside the one reference reader (:func:`planner.state.reader.parse_yaml`):

- A block is a line ``<k spaces>values:`` followed by at least :data:`MIN_ROWS` item
  lines ``<d spaces>- {key: value, ...}`` (d >= k; blank and comment lines may come
  between), ended by the end of the file or a line indented less than the items.
- Every item line must match, in full, a pattern that accepts only what YAML reads
  one way: plain keys that resolve to strings, values that are single- or
  double-quoted strings (no escapes, no control characters) or plain scalars resolved
  by PyYAML's own resolver, keeping only strings, decimal integers, simple finite
  floats, true/false and null; no duplicate key, no anchors, tags, nesting or line
  continuation. A line that does not match leaves its whole block to PyYAML.
- The item lines of an accepted block are blanked (line numbers and every other
  character stay where they were) and the rest of the file is composed by PyYAML as
  always; the block's key must then be found, exactly once, as a block mapping key at
  its line:column holding an empty value, else the whole file is read the ordinary way.
- A file whose reading finds any problem is read again the ordinary way, so every
  problem the reader reports is PyYAML's composer's.

The values come back as a :class:`FrozenRows` list of the model's frozen rows, and the
positions as a :class:`RowSourceMap` that computes a row's line:column from its line
when asked: the same positions the ordinary reading records
(``tests/state/test_rowlines.py`` compares both on generated and hostile lines).

Example:
    >>> text = "rows:\\n  values:\\n" + "".join(
    ...     f"  - {{id: {i}, name: Row {i}}}\\n" for i in range(MIN_ROWS)
    ... )
    >>> from planner.state.reader import parse_yaml
    >>> doc, sm, problems = parse_yaml(text, "f.yaml", row_lines=True)
    >>> type(doc["rows"]["values"]).__name__, doc["rows"]["values"][1], problems
    ('FrozenRows', FrozenMap({'id': 1, 'name': 'Row 1'}), [])
    >>> sm[("rows", "values", 1, "name")], sm.key_position(("rows", "values", 1, "name"))
    ((4, 19), (4, 13))
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

from yaml.resolver import Resolver

from planner.errors import DbplanError
from planner.state.model import FrozenMap
from planner.state.reader import SourceMap

__all__ = ["MIN_ROWS", "FrozenRows", "RowSourceMap", "read_row_blocks"]

#: blocks of fewer item lines are left to PyYAML (small files never take this path)
MIN_ROWS = 200
#: an item line longer than this leaves its block to PyYAML
MAX_LINE = 4096
#: at most this many distinct key sequences (row shapes) in one block
MAX_SHAPES = 64

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

#: what PyYAML's reader refuses anywhere in a file (yaml.reader.Reader.NON_PRINTABLE)
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
#: characters never inside an accepted token: controls, YAML 1.1's extra line breaks
#: (NEL, LS, PS), surrogates, the BOM and the non-characters
_NEVER = "\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"
#: a plain scalar's characters after the first (flow context): no space, no flow
#: indicator, no ':' or '#' or '?' (which may end it), nothing of _NEVER
_MID = f"[^ {_NEVER},\\[\\]{{}}#:?]"
#: its first character: not an indicator; '-' only before a non-space
_FIRST = f"(?:[^ {_NEVER},\\[\\]{{}}#:?\\-&*!|>'\"%@`]|-(?={_MID}))"
_PLAIN = f"{_FIRST}{_MID}*+(?: ++{_MID}++)*+"
_SQ_BODY = f"[^'{_NEVER}]*+(?:''[^'{_NEVER}]*+)*+"
_DQ_BODY = f'[^"\\\\{_NEVER}]*+'
#: one value as written (quotes included), one group
_TOKEN = f"('{_SQ_BODY}'|\"{_DQ_BODY}\"|{_PLAIN})"
#: one value in three groups: single-quoted body, double-quoted body, plain
_TOKEN3 = f"(?:'({_SQ_BODY})'|\"({_DQ_BODY})\"|({_PLAIN}))"
_KEY = "[A-Za-z_][A-Za-z0-9_]*"
#: one field with positions (lazy look-ups): key, then the three value groups
_FIELD = re.compile(f" *({_KEY}): +{_TOKEN3} *(,|}})")
#: the keys of an item line, in order (a guess the line's pattern then confirms)
_KEYS_OF = re.compile(f"[{{,] *({_KEY}): +(?:'(?:[^']|'')*'|\"[^\"]*\"|[^,}}]*)")
_VALUES_LINE = re.compile(r"^( *)values: *$", re.MULTILINE)
_INT_DEC = re.compile(r"-?(?:0|[1-9][0-9]*)")
#: decimal integers, one a line: a whole column of them in one match
_INT_COLUMN = re.compile(r"(?:-?(?:0|[1-9][0-9]*)\n)*-?(?:0|[1-9][0-9]*)")
_INT_FIRSTS = frozenset("-0123456789")
_FLOAT_SIMPLE = re.compile(r"-?[0-9]+\.[0-9]+(?:e[-+][0-9]+)?")
_RESOLVERS = Resolver.yaml_implicit_resolvers
#: a plain scalar starting with none of these is a string for PyYAML's resolver
_TYPED_FIRSTS = frozenset(k for k in _RESOLVERS if k)
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_BOOLS["FALSE"] = False


class _Decline(DbplanError):
    """A token or line this module does not read: its block goes to PyYAML."""


class FrozenRows(list):
    """The rows of one block, each already a :class:`~planner.state.model.FrozenMap`
    (string keys, scalar values): :class:`~planner.state.shape.Shape` takes them as is."""

    __slots__ = ()


def _resolve(token: str) -> str:
    """The tag PyYAML's resolver gives the plain scalar ``token``
    (``yaml.resolver.BaseResolver.resolve`` for an implicit plain scalar)."""
    for tag, regexp in _RESOLVERS.get(token[0], ()):
        if regexp.match(token):
            return tag
    return _STR


def _plain(token: str) -> Any:
    """The value of a plain scalar, as the reader builds it; _Decline for anything but
    a string, a decimal integer, a simple finite float, true/false or null."""
    tag = _resolve(token)
    if tag == _STR or tag == _TIMESTAMP:  # the reader keeps timestamps as written
        return token
    if tag == _INT and _INT_DEC.fullmatch(token):
        return int(token)
    if tag == _FLOAT and _FLOAT_SIMPLE.fullmatch(token):
        value = float(token)
        if math.isfinite(value):
            return value
    elif tag == _BOOL and token in _BOOLS:
        return _BOOLS[token]
    elif tag == _NULL and token in ("null", "Null", "NULL", "~"):
        return None
    raise _Decline(token)


def _plain_column(tokens: tuple[str, ...], firsts: set[str]) -> list[Any]:
    """One column of plain scalars (``firsts``: their first characters)."""
    if not firsts & _TYPED_FIRSTS:
        return list(tokens)  # none the resolver reads as anything but a string
    if firsts <= _INT_FIRSTS and _INT_COLUMN.fullmatch("\n".join(tokens)):
        return list(map(int, tokens))
    memo: dict[str, Any] = {}
    out = []
    for t in tokens:
        if t not in memo:
            memo[t] = _plain(t)
        out.append(memo[t])
    return out


def _token(t: str) -> Any:
    if t[0] == "'":
        return t[1:-1].replace("''", "'")
    if t[0] == '"':
        return t[1:-1]
    return _plain(t)


def _column(tokens: tuple[str, ...]) -> list[Any]:
    """One column's values from its tokens as written."""
    firsts = set(map(itemgetter(0), tokens))
    if "'" not in firsts and '"' not in firsts:
        return _plain_column(tokens, firsts)
    if len(firsts) == 1:
        values = [t[1:-1] for t in tokens]
        if "'" in firsts and "'" in "\n".join(values):
            values = [v.replace("''", "'") for v in values]
        return values
    return list(map(_token, tokens))


class _Shape:
    """The rows of one key sequence: a pattern matching its whole item line."""

    __slots__ = ("keys", "pattern", "lines")

    def __init__(self, keys: tuple[str, ...], indent: int):
        if not keys or len(set(keys)) != len(keys) or any(_resolve(k) != _STR for k in keys):
            raise _Decline("keys")  # duplicate keys, keys YAML reads as non-strings
        self.keys = keys
        fields = " *+, *+".join(f"{re.escape(k)}: ++{_TOKEN}" for k in keys)
        self.pattern = re.compile(
            f"^ {{{indent}}}- ++\\{{ *+{fields} *+\\}}(?: *+| ++#.*)$", re.MULTILINE
        )
        self.lines: list[int] = []  # which rows of the block

    def rows(self, found: list) -> list[FrozenMap]:
        """The rows of ``found``: each line's tokens (a tuple, or a string for one key)."""
        n = len(self.keys)
        columns = [_column(c) for c in zip(*found, strict=True)] if n > 1 else [_column(found)]
        order = sorted(range(n), key=self.keys.__getitem__)
        names = [self.keys[j] for j in order]
        new = tuple.__new__
        columns = [columns[j] for j in order]
        return [
            new(FrozenMap, zip(names, vals, strict=True)) for vals in zip(*columns, strict=True)
        ]


def _keys_of(line: str) -> tuple[str, ...]:
    return tuple(m.group(1) for m in _KEYS_OF.finditer(line, line.find("{")))


def _read_items(region: str, items: list[str], indent: int) -> FrozenRows:
    """The rows of a block (``region``: its text, ``items``: its item lines);
    _Decline unless every item line is read."""
    if max(map(len, items)) > MAX_LINE:
        raise _Decline("long line")
    shape = _Shape(_keys_of(items[0]), indent)
    found = shape.pattern.findall(region)
    if len(found) == len(items):  # the pattern spans one line: every item line matched
        return FrozenRows(shape.rows(found))
    # more than one key sequence: each line to the shape of its keys
    shapes: dict[tuple[str, ...], _Shape] = {shape.keys: shape}
    by_shape: dict[_Shape, list] = {}
    for i, line in enumerate(items):
        m = shape.pattern.fullmatch(line)
        s = shape
        if m is None:
            keys = _keys_of(line)
            s = shapes.get(keys)
            if s is None:
                if len(shapes) >= MAX_SHAPES:
                    raise _Decline("shapes")
                s = shapes[keys] = _Shape(keys, indent)
            m = s.pattern.fullmatch(line)
            if m is None:
                raise _Decline(line)
        s.lines.append(i)
        by_shape.setdefault(s, []).append(m.groups() if len(s.keys) > 1 else m.group(1))
    out: list = [None] * len(items)
    for s, rows in by_shape.items():
        for i, row in zip(s.lines, s.rows(rows), strict=True):
            out[i] = row
    return FrozenRows(out)


class _Block:
    """One accepted block: where its rows are written, for positions asked later."""

    __slots__ = ("key_mark", "first_line", "lines", "items", "rows", "path", "_fields")

    def __init__(self, key_mark, first_line, lines, items, rows):
        self.key_mark = key_mark  # (line, col) of the ``values`` key
        self.first_line = first_line  # line number of lines[0]
        self.lines = lines  # the block's lines (items, blank and comment lines)
        self.items = items  # index in lines of each row, None when every line is one
        self.rows = rows
        self.path: tuple = ()
        self._fields: dict[int, dict] = {}

    def fields(self, i: int) -> tuple[int, dict] | None:
        """Row ``i``: (its line, {key: (key column, value column, plain)}); None if no row."""
        if not 0 <= i < len(self.rows):
            return None
        j = i if self.items is None else self.items[i]
        found = self._fields.get(i)
        if found is None:
            line = self.lines[j]
            found = {}
            pos = line.index("{") + 1
            while True:
                m = _FIELD.match(line, pos)
                if m is None:  # pragma: no cover - the line matched its pattern
                    break
                found[m.group(1)] = (m.start(1) + 1, _value_col(m), m.group(4) is not None)
                pos = m.end()
                if m.group(5) == "}":
                    break
            self._fields[i] = found
        return (self.first_line + j, found)

    def brace(self, i: int) -> int:
        j = i if self.items is None else self.items[i]
        return self.lines[j].index("{") + 1


def _value_col(m: re.Match) -> int:
    for g in (2, 3):
        if m.group(g) is not None:
            return m.start(g)  # the quote before the body, 1-based: start(g) - 1 + 1
    return m.start(4) + 1


def _find_blocks(text: str) -> tuple[str, list[_Block]]:
    """The text with the item lines of every accepted block blanked, and the blocks."""
    blocks: list[_Block] = []
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces
    line_no, counted = 1, 0
    for m in _VALUES_LINE.finditer(text):
        if m.start() < done:
            continue
        k = len(m.group(1))
        start = m.end() + 1
        if start >= len(text):
            break
        # the first item line fixes the items' indentation
        nl = text.find("\n", start)
        first = text[start : nl if nl >= 0 else len(text)]
        d = len(first) - len(first.lstrip(" "))
        if d < k or not first.startswith("- {", d):
            continue
        region = re.compile(f"(?:(?: {{{d}}}- [^\\n]*| *(?:#[^\\n]*)?)(?:\\n|\\Z))*")
        end = region.match(text, start).end()
        if end < len(text) and text[end - 1] != "\n":  # pragma: no cover - regex ends lines
            continue
        if not _ends_block(text, end, k, d):
            continue
        lines = text[start:end].split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        prefix = " " * d + "- "
        items = [j for j, line in enumerate(lines) if line.startswith(prefix)]
        if len(items) < MIN_ROWS:
            continue
        item_lines = lines if len(items) == len(lines) else [lines[j] for j in items]
        try:
            rows = _read_items(text[start:end], item_lines, d)
        except _Decline:
            continue
        line_no += text.count("\n", counted, m.start())
        counted = m.start()
        pieces.append(text[done:start])
        pieces.append("\n" * text.count("\n", start, end))
        done = end
        blocks.append(
            _Block(
                (line_no, k + 1),
                line_no + 1,
                lines,
                None if len(items) == len(lines) else items,
                rows,
            )
        )
    if not blocks:
        return text, []
    pieces.append(text[done:])
    return "".join(pieces), blocks


def _ends_block(text: str, end: int, k: int, d: int) -> bool:
    """Whether the line at ``end`` (or the end of the file) ends the sequence of items
    indented ``d`` under a key indented ``k``, as YAML reads it."""
    if end >= len(text):
        return True
    nl = text.find("\n", end)
    line = text[end : nl if nl >= 0 else len(text)]
    indent = len(line) - len(line.lstrip(" "))
    if line[indent : indent + 1] == "\t":
        return False
    if indent < d and not (d > k and indent > k):
        return True
    return d == k and indent == k and not line.startswith("-", indent)


def _block_entry(blocks: list[_Block], path: tuple):
    """(block, row index, key or None) of a path inside a block's rows, else None."""
    for b in blocks:
        n = len(b.path)
        if len(path) in (n + 1, n + 2) and path[:n] == b.path:
            i = path[n]
            if type(i) is int and 0 <= i < len(b.rows):
                return b, i, (path[n + 1] if len(path) == n + 2 else None)
    return None


def _point(blocks: list[_Block], path: tuple) -> tuple[int, int] | None:
    found = _block_entry(blocks, path)
    if found is None:
        return None
    b, i, key = found
    line, fields = b.fields(i)
    if key is None:
        return (line, b.brace(i))
    f = fields.get(key) if isinstance(key, str) else None
    return None if f is None else (line, f[1])


def _key_point(blocks: list[_Block], path: tuple) -> tuple[int, int] | None:
    found = _block_entry(blocks, path)
    if found is None or found[2] is None or not isinstance(found[2], str):
        return None
    b, i, key = found
    line, fields = b.fields(i)
    f = fields.get(key)
    return None if f is None else (line, f[0])


def _is_plain(blocks: list[_Block], path: tuple) -> bool:
    found = _block_entry(blocks, path)
    if found is None or found[2] is None or not isinstance(found[2], str):
        return False
    b, i, key = found
    f = b.fields(i)[1].get(key)
    return bool(f and f[2])


def _paths(blocks: list[_Block]) -> Iterator[tuple]:
    for b in blocks:
        for i in range(len(b.rows)):
            yield (*b.path, i)
            for key in b.fields(i)[1]:
                yield (*b.path, i, key)


def read_row_blocks(
    text: str, parse: Callable[..., tuple[Any, SourceMap, list, dict]]
) -> tuple[Any, SourceMap, list] | None:
    """Read ``text`` with its row blocks taken line by line, the rest by ``parse``
    (the reader's composer: ``parse(text, watch=marks)`` returning the value, its
    SourceMap, the problems and, for each watched key mark, the entries found there).
    None when no block was taken or anything is unusual: the caller reads ``text`` the
    ordinary way."""
    if "\r" in text:
        return None
    blanked, blocks = _find_blocks(text)
    # most files have no block (short ``values:`` lists): look for characters the
    # reader refuses only then
    if not blocks or _NON_PRINTABLE.search(text) is not None:
        return None
    value, sm, problems, watched = parse(blanked, watch={b.key_mark for b in blocks})
    if problems:
        return None
    for b in blocks:
        found = watched.get(b.key_mark, [])
        if len(found) != 1:
            return None
        path, parent_flow, empty = found[0]
        if parent_flow or not empty or len(path) > 32:
            return None
        b.path = path
        parent = value
        for seg in path[:-1]:
            parent = parent[seg]
        parent[path[-1]] = b.rows
    return value, _row_source_map(sm, blocks), problems


def _row_source_map(sm: SourceMap, blocks: list[_Block]) -> RowSourceMap:
    """``sm`` (the blanked text's SourceMap) with the blocks' rows added."""
    points = sm._points
    for b in blocks:
        # a block sequence is positioned at its key; the blanked text read it as a
        # plain empty scalar
        points[b.path] = sm.key_position(b.path)
    out = RowSourceMap(points, sm._keys, sm._plain - {b.path for b in blocks})
    out._blocks = blocks
    return out


class RowSourceMap(SourceMap):
    """A :class:`~planner.state.reader.SourceMap` whose blocks of rows read line by line
    are positioned from their lines when asked (the same positions, computed later)."""

    __slots__ = ("_blocks",)

    def __getitem__(self, path):
        p = tuple(path)
        if p in self._points:
            return self._points[p]
        found = _point(self._blocks, p)
        if found is None:
            raise KeyError(p)
        return found

    def __iter__(self):
        yield from self._points
        yield from _paths(self._blocks)

    def __len__(self):
        return len(self._points) + sum(1 for _ in _paths(self._blocks))

    def key_position(self, path):
        p = tuple(path)
        return self._keys.get(p) or _key_point(self._blocks, p)

    def is_plain(self, path):
        p = tuple(path)
        return p in self._plain or _is_plain(self._blocks, p)

    def locate(self, path):
        p = tuple(path)
        while True:
            if p in self._points:
                return self._points[p]
            found = _point(self._blocks, p)
            if found is not None:
                return found
            if not p:
                return (0, 0)
            p = p[:-1]
