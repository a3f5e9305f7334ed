"""Data steps on real databases (issue 15): users' rows loaded at the old release arrive
through the upgrade, running the upgrade's steps again changes nothing, and the
downgrade brings them back.

Cases: a column's values moved into a new table; a column split in two (SQL per
dialect); a type change whose values a step converts through a new column.
"""

from __future__ import annotations

import dataclasses
import textwrap

import pytest
import sqlalchemy as sa

from planner.ops.steps import RunDataStep
from planner.plan import make_plan
from planner.revisions.emit import render_body
from planner.revisions.generation import generate
from planner.state.yamlio import load_snapshot_text
from tests.revisions.conftest import downgrade, make_project, upgrade

MOVE_1 = """
snapshot: 1
release: "1.0.0"
tables:
  users:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
      phone: {type: String(40)}
"""

MOVE_2 = """
snapshot: 1
release: "2.0.0"
tables:
  users:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
  phones:
    columns:
      id: {type: Integer, primary_key: true}
      user_id: {type: Integer, nullable: false}
      number: {type: String(40), nullable: false}
    foreign_keys:
      fk_phones_user_id_users: {columns: [user_id], references: {table: users, columns: [id]}}
steps:
- name: move_phones
  reads: [users.id, users.phone]
  writes: [phones.user_id, phones.number]
  sql: INSERT INTO phones (user_id, number) SELECT id, phone FROM users WHERE phone IS NOT NULL
  guard: >-
    SELECT 1 FROM users u WHERE u.phone IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM phones p WHERE p.user_id = u.id)
  downgrade: UPDATE users SET phone = (SELECT number FROM phones p WHERE p.user_id = users.id)
"""

SPLIT_1 = """
snapshot: 1
release: "1.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      full_name: {type: String(80), nullable: false}
"""

SPLIT_2 = """
snapshot: 1
release: "2.0.0"
tables:
  people:
    columns:
      id: {type: Integer, primary_key: true}
      first_name: {type: String(40), nullable: false}
      last_name: {type: String(40), nullable: false}
steps:
- name: split_full_name
  reads: [people.full_name]
  writes: [people.first_name, people.last_name]
  sql:
    postgresql: >-
      UPDATE people SET first_name = split_part(full_name, ' ', 1),
      last_name = substr(full_name, strpos(full_name, ' ') + 1) WHERE first_name IS NULL
    mysql: >-
      UPDATE people SET first_name = SUBSTRING_INDEX(full_name, ' ', 1),
      last_name = SUBSTRING(full_name, LOCATE(' ', full_name) + 1) WHERE first_name IS NULL
    sqlite: >-
      UPDATE people SET first_name = substr(full_name, 1, instr(full_name, ' ') - 1),
      last_name = substr(full_name, instr(full_name, ' ') + 1) WHERE first_name IS NULL
  guard: SELECT 1 FROM people WHERE first_name IS NULL OR last_name IS NULL
  downgrade:
    postgresql: UPDATE people SET full_name = first_name || ' ' || last_name
    mysql: UPDATE people SET full_name = CONCAT(first_name, ' ', last_name)
    sqlite: UPDATE people SET full_name = first_name || ' ' || last_name
"""

# a type change with a conversion: prices kept as text ('12.50 EUR') become cents
CONVERT_1 = """
snapshot: 1
release: "1.0.0"
tables:
  items:
    columns:
      id: {type: Integer, primary_key: true}
      price: {type: String(20), nullable: false}
"""

CONVERT_2 = """
snapshot: 1
release: "2.0.0"
tables:
  items:
    columns:
      id: {type: Integer, primary_key: true}
      price_cents: {type: Integer, nullable: false}
steps:
- name: price_to_cents
  reads: [items.price]
  writes: [items.price_cents]
  sql:
    postgresql: >-
      UPDATE items SET price_cents = CAST(ROUND(CAST(split_part(price, ' ', 1) AS numeric) * 100)
      AS integer) WHERE price_cents IS NULL
    mysql: >-
      UPDATE items SET price_cents = CAST(ROUND(CAST(SUBSTRING_INDEX(price, ' ', 1) AS DECIMAL(10, 2))
      * 100) AS SIGNED) WHERE price_cents IS NULL
    sqlite: >-
      UPDATE items SET price_cents = CAST(ROUND(CAST(substr(price, 1, instr(price, ' ') - 1) AS REAL)
      * 100) AS INTEGER) WHERE price_cents IS NULL
  guard: SELECT 1 FROM items WHERE price_cents IS NULL
  downgrade:
    postgresql: UPDATE items SET price = CAST(CAST(price_cents / 100.0 AS numeric(10, 2)) AS text) || ' EUR'
    mysql: UPDATE items SET price = CONCAT(CAST(price_cents / 100 AS DECIMAL(10, 2)), ' EUR')
    sqlite: UPDATE items SET price = printf('%.2f EUR', price_cents / 100.0)
"""


def _snaps(*texts: str):
    return [load_snapshot_text(t, f"{i + 1}.0.0.yaml") for i, t in enumerate(texts)]


def _chain(tmp_path, old, new):
    project = make_project(tmp_path / "proj", [old, new])
    one = generate(project, "empty", old.release).revision
    two = generate(project, old.release, new.release, allow_destructive=True).revision
    return project, one, two


def _exec(url: str, *statements: str) -> None:
    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            for s in statements:
                conn.execute(sa.text(s))
    finally:
        eng.dispose()


def _rows(url: str, sql: str) -> list[tuple]:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        eng.dispose()


def _upgrade_running_steps_twice(url: str, old, new, rev: str) -> None:
    """Upgrade ``old`` -> ``new`` with the revision's body as dbplan renders it, except
    that each data step runs twice in a row; then record ``rev`` as applied."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    plan = make_plan(old, new)
    ops = []
    for o in plan.ops:
        ops += [o, o] if isinstance(o, RunDataStep) else [o]
    assert len(ops) > len(plan.ops)
    code = textwrap.dedent("    " + render_body(dataclasses.replace(plan, ops=tuple(ops))))
    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            op = Operations(MigrationContext.configure(conn))
            exec(compile(code, "<upgrade>", "exec"), {"op": op, "sa": sa})  # noqa: S102
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": rev})
    finally:
        eng.dispose()


def _case(db_url, tmp_path, texts, load, check, back):
    """Load users' rows at release 1, upgrade, check; downgrade, check the rows are back;
    upgrade again running every data step twice: the same result."""
    old, new = _snaps(*texts)
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    _exec(db_url, *load)
    upgrade(project, db_url, two)
    check()
    downgrade(project, db_url, one)
    back()
    _upgrade_running_steps_twice(db_url, old, new, two)
    check()


def test_values_move_into_a_new_table_and_back(db_url, tmp_path):
    def check():
        moved = "SELECT user_id, number FROM phones ORDER BY user_id"
        assert _rows(db_url, moved) == [(1, "555-1"), (3, "555-3")]
        users = "SELECT id, name FROM users ORDER BY id"
        assert _rows(db_url, users) == [(1, "ann"), (2, "bob"), (3, "cy")]

    def back():
        assert _rows(db_url, "SELECT id, name, phone FROM users ORDER BY id") == [
            (1, "ann", "555-1"),
            (2, "bob", None),
            (3, "cy", "555-3"),
        ]

    load = (
        "INSERT INTO users (id, name, phone) VALUES (1, 'ann', '555-1')",
        "INSERT INTO users (id, name, phone) VALUES (2, 'bob', NULL)",
        "INSERT INTO users (id, name, phone) VALUES (3, 'cy', '555-3')",
    )
    _case(db_url, tmp_path, (MOVE_1, MOVE_2), load, check, back)


def test_a_column_split_in_two_per_dialect(db_url, tmp_path):
    def check():
        split = "SELECT id, first_name, last_name FROM people ORDER BY id"
        assert _rows(db_url, split) == [(1, "Ada", "Lovelace"), (2, "Alan", "Turing")]

    def back():
        assert _rows(db_url, "SELECT id, full_name FROM people ORDER BY id") == [
            (1, "Ada Lovelace"),
            (2, "Alan Turing"),
        ]

    load = (
        "INSERT INTO people (id, full_name) VALUES (1, 'Ada Lovelace')",
        "INSERT INTO people (id, full_name) VALUES (2, 'Alan Turing')",
    )
    _case(db_url, tmp_path, (SPLIT_1, SPLIT_2), load, check, back)


def test_a_type_converted_by_a_step(db_url, tmp_path):
    def check():
        cents = "SELECT id, price_cents FROM items ORDER BY id"
        assert _rows(db_url, cents) == [(1, 1250), (2, 99)]

    def back():
        prices = "SELECT id, price FROM items ORDER BY id"
        assert _rows(db_url, prices) == [(1, "12.50 EUR"), (2, "0.99 EUR")]

    load = (
        "INSERT INTO items (id, price) VALUES (1, '12.50 EUR')",
        "INSERT INTO items (id, price) VALUES (2, '0.99 EUR')",
    )
    _case(db_url, tmp_path, (CONVERT_1, CONVERT_2), load, check, back)


def test_a_step_without_downgrade_refuses_the_downgrade_first(db_url, tmp_path):
    text = MOVE_2[: MOVE_2.index("  downgrade:")] + "  downgrade: none\n"
    old, new = _snaps(MOVE_1, text)
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    _exec(db_url, "INSERT INTO users (id, name, phone) VALUES (1, 'ann', '555-1')")
    upgrade(project, db_url, two)
    with pytest.raises(Exception, match="data step move_phones of this revision has no downgrade"):
        downgrade(project, db_url, one)
    # nothing changed: the phones are there, the users' column is not back
    assert _rows(db_url, "SELECT user_id, number FROM phones") == [(1, "555-1")]
    assert _rows(db_url, "SELECT * FROM users") == [(1, "ann")]


def test_a_guard_left_with_work_stops_naming_the_step(db_url, tmp_path):
    text = MOVE_2.replace("WHERE phone IS NOT NULL\n", "WHERE phone IS NOT NULL AND id < 3\n")
    old, new = _snaps(MOVE_1, text)
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    _exec(
        db_url,
        "INSERT INTO users (id, name, phone) VALUES (1, 'ann', '555-1')",
        "INSERT INTO users (id, name, phone) VALUES (3, 'cy', '555-3')",
    )
    with pytest.raises(Exception, match="data step move_phones left work behind"):
        upgrade(project, db_url, two)
    # the column the step reads is still there: the contract never ran
    assert _rows(db_url, "SELECT id, phone FROM users ORDER BY id") == [(1, "555-1"), (3, "555-3")]


ENUM_1 = """
snapshot: 1
release: "1.0.0"
enums:
  level: [info, warn, error]
tables:
  events:
    columns:
      id: {type: Integer, primary_key: true}
      level: {type: Enum(level), nullable: false}
"""

ENUM_2 = """
snapshot: 1
release: "2.0.0"
enums:
  level:
    values: [info, warning, error]
    renamed_values: {warn: warning}
tables:
  events:
    columns:
      id: {type: Integer, primary_key: true}
      level: {type: Enum(level), nullable: false}
"""


def test_enum_values_renamed_keep_the_rows(db_url, tmp_path):
    from planner.runtime.verify import compare_snapshots
    from planner.state.capture import capture_for

    old, new = _snaps(ENUM_1, ENUM_2)
    project, one, two = _chain(tmp_path, old, new)
    text = next((project.migrations_dir / "versions").glob(f"{two}_*.py")).read_text("utf-8")
    assert "RENAME VALUE \\'warn\\' TO \\'warning\\'" in text
    upgrade(project, db_url, one)
    _exec(
        db_url,
        "INSERT INTO events (id, level) VALUES (1, 'info')",
        "INSERT INTO events (id, level) VALUES (2, 'warn')",
        "INSERT INTO events (id, level) VALUES (3, 'error')",
    )
    upgrade(project, db_url, two)
    got = "SELECT id, level FROM events ORDER BY id"
    assert _rows(db_url, got) == [(1, "info"), (2, "warning"), (3, "error")]
    assert compare_snapshots(capture_for(db_url, new), new) == []
    downgrade(project, db_url, one)
    assert _rows(db_url, got) == [(1, "info"), (2, "warn"), (3, "error")]
    assert compare_snapshots(capture_for(db_url, old), old) == []


USING_2 = """
snapshot: 1
release: "2.0.0"
tables:
  items:
    columns:
      id: {type: Integer, primary_key: true}
      price:
        type: Numeric(10, 2)
        nullable: false
        using:
          postgresql: CAST(split_part(price, ' ', 2) AS numeric(10, 2))
          mysql: SUBSTRING_INDEX(price, ' ', -1)
          sqlite: substr(price, instr(price, ' ') + 1)
"""


def test_a_type_change_with_a_declared_conversion(db_url, tmp_path):
    """'EUR 12.50' -> 12.50: no database's own cast gets there (SQLite's gives 0)."""
    from decimal import Decimal

    old, new = _snaps(CONVERT_1, USING_2)
    plan = make_plan(old, new)
    assert plan.describe()[0].startswith(
        "Alter column items.price type String(20) -> Numeric(10, 2) using postgresql: CAST("
    )
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    _exec(
        db_url,
        "INSERT INTO items (id, price) VALUES (1, 'EUR 12.50')",
        "INSERT INTO items (id, price) VALUES (2, 'EUR 0.25')",
    )
    upgrade(project, db_url, two)
    got = _rows(db_url, "SELECT id, price FROM items ORDER BY id")
    assert got == [(1, Decimal("12.50")), (2, Decimal("0.25"))]
    downgrade(project, db_url, one)
    back = _rows(db_url, "SELECT id, price FROM items ORDER BY id")
    assert [(i, p.rstrip("0")) for i, p in back] == [(1, "12.5"), (2, "0.25")]


FILL_1 = """
snapshot: 1
release: "1.0.0"
tables:
  users:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
"""

FILL_2 = """
snapshot: 1
release: "2.0.0"
tables:
  users:
    columns:
      id: {type: Integer, primary_key: true}
      name: {type: String(40), nullable: false}
      code: {type: String(40), nullable: false, backfill: upper(name)}
      slug:
        type: String(60)
        nullable: false
        backfill:
          postgresql: name || '-' || CAST(id AS text)
          mysql: CONCAT(name, '-', id)
          sqlite: name || '-' || id
"""


def test_backfills_are_expressions_over_the_rows_own_columns(db_url, tmp_path):
    old, new = _snaps(FILL_1, FILL_2)
    assert new.table("users").column("slug").backfill_dialects[1] == (
        "mysql",
        "CONCAT(name, '-', id)",
    )
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, db_url, one)
    _exec(
        db_url,
        "INSERT INTO users (id, name) VALUES (1, 'ann')",
        "INSERT INTO users (id, name) VALUES (2, 'bob')",
    )
    upgrade(project, db_url, two)
    assert _rows(db_url, "SELECT id, code, slug FROM users ORDER BY id") == [
        (1, "ANN", "ann-1"),
        (2, "BOB", "bob-2"),
    ]


def test_a_target_without_sql_for_the_step_stops_with_a_message(sqlite_db, tmp_path):
    text = MOVE_2.replace("  sql: INSERT INTO phones", "  sql:\n    postgresql: INSERT INTO phones")
    old, new = _snaps(MOVE_1, text)
    project, one, two = _chain(tmp_path, old, new)
    upgrade(project, sqlite_db, one)
    with pytest.raises(RuntimeError, match="data step move_phones has no SQL for sqlite"):
        upgrade(project, sqlite_db, two)
    assert _rows(sqlite_db, "SELECT id, phone FROM users") == []
