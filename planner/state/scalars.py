"""Scalar values a snapshot may not hold, whichever loading path reads it.

The reference loader (:mod:`planner.state.yamlio`) asks :func:`scalar_problem` about every
scalar it builds, keys included, and reports the answer at the scalar's line:column:

- NaN and ±infinity: no portable column type stores them, JSON has no spelling for them,
  and ``NaN != NaN`` breaks row matching (a managed row would never be found again).
- A NUL character (``"\\0"``) in a name or a text value: PostgreSQL refuses it in text
  and identifiers, so it would pass ``check`` and fail at ``upgrade``.
- A YAML 1.1 octal integer such as ``017``: YAML 1.1 reads it as 15, YAML 1.2 and every
  human as 17. It is refused: write the decimal value, or quote it (``'017'``) for text.

The canonical fast path declines any body that could hold one of them
(:data:`FAST_PATH_DECLINES`), so the reference loader always decides.

Example:
    >>> scalar_problem("tag:yaml.org,2002:int", "017", 15)[0]
    "'017' is a YAML 1.1 octal number (15), not 17"
    >>> scalar_problem("tag:yaml.org,2002:float", ".nan", float("nan"))[0]
    'NaN is not allowed'
    >>> scalar_problem("tag:yaml.org,2002:str", "a\\0b", "a\\0b")[0]
    'NUL character (\\\\0) in a string'
    >>> scalar_problem("tag:yaml.org,2002:int", "17", 17) is None
    True
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["FAST_PATH_DECLINES", "scalar_problem"]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
#: YAML 1.1's octal form (PyYAML's resolver): a leading zero and more digits
_OCTAL_11 = re.compile(r"[-+]?0[0-7_]+\Z")
#: a canonical body containing any of these goes to the reference loader
FAST_PATH_DECLINES = re.compile(
    r"\\(?:0|x00|u0000|U00000000)"  # a NUL escape in a double-quoted string
    r"|(?:^|[\s:,\[{-])[-+]?\.(?:nan|inf)(?=$|[\s,\]}])"  # a plain .nan / .inf scalar
    r"|\x00",
    re.IGNORECASE | re.MULTILINE,
)


def scalar_problem(tag: str, text: str, value: Any) -> tuple[str, str] | None:
    """``(message, hint)`` when the scalar written ``text`` (resolved to ``tag``, built as
    ``value``) may not appear in a snapshot, else None."""
    if type(value) is str:
        if "\x00" in value:
            return (
                "NUL character (\\0) in a string",
                "databases cannot store it in names or text, PostgreSQL refuses it; remove it",
            )
        return None
    if tag == _FLOAT and type(value) is float and not math.isfinite(value):
        what = "NaN" if math.isnan(value) else "infinity"
        why = "and NaN never equals itself" if what == "NaN" else "on every database"
        return (
            f"{what} is not allowed",
            f"no portable column type stores it {why}; use null or a finite number",
        )
    if tag == _INT and _OCTAL_11.match(text) and text.strip("+-").strip("0_"):
        return (
            f"{text!r} is a YAML 1.1 octal number ({value}), not {text.lstrip('+-0_') or 0}",
            f"write {value} for the number, or quote it ('{text}') for text",
        )
    return None
