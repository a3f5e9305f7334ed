"""An enum with value renames in a snapshot: the mapping form of an enum's entry.

```yaml
enums:
  level:
    values: [info, warning, error]
    renamed_values: {warn: warning}     # rows holding 'warn' hold 'warning' afterwards
    comment: How bad it is              # PostgreSQL COMMENT ON TYPE
```

``renamed_values`` is a migration hint of the release that renames (old label -> new
label); the new labels must be values of the enum, the old ones must not.
"""

from __future__ import annotations

from typing import Any

from planner.state.model import Enum

ENUM_KEYS = ("schema", "values", "renamed_values", "comment")  # schema, comment: the caller


def load(shape: Any, body: dict, path: tuple, name: str) -> tuple[Any, tuple[tuple[str, str], ...]]:
    """``(values as written, renames)``; ``(None, ())`` after a problem (in ``shape``)."""
    m = shape.mapping(body, path, f"enum '{name}'", allowed=ENUM_KEYS, required=("values",))
    if m is None or "values" not in m:
        return None, ()
    values = m["values"]
    raw = m.get("renamed_values")
    if raw is None:
        return values, ()
    p = (*path, "renamed_values")
    if not isinstance(raw, dict):
        shape.add(p, "expected a mapping of old value: new value", "write {old: new}")
        return None, ()
    out: list[tuple[str, str]] = []
    listed = values if isinstance(values, list) else []
    for old, new in raw.items():
        if not isinstance(old, str) or not isinstance(new, str):
            shape.add((*p, old), "enum values are strings; quote YAML words", at_key=True)
            return None, ()
        if new not in listed:
            shape.add(
                (*p, old),
                f"enum {name}: {old!r} is renamed to {new!r}, which is not one of its values",
                f"add {new!r} to values",
            )
            return None, ()
        if old in listed:
            shape.add(
                (*p, old),
                f"enum {name}: {old!r} is renamed but is still one of its values",
                f"remove {old!r} from values, or the rename",
                at_key=True,
            )
            return None, ()
        if any(new == b for _, b in out):
            shape.add((*p, old), f"enum {name}: two values are renamed to {new!r}", at_key=True)
            return None, ()
        out.append((old, new))
    return values, tuple(out)


def read_enums(shape: Any, value: Any) -> list[Enum]:
    """The ``enums`` section (``shape``: the loader's ``Shape``): lists of values, or
    ``{schema, values, renamed_values, comment}``."""
    from planner.state.shape import _describe as describe
    from planner.state.shape import _quote_hint as quote_hint

    path = ("enums",)
    out = []
    for name, values in shape.names_mapping(value, path, "enums").items():
        p = (*path, name)
        schema = None
        renamed: tuple[tuple[str, str], ...] = ()
        comment = None
        if isinstance(values, dict):  # {schema: other, values: [...], renamed_values: {..}}
            schema = shape.text(values.get("schema"), (*p, "schema"), "a schema name")
            comment = shape.text(values.get("comment"), (*p, "comment"), "a comment")
            values, renamed = load(shape, values, p, name)
            if values is None:
                continue
            p = (*p, "values")
        if not isinstance(values, list):
            shape.add(p, f"expected the list of values of enum '{name}', found {describe(values)}")
            continue
        ok = True
        for i, v in enumerate(values):
            if not isinstance(v, str):
                shape.add(
                    (*p, i),
                    f"an enum value must be a string, found {describe(v)}",
                    quote_hint(v),
                )
                ok = False
        if ok:
            out.append(
                Enum(
                    name=name,
                    values=tuple(values),
                    schema=schema,
                    renamed_values=renamed,
                    comment=comment,
                )
            )
    return out
