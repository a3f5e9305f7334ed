"""Errors of the snapshot layer.

Every problem found while loading or validating a snapshot is collected as a
:class:`Problem`; the loader raises one :class:`SnapshotError` holding them all
(sqlglot's ``ErrorLevel.RAISE``). ``str(error)`` prints one line per problem, sorted,
1-based line and column, at most 20, then ``... and N more``::

    schema_state/0.3.0.yaml:14:7: tables.users.columns.email.type: unknown type 'Strng' (did you mean 'String'?)
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHOWN = 20


class DbplanError(Exception):
    """Root of every error dbplan raises on purpose."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    file: str
    #: 1-based; 0 when unknown
    line: int = 0
    col: int = 0
    #: dotted YAML path (``tables.sites.columns.name.type``); "" for the document
    path: str = ""
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.path, self.message)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class SnapshotError(DbplanError):
    """One or more problems in one or more snapshot files."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__(self._render())

    def _render(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_SHOWN]]
        extra = len(self.problems) - MAX_SHOWN
        if extra > 0:
            lines.append(f"... and {extra} more")
        return "\n".join(lines)
