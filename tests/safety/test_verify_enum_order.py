"""``dbplan verify`` never says "ok" about an enum's label order where the database does
not store it (issue 18 item 9: plain ``verify`` on SQLite accepted a revision creating the
labels in the wrong order). SQLite keeps an enum as a string: verify names what it could
not compare; PostgreSQL stores the order, and verify reports the wrong one there."""

from __future__ import annotations

import pytest

from tests.safety.helpers import REFERENCE, dbplan, generate_chain, new_project

RIGHT = "'info', 'warning', 'error'"
WRONG = "'error', 'warning', 'info'"


def _wrong_order_project(tmp_path):
    root = new_project(tmp_path / "p", files=REFERENCE[:1])
    (rev,) = generate_chain(root, ["0.1.0"])
    (path,) = (root / "migrations" / "versions").glob(f"{rev}_*.py")
    text = path.read_text(encoding="utf-8")
    assert RIGHT in text
    path.write_text(text.replace(RIGHT, WRONG), encoding="utf-8")
    return root


def test_sqlite_verify_says_it_cannot_see_the_label_order(tmp_path):
    root = _wrong_order_project(tmp_path)
    r = dbplan(root, "verify", check=False)
    assert r.returncode == 0, (r.stdout, r.stderr)
    last = r.stdout.splitlines()[-1]
    assert "not compared: the label order of enums building_kind, event_level" in last, last
    assert "SQLite stores an enum as a string" in last, last


@pytest.mark.pg
def test_postgresql_verify_reports_the_wrong_label_order(tmp_path, pg_server):
    root = _wrong_order_project(tmp_path)
    r = dbplan(root, "verify", "--url", pg_server, check=False)
    assert r.returncode == 3, (r.stdout, r.stderr)
    assert "enum event_level: values (error, warning, info), snapshot says" in r.stdout, r.stdout
    assert "not compared" not in r.stdout
