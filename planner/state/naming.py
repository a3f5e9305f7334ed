"""SQLAlchemy naming conventions, evaluated without SQLAlchemy objects.

``convention_name`` applies one ``naming_convention`` template exactly as SQLAlchemy's
``ConventionDict`` does (``template % tokens``), for the tokens the snapshot format can
express: ``%(table_name)s``, ``%(constraint_name)s``, ``%(referred_table_name)s`` and the
column tokens ``%(column_0_name)s`` / ``%(column_0_key)s`` / ``%(column_0_label)s``,
``%(referred_column_0_name)s``, with the multi-column variants ``column_0_N_name``
(joined by ``_``) and ``column_0N_name`` (joined by nothing).

Truncation: SQLAlchemy stores convention names as ``conv`` labels and shortens them only
when DDL is compiled for a dialect whose limit they exceed (``name[:max - 8] + "_" +
md5(name)[-4:]``, see ``IdentifierPreparer._truncate_and_render_maxlen_name``). A snapshot
is dialect-neutral, so names are *not* truncated by default; pass ``max_length=63`` to get
the name PostgreSQL would receive. :func:`planner.state.validate.validate` rejects names
longer than 63 bytes, so a too-long derived name is reported, not silently shortened.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from planner.errors import DbplanError
from planner.state.model import Table

#: convention key -> what the format calls the object
KINDS = {"pk": "primary key", "fk": "foreign key", "uq": "unique", "ck": "check", "ix": "index"}

_COLUMN_TOKEN = re.compile(r"^(referred_)?column_(\d+)(_?N)?_(name|key|label)$")
_SENTINEL = "\x00constraint_name\x00"


class ConventionError(DbplanError, ValueError):
    """A template uses a token that cannot be evaluated."""


class _Tokens(Mapping):
    """The mapping ``template % tokens`` reads from (SQLAlchemy's ConventionDict)."""

    def __init__(
        self,
        *,
        table: str,
        columns: Sequence[str],
        referred_table: str | None,
        referred_columns: Sequence[str],
        constraint_name: str | None,
    ):
        self.table = table
        self.columns = tuple(columns)
        self.referred_table = referred_table
        self.referred_columns = tuple(referred_columns)
        self.constraint_name = constraint_name

    def __iter__(self):  # pragma: no cover - Mapping protocol, unused by %
        return iter(())

    def __len__(self) -> int:  # pragma: no cover
        return 0

    def __getitem__(self, key: str) -> str:
        if key == "table_name":
            return self.table
        if key == "constraint_name":
            if self.constraint_name is None:
                raise ConventionError("%(constraint_name)s needs an explicitly named constraint")
            return self.constraint_name
        if key == "referred_table_name":
            if self.referred_table is None:
                raise ConventionError("%(referred_table_name)s is only valid for foreign keys")
            return self.referred_table
        m = _COLUMN_TOKEN.match(key)
        if not m:
            raise ConventionError(f"unknown token %({key})s")
        referred, idx, multiple, attr = m.groups()
        cols = self.referred_columns if referred else self.columns
        if referred and self.referred_table is None:
            raise ConventionError(f"%({key})s is only valid for foreign keys")

        def render(c: str) -> str:
            if attr == "label" and not referred:
                return f"{self.table}_{c}"
            return c

        if multiple:
            sep = "_" if multiple.startswith("_") else ""
            return sep.join(render(c) for c in cols)
        i = int(idx)
        return render(cols[i]) if i < len(cols) else ""


def truncate_name(name: str, max_length: int) -> str:
    """SQLAlchemy's truncation of a convention name longer than ``max_length``.

    Example:
        >>> truncate_name("x" * 70, 63)[-5:]
        '_eedd'
    """
    if len(name) <= max_length:
        return name
    return name[: max_length - 8] + "_" + hashlib.md5(name.encode("utf-8")).hexdigest()[-4:]


def convention_name(
    template: str,
    *,
    table: str,
    columns: Sequence[str] = (),
    referred_table: str | None = None,
    referred_columns: Sequence[str] = (),
    constraint_name: str | None = None,
    max_length: int | None = None,
) -> str:
    """The name SQLAlchemy derives from ``template`` for one constraint or index.

    Raises :class:`ConventionError` for a token it cannot evaluate.

    Example:
        >>> convention_name("fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        ...                 table="sites", columns=["a", "b"], referred_table="campaigns")
        'fk_sites_a_b_campaigns'
    """
    tokens = _Tokens(
        table=table,
        columns=columns,
        referred_table=referred_table,
        referred_columns=referred_columns,
        constraint_name=constraint_name,
    )
    try:
        name = template % tokens
    except KeyError as e:  # pragma: no cover - _Tokens raises ConventionError itself
        raise ConventionError(f"unknown token %({e.args[0]})s") from None
    except (TypeError, ValueError) as e:
        if isinstance(e, ConventionError):
            raise
        raise ConventionError(f"invalid template {template!r}: {e}") from None
    return truncate_name(name, max_length) if max_length else name


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot be evaluated, or None.

    Example:
        >>> template_problem("ix_%(tabel_name)s")
        'unknown token %(tabel_name)s'
    """
    try:
        convention_name(
            template,
            table="t",
            columns=("c",),
            referred_table="r",
            referred_columns=("c",),
            constraint_name="n",
        )
    except ConventionError as e:
        return str(e)
    return None


def _objects(table: Table) -> list[tuple[str, str, dict]]:
    """(kind key, name, keyword arguments of convention_name) of each named object."""
    out: list[tuple[str, str, dict]] = []
    pk = table.primary_key
    if pk is not None and pk.name:
        out.append(("pk", pk.name, {"columns": pk.columns}))
    for fk in table.foreign_keys:
        out.append(
            (
                "fk",
                fk.name,
                {
                    "columns": fk.columns,
                    "referred_table": fk.ref_table,
                    "referred_columns": fk.ref_columns,
                },
            )
        )
    for u in table.uniques:
        out.append(("uq", u.name, {"columns": u.columns}))
    for c in table.checks:
        out.append(("ck", c.name, {"columns": ()}))
    for ix in table.indexes:
        out.append(("ix", ix.name, {"columns": ix.columns}))
    return out


def _match(template: str, name: str, *, table: str, kwargs: dict) -> str | None:
    """The ``constraint_name`` part when ``name`` is derived from ``template``, else None.

    Returns "" for templates without ``%(constraint_name)s`` that match exactly.
    """
    try:
        if "%(constraint_name)" in template:
            shape = convention_name(template, table=table, constraint_name=_SENTINEL, **kwargs)
            if shape.count(_SENTINEL) != 1:
                return None
            prefix, suffix = shape.split(_SENTINEL)
            if (
                len(name) > len(prefix) + len(suffix)
                and name.startswith(prefix)
                and name.endswith(suffix)
            ):
                return name[len(prefix) : len(name) - len(suffix)]
            return None
        return "" if convention_name(template, table=table, **kwargs) == name else None
    except ConventionError:
        return None


def derived_names(table: Table, naming_convention: Mapping[str, str]) -> dict[str, str]:
    """Names of ``table``'s constraints and indexes that its naming convention derives.

    Maps each such name to its kind key (``pk``, ``fk``, ``uq``, ``ck``, ``ix``). For a
    template with ``%(constraint_name)s`` a name counts as derived when it has the
    template's shape around some constraint name.

    Example:
        >>> from planner.state.model import Column, Index, Table
        >>> t = Table(name="sites", columns=(Column(name="a", type="Integer"),),
        ...           indexes=(Index(name="ix_sites_a", columns=("a",)),))
        >>> derived_names(t, {"ix": "ix_%(table_name)s_%(column_0_N_name)s"})
        {'ix_sites_a': 'ix'}
    """
    out: dict[str, str] = {}
    for kind, name, kwargs in _objects(table):
        template = naming_convention.get(kind)
        if template and _match(template, name, table=table.name, kwargs=kwargs) is not None:
            out[name] = kind
    return out


def renamed_names(
    table: Table, new_table_name: str, naming_convention: Mapping[str, str]
) -> dict[str, str]:
    """``{old: new}`` for each derived name that changes when ``table`` is renamed.

    Example:
        >>> from planner.state.model import Column, PrimaryKey, Table
        >>> t = Table(name="places", columns=(Column(name="id", type="Integer"),),
        ...           primary_key=PrimaryKey(name="pk_places", columns=("id",)))
        >>> renamed_names(t, "sites", {"pk": "pk_%(table_name)s"})
        {'pk_places': 'pk_sites'}
    """
    out: dict[str, str] = {}
    for kind, name, kwargs in _objects(table):
        template = naming_convention.get(kind)
        if not template:
            continue
        part = _match(template, name, table=table.name, kwargs=kwargs)
        if part is None:
            continue
        new = convention_name(
            template, table=new_table_name, constraint_name=part or None, **kwargs
        )
        if new != name:
            out[name] = new
    return out


def default_pk_name(
    table_name: str, columns: Sequence[str], naming_convention: Mapping[str, str]
) -> str | None:
    """The primary key name the ``pk`` convention gives, or None without one.

    Example:
        >>> default_pk_name("sites", ["id"], {"pk": "pk_%(table_name)s"})
        'pk_sites'
    """
    template = naming_convention.get("pk")
    if not template:
        return None
    try:
        return convention_name(template, table=table_name, columns=columns)
    except ConventionError:
        return None


def read_conventions(shape: Any, value: Any) -> dict[str, str]:
    """The ``naming_convention`` section (``shape``: the loader's ``Shape``)."""
    from planner.state.model import NAMING_CONVENTION_KEYS

    path = ("naming_convention",)
    if value is None:
        return {}
    m = shape.mapping(value, path, "naming_convention", allowed=NAMING_CONVENTION_KEYS)
    out = {}
    for key, template in (m or {}).items():
        if key not in NAMING_CONVENTION_KEYS:
            continue
        t = shape.text(template, (*path, key), "a naming template")
        if t is None:
            continue
        why = template_problem(t)
        if why:
            shape.add(
                (*path, key),
                f"invalid naming template: {why}",
                "tokens: table_name, column_0_name, column_0_N_name, column_0_label, "
                "referred_table_name, referred_column_0_name, constraint_name",
            )
            continue
        out[key] = t
    return out
