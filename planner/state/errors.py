"""Errors of the snapshot layer.

Every problem found while loading or validating a snapshot is collected as a
:class:`Problem`; the loader raises one :class:`SnapshotError` holding them all
(sqlglot's ``ErrorLevel.RAISE``). ``str(error)`` prints one line per problem, sorted,
1-based line and column, at most 20, then ``... and N more``.

Problems are bounded in memory and output: a collector (:class:`Problems`) keeps the
first :data:`MAX_KEPT` and counts the rest, and a :class:`SnapshotError` holds at most
:data:`MAX_KEPT` problems followed by one line ``… and 199,950 more problems``. A
message never echoes a run of more than :data:`MAX_DIGITS` digits in full::

    schema_state/0.3.0.yaml:14:7: tables.users.columns.email.type: unknown type 'Strng' (did you mean 'String'?)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from planner.errors import DbplanError

__all__ = ["MAX_KEPT", "MAX_SHOWN", "DbplanError", "Problem", "Problems", "SnapshotError"]

MAX_SHOWN = 20
#: problems kept per file; the rest are only counted
MAX_KEPT = 50
#: longer runs of digits (a 5,000-digit integer) are shortened in messages
MAX_DIGITS = 40
_LONG_DIGITS = re.compile(r"\d{" + str(MAX_DIGITS + 1) + ",}")


def shorten(text: str) -> str:
    """``text`` with each run of more than :data:`MAX_DIGITS` digits shortened.

    Example:
        >>> shorten("value " + "9" * 5000 + " is out of range")
        'value 9999999999…9999 (5000 digits) is out of range'
    """
    if len(text) <= MAX_DIGITS:
        return text
    return _LONG_DIGITS.sub(lambda m: f"{m[0][:10]}…{m[0][-4:]} ({len(m[0])} digits)", text)


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
    #: > 0 only on the last line of a capped list: how many problems were left out
    more: int = 0

    def sort_key(self) -> tuple:
        return (self.file, self.more > 0, self.line, self.col, self.path, self.message)

    def __str__(self) -> str:
        if self.more:
            return f"{self.file}: … and {self.more:,} more problem{'s' if self.more != 1 else ''}"
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return shorten(text)


class Problems(list):
    """A list of problems that keeps the first :data:`MAX_KEPT` and counts the rest.

    Example:
        >>> ps = Problems()
        >>> for i in range(60):
        ...     ps.append(Problem(file="f", line=i + 1, message="bad"))
        >>> len(ps), ps.more
        (50, 10)
    """

    def __init__(self, items: Iterable[Problem] = ()):
        super().__init__()
        self.more = 0
        self.extend(items)

    def append(self, problem: Problem) -> None:
        if len(self) < MAX_KEPT:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.append(p)
        self.more += getattr(problems, "more", 0)

    def __iadd__(self, problems: Iterable[Problem]):  # type: ignore[override]
        self.extend(problems)
        return self


class SnapshotError(DbplanError):
    """One or more problems in one or more snapshot files.

    Holds at most :data:`MAX_KEPT` problems (the first, in file order), then one line
    counting the rest; ``more`` adds problems a collector only counted.
    """

    def __init__(self, problems: Iterable[Problem], *, more: int = 0):
        items = list(problems)
        more += getattr(problems, "more", 0) + sum(p.more for p in items)
        ordered = sorted((p for p in items if not p.more), key=Problem.sort_key)
        if len(ordered) > MAX_KEPT:
            more += len(ordered) - MAX_KEPT
            del ordered[MAX_KEPT:]
        if more and ordered:
            ordered.append(Problem(file=ordered[-1].file, message="more problems", more=more))
        self.problems = tuple(ordered)
        self.more = more
        super().__init__(self._render())

    def _render(self) -> str:
        real = [p for p in self.problems if not p.more]
        lines = [str(p) for p in real[:MAX_SHOWN]]
        extra = max(0, len(real) - MAX_SHOWN) + self.more
        if extra > 0:
            lines.append(f"... and {extra:,} more")
        return "\n".join(lines)
