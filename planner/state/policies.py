"""Row-level security and the policies of a table (PostgreSQL): the table keys
``row_level_security`` and ``policies``.

The model is pure: :class:`Policy`, the values of ``row_level_security``
(:data:`RLS_VALUES`), the columns a policy reads (:func:`columns_read`), the validation
of both keys (:func:`check`) and their comparison for ``drift`` / ``verify``
(:func:`compare`). ``using`` and ``with_check`` are SQL expressions compared by meaning
(:func:`same_policy`), so a policy captured from ``pg_policies`` and the same policy
written by hand agree.

A policy names roles; dbplan never creates a role (roles are cluster-wide): a role that
does not exist makes ``CREATE POLICY`` fail when the revision runs.

Example:
    >>> p = Policy(name="own", using="owner = current_user")
    >>> (p.command, p.permissive, p.roles)
    ('all', True, ('public',))
    >>> same_policy(p, Policy(name="own", using="(owner = CURRENT_USER)"))
    True
    >>> same_policy(p, Policy(name="own", using="owner <> current_user"))
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: ``row_level_security``: ``enabled`` (``ENABLE ROW LEVEL SECURITY``) or ``forced``
#: (enabled, and ``FORCE ROW LEVEL SECURITY``: the owner is subject to it too);
#: absent: disabled
RLS_VALUES = ("enabled", "forced")
#: the commands a policy applies to (``FOR ...``), the default first
COMMANDS = ("all", "select", "insert", "update", "delete")
#: the keys of one policy
POLICY_KEYS = ("command", "permissive", "roles", "using", "with_check", "comment")
#: the commands without a USING expression / without a WITH CHECK one (PostgreSQL
#: refuses them)
NO_USING = frozenset({"insert"})
NO_WITH_CHECK = frozenset({"select", "delete"})

_IDENT = re.compile(r'"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b')


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A row-level security policy of a table (``CREATE POLICY name ON table``)."""

    name: str
    #: one of :data:`COMMANDS`
    command: str = "all"
    #: True: ``AS PERMISSIVE`` (combined with OR), False: ``AS RESTRICTIVE`` (AND)
    permissive: bool = True
    #: the roles it applies to, sorted; ``public``: every role
    roles: tuple[str, ...] = ("public",)
    #: the ``USING`` expression (SQL), None: none
    using: str | None = None
    #: the ``WITH CHECK`` expression (SQL), None: none
    with_check: str | None = None
    #: ``COMMENT ON POLICY``; None: no comment
    comment: str | None = None

    def __post_init__(self) -> None:
        roles = tuple(sorted(set(self.roles))) or ("public",)
        if roles != self.roles:
            object.__setattr__(self, "roles", roles)


def sort_policies(items: Any) -> tuple[Policy, ...]:
    return tuple(sorted(items, key=lambda p: p.name))


def columns_read(policy: Policy, column_names: Any) -> tuple[str, ...]:
    """The columns of its table (``column_names``) that ``policy``'s expressions name.

    Example:
        >>> columns_read(Policy(name="p", using='owner = current_user AND "Kind" > 1'),
        ...              ["id", "owner", "Kind"])
        ('Kind', 'owner')
    """
    names = set(column_names)
    found = set()
    for text in (policy.using, policy.with_check):
        for quoted, bare in _IDENT.findall(text or ""):
            name = quoted.replace('""', '"') if quoted else bare
            if name in names:
                found.add(name)
            elif not quoted and name.lower() in names:
                found.add(name.lower())
    return tuple(sorted(found))


def same_expression(a: str | None, b: str | None) -> bool:
    """Two policy expressions mean the same on PostgreSQL (None only equals None)."""
    from planner import sqlexpr

    try:
        from planner.dialects import having

        return sqlexpr.same_meaning(a, b, having("has_row_level_security"))
    except Exception:  # an expression sqlglot cannot parse: compared as text
        return a == b


def same_policy(a: Policy, b: Policy) -> bool:
    """``a`` and ``b`` are the same policy (expressions compared by meaning)."""
    return (
        a.name == b.name
        and a.command == b.command
        and a.permissive == b.permissive
        and a.roles == b.roles
        and same_expression(a.using, b.using)
        and same_expression(a.with_check, b.with_check)
    )


# --------------------------------------------------------------------------- validation
def check(snapshot: Any, targets: Any, add: Any) -> None:
    """Problems of the ``row_level_security`` and ``policies`` keys: a policy's
    expressions against its command, and both keys where a target dialect has no
    row-level security (``targets`` None: the project names none)."""
    from planner import dialects

    others: list[str] = []
    if targets is not None:
        others = sorted(
            {dialects.get(t).label for t in targets if not dialects.get(t).has_row_level_security}
        )
    for t in snapshot.tables:
        path = ("tables", t.name)
        if others and t.row_level_security is not None:
            add(
                (*path, "row_level_security"),
                f"row-level security of table {t.qualified_name} exists on PostgreSQL only, "
                f"and the targets include {', '.join(others)}",
                f"drop the key, or make PostgreSQL the only target ({dialects.only_target(dialects.having('has_row_level_security'))})",
            )
        for p in t.policies:
            pp = (*path, "policies", p.name)
            if others:
                add(
                    pp,
                    f"policy {p.name} of table {t.qualified_name} exists on PostgreSQL only, "
                    f"and the targets include {', '.join(others)}",
                    f"drop it, or make PostgreSQL the only target ({dialects.only_target(dialects.having('has_row_level_security'))})",
                )
            if p.command in NO_USING and p.using is not None:
                add(
                    (*pp, "using"),
                    f"a policy for {p.command.upper()} takes no USING expression (PostgreSQL refuses it)",
                    "move the expression to with_check",
                )
            if p.command in NO_WITH_CHECK and p.with_check is not None:
                add(
                    (*pp, "with_check"),
                    f"a policy for {p.command.upper()} takes no WITH CHECK expression "
                    "(PostgreSQL refuses it)",
                    "move the expression to using",
                )
            if p.using is None and p.with_check is None:
                add(
                    pp,
                    f"policy {p.name} of table {t.qualified_name} has neither using nor with_check",
                    "give it using: (the rows it lets through) or with_check: (the rows it lets in)",
                )


# --------------------------------------------------------------------------- compare
def _show(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, tuple):
        return "(" + ", ".join(v) + ")"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def compare(actual: Any, expected: Any) -> list[str]:
    """The differences in row-level security and policies (``actual`` captured).

    Example:
        >>> from planner.state.model import Snapshot, Table
        >>> a = Snapshot(release="1", tables=(Table(name="t"),))
        >>> b = Snapshot(release="1", tables=(Table(name="t", row_level_security="forced"),))
        >>> compare(a, b)
        ['t: row level security none, snapshot says forced']
    """
    out: list[str] = []
    have = {t.key: t for t in actual.tables}
    for t in expected.tables:
        g = have.get(t.key)
        if g is None:
            continue
        where = t.qualified_name
        if g.row_level_security != t.row_level_security:
            out.append(
                f"{where}: row level security {_show(g.row_level_security)}, "
                f"snapshot says {_show(t.row_level_security)}"
            )
        got = {p.name: p for p in g.policies}
        need = {p.name: p for p in t.policies}
        for name in sorted(need.keys() - got.keys()):
            out.append(f"{where}: policy {name} missing")
        for name in sorted(got.keys() - need.keys()):
            out.append(f"{where}: policy {name} not in snapshot")
        for name in sorted(got.keys() & need.keys()):
            a, b = got[name], need[name]
            for f in POLICY_KEYS:
                va, vb = getattr(a, f), getattr(b, f)
                same = same_expression(va, vb) if f in ("using", "with_check") else va == vb
                if not same:
                    out.append(
                        f"{where}: policy {name}: {f} {_show(va)}, snapshot says {_show(vb)}"
                    )
    return out


def spelled_as(table: Any, hint: Any) -> Any:
    """``table`` (captured) with the hint table's spelling of each policy expression
    that means the same (the snapshot's text survives a round trip through a database)."""
    import dataclasses

    if hint is None or not table.policies or not hint.policies:
        return table
    by_name = {p.name: p for p in hint.policies}
    out = []
    for p in table.policies:
        h = by_name.get(p.name)
        if h is not None and same_policy(p, h):
            p = dataclasses.replace(h, comment=p.comment)  # the database's comment
        out.append(p)
    return dataclasses.replace(table, policies=tuple(out))
