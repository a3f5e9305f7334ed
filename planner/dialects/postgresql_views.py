"""PostgreSQL's views and materialized views as dbplan models them (see
:mod:`planner.state.views`): the definition as ``pg_get_viewdef`` normalises it, what it
reads from ``pg_depend`` (the view's ``_RETURN`` rule depends on each column it uses),
comments, and the indexes of materialized views.

A view is left to the inventory (``unmanaged``) when it uses something dbplan does not
create before it (a function, a type other than an enum of the snapshot, a relation of
another schema, or a view that is itself left alone), or has options dbplan does not
model (``WITH CHECK OPTION``, ``security_barrier``, ``security_invoker``, storage
parameters of a materialized view).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from planner.state.inventory import Found
from planner.state.model import Index, Snapshot, Unmanaged, View, ViewRead

_VIEWS = """
SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid, true),
       obj_description(c.oid, 'pg_class'), c.reloptions IS NOT NULL
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
"""

#: what each view's rule depends on (built-in objects are pinned: not recorded)
_DEPENDS = """
SELECT r.ev_class, d.refclassid = 'pg_class'::regclass AS rel, rn.nspname, rc.relname,
       rc.relkind, a.attname, ty.typtype, tn.nspname, ty.typname
FROM pg_rewrite r
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
     AND d.deptype = 'n' AND NOT (d.refclassid = 'pg_class'::regclass
                                  AND d.refobjid = r.ev_class)
LEFT JOIN pg_class rc ON d.refclassid = 'pg_class'::regclass AND rc.oid = d.refobjid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = rc.oid AND a.attnum = d.refobjsubid
     AND d.refobjsubid > 0
LEFT JOIN pg_type ty ON d.refclassid = 'pg_type'::regclass AND ty.oid = d.refobjid
LEFT JOIN pg_namespace tn ON tn.oid = ty.typnamespace
WHERE r.ev_class = ANY(:oids)
"""

#: what of an index dbplan does not model (it is then listed as unmanaged):
#: NULLS NOT DISTINCT, operator class parameters (``opclass (siglen = 32)``), a
#: collation of another schema (methods, INCLUDE columns, expressions, operator classes,
#: orders, collations and storage parameters are modelled: ``using:``, ``include:``,
#: ``columns:`` elements, ``with:``; :mod:`planner.dialects.postgresql_indexes`)
ODD_INDEX = """(i.indnullsnotdistinct
       OR EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = i.indexrelid
                  AND x.attoptions IS NOT NULL)
       OR EXISTS (SELECT 1 FROM unnest(i.indcollation::oid[]) x JOIN pg_collation co
                  ON co.oid = x WHERE co.collnamespace <> 'pg_catalog'::regnamespace))"""

_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, {ODD_INDEX} AS odd,
       pg_get_expr(i.indpred, i.indrelid),
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
             WHERE k.o <= i.indnkeyatts ORDER BY k.o),
       am.amname,
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
             WHERE k.o > i.indnkeyatts ORDER BY k.o),
       obj_description(i.indexrelid, 'pg_class')
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY(:oids)
""".replace("{ODD_INDEX}", ODD_INDEX)


def views(
    conn: Any, snapshot: Snapshot, schemas: list[str | None]
) -> tuple[list[View], list[Found]]:
    """The views of ``schemas`` dbplan models, and the indexes of materialized views it
    cannot model (listed as unmanaged)."""
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    names = sorted({s or default for s in schemas})

    def sch(nspname: str | None) -> str | None:
        return None if nspname == default else nspname

    rows = conn.execute(sa.text(_VIEWS), {"schemas": names}).all()
    if not rows:
        return [], []
    # a view with options (CHECK OPTION, security_barrier …: not in pg_get_viewdef)
    blocked: set[int] = {r[0] for r in rows if r[6]}
    rows = [r[:6] for r in rows]
    oids = [r[0] for r in rows]
    enums = {e.name for e in snapshot.enums}
    reads: dict[int, dict[tuple, set[str]]] = {oid: {} for oid in oids}
    on_view: dict[int, set[tuple]] = {oid: set() for oid in oids}
    for oid, rel, nsp, relname, relkind, att, typtype, tnsp, typname in conn.execute(
        sa.text(_DEPENDS), {"oids": oids}
    ):
        if rel and nsp in names and relkind in ("r", "p", "v", "m"):
            cols = reads[oid].setdefault(("table", sch(nsp), relname), set())
            if att is not None:
                cols.add(att)
            if relkind in ("v", "m"):
                on_view[oid].add((sch(nsp), relname))
        elif typtype == "e" and sch(tnsp) is None and typname in enums:
            reads[oid].setdefault(("enum", None, typname), set())
        else:
            blocked.add(oid)  # a function, another type, another schema's relation
    by_key = {(sch(r[1]), r[2]): r[0] for r in rows}
    changed = True
    while changed:  # a view on a view left alone is left alone
        changed = False
        for oid in oids:
            if oid not in blocked and any(by_key.get(k) in blocked for k in on_view[oid]):
                blocked.add(oid)
                changed = True
    indexes: dict[int, list[Index]] = {}
    extra: list[Found] = []
    kept = {r[0]: r for r in rows if r[0] not in blocked}
    from planner.dialects import postgresql_indexes  # elements, storage parameters

    rich = postgresql_indexes.rich(conn, list(kept))
    for relid, ix, unique, odd, where, cols, method, include, comment in conn.execute(
        sa.text(_INDEXES), {"oids": list(kept)}
    ):
        r = kept[relid]
        if odd:
            extra.append(Found(obj=Unmanaged(kind="index", name=ix, schema=sch(r[1]), table=r[2])))
            continue
        body = rich.get((relid, ix), {"columns": tuple(cols)})
        indexes.setdefault(relid, []).append(
            postgresql_indexes.catalog_index(
                ix, unique, where, method, include, comment=comment, **body
            )  # fmt: skip
        )
    column_comments: dict[int, list[tuple[str, str]]] = {}
    for relid, column, text in conn.execute(sa.text(_COLUMN_COMMENTS), {"oids": list(kept)}):
        column_comments.setdefault(relid, []).append((column, text))
    out = []
    for oid, nsp, name, relkind, definition, comment in rows:
        if oid in blocked:
            continue
        out.append(
            View(
                name=name,
                schema=sch(nsp),
                kind="materialized_view" if relkind == "m" else "view",
                definition=normal_definition(definition),
                indexes=tuple(indexes.get(oid, ())),
                comment=comment,
                column_comments=tuple(column_comments.get(oid, ())),
                reads=tuple(
                    ViewRead(kind=k, name=n, schema=s, columns=tuple(sorted(c)))
                    for (k, s, n), c in reads[oid].items()
                ),
            )
        )
    return out, extra


#: the comments on the columns of the views ``:oids``
_COLUMN_COMMENTS = """
SELECT a.attrelid, a.attname, d.description FROM pg_description d
JOIN pg_attribute a ON d.classoid = 'pg_class'::regclass AND a.attrelid = d.objoid
  AND a.attnum = d.objsubid AND d.objsubid > 0
WHERE a.attrelid = ANY(:oids) ORDER BY a.attrelid, a.attname
"""


def normal_definition(text: str) -> str:
    """``pg_get_viewdef``'s text as the snapshot keeps it: no leading blank, no ``;``,
    no trailing blanks on a line.

    Example:
        >>> normal_definition(" SELECT t.id\\n   FROM t;")
        'SELECT t.id\\n   FROM t'
    """
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return text[:-1].rstrip() if text.endswith(";") else text


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qq(schema: str | None, name: str) -> str:
    return f"{_q(schema)}.{_q(name)}" if schema else _q(name)


def create_sql(view: View) -> list[str]:
    """The statements creating ``view``: the view, its indexes, its comment.

    Example:
        >>> create_sql(View(name="mv", kind="materialized_view", definition="SELECT 1 AS a",
        ...                 indexes=(Index(name="ix", columns=("a",), unique=True),)))
        ['CREATE MATERIALIZED VIEW "mv" AS SELECT 1 AS a', 'CREATE UNIQUE INDEX "ix" ON "mv" ("a")']
    """
    what = "MATERIALIZED VIEW" if view.kind == "materialized_view" else "VIEW"
    out = [f"CREATE {what} {_qq(view.schema, view.name)} AS {view.definition}"]
    out += [sql for ix in view.indexes for sql in create_index_sql(view.key, ix)]
    if view.comment is not None:
        out += comment_sql(view, view.comment)
    for column, comment in view.column_comments:
        out += column_comment_sql(view, column, comment)
    return out


def column_comment_sql(view: View, column: str, comment: str | None) -> list[str]:
    """``COMMENT ON COLUMN view.column IS ...`` (``NULL`` removes it).

    Example:
        >>> print(column_comment_sql(View(name="v", definition="SELECT 1 AS a"), "a", "one")[0])
        COMMENT ON COLUMN "v"."a" IS 'one'
    """
    from planner.dialects.postgresql import PostgreSQL

    text = "NULL" if comment is None else PostgreSQL().string_literal(comment)
    return [f"COMMENT ON COLUMN {_qq(view.schema, view.name)}.{_q(column)} IS {text}"]


def create_index_sql(key: tuple, ix: Index) -> list[str]:
    unique = "UNIQUE " if ix.unique else ""
    from planner.dialects.postgresql_indexes import key_sql, with_sql

    using = f" USING {ix.using}" if ix.using else ""
    include = f" INCLUDE ({', '.join(_q(c) for c in ix.include)})" if ix.include else ""
    where = f" WHERE {ix.where}" if ix.where else ""
    create = f"CREATE {unique}INDEX {_q(ix.name)} ON {_qq(*key)}{using} {key_sql(ix)}{include}"
    create += with_sql(ix) + where
    return [create, *(index_comment_sql(key[0], ix) if ix.comment is not None else ())]


def index_comment_sql(schema: str | None, ix: Index) -> list[str]:
    """``COMMENT ON INDEX`` the index ``ix`` (of a relation in ``schema``) its comment,
    a string literal (``IS NULL``: none).

    Example:
        >>> print(index_comment_sql("app", Index(name="ix", columns=("a",), comment="it's"))[0])
        COMMENT ON INDEX "app"."ix" IS 'it''s'
    """
    from planner.dialects import get

    value = "NULL" if ix.comment is None else get("postgresql").string_literal(ix.comment)
    return [f"COMMENT ON INDEX {_qq(schema, ix.name)} IS {value}"]


def drop_index_sql(key: tuple, ix: Index) -> list[str]:
    return [f"DROP INDEX {_qq(key[0], ix.name)}"]


def comment_sql(view: View, comment: str | None) -> list[str]:
    """``COMMENT ON [MATERIALIZED] VIEW ... IS ...`` (``NULL`` removes it)."""
    from planner.dialects import get

    what = "MATERIALIZED VIEW" if view.kind == "materialized_view" else "VIEW"
    text = "NULL" if comment is None else get("postgresql").string_literal(comment)
    return [f"COMMENT ON {what} {_qq(view.schema, view.name)} IS {text}"]


def drop_sql(view: View) -> list[str]:
    """The statement dropping ``view`` (its indexes go with it)."""
    what = "MATERIALIZED VIEW" if view.kind == "materialized_view" else "VIEW"
    return [f"DROP {what} {_qq(view.schema, view.name)}"]
