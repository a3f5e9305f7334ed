"""Managed rows in a database against snapshots: the row parts of verify and drift.

* :func:`compare_rows` — pure: a captured table's managed rows against the snapshot's, as
  multisets (every declared row once, by key).
* :func:`retired_rows` — managed rows of other releases that a release does not declare
  must be gone from a database at that release.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.state.model import Snapshot, Table

__all__ = ["compare_rows", "key_text", "retired_rows"]


def key_text(key: tuple[str, ...], values: tuple) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in zip(key, values, strict=True))


def compare_rows(where: str, got: Table, want: Table, out: list[str]) -> None:
    """Managed rows compared as multisets: each declared row once, by key; a key the
    database holds twice is a difference (a revision that duplicated a managed row)."""
    if want.rows is None:
        return
    rs = want.rows
    need = rs.by_key()
    have: dict[tuple, list] = {}
    if got.rows is not None:
        for r in got.rows.rows:
            have.setdefault(tuple(dict(r).get(c) for c in rs.key), []).append(r)
    for k, row in need.items():
        copies = have.get(k)
        if not copies:
            out.append(f"{where}: row ({key_text(rs.key, k)}) missing")
            continue
        if len(copies) > 1:
            out.append(
                f"{where}: row ({key_text(rs.key, k)}) is in the database {len(copies)} times, "
                "snapshot says once"
            )
        seen: set[str] = set()
        b = dict(row)
        for found in copies:
            a = dict(found)
            for col in sorted(a.keys() | b.keys()):
                if col in rs.key or a.get(col) == b.get(col):
                    continue
                line = (
                    f"{where}: row ({key_text(rs.key, k)}): {col} {a.get(col)!r}, "
                    f"snapshot says {b.get(col)!r}"
                )
                if line not in seen:
                    seen.add(line)
                    out.append(line)
    for k in have.keys() - need.keys():
        out.append(f"{where}: row ({key_text(rs.key, k)}) not in snapshot")


def retired_rows(url: str, snapshot: Snapshot, others: Iterable[Snapshot]) -> list[str]:
    """Managed rows of other releases that ``snapshot`` does not declare but the database
    at ``snapshot``'s release holds: rows a revision failed to delete (or never deleted),
    deleted rows that came back, rows a downgrade left behind.

    A row counts when its table has the same name and the same ``rows.key`` columns in
    ``snapshot`` (with a changed key the rows cannot be matched). Rows users added under
    keys no release manages are never reported.

    Example:
        >>> from planner.state.yamlio import load_snapshot
        >>> s010, s020 = (load_snapshot(f"schema_state/{r}.yaml") for r in ("0.1.0", "0.2.0"))
        >>> retired_rows("sqlite:///app.sqlite", s020, [s010])  # app.sqlite is at 0.2.0
        []
    """
    from planner.state.capture import count_rows

    gone: dict[tuple, dict[tuple, str]] = {}  # table key -> {row key: the release of it}
    keys: dict[tuple, tuple[str, ...]] = {}
    for other in others:
        if other.release == snapshot.release:
            continue
        for t in other.tables:
            here = snapshot.get_table(t.key)
            if t.rows is None or here is None:
                continue
            if "seed" in (t.rows.mode, here.rows.mode if here.rows is not None else None):
                continue  # seed rows are never deleted: one left behind is no difference
            key = here.rows.key if here.rows is not None else t.rows.key
            if set(key) != set(t.rows.key):
                continue
            declared = set(here.rows.by_key()) if here.rows is not None else set()
            for row in t.rows.rows:
                k = tuple(dict(row).get(c) for c in key)
                if k not in declared:
                    gone.setdefault(t.key, {}).setdefault(k, other.release)
                    keys[t.key] = key
    out = []
    for tkey in sorted(gone, key=lambda k: (k[0] or "", k[1])):
        table = snapshot.get_table(tkey)
        key = keys[tkey]
        found = count_rows(url, table, key, gone[tkey])
        for k in sorted(found, key=repr):
            times = "" if found[k] == 1 else f" {found[k]} times"
            out.append(
                f"{table.qualified_name}: row ({key_text(key, k)}) is in the database{times}, "
                f"but release {snapshot.release} has no such managed row "
                f"(a managed row of {gone[tkey][k]})"
            )
    return out
