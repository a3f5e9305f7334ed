"""MariaDB column types no canonical type creates exactly (``bit(3)``, ``char(2)``,
``float``, ``datetime(3)``, ``timestamp``, ``int(10) unsigned``, ``year(4)``,
``mediumtext``, ``binary(4)`` …): a capture keeps each as ``mysql.TYPE(<COLUMN_TYPE>)``,
and ``dbplan setup`` of the snapshot and a generated revision re-create the very same
type (``information_schema.COLUMNS.COLUMN_TYPE`` equal to the original's), also when it
changes; a type dbplan cannot re-create is refused naming the column and the type; and
the comparison (``drift``/``verify``) sees a COLUMN_TYPE changed underneath. The corpus
(``scenarios/mysql/column_type_*``) compares captures; this compares with the catalog
itself, so a capture that loses the same thing on both sides fails here."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import create_database, drop_database
from tests.dbcases import capture_differences, reset_database
from tests.objects.corpus import build, run_script, write_chain

pytestmark = pytest.mark.mysql

#: column -> (SQL type, the captured type text)
COLUMNS = {
    "bt": ("bit(5)", "mysql.TYPE(bit(5))"),
    "bt1": ("bit", "mysql.TYPE(bit(1))"),
    "c": ("char(3)", "mysql.TYPE(char(3))"),
    "vc": ("varchar(20)", "String(20)"),
    "f": ("float", "mysql.TYPE(float)"),
    "fms": ("float(7,3)", "mysql.TYPE(float(7,3))"),
    "d": ("double", "Float"),
    "dms": ("double(10,4)", "mysql.TYPE(double(10,4))"),
    "dt": ("datetime", "mysql.TYPE(datetime)"),
    "dt3": ("datetime(3)", "mysql.TYPE(datetime(3))"),
    "dt6": ("datetime(6)", "DateTime"),
    "tm": ("time", "mysql.TYPE(time)"),
    "tm2": ("time(2)", "mysql.TYPE(time(2))"),
    "ts": ("timestamp NULL", "mysql.TYPE(timestamp)"),
    "ts4": ("timestamp(4) NULL", "mysql.TYPE(timestamp(4))"),
    "b": ("boolean", "Boolean"),
    "ti": ("tinyint", "mysql.TYPE(tinyint(4))"),
    "tiu": ("tinyint unsigned", "mysql.TYPE(tinyint(3) unsigned)"),
    "si": ("smallint", "SmallInteger"),
    "mi": ("mediumint", "mysql.TYPE(mediumint(9))"),
    "i": ("int", "Integer"),
    "i5": ("int(5)", "mysql.TYPE(int(5))"),
    "iu": ("int unsigned", "mysql.TYPE(int(10) unsigned)"),
    "izf": ("int(5) zerofill", "mysql.TYPE(int(5) unsigned zerofill)"),
    "biu": ("bigint unsigned", "mysql.TYPE(bigint(20) unsigned)"),
    "y": ("year", "mysql.TYPE(year(4))"),
    "dc": ("decimal(5,2)", "Numeric(5, 2)"),
    "dcu": ("decimal(6,2) unsigned", "mysql.TYPE(decimal(6,2) unsigned)"),
    "tt": ("tinytext", "mysql.TYPE(tinytext)"),
    "tx": ("text", "Text"),
    "mt": ("mediumtext", "mysql.TYPE(mediumtext)"),
    "lt": ("longtext", "mysql.TYPE(longtext)"),
    "bin": ("binary(4)", "mysql.TYPE(binary(4))"),
    "vb": ("varbinary(10)", "mysql.TYPE(varbinary(10))"),
    "tb": ("tinyblob", "mysql.TYPE(tinyblob)"),
    "bl": ("blob", "LargeBinary"),
    "mb": ("mediumblob", "mysql.TYPE(mediumblob)"),
    "lb": ("longblob", "mysql.TYPE(longblob)"),
    "e": ("enum('a','b')", "Enum(t_e)"),
    "j": ("json", "JSON"),
}
#: the changes of the second step: column -> new SQL type
CHANGED = {
    "bt": "bit(8)",
    "c": "varchar(3)",
    "f": "double",
    "dt3": "datetime(6)",
    "dt6": "datetime(3)",
    "tm2": "time(0)",
    "ts4": "timestamp(6) NULL",
    "iu": "bigint unsigned",
    "i": "int unsigned",
    "y": "smallint",
    "mt": "longtext",
    "vb": "varbinary(20)",
}

A_SQL = "CREATE TABLE t (id integer PRIMARY KEY)"


def _table_sql(types: dict[str, str]) -> str:
    cols = ", ".join(f"{name} {ty}" for name, ty in types.items())
    return f"CREATE TABLE t (id integer PRIMARY KEY, {cols})"


def _column_types(url: str) -> dict[str, str]:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            rows = c.execute(
                sa.text(
                    "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
                    "WHERE TABLE_SCHEMA = database() AND TABLE_NAME = 't'"
                )
            ).all()
    finally:
        eng.dispose()
    return {name: spelled for name, spelled in rows if name != "id"}


def test_capture_keeps_column_types_and_setup_and_revisions_recreate_them(
    mysql_db, mysql_server, tmp_path
):
    from planner.runtime import downgrade, setup, upgrade

    b_sql = _table_sql({name: ty for name, (ty, _) in COLUMNS.items()})
    changed = {name: CHANGED.get(name, ty) for name, (ty, _) in COLUMNS.items()}
    c_sql = _table_sql(changed)

    a = build(mysql_db, A_SQL, "1.0.0")
    c = build(mysql_db, c_sql, "3.0.0")
    want_c = _column_types(mysql_db)
    b = build(mysql_db, b_sql, "2.0.0")
    want_b = _column_types(mysql_db)

    captured = {col.name: col.type for col in b.tables[0].columns if col.name != "id"}
    assert captured == {name: text for name, (_, text) in COLUMNS.items()}

    project, revs, _ = write_chain(tmp_path / "proj", [a, b, c], [(0, 1), (1, 2)])
    text = "\n".join(p.read_text(encoding="utf-8") for p in project.migrations_dir.rglob("r0*.py"))
    assert "mysql.DATETIME(fsp=3)" in text and "mysql.BIT(length=5)" in text

    # dbplan setup of each snapshot (as written to the project) creates the same types
    fresh = create_database(mysql_server)
    try:
        setup(project, release="2.0.0", url=fresh, stamp_revision=False)
        assert _column_types(fresh) == want_b
        reset_database(fresh)
        setup(project, release="3.0.0", url=fresh, stamp_revision=False)
        assert _column_types(fresh) == want_c
    finally:
        drop_database(fresh)

    # and so do the revisions, both ways
    reset_database(mysql_db)
    run_script(mysql_db, A_SQL)
    upgrade(project, revs[0], url=mysql_db)
    assert _column_types(mysql_db) == want_b
    upgrade(project, revs[1], url=mysql_db)
    assert _column_types(mysql_db) == want_c
    downgrade(project, revs[0], url=mysql_db)
    assert _column_types(mysql_db) == want_b


@pytest.mark.parametrize(
    ("sql", "spelled"),
    [("set('x','y')", "set('x','y')"), ("inet6", "inet6"), ("uuid", "uuid")],
)
def test_a_type_dbplan_cannot_recreate_is_refused_by_name(mysql_db, sql, spelled):
    from planner.state.coltypes import TypeReflectionError

    with pytest.raises(TypeReflectionError, match=rf"t\.x: column type {re.escape(spelled)} "):
        build(mysql_db, f"CREATE TABLE t (id integer PRIMARY KEY, x {sql})", "1")


@pytest.mark.parametrize(
    ("column", "alter"),
    [
        ("dt3", "datetime(6)"),
        ("ts", "datetime NULL"),
        ("iu", "int"),
        ("c", "varchar(3)"),
        ("mt", "text"),
        ("f", "double"),
        ("i5", "int(6)"),
    ],
)
def test_the_comparison_sees_a_column_type_changed_underneath(mysql_db, column, alter):
    snap = build(mysql_db, _table_sql({n: ty for n, (ty, _) in COLUMNS.items()}), "1")
    assert capture_differences(mysql_db, snap) == []
    run_script(mysql_db, f"ALTER TABLE t MODIFY {column} {alter}")
    found = capture_differences(mysql_db, snap)
    assert found and all(f"t.{column}" in d for d in found), found
