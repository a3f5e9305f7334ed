"""PostgreSQL: what it does differently from the SQL standard defaults of ``base``."""

from __future__ import annotations

from planner.dialects.base import Dialect


class PostgreSQL(Dialect):
    name = "postgresql"
    label = "PostgreSQL"
    sqlglot_name = "postgres"
    aliases = ("postgres", "pg")
    foreign_key_tied_to_key = True
    allows_zero_column_tables = True
    has_materialized_views = True
    has_index_methods = True
    has_view_comments = True
    has_row_level_security = True
    runtime_names = ("postgresql",)

    #: NAMEDATALEN - 1: the longest identifier, in bytes
    max_identifier_bytes = 63
    _LABELS = {"pk": "pkey", "fk": "fkey", "uq": "key", "ck": "check", "ix": "idx"}

    def default_name(self, kind, table, columns, *, check_columns=(), taken=frozenset()):
        """PostgreSQL's ``ChooseConstraintName``: ``<table>_<columns>_<label>``, columns
        joined by ``_`` (a check: its one column, or none), shortened to 63 bytes the
        way ``makeObjectName`` does, numbered (``_key1``) when taken.

        Example:
            >>> from planner.dialects import get
            >>> pg = get("postgresql")
            >>> pg.default_name("uq", "units", ("code",)), pg.default_name("pk", "units", ("id",))
            ('units_code_key', 'units_pkey')
            >>> pg.default_name("ck", "t", (), check_columns=("a", "b"), taken={"t_check"})
            't_check1'
        """
        label = self._LABELS[kind]
        if kind == "pk":
            name2 = None
        elif kind == "ck":
            name2 = check_columns[0] if len(check_columns) == 1 else None
        else:
            name2 = "_".join(columns)
        n = 0
        while True:
            name = _make_object_name(table, name2, label + (str(n) if n else ""))
            if name not in taken:
                return name
            n += 1

    def is_default_name(self, kind, name, table, columns):
        return name is None

    has_schemas = True
    object_sections = frozenset(
        {"schemas", "extensions", "sequences", "collations", "domains", "types", "index_methods"}
    )
    sequence_keys = frozenset(
        {"schema", "type", "start", "increment", "min_value", "max_value", "cache", "cycle",
         "owned_by", "comment"}
    )  # fmt: skip
    has_identity_columns = True
    alters_type_using = True
    has_deferrable_constraints = True
    has_unlogged_tables = True
    has_exclusion_constraints = True
    has_constraint_comments = True
    has_partitioning = True
    has_virtual_generated_columns = False
    has_named_enums = True
    interval_months = True

    folds_uniques_into_keys = True

    def rows_inserted(self, conn, table):
        """Serial sequences move past the inserted keys."""
        self.part("build").advance_sequences(conn, table)

    def row_read(self, expr, type_text):
        """A column of PostgreSQL's own type (``real``, ``timestamp(3)``, a range, an
        ``hstore``) as text (:mod:`planner.dialects.postgresql_rows`)."""
        return self.part("rows").read(expr, type_text)

    def row_normal(self, param, type_text):
        return self.part("rows").normal(param, type_text)

    def row_value(self, type_text, value):
        return self.part("rows").value(type_text, value)

    has_schema_dump = True

    def schema_dump(self, url, snapshot):
        """``pg_dump --schema-only`` (without alembic_version) plus the managed rows."""
        return self.part("dump").dump_text(url, snapshot, version_table="alembic_version")

    def server_database(self, database):
        return "postgres"

    def drop_database_sql(self, name):
        return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'

    def kept_pk_name(self, table, name):
        """``<table>_pkey`` is the name PostgreSQL gives an unnamed primary key."""
        return None if not name or name == f"{table}_pkey" else name

    def reflected_autoincrement(self, raw, serial):
        """A serial (``nextval`` default) or an identity column autoincrements."""
        return serial or bool(raw.get("identity"))

    def reflects_lossily(self, satype):
        """``character(n)``, ``bit(n)``, ``real``, a precision (``timestamp(3)``) or
        interval fields: read verbatim (:mod:`planner.dialects.postgresql_typmods`)."""
        return self.part("typmods").lossy(satype)

    def enum_comments(self, conn, schema):
        """``COMMENT ON TYPE`` of the enums of ``schema`` (``obj_description``)."""
        import sqlalchemy as sa

        sql = sa.text(
            "SELECT t.typname, obj_description(t.oid, 'pg_type') FROM pg_type t "
            "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' "
            "AND n.nspname = :schema AND obj_description(t.oid, 'pg_type') IS NOT NULL"
        )
        return dict(conn.execute(sql, {"schema": schema}).all())

    def extension_tables(self, conn, schema):
        """The tables of ``schema`` an extension owns (``pg_depend.deptype = 'e'``)."""
        import sqlalchemy as sa

        sql = sa.text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_depend e ON e.classid = 'pg_class'::regclass AND e.objid = c.oid "
            "AND e.deptype = 'e' WHERE n.nspname = coalesce(:schema, current_schema())"
        )
        return frozenset(r[0] for r in conn.execute(sql, {"schema": schema}))

    def string_literal(self, value: str) -> str:
        r"""A literal that reads the same whatever ``standard_conforming_strings`` says: a
        value with a backslash is an escape string (``E'...'``), its backslashes written
        ``\134`` (octal: never ``\:``, which ``sa.text`` would unescape), quotes doubled.

        Example:
            >>> PostgreSQL().string_literal("it's")
            "'it''s'"
            >>> print(PostgreSQL().string_literal("a\\'b"))
            E'a\134''b'
        """
        if "\\" not in value:
            return super().string_literal(value)
        return "E'" + value.replace("\\", "\\134").replace("'", "''") + "'"


def _make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1[_name2]_label`` within 63 bytes, the
    longer of ``name1``/``name2`` shortened first (never cutting a character in two)."""
    overhead = len(label.encode()) + 1 + (1 if name2 is not None else 0)
    a, b = name1.encode(), (name2 or "").encode()
    la, lb = len(a), len(b)
    while la + lb > 63 - overhead:
        if la > lb:
            la -= 1
        else:
            lb -= 1
    part1 = a[:la].decode(errors="ignore")
    part2 = b[:lb].decode(errors="ignore")
    return part1 + (f"_{part2}" if name2 is not None else "") + f"_{label}"
