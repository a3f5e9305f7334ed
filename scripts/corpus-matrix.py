#!/usr/bin/env python3
"""Print the scenario corpus as a Markdown matrix: object kind x dialect x
{create, change, drop, table underneath}, each cell naming the scenarios covering it.

A scenario's kind and cell come from its name ``<kind>_<rest>`` (the kind is the first
word; the cell is read from the words of ``rest``), or from a header line in its
``a.sql``: ``-- covers: <kind>/<cell>[, <kind>/<cell>...]`` which takes precedence.
Usage: ``python scripts/corpus-matrix.py [--gaps]`` (``--gaps`` lists empty cells only).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tests" / "objects" / "scenarios"
CELLS = ("create", "change", "drop", "table")
WORDS = {
    "create": {"created", "added", "create"},
    "drop": {"dropped", "drop", "removed"},
    "table": {"kept", "table", "column", "widened", "gains", "underneath", "read", "renamed"},
    "change": {"changed", "switched", "became", "to", "from", "version", "change"},
}


def classify(name: str, a_sql: str) -> list[tuple[str, str]]:
    m = re.search(r"^--\s*covers:\s*(.+)$", a_sql, re.M)
    if m:
        return [tuple(x.strip().split("/", 1)) for x in m.group(1).split(",") if "/" in x]
    kind, _, rest = name.partition("_")
    words = set(rest.split("_"))
    for cell in ("table", "drop", "create", "change"):
        if words & WORDS[cell]:
            return [(kind, cell)]
    return [(kind, "change")]


def matrix() -> dict[tuple[str, str, str], list[str]]:
    out: dict[tuple[str, str, str], list[str]] = {}
    for d in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        for case in sorted(p for p in d.iterdir() if (p / "a.sql").is_file()):
            for kind, cell in classify(case.name, (case / "a.sql").read_text("utf-8")):
                out.setdefault((kind, d.name, cell), []).append(case.name)
    return out


def main() -> int:
    m = matrix()
    gaps = "--gaps" in sys.argv
    print("| kind | dialect | " + " | ".join(CELLS) + " |")
    print("|---|---|" + "---|" * len(CELLS))
    for kind, dialect in sorted({(k, d) for k, d, _ in m}):
        row = [", ".join(m.get((kind, dialect, c), [])) or "**—**" for c in CELLS]
        if gaps and "**—**" not in row:
            continue
        print(f"| {kind} | {dialect} | " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
