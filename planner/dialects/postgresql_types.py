"""PostgreSQL's domains, composite types and collations (:mod:`planner.state.pg_types`):
read from the catalog for a capture, and the DDL creating, altering and dropping them
(the direct build and the revisions write the same statements).

A capture takes every domain, every composite type (``CREATE TYPE ... AS``) and every
collation of the icu or libc provider whose ``LC_COLLATE`` and ``LC_CTYPE`` agree; what
it does not model stays in the inventory. A column of a domain keeps its own ``NOT
NULL`` and default (SQLAlchemy's reflection reports the domain's: corrected here).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import sqlalchemy as sa

from planner.state.pg_types import (
    Attribute,
    Collation,
    CompositeType,
    Domain,
    DomainCheck,
    creation_order,
)


def _not_extension(catalog: str, oid: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass "
        f"AND e.objid = {oid} AND e.deptype = 'e')"
    )


_DOMAINS = f"""
SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       t.typdefault,
       CASE WHEN t.typcollation <> b.typcollation THEN
         (SELECT CASE WHEN cn.nspname IN ('pg_catalog', current_schema()) THEN c.collname
                 ELSE cn.nspname || '.' || c.collname END
          FROM pg_collation c JOIN pg_namespace cn ON cn.oid = c.collnamespace
          WHERE c.oid = t.typcollation) END,
       obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
WHERE t.typtype = 'd' AND n.nspname = ANY(:schemas) AND {_not_extension("pg_type", "t.oid")}
ORDER BY n.nspname, t.typname
"""

_DOMAIN_CHECKS = """
SELECT k.contypid, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k WHERE k.contypid = ANY(:oids) AND k.contype = 'c'
ORDER BY k.conname
"""

_TYPES = f"""
SELECT t.typrelid, n.nspname, t.typname, obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid
WHERE t.typtype = 'c' AND c.relkind = 'c' AND n.nspname = ANY(:schemas)
  AND {_not_extension("pg_type", "t.oid")}
ORDER BY n.nspname, t.typname
"""

_ATTRIBUTES = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod),
       col_description(a.attrelid, a.attnum)
FROM pg_attribute a WHERE a.attrelid = ANY(:oids) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

#: the collations a capture models (the inventory lists the others)
MODELLED_COLLATION = (
    "c.collprovider IN ('i', 'c') AND c.collcollate IS NOT DISTINCT FROM c.collctype"
)

_COLLATIONS = f"""
SELECT n.nspname, c.collname, c.collprovider,
       CASE c.collprovider WHEN 'i' THEN c.colliculocale ELSE c.collcollate END,
       c.collisdeterministic, obj_description(c.oid, 'pg_collation')
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE n.nspname = ANY(:schemas) AND {MODELLED_COLLATION}
  AND {_not_extension("pg_collation", "c.oid")}
ORDER BY n.nspname, c.collname
"""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: the own NOT NULL and default of each column of a domain type, and the domain
_DOMAIN_COLUMNS = """
SELECT n.nspname, t.relname, a.attname, a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
       ty.typname, tn.nspname, tn.nspname = current_schema()
FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_type ty ON ty.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = ty.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = ANY(:schemas) AND ty.typtype = 'd' AND a.attnum > 0 AND NOT a.attisdropped
"""


def _check_text(definition: str) -> str:
    """``CHECK ((VALUE > 0))`` -> ``VALUE > 0``."""
    text = definition.strip()
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth, quote = 0, False
    for ch in text:
        if ch == "'":
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def capture(conn: Any, snapshot: Any, names: list[str], default: str) -> Any:
    """``snapshot`` with the domains, composite types and collations of ``names`` (the
    captured schemas as the catalog names them; ``default`` the default one)."""

    def sch(nspname: str) -> str | None:
        return None if nspname == default else nspname

    p = {"schemas": names}
    rows = conn.execute(sa.text(_DOMAINS), p).all()
    checks: dict[int, list[DomainCheck]] = {}
    if rows:
        for oid, name, definition in conn.execute(
            sa.text(_DOMAIN_CHECKS), {"oids": [r[0] for r in rows]}
        ):
            checks.setdefault(oid, []).append(
                DomainCheck(name=name, sqltext=_check_text(definition))
            )
    domains = [
        Domain(
            name=name,
            schema=sch(nsp),
            type=typ,
            nullable=not notnull,
            default=dflt,
            checks=tuple(checks.get(oid, ())),
            collation=coll,
            comment=comment,
        )
        for oid, nsp, name, typ, notnull, dflt, coll, comment in rows
    ]
    trows = conn.execute(sa.text(_TYPES), p).all()
    attrs: dict[int, list[Attribute]] = {}
    if trows:
        oids = {"oids": [r[0] for r in trows]}
        for rel, name, typ, comment in conn.execute(sa.text(_ATTRIBUTES), oids):
            attrs.setdefault(rel, []).append(Attribute(name=name, type=typ, comment=comment))
    types = [
        CompositeType(
            name=name, schema=sch(nsp), attributes=tuple(attrs.get(rel, ())), comment=comment
        )
        for rel, nsp, name, comment in trows
    ]
    collations = [
        Collation(
            name=name,
            schema=sch(nsp),
            provider="icu" if prov == "i" else "libc",
            locale=locale or "",
            deterministic=bool(det),
            comment=comment,
        )
        for nsp, name, prov, locale, det, comment in conn.execute(sa.text(_COLLATIONS), p)
    ]
    out = dataclasses.replace(
        snapshot,
        domains=tuple(domains),
        composite_types=tuple(types),
        collations=tuple(collations),
    )
    return _own_column_facts(conn, out, p, sch) if domains else out


def _own_column_facts(conn: Any, snapshot: Any, p: dict, sch: Any) -> Any:
    own = {
        (sch(nsp), t, c): (bool(nn), d, _type_name(typ, None if here else tnsp))
        for nsp, t, c, nn, d, typ, tnsp, here in conn.execute(sa.text(_DOMAIN_COLUMNS), p)
    }
    if not own:
        return snapshot
    tables = []
    for t in snapshot.tables:
        cols = []
        for c in t.columns:
            facts = own.get((t.schema, t.name, c.name))
            if facts is not None and facts[2] is not None:
                # the domain, whatever SQLAlchemy made of it (before 2.0.x: its base type)
                c = dataclasses.replace(c, type=f"postgresql.TYPE({facts[2]})")
            if facts is not None and not (t.primary_key and c.name in t.primary_key.columns):
                c = dataclasses.replace(c, nullable=not facts[0], server_default=facts[1])
            cols.append(c)
        tables.append(dataclasses.replace(t, columns=tuple(cols)))
    return dataclasses.replace(snapshot, tables=tuple(tables))


def _type_name(name: str, schema: str | None) -> str | None:
    """``label``, or ``other.label`` for a type outside the default schema; None when a
    part does not fit the type grammar (SQLAlchemy's reflection stands then)."""
    parts = (name,) if schema is None else (schema, name)
    return ".".join(parts) if all(_NAME.fullmatch(x) for x in parts) else None


# --------------------------------------------------------------------------- DDL
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qq(schema: str | None, name: str) -> str:
    return f"{_q(schema)}.{_q(name)}" if schema else _q(name)


def _lit(text: str) -> str:
    # E'' form: reads the same whatever standard_conforming_strings says
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _coll(name: str) -> str:
    """A collation reference: ``"C"``, ``"other"."ci"``."""
    schema, dot, bare = name.partition(".")
    return _qq(schema, bare) if dot and schema and bare else _q(name)


def _comment(what: str, comment: str | None) -> str:
    return f"COMMENT ON {what} IS " + ("NULL" if comment is None else _lit(comment))


def _check(c: DomainCheck) -> str:
    return f"CONSTRAINT {_q(c.name)} CHECK ({c.sqltext})"


def create_domain(d: Domain) -> list[str]:
    name = _qq(d.schema, d.name)
    sql = f"CREATE DOMAIN {name} AS {d.type}"
    if d.collation is not None:
        sql += f" COLLATE {_coll(d.collation)}"
    if d.default is not None:
        sql += f" DEFAULT {d.default}"
    if not d.nullable:
        sql += " NOT NULL"
    for c in d.checks:
        sql += " " + _check(c)
    out = [sql]
    if d.comment is not None:
        out.append(_comment(f"DOMAIN {name}", d.comment))
    return out


def drop_domain(d: Domain) -> list[str]:
    return [f"DROP DOMAIN {_qq(d.schema, d.name)}"]


def alter_domain(old: Domain, new: Domain, dropped: list, added: list) -> list[str]:
    """What ALTER DOMAIN takes (``dropped`` / ``added`` checks: a changed one in both)."""
    from planner.sqlexpr import same_meaning

    name = _qq(new.schema, new.name)
    out = []
    if not same_meaning(old.default, new.default, "postgresql"):
        out.append(
            f"ALTER DOMAIN {name} DROP DEFAULT"
            if new.default is None
            else f"ALTER DOMAIN {name} SET DEFAULT {new.default}"
        )
    if old.nullable != new.nullable:
        out.append(f"ALTER DOMAIN {name} {'DROP' if new.nullable else 'SET'} NOT NULL")
    out += [f"ALTER DOMAIN {name} DROP CONSTRAINT {_q(c.name)}" for c in dropped]
    out += [f"ALTER DOMAIN {name} ADD {_check(c)}" for c in added]
    if old.comment != new.comment:
        out.append(_comment(f"DOMAIN {name}", new.comment))
    return out


def create_type(t: CompositeType) -> list[str]:
    """``CREATE TYPE``, then the comments of the type and of its attributes.

    Example:
        >>> from planner.state.pg_types import Attribute
        >>> for s in create_type(CompositeType(name="pair", attributes=(
        ...     Attribute(name="x", type="int", comment="first"),))):
        ...     print(s)
        CREATE TYPE "pair" AS ("x" integer)
        COMMENT ON COLUMN "pair"."x" IS E'first'
    """
    name = _qq(t.schema, t.name)
    body = ", ".join(f"{_q(a.name)} {a.type}" for a in t.attributes)
    out = [f"CREATE TYPE {name} AS ({body})"]
    if t.comment is not None:
        out.append(_comment(f"TYPE {name}", t.comment))
    out += [attribute_comment(t, a.name, a.comment) for a in t.attributes if a.comment is not None]
    return out


def attribute_comment(t: CompositeType, attribute: str, comment: str | None) -> str:
    """``COMMENT ON COLUMN type.attribute IS ...`` (``NULL`` removes it)."""
    return _comment(f"COLUMN {_qq(t.schema, t.name)}.{_q(attribute)}", comment)


def collation_comment(c: Collation, comment: str | None) -> str:
    """``COMMENT ON COLLATION name IS ...`` (``NULL`` removes it)."""
    return _comment(f"COLLATION {_qq(c.schema, c.name)}", comment)


def drop_type(t: CompositeType) -> list[str]:
    return [f"DROP TYPE {_qq(t.schema, t.name)}"]


def alter_type(old: CompositeType, new: CompositeType, changes: tuple) -> list[str]:
    dropped, added, retyped = changes
    name = _qq(new.schema, new.name)
    # CASCADE: the columns and typed tables of the type follow (PostgreSQL refuses an
    # ALTER ATTRIBUTE ... TYPE of a type a column uses, CASCADE or not)
    actions = [f"DROP ATTRIBUTE {_q(n)} CASCADE" for n in dropped]
    actions += [f"ADD ATTRIBUTE {_q(a.name)} {a.type} CASCADE" for a in added]
    actions += [f"ALTER ATTRIBUTE {_q(a.name)} TYPE {a.type}" for a in retyped]
    out = [f"ALTER TYPE {name} " + ", ".join(actions)] if actions else []
    if old.comment != new.comment:
        out.append(_comment(f"TYPE {name}", new.comment))
    return out


def create_collation(c: Collation) -> list[str]:
    opts = f"provider = {c.provider}, locale = {_lit(c.locale)}"
    if not c.deterministic:
        opts += ", deterministic = false"
    out = [f"CREATE COLLATION {_qq(c.schema, c.name)} ({opts})"]
    return out + ([collation_comment(c, c.comment)] if c.comment is not None else [])


def drop_collation(c: Collation) -> list[str]:
    return [f"DROP COLLATION {_qq(c.schema, c.name)}"]


def before_tables(snapshot: Any) -> list[str]:
    """The statements creating the collations, then the domains and composite types
    (each after those it uses), before the tables (``dbplan setup``)."""
    out = []
    for c in snapshot.collations:
        out += create_collation(c)
    for o in creation_order(snapshot):
        out += create_domain(o) if isinstance(o, Domain) else create_type(o)
    return out
