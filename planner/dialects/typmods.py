"""What the dialects' ``<name>_typmods`` parts (the built-in types a canonical type does
not keep exactly: ``postgresql.TYPE(bit(3))``, ``mysql.TYPE(datetime(3))``) share."""

from __future__ import annotations


def one_modifier(name: str, mods: tuple[int, ...] | None, high: int, *, low: int) -> int | None:
    """The single modifier of ``name (mods)`` (None: none written), between ``low`` and
    ``high``.

    Raises:
        ValueError: several modifiers, or one out of range.

    Example:
        >>> one_modifier("bit", (3,), 64, low=1), one_modifier("bit", None, 64, low=1)
        (3, None)
    """
    if mods is None:
        return None
    if len(mods) != 1:
        raise ValueError(f"{name} takes one modifier, found {len(mods)}")
    if not low <= mods[0] <= high:
        raise ValueError(f"{name}({mods[0]}): the modifier must be between {low} and {high}")
    return mods[0]
