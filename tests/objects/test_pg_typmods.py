"""PostgreSQL built-in types with modifiers (``bit(3)``, ``character(2)``,
``timestamp(3)``, ``real``, ``interval day to second(3)``): a capture keeps each exactly
as ``postgresql.TYPE(<format_type>)`` and a generated revision re-creates the very same
type (``format_type()`` in ``pg_attribute`` equal to the original's), also when it
changes. The corpus (``scenarios/postgresql/type_{bit,char,timestamp,real,interval}_*``)
compares captures; this compares with the catalog itself, so a capture that loses the
same modifier on both sides fails here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.dbcases import reset_database
from tests.objects.corpus import build, run_script, write_chain

#: column -> (SQL type, the captured type text)
COLUMNS = {
    "b": ("bit(3)", "postgresql.TYPE(bit(3))"),
    "b1": ("bit", "postgresql.TYPE(bit(1))"),
    "vb": ("varbit", "postgresql.TYPE(bit varying)"),
    "v5": ("bit varying(5)", "postgresql.TYPE(bit varying(5))"),
    "c": ("char(2)", "postgresql.TYPE(character(2))"),
    "c1": ("character", "postgresql.TYPE(character(1))"),
    "bp": ("bpchar", "postgresql.TYPE(bpchar)"),
    "n": ("name", "postgresql.TYPE(name)"),
    "ts": ("timestamp(3)", "postgresql.TYPE(timestamp(3) without time zone)"),
    "tz": ("timestamptz(0)", "postgresql.TYPE(timestamp(0) with time zone)"),
    "tm": ("time(3)", "postgresql.TYPE(time(3) without time zone)"),
    "ttz": ("timetz(2)", "postgresql.TYPE(time(2) with time zone)"),
    "r": ("real", "postgresql.TYPE(real)"),
    "d": ("double precision", "Float"),
    "i": ("interval day to second(3)", "postgresql.TYPE(interval day to second(3))"),
    "y": ("interval year", "postgresql.TYPE(interval year)"),
    "p": ("interval(2)", "postgresql.TYPE(interval(2))"),
    "plain": ("interval", "Interval"),
    "ba": ("bit(2)[]", "postgresql.ARRAY(postgresql.TYPE(bit(2)))"),
    "ca": ("char(3)[]", "postgresql.ARRAY(postgresql.TYPE(character(3)))"),
    "ra": ("real[]", "postgresql.ARRAY(postgresql.TYPE(real))"),
}
#: the changes of the second step: column -> new SQL type
CHANGED = {
    "b": "bit(5)",
    "v5": "varbit(8)",
    "c": "varchar(2)",
    "bp": "char(4)",
    "ts": "timestamp(0)",
    "tz": "timestamptz",
    "r": "double precision",
    "d": "real",
    "i": "interval hour to second",
    "y": "interval",
}

A_SQL = "CREATE TABLE t (id integer PRIMARY KEY)"


def _table_sql(types: dict[str, str]) -> str:
    cols = ", ".join(f"{name} {ty}" for name, ty in types.items())
    return f"CREATE TABLE t (id integer PRIMARY KEY, {cols})"


def _format_types(url: str) -> dict[str, str]:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                    "WHERE attrelid = 't'::regclass AND attnum > 0 AND NOT attisdropped"
                )
            ).all()
    finally:
        eng.dispose()
    return {name: spelled for name, spelled in rows if name != "id"}


@pytest.mark.pg
def test_capture_keeps_modifiers_and_the_revision_recreates_them(pg_db, tmp_path):
    b_sql = _table_sql({name: ty for name, (ty, _) in COLUMNS.items()})
    changed = {name: CHANGED.get(name, ty) for name, (ty, _) in COLUMNS.items()}
    c_sql = _table_sql(changed)

    a = build(pg_db, A_SQL, "1.0.0")
    c = build(pg_db, c_sql, "3.0.0")
    want_c = _format_types(pg_db)
    b = build(pg_db, b_sql, "2.0.0")
    want_b = _format_types(pg_db)

    captured = {col.name: col.type for col in b.tables[0].columns if col.name != "id"}
    assert captured == {name: text for name, (_, text) in COLUMNS.items()}

    project, revs, _ = write_chain(tmp_path / "proj", [a, b, c], [(0, 1), (1, 2)])
    text = "\n".join(p.read_text(encoding="utf-8") for p in project.migrations_dir.rglob("r0*.py"))
    assert "postgresql.BIT(" in text and "sa.CHAR(" in text and "sa.REAL()" in text
    assert "DOMAIN('bit" not in text and "DOMAIN('character" not in text

    from planner.runtime import upgrade

    reset_database(pg_db)
    run_script(pg_db, A_SQL)
    upgrade(project, revs[0], url=pg_db)
    assert _format_types(pg_db) == want_b
    upgrade(project, revs[1], url=pg_db)
    assert _format_types(pg_db) == want_c
