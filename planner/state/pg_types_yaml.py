"""The snapshot's ``domains``, ``types`` and ``collations`` sections (PostgreSQL,
:mod:`planner.state.pg_types`): reading with file:line problems, and writing.

```yaml
collations:
  ci: {provider: icu, locale: und-u-ks-level2, deterministic: false, comment: case-insensitive}
domains:
  posint:
    type: integer
    nullable: false
    default: '1'
    checks:
    - {name: posint_positive, sqltext: VALUE > 0}
types:
  pair:
    attributes:
    - {name: x, type: integer}
    - {name: y, type: text, comment: the second}
```
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from planner.state.pg_types import (
    PROVIDERS,
    Attribute,
    Collation,
    CompositeType,
    Domain,
    DomainCheck,
)

DOMAIN_KEYS = ("schema", "type", "nullable", "default", "checks", "collation", "comment")
CHECK_KEYS = ("name", "sqltext")
TYPE_KEYS = ("schema", "attributes", "comment")
ATTRIBUTE_KEYS = ("name", "type")  # required; a comment is optional
COLLATION_KEYS = ("schema", "provider", "locale", "deterministic", "comment")
_BOOL = "tag:yaml.org,2002:bool"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


def _entries(
    shape: Any, value: Any, path: tuple, what: str, keys: tuple, optional: tuple = ()
) -> list[dict]:
    """The mappings of a list of ``{name:, ...}`` entries (``keys`` required, ``optional``
    allowed)."""
    if value is None:
        return []
    if not isinstance(value, list):
        shape.add(path, f"expected a list of {what}, found {type(value).__name__}", lossy=False)
        return []
    out, seen = [], set()
    for i, item in enumerate(value):
        m = shape.mapping(item, (*path, i), what, allowed=keys + optional, required=("name",))
        if m is None or "name" not in m:
            continue
        missing = [k for k in keys if k not in m]
        if missing:
            example = "type: integer" if missing[0] == "type" else "sqltext: VALUE > 0"
            shape.add(
                (*path, i),
                f"{what} needs the key '{missing[0]}'",
                f"add e.g. {example} (SQL, as PostgreSQL takes it)",
                at_key=True,
            )
            continue
        name = shape.text(m["name"], (*path, i, "name"), "a name")
        if name is None:
            continue
        if name in seen:
            shape.add((*path, i, "name"), f"{name!r} appears twice", "give each its own name")
            continue
        seen.add(name)
        out.append(m)
    return out


def load_domains(shape: Any, value: Any) -> tuple[Domain, ...]:
    out = []
    for name, body in shape.names_mapping(value, ("domains",), "domains").items():
        p = ("domains", name)
        m = shape.mapping(body, p, f"domain '{name}'", allowed=DOMAIN_KEYS)
        if m is None:
            continue
        if "type" not in m:
            shape.add(
                p,
                f"domain '{name}' needs the key 'type'",
                "add its base type as SQL, e.g. type: integer",
                at_key=True,
            )
            continue
        type_ = shape.text(m["type"], (*p, "type"), "a type (SQL, as CREATE DOMAIN takes it)")
        if type_ is None or not type_.strip():
            if type_ is not None:
                shape.add((*p, "type"), f"domain {name!r}: empty type", "name its base type")
            continue
        checks = []
        for i, c in enumerate(
            _entries(shape, m.get("checks"), (*p, "checks"), "checks", CHECK_KEYS)
        ):
            text = shape.text(c["sqltext"], (*p, "checks", i, "sqltext"), "SQL", sql=True)
            if text is not None:
                checks.append(DomainCheck(name=c["name"], sqltext=text))
        nullable = shape.flag(m.get("nullable"), (*p, "nullable"), "nullable")
        out.append(
            Domain(
                name=name,
                schema=shape.text(m.get("schema"), (*p, "schema"), "a schema name"),
                type=type_,
                nullable=True if nullable is None else nullable,
                default=shape.text(m.get("default"), (*p, "default"), "SQL", sql=True),
                checks=tuple(checks),
                collation=shape.text(m.get("collation"), (*p, "collation"), "a collation name"),
                comment=shape.text(m.get("comment"), (*p, "comment"), "a comment"),
            )
        )
    return tuple(out)


def load_types(shape: Any, value: Any) -> tuple[CompositeType, ...]:
    out = []
    for name, body in shape.names_mapping(value, ("types",), "types").items():
        p = ("types", name)
        m = shape.mapping(body, p, f"type '{name}'", allowed=TYPE_KEYS, required=("attributes",))
        if m is None or "attributes" not in m:
            continue
        attrs = []
        raw = m.get("attributes")
        for i, a in enumerate(
            _entries(shape, raw, (*p, "attributes"), "attributes", ATTRIBUTE_KEYS, ("comment",))
        ):
            t = shape.text(a["type"], (*p, "attributes", i, "type"), "a type (SQL)")
            comment = shape.text(a.get("comment"), (*p, "attributes", i, "comment"), "a comment")
            if t is not None and t.strip():
                attrs.append(Attribute(name=a["name"], type=t, comment=comment))
            elif t is not None:
                shape.add((*p, "attributes", i, "type"), "empty type", "name the attribute's type")
        out.append(
            CompositeType(
                name=name,
                schema=shape.text(m.get("schema"), (*p, "schema"), "a schema name"),
                attributes=tuple(attrs),
                comment=shape.text(m.get("comment"), (*p, "comment"), "a comment"),
            )
        )
    return tuple(out)


def load_collations(shape: Any, value: Any) -> tuple[Collation, ...]:
    out = []
    for name, body in shape.names_mapping(value, ("collations",), "collations").items():
        p = ("collations", name)
        m = shape.mapping(
            body, p, f"collation '{name}'", allowed=COLLATION_KEYS, required=("locale",)
        )
        if m is None or "locale" not in m:
            continue
        locale = shape.text(m["locale"], (*p, "locale"), "a locale")
        provider = shape.text(m.get("provider"), (*p, "provider"), "a provider") or "libc"
        deterministic = shape.flag(m.get("deterministic"), (*p, "deterministic"), "deterministic")
        if provider not in PROVIDERS:
            shape.add(
                (*p, "provider"),
                f"collation {name!r}: unknown provider {provider!r}",
                "one of: " + ", ".join(PROVIDERS),
                lossy=False,
            )
            continue
        if deterministic is False and provider != "icu":
            shape.add(
                (*p, "deterministic"),
                f"collation {name!r}: PostgreSQL supports nondeterministic collations "
                "with the icu provider only",
                "write provider: icu, or drop deterministic: false",
                lossy=False,
            )
            continue
        if locale is None:
            continue
        out.append(
            Collation(
                name=name,
                schema=shape.text(m.get("schema"), (*p, "schema"), "a schema name"),
                provider=provider,
                locale=locale,
                deterministic=True if deterministic is None else deterministic,
                comment=shape.text(m.get("comment"), (*p, "comment"), "a comment"),
            )
        )
    return tuple(out)


def load(shape: Any, doc: dict) -> dict[str, tuple]:
    """The three sections as keyword arguments of ``Snapshot``, plus the checks across
    them (a name taken twice among types, domains and enums)."""
    out = {
        "domains": load_domains(shape, doc.get("domains")),
        "composite_types": load_types(shape, doc.get("types")),
        "collations": load_collations(shape, doc.get("collations")),
    }
    taken: dict[tuple, str] = {}
    enums = doc.get("enums") if isinstance(doc.get("enums"), dict) else {}
    for e in enums:
        taken[(None, e)] = "enums"
    for section, items in (("domains", out["domains"]), ("types", out["composite_types"])):
        for o in items:
            other = taken.get(o.key)
            if other is not None:
                shape.add(
                    (section, o.name),
                    f"type {o.qualified_name} is also defined under {other}: PostgreSQL has "
                    "one namespace for types",
                    "rename one of them",
                    lossy=False,
                )
            taken[o.key] = section
    return out


# --------------------------------------------------------------------------- writing
def nodes(snapshot: Any, str_node: Any) -> list[tuple[str, Node]]:
    """``(section, node)`` of each non-empty section; ``str_node(text)`` writes a string
    as the writer does."""

    def _map(pairs: list[tuple[str, Node]], flow: bool) -> MappingNode:
        return MappingNode(_MAP, [(str_node(k), v) for k, v in pairs], flow_style=flow)

    def _seq(items: list[Node]) -> SequenceNode:
        return SequenceNode(_SEQ, items, flow_style=False)

    def _bool(v: bool) -> ScalarNode:
        return ScalarNode(_BOOL, "true" if v else "false")

    out: list[tuple[str, Node]] = []
    if snapshot.collations:
        items = []
        for c in snapshot.collations:
            pairs: list[tuple[str, Node]] = []
            if c.schema is not None:
                pairs.append(("schema", str_node(c.schema)))
            pairs.append(("provider", str_node(c.provider)))
            pairs.append(("locale", str_node(c.locale)))
            if not c.deterministic:
                pairs.append(("deterministic", _bool(False)))
            if c.comment is not None:
                pairs.append(("comment", str_node(c.comment)))
            items.append((c.name, _map(pairs, True)))
        out.append(("collations", _map(items, False)))
    if snapshot.domains:
        items = []
        for d in snapshot.domains:
            pairs = []
            if d.schema is not None:
                pairs.append(("schema", str_node(d.schema)))
            pairs.append(("type", str_node(d.type)))
            if not d.nullable:
                pairs.append(("nullable", _bool(False)))
            if d.default is not None:
                pairs.append(("default", str_node(d.default)))
            if d.collation is not None:
                pairs.append(("collation", str_node(d.collation)))
            if d.checks:
                checks = [
                    _map([("name", str_node(c.name)), ("sqltext", str_node(c.sqltext))], True)
                    for c in d.checks
                ]
                pairs.append(("checks", _seq(checks)))
            if d.comment is not None:
                pairs.append(("comment", str_node(d.comment)))
            items.append((d.name, _map(pairs, not d.checks)))
        out.append(("domains", _map(items, False)))
    if snapshot.composite_types:
        items = []
        for t in snapshot.composite_types:
            pairs = []
            if t.schema is not None:
                pairs.append(("schema", str_node(t.schema)))
            attrs = [
                _map(
                    [("name", str_node(a.name)), ("type", str_node(a.type))]
                    + ([("comment", str_node(a.comment))] if a.comment is not None else []),
                    True,
                )
                for a in t.attributes
            ]
            pairs.append(
                ("attributes", _seq(attrs) if attrs else SequenceNode(_SEQ, [], flow_style=True))
            )
            if t.comment is not None:
                pairs.append(("comment", str_node(t.comment)))
            items.append((t.name, _map(pairs, False)))
        out.append(("types", _map(items, False)))
    return out
