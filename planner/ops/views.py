"""Create and drop the views a snapshot manages (:class:`~planner.state.model.View`).

A view needs what it reads (``reads``: tables, their columns, other views, enums) and
is created after them; it is dropped before anything it reads is removed. A changed
view, or one whose table changes under it in a way the database refuses while the
view exists (:func:`disturbs`), is dropped first and created again afterwards; the
graph orders the two around that change (:mod:`planner.graph_views`).

Example:
    >>> from planner.state.model import View, ViewRead
    >>> v = View(name="v", definition="SELECT id FROM t", reads=(ViewRead(kind="table", name="t", columns=("id",)),))
    >>> CreateView(view=v).describe(), CreateView(view=v).reverse().describe()
    ('Create view v', 'Drop view v')
    >>> sorted(str(r[1]) for r in CreateView(view=v).needs())
    ["(None, 't')", "(None, 't')", "(None, 't', 'id')"]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from planner.ops.base import Operation, Ref, RefKind, Risk, _relname, enums_of_type
from planner.ops.data import OPERATION_TYPES
from planner.state.model import Index, Snapshot, TableKey, View

#: after the table operations (the graph orders the rest by edges)
PHASE_CREATE_VIEW = 15
#: before them
PHASE_DROP_VIEW = 0

#: the operations SQLite runs as a table rebuild (Alembic's batch mode: copy, drop,
#: rename), which a view reading the table does not survive
_REBUILDS = frozenset(
    {
        "drop_column",
        "rename_column",
        "alter_column_type",
        "alter_column_nullable",
        "alter_column_default",
        "alter_column_autoincrement",
        "add_foreign_key",
        "drop_foreign_key",
        "add_unique",
        "drop_unique",
        "add_check",
        "drop_check",
        "add_primary_key",
        "drop_primary_key",
        "rename_constraint",
    }
)


def _read_columns(view: View, key: TableKey) -> tuple[str, ...] | None:
    """The columns of table ``key`` the view reads (() = the table, columns unknown;
    None: it does not read the table)."""
    for r in view.reads:
        if r.kind == "table" and (r.schema, r.name) == key:
            return r.columns
    return None


def disturbs(op: Operation, view: View, *, rebuilds: bool) -> str | None:
    """Why ``op`` cannot run while ``view`` exists (None: it can): a type change of a
    column the view reads (PostgreSQL refuses it), a column it reads dropped, or, where a
    target alters tables by rebuilding them (``rebuilds``: SQLite), a rebuild of a table
    it reads.

    Example:
        >>> from planner.ops import AlterColumnType
        >>> from planner.state.model import View, ViewRead
        >>> v = View(name="v", definition="...", reads=(ViewRead(kind="table", name="t", columns=("a",)),))
        >>> disturbs(AlterColumnType(table_key=(None, "t"), column="a", old_type="Integer",
        ...          new_type="BigInteger"), v, rebuilds=False)
        'view v reads t.a'
    """
    key = op.table_key
    if key is None or isinstance(op, (CreateView, DropView)):
        return None
    cols = _read_columns(view, key)
    if cols is None:
        return None
    column = getattr(op, "column", None)
    column = column if isinstance(column, str) else getattr(column, "name", None)
    if op.kind in ("alter_column_type", "drop_column") and column is not None:
        if not cols or column in cols:
            return (
                f"{view.kind.replace('_', ' ')} {view.qualified_name} reads {key_str(key)}.{column}"
            )
    if rebuilds and (
        op.kind in _REBUILDS
        or (op.kind == "add_column" and getattr(op.column, "server_default", None) is not None)
    ):
        return f"SQLite rebuilds {key_str(key)}, which {view.qualified_name} reads"
    return None


def key_str(key: TableKey) -> str:
    return f"{key[0]}.{key[1]}" if key[0] else key[1]


def _refs(view: View, enums: tuple[str, ...]) -> set[Ref]:
    refs: set[Ref] = set()
    for r in view.reads:
        if r.kind == "enum":
            refs.add((RefKind.ENUM, r.name))
            continue
        key = (r.schema, r.name)
        # a read names a table or a view: need either (nothing gives the other)
        refs |= {(RefKind.TABLE, key), (RefKind.VIEW, key)}
        refs |= {(RefKind.COLUMN, (r.schema, r.name, c)) for c in r.columns}
    refs |= {(RefKind.ENUM, e) for e in enums}
    return refs


def _with(snapshot: Snapshot, add: View | None, drop: View | None) -> Snapshot:
    views = [v for v in snapshot.views if drop is None or v.key != drop.key]
    if add is not None:
        views = [v for v in views if v.key != add.key] + [add]
    return dataclasses.replace(snapshot, views=tuple(views))


class _ViewOp(Operation):
    __slots__ = ()

    def _view(self) -> View:  # pragma: no cover - overridden
        raise NotImplementedError

    def sort_name(self) -> str:
        return self._view().qualified_name

    def where(self) -> str:
        return self._view().qualified_name

    def label(self) -> str:
        v = self._view()
        what = v.kind.replace("_", " ")
        return (
            f"{what} {v.qualified_name}"
            if self.category == "+"
            else f"drop {what} {v.qualified_name}"
        )

    def describe(self) -> str:
        v = self._view()
        verb = "Create" if self.category == "+" else "Drop"
        text = f"{verb} {v.kind.replace('_', ' ')} {v.qualified_name}"
        if self.category == "+" and v.indexes:
            text += " with index" + ("es " if len(v.indexes) > 1 else " ")
            text += ", ".join(i.name for i in v.indexes)
        return text


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateView(_ViewOp):
    """Create a view (its indexes and comment with it). ``enums``: the enums of the
    columns it reads, which must have their final values first."""

    kind: ClassVar[str] = "create_view"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_VIEW
    view: View
    enums: tuple[str, ...] = ()

    def _view(self) -> View:
        return self.view

    def reverse(self) -> Operation:
        return DropView(view=self.view, enums=self.enums)

    def needs(self) -> frozenset[Ref]:
        refs = _refs(self.view, self.enums)
        refs |= {(RefKind.ENUM_NEW_COLUMNS, e) for e in self.enums}
        return frozenset(refs)

    def gives(self) -> frozenset[Ref]:
        s, n = self.view.key
        refs = {(RefKind.VIEW, self.view.key), _relname(s, n)}
        refs |= {_relname(s, i.name) for i in self.view.indexes}
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with(snapshot, self.view, None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DropView(_ViewOp):
    kind: ClassVar[str] = "drop_view"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_VIEW
    view: View
    enums: tuple[str, ...] = ()

    @property
    def risk(self) -> Risk:
        return Risk.SAFE

    def _view(self) -> View:
        return self.view

    def reverse(self) -> Operation:
        return CreateView(view=self.view, enums=self.enums)

    def needs(self) -> frozenset[Ref]:
        refs = _refs(self.view, self.enums)
        refs |= {(RefKind.ENUM_OLD_COLUMNS, e) for e in self.enums}
        return frozenset(refs)

    def removes(self) -> frozenset[Ref]:
        s, n = self.view.key
        refs = {(RefKind.VIEW, self.view.key), _relname(s, n)}
        refs |= {_relname(s, i.name) for i in self.view.indexes}
        return frozenset(refs)

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _with(snapshot, None, self.view)


def view_enums(view: View, snapshot: Snapshot) -> tuple[str, ...]:
    """The enums of the columns ``view`` reads in ``snapshot``, and those it names."""
    out = {r.name for r in view.reads if r.kind == "enum"}
    for r in view.reads:
        t = snapshot.get_table((r.schema, r.name)) if r.kind == "table" else None
        if t is None:
            continue
        for c in t.columns:
            if not r.columns or c.name in r.columns:
                out |= set(enums_of_type(c.type))
    return tuple(sorted(out))


for _cls in (CreateView, DropView):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)


def _edit_view(snapshot: Snapshot, key: TableKey, fn) -> Snapshot:
    views = tuple(fn(v) if v.key == key else v for v in snapshot.views)
    return dataclasses.replace(snapshot, views=views)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateViewIndex(Operation):
    """Create an index of a materialized view that stays (PostgreSQL)."""

    kind: ClassVar[str] = "create_view_index"
    subject_field: ClassVar[str | None] = "index"
    category: ClassVar[str] = "+"
    phase: ClassVar[int] = PHASE_CREATE_VIEW
    view_key: TableKey
    index: Index

    def sort_name(self) -> str:
        return f"{key_str(self.view_key)}.{self.index.name}"

    def where(self) -> str:
        return key_str(self.view_key)

    def label(self) -> str:
        return f"index {self.index.name} of {key_str(self.view_key)}"

    def describe(self) -> str:
        unique = "unique " if self.index.unique else ""
        ix = self.index
        from planner.state.index_keys import key_text  # elements, storage parameters

        m = f" using {ix.using}" if ix.using else ""
        inc = f" include ({', '.join(ix.include)})" if ix.include else ""
        return f"Create {unique}index {ix.name} on materialized view {key_str(self.view_key)}{m} {key_text(ix)}{inc}"

    def reverse(self) -> Operation:
        return DropViewIndex(view_key=self.view_key, index=self.index)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.VIEW, self.view_key)})

    def gives(self) -> frozenset[Ref]:
        return frozenset({_relname(self.view_key[0], self.index.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_view(
            snapshot,
            self.view_key,
            lambda v: dataclasses.replace(
                v, indexes=(*(i for i in v.indexes if i.name != self.index.name), self.index)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DropViewIndex(Operation):
    """Drop an index of a materialized view that stays (PostgreSQL)."""

    kind: ClassVar[str] = "drop_view_index"
    subject_field: ClassVar[str | None] = "index"
    category: ClassVar[str] = "-"
    phase: ClassVar[int] = PHASE_DROP_VIEW
    view_key: TableKey
    index: Index

    def sort_name(self) -> str:
        return f"{key_str(self.view_key)}.{self.index.name}"

    def where(self) -> str:
        return key_str(self.view_key)

    def label(self) -> str:
        return f"drop index {self.index.name} of {key_str(self.view_key)}"

    def describe(self) -> str:
        return f"Drop index {self.index.name} of materialized view {key_str(self.view_key)}"

    def reverse(self) -> Operation:
        return CreateViewIndex(view_key=self.view_key, index=self.index)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.VIEW, self.view_key)})

    def removes(self) -> frozenset[Ref]:
        return frozenset({_relname(self.view_key[0], self.index.name)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_view(
            snapshot,
            self.view_key,
            lambda v: dataclasses.replace(
                v, indexes=tuple(i for i in v.indexes if i.name != self.index.name)
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetViewComment(Operation):
    """Set or remove the comment of a view that stays (PostgreSQL's ``COMMENT ON``)."""

    kind: ClassVar[str] = "set_view_comment"
    phase: ClassVar[int] = PHASE_CREATE_VIEW
    view: View
    old: str | None = None
    new: str | None = None

    def sort_name(self) -> str:
        return self.view.qualified_name

    def where(self) -> str:
        return self.view.qualified_name

    def label(self) -> str:
        return f"comment of {self.view.qualified_name}"

    def describe(self) -> str:
        what = f"{self.view.kind.replace('_', ' ')} {self.view.qualified_name}"
        if self.new is None:
            return f"Remove the comment of {what}"
        return f"Set the comment of {what} to {self.new!r}"

    def reverse(self) -> Operation:
        return SetViewComment(view=self.view, old=self.new, new=self.old)

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.VIEW, self.view.key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        return _edit_view(
            snapshot, self.view.key, lambda v: dataclasses.replace(v, comment=self.new)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetViewColumnComment(Operation):
    """Set or remove the comment of a column of a view that stays (PostgreSQL's
    ``COMMENT ON COLUMN``)."""

    kind: ClassVar[str] = "set_view_column_comment"
    phase: ClassVar[int] = PHASE_CREATE_VIEW
    view: View
    #: the view's column
    column_name: str
    old: str | None = None
    new: str | None = None

    def sort_name(self) -> str:
        return f"{self.view.qualified_name}.{self.column_name}"

    def where(self) -> str:
        return self.view.qualified_name

    def label(self) -> str:
        return f"comment of {self.view.qualified_name}.{self.column_name}"

    def describe(self) -> str:
        what = f"column {self.column_name} of {self.view.kind.replace('_', ' ')} {self.view.qualified_name}"
        if self.new is None:
            return f"Remove the comment of {what}"
        return f"Set the comment of {what} to {self.new!r}"

    def reverse(self) -> Operation:
        return SetViewColumnComment(
            view=self.view, column_name=self.column_name, old=self.new, new=self.old
        )

    def needs(self) -> frozenset[Ref]:
        return frozenset({(RefKind.VIEW, self.view.key)})

    def apply_to(self, snapshot: Snapshot) -> Snapshot:
        def edit(v: View) -> View:
            kept = tuple((c, x) for c, x in v.column_comments if c != self.column_name)
            added = ((self.column_name, self.new),) if self.new is not None else ()
            return dataclasses.replace(v, column_comments=kept + added)

        return _edit_view(snapshot, self.view.key, edit)


for _cls in (CreateViewIndex, DropViewIndex, SetViewComment, SetViewColumnComment):
    OPERATION_TYPES.setdefault(_cls.kind, _cls)
