"""The shape of a table's ``row_level_security`` and ``policies`` keys (part of
:class:`planner.state.shape.Shape`) and their canonical YAML nodes (for
:mod:`planner.state.writer`); the model is :mod:`planner.state.policies`.

Example:
    >>> from planner.state.shape import load_snapshot_text
    >>> s = load_snapshot_text(
    ...     "snapshot: 1\\nrelease: '1'\\ntables:\\n  t:\\n    columns: {owner: {type: Text}}\\n"
    ...     "    row_level_security: forced\\n"
    ...     "    policies:\\n      own: {command: select, using: owner = current_user}\\n", "x.yaml")
    >>> t = s.table("t")
    >>> t.row_level_security, t.policies[0].command, t.policies[0].roles
    ('forced', 'select', ('public',))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.state.policies import COMMANDS, POLICY_KEYS, RLS_VALUES, Policy, sort_policies

if TYPE_CHECKING:
    from planner.state.reader import Path_
    from planner.state.shape import Shape

__all__ = ["policies_pairs", "read_policies", "read_row_level_security"]


def read_row_level_security(shape: Shape, value: Any, path: Path_) -> str | None:
    """``row_level_security: enabled | forced`` (absent: disabled)."""
    from planner.state.shape import _MISSING, _describe, _suggest

    if value is _MISSING:
        return None
    if isinstance(value, str) and value in RLS_VALUES:
        return value
    hint = _suggest(value, RLS_VALUES) if isinstance(value, str) else None
    if value is True:
        hint = "write enabled (or forced: the table's owner is subject to it too)"
    elif value is False or value == "disabled":
        hint = "leave the key out: row-level security is disabled without it"
    shape.add(
        path,
        f"expected row-level security ({', '.join(RLS_VALUES)}), found {_describe(value)}",
        hint,
    )
    return None


def read_policies(shape: Shape, body: Any, path: Path_) -> tuple[Policy, ...]:
    """``policies: {name: {command, permissive, roles, using, with_check}}``."""
    from planner.state.shape import _MISSING, _describe, _suggest

    out = []
    for name, entry in shape.names_mapping(body, path, "policies").items():
        pp = (*path, name)
        e = shape.mapping(entry, pp, f"policy '{name}'", allowed=POLICY_KEYS)
        if e is None:
            continue
        command = e.get("command", _MISSING)
        if command is _MISSING:
            command = COMMANDS[0]
        elif not (isinstance(command, str) and command in COMMANDS):
            shape.add(
                (*pp, "command"),
                f"expected a policy command ({', '.join(COMMANDS)}), found {_describe(command)}",
                _suggest(command, COMMANDS) if isinstance(command, str) else None,
            )
            command = COMMANDS[0]
        permissive = shape.flag(e.get("permissive", _MISSING), (*pp, "permissive"), "permissive")
        roles: tuple[str, ...] | None = ("public",)
        if "roles" in e:
            roles = shape.names(e["roles"], (*pp, "roles"), "role names")  # not empty
        using = shape.text(e.get("using", _MISSING), (*pp, "using"), "an SQL expression", sql=True)
        check = shape.text(
            e.get("with_check", _MISSING), (*pp, "with_check"), "an SQL expression", sql=True
        )
        out.append(
            Policy(
                name=name,
                command=command,
                permissive=True if permissive is None else permissive,
                roles=roles or ("public",),
                using=using,
                with_check=check,
                comment=shape.text(e.get("comment", _MISSING), (*pp, "comment"), "a comment"),
            )
        )
    return sort_policies(out)


def policies_pairs(t: Any) -> list[tuple[str, Any]]:
    """The canonical ``(key, node)`` pairs of ``t``'s row-level security and policies
    (defaults left out), for the table's mapping."""
    from planner.state.writer import _block, _flow, _names, _str_node, _value_node

    pairs: list[tuple[str, Any]] = []
    if t.row_level_security is not None:
        pairs.append(("row_level_security", _str_node(t.row_level_security, flow=False)))
    if t.policies:
        body = []
        for p in t.policies:
            fields: list[tuple[str, Any]] = []
            if p.command != COMMANDS[0]:
                fields.append(("command", _str_node(p.command, flow=True)))
            if not p.permissive:
                fields.append(("permissive", _value_node(False)))
            if p.roles != ("public",):
                fields.append(("roles", _names(p.roles)))
            for key in ("using", "with_check", "comment"):
                v = getattr(p, key)
                if v is not None:
                    fields.append((key, _str_node(v, flow=True)))
            body.append((p.name, _flow(fields)))
        pairs.append(("policies", _block(body)))
    return pairs
