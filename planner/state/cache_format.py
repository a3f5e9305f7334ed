"""The entry format of :mod:`planner.state.cache`: each model class as a JSON array of
its field values in field order, every value checked against its field's kind on reading
(an entry that does not decode to the model is a miss, never a wrong snapshot). Row
values are JSON values (objects become FrozenMap, arrays tuples, as the loader freezes
them); rows of plain values naming the same columns are stored a column at a time.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import operator
from collections.abc import Callable
from typing import Any

from planner.errors import DbplanError
from planner.state import model, pg_objects, pg_types, policies
from planner.state.model import Snapshot
from planner.state.rowcheck import remember_columns

# Each model class is a JSON array of its field values in field order; each field has a
# kind, and the reader checks every value against it. Row values are JSON values
# (objects become FrozenMap, arrays tuples, as the loader freezes them).
_S, _S_OPT, _B, _B_OPT, _I, _STRS, _PAIRS, _ROWS, _I_OPT, _STRS_OPT = range(10)
_SPECS: dict[type, tuple[tuple[str, object], ...]] = {
    model.Column: (
        ("name", _S),
        ("type", _S),
        ("nullable", _B),
        ("autoincrement", _B_OPT),
        ("server_default", _S_OPT),
        ("on_update", _S_OPT),
        ("comment", _S_OPT),
        ("renamed_from", _S_OPT),
        ("backfill", _S_OPT),
        ("identity", _S_OPT),
        ("generated", (None, model.Generated)),
        ("collation", _S_OPT),
        ("using", _PAIRS),
        ("backfill_dialects", _PAIRS),
    ),
    model.Generated: (("expression", _S), ("stored", _B)),
    model.PrimaryKey: (
        ("name", _S_OPT),
        ("columns", _STRS),
        ("deferrable", _S_OPT),
        ("comment", _S_OPT),
        ("index_comment", _S_OPT),
    ),
    model.ForeignKey: (
        ("name", _S),
        ("columns", _STRS),
        ("ref_table", _S),
        ("ref_columns", _STRS),
        ("ref_schema", _S_OPT),
        ("ondelete", _S_OPT),
        ("onupdate", _S_OPT),
        ("deferrable", _S_OPT),
        ("comment", _S_OPT),
    ),
    model.Unique: (
        ("name", _S),
        ("columns", _STRS),
        ("deferrable", _S_OPT),
        ("comment", _S_OPT),
        ("index_comment", _S_OPT),
    ),
    model.Check: (("name", _S), ("sqltext", _S), ("comment", _S_OPT)),
    model.Index: (
        ("name", _S),
        ("columns", _STRS),
        ("unique", _B),
        ("where", _S_OPT),
        ("using", _S_OPT),
        ("include", _STRS),
        ("comment", _S_OPT),
        ("elements", (tuple, model.IndexElement)),
        ("storage", _PAIRS),
    ),
    model.IndexElement: (
        ("column", _S_OPT),
        ("expression", _S_OPT),
        ("collate", _S_OPT),
        ("opclass", _S_OPT),
        ("order", _S_OPT),
        ("nulls", _S_OPT),
    ),
    model.Enum: (
        ("name", _S),
        ("values", _STRS),
        ("schema", _S_OPT),
        ("renamed_values", _PAIRS),
        ("comment", _S_OPT),
    ),
    model.RowSet: (("key", _STRS), ("rows", _ROWS), ("mode", _S)),
    model.Table: (
        ("name", _S),
        ("schema", _S_OPT),
        ("columns", (tuple, model.Column)),
        ("primary_key", (None, model.PrimaryKey)),
        ("foreign_keys", (tuple, model.ForeignKey)),
        ("uniques", (tuple, model.Unique)),
        ("checks", (tuple, model.Check)),
        ("indexes", (tuple, model.Index)),
        ("comment", _S_OPT),
        ("rows", (None, model.RowSet)),
        ("renamed_from", _S_OPT),
        ("dropped_columns", _PAIRS),
        ("unlogged", _B),
        ("exclusions", (tuple, model.Exclusion)),
        ("row_level_security", _S_OPT),
        ("policies", (tuple, policies.Policy)),
        ("partition_by", _S_OPT),
        ("partition_of", (None, model.PartitionOf)),
        ("inherits", _STRS),
    ),
    model.ExclusionElement: (("operator", _S), ("column", _S_OPT), ("expression", _S_OPT)),
    model.Exclusion: (
        ("name", _S),
        ("elements", (tuple, model.ExclusionElement)),
        ("using", _S),
        ("where", _S_OPT),
        ("comment", _S_OPT),
        ("index_comment", _S_OPT),
    ),
    policies.Policy: (
        ("name", _S),
        ("command", _S),
        ("permissive", _B),
        ("roles", _STRS),
        ("using", _S_OPT),
        ("with_check", _S_OPT),
        ("comment", _S_OPT),
    ),
    model.PartitionOf: (("table", _S), ("bound", _S), ("schema", _S_OPT)),
    model.Snapshot: (
        ("release", _S),
        ("tables", (tuple, model.Table)),
        ("enums", (tuple, model.Enum)),
        ("naming_convention", _PAIRS),
        ("format", _I),
        ("unmanaged", (tuple, model.Unmanaged)),
        ("routines", (tuple, model.Routine)),
        ("views", (tuple, model.View)),
        ("schemas", (tuple, pg_objects.Schema)),
        ("extensions", (tuple, pg_objects.Extension)),
        ("sequences", (tuple, pg_objects.Sequence)),
        ("steps", (tuple, model.DataStep)),
        ("domains", (tuple, pg_types.Domain)),
        ("composite_types", (tuple, pg_types.CompositeType)),
        ("collations", (tuple, pg_types.Collation)),
    ),
    pg_types.DomainCheck: (("name", _S), ("sqltext", _S)),
    pg_types.Domain: (
        ("name", _S),
        ("schema", _S_OPT),
        ("type", _S),
        ("nullable", _B),
        ("default", _S_OPT),
        ("checks", (tuple, pg_types.DomainCheck)),
        ("collation", _S_OPT),
        ("comment", _S_OPT),
    ),
    pg_types.Attribute: (("name", _S), ("type", _S), ("comment", _S_OPT)),
    pg_types.CompositeType: (
        ("name", _S),
        ("schema", _S_OPT),
        ("attributes", (tuple, pg_types.Attribute)),
        ("comment", _S_OPT),
    ),
    pg_types.Collation: (
        ("name", _S),
        ("schema", _S_OPT),
        ("provider", _S),
        ("locale", _S),
        ("deterministic", _B),
        ("comment", _S_OPT),
    ),
    pg_objects.Schema: (("name", _S), ("comment", _S_OPT)),
    pg_objects.Extension: (
        ("name", _S),
        ("version", _S_OPT),
        ("schema", _S_OPT),
        ("comment", _S_OPT),
    ),
    pg_objects.Sequence: (
        ("name", _S),
        ("schema", _S_OPT),
        ("type", _S),
        ("increment", _I),
        ("start", _I_OPT),
        ("min_value", _I_OPT),
        ("max_value", _I_OPT),
        ("cycle", _B),
        ("owned_by", _STRS_OPT),
        ("comment", _S_OPT),
        ("cache", _I_OPT),
    ),
    model.DataStep: (
        ("name", _S),
        ("reads", _STRS),
        ("writes", _STRS),
        ("sql", _PAIRS),
        ("guard", _PAIRS),
        ("downgrade", _PAIRS),
        ("irreversible", _B),
    ),
    model.Routine: (
        ("kind", _S),
        ("name", _S),
        ("definition", _S),
        ("schema", _S_OPT),
        ("table", _S_OPT),
        ("dialect", _S),
        ("comment", _S_OPT),
    ),
    model.View: (
        ("name", _S),
        ("definition", _S),
        ("schema", _S_OPT),
        ("kind", _S),
        ("indexes", (tuple, model.Index)),
        ("comment", _S_OPT),
        ("column_comments", _PAIRS),
        ("reads", (tuple, model.ViewRead)),
    ),
    model.ViewRead: (("kind", _S), ("name", _S), ("schema", _S_OPT), ("columns", _STRS)),
    model.Unmanaged: (
        ("kind", _S),
        ("name", _S),
        ("schema", _S_OPT),
        ("table", _S_OPT),
        ("fingerprint", _S_OPT),
    ),
}
#: the format covers every field of the model (else the cache stays off: never a wrong
#: answer from a field the entry does not carry); tests/perf/test_cache.py checks it
FORMAT_COVERS_MODEL = all(
    tuple(n for n, _ in spec) == tuple(f.name for f in dataclasses.fields(cls))
    for cls, spec in _SPECS.items()
)


class _Bad(DbplanError, ValueError):
    """An entry that does not decode to the model: a miss."""


#: the classes of plain JSON values (a row of these is written and read in bulk)
_PLAIN = frozenset((str, int, float, bool, type(None)))
_new_tuple = tuple.__new__
_first, _second = operator.itemgetter(0), operator.itemgetter(1)


def _encode_value(v: Any) -> Any:
    """A row value (frozen JSON) as plain JSON."""
    if v is None or type(v) in (str, int, float, bool):
        return v
    if type(v) is model.FrozenMap:
        return {k: _encode_value(x) for k, x in v}
    if type(v) is tuple:
        return [_encode_value(x) for x in v]
    raise TypeError(f"cannot cache a row value of type {type(v).__name__}")


def _encode_row(r: model.FrozenMap) -> Any:
    """:func:`_encode_value` of a row; a row of plain values without a call per value."""
    if r.__class__ is model.FrozenMap:
        for _, x in r:
            if x.__class__ not in _PLAIN:
                return _encode_value(r)
        return dict(r)
    return _encode_value(r)


def _encode_rows(rows: tuple) -> Any:
    """Rows as a list of row objects; rows of plain values that all name the same
    columns a column at a time instead: ``{"columns": [...], "values": [[...], ...]}``
    (read back to the same rows, much faster than one object per row)."""
    if len(rows) > 1 and all(r.__class__ is model.FrozenMap for r in rows):
        if len(set(map(len, rows))) == 1:
            positions = list(zip(*rows, strict=True))
            names = [set(map(_first, p)) for p in positions]
            if all(len(n) == 1 for n in names):
                values = [list(map(_second, p)) for p in positions]
                if all(set(map(type, column)) <= _PLAIN for column in values):
                    return {"columns": [n.pop() for n in names], "values": values}
    return [_encode_row(r) for r in rows]


def _decode_columns(v: dict, what: str) -> tuple[model.FrozenMap, ...]:
    """The rows of :func:`_encode_rows`' column form, every part checked."""
    names, values = v.get("columns"), v.get("values")
    if (
        len(v) != 2
        or names.__class__ is not list
        or values.__class__ is not list
        or len(names) != len(values)
        or not names
        or not all(n.__class__ is str for n in names)
        or names != sorted(set(names))
        or not all(c.__class__ is list for c in values)
        or len(set(map(len, values))) != 1
        or not all(set(map(type, c)) <= _PLAIN for c in values)
    ):
        raise _Bad(what)
    # each column's (name, value) pairs, then the rows as tuples of them: twice as fast as
    # zipping every row with the names
    pairs = [list(zip(itertools.repeat(n), c)) for n, c in zip(names, values, strict=True)]
    rows = tuple(map(functools.partial(_new_tuple, model.FrozenMap), zip(*pairs, strict=True)))
    remember_columns(rows, dict(zip(names, values, strict=True)))
    return rows


def _encode(obj: Any) -> Any:
    encoder = _ENCODERS.get(type(obj))
    if encoder is None:
        raise TypeError(f"cannot cache a {type(obj).__name__}")
    values, convert = encoder
    out = list(values(obj))  # the scalar fields as they are, the others converted
    for i, kind in convert:
        out[i] = _encode_field(out[i], kind)
    return out


def _encode_field(v: Any, kind: object) -> Any:
    if kind == _ROWS:
        return _encode_rows(v)
    if kind in (_STRS, _PAIRS):
        return [list(x) if kind == _PAIRS else x for x in v]
    if kind == _STRS_OPT:
        return None if v is None else list(v)
    if isinstance(kind, tuple):
        if kind[0] is tuple:
            return [_encode(x) for x in v]
        return None if v is None else _encode(v)
    return v


def _decode_row(v: dict) -> model.FrozenMap:
    """:func:`_decode_value` of a row object; a row of plain values (the common case)
    without a call per value (the same FrozenMap: pairs sorted by key, values as read)."""
    for x in v.values():
        if x.__class__ not in _PLAIN:
            return _decode_value(v)
    return _new_tuple(model.FrozenMap, sorted(v.items()))


def _decode_value(v: Any) -> Any:
    if type(v) is dict:
        return model.FrozenMap((k, _decode_value(x)) for k, x in v.items())
    if type(v) is list:
        return tuple([_decode_value(x) for x in v])
    return v


def _strs(v: Any) -> tuple[str, ...]:
    if v == [] and v.__class__ is list:
        return ()
    if v.__class__ is not list or not all(x.__class__ is str for x in v):
        raise _Bad("not a list of strings")
    return tuple(v)


def _check(types: tuple[type, ...], what: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if v.__class__ not in types:
            raise _Bad(what)
        return v

    return check


def _field_reader(cls: type, name: str, kind: object) -> Callable[[Any], Any]:
    what = f"{cls.__name__}.{name}"
    if kind == _S:
        return _check((str,), what)
    if kind == _S_OPT:
        return _check((str, type(None)), what)
    if kind == _B:
        return _check((bool,), what)
    if kind == _B_OPT:
        return _check((bool, type(None)), what)
    if kind == _I:
        return _check((int,), what)
    if kind == _STRS:
        return _strs
    if kind == _STRS_OPT:
        return lambda v: None if v is None else _strs(v)
    if kind == _PAIRS:

        def pairs(v: Any) -> tuple[tuple[str, ...], ...]:
            if v.__class__ is not list:
                raise _Bad(what)
            if not v:
                return ()
            out = tuple([_strs(p) for p in v])
            if any(len(p) != 2 for p in out):
                raise _Bad(what)
            return out

        return pairs
    if kind == _ROWS:

        def rows(v: Any) -> tuple[model.FrozenMap, ...]:
            if v.__class__ is dict:
                return _decode_columns(v, what)
            if v.__class__ is not list or not all(r.__class__ is dict for r in v):
                raise _Bad(what)
            return tuple([_decode_row(r) for r in v])

        return rows
    container, inner = kind  # type: ignore[misc]
    if container is tuple:

        def many(v: Any) -> tuple:
            if v.__class__ is not list:
                raise _Bad(what)
            if not v:
                return ()
            build = _BUILDERS[inner]
            return tuple([build(x) for x in v])

        return many

    def optional(v: Any) -> Any:
        return None if v is None else _BUILDERS[inner](v)

    return optional


_SCALARS = {
    _S: (str,),
    _S_OPT: (str, type(None)),
    _B: (bool,),
    _B_OPT: (bool, type(None)),
    _I: (int,),
    _I_OPT: (int, type(None)),
}


def _make_builder(cls: type) -> Callable[[Any], Any]:
    """A ``JSON array -> instance`` for one class: each field read and type-checked, then
    set on its slot directly (no ``__init__``: the entry holds the sorted collections).

    The scalar fields are checked and set in bulk (``map`` over the fields, no Python
    loop per value); the others each go through their reader."""
    spec = _SPECS[cls]
    setters = tuple(cls.__dict__[name].__set__ for name, _ in spec)
    scalar = [i for i, (_, kind) in enumerate(spec) if kind in _SCALARS]
    # the scalar fields: their values picked as one tuple, the classes each allows
    pick = _picker(scalar)
    allows = tuple(frozenset(_SCALARS[spec[i][1]]).__contains__ for i in scalar)  # type: ignore[index]
    scalar_setters = tuple(setters[i] for i in scalar)
    others = tuple(
        (i, setters[i], _field_reader(cls, name, kind))
        for i, (name, kind) in enumerate(spec)
        if kind not in _SCALARS
    )
    n = len(spec)
    new = object.__new__
    what = f"{cls.__name__}: not {n} fields"
    wrong = f"{cls.__name__}: a field of the wrong type"
    call, each = operator.call, itertools.repeat

    def build(data: Any) -> Any:
        if data.__class__ is not list or len(data) != n:
            raise _Bad(what)
        values = pick(data)
        if not all(map(call, allows, map(type, values))):
            raise _Bad(wrong)
        obj = new(cls)
        any(map(call, scalar_setters, each(obj), values))  # each returns None: sets them all
        for i, setter, read in others:
            setter(obj, read(data[i]))
        return obj

    return build


def _picker(positions: list[int]) -> Callable[[list], tuple]:
    """``data -> tuple of data[i] for i in positions``."""
    if len(positions) > 1:
        return operator.itemgetter(*positions)
    if positions:
        (at,) = positions
        return lambda data: (data[at],)
    return lambda data: ()


def _make_encoder(cls: type) -> tuple[Callable[[Any], tuple], tuple[tuple[int, object], ...]]:
    """``obj -> its field values`` (one ``attrgetter``), and the fields to convert."""
    spec = _SPECS[cls]
    names = [name for name, _ in spec]
    values = operator.attrgetter(*names) if len(names) > 1 else _picker_of(names[0])
    convert = tuple((i, kind) for i, (_, kind) in enumerate(spec) if kind not in _SCALARS)
    return values, convert


def _picker_of(name: str) -> Callable[[Any], tuple]:
    return lambda obj: (getattr(obj, name),)


_ENCODERS = {cls: _make_encoder(cls) for cls in _SPECS}
_BUILDERS: dict[type, Callable[[Any], Any]] = {}
_BUILDERS.update((cls, _make_builder(cls)) for cls in _SPECS)


# An entry is *framed*: one line of JSON, the snapshot with its ``tables`` field replaced
# by the byte size of each table's own encoding, then those encodings one after the
# other (JSON as written here holds no raw newline). A table is framed the same way
# around its ``columns``. The same bytes decode to the same object wherever they occur,
# so the tables and columns of the snapshot encoded or decoded last are kept by their
# bytes, and an equal one (a column repeated in many tables, a table unchanged in the
# next release) is that same object, decoded once: the two snapshots of a plan share
# their unchanged tables, and the diff skips a table that is one object on both sides.
def _at(cls: type, name: str) -> int:
    return [n for n, _ in _SPECS[cls]].index(name)


_TABLES_AT = _at(model.Snapshot, "tables")
_COLUMNS_AT = _at(model.Table, "columns")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_raw_decode = json.JSONDecoder().raw_decode


def _loads(part: bytes) -> Any:
    """``json.loads`` of one encoding (UTF-8, as :data:`_dumps` wrote it, no space around
    it), without ``json.loads``'s encoding detection on bytes: 10,000 calls a snapshot."""
    text = part.decode()
    value, end = _raw_decode(text)
    if end != len(text):
        raise _Bad("extra data after the JSON value")
    return value


_build_table, _build_column = _BUILDERS[model.Table], _BUILDERS[model.Column]
_set_tables = model.Snapshot.__dict__["tables"].__set__
_set_columns = model.Table.__dict__["columns"].__set__
#: encoded bytes -> the table or column, of the snapshot encoded or decoded last
_last_tables: dict[bytes, Any] = {}


def _framed(obj: Any, at: int, parts: list[bytes]) -> bytes:
    """``obj`` encoded with field ``at`` as the sizes of ``parts``, then the parts."""
    cls = obj.__class__
    head = [
        [len(p) for p in parts] if i == at else _encode_field(getattr(obj, name), kind)
        for i, (name, kind) in enumerate(_SPECS[cls])
    ]
    return b"\n".join((_dumps(head).encode(), b"".join(parts)))


def _unframed(blob: bytes, at: int, what: str) -> tuple[list, list[bytes]]:
    """The head (field ``at`` emptied) and the parts of a :func:`_framed` encoding."""
    end = blob.index(b"\n")
    head = _loads(blob[:end])
    if head.__class__ is not list or len(head) <= at:
        raise _Bad(f"{what}: not framed")
    sizes = head[at]
    if sizes.__class__ is not list or (
        sizes and (set(map(type, sizes)) != {int} or min(sizes) < 1)
    ):
        raise _Bad(f"{what}: not a list of sizes")
    ends = list(itertools.accumulate(sizes, initial=end + 1))
    if ends[-1] != len(blob):
        raise _Bad(f"{what}: the sizes do not add up")
    head[at] = []
    return head, list(map(blob.__getitem__, map(slice, ends, ends[1:])))


def _dumps_snapshot(snapshot: Snapshot) -> bytes:
    global _last_tables
    seen: dict[bytes, Any] = {}
    parts = []
    # most columns repeat one written before (id, label, ...: 7,295 distinct of 32,206 at
    # N = 2,000): encode each distinct one once, by its field values
    encoded: dict[tuple, bytes] = {}
    # and the loader shares one object among equal plain columns: by identity first
    # (the snapshot keeps every column alive, so no id is reused meanwhile)
    by_id: dict[int, bytes] = {}
    fields = _ENCODERS[model.Column][0]
    for t in snapshot.tables:
        columns = []
        for c in t.columns:
            part = by_id.get(id(c))
            if part is None:
                key = fields(c) if c.generated is None else None  # plain values, hashable
                part = encoded.get(key) if key is not None else None
                if part is None:
                    part = _dumps(_encode(c)).encode()
                    if key is not None:
                        encoded[key] = part
                by_id[id(c)] = part
                seen.setdefault(part, c)
            columns.append(part)
        part = _framed(t, _COLUMNS_AT, columns)
        seen.setdefault(part, t)
        parts.append(part)
    _last_tables = seen
    return _framed(snapshot, _TABLES_AT, parts)


def _loads_snapshot(payload: bytes) -> Snapshot:
    global _last_tables
    head, parts = _unframed(payload, _TABLES_AT, "Snapshot.tables")
    snapshot = _BUILDERS[model.Snapshot](head)
    last, seen = _last_tables, {}
    tables = []
    for part in parts:
        t = seen.get(part)
        if t is None:
            t = last.get(part)
            if t is None:
                t = _loads_table(part, last, seen)
            seen[part] = t
        if t.__class__ is not model.Table:
            raise _Bad("Snapshot.tables: not a table")
        tables.append(t)
    _set_tables(snapshot, tuple(tables))
    _last_tables = seen
    return snapshot


def _loads_table(blob: bytes, last: dict[bytes, Any], seen: dict[bytes, Any]) -> model.Table:
    head, parts = _unframed(blob, _COLUMNS_AT, "Table.columns")
    table = _build_table(head)
    columns = []
    for part in parts:
        c = seen.get(part)
        if c is None:
            c = last.get(part)
            if c is None:
                c = _build_column(_loads(part))
            seen[part] = c
        if c.__class__ is not model.Column:
            raise _Bad("Table.columns: not a column")
        columns.append(c)
    _set_columns(table, tuple(columns))
    return table


def _encode_memo(v: Any) -> Any:
    """A derived value (None, bool, int, float, str, tuple, list, dict of str) as JSON."""
    if v is None or type(v) in (str, int, float, bool):
        return v
    if type(v) is tuple:
        return {"t": [_encode_memo(x) for x in v]}
    if type(v) is list:
        return {"l": [_encode_memo(x) for x in v]}
    if type(v) is dict and all(type(k) is str for k in v):
        return {"d": {k: _encode_memo(x) for k, x in v.items()}}
    raise TypeError(f"cannot cache a {type(v).__name__}")


def _decode_memo(v: Any) -> Any:
    if type(v) is not dict:
        if type(v) is list:
            raise _Bad("a bare list")
        return v
    if len(v) != 1:
        raise _Bad("not a tagged value")
    ((tag, inner),) = v.items()
    if tag == "t" and type(inner) is list:
        return tuple([_decode_memo(x) for x in inner])
    if tag == "l" and type(inner) is list:
        return [_decode_memo(x) for x in inner]
    if tag == "d" and type(inner) is dict:
        return {k: _decode_memo(x) for k, x in inner.items()}
    raise _Bad("unknown tag")
