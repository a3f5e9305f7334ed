"""Comments on PostgreSQL functions, procedures and triggers (``routines[].comment``):
loaded and written back, refused where the dialect has none (file:line:column), written
into revisions as safe SQL string literals, and compared by drift and verify."""

from __future__ import annotations

import dataclasses

import pytest

from planner.revisions.generation import render_revision
from planner.state.errors import SnapshotError
from planner.state.yamlio import dump_snapshot, load_snapshot_text
from tests.dbcases import capture_differences
from tests.objects.corpus import build, run_script

HEAD = "snapshot: 1\nrelease: 1.0.0\ntables:\n  t:\n    columns:\n      id: {type: Integer}\n"
FN = "CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$"
NASTY = [
    "it's",
    'say "hi"',
    "back\\slash \\n \\'",
    "two\nlines\n",
    "100% %(x)s :bind",
    "'''triple''' \"\"\"quotes\"\"\"",
    "yes",
    "  padded  ",
]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            f"- {{kind: function, name: f(), comment: 5, definition: '{FN}'}}",
            "8:40: routines[0].comment: expected a comment (a string), found integer 5",
        ),
        (
            "- {kind: function, name: f, dialect: mysql, comment: c, "
            "definition: 'CREATE FUNCTION f() RETURNS int RETURN 1'}",
            "8:54: routines[0].comment: function 'f': a MariaDB/MySQL function has no comment",
        ),
    ],
)
def test_a_bad_comment_names_file_line_and_column(entry, problem):
    with pytest.raises(SnapshotError) as e:
        load_snapshot_text(HEAD + "routines:\n" + entry + "\n", "1.0.0.yaml")
    assert any(f"1.0.0.yaml:{problem}" in str(p) for p in e.value.problems), str(e.value)


@pytest.mark.parametrize("comment", NASTY)
def test_a_comment_round_trips_and_renders_as_valid_python(comment):
    text = HEAD + f"routines:\n- {{kind: function, name: f(), definition: '{FN}'}}\n"
    bare = load_snapshot_text(text, "1.0.0.yaml")
    with_comment = dataclasses.replace(
        bare, routines=(dataclasses.replace(bare.routines[0], comment=comment),)
    )
    dumped = dump_snapshot(with_comment)
    assert load_snapshot_text(dumped, "1.0.0.yaml") == with_comment
    r = render_revision(bare, with_comment, from_release="1", to_release="2", rev_id="x")
    for body in (r.upgrades, r.downgrades):
        compile("def f():\n" + body + "\n", "<revision>", "exec")
    assert "COMMENT ON FUNCTION" in r.upgrades
    assert "IS NULL" in r.downgrades


def test_each_nasty_comment_reaches_the_database_as_written(pg_db, tmp_path):
    """Generate, apply, capture: the comment PostgreSQL holds is the snapshot's."""
    from planner.runtime import upgrade
    from tests.dbcases import write_chain

    a = build(pg_db, "CREATE TABLE t (id int PRIMARY KEY)\n\n" + FN, "1.0.0")
    fn = a.routines[0]
    b = dataclasses.replace(
        a,
        release="2.0.0",
        routines=(dataclasses.replace(fn, comment="\n".join(NASTY)),),
    )
    project, revs, _ = write_chain(tmp_path / "proj", [a, b], [(0, 1)])
    upgrade(project, revs[0], url=pg_db)
    assert capture_differences(pg_db, b) == []
    assert capture_differences(pg_db, a) == [
        f"function f(): comment {chr(10).join(NASTY)!r} in the database, None in the snapshot"
    ]


def test_drift_names_a_trigger_comment_changed_by_hand(pg_db):
    script = (
        "CREATE TABLE t (id int PRIMARY KEY, n int)\n\n"
        "CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN NEW.n := 1; RETURN NEW; END $$\n\n"
        "CREATE TRIGGER t_bump BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION bump()\n\n"
        "COMMENT ON TRIGGER t_bump ON t IS 'bumps'"
    )
    s = build(pg_db, script, "1.0.0")
    trigger = next(r for r in s.routines if r.kind == "trigger")
    assert trigger.comment == "bumps"
    assert not any(u.kind == "comment" for u in s.unmanaged)
    run_script(pg_db, "COMMENT ON TRIGGER t_bump ON t IS 'other'")
    assert capture_differences(pg_db, s) == [
        "trigger t_bump on t: comment 'other' in the database, 'bumps' in the snapshot"
    ]
