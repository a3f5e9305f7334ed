"""Revisions for the target dialects (``[tool.dbplan] dialects``) only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from planner.dialects import Dialect
from planner.revisions import alembic_ops as custom

# ------------------------------------------------------------------ target dialects
#
# A revision carries the branches of the project's target dialects only: a switch whose
# targets all run the same body becomes that body; branches no target takes are left
# out; SQLite's rebuilds are prepared only where SQLite is a target, and written without
# their ``if ... == 'sqlite'`` when it is the only one.


def _runtime_names(targets: Sequence[Dialect]) -> frozenset[str]:
    return frozenset(n for t in targets for n in t.runtime_names)


def _for_targets(operations: Sequence[Any], names: frozenset[str], targets) -> list:
    """``operations`` as the target dialects (``names``) run them (see above)."""
    out: list = []
    for o in operations:
        if isinstance(o, custom.DialectSwitchOp):
            out.extend(_switch_for_targets(o, names, targets))
        elif isinstance(o, custom.DropMySQLFKIndexOp):
            if any(t.foreign_key_needs_index for t in targets):
                out.append(o)
        elif isinstance(o, custom.AutocommitOp):
            o.body = _for_targets(o.body, names, targets)
            out.append(o)
        else:
            out.append(o)
    return out


def _switch_for_targets(o: custom.DialectSwitchOp, names: frozenset[str], targets) -> list:
    """A switch reduced to its targets' branches (the body itself when all take it)."""
    groups: list[tuple[list, tuple[str, ...], bool]] = []  # (body, names, is otherwise)
    for target in targets:
        own = set(target.runtime_names)
        body, branch = next(((b, n) for n, b in o.branches if set(n) & own), (o.otherwise, None))
        for i, (seen, at, other) in enumerate(groups):
            if seen is body:
                groups[i] = (seen, (*at, *target.runtime_names), other)
                break
        else:
            groups.append((body, tuple(target.runtime_names), branch is None))
    if len(groups) == 1:
        return _for_targets(groups[0][0], names, targets)
    otherwise = next((b for b, _, other in groups if other), None)
    empty_branch = any(not b for b, _, other in groups if not other)
    branches = []
    for n, b in o.branches:  # in the switch's order, names as the switch spells them
        group = next((g for g in groups if g[0] is b and not g[2]), None)
        if group is not None:
            branches.append((tuple(x for x in n if x in group[1]), _for_targets(b, names, targets)))
    if otherwise is not None and empty_branch:
        # an empty branch would let its dialect fall through to the otherwise body
        at = next(g[1] for g in groups if g[2])
        branches.append((at, _for_targets(otherwise, names, targets)))
        otherwise = None
    rest = _for_targets(otherwise, names, targets) if otherwise is not None else ()
    return [custom.DialectSwitchOp(branches, rest)]
