"""The format of a snapshot: plain values (from :mod:`planner.state.reader`) -> the model.

One builder, :class:`Shape`: every key known (with "did you mean"), every value of the
expected type, each problem at its line:col. The keys it accepts are the properties of
``snapshot.schema.json`` (tests/state/test_yaml_shape.py holds the two together), and
:func:`load_with_source_map` runs the whole pipeline: read, shape, then the semantic
checks of :func:`planner.state.validate.validate`; all problems are raised together as
one :class:`SnapshotError`.

Example:
    >>> load_snapshot_text("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "x.yaml").tables
    ()
"""

from __future__ import annotations

import difflib
import functools
from typing import Any

from planner.state import column_kinds, constraint_comments, index_keys, naming, pg_tables_yaml
from planner.state.errors import Problem, Problems, SnapshotError
from planner.state.model import (
    FORMAT_VERSION,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Snapshot,
    Table,
)
from planner.state.reader import (
    Path_,
    SourceMap,
    _show_key,
    _yaml_scalar_text,
    format_path,
    parse_yaml,
)
from planner.state.session import LoadSession, default_session
from planner.state.shape_columns import (
    PlainColumns,
    backfill_dialects,
    canonical_type,
    plain_column,
    using,
)
from planner.state.shape_rows import read_dropped_columns, read_rows

__all__ = [
    "COLUMN_KEYS",
    "FK_KEYS",
    "INDEX_KEYS",
    "PK_KEYS",
    "REF_KEYS",
    "ROWS_KEYS",
    "TABLE_KEYS",
    "TOP_KEYS",
    "Shape",
    "load_snapshot_text",
    "load_with_source_map",
]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {_yaml_scalar_text(value)}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__  # pragma: no cover


def _quote_hint(value: Any) -> str | None:
    if isinstance(value, (bool, int, float)) or value is None:
        return f"quote it: '{_yaml_scalar_text(value)}'"
    return None


TOP_KEYS = (
    "snapshot",
    "release",
    "naming_convention",
    "enums",
    "tables",
    "unmanaged",
    "routines",
    "views",
    "schemas",
    "extensions",
    "sequences",
    "steps",
    "collations",
    "domains",
    "types",
)
TABLE_KEYS = (
    "schema",
    "comment",
    "renamed_from",
    "columns",
    "primary_key",
    "foreign_keys",
    "unique",
    "checks",
    "indexes",
    "rows",
    "dropped_columns",
    "unlogged",
    "exclusions",
    "row_level_security",
    "policies",
    "partition_by",
    "partition_of",
    "inherits",
)
COLUMN_KEYS = (
    "type",
    "primary_key",
    "nullable",
    "autoincrement",
    "server_default",
    "on_update",
    "comment",
    "renamed_from",
    "backfill",
    "identity",
    "generated",
    "collation",
    "using",
)
PK_KEYS = ("name", "columns", "deferrable", "comment", "index_comment")
FK_KEYS = ("columns", "references", "ondelete", "onupdate", "deferrable", "comment")
REF_KEYS = ("schema", "table", "columns")
INDEX_KEYS = ("columns", "unique", "where", "using", "include", "comment", "with")
ROWS_KEYS = ("mode", "key", "values")

_MISSING = object()


def _portable(value: Any) -> Any:
    """A backfill as SQL text (a per-dialect mapping is read by ``shape_columns.backfill_dialects``)."""
    return _MISSING if isinstance(value, dict) else value


class Shape:
    """Checks the plain-value tree against the format and builds the model."""

    def __init__(self, file: str, sm: SourceMap):
        self.file = file
        self.sm = sm
        self.problems: list[Problem] = Problems()
        #: a problem dropped part of the document: semantic checks would report its echoes
        self.lossy = False
        #: the project's target dialect names (None: every dialect), for what is per dialect
        self.targets: tuple[str, ...] | None = None
        #: each distinct plain column built once, and shared (shape_columns)
        self._plain_columns = PlainColumns()

    def add(
        self,
        path: Path_,
        message: str,
        hint: str | None = None,
        *,
        at_key: bool = False,
        lossy: bool = True,
    ) -> None:
        self.lossy = self.lossy or lossy
        pos = self.sm.key_position(path) if at_key else None
        line, col = pos or self.sm.locate(path)
        self.problems.append(
            Problem(
                file=self.file,
                line=line,
                col=col,
                path=format_path(path),
                message=message,
                hint=hint,
            )
        )

    # generic checks ------------------------------------------------------------
    def mapping(
        self,
        value: Any,
        path: Path_,
        what: str,
        *,
        allowed: tuple[str, ...] | None = None,
        required: tuple[str, ...] = (),
    ) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"expected {what} (a mapping), found {_describe(value)}")
            return None
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.add(
                        (*path, key),
                        f"unknown key {_show_key(key)} in {what}",
                        _suggest(key, allowed),
                        at_key=True,
                        lossy=False,
                    )
            for key in required:
                if key not in value:
                    self.add(
                        path, f"{what} needs the key '{key}'", _REQUIRED_HINTS.get(key), at_key=True
                    )
        return value

    def names_mapping(self, value: Any, path: Path_, what: str) -> dict:
        """A mapping keyed by names (tables, columns, constraints): string keys only."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping of {what}, found {_describe(value)}")
            return {}
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                single = _SINGULAR.get(what, what)
                article = "an" if single[0] in "aeiou" else "a"
                self.add(
                    (*path, key),
                    f"{article} {single} name must be a string, found {_describe(key)}",
                    _quote_hint(key),
                    at_key=True,
                )
                continue
            if not key:
                self.add((*path, key), f"empty {what} name", at_key=True)
                continue
            out[key] = v
        return out

    def text(self, value: Any, path: Path_, what: str, *, sql: bool = False) -> str | None:
        """A string; SQL text also accepts numbers and booleans as written."""
        if value is _MISSING or value is None:
            return None
        if isinstance(value, str):
            return value
        if sql and isinstance(value, (bool, int, float)):
            return (
                _yaml_scalar_text(value)
                if not isinstance(value, bool)
                else ("true" if value else "false")
            )
        self.add(path, f"expected {what} (a string), found {_describe(value)}", _quote_hint(value))
        return None

    def flag(self, value: Any, path: Path_, what: str) -> bool | None:
        if value is _MISSING or value is None:
            return None
        if isinstance(value, bool):
            return value
        hint = None
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            hint = f"write {value.lower() in ('true', 'yes') and 'true' or 'false'} without quotes"
        self.add(path, f"expected {what} (true or false), found {_describe(value)}", hint)
        return None

    def names(
        self, value: Any, path: Path_, what: str, *, allow_empty: bool = False
    ) -> tuple[str, ...] | None:
        if isinstance(value, str):
            self.add(
                path, f"expected a list of {what}, found {_describe(value)}", f"write [{value}]"
            )
            return None
        if not isinstance(value, list):
            self.add(path, f"expected a list of {what}, found {_describe(value)}")
            return None
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item:
                self.add(
                    (*path, i),
                    f"expected a name (a non-empty string), found {_describe(item)}",
                    _quote_hint(item),
                )
                ok = False
        if not value and not allow_empty:
            self.add(path, f"expected at least one of {what}, found an empty list")
            ok = False
        return tuple(value) if ok else None

    # the document --------------------------------------------------------------
    def snapshot(self, doc: Any, *, expected_release: str | None) -> Snapshot | None:
        if doc is None:
            self.add((), "the file is empty", "a snapshot starts with: snapshot: 1")
            return None
        if not isinstance(doc, dict):
            self.add(
                (), f"expected a mapping with snapshot, release and tables, found {_describe(doc)}"
            )
            return None
        version = doc.get("snapshot", _MISSING)
        if version is _MISSING:
            self.add(
                (),
                "missing key 'snapshot' (the format version)",
                f"add: snapshot: {FORMAT_VERSION}",
            )
        elif (
            isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION
        ):
            self.add(
                ("snapshot",),
                f"format version {version} is newer than this dbplan supports ({FORMAT_VERSION})",
                "upgrade dbplan",
            )
            return None
        elif version != FORMAT_VERSION or isinstance(version, bool):
            self.add(
                ("snapshot",),
                f"expected format version {FORMAT_VERSION}, found {_describe(version)}",
            )
        self.mapping(doc, (), "a snapshot", allowed=TOP_KEYS, required=("release", "tables"))
        release = self.release(doc.get("release", _MISSING), expected_release)
        conventions = self.conventions(doc.get("naming_convention"))
        enums = self.enums(doc.get("enums"))
        tables = []
        if "tables" in doc:
            raw_tables = doc["tables"]
            if raw_tables is not None and not isinstance(raw_tables, dict):
                self.add(
                    ("tables",),
                    f"expected a mapping of tables, found {_describe(raw_tables)}",
                    "write tables: {} for none",
                )
                raw_tables = None
            for name, body in self.names_mapping(raw_tables, ("tables",), "tables").items():
                t = self.table(name, body, ("tables", name), conventions)
                if t is not None:
                    tables.append(t)
        from planner.state import inventory_yaml, views_yaml  # objects besides tables

        views = views_yaml.load(self, doc.get("views"), tables)
        # an unmanaged trigger, grant or index may belong to a modelled view
        unmanaged = inventory_yaml.load(
            self, doc.get("unmanaged"), tables + views_yaml.as_holders(views)
        )
        from planner.state import routines_yaml  # the functions and triggers dbplan manages

        routines = routines_yaml.load(self, doc.get("routines"), tables, views)
        from planner.state import pg_objects_yaml  # schemas, extensions, sequences

        pg_objects = pg_objects_yaml.load(self, doc, tables) if isinstance(doc, dict) else {}
        from planner.state import pg_types_yaml  # domains, composite types, collations

        pg_types = pg_types_yaml.load(self, doc) if isinstance(doc, dict) else {}
        from planner.state import steps_yaml  # the release's data steps

        steps = steps_yaml.load(self, doc.get("steps"), tables)
        if release is None:
            return None
        return Snapshot(
            **pg_objects,
            **pg_types,
            release=release,
            tables=tuple(tables),
            enums=tuple(enums),
            naming_convention=tuple(conventions.items()),
            unmanaged=unmanaged,
            routines=routines,
            views=views,
            steps=steps,
        )

    def release(self, value: Any, expected: str | None) -> str | None:
        path = ("release",)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            self.add(
                path,
                f"expected the release as a string, found {_describe(value)}",
                _quote_hint(value) if value is not None else 'write release: "1.0.0"',
            )
            return None
        from packaging.version import InvalidVersion, Version

        try:
            Version(value)
        except InvalidVersion:
            self.add(path, f"release {value!r} is not a PEP 440 version", 'write e.g. "1.2.0"')
            return None
        if expected is not None and value != expected:
            self.add(
                path,
                f"release {value!r} does not match the file name {expected!r}",
                f'rename the file to {value}.yaml or write release: "{expected}"',
                lossy=False,
            )
        return value

    def conventions(self, value: Any) -> dict[str, str]:
        return naming.read_conventions(self, value)

    def enums(self, value: Any) -> list[Enum]:
        from planner.state.enum_renames_yaml import read_enums  # the enums section

        return read_enums(self, value)

    def table(self, name: str, body: Any, path: Path_, conventions: dict[str, str]) -> Table | None:
        # a partition's columns are its parent's: it may leave ``columns`` out
        need = () if isinstance(body, dict) and "partition_of" in body else ("columns",)
        t = self.mapping(body, path, f"table '{name}'", allowed=TABLE_KEYS, required=need)
        if t is None:
            return None
        from planner.state import partitions  # partition_by, partition_of, inherits

        parts = partitions.read(self, t, path, _MISSING)
        schema = self.text(t.get("schema", _MISSING), (*path, "schema"), "a schema name")
        comment = self.text(t.get("comment", _MISSING), (*path, "comment"), "a comment")
        renamed_from = self.text(
            t.get("renamed_from", _MISSING), (*path, "renamed_from"), "the previous table name"
        )
        flagged: list[str] = []
        columns = []
        raw_columns = t.get("columns")
        if "columns" in t and not isinstance(raw_columns, dict):
            self.add(
                (*path, "columns"),
                f"expected a mapping of columns (name: {{type: ...}}), found {_describe(raw_columns)}",
            )
            raw_columns = {}
        col_bodies = {}
        plain: set[str] = set()  # the columns of plain_column bodies
        for cname, cbody in self.names_mapping(raw_columns, (*path, "columns"), "columns").items():
            if cbody.__class__ is dict and plain_column(cbody):
                col_bodies[cname] = cbody
                plain.add(cname)
                if cbody.get("primary_key"):
                    flagged.append(cname)
                continue
            cp = (*path, "columns", cname)
            c = self.mapping(
                cbody, cp, f"column '{cname}'", allowed=COLUMN_KEYS, required=("type",)
            )
            if c is None:
                continue
            col_bodies[cname] = c
            if self.flag(c.get("primary_key", _MISSING), (*cp, "primary_key"), "primary_key"):
                flagged.append(cname)
        # primary key
        pk_name: Any = _MISSING
        pk_columns: tuple[str, ...] | None = tuple(flagged)
        pk_deferrable = pk_comment = pk_index_comment = None
        if "primary_key" in t:
            pp = (*path, "primary_key")
            pk = self.mapping(t["primary_key"], pp, "primary_key", allowed=PK_KEYS)
            if pk is not None:
                pk_deferrable = pg_tables_yaml.read_deferrable(
                    self, pk.get("deferrable"), (*pp, "deferrable"), "the primary key"
                )
                pk_comment = constraint_comments.read(self, pk, pp)
                pk_index_comment = constraint_comments.read(self, pk, pp, "index_comment")
                if "name" in pk:
                    pk_name = self.text(pk["name"], (*pp, "name"), "a constraint name")
                if "columns" in pk:
                    explicit = self.names(pk["columns"], (*pp, "columns"), "primary key columns")
                    if explicit is not None:
                        if flagged and set(flagged) != set(explicit):
                            self.add(
                                (*pp, "columns"),
                                f"primary_key.columns {list(explicit)} disagree with the columns "
                                f"flagged primary_key: true {flagged}",
                                "flag exactly the listed columns, or drop primary_key.columns",
                            )
                        pk_columns = explicit
        pk_set = pk_columns or ()
        same_columns = self._plain_columns
        for cname, c in col_bodies.items():
            if cname in plain:  # what the general reading below gives it, without a check
                columns.append(same_columns.column(cname, c, pk_set))
                continue
            cp = (*path, "columns", cname)
            type_ = self.text(c.get("type", _MISSING), (*cp, "type"), "a type expression")
            if type_ is None:
                continue
            nullable = self.flag(c.get("nullable", _MISSING), (*cp, "nullable"), "nullable")
            if nullable is None:
                nullable = cname not in (pk_columns or ())
            columns.append(
                Column(
                    name=cname,
                    type=canonical_type(type_),
                    nullable=nullable,
                    autoincrement=self.flag(
                        c.get("autoincrement", _MISSING), (*cp, "autoincrement"), "autoincrement"
                    ),
                    server_default=self.text(
                        c.get("server_default", _MISSING),
                        (*cp, "server_default"),
                        "SQL text",
                        sql=True,
                    ),
                    on_update=self.text(
                        c.get("on_update", _MISSING), (*cp, "on_update"), "SQL text", sql=True
                    ),
                    comment=self.text(c.get("comment", _MISSING), (*cp, "comment"), "a comment"),
                    renamed_from=self.text(
                        c.get("renamed_from", _MISSING),
                        (*cp, "renamed_from"),
                        "the previous column name",
                    ),
                    backfill=self.text(
                        _portable(c.get("backfill", _MISSING)),
                        (*cp, "backfill"),
                        "SQL text",
                        sql=True,
                    ),
                    identity=column_kinds.read_identity(self, c.get("identity"), (*cp, "identity")),
                    generated=column_kinds.read_generated(
                        self, c.get("generated"), (*cp, "generated")
                    ),
                    collation=self.text(
                        c.get("collation", _MISSING), (*cp, "collation"), "a collation name"
                    ),
                    using=using(self, c, cp),
                    backfill_dialects=backfill_dialects(self, c, cp),
                )
            )
        primary_key = None
        if pk_columns:
            if pk_name is _MISSING:
                pk_name = naming.default_pk_name(name, pk_columns, conventions)
            primary_key = PrimaryKey(name=pk_name, columns=pk_columns, deferrable=pk_deferrable,
                                     comment=pk_comment, index_comment=pk_index_comment)  # fmt: skip
        elif pk_name is not _MISSING and pk_name is not None:
            self.add(
                (*path, "primary_key"),
                "a primary key name is given but no column is in the primary key",
                "flag columns with primary_key: true",
            )
        fks = []
        for fname, fbody in self.names_mapping(
            t.get("foreign_keys"), (*path, "foreign_keys"), "foreign keys"
        ).items():
            fk = self.foreign_key(fname, fbody, (*path, "foreign_keys", fname))
            if fk is not None:
                fks.append(fk)
        uniques = []
        for uname, ubody in self.names_mapping(
            t.get("unique"), (*path, "unique"), "unique constraints"
        ).items():
            u = pg_tables_yaml.read_unique(self, uname, ubody, (*path, "unique", uname))
            if u is not None:
                uniques.append(u)
        checks = []
        for kname, sql in self.names_mapping(t.get("checks"), (*path, "checks"), "checks").items():
            ck = constraint_comments.read_check(self, kname, sql, (*path, "checks", kname))
            if ck is not None:
                checks.append(ck)
        indexes = []
        for iname, ibody in self.names_mapping(
            t.get("indexes"), (*path, "indexes"), "indexes"
        ).items():
            ip = (*path, "indexes", iname)
            ix = self.mapping(
                ibody, ip, f"index '{iname}'", allowed=INDEX_KEYS, required=("columns",)
            )
            if ix is None or "columns" not in ix:
                continue
            cols = index_keys.read_columns(self, ix["columns"], (*ip, "columns"))
            if cols is None:
                continue
            indexes.append(
                Index(
                    name=iname,
                    **cols,
                    unique=bool(self.flag(ix.get("unique", _MISSING), (*ip, "unique"), "unique")),
                    where=self.text(
                        ix.get("where", _MISSING), (*ip, "where"), "an SQL predicate", sql=True
                    ),
                    **index_keys.read_extra(self, ix, ip),
                )
            )
        rows = None
        if "rows" in t:
            rows = read_rows(self, t["rows"], (*path, "rows"), pk_columns or ())
        dropped = read_dropped_columns(self, t.get("dropped_columns"), (*path, "dropped_columns"))
        from planner.state.policies_yaml import read_policies, read_row_level_security

        rls = read_row_level_security(
            self, t.get("row_level_security", _MISSING), (*path, "row_level_security")
        )
        policies = read_policies(self, t.get("policies"), (*path, "policies"))
        return Table(
            name=name,
            schema=schema,
            columns=tuple(columns),
            primary_key=primary_key,
            foreign_keys=tuple(fks),
            uniques=tuple(uniques),
            checks=tuple(checks),
            indexes=tuple(indexes),
            comment=comment,
            rows=rows,
            renamed_from=renamed_from,
            dropped_columns=dropped,
            unlogged=bool(self.flag(t.get("unlogged", _MISSING), (*path, "unlogged"), "unlogged")),
            exclusions=pg_tables_yaml.read_exclusions(
                self, t.get("exclusions"), (*path, "exclusions")
            ),
            row_level_security=rls,
            policies=policies,
            **parts,
        )

    def foreign_key(self, name: str, body: Any, path: Path_) -> ForeignKey | None:
        from planner.state.shape_fks import read_foreign_key

        return read_foreign_key(self, name, body, path)


_SINGULAR = {
    "tables": "table",
    "columns": "column",
    "enums": "enum",
    "foreign keys": "foreign key",
    "unique constraints": "unique constraint",
    "checks": "check",
    "indexes": "index",
}

_REQUIRED_HINTS = {
    "release": 'add: release: "1.0.0" (the file name stem)',
    "tables": "add: tables: {} for none",
    "type": "add e.g. type: Integer",
    "columns": "list at least one column",
    "references": "add references: {table: ..., columns: [...]}",
    "values": "add values: [] for none",
}


def _suggest(key: Any, allowed: tuple[str, ...]) -> str:
    if isinstance(key, str):
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(allowed)


@functools.lru_cache(maxsize=4096)
def load_snapshot_text(
    text: str | bytes,
    filename: str,
    *,
    expected_release: str | None = None,
    validate: bool = True,
    session: LoadSession | None = None,
) -> Snapshot:
    """Load one snapshot from text; raise SnapshotError with every problem found.

    Args:
        text: the file's content (bytes are decoded as UTF-8).
        filename: shown in problems (``schema_state/1.0.0.yaml``).
        expected_release: when given, the ``release`` must equal it (the file stem).
        validate: run the semantic checks of :mod:`planner.state.validate`.

    Example:
        >>> load_snapshot_text("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "x.yaml").tables
        ()
    """
    snapshot, _ = load_with_source_map(
        text, filename, expected_release=expected_release, validate=validate, session=session
    )
    return snapshot


def load_with_source_map(
    text: str | bytes,
    filename: str,
    *,
    expected_release: str | None = None,
    validate: bool = True,
    session: LoadSession | None = None,
    fragments: bool = True,
) -> tuple[Snapshot, SourceMap]:
    """Like :func:`load_snapshot_text`, also returning the SourceMap. ``fragments=False``
    leaves out the check of the SQL fragments (see :func:`planner.state.validate.validate`).

    Example:
        >>> s, sm = load_with_source_map("snapshot: 1\\nrelease: '1.0'\\ntables: {}\\n", "x.yaml")
        >>> sm[("release",)]
        (2, 10)
    """
    session = session or default_session()
    with session.paused_gc():  # cycle-free objects (see session)
        return _load_with_source_map(
            text,
            filename,
            expected_release=expected_release,
            validate=validate,
            targets=session.targets,
            fragments=fragments,
        )


def _load_with_source_map(
    text: str | bytes,
    filename: str,
    *,
    expected_release: str | None,
    validate: bool,
    targets: tuple[str, ...] | None,
    fragments: bool = True,
) -> tuple[Snapshot, SourceMap]:
    doc, sm, problems = parse_yaml(text, filename, row_lines=True)
    if problems or (doc is None and not sm):
        raise SnapshotError(problems)
    shape = Shape(filename, sm)
    shape.targets = targets
    snapshot = shape.snapshot(doc, expected_release=expected_release)
    if snapshot is None or shape.lossy:
        raise SnapshotError(shape.problems or [Problem(file=filename, message="not a snapshot")])
    found = Problems(shape.problems)
    if validate:
        from planner.state.validate import validate as _validate

        shape_paths = {p.path for p in shape.problems}
        found += [
            p
            for p in _validate(
                snapshot, source_map=sm, file=filename, targets=targets, fragments=fragments
            )
            if p.path not in shape_paths
        ]
    if found:
        raise SnapshotError(found)
    return snapshot, sm
