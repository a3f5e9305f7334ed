"""Attacks on ``dbplan generate`` and on the sync check of ``dbplan check`` (issue 18
items 8 and 11, issue 12 items 2 and 8): concurrent runs, hand-edited bodies, backwards
pairs, hostile ``--rev-id`` and ``-m`` values. Each case failed on the code before.

Revision files are dialect-independent text; the cases that read a database (the
``--replace`` guard) run on every dialect.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from planner.revisions import RevisionError, check_sync, generate, read_provenance
from planner.revisions.sync import body_digest
from tests.revisions.conftest import make_project, upgrade
from tests.revisions.test_generate import S1, S2, versions

DBPLAN = os.path.join(os.path.dirname(sys.executable), "dbplan")


def _run(project, *args, url=None, wait=True):
    env = {k: v for k, v in os.environ.items() if k != "SQLALCHEMY_DATABASE_URI"}
    if url:
        env["SQLALCHEMY_DATABASE_URI"] = url
    cmd = [DBPLAN, "-C", str(project.root), *args]
    if not wait:
        return subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def test_two_generates_at_once_write_one_revision(tmp_path):
    """Two runs at once: the old code let both pass the "id taken" test before either
    published, writing two files with one revision id (a slow post-write hook widens
    the window). Now the second waits for the lock, then finds the release has one."""
    project = make_project(tmp_path / "p", [S1])
    (project.root / "alembic.ini").write_text(
        "[alembic]\n[post_write_hooks]\nhooks = slow\nslow.type = exec\n"
        f"slow.executable = {sys.executable}\n"
        'slow.options = -c "import time; time.sleep(5)"\n',
        encoding="utf-8",
    )
    procs = [_run(project, "generate", "empty", "0.1.0", "-m", m, wait=False) for m in "ab"]
    outs = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(rc for rc, _, _ in outs)
    files = versions(project)
    assert len(files) == 1, (files, outs)
    assert codes == [0, 1], outs
    assert any("0.1.0 already has a revision" in err for rc, _, err in outs if rc == 1), outs
    assert not (project.migrations_dir / "versions" / ".dbplan-generate.lock").exists()


def test_lock_held_by_a_live_process_times_out_with_its_pid(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", [S1])
    lock = project.migrations_dir / "versions" / ".dbplan-generate.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        import socket

        lock.write_text(f"{holder.pid} {socket.gethostname()}\n")
        monkeypatch.setattr("planner.revisions.chain.LOCK_TIMEOUT", 0.5)
        started = time.monotonic()
        with pytest.raises(RevisionError, match=f"pid {holder.pid}"):
            generate(project, "empty", "0.1.0")
        assert time.monotonic() - started < 10 and versions(project) == []
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its stale lock is taken over
    generate(project, "empty", "0.1.0")
    assert not lock.exists() and len(versions(project)) == 1


def test_hand_edited_body_is_out_of_sync(tmp_path):
    """The old check compared only the hashes in the ``# dbplan:`` header."""
    project = make_project(tmp_path / "p", [S1, S2])
    generate(project, "empty", "0.1.0")
    r = generate(project, "0.1.0", "0.2.0")
    assert check_sync(project) == []
    text = r.path.read_text(encoding="utf-8")
    # formatting and comments are not edits
    reformatted = text.replace("def upgrade() -> None:\n", "def upgrade() -> None:  # ok\n\n")
    r.path.write_text(reformatted, encoding="utf-8")
    assert check_sync(project) == []
    edited = text.replace(
        "def upgrade() -> None:\n",
        'def upgrade() -> None:\n    op.execute("DELETE FROM units")\n',
        1,
    )
    r.path.write_text(edited, encoding="utf-8")
    findings = check_sync(project)
    assert len(findings) == 1 and "upgrade() differs from what dbplan generates" in findings[0]
    assert "dbplan generate 0.1.0 0.2.0 --replace" in findings[0]
    digest = body_digest(edited)
    assert f"`# dbplan: edited={digest}`" in findings[0]
    # a deliberate edit, recorded: in sync; edited again: out of sync again
    recorded = edited.replace("def downgrade()", f"# dbplan: edited={digest}\n\n\ndef downgrade()")
    r.path.write_text(recorded, encoding="utf-8")
    assert check_sync(project) == []
    again = recorded.replace("DELETE FROM units", "DELETE FROM units WHERE 1 = 1")
    r.path.write_text(again, encoding="utf-8")
    (finding,) = check_sync(project)
    assert f"changed after the hand edit recorded as edited={digest}" in finding
    # the downgrade body counts too
    r.path.write_text(
        text.replace("def downgrade() -> None:\n", "def downgrade() -> None:\n    return\n")
    )
    (finding,) = check_sync(project)
    assert "downgrade() differs" in finding


def test_cli_check_reports_an_edited_body(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    r = generate(project, "empty", "0.1.0")
    r.path.write_text(
        r.path.read_text(encoding="utf-8").replace("sa.String(length=80)", "sa.String(length=8)")
    )
    res = _run(project, "check")
    assert res.returncode == 3 and "upgrade() differs" in res.stderr, res.stderr


@pytest.mark.parametrize("args", [("0.2.0", "0.1.0"), ("0.2.0", "0.1.0", "--rev-id", "rev_back")])
def test_backwards_pair_is_refused(tmp_path, args):
    """``generate 0.2.0 0.1.0`` wrote a new head that reverts the release."""
    project = make_project(tmp_path / "p", [S1, S2])
    generate(project, "empty", "0.1.0")
    generate(project, "0.1.0", "0.2.0")
    before = versions(project)
    res = _run(project, "generate", *args, "--allow-destructive")
    assert res.returncode == 1, res.stdout + res.stderr
    assert versions(project) == before
    assert f"FROM {args[0]} is newer than TO {args[1]}" in res.stderr
    assert f"dbplan generate {args[1]} {args[0]}" in res.stderr


def test_rev_id_alembic_accepts_is_accepted(tmp_path):
    """Alembic refuses only @ - + : in an id; the old code allowed [A-Za-z0-9_] only."""
    project = make_project(tmp_path / "p", [S1])
    res = _run(project, "generate", "empty", "0.1.0", "--rev-id", "v1.2.0.a")
    assert res.returncode == 0, res.stderr
    (name,) = versions(project)
    assert read_provenance(project.migrations_dir / "versions" / name).revision == "v1.2.0.a"


@pytest.mark.parametrize(
    ("rev_id", "expected"),
    [
        ("abc\n", "control character U+000A (a newline)"),
        ("ab\ncd", "control character U+000A (a newline)"),
        ("a\x1b[2Jb", "control character U+001B"),
        ("../../evil", "/ or \\"),
        ("a-b", "- (Alembic refuses them)"),
        ("a@b", "@ (Alembic refuses them)"),
        ('a"""b', "quotes"),
        ("head", "keyword"),
    ],
)
def test_bad_rev_id_gets_a_clear_message(tmp_path, rev_id, expected):
    project = make_project(tmp_path / "p", [S1])
    res = _run(project, "generate", "empty", "0.1.0", "--rev-id", rev_id)
    assert res.returncode == 1, res.stdout + res.stderr
    assert expected in res.stderr and "post_write_hooks" not in res.stderr, res.stderr
    assert "\x1b" not in res.stderr
    assert versions(project) == []
    assert not list(tmp_path.glob("**/evil*"))


def test_control_characters_in_message_are_stripped(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    msg = "units \x1b[31mred\x1b[0m \x07bell \u202eevil\u202c end\r\nline"
    res = _run(project, "generate", "empty", "0.1.0", "-m", msg)
    assert res.returncode == 0, res.stderr
    (name,) = versions(project)
    text = (project.migrations_dir / "versions" / name).read_text(encoding="utf-8")
    for ch in ("\x1b", "\x07", "\u202e", "\u202c", "\r"):
        assert ch not in text and ch not in res.stdout + res.stderr, repr(ch)
    assert text.startswith('"""units [31mred[0m bell evil end line\n')
    compile(text, name, "exec")


def test_replace_never_rewrites_an_applied_revision(tmp_path, db_url):
    project = make_project(tmp_path / "p", [S1, S2])
    generate(project, "empty", "0.1.0")
    r = generate(project, "0.1.0", "0.2.0")
    upgrade(project, db_url)
    import dataclasses

    from planner.state.yamlio import dump_snapshot

    stale = dataclasses.replace(S2, tables=(dataclasses.replace(S2.tables[0], comment="x"),))
    project.snapshot_path("0.2.0").write_text(dump_snapshot(stale), encoding="utf-8")
    before = versions(project)
    res = _run(project, "generate", "--replace", "--url", db_url)
    assert res.returncode == 1 and "is applied in the database" in res.stderr, res.stderr
    assert versions(project) == before
    # downgraded: now it may be replaced, and one head remains
    from alembic import command

    from tests.revisions.conftest import alembic_config

    command.downgrade(alembic_config(project, db_url), "-1")
    res = _run(project, "generate", "--replace", "--url", db_url)
    assert res.returncode == 0, res.stderr
    assert f"replaced migrations/versions/{r.path.name}" in res.stdout
    assert len(versions(project)) == 2 and r.path.name not in versions(project)
    assert _run(project, "check").returncode == 0
