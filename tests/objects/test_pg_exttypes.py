"""Types whose modifiers only the type reads, on a real server: PostGIS's
``geometry(Point,4326)`` (also as an array item and under a domain) and the internal
``"char"``. A capture keeps each as ``postgresql.TYPE(<format_type>)``; the generated
chain (which creates PostGIS before the domain and the columns using it) and
``dbplan setup``'s direct build re-create the very same types (``format_type()`` equal to
the original's), also when they change. The corpus (``scenarios/postgresql/postgis_*``,
``internal_char_*``) compares captures; this compares with the catalog itself.

PostGIS is a package of its own (``scripts/pg-extensions.sh``): without it the PostGIS
test skips, or fails under ``DBPLAN_REQUIRE_DBS=1``."""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa

from tests.dbcases import reset_database
from tests.objects.corpus import build, run_script, write_chain
from tests.objects.test_pg_typmods import A_SQL, _table_sql
from tests.objects.test_pg_typmods import _format_types as _column_types

#: column -> (SQL type, the captured type text)
POSTGIS = {
    "g": ("geometry(Point,4326)", "postgresql.TYPE(geometry(Point,4326))"),
    "z": ("geometry(POINTZ, 3857)", "postgresql.TYPE(geometry(PointZ,3857))"),
    "w": ("geography(LineString)", "postgresql.TYPE(geography(LineString,4326))"),
    "h": ("geometry", "postgresql.TYPE(geometry)"),
    "ga": ("geometry(Point,4326)[]", "postgresql.ARRAY(postgresql.TYPE(geometry(Point,4326)))"),
    "p": ("place", "postgresql.TYPE(place)"),
    "c": ('"char"', 'postgresql.TYPE("char")'),
}
#: the changes of the second step: column -> new SQL type
POSTGIS_CHANGED = {
    "g": "geometry(Point,3857)",
    "z": "geometry(Polygon)",
    "h": "geometry(MultiPoint,4326)",
    "ga": "geometry(MultiPoint,4326)[]",
    "c": "char(1)",
}
DOMAIN = "CREATE DOMAIN place AS geometry(Point, 4326)"

CHAR = {
    "c": ('"char"', 'postgresql.TYPE("char")'),
    "cs": ('"char"[]', 'postgresql.ARRAY(postgresql.TYPE("char"))'),
    "d": ("char(1)", "postgresql.TYPE(character(1))"),
}
CHAR_CHANGED = {"c": "text", "cs": "char(2)[]", "d": '"char"'}


def _format_types(url: str) -> dict[str, str]:
    """``format_type()`` of each column of ``t`` and of each domain's base type."""
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            domains = c.execute(
                sa.text(
                    "SELECT 'domain ' || typname, format_type(typbasetype, typtypmod) "
                    "FROM pg_type WHERE typtype = 'd' AND typnamespace = 'public'::regnamespace"
                )
            ).all()
    finally:
        eng.dispose()
    return {**_column_types(url), **dict(domains)}


def _check_chain(url, tmp_path, steps, columns, *, prelude="", unmanaged=()):
    """Build each script of ``steps`` (the first is A), capture it, and check that the
    chain A -> B -> ... upgraded from A gives each built database's types, and that the
    direct build of each capture (after ``prelude``: what no snapshot holds, the kinds
    ``unmanaged`` lists) does too."""
    from planner.runtime import upgrade
    from planner.state.build import create_from_snapshot

    snapshots, want = [], []
    with warnings.catch_warnings():  # SQLAlchemy does not know geometry: it says so
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        for i, script in enumerate(steps):
            snapshots.append(build(url, script, f"{i + 1}.0.0"))
            want.append(_format_types(url))
    # PostGIS's own table (spatial_ref_sys) and its view's rules come with the extension
    assert [t.name for t in snapshots[1].tables] == ["t"]
    assert {u.kind for u in snapshots[1].unmanaged} == set(unmanaged)
    captured = {c.name: c.type for c in snapshots[1].tables[0].columns if c.name != "id"}
    assert captured == {name: text for name, (_, text) in columns.items()}

    pairs = [(i, i + 1) for i in range(len(steps) - 1)]
    project, revs, _ = write_chain(tmp_path / "proj", snapshots, pairs)
    reset_database(url)
    run_script(url, steps[0])
    for rev, expected in zip(revs, want[1:], strict=True):
        upgrade(project, rev, url=url)
        assert _format_types(url) == expected
    for snapshot, expected in zip(snapshots[1:], want[1:], strict=True):
        reset_database(url)
        if prelude:
            run_script(url, prelude)
        eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            create_from_snapshot(eng, snapshot)
        finally:
            eng.dispose()
        assert _format_types(url) == expected
    return project


@pytest.mark.pg
def test_postgis_types_are_captured_and_recreated_exactly(postgis_db, tmp_path):
    b_sql = "\n\n".join(
        [
            "CREATE EXTENSION postgis",
            DOMAIN,
            _table_sql({name: ty for name, (ty, _) in POSTGIS.items()}),
        ]
    )
    changed = {name: POSTGIS_CHANGED.get(name, ty) for name, (ty, _) in POSTGIS.items()}
    c_sql = "\n\n".join(["CREATE EXTENSION postgis", DOMAIN, _table_sql(changed)])
    project = _check_chain(postgis_db, tmp_path, [A_SQL, b_sql, c_sql], POSTGIS)
    text = "\n".join(p.read_text(encoding="utf-8") for p in project.migrations_dir.rglob("r0*.py"))
    assert "DOMAIN('geometry(Point,4326)', sa.Text(), create_type=False, quote=False)" in text
    first = next(
        p for p in project.migrations_dir.rglob("r0*.py") if "CREATE EXTENSION" in p.read_text()
    )
    up = first.read_text(encoding="utf-8").partition("def downgrade")[0]
    assert up.index("CREATE EXTENSION") < up.index("CREATE DOMAIN") < up.index("'geometry(")


@pytest.mark.pg
def test_internal_char_is_captured_and_recreated_exactly(pg_db, tmp_path):
    b_sql = _table_sql({name: ty for name, (ty, _) in CHAR.items()})
    changed = {name: CHAR_CHANGED.get(name, ty) for name, (ty, _) in CHAR.items()}
    _check_chain(pg_db, tmp_path, [A_SQL, b_sql, _table_sql(changed)], CHAR)


#: a base type taking a modifier, as pgvector's vector(3), made without C code: the
#: server's own varchar functions under other names (LANGUAGE internal)
VEC = "\n\n".join(
    [
        "CREATE TYPE vec",
        "CREATE FUNCTION vec_in(cstring, oid, integer) RETURNS vec AS 'varcharin' "
        "LANGUAGE internal IMMUTABLE STRICT",
        "CREATE FUNCTION vec_out(vec) RETURNS cstring AS 'varcharout' "
        "LANGUAGE internal IMMUTABLE STRICT",
        "CREATE FUNCTION vec_typmod_in(cstring[]) RETURNS integer AS 'varchartypmodin' "
        "LANGUAGE internal IMMUTABLE STRICT",
        "CREATE FUNCTION vec_typmod_out(integer) RETURNS cstring AS 'varchartypmodout' "
        "LANGUAGE internal IMMUTABLE STRICT",
        "CREATE TYPE vec (INPUT = vec_in, OUTPUT = vec_out, TYPMOD_IN = vec_typmod_in, "
        "TYPMOD_OUT = vec_typmod_out, LIKE = text)",
    ]
)
VECTOR = {
    "v": ("vec(3)", "postgresql.TYPE(vec(3))"),
    "va": ("vec(5)[]", "postgresql.ARRAY(postgresql.TYPE(vec(5)))"),
}


@pytest.mark.pg
def test_a_type_of_its_own_with_a_modifier_like_vector_3(pg_db, tmp_path):
    b_sql = _table_sql({name: ty for name, (ty, _) in VECTOR.items()})
    c_sql = _table_sql({"v": "vec(8)", "va": "vec(5)[]"})
    steps = [f"{VEC}\n\n{sql}" for sql in (A_SQL, b_sql, c_sql)]
    _check_chain(pg_db, tmp_path, steps, VECTOR, prelude=VEC, unmanaged=("type", "function"))


@pytest.mark.pg
def test_drift_finds_nothing_between_a_hand_written_type_and_the_capture(postgis_db):
    from planner.state.shape import load_snapshot_text
    from tests.dbcases import capture_differences

    run_script(
        postgis_db,
        "CREATE EXTENSION postgis\n\n"
        'CREATE TABLE t (id integer PRIMARY KEY, g geometry(Point,4326), c "char")',
    )
    version = _extension_version(postgis_db)
    hand = load_snapshot_text(
        f"""\
snapshot: 1
release: "1"
extensions:
  postgis: {{version: "{version}"}}
tables:
  t:
    columns:
      id: {{type: Integer, primary_key: true, autoincrement: false}}
      g: {{type: "postgresql.TYPE(geometry(POINT, 4326))"}}
      c: {{type: 'postgresql.TYPE("char")'}}
""",
        "1.yaml",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        found = capture_differences(postgis_db, hand)
    assert found == [], found


def _extension_version(url: str) -> str:
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with eng.connect() as c:
            return c.execute(
                sa.text("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
            ).scalar_one()
    finally:
        eng.dispose()
