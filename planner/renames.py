"""Rename resolution: what the ``renamed_from`` hints say, and what merely looks like a rename.

Renames come only from hints (or an explicit :class:`Renames`); the diff never guesses.
A drop and an add that *look* like a rename become a :class:`Suggestion` in the plan.

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> a = Snapshot(release="1", tables=(Table(name="places", columns=(Column(name="id", type="Integer"),)),))
    >>> b = Snapshot(release="2", tables=(Table(name="sites", renamed_from="places",
    ...                                         columns=(Column(name="id", type="Integer"),)),))
    >>> renames_from_hints(a, b).tables
    (((None, 'places'), 'sites'),)
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.state.model import Snapshot, Table, TableKey, table_key_str


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """Something that looks like a rename (or another intent) the plan does not assume."""

    message: str
    hint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Renames:
    """Table and column renames from a source snapshot to a target snapshot.

    ``tables``: ``(source key, target name)`` (a rename keeps the schema).
    ``columns``: ``(source table key, target table key, source column, target column)``.
    """

    tables: tuple[tuple[TableKey, str], ...] = ()
    columns: tuple[tuple[TableKey, TableKey, str, str], ...] = ()

    def reversed(self) -> Renames:
        """The same renames, going the other way (for a downgrade).

        Example:
            >>> Renames(tables=(((None, "a"), "b"),)).reversed().tables
            (((None, 'b'), 'a'),)
        """
        return Renames(
            tables=tuple(sorted((((k[0], n), k[1]) for k, n in self.tables), key=_tk_sort)),
            columns=tuple(
                sorted(((tt, st, tc, sc) for st, tt, sc, tc in self.columns), key=_col_sort)
            ),
        )

    @property
    def is_empty(self) -> bool:
        return not self.tables and not self.columns


def _tk_sort(item: tuple[TableKey, str]) -> tuple:
    (s, n), new = item
    return (s or "", n, new)


def _col_sort(item: tuple[TableKey, TableKey, str, str]) -> tuple:
    st, tt, sc, tc = item
    return (st[0] or "", st[1], sc, tc)


def renames_from_hints(old: Snapshot, new: Snapshot) -> Renames:
    """The renames ``new``'s ``renamed_from`` hints declare, checked against ``old``.

    A table hint counts when ``old`` has the hinted table and ``new`` does not (a stale
    hint from an earlier release is ignored). A column hint counts when the matched
    old table has the hinted column and the new table does not.

    Example:
        >>> renames_from_hints(Snapshot(release="1"), Snapshot(release="2")).is_empty
        True
    """
    old_tables = old.tables_by_key()
    new_tables = new.tables_by_key()
    tables: list[tuple[TableKey, str]] = []
    target_of: dict[TableKey, TableKey] = {}  # new key -> old key
    taken: set[TableKey] = set()
    for t in new.tables:
        src: TableKey = (t.schema, t.renamed_from) if t.renamed_from else t.key
        if (
            t.renamed_from
            and t.key not in old_tables
            and src in old_tables
            and src not in new_tables
            and src not in taken
        ):
            tables.append((src, t.name))
            taken.add(src)
            target_of[t.key] = src
        elif t.key in old_tables:
            target_of[t.key] = t.key
    columns: list[tuple[TableKey, TableKey, str, str]] = []
    for t in new.tables:
        src_key = target_of.get(t.key)
        if src_key is None:
            continue
        ot = old_tables[src_key]
        used: set[str] = set()
        for c in t.columns:
            if (
                c.renamed_from
                and not ot.has_column(c.name)
                and ot.has_column(c.renamed_from)
                and not t.has_column(c.renamed_from)
                and c.renamed_from not in used
            ):
                columns.append((src_key, t.key, c.renamed_from, c.name))
                used.add(c.renamed_from)
    return Renames(
        tables=tuple(sorted(tables, key=_tk_sort)), columns=tuple(sorted(columns, key=_col_sort))
    )


def _shape(table: Table) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((c.name, c.type) for c in table.columns))


def suggest_renames(old: Snapshot, new: Snapshot, renames: Renames) -> tuple[Suggestion, ...]:
    """Drops and adds that look like renames the hints do not declare.

    ``old`` is the source *after* the declared renames were applied. Two patterns:
    a table dropped and one added with the same columns (names and types); a column
    dropped and one added in the same table with the same type.

    Example:
        >>> suggest_renames(Snapshot(release="1"), Snapshot(release="2"), Renames())
        ()
    """
    del renames  # declared renames are already applied to ``old``
    out: list[Suggestion] = []
    old_tables = old.tables_by_key()
    new_tables = new.tables_by_key()
    dropped = [old_tables[k] for k in sorted(old_tables.keys() - new_tables.keys(), key=_key_sort)]
    added = [new_tables[k] for k in sorted(new_tables.keys() - old_tables.keys(), key=_key_sort)]
    for d in dropped:
        for a in added:
            if a.schema == d.schema and _shape(a) == _shape(d):
                out.append(
                    Suggestion(
                        message=(
                            f"table {d.qualified_name} dropped and {a.qualified_name} added with the same "
                            f"columns: the plan drops {d.qualified_name} and its data"
                        ),
                        hint=f"if it is a rename, add `renamed_from: {d.name}` to table {a.qualified_name}",
                    )
                )
    for key in sorted(old_tables.keys() & new_tables.keys(), key=_key_sort):
        ot, nt = old_tables[key], new_tables[key]
        if ot is nt:  # unchanged (one object when both snapshots share it)
            continue
        gone = [c for c in ot.columns if not nt.has_column(c.name)]
        came = [c for c in nt.columns if not ot.has_column(c.name)]
        for g in gone:
            for c in came:
                if g.type == c.type:
                    name = table_key_str(key)
                    out.append(
                        Suggestion(
                            message=(
                                f"column {name}.{g.name} dropped and {name}.{c.name} added with the same "
                                f"type {c.type}: the plan drops {name}.{g.name} and its data"
                            ),
                            hint=f"if it is a rename, add `renamed_from: {g.name}` to column {name}.{c.name}",
                        )
                    )
    return tuple(out)


def _key_sort(k: TableKey) -> tuple[str, str]:
    return (k[0] or "", k[1])
