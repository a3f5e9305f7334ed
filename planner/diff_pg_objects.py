"""The diff of the PostgreSQL schemas, extensions and sequences two snapshots model, and
of the schemas of their enums.

A new sequence is created without its owner, which an :class:`AlterSequence` sets after
the tables; a changed one is altered in place (``ALTER SEQUENCE``); an extension whose
version changes is updated (``ALTER EXTENSION ... UPDATE TO``), a snapshot naming no
version takes whatever the database has.

Example:
    >>> from planner.state.model import Snapshot
    >>> from planner.state.pg_objects import Schema, Sequence
    >>> new = Snapshot(release="2", schemas=(Schema(name="o"),),
    ...                sequences=(Sequence(name="s", schema="o"),))
    >>> [op.describe() for op in diff_pg_objects(Snapshot(release="1"), new)]
    ['Create schema o', 'Create sequence o.s']
"""

from __future__ import annotations

import dataclasses

from planner.ops.base import Operation
from planner.ops.pg_objects import (
    AlterExtension,
    AlterSequence,
    CreateExtension,
    CreateSchema,
    CreateSequence,
    DropExtension,
    DropSchema,
    DropSequence,
    SetEnumSchema,
    SetExtensionComment,
    SetSchemaComment,
)
from planner.state.model import Snapshot
from planner.state.pg_objects import implied_schemas


def diff_pg_objects(old: Snapshot, new: Snapshot) -> list[Operation]:
    """The operations turning ``old``'s schemas, extensions and sequences into ``new``'s."""
    ops: list[Operation] = []
    # a schema a table (enum, sequence ...) lives in exists whether listed or not
    have = {s.name: s for s in implied_schemas(old)}
    want = {s.name: s for s in implied_schemas(new)}
    listed_old = {s.name for s in old.schemas}
    listed_new = {s.name for s in new.schemas}
    for k in sorted(want.keys() - have.keys()):
        ops.append(CreateSchema(schema=want[k], listed=k in listed_new))
    for k in sorted(have.keys() - want.keys()):
        ops.append(DropSchema(schema=have[k], listed=k in listed_old))
    for k in sorted(have.keys() & want.keys()):
        if have[k] != want[k]:
            ops.append(SetSchemaComment(old=have[k], new=want[k]))
    have_x = {e.name: e for e in old.extensions}
    want_x = {e.name: e for e in new.extensions}
    ops += [CreateExtension(extension=want_x[k]) for k in sorted(want_x.keys() - have_x.keys())]
    ops += [DropExtension(extension=have_x[k]) for k in sorted(have_x.keys() - want_x.keys())]
    for k in sorted(have_x.keys() & want_x.keys()):
        a, b = have_x[k], want_x[k]
        if b.version is None:
            b = dataclasses.replace(b, version=a.version)
        if dataclasses.replace(a, comment=b.comment) != b:
            ops.append(AlterExtension(old=a, new=dataclasses.replace(b, comment=a.comment)))
        if a.comment != b.comment:  # the comment alone: COMMENT ON EXTENSION
            ops.append(SetExtensionComment(old=dataclasses.replace(b, comment=a.comment), new=b))
    have_q = {q.key: q for q in old.sequences}
    want_q = {q.key: q for q in new.sequences}
    for k in sorted(want_q.keys() - have_q.keys(), key=str):
        q = want_q[k]
        bare = dataclasses.replace(q, owned_by=None)
        ops.append(CreateSequence(sequence=bare))
        if q.owned_by is not None:
            ops.append(AlterSequence(old=bare, new=q))
    ops += [
        DropSequence(sequence=have_q[k]) for k in sorted(have_q.keys() - want_q.keys(), key=str)
    ]
    for k in sorted(have_q.keys() & want_q.keys(), key=str):
        if have_q[k] != want_q[k]:
            ops.append(AlterSequence(old=have_q[k], new=want_q[k]))
    old_enums = old.enums_by_name()
    for e in new.enums:
        o = old_enums.get(e.name)
        if o is not None and o.schema != e.schema:
            ops.append(SetEnumSchema(old=o, new=dataclasses.replace(o, schema=e.schema)))
    return ops
