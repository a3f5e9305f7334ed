"""The PostgreSQL index keys of a snapshot's index entry (tables and materialized
views): ``using:`` (the index method), ``include:`` (``INCLUDE`` columns),
``comment:`` (``COMMENT ON INDEX``), ``with:`` (storage parameters) and the element
mappings of ``columns:`` (an expression, ``collate``, ``opclass``, ``order``, ``nulls``)::

    indexes:
      ix_users_email: {columns: [{expression: lower(email)}], unique: true}
      ix_users_seen: {columns: [{column: seen, order: desc, nulls: last}, id], with: {fillfactor: 70}}

Read here for both places an index is written (:mod:`planner.state.shape`,
:mod:`planner.state.views_yaml`), written by :func:`extra_pairs`, refused for targets
other than PostgreSQL by :func:`uses` (:func:`planner.state.pg_objects.check_targets`).
"""

from __future__ import annotations

import re
from typing import Any

from planner.state.model import IndexElement

__all__ = [
    "ELEMENT_KEYS",
    "INDEX_METHODS",
    "columns_value",
    "element_columns",
    "extra_pairs",
    "has_expression",
    "normal_element",
    "normal_storage",
    "read_columns",
    "read_extra",
    "uses",
]

#: the keys of an element mapping in an index's ``columns:``, in the written order
ELEMENT_KEYS = ("column", "expression", "collate", "opclass", "order", "nulls")
#: an operator class: a lower-case name, optionally schema-qualified
_OPCLASS = re.compile(r"[a-z_][a-z0-9_$]{0,62}(\.[a-z_][a-z0-9_$]{0,62})?")
#: PostgreSQL's index storage parameters (of btree, hash, gist, gin, spgist, brin)
STORAGE_PARAMETERS = ("autosummarize", "buffering", "deduplicate_items", "fastupdate",
                      "fillfactor", "gin_pending_list_limit", "pages_per_range")  # fmt: skip
#: a storage parameter's value (written unquoted into ``WITH (...)``)
_PARAM_VALUE = re.compile(r"[A-Za-z0-9_.+-]{1,63}")
_TRUE, _FALSE = ("true", "on", "yes", "1"), ("false", "off", "no", "0")


def normal_element(el: IndexElement) -> IndexElement:
    """``el`` in its one form: ``order`` None for ascending, ``nulls`` None when the
    order's default (last ascending, first descending)."""
    order = None if el.order in (None, "asc") else el.order
    default = "first" if order == "desc" else "last"
    nulls = None if el.nulls in (None, default) else el.nulls
    if (order, nulls) == (el.order, el.nulls):
        return el
    return IndexElement(column=el.column, expression=el.expression, collate=el.collate,
                        opclass=el.opclass, order=order, nulls=nulls)  # fmt: skip


def _plain(el: IndexElement) -> bool:
    return el.column is not None and el == IndexElement(column=el.column)


def element_columns(elements: tuple[IndexElement, ...]) -> tuple[str, ...]:
    """The columns the elements read, in order, each once (an expression's by parsing)."""
    from planner import sqlexpr

    out: list[str] = []
    for el in elements:
        out += [el.column] if el.column is not None else sqlexpr.columns_of(el.expression or "")
    return tuple(dict.fromkeys(out))


def key_text(ix: Any) -> str:
    """An index's key as a plan describes it: ``(lower(email) DESC, id) WITH (fillfactor=70)``."""

    def one(el: IndexElement) -> str:
        words = [el.column if el.column is not None else el.expression or ""]
        words += [f"COLLATE {el.collate}"] if el.collate else []
        words += [w for w in (el.opclass, el.order and el.order.upper()) if w]
        return " ".join(words + ([f"NULLS {el.nulls.upper()}"] if el.nulls else []))

    key = "(" + ", ".join(one(el) for el in ix.elements) + ")" if ix.elements else ""
    key = key or "(" + ", ".join(ix.columns) + ")"
    if ix.storage:
        key += " WITH (" + ", ".join(f"{k}={v}" for k, v in ix.storage) + ")"
    return key


def check_order(c: Any, path: tuple, ix: Any) -> None:
    """Add a problem to the collector ``c`` when an element of an index with a method
    other than btree has an order or ``nulls`` (PostgreSQL: "access method does not
    support ASC/DESC options")."""
    for i, el in enumerate(ix.elements):
        if ix.using is not None and (el.order or el.nulls):
            c.add((*path, "columns", i), f"index {ix.name} uses {ix.using}, which has no "
                  "order: order and nulls are btree's", "drop order/nulls, or using:")  # fmt: skip


def has_expression(ix: Any) -> bool:
    """The index has an expression element (it is no key of its columns)."""
    return any(el.expression is not None for el in ix.elements)


def keyed(columns: tuple[str, ...], elements: tuple[IndexElement, ...]) -> dict:
    """``{"columns": ..., "elements": ...}`` of an index whose key is ``elements``
    (plain columns only: ``elements`` is empty, the key is ``columns``)."""
    elements = tuple(normal_element(el) for el in elements)
    if all(_plain(el) for el in elements):
        return {"columns": tuple(el.column for el in elements), "elements": ()}
    return {"columns": element_columns(elements), "elements": elements}


def read_columns(shape: Any, value: Any, path: tuple) -> dict | None:
    """An index's ``columns:``: names, and element mappings among them (the keyword
    arguments ``columns`` / ``elements`` of :class:`planner.state.model.Index`)."""
    if not isinstance(value, list) or not any(isinstance(v, dict) for v in value):
        cols = shape.names(value, path, "columns")
        return None if cols is None else {"columns": cols, "elements": ()}
    elements = []
    for i, item in enumerate(value):
        if isinstance(item, str) and item:
            elements.append(IndexElement(column=item))
            continue
        el = _element(shape, item, (*path, i))
        if el is None:
            return None
        elements.append(el)
    return keyed((), tuple(elements))


def _element(shape: Any, item: Any, path: tuple) -> IndexElement | None:
    m = shape.mapping(item, path, "an index element (a column name or a mapping)",
                      allowed=ELEMENT_KEYS)  # fmt: skip
    if m is None:
        return None
    column = shape.text(m.get("column"), (*path, "column"), "a column name")
    expr = shape.text(m.get("expression"), (*path, "expression"), "SQL text", sql=True)
    collate = shape.text(m.get("collate"), (*path, "collate"), "a collation name")
    opclass = shape.text(m.get("opclass"), (*path, "opclass"), "an operator class")
    order = shape.text(m.get("order"), (*path, "order"), "asc or desc")
    nulls = shape.text(m.get("nulls"), (*path, "nulls"), "first or last")
    ok = True
    if (column is None) == (expr is None) or column == "" or expr == "":
        shape.add(path, "an index element names a column or an expression (one of them)",
                  "write {column: name, opclass: ...} or {expression: lower(email)}")  # fmt: skip
        ok = False
    if opclass is not None and not _OPCLASS.fullmatch(opclass):
        shape.add((*path, "opclass"), f"expected an operator class name, found {opclass!r}",
                  "write a name such as text_pattern_ops (schema.name for another schema's)")  # fmt: skip
        ok = False
    if collate is not None and not 0 < len(collate) <= 63:
        shape.add((*path, "collate"), f"expected a collation name, found {collate!r}")
        ok = False
    if order is not None and order not in ("asc", "desc"):
        shape.add((*path, "order"), f"expected order asc or desc, found {order!r}")
        ok = False
    if nulls is not None and nulls not in ("first", "last"):
        shape.add((*path, "nulls"), f"expected nulls first or last, found {nulls!r}")
        ok = False
    if not ok:
        return None
    return IndexElement(column=column, expression=expr, collate=collate, opclass=opclass,
                        order=order, nulls=nulls)  # fmt: skip


def normal_storage(pairs: Any) -> tuple[tuple[str, str], ...]:
    """Storage parameters as the model keeps them: sorted ``(name, text)``, booleans
    ``true`` / ``false`` however written (``off``, ``no`` …)."""
    out = []
    for k, v in pairs:
        text = ("true" if v else "false") if isinstance(v, bool) else str(v)
        if text.lower() in _TRUE + _FALSE and not text.isdigit():
            text = "true" if text.lower() in _TRUE else "false"
        out.append((str(k), text))
    return tuple(sorted(out))


def _read_with(shape: Any, value: Any, path: tuple) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value:
        shape.add(path, "expected storage parameters (a mapping such as {fillfactor: 70})")
        return ()
    for k, v in value.items():
        if k not in STORAGE_PARAMETERS:
            shape.add((*path, k), f"unknown index storage parameter {k!r}",
                      f"expected one of {', '.join(STORAGE_PARAMETERS)}", at_key=True)  # fmt: skip
            return ()
        if isinstance(v, bool) or (
            isinstance(v, (int, float, str)) and _PARAM_VALUE.fullmatch(str(v))
        ):
            continue
        shape.add((*path, k), f"expected a number, true/false or a word, found {v!r}")
        return ()
    return normal_storage(value.items())


def _storage_value(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else text


def columns_value(ix: Any) -> list:
    """An index's ``columns:`` as plain values: names, and a mapping (keys in
    :data:`ELEMENT_KEYS` order) for each element that is more than a column."""
    if not ix.elements:
        return list(ix.columns)
    out: list = []
    for el in ix.elements:
        if _plain(el):
            out.append(el.column)
        else:
            out.append({k: getattr(el, k) for k in ELEMENT_KEYS if getattr(el, k) is not None})
    return out


#: the index methods ``using:`` accepts (btree, the default, is written by leaving it out)
INDEX_METHODS = ("brin", "gin", "gist", "hash", "spgist")


def read_extra(shape: Any, ix: dict, ip: tuple) -> dict:
    """``{"using": ..., "include": ..., "comment": ...}`` of the index body ``ix`` at path ``ip`` (the
    keyword arguments of :class:`planner.state.model.Index`); problems go to ``shape``."""
    out: dict[str, Any] = {}
    if "using" in ix:
        using = shape.text(ix["using"], (*ip, "using"), "an index method")
        if using == "btree":
            using = None  # the default, written by leaving using: out
        elif using is not None and using not in INDEX_METHODS:
            shape.add(
                (*ip, "using"),
                f"unknown index method {using!r} (expected one of {', '.join(INDEX_METHODS)})",
                "leave using: out for a btree index",
            )
            using = None
        out["using"] = using
    if "include" in ix:
        include = shape.names(ix["include"], (*ip, "include"), "columns")
        if include is not None:
            out["include"] = include
    if "comment" in ix:
        out["comment"] = shape.text(ix["comment"], (*ip, "comment"), "a comment")
    if "with" in ix:
        out["storage"] = _read_with(shape, ix["with"], (*ip, "with"))
    return out


def extra_pairs(ix: Any) -> list[tuple[str, Any]]:
    """The ``(key, value)`` pairs of ``using:`` / ``include:`` / ``comment:`` the writer adds (plain
    values: a string, a list of names)."""
    out: list[tuple[str, Any]] = []
    if ix.using is not None:
        out.append(("using", ix.using))
    if ix.include:
        out.append(("include", list(ix.include)))
    if ix.comment is not None:
        out.append(("comment", ix.comment))
    if ix.storage:
        out.append(("with", {k: _storage_value(v) for k, v in ix.storage}))
    return out


#: the feature of these keys a dialect lists in ``Dialect.object_sections``
SECTIONS = ("index_methods",)


def uses(snapshot: Any) -> list[tuple[tuple, str, str]]:
    """``(path, what, section)`` of each index using a key only some dialects have."""
    out: list[tuple[tuple, str, str]] = []

    def scan(base: tuple, owner: str, indexes: Any) -> None:
        for ix in indexes:
            if ix.using is not None:
                out.append(
                    (
                        (*base, ix.name, "using"),
                        f"index method {ix.using} of {owner}.{ix.name}",
                        "index_methods",
                    )
                )
            if ix.include:
                out.append(
                    (
                        (*base, ix.name, "include"),
                        f"include columns of index {owner}.{ix.name}",
                        "index_methods",
                    )
                )
            if ix.comment is not None:
                out.append(
                    (
                        (*base, ix.name, "comment"),
                        f"comment of index {owner}.{ix.name}",
                        "index_methods",
                    )
                )
            if ix.elements:
                what = (
                    f"expressions, operator classes, order or collations of index {owner}.{ix.name}"
                )
                out.append(((*base, ix.name, "columns"), what, "index_methods"))
            if ix.storage:
                what = f"storage parameters of index {owner}.{ix.name}"
                out.append(((*base, ix.name, "with"), what, "index_methods"))

    for t in snapshot.tables:
        scan(("tables", t.name, "indexes"), t.qualified_name, t.indexes)
    for i, v in enumerate(snapshot.views):
        scan(("views", i, "indexes"), v.name, v.indexes)
    return out


#: ``index.info`` key of a model's index holding its elements (written by
#: :func:`planner.state.capture_models.to_metadata`, read back by ``from_metadata``)
INFO_ELEMENTS = "dbplan_elements"


def to_sa(ix: Any) -> tuple[list, dict, dict]:
    """``(expressions, keyword arguments, info)`` of a model ``sa.Index`` for ``ix``: its
    elements as ``sa.text`` (PostgreSQL's SQL), its storage as ``postgresql_with``."""
    import sqlalchemy as sa

    from planner.dialects import having
    from planner.sqlexpr import escape_binds

    part = having("has_index_methods").part("indexes")  # elements and storage are PostgreSQL's
    cols: list = [sa.text(escape_binds(part.element_sql(el))) for el in ix.elements]
    kw = {"postgresql_with": dict(ix.storage)} if ix.storage else {}
    info = {INFO_ELEMENTS: [columns_value(ix)]} if ix.elements else {}
    return cols or list(ix.columns), kw, info


def from_sa_info(info: Any) -> dict | None:
    """``{"columns", "elements"}`` of a model index whose ``info`` holds its elements."""
    raw = info.get(INFO_ELEMENTS)
    if not raw:
        return None
    items = [IndexElement(column=v) if isinstance(v, str) else IndexElement(**v) for v in raw[0]]
    return keyed((), tuple(items))
