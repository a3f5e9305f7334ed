"""The shape checks (planner.state.shape) accept exactly the keys snapshot.schema.json
declares, and require the keys it requires: one format, two readers (editors read the
schema, dbplan the checker), held together here."""

from __future__ import annotations

import json

import pytest

from planner.state import column_kinds, shape
from planner.state.errors import SnapshotError
from planner.state.model import NAMING_CONVENTION_KEYS
from planner.state.yamlio import load_snapshot_text, schema_text

SCHEMA = json.loads(schema_text())
DEFS = SCHEMA["$defs"]
TABLE = DEFS["table"]
FK = DEFS["foreign_key"]

#: (the shape's keys, the schema object they must equal)
OBJECTS = {
    "snapshot": (shape.TOP_KEYS, SCHEMA),
    "table": (shape.TABLE_KEYS, TABLE),
    "column": (shape.COLUMN_KEYS, DEFS["column"]),
    "primary_key": (shape.PK_KEYS, TABLE["properties"]["primary_key"]),
    "foreign_key": (shape.FK_KEYS, FK),
    "references": (shape.REF_KEYS, FK["properties"]["references"]),
    "index": (shape.INDEX_KEYS, DEFS["index"]),
    "rows": (shape.ROWS_KEYS, TABLE["properties"]["rows"]),
    "naming_convention": (NAMING_CONVENTION_KEYS, SCHEMA["properties"]["naming_convention"]),
    "generated": (column_kinds.GENERATED_KEYS, DEFS["column"]["properties"]["generated"]),
}


@pytest.mark.parametrize("kind", OBJECTS)
def test_the_shape_knows_the_keys_of_the_schema_in_its_order(kind):
    keys, obj = OBJECTS[kind]
    assert obj.get("additionalProperties") is False, kind
    assert tuple(obj["properties"]) == tuple(keys)


BASE = {
    "snapshot": 1,
    "release": "1.0",
    "tables": {
        "t": {
            "columns": {"id": {"type": "Integer", "primary_key": True}},
            "foreign_keys": {
                "fk_t_id_t": {"columns": ["id"], "references": {"table": "t", "columns": ["id"]}}
            },
            "indexes": {"ix_t_id": {"columns": ["id"]}},
            "rows": {"values": [{"id": 1}]},
        }
    },
}
#: where each schema object sits in BASE
WHERE = {
    "snapshot": (),
    "table": ("tables", "t"),
    "column": ("tables", "t", "columns", "id"),
    "foreign_key": ("tables", "t", "foreign_keys", "fk_t_id_t"),
    "references": ("tables", "t", "foreign_keys", "fk_t_id_t", "references"),
    "index": ("tables", "t", "indexes", "ix_t_id"),
    "rows": ("tables", "t", "rows"),
}
REQUIRED = [(kind, key) for kind in WHERE for key in OBJECTS[kind][1].get("required", ())]


def _edited(path: tuple, edit) -> str:
    doc = json.loads(json.dumps(BASE))
    node = doc
    for seg in path:
        node = node[seg]
    edit(node)
    return json.dumps(doc)  # JSON is YAML


def test_the_base_document_loads():
    assert load_snapshot_text(json.dumps(BASE), "1.0.yaml").tables[0].name == "t"


@pytest.mark.parametrize("kind, key", REQUIRED)
def test_every_key_the_schema_requires_is_required(kind, key):
    text = _edited(WHERE[kind], lambda node: node.pop(key))
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "1.0.yaml")
    assert any(
        f"needs the key '{key}'" in p.message or f"missing key '{key}'" in p.message
        for p in e.value.problems
    ), str(e.value)


@pytest.mark.parametrize("kind", WHERE)
def test_a_key_the_schema_does_not_know_is_refused(kind):
    text = _edited(WHERE[kind], lambda node: node.__setitem__("colour", 1))
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(text, "1.0.yaml")
    assert any("unknown key 'colour'" in p.message for p in e.value.problems), str(e.value)


def test_the_schema_names_exactly_the_unmanaged_kinds_the_loader_accepts():
    from planner.state.inventory import KINDS

    kinds = SCHEMA["properties"]["unmanaged"]["items"]["properties"]["kind"]["enum"]
    assert kinds == sorted(KINDS)
