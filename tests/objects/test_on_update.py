"""MariaDB/MySQL ``ON UPDATE`` (``on_update:``) beyond the corpus's loop: validation,
the YAML and SQLAlchemy model round trips, and drift naming one changed by hand."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from planner.runtime.verify import compare_snapshots
from planner.state.capture import capture_for, from_database, normalise_for
from planner.state.capture_models import from_metadata, to_metadata
from planner.state.errors import SnapshotError
from planner.state.session import LoadSession
from planner.state.shape import load_snapshot_text
from planner.state.writer import dump_snapshot
from tests.objects.corpus import run_script

GOOD = """\
snapshot: 1
release: "1"
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      at: {type: DateTime, nullable: false, server_default: CURRENT_TIMESTAMP, on_update: CURRENT_TIMESTAMP}
      seen: {type: DateTime, on_update: CURRENT_TIMESTAMP}
"""

BAD = """\
snapshot: 1
release: "1"
tables:
  t:
    columns:
      id: {type: Integer, primary_key: true}
      at: {type: DateTime, nullable: false, on_update: CURRENT_TIMESTAMP}
      bad: {type: DateTime, on_update: "now(); DROP TABLE t"}
"""


def test_the_key_round_trips_through_yaml_and_models():
    s = load_snapshot_text(GOOD, "1.yaml")
    at = s.table("t").column("at")
    assert (at.server_default, at.on_update) == ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP")
    assert s.table("t").column("seen").server_default is None
    assert load_snapshot_text(dump_snapshot(s), "1.yaml") == s
    # SQLAlchemy's idiom: one server default text, which a model capture splits
    md = to_metadata(s)
    text = md.tables["t"].c.at.server_default.arg.text
    assert text == "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"
    assert md.tables["t"].c.seen.server_default.arg.text == "NULL ON UPDATE CURRENT_TIMESTAMP"
    back = from_metadata(md, release="1")
    assert back.table("t").column("at") == at
    assert back.table("t").column("seen") == s.table("t").column("seen")


def test_validation_refuses_other_targets_and_a_bare_not_null_column():
    def problems(targets):
        with pytest.raises(SnapshotError) as e:
            load_snapshot_text(BAD, "1.yaml", session=LoadSession(targets=targets))
        return str(e.value).splitlines()

    got = problems(("mysql",))
    assert got[0].startswith("1.yaml:7:") and "tables.t.columns.at.on_update" in got[0]
    assert "NOT NULL without a server_default" in got[0]
    assert any(p.startswith("1.yaml:8:") and "on_update" in p for p in got[1:]), got
    mixed = problems(("mysql", "postgresql"))
    assert sum("on_update (ON UPDATE) is MariaDB/MySQL's, and the project targets "
               "PostgreSQL" in p for p in mixed) == 2  # fmt: skip
    with pytest.raises(SnapshotError, match="targets SQLite"):
        load_snapshot_text(GOOD, "1.yaml", session=LoadSession(targets=("sqlite",)))


@pytest.mark.mysql
def test_capture_splits_the_default_and_drift_names_a_change(mysql_db):
    run_script(
        mysql_db,
        "CREATE TABLE t (id int PRIMARY KEY,\n"
        "  u timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
        "  d datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n"
        "  m datetime NULL ON UPDATE CURRENT_TIMESTAMP,\n"
        "  q datetime NOT NULL DEFAULT '2000-01-01 00:00:00' ON UPDATE CURRENT_TIMESTAMP)",
    )
    s = from_database(mysql_db, release="1")
    t = s.table("t")
    got = {c.name: (c.server_default, c.on_update) for c in t.columns if c.name != "id"}
    assert got == {
        "u": ("now()", "now()"),
        "d": ("now()", "now()"),
        "m": (None, "now()"),
        "q": ("'2000-01-01 00:00:00'", "now()"),
    }
    assert (
        compare_snapshots(capture_for(mysql_db, s), normalise_for(s, "mysql"), dialect="mysql")
        == []
    )
    # a hand-written spelling means the same; none differs
    u = dataclasses.replace(t.column("u"), server_default=None, on_update=None)
    s1 = s.replace_table(dataclasses.replace(t, columns=(t.columns[0], u, *t.columns[2:])))
    diffs = compare_snapshots(
        capture_for(mysql_db, s1), normalise_for(s1, "mysql"), dialect="mysql"
    )
    assert "t.u: on update now(), snapshot says none" in diffs, diffs
    with sa.create_engine(mysql_db).begin() as c:
        c.exec_driver_sql("ALTER TABLE t MODIFY m datetime NULL")
    diffs = compare_snapshots(capture_for(mysql_db, s), normalise_for(s, "mysql"), dialect="mysql")
    assert diffs == ["t.m: on update none, snapshot says now()"]
