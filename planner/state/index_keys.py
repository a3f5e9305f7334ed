"""The PostgreSQL index keys of a snapshot's index entry (tables and materialized
views): ``using:`` (the index method), ``include:`` (``INCLUDE`` columns) and
``comment:`` (``COMMENT ON INDEX``).

Read here for both places an index is written (:mod:`planner.state.shape`,
:mod:`planner.state.views_yaml`), written by :func:`extra_pairs`, refused for targets
other than PostgreSQL by :func:`uses` (:func:`planner.state.pg_objects.check_targets`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["INDEX_METHODS", "extra_pairs", "read_extra", "uses"]

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

    for t in snapshot.tables:
        scan(("tables", t.name, "indexes"), t.qualified_name, t.indexes)
    for i, v in enumerate(snapshot.views):
        scan(("views", i, "indexes"), v.name, v.indexes)
    return out
