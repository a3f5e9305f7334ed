"""PostgreSQL types whose modifiers only their own ``typmod_in`` function reads: the
types of extensions (PostGIS ``geometry(Point,4326)``, pgvector ``vector(3)``), and the
internal single-byte type ``"char"``, whose name is always quoted.

A column of one is captured verbatim as ``format_type()`` spells it
(``postgresql.TYPE(geometry(Point,4326))``) and re-created with that very text. The
modifiers are compared by meaning: PostgreSQL hands the words of an unquoted modifier to
the type in lower case (``geometry(POINT, 4326)`` is ``geometry(point,4326)``), so a
hand-written type is read in lower case, without spaces; PostGIS's own types are read as
PostGIS spells them back (``Point``, ``geometry(Point,0)`` is ``geometry(Point)``,
``geography(Point)`` is ``geography(Point,4326)``), so a capture and the hand-written
same type agree.
"""

from __future__ import annotations

from typing import Any

#: the internal types whose name format_type() quotes (the unquoted word is another type)
QUOTED = frozenset({'"char"'})

#: PostGIS's geometry types, as its typmod_out spells them
_POSTGIS_KINDS = {
    k.lower(): k
    for k in (
        "Geometry",
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        "CircularString",
        "CompoundCurve",
        "CurvePolygon",
        "MultiCurve",
        "MultiSurface",
        "PolyhedralSurface",
        "Triangle",
        "Tin",
    )
}
#: geography without an SRID (or with 0) is WGS 84
_GEOGRAPHY_SRID = 4326


def canonical(name: str, mods: tuple[int | str, ...]) -> str:
    """The spelling of the extension type ``name(mods)`` that a capture gives back.

    Example:
        >>> canonical("Geometry", ("POINT", 4326)), canonical("vector", (3,))
        ('geometry(Point,4326)', 'vector(3)')
        >>> canonical("geography", ("point",)), canonical("geometry", ("geometry", 0))
        ('geography(Point,4326)', 'geometry')
        >>> canonical("mytype", ("Fast", 2))
        'mytype(fast,2)'
    """
    low = name.lower()
    if low in ("geometry", "geography"):
        postgis = _postgis(low, mods)
        if postgis is not None:
            return postgis
    words = [m.lower() if isinstance(m, str) else str(m) for m in mods]
    return f"{low}({','.join(words)})"


def _postgis(name: str, mods: tuple[int | str, ...]) -> str | None:
    """PostGIS's spelling (``postgis_typmod_out``) of ``geometry(kind[, srid])``, or None
    when the modifiers are not of that form (the database then says what is wrong)."""
    if not 1 <= len(mods) <= 2 or not isinstance(mods[0], str):
        return None
    srid = mods[1] if len(mods) == 2 else 0
    if not isinstance(srid, int):
        return None
    kind = mods[0].lower()
    dims = ""
    for suffix in ("zm", "z", "m"):
        if kind not in _POSTGIS_KINDS and kind.endswith(suffix):
            kind, dims = kind[: -len(suffix)], suffix.upper()
            break
    if kind not in _POSTGIS_KINDS:
        return None
    srid = max(srid, 0)  # PostGIS reads a negative SRID as 0, the unknown one
    if name == "geography" and srid == 0:
        srid = _GEOGRAPHY_SRID
    if kind == "geometry" and not dims and srid == 0:
        return name  # any geometry of any SRID: the type without modifiers
    return f"{name}({_POSTGIS_KINDS[kind]}{dims}{f',{srid}' if srid else ''})"


def is_own(text: str) -> bool:
    """Is ``text`` (a canonical verbatim type) one of these, which no SQLAlchemy type
    spells and whose name must reach the DDL as it is (never quoted)?

    Example:
        >>> is_own("geometry(Point,4326)"), is_own('"char"'), is_own("hstore")
        (True, True, False)
    """
    return text in QUOTED or "(" in text


def sa_type(text: str) -> Any:
    """The SQLAlchemy type whose DDL is exactly ``text`` (``is_own(text)``): a type the
    database already has, named as written (never created or dropped)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    head, paren, mods = text.partition("(")
    schema, _, name = head.rpartition(".")  # ext.geometry(Point,4326): of schema ext
    return postgresql.DOMAIN(
        name + paren + mods, sa.Text(), schema=schema or None, create_type=False, quote=False
    )
