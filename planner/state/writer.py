"""Writing a snapshot: the one canonical writer (the same state always gives the same bytes).

:func:`snapshot_node` builds the YAML node tree of the canonical form
(docs/snapshot-format.md); :func:`dump_snapshot` serializes it with libyaml when available
(PyYAML for the keys the two emitters write differently). A second, independent writer
lives in tests (tests/state/yaml_text_oracle.py) as an oracle only.

Example:
    >>> print(dump_snapshot(Snapshot(release="1.10"), schema_ref=None), end="")
    snapshot: 1
    release: '1.10'
    tables: {}
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.state import index_keys, naming
from planner.state.model import (
    NAMING_CONVENTION_KEYS,
    Column,
    Exclusion,
    FrozenMap,
    Snapshot,
    Table,
    Unique,
)
from planner.state.reader import (
    _BOOL,
    _FLOAT,
    _INT,
    _MAP,
    _NULL,
    _SEQ,
    _STR,
    _yaml_scalar_text,
)

__all__ = [
    "DEFAULT_SCHEMA_REF",
    "SCHEMA_FILENAME",
    "canonical_dump",
    "dump_snapshot",
    "snapshot_equal_with_hints",
    "snapshot_node",
]

#: The JSON Schema shipped in the package; written beside the snapshots by write_snapshot.
SCHEMA_FILENAME = "snapshot.schema.json"
#: ``$schema`` reference of dumped files: the schema file beside the snapshot.
DEFAULT_SCHEMA_REF = SCHEMA_FILENAME

_PLAIN_FIRST = re.compile(r"[A-Za-z0-9_(/$]")
_PLAIN_BLOCK = re.compile(r"[A-Za-z0-9_ .()/+=$%<>*^~-]*")


def _plain_ok(s: str, *, flow: bool) -> bool:
    """Whether ``s`` can be written unquoted by both emitters and reads back as itself."""
    if not s or not _PLAIN_FIRST.match(s[0]) or s != s.strip() or "  " in s:
        return False
    if not _PLAIN_BLOCK.fullmatch(s):
        if flow or not re.fullmatch(r"[A-Za-z0-9_ .()/+=$%<>*^~,-]*", s):
            return False
    if not _dump_resolver_says_str(s) or _YAML12_NOT_STR.fullmatch(s):
        return False
    return True


#: plain scalars a YAML 1.2 reader (editors' yaml-language-server) would not read as strings
_YAML12_NOT_STR = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
    r"|null|Null|NULL|~|true|True|TRUE|false|False|FALSE"
)


_RESOLVER = yaml.resolver.Resolver()


def _dump_resolver_says_str(s: str) -> bool:
    return _RESOLVER.resolve(ScalarNode, s, (True, False)) == _STR


def _printable(s: str) -> bool:
    return all(
        " " <= ch <= "~"
        or ("\xa0" <= ch <= "\ud7ff" and ch not in "\x85\u2028\u2029")
        or ("\ue000" <= ch <= "\ufffd" and ch != "\ufeff")
        for ch in s
    )


@functools.lru_cache(maxsize=1 << 16)
def _str_style(s: str, flow: bool) -> str | None:
    """The style a string is written in: None (plain), ``'`` or ``"``."""
    if _plain_ok(s, flow=flow):
        return None
    if _printable(s) and "'" in s and '"' not in s and "\\" not in s:
        return '"'
    if _printable(s):
        return "'"
    return '"'


def _str_node(s: str, *, flow: bool) -> ScalarNode:
    return ScalarNode(_STR, s, style=_str_style(s, flow))


def _value_node(value: Any, *, flow: bool = True) -> Node:
    if isinstance(value, str):
        return _str_node(value, flow=flow)
    if value is None:
        return ScalarNode(_NULL, "null")
    if isinstance(value, bool):
        return ScalarNode(_BOOL, _yaml_scalar_text(value))
    if isinstance(value, int):
        return ScalarNode(_INT, str(value))
    if isinstance(value, float):
        return ScalarNode(_FLOAT, _yaml_scalar_text(value))
    if isinstance(value, FrozenMap):
        return MappingNode(
            _MAP, [(_str_node(k, flow=True), _value_node(v)) for k, v in value], flow_style=True
        )
    if isinstance(value, dict):
        return _value_node(FrozenMap(value))
    if isinstance(value, (tuple, list)):
        return SequenceNode(_SEQ, [_value_node(v) for v in value], flow_style=True)
    raise TypeError(f"cannot write a {type(value).__name__} value to a snapshot: {value!r}")


def _block(pairs: list[tuple[str, Node]]) -> MappingNode:
    return MappingNode(_MAP, [(_str_node(k, flow=False), v) for k, v in pairs], flow_style=False)


def _flow(pairs: list[tuple[str, Node]]) -> MappingNode:
    return MappingNode(_MAP, [(_str_node(k, flow=True), v) for k, v in pairs], flow_style=True)


def _enum_node(e) -> Node:
    """``[a, b]``; an enum outside the default schema: ``{schema: other, values: [a, b]}``;
    with value renames or a comment, ``{values: [...], renamed_values: {...}, comment: c}``
    (block form)."""
    if e.schema is None and not e.renamed_values and e.comment is None:
        return _names(e.values)
    if not e.renamed_values and e.comment is None:
        return _flow([("schema", _str_node(e.schema, flow=True)), ("values", _names(e.values))])
    pairs = [] if e.schema is None else [("schema", _str_node(e.schema, flow=True))]
    pairs.append(("values", _names(e.values)))
    if e.renamed_values:
        renamed = _flow([(a, _str_node(b, flow=True)) for a, b in e.renamed_values])
        pairs.append(("renamed_values", renamed))
    if e.comment is not None:
        pairs.append(("comment", _str_node(e.comment, flow=False)))
    return _block(pairs)


def _index_columns_node(ix) -> SequenceNode:
    """An index's ``columns:``: names, and a flow mapping for an element that is more."""
    items = [
        _str_node(v, flow=True) if isinstance(v, str) else _flow([(k, _str_node(x, flow=True)) for k, x in v.items()])
        for v in index_keys.columns_value(ix)
    ]  # fmt: skip
    return SequenceNode(_SEQ, items, flow_style=True)


def _names(names: tuple[str, ...] | list[str]) -> SequenceNode:
    return SequenceNode(_SEQ, [_str_node(n, flow=True) for n in names], flow_style=True)


def _column_node(c: Column, pk_columns: tuple[str, ...]) -> MappingNode:
    in_pk = c.name in pk_columns
    pairs: list[tuple[str, Node]] = [("type", _str_node(c.type, flow=True))]
    if in_pk:
        pairs.append(("primary_key", _value_node(True)))
    if c.nullable != (not in_pk):
        pairs.append(("nullable", _value_node(c.nullable)))
    if c.autoincrement is not None:
        pairs.append(("autoincrement", _value_node(c.autoincrement)))
    for key in ("server_default", "on_update", "comment", "renamed_from", "backfill"):
        v = getattr(c, key)
        if v is not None:
            pairs.append((key, _str_node(v, flow=True)))
    if c.identity is not None:
        pairs.append(("identity", _str_node(c.identity, flow=True)))
    if c.generated is not None:
        gen = [("expression", _str_node(c.generated.expression, flow=True))]
        if not c.generated.stored:
            gen.append(("stored", _value_node(False)))
        pairs.append(("generated", _flow(gen)))
    if c.collation is not None:
        pairs.append(("collation", _str_node(c.collation, flow=True)))
    from planner.state.steps_yaml import sql_node

    if c.backfill_dialects:
        pairs.append(("backfill", sql_node(c.backfill_dialects)))
    if c.using:
        pairs.append(("using", sql_node(c.using)))
    return _flow(pairs)


def _row_node(row: FrozenMap, order: dict[str, int]) -> MappingNode:
    items = sorted(row, key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return MappingNode(
        _MAP, [(_str_node(k, flow=True), _value_node(v)) for k, v in items], flow_style=True
    )


def _table_node(t: Table, conventions: dict[str, str]) -> MappingNode:
    pairs: list[tuple[str, Node]] = []
    for key in ("schema", "comment", "renamed_from"):
        v = getattr(t, key)
        if v is not None:
            pairs.append((key, _str_node(v, flow=False)))
    from planner.state import partitions  # partition_by, partition_of, inherits

    parts = partitions.dump(t)
    for key, v in parts:
        if key == "partition_of":
            pairs.append((key, _flow([(k, _str_node(x, flow=True)) for k, x in v.items()])))
        elif key == "inherits":
            pairs.append((key, _names(v)))
        else:
            pairs.append((key, _str_node(v, flow=False)))
    pk_columns = t.primary_key.columns if t.primary_key else ()
    if t.partition_of is None or t.columns:
        pairs.append(
            ("columns", _block([(c.name, _column_node(c, pk_columns)) for c in t.columns]))
        )
    if t.primary_key is not None:
        pk_pairs: list[tuple[str, Node]] = []
        derived = naming.default_pk_name(t.name, pk_columns, conventions)
        if t.primary_key.name != derived:
            pk_pairs.append(("name", _value_node(t.primary_key.name, flow=True)))
        in_column_order = tuple(c for c in t.column_names if c in pk_columns)
        if in_column_order != pk_columns or len(set(pk_columns)) != len(pk_columns):
            pk_pairs.append(("columns", _names(pk_columns)))
        if t.primary_key.deferrable is not None:
            pk_pairs.append(("deferrable", _str_node(t.primary_key.deferrable, flow=True)))
        for key in ("comment", "index_comment"):
            if getattr(t.primary_key, key) is not None:
                pk_pairs.append((key, _str_node(getattr(t.primary_key, key), flow=True)))
        if pk_pairs:
            pairs.append(("primary_key", _flow(pk_pairs)))
    if t.foreign_keys:
        fks = []
        for fk in t.foreign_keys:
            ref: list[tuple[str, Node]] = []
            if fk.ref_schema is not None:
                ref.append(("schema", _str_node(fk.ref_schema, flow=True)))
            ref += [
                ("table", _str_node(fk.ref_table, flow=True)),
                ("columns", _names(fk.ref_columns)),
            ]
            body: list[tuple[str, Node]] = [
                ("columns", _names(fk.columns)),
                ("references", _flow(ref)),
            ]
            for key in ("ondelete", "onupdate", "deferrable", "comment"):
                v = getattr(fk, key)
                if v is not None:
                    body.append((key, _str_node(v, flow=False)))
            fks.append((fk.name, _block(body)))
        pairs.append(("foreign_keys", _block(fks)))
    if t.uniques:
        pairs.append(("unique", _block([(u.name, _unique_node(u)) for u in t.uniques])))
    if t.checks:
        pairs.append(("checks", _block([(c.name, _check_node(c)) for c in t.checks])))
    if t.indexes:
        ixs = []
        for ix in t.indexes:
            body = [("columns", _index_columns_node(ix))]
            if ix.unique:
                body.append(("unique", _value_node(True)))
            if ix.where is not None:
                body.append(("where", _str_node(ix.where, flow=True)))
            for key, value in index_keys.extra_pairs(ix):
                body.append((key, _names(value) if isinstance(value, list) else _value_node(value)))
            ixs.append((ix.name, _flow(body)))
        pairs.append(("indexes", _block(ixs)))
    if t.rows is not None:
        order = {c: i for i, c in enumerate(t.column_names)}
        values = SequenceNode(
            _SEQ, [_row_node(r, order) for r in t.rows.rows], flow_style=not t.rows.rows
        )
        body_rows: list[tuple[str, Node]] = []
        if t.rows.mode != "managed":
            body_rows.append(("mode", _str_node(t.rows.mode, flow=False)))
        body_rows += [("key", _names(t.rows.key)), ("values", values)]
        pairs.append(("rows", _block(body_rows)))
    if t.dropped_columns:
        dropped = [
            (name, _flow([("backfill", _str_node(sql, flow=True))]))
            for name, sql in t.dropped_columns
        ]
        pairs.append(("dropped_columns", _block(dropped)))
    if t.unlogged:
        pairs.append(("unlogged", _value_node(True)))
    if t.exclusions:
        pairs.append(("exclusions", _block([(e.name, _exclusion_node(e)) for e in t.exclusions])))
    from planner.state.policies_yaml import policies_pairs  # row-level security

    pairs += policies_pairs(t)
    return _block(pairs)


def _exclusion_node(e: Exclusion) -> Node:
    """``{using, elements: [{column | expression, operator}], where}``."""
    items = []
    for el in e.elements:
        first = ("column", el.column) if el.column is not None else ("expression", el.expression)
        items.append(
            _flow(
                [
                    (first[0], _str_node(first[1], flow=True)),
                    ("operator", _str_node(el.operator, flow=True)),
                ]
            )
        )
    body: list[tuple[str, Node]] = [
        ("using", _str_node(e.using, flow=True)),
        ("elements", SequenceNode(_SEQ, items, flow_style=False)),
    ]
    if e.where is not None:
        body.append(("where", _str_node(e.where, flow=False)))
    for key in ("comment", "index_comment"):
        if getattr(e, key) is not None:
            body.append((key, _str_node(getattr(e, key), flow=False)))
    return _block(body)


def _unique_node(u: Unique) -> Node:
    """``[columns]``, or ``{columns: [...], deferrable: ..., comment: ...}`` for a
    deferrable or commented one."""
    if u.deferrable is None and u.comment is None and u.index_comment is None:
        return _names(u.columns)
    pairs: list[tuple[str, Node]] = [("columns", _names(u.columns))]
    for key in ("deferrable", "comment", "index_comment"):
        if getattr(u, key) is not None:
            pairs.append((key, _str_node(getattr(u, key), flow=True)))
    return _flow(pairs)


def _check_node(c: Any) -> Node:
    """The SQL text, or ``{sqltext: ..., comment: ...}`` for a commented check."""
    if c.comment is None:
        return _str_node(c.sqltext, flow=False)
    return _flow(
        [("sqltext", _str_node(c.sqltext, flow=True)), ("comment", _str_node(c.comment, flow=True))]
    )


def snapshot_node(snapshot: Snapshot) -> MappingNode:
    """The canonical YAML node tree of ``snapshot`` (see docs/snapshot-format.md).

    Example:
        >>> snapshot_node(Snapshot(release="1.0")).value[0][0].value
        'snapshot'
    """
    names = [t.name for t in snapshot.tables]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(
            f"cannot write tables {dupes} of several schemas: the format keys tables by name"
        )
    pairs: list[tuple[str, Node]] = [
        ("snapshot", _value_node(snapshot.format)),
        ("release", _str_node(snapshot.release, flow=False)),
    ]
    conventions = snapshot.conventions
    if conventions:
        order = {k: i for i, k in enumerate(NAMING_CONVENTION_KEYS)}
        keys = sorted(conventions, key=lambda k: (order.get(k, len(order)), k))
        pairs.append(
            (
                "naming_convention",
                _block([(k, _str_node(conventions[k], flow=False)) for k in keys]),
            )
        )
    if snapshot.enums:
        pairs.append(("enums", _block([(e.name, _enum_node(e)) for e in snapshot.enums])))
    if snapshot.tables:
        pairs.append(
            ("tables", _block([(t.name, _table_node(t, conventions)) for t in snapshot.tables]))
        )
    else:
        pairs.append(("tables", MappingNode(_MAP, [], flow_style=True)))
    if snapshot.unmanaged:
        from planner.state import inventory_yaml

        pairs.append(("unmanaged", inventory_yaml.node(snapshot, _value_node)))
    if snapshot.routines:
        from planner.state import routines_yaml

        pairs.append(("routines", routines_yaml.node(snapshot)))
    if snapshot.views:
        from planner.state import views_yaml

        pairs.append(("views", views_yaml.node(snapshot, _value_node)))
    from planner.state import pg_objects_yaml  # schemas, extensions, sequences

    pairs += pg_objects_yaml.nodes(snapshot, lambda s: _str_node(s, flow=True))
    from planner.state import pg_types_yaml  # domains, composite types, collations

    pairs += pg_types_yaml.nodes(snapshot, lambda s: _str_node(s, flow=True))
    if snapshot.steps:
        from planner.state import steps_yaml

        pairs.append(("steps", steps_yaml.node(snapshot)))
    return _block(pairs)


def _awkward_key(key: str) -> bool:
    """A key the two emitters may write differently (libyaml: ``? key : v``)."""
    return key == "" or not key.isascii() or not key.isprintable()


def _has_awkward_key(node: Node) -> bool:
    if isinstance(node, MappingNode):
        return any(_awkward_key(k.value) or _has_awkward_key(v) for k, v in node.value)
    if isinstance(node, SequenceNode):
        return any(_has_awkward_key(v) for v in node.value)
    return False


@functools.lru_cache(maxsize=1 << 16)
def _implicit_tag(value: str, implicit: tuple[bool, bool]) -> str:
    return _RESOLVER.resolve(ScalarNode, value, implicit)


class _Resolving:
    """The safe dumpers' tag resolution, memoised for scalars: with no path resolvers
    (the safe dumpers have none) it is a pure function of the value; the serializer asks
    it once per scalar, which was a third of the time of a dump."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _implicit_tag(value, implicit)
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


_CDumper = (
    type("_CDumper", (_Resolving, yaml.CSafeDumper), {}) if hasattr(yaml, "CSafeDumper") else None
)
_PyDumper = type("_PyDumper", (_Resolving, yaml.SafeDumper), {})


def _dumper_class(node: Node) -> type:
    # libyaml writes an empty key, or one that needs escapes, as a complex key
    # ("? '' : v") where PyYAML writes a simple one ("'': v"): use PyYAML for those.
    return _CDumper if _CDumper is not None and not _has_awkward_key(node) else _PyDumper


def dump_snapshot(
    snapshot: Snapshot,
    *,
    schema_ref: str | None = DEFAULT_SCHEMA_REF,
    dumper: type | None = None,
) -> str:
    """Canonical YAML of ``snapshot``: the same state always gives the same text.

    The first line is ``# yaml-language-server: $schema=<schema_ref>`` unless
    ``schema_ref`` is None. The default reference is ``snapshot.schema.json`` beside the
    snapshot, which :func:`write_snapshot` keeps in place.

    Example:
        >>> print(dump_snapshot(Snapshot(release="1.10"), schema_ref=None), end="")
        snapshot: 1
        release: '1.10'
        tables: {}
    """
    node = snapshot_node(snapshot)
    text = yaml.serialize(
        node,
        Dumper=dumper or _dumper_class(node),
        allow_unicode=True,
        width=1 << 30,
        indent=2,
        explicit_start=False,
        line_break="\n",
    )
    if schema_ref is not None:
        text = f"# yaml-language-server: $schema={schema_ref}\n" + text
    return text


def canonical_dump(snapshot: Snapshot) -> str:
    """``dump_snapshot(snapshot)`` with the default header: the bytes provenance hashes.

    Example:
        >>> canonical_dump(Snapshot(release="1.0")) == dump_snapshot(Snapshot(release="1.0"))
        True
    """
    return dump_snapshot(snapshot)


def snapshot_equal_with_hints(a: Snapshot, b: Snapshot) -> bool:
    """Equality that also compares the migration hints (renamed_from, backfill).

    Example:
        >>> snapshot_equal_with_hints(Snapshot(release="1"), Snapshot(release="1"))
        True
    """

    def hints(s: Snapshot) -> list:
        return [
            (
                t.key,
                t.renamed_from,
                [(c.name, c.renamed_from, c.backfill) for c in t.columns],
                t.dropped_columns,
            )
            for t in s.tables
        ]

    return a == b and hints(a) == hints(b)
