"""JSON documents of the reporting commands: check, verify, drift, generate, history.

Each document is plain data with a ``schema`` key (``dbplan.check/1`` ...), its keys in a
fixed order, and is described by a JSON Schema shipped in the package
(``planner/schemas/<name>.json``, :func:`schema_path`; docs/json-output.md). A difference
or finding carries ``source``: the snapshot file, line and column of the object it is
about, when that object is written in a snapshot (``null`` otherwise).

Example:
    >>> history_document([], current=set())["revisions"]
    []
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

#: the shipped schemas, by document name
SCHEMAS = ("plan", "graph", "check", "verify", "drift", "generate", "history")


def schema_path(name: str) -> Path:
    """The JSON Schema file of document ``name`` inside the installed package.

    Example:
        >>> schema_path("check").name
        'check.json'
    """
    if name not in SCHEMAS:
        raise ValueError(f"no schema {name!r} (expected one of {', '.join(SCHEMAS)})")
    return Path(str(resources.files("planner") / "schemas" / f"{name}.json"))


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of document ``name`` as data."""
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


def dump(doc: dict[str, Any]) -> str:
    """``doc`` as JSON: two-space indentation, UTF-8 characters kept, a final newline.

    Example:
        >>> dump({"b": 1, "a": 2})
        '{\\n  "b": 1,\\n  "a": 2\\n}\\n'
    """
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------
# where a finding stems from
# ---------------------------------------------------------------------------

_KINDS = {
    "foreign key": "foreign_keys",
    "unique": "unique",
    "check": "checks",
    "index": "indexes",
    "primary key": "primary_key",
    "row": "rows",
    "rows": "rows",
    "comment": "comment",
}


class SnapshotLocator:
    """Finds the line of an object named by a difference line in one snapshot file.

    Built from the snapshot's text (``load_with_source_map``, not validated again); a
    file that cannot be read locates nothing.

    Example:
        >>> text = "snapshot: 1\\nrelease: '1'\\ntables:\\n  sites:\\n    columns:\\n      name: {type: Text}\\n"
        >>> loc = SnapshotLocator.from_text(text, "s.yaml")
        >>> loc.locate("sites.name: type String(80), snapshot says Text")
        {'file': 's.yaml', 'line': 6, 'column': 7}
    """

    def __init__(self, file: str, source_map, tables: dict[str, set[str]], enums: set[str]):
        self.file = file
        self._sm = source_map
        self._tables = tables
        self._enums = enums

    @classmethod
    def from_text(cls, text: str, file: str) -> SnapshotLocator:
        from planner.state.yamlio import load_with_source_map

        try:
            snapshot, sm = load_with_source_map(text, file, validate=False)
        except Exception:  # noqa: BLE001 - an unreadable file locates nothing
            return cls(file, None, {}, set())
        tables = {t.qualified_name: {c.name for c in t.columns} for t in snapshot.tables}
        return cls(file, sm, tables, {e.name for e in snapshot.enums})

    @classmethod
    def from_file(cls, path: Path, file: str) -> SnapshotLocator:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            return cls(file, None, {}, set())
        return cls.from_text(text, file)

    def path_of(self, line: str) -> tuple | None:
        """The YAML path of the object ``line`` names (None when it names none)."""
        head, sep, rest = line.partition(": ")
        if not sep:
            return None
        if head.startswith("enum "):
            name = head[len("enum ") :]
            return ("enums", name) if name in self._enums else None
        if head in self._tables:
            for word, key in _KINDS.items():
                if rest.startswith(word + " ") or rest == word:
                    after = rest[len(word) :].strip().split(" ", 1)[0].rstrip(":")
                    if key in ("primary_key", "rows", "comment") or not after:
                        return ("tables", head, key)
                    return ("tables", head, key, after)
            return ("tables", head)
        table, _, column = head.rpartition(".")
        if table in self._tables:
            if column in self._tables[table]:
                return ("tables", table, "columns", column)
            return ("tables", table)
        return None

    def locate(self, line: str) -> dict[str, Any] | None:
        """``{"file", "line", "column"}`` of the object ``line`` names, or None."""
        if self._sm is None:
            return None
        path = self.path_of(line)
        if path is None:
            return None
        pos = self._sm.key_position(path) or self._sm.locate(path)
        if not pos or not pos[0]:
            return None
        return {"file": self.file, "line": pos[0], "column": pos[1]}


def _difference(line: str, locator: SnapshotLocator | None) -> dict[str, Any]:
    head, sep, _ = line.partition(": ")
    return {
        "object": head if sep else None,
        "message": line,
        "source": locator.locate(line) if locator is not None else None,
    }


_FILE_PREFIX = re.compile(r"^(?P<file>[^\s:]+\.(?:ya?ml|py|toml|ini))(?::(?P<line>\d+))?: ")


def _finding(text: str) -> dict[str, Any]:
    m = _FILE_PREFIX.match(text)
    if m is None:
        return {"file": None, "line": None, "message": text}
    line = int(m["line"]) if m["line"] else None
    return {"file": m["file"], "line": line, "message": text[m.end() :]}


# ---------------------------------------------------------------------------
# the documents
# ---------------------------------------------------------------------------


def check_document(
    releases: Iterable[str], problems: Iterable[Any], findings: Iterable[str]
) -> dict[str, Any]:
    """``dbplan check --format json`` (schema ``dbplan.check/1``).

    Example:
        >>> d = check_document(["0.1.0"], [], ["schema_state/0.1.0.yaml: release 0.1.0 has no revision"])
        >>> d["ok"], d["findings"][0]["file"], d["findings"][0]["message"]
        (False, 'schema_state/0.1.0.yaml', 'release 0.1.0 has no revision')
    """
    problems = [
        {
            "file": p.file,
            "line": p.line or None,
            "column": p.col or None,
            "path": p.path or None,
            "message": p.message if not p.more else str(p),
            "hint": p.hint,
        }
        for p in problems
    ]
    found = [_finding(f) for f in findings]
    return {
        "schema": "dbplan.check/1",
        "ok": not problems and not found,
        "snapshots": list(releases),
        "problems": problems,
        "findings": found,
    }


def verify_document(result, locators: dict[str, SnapshotLocator]) -> dict[str, Any]:
    """``dbplan verify --format json`` (schema ``dbplan.verify/1``); ``locators`` by
    release."""
    steps = []
    for s in result.steps:
        loc = locators.get(s.release) if s.release else None
        steps.append(
            {
                "direction": s.direction,
                "revision": s.revision,
                "release": s.release,
                "ok": not s.differences,
                "failed": s.failed,
                "differences": [_difference(d, loc) for d in s.differences],
            }
        )
    return {
        "schema": "dbplan.verify/1",
        "ok": result.ok,
        "url": result.url,
        "start": result.start,
        "summary": {
            "upgrades": sum(1 for s in result.steps if s.direction == "upgrade"),
            "downgrades": sum(1 for s in result.steps if s.direction == "downgrade"),
            "differences": len(result.differences) + (1 if result.pg_dump_diff else 0),
        },
        "steps": steps,
        "pg_dump_diff": result.pg_dump_diff,
        "not_compared": list(result.not_compared),
    }


def drift_document(result, url: str, locator: SnapshotLocator | None) -> dict[str, Any]:
    """``dbplan drift --format json`` (schema ``dbplan.drift/1``); ``url`` redacted."""
    p = result.partial
    partial = None
    if p is not None:
        partial = {
            "stamped": p.stamped,
            "target": p.target,
            "revision": p.revision,
            "applied": list(p.applied),
            "pending": list(p.pending),
            "other": list(p.other),
            "message": p.message,
        }
    return {
        "schema": "dbplan.drift/1",
        "ok": not result.differences and p is None,
        "url": url,
        "revision": result.revision,
        "release": result.release,
        "differences": [_difference(d, locator) for d in result.differences],
        "partial": partial,
    }


def generate_document(result=None, *, display=str, refused: str | None = None) -> dict[str, Any]:
    """``dbplan generate --format json`` (schema ``dbplan.generate/1``): the revision
    written, or ``written: false`` with the safety gate's message.

    Example:
        >>> generate_document(refused="destructive")["written"]
        False
    """
    if result is None:
        return {
            "schema": "dbplan.generate/1",
            "written": False,
            "refused": refused,
            "path": None,
            "revision": None,
            "down_revision": None,
            "from": None,
            "to": None,
            "operations": None,
            "replaced": [],
            "notes": [],
        }
    return {
        "schema": "dbplan.generate/1",
        "written": True,
        "refused": None,
        "path": display(result.path),
        "revision": result.revision,
        "down_revision": result.down_revision,
        "from": result.from_release,
        "to": result.to_release,
        "operations": result.operations,
        "replaced": [display(p) for p in result.replaced],
        "notes": list(result.notes),
    }


def history_document(revisions: Iterable[Any], *, current: set[str]) -> dict[str, Any]:
    """``dbplan history --format json`` (schema ``dbplan.history/1``), oldest first."""
    return {
        "schema": "dbplan.history/1",
        "revisions": [
            {
                "revision": r.revision,
                "down_revisions": list(r.down_revisions),
                "release": r.release,
                "head": r.is_head,
                "current": r.revision in current,
                "message": r.message,
            }
            for r in revisions
        ],
    }
