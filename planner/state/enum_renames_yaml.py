"""An enum with value renames in a snapshot: the mapping form of an enum's entry.

```yaml
enums:
  level:
    values: [info, warning, error]
    renamed_values: {warn: warning}     # rows holding 'warn' hold 'warning' afterwards
```

``renamed_values`` is a migration hint of the release that renames (old label -> new
label); the new labels must be values of the enum, the old ones must not.
"""

from __future__ import annotations

from typing import Any

ENUM_KEYS = ("schema", "values", "renamed_values")  # schema: read by the caller


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
