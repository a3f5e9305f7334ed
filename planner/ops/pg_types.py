"""Create, alter and drop the PostgreSQL domains, composite types and collations a
snapshot models (:mod:`planner.state.pg_types`).

A collation comes before the domains using it, a domain or composite type before every
column, domain and type using it (``("type", name)`` refs, :func:`extra_needs` reads the
columns of other operations), and each is dropped after them; a domain or composite type
comes after the extensions a plan creates (one may give its type) and goes before those
it drops. A change a domain cannot
take in place (its base type or collation) drops and re-creates it, as does a composite
type whose attributes change order; a collation is never altered in place (PostgreSQL
has no such ALTER): it is dropped and re-created.

Example:
    >>> from planner.state.pg_types import Domain
    >>> CreateDomain(domain=Domain(name="posint", type="integer")).describe()
    'Create domain posint'
    >>> CreateDomain(domain=Domain(name="posint", type="integer")).reverse().describe()
    'Drop domain posint'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from planner.ops.base import Operation, Ref, Risk
from planner.ops.data import OPERATION_TYPES
from planner.ops.pg_objects import EXTENSION_TYPES, EXTENSION_TYPES_OLD
from planner.state.model import Snapshot
from planner.state.pg_types import Collation, CompositeType, Domain, type_names, user_type_refs

PHASE_CREATE_COLLATION = 1
PHASE_CREATE_TYPE = 2
PHASE_DROP_TYPE = 16
PHASE_DROP_COLLATION = 17

TYPE = "type"
COLLATION = "collation"
ATTRIBUTE = "attribute"
_FIELDS = {Domain: "domains", CompositeType: "composite_types", Collation: "collations"}


def type_ref(name: str) -> Ref:
    return (TYPE, name)  # type: ignore[return-value]


def attribute_ref(type_name: str, attribute: str) -> Ref:
    """The ref of an attribute of the composite type ``type_name`` (an attribute comment
    needs it; an ``ALTER TYPE`` adding the attribute gives it)."""
    return (ATTRIBUTE, f"{type_name}.{attribute}")  # type: ignore[return-value]


def _refs_of(obj: Any) -> set:
    refs: set = set()
    if obj.schema:
        refs.add(("schema", obj.schema))
    if isinstance(obj, Collation):
        return refs
    refs |= {type_ref(n) for n in user_type_refs(obj)}
    if isinstance(obj, Domain) and obj.collation:
        refs.add((COLLATION, obj.collation))
    return refs


def _put(snapshot: Snapshot, obj: Any, new: Any | None) -> Snapshot:
    field = _FIELDS[type(obj)]
    items = [o for o in getattr(snapshot, field) if o.key != obj.key]
    if new is not None:
        items.append(new)
    return dataclasses.replace(snapshot, **{field: tuple(items)})


class _One(Operation):
    """An operation on one object (``obj``): a create, drop or alter of it."""

    __slots__ = ()
    noun: ClassVar[str] = ""
    verb: ClassVar[str] = ""

    @property
    def obj(self) -> Any:  # pragma: no cover - each subclass names its field
        raise NotImplementedError

    def sort_name(self) -> str:
        return self.obj.name

    def where(self) -> str:
        return self.obj.qualified_name

    def label(self) -> str:
        return f"{self.verb.lower()} {self.noun} {self.obj.qualified_name}"

    def describe(self) -> str:
        return f"{self.verb} {self.noun} {self.obj.qualified_name}"

    def _gives_ref(self) -> Ref:
        if isinstance(self.obj, Collation):
            return (COLLATION, self.obj.qualified_name)  # type: ignore[return-value]
        return type_ref(self.obj.qualified_name)

    def needs(self) -> frozenset[Ref]:
        refs = _refs_of(self.obj)
        if not isinstance(self.obj, Collation):
            # a base or attribute type an extension may give (geometry(Point,4326)): after
            # the extensions the plan creates, before those it drops
            refs.add((EXTENSION_TYPES_OLD if self.category == "-" else EXTENSION_TYPES, "*"))
        return frozenset(refs)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateDomain(_One):
    kind: ClassVar[str] = "create_domain"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_TYPE
    noun: ClassVar[str] = "domain"
    verb: ClassVar[str] = "Create"
    domain: Domain

    @property
    def obj(self) -> Domain:
        return self.domain

    def reverse(self) -> Operation:
        return DropDomain(domain=self.domain)

    def gives(self) -> frozenset[Ref]:
        return frozenset({self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.domain, self.domain)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropDomain(_One):
    kind: ClassVar[str] = "drop_domain"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_TYPE
    noun: ClassVar[str] = "domain"
    verb: ClassVar[str] = "Drop"
    domain: Domain

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    @property
    def obj(self) -> Domain:
        return self.domain

    def reverse(self) -> Operation:
        return CreateDomain(domain=self.domain)

    def removes(self) -> frozenset[Ref]:
        return frozenset({self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.domain, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterDomain(_One):
    """``ALTER DOMAIN``: default, NOT NULL, checks (a changed check is dropped and added
    again), comment."""

    kind: ClassVar[str] = "alter_domain"
    phase: ClassVar[int] = PHASE_CREATE_TYPE
    noun: ClassVar[str] = "domain"
    verb: ClassVar[str] = "Alter"
    old: Domain
    new: Domain

    @property
    def obj(self) -> Domain:
        return self.new

    def describe(self) -> str:
        from planner.state.pg_types import same_domain

        return f"Alter domain {self.new.qualified_name}: " + ", ".join(
            same_domain(self.old, self.new)
        )

    @property
    def risk(self) -> Risk:
        # a new NOT NULL or check fails on values already stored: the plan shows it
        from planner.state.pg_types import changed_checks

        tighter = (self.old.nullable and not self.new.nullable) or changed_checks(
            self.old, self.new
        )[1]
        return Risk.DESTRUCTIVE if tighter else Risk.SAFE

    def reverse(self) -> Operation:
        return AlterDomain(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset(_refs_of(self.new) | {self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.new, self.new)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateCompositeType(_One):
    kind: ClassVar[str] = "create_composite_type"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_TYPE
    noun: ClassVar[str] = "type"
    verb: ClassVar[str] = "Create"
    type: CompositeType

    @property
    def obj(self) -> CompositeType:
        return self.type

    def reverse(self) -> Operation:
        return DropCompositeType(type=self.type)

    def gives(self) -> frozenset[Ref]:
        return frozenset({self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.type, self.type)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropCompositeType(_One):
    kind: ClassVar[str] = "drop_composite_type"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_TYPE
    noun: ClassVar[str] = "type"
    verb: ClassVar[str] = "Drop"
    type: CompositeType

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    @property
    def obj(self) -> CompositeType:
        return self.type

    def reverse(self) -> Operation:
        return CreateCompositeType(type=self.type)

    def removes(self) -> frozenset[Ref]:
        return frozenset({self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.type, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterCompositeType(_One):
    """``ALTER TYPE``: attributes dropped, added (at the end) and of a changed type;
    comment (the comments of attributes are :class:`~planner.ops.pg_type_comments.
    SetAttributeComment` ops of their own)."""

    kind: ClassVar[str] = "alter_composite_type"
    phase: ClassVar[int] = PHASE_CREATE_TYPE
    noun: ClassVar[str] = "type"
    verb: ClassVar[str] = "Alter"
    old: CompositeType
    new: CompositeType

    @property
    def obj(self) -> CompositeType:
        return self.new

    def changes(self) -> tuple[list[str], list[Any], list[Any]]:
        """``(dropped names, added attributes, retyped attributes)``."""
        old = {a.name: a for a in self.old.attributes}
        new = {a.name: a for a in self.new.attributes}
        dropped = [a.name for a in self.old.attributes if a.name not in new]
        added = [a for a in self.new.attributes if a.name not in old]
        retyped = [a for a in self.new.attributes if a.name in old and old[a.name].type != a.type]
        return dropped, added, retyped

    def describe(self) -> str:
        dropped, added, retyped = self.changes()
        parts = [f"drop {n}" for n in dropped]
        parts += [f"add {a.name} {a.type}" for a in added]
        parts += [f"{a.name} becomes {a.type}" for a in retyped]
        if self.old.comment != self.new.comment:
            parts.append("comment")
        return f"Alter type {self.new.qualified_name}: " + ", ".join(parts)

    @property
    def risk(self) -> Risk:
        dropped, _, retyped = self.changes()
        return Risk.DESTRUCTIVE if dropped or retyped else Risk.SAFE

    def reverse(self) -> Operation:
        return AlterCompositeType(old=self.new, new=self.old)

    def gives(self) -> frozenset[Ref]:
        # the attributes it adds, whose comments come after
        name = self.new.qualified_name
        return frozenset(attribute_ref(name, a.name) for a in self.changes()[1])

    def needs(self) -> frozenset[Ref]:
        return frozenset(_refs_of(self.new) | _refs_of(self.old) | {self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.new, self.new)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateCollation(_One):
    kind: ClassVar[str] = "create_collation"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_COLLATION
    noun: ClassVar[str] = "collation"
    verb: ClassVar[str] = "Create"
    collation: Collation

    @property
    def obj(self) -> Collation:
        return self.collation

    def reverse(self) -> Operation:
        return DropCollation(collation=self.collation)

    def gives(self) -> frozenset[Ref]:
        return frozenset({self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.collation, self.collation)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropCollation(_One):
    kind: ClassVar[str] = "drop_collation"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_COLLATION
    noun: ClassVar[str] = "collation"
    verb: ClassVar[str] = "Drop"
    collation: Collation

    @property
    def obj(self) -> Collation:
        return self.collation

    def reverse(self) -> Operation:
        return CreateCollation(collation=self.collation)

    def removes(self) -> frozenset[Ref]:
        return frozenset({self._gives_ref()})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _put(snapshot, self.collation, None)


for _cls in (
    CreateDomain,
    DropDomain,
    AlterDomain,
    CreateCompositeType,
    DropCompositeType,
    AlterCompositeType,
    CreateCollation,
    DropCollation,
):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)

_OWN = (
    CreateDomain,
    DropDomain,
    AlterDomain,
    CreateCompositeType,
    DropCompositeType,
    AlterCompositeType,
    CreateCollation,
    DropCollation,
)


def extra_needs(op: Operation, columns: list) -> frozenset[Ref]:
    """The domains and composite types the ``columns`` of another module's operation use
    (``postgresql.TYPE(name)``, arrays of them too), and their own collations: a column
    needs its type and its collation."""
    if isinstance(op, _OWN):
        return frozenset()
    refs: set = set()
    from planner.ops.collations import collation_refs  # a column's own collation

    for c in columns:
        refs |= {type_ref(n) for n in type_names(getattr(c, "type", None))}
        refs |= collation_refs(getattr(c, "collation", None))
    return frozenset(refs)
