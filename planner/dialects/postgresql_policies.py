"""PostgreSQL's row-level security and policies: read from the catalog for a capture
(``pg_class.relrowsecurity`` / ``relforcerowsecurity``, ``pg_policies``) and the
statements that change them (:mod:`planner.state.policies`).

A table whose row-level security is forced but not enabled (``FORCE`` alone, which does
nothing until it is enabled) is not modelled: it stays in the inventory
(``row_level_security``). Roles are never created: a policy naming a role the server
does not have fails to be created when the revision runs.

Example:
    >>> from planner.state.policies import Policy
    >>> create_policy((None, "t"), Policy(name="own", command="select", roles=("app",),
    ...               using="owner = current_user"))
    'CREATE POLICY "own" ON "t" AS PERMISSIVE FOR SELECT TO "app" USING (owner = current_user)'
    >>> rls_statements((None, "t"), None, "forced")
    ['ALTER TABLE "t" ENABLE ROW LEVEL SECURITY', 'ALTER TABLE "t" FORCE ROW LEVEL SECURITY']
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from planner.state.policies import Policy, sort_policies

#: role names that are keywords in a policy's ``TO`` list (written bare)
_ROLE_KEYWORDS = frozenset({"public", "current_user", "current_role", "session_user"})

_TABLES = """
SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p')
  AND (c.relrowsecurity OR c.relforcerowsecurity)
"""

_POLICIES = """
SELECT schemaname, tablename, policyname, permissive, roles::text[], cmd, qual, with_check,
       (SELECT obj_description(p.oid, 'pg_policy') FROM pg_policy p
        JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = schemaname AND c.relname = tablename AND p.polname = policyname)
FROM pg_policies WHERE schemaname = ANY(:schemas)
ORDER BY schemaname, tablename, policyname
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(key: tuple[str | None, str]) -> str:
    return f"{_q(key[0])}.{_q(key[1])}" if key[0] else _q(key[1])


def _role(name: str) -> str:
    return name.upper() if name in _ROLE_KEYWORDS else _q(name)


def rls_value(enabled: bool, forced: bool) -> str | None:
    """The ``row_level_security`` value of the catalog flags (forced alone: None)."""
    if not enabled:
        return None
    return "forced" if forced else "enabled"


def rls_statements(key: tuple[str | None, str], old: str | None, new: str | None) -> list[str]:
    """The ``ALTER TABLE`` statements turning row-level security ``old`` into ``new``."""
    out = []
    t = _table(key)
    if (old is None) != (new is None):
        out.append(f"ALTER TABLE {t} {'DISABLE' if new is None else 'ENABLE'} ROW LEVEL SECURITY")
    if (old == "forced") != (new == "forced"):
        out.append(
            f"ALTER TABLE {t} {'FORCE' if new == 'forced' else 'NO FORCE'} ROW LEVEL SECURITY"
        )
    return out


def create_policy(key: tuple[str | None, str], p: Policy) -> str:
    sql = f"CREATE POLICY {_q(p.name)} ON {_table(key)}"
    sql += f" AS {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} FOR {p.command.upper()}"
    sql += " TO " + ", ".join(_role(r) for r in p.roles)
    if p.using is not None:
        sql += f" USING ({p.using})"
    if p.with_check is not None:
        sql += f" WITH CHECK ({p.with_check})"
    return sql


def alter_policy(key: tuple[str | None, str], old: Policy, new: Policy) -> str:
    sql = f"ALTER POLICY {_q(new.name)} ON {_table(key)}"
    if old.roles != new.roles:
        sql += " TO " + ", ".join(_role(r) for r in new.roles)
    if new.using is not None and new.using != old.using:
        sql += f" USING ({new.using})"
    if new.with_check is not None and new.with_check != old.with_check:
        sql += f" WITH CHECK ({new.with_check})"
    return sql


def policy_comment_sql(key: tuple[str | None, str], name: str, comment: str | None) -> str:
    """``COMMENT ON POLICY`` ``name`` of the table ``key`` (``IS NULL``: none)."""
    from planner.dialects import get

    value = "NULL" if comment is None else get("postgresql").string_literal(comment)
    return f"COMMENT ON POLICY {_q(name)} ON {_table(key)} IS {value}"


def drop_policy(key: tuple[str | None, str], p: Policy) -> str:
    return f"DROP POLICY {_q(p.name)} ON {_table(key)}"


def capture(conn: Any, snapshot: Any, names: list[str], default: str, hint: Any = None) -> Any:
    """``snapshot`` with the row-level security and policies of its tables (``names``:
    the captured schemas, the default one by its name). ``hint``: a snapshot whose
    spelling of the same expressions the capture keeps."""
    from planner.state.policies import spelled_as

    def key(nsp: str, rel: str) -> tuple[str | None, str]:
        return (None if nsp == default else nsp, rel)

    rls = {}
    for nsp, rel, enabled, forced in conn.execute(sa.text(_TABLES), {"schemas": names}):
        rls[key(nsp, rel)] = rls_value(enabled, forced)
    found: dict[tuple[str | None, str], list[Policy]] = {}
    for nsp, rel, name, permissive, roles, cmd, qual, check, comment in conn.execute(
        sa.text(_POLICIES), {"schemas": names}
    ):
        found.setdefault(key(nsp, rel), []).append(
            Policy(
                name=name,
                command=cmd.lower(),
                permissive=permissive == "PERMISSIVE",
                roles=tuple(roles),
                using=qual,
                with_check=check,
                comment=comment,
            )
        )
    if not rls and not found:
        return snapshot
    tables = []
    for t in snapshot.tables:
        if t.key in rls or t.key in found:
            t = dataclasses.replace(
                t, row_level_security=rls.get(t.key), policies=sort_policies(found.get(t.key, ()))
            )
            if hint is not None:
                t = spelled_as(t, hint.get_table(t.key))
        tables.append(t)
    return dataclasses.replace(snapshot, tables=tuple(tables))
