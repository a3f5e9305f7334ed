"""Create, alter and drop the PostgreSQL schemas, extensions and sequences a snapshot
models (:mod:`planner.state.pg_objects`), and move an enum between schemas.

Schemas come first and go last; extensions follow the schemas (a column of a type an
extension gives needs it); a sequence is created before the tables (a column default
``nextval('s')`` needs it) and given its owner (``OWNED BY``) after them; sequences are
dropped after the tables and columns whose defaults use them. :func:`extra_needs` adds
what the table and enum operations need of these objects (the graph reads it).

Example:
    >>> from planner.state.pg_objects import Schema
    >>> CreateSchema(schema=Schema(name="other")).describe()
    'Create schema other'
    >>> CreateSchema(schema=Schema(name="other")).reverse().describe()
    'Drop schema other'
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from planner.ops.base import Operation, Ref, Risk
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Enum, Snapshot
from planner.state.pg_objects import Extension, Schema, Sequence

#: (sort keys compare phases as two-digit strings: no negative phases)
PHASE_CREATE_SCHEMA = 0
PHASE_CREATE_EXTENSION = 1
PHASE_CREATE_SEQUENCE = 3
PHASE_ALTER_SEQUENCE = 12
PHASE_DROP_SEQUENCE = 15
PHASE_DROP_EXTENSION = 18
PHASE_DROP_SCHEMA = 19

SCHEMA = "schema"
EXTENSION = "extension"
SEQUENCE = "sequence"
#: what every created extension gives: the types outside the built-in ones
EXTENSION_TYPES = "extension_types"
#: what every dropped extension removes: those types, as the columns dropped before it
#: hold them (apart from the created ones, so a plan dropping one extension and creating
#: another does not order the two)
EXTENSION_TYPES_OLD = "extension_types_old"


def _schema_ref(name: str) -> Ref:
    return (SCHEMA, name)  # type: ignore[return-value]


def _seq_ref(schema: str | None, name: str) -> Ref:
    return (SEQUENCE, f"{schema}.{name}" if schema else name)  # type: ignore[return-value]


def _replace(snapshot: Snapshot, field: str, key, new: Any | None) -> Snapshot:
    keyf = (lambda o: o.key) if field == "sequences" else (lambda o: o.name)
    items = [o for o in getattr(snapshot, field) if keyf(o) != key]
    if new is not None:
        items.append(new)
    return dataclasses.replace(snapshot, **{field: tuple(items)})


# --------------------------------------------------------------------------- schemas
@dataclass(frozen=True, slots=True, kw_only=True)
class CreateSchema(Operation):
    kind: ClassVar[str] = "create_schema"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_SCHEMA
    schema: Schema
    #: False: a schema the snapshot implies (its tables live there) but does not list
    listed: bool = True

    def sort_name(self) -> str:
        return self.schema.name

    def where(self) -> str:
        return self.schema.name

    def label(self) -> str:
        return f"create schema {self.schema.name}"

    def describe(self) -> str:
        return f"Create schema {self.schema.name}"

    def reverse(self) -> Operation:
        return DropSchema(schema=self.schema, listed=self.listed)

    def gives(self) -> frozenset[Ref]:
        return frozenset({_schema_ref(self.schema.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if not self.listed:
            return snapshot
        return _replace(snapshot, "schemas", self.schema.name, self.schema)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropSchema(Operation):
    kind: ClassVar[str] = "drop_schema"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_SCHEMA
    schema: Schema
    listed: bool = True

    def sort_name(self) -> str:
        return self.schema.name

    def where(self) -> str:
        return self.schema.name

    def label(self) -> str:
        return f"drop schema {self.schema.name}"

    def describe(self) -> str:
        return f"Drop schema {self.schema.name}"

    def reverse(self) -> Operation:
        return CreateSchema(schema=self.schema, listed=self.listed)

    def removes(self) -> frozenset[Ref]:
        return frozenset({_schema_ref(self.schema.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        if not self.listed:
            return snapshot
        return _replace(snapshot, "schemas", self.schema.name, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetSchemaComment(Operation):
    kind: ClassVar[str] = "set_schema_comment"
    old: Schema
    new: Schema

    def sort_name(self) -> str:
        return self.new.name

    def where(self) -> str:
        return self.new.name

    def label(self) -> str:
        return f"comment on schema {self.new.name}"

    def describe(self) -> str:
        return f"Set the comment of schema {self.new.name} to {self.new.comment!r}"

    def reverse(self) -> Operation:
        return SetSchemaComment(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({_schema_ref(self.new.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "schemas", self.new.name, self.new)


# --------------------------------------------------------------------------- extensions
@dataclass(frozen=True, slots=True, kw_only=True)
class CreateExtension(Operation):
    kind: ClassVar[str] = "create_extension"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_EXTENSION
    extension: Extension

    def sort_name(self) -> str:
        return self.extension.name

    def where(self) -> str:
        return self.extension.name

    def label(self) -> str:
        return f"create extension {self.extension.name}"

    def describe(self) -> str:
        v = f" version {self.extension.version}" if self.extension.version else ""
        return f"Create extension {self.extension.name}{v}"

    def reverse(self) -> Operation:
        return DropExtension(extension=self.extension)

    def needs(self) -> frozenset[Ref]:
        s = self.extension.schema
        return frozenset({_schema_ref(s)}) if s else frozenset()

    def gives(self) -> frozenset[Ref]:
        return frozenset({(EXTENSION, self.extension.name), (EXTENSION_TYPES, "*")})  # type: ignore[arg-type]

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "extensions", self.extension.name, self.extension)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropExtension(Operation):
    kind: ClassVar[str] = "drop_extension"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_EXTENSION
    extension: Extension

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    def sort_name(self) -> str:
        return self.extension.name

    def where(self) -> str:
        return self.extension.name

    def label(self) -> str:
        return f"drop extension {self.extension.name}"

    def describe(self) -> str:
        return f"Drop extension {self.extension.name}"

    def reverse(self) -> Operation:
        return CreateExtension(extension=self.extension)

    def needs(self) -> frozenset[Ref]:
        s = self.extension.schema
        return frozenset({_schema_ref(s)}) if s else frozenset()

    def removes(self) -> frozenset[Ref]:
        return frozenset({(EXTENSION, self.extension.name), (EXTENSION_TYPES_OLD, "*")})  # type: ignore[arg-type]

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "extensions", self.extension.name, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterExtension(Operation):
    """``ALTER EXTENSION ... UPDATE TO`` a version and/or ``SET SCHEMA``."""

    kind: ClassVar[str] = "alter_extension"
    phase: ClassVar[int] = PHASE_CREATE_EXTENSION
    old: Extension
    new: Extension

    def sort_name(self) -> str:
        return self.new.name

    def where(self) -> str:
        return self.new.name

    def label(self) -> str:
        return f"alter extension {self.new.name}"

    def describe(self) -> str:
        parts = []
        if self.old.version != self.new.version:
            parts.append(f"update to version {self.new.version}")
        if self.old.schema != self.new.schema:
            parts.append(f"move to schema {self.new.schema or 'public'}")
        return f"Alter extension {self.new.name}: " + ", ".join(parts)

    def reverse(self) -> Operation:
        return AlterExtension(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        s = self.new.schema
        return frozenset({_schema_ref(s)}) if s else frozenset()

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "extensions", self.new.name, self.new)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetExtensionComment(Operation):
    """Set the comment of an extension that stays (``new.comment``; None: back to its
    control file's, ``""``: none); ``old`` / ``new`` differ in their comment only."""

    kind: ClassVar[str] = "set_extension_comment"
    phase: ClassVar[int] = PHASE_CREATE_EXTENSION
    old: Extension
    new: Extension

    def sort_name(self) -> str:
        return self.new.name

    def where(self) -> str:
        return self.new.name

    def label(self) -> str:
        return f"comment of extension {self.new.name}"

    def describe(self) -> str:
        what = f"the comment of extension {self.new.name}"
        if self.new.comment is None:
            return f"Reset {what} to its control file's"
        if self.new.comment == "":
            return f"Remove {what}"
        return f"Set {what} to {self.new.comment!r}"

    def reverse(self) -> Operation:
        return SetExtensionComment(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(EXTENSION, self.new.name)})  # type: ignore[arg-type]

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "extensions", self.new.name, self.new)


# --------------------------------------------------------------------------- sequences
def _seq_needs(q: Sequence) -> set:
    refs: set = set()
    if q.schema:
        refs.add(_schema_ref(q.schema))
    return refs


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateSequence(Operation):
    """``CREATE SEQUENCE`` (its owner is set apart, after the tables: :class:`AlterSequence`)."""

    kind: ClassVar[str] = "create_sequence"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_SEQUENCE
    sequence: Sequence

    def sort_name(self) -> str:
        return self.sequence.name

    def where(self) -> str:
        return self.sequence.qualified_name

    def label(self) -> str:
        return f"create sequence {self.sequence.qualified_name}"

    def describe(self) -> str:
        return f"Create sequence {self.sequence.qualified_name}"

    def reverse(self) -> Operation:
        return DropSequence(sequence=self.sequence)

    def needs(self) -> frozenset[Ref]:
        return frozenset(_seq_needs(self.sequence))

    def gives(self) -> frozenset[Ref]:
        return frozenset({_seq_ref(self.sequence.schema, self.sequence.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "sequences", self.sequence.key, self.sequence)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropSequence(Operation):
    """``DROP SEQUENCE IF EXISTS``: a sequence owned by a column dropped in the same plan
    is already gone with it."""

    kind: ClassVar[str] = "drop_sequence"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_SEQUENCE
    sequence: Sequence

    @property
    def risk(self) -> Risk:
        return Risk.DESTRUCTIVE

    def sort_name(self) -> str:
        return self.sequence.name

    def where(self) -> str:
        return self.sequence.qualified_name

    def label(self) -> str:
        return f"drop sequence {self.sequence.qualified_name}"

    def describe(self) -> str:
        return f"Drop sequence {self.sequence.qualified_name}"

    def reverse(self) -> Operation:
        return CreateSequence(sequence=self.sequence)

    def needs(self) -> frozenset[Ref]:
        return frozenset(_seq_needs(self.sequence))

    def removes(self) -> frozenset[Ref]:
        return frozenset({_seq_ref(self.sequence.schema, self.sequence.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "sequences", self.sequence.key, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AlterSequence(Operation):
    """``ALTER SEQUENCE`` of what changes: type, bounds, increment, cycle, owner, comment."""

    kind: ClassVar[str] = "alter_sequence"
    phase: ClassVar[int] = PHASE_ALTER_SEQUENCE
    old: Sequence
    new: Sequence

    def sort_name(self) -> str:
        return self.new.name

    def where(self) -> str:
        return self.new.qualified_name

    def label(self) -> str:
        return f"alter sequence {self.new.qualified_name}"

    def changes(self) -> list[str]:
        return [
            f.name
            for f in dataclasses.fields(Sequence)
            if getattr(self.old, f.name) != getattr(self.new, f.name)
        ]

    def describe(self) -> str:
        parts = []
        for f in self.changes():
            v = getattr(self.new, f)
            if f == "owned_by":
                v = ".".join(v) if v else "none"
            elif v is None:
                v = "default"
            parts.append(f"{f} {v}")
        return f"Alter sequence {self.new.qualified_name}: " + ", ".join(parts)

    def reverse(self) -> Operation:
        return AlterSequence(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        refs = _seq_needs(self.new) | {_seq_ref(self.new.schema, self.new.name)}
        if self.new.owned_by is not None:
            table, column = self.new.owned_by
            refs.add(("column", (self.new.schema, table, column)))
        if self.old.owned_by is not None and self.old.owned_by != self.new.owned_by:
            table, column = self.old.owned_by
            refs.add(("column", (self.old.schema, table, column)))
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _replace(snapshot, "sequences", self.new.key, self.new)


# --------------------------------------------------------------------------- enums
@dataclass(frozen=True, slots=True, kw_only=True)
class SetEnumSchema(Operation):
    """``ALTER TYPE ... SET SCHEMA``: an enum moves to another schema, its columns stay."""

    kind: ClassVar[str] = "set_enum_schema"
    phase: ClassVar[int] = 3
    old: Enum
    new: Enum

    def sort_name(self) -> str:
        return self.new.name

    def where(self) -> str:
        return self.new.name

    def label(self) -> str:
        return f"move enum {self.new.name}"

    def describe(self) -> str:
        return f"Move enum {self.new.name} to schema {self.new.schema or 'public'}"

    def reverse(self) -> Operation:
        return SetEnumSchema(old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({_schema_ref(self.new.schema)}) if self.new.schema else frozenset()

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return snapshot.replace_enum(self.new)


for _cls in (
    CreateSchema,
    DropSchema,
    SetSchemaComment,
    CreateExtension,
    DropExtension,
    AlterExtension,
    SetExtensionComment,
    CreateSequence,
    DropSequence,
    AlterSequence,
    SetEnumSchema,
):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)


# --------------------------------------------------------------------------- other ops
_NEXTVAL = re.compile(r"nextval\(\s*'((?:[^']|'')+)'", re.I)
#: MariaDB's ``NEXT VALUE FOR s`` / ``nextval(s)``, the name bare or backquoted
_NEXT_VALUE = re.compile(
    r"(?:\bnext\s+value\s+for\s+|\bnextval\(\s*)(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_$]*)"
    r"(?![\w$`])(?!\s*\.)",
    re.I,
)


def sequences_of_default(default: str | None, schema: str | None) -> set[Ref]:
    """The sequences a default ``nextval('s'::regclass)`` uses, as refs.

    Example:
        >>> sorted(sequences_of_default("nextval('other.s'::regclass)", None))
        [('sequence', 'other.s')]
        >>> sorted(sequences_of_default("NEXT VALUE FOR `my s`", None))
        [('sequence', 'my s')]
    """
    out: set[Ref] = set()
    for m in _NEXTVAL.finditer(default or ""):
        name = m.group(1).replace("''", "'").replace('"', "")
        if "." in name:
            s, _, n = name.rpartition(".")
            out.add(_seq_ref(None if s == "public" else s, n))
        else:
            out.add(_seq_ref(schema, name))
    for m in _NEXT_VALUE.finditer(default or ""):
        name = m.group(1)
        if name.startswith("`"):
            name = name[1:-1].replace("``", "`")
        out.add(_seq_ref(schema, name))
    return out


def _columns_of(op: Any) -> list:
    cols = []
    table = getattr(op, "table", None)
    if table is not None and hasattr(table, "columns"):
        cols += list(table.columns)
    for name in ("column", "old", "new"):
        c = getattr(op, name, None)
        if c is not None and hasattr(c, "server_default") and hasattr(c, "type"):
            cols.append(c)
    return cols


def extra_needs(op: Operation) -> frozenset[Ref]:
    """What an operation of another module needs of the objects here: a table's schema,
    the sequences its column defaults use, the extensions giving verbatim column types,
    an enum's schema."""
    if isinstance(op, (CreateSchema, DropSchema, SetSchemaComment)):
        return frozenset()
    refs: set = set()
    key = op.table_key
    if key is not None and key[0]:
        refs.add(_schema_ref(key[0]))
    enum = getattr(op, "enum", None)
    if isinstance(enum, Enum) and enum.schema:
        refs.add(_schema_ref(enum.schema))
    schema = key[0] if key is not None else None
    table = getattr(op, "table", None)
    if getattr(table, "exclusions", ()):  # operator classes an extension may give
        refs.add((EXTENSION_TYPES_OLD if op.category == "-" else EXTENSION_TYPES, "*"))
    for c in _columns_of(op):
        refs |= sequences_of_default(c.server_default, schema)
        if "postgresql.TYPE(" in (c.type or ""):
            refs.add((EXTENSION_TYPES_OLD if op.category == "-" else EXTENSION_TYPES, "*"))
    index = getattr(op, "index", None)
    if getattr(index, "using", None) is not None or any(  # a method, an operator class
        e.opclass or e.expression for e in getattr(index, "elements", ())
    ):  # an extension may give it (or the expression's function)
        refs.add((EXTENSION_TYPES_OLD if op.category == "-" else EXTENSION_TYPES, "*"))
    for name in ("old", "new"):
        v = getattr(op, name, None)
        if isinstance(v, str):
            refs |= sequences_of_default(v, schema)
    from planner.ops import pg_types  # the domains and composite types of columns

    return frozenset(refs) | pg_types.extra_needs(op, _columns_of(op))
