"""``dbplan check`` takes a revision whose bodies still match the ``# dbplan: body=``
digest ``generate`` recorded as in sync, without rendering it again (issue 17: the
re-render was 28 of ``check``'s 28 s at 2,000 tables); every other file is rendered again
and compared as before: a hand edit is still found, old files without the line still work.
"""

from __future__ import annotations

import re

import pytest

import planner.revisions.generation as generation
from planner.dialects import get
from planner.revisions import check_sync, generate
from planner.revisions.provenance import parse_provenance_text
from tests.revisions.conftest import make_project
from tests.revisions.test_generate import S1, S2

_BODY_LINE = re.compile(r"^[ \t]*# dbplan: body=[0-9a-f]{16}\n", re.MULTILINE)


@pytest.fixture
def renders(monkeypatch):
    """The pairs :func:`render_revision` is called for from now on."""
    calls: list[tuple[str, str]] = []
    real = generation.render_revision

    def counting(old, new, **kw):
        calls.append((kw["from_release"], kw["to_release"]))
        return real(old, new, **kw)

    monkeypatch.setattr(generation, "render_revision", counting)
    return calls


def _project(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    generate(project, "empty", "0.1.0")
    return project, generate(project, "0.1.0", "0.2.0")


def test_generated_files_are_in_sync_without_rendering(tmp_path, renders):
    project, r = _project(tmp_path)
    text = r.path.read_text(encoding="utf-8")
    assert len(_BODY_LINE.findall(text)) == 1 and "body" in parse_provenance_text(text)
    renders.clear()
    assert check_sync(project) == []
    assert renders == []


def test_a_hand_edit_is_still_reported(tmp_path, renders):
    project, r = _project(tmp_path)
    text = r.path.read_text(encoding="utf-8")
    r.path.write_text(text.replace("sa.String(length=80)", "sa.String(length=8)"))
    renders.clear()
    (finding,) = check_sync(project)
    assert "from what dbplan generates" in finding
    assert renders == [("0.1.0", "0.2.0")]


def test_a_forged_or_stale_body_line_is_rendered_again(tmp_path, renders):
    project, r = _project(tmp_path)
    text = r.path.read_text(encoding="utf-8")
    forged = _BODY_LINE.sub("    # dbplan: body=0123456789abcdef\n", text)
    r.path.write_text(forged.replace("sa.String(length=80)", "sa.String(length=8)"))
    renders.clear()
    (finding,) = check_sync(project)
    assert "from what dbplan generates" in finding and renders


def test_a_recomputed_body_line_is_caught_by_render_all(tmp_path, renders):
    """The line is a checksum anyone can recompute (found by the security review):
    ``check`` trusts it, ``check --render-all`` renders every file again."""
    from click.testing import CliRunner

    from planner.cli import cli
    from planner.revisions.sync import _body_stamp, body_digest

    project, r = _project(tmp_path)
    edited = r.path.read_text(encoding="utf-8").replace(
        "sa.String(length=80)", "sa.String(length=8)"
    )
    stamp = _body_stamp(body_digest(edited), project.targets)
    r.path.write_text(_BODY_LINE.sub(f"    # dbplan: body={stamp}\n", edited))
    renders.clear()
    assert check_sync(project) == [] and renders == []  # trusted: not rendered
    (finding,) = check_sync(project, render_all=True)
    assert "from what dbplan generates" in finding and renders
    res = CliRunner().invoke(cli, ["-C", str(project.root), "check", "--render-all"])
    assert res.exit_code == 3, res.output
    assert "from what dbplan generates" in res.output
    res = CliRunner().invoke(cli, ["-C", str(project.root), "check"])
    assert res.exit_code == 0, res.output


def test_files_without_the_line_still_work(tmp_path, renders):
    """Files written before the line existed: rendered again, in sync; edited, reported."""
    project, r = _project(tmp_path)
    old = _BODY_LINE.sub("", r.path.read_text(encoding="utf-8"))
    r.path.write_text(old, encoding="utf-8")
    renders.clear()
    assert check_sync(project) == []
    assert renders == [("0.1.0", "0.2.0")]
    r.path.write_text(old.replace("sa.String(length=80)", "sa.String(length=8)"))
    (finding,) = check_sync(project)
    assert "from what dbplan generates" in finding


def test_other_targets_render_again(tmp_path, renders):
    """The digest covers the target dialects: a project whose targets changed since
    ``generate`` compares with what its targets generate now."""
    project, _ = _project(tmp_path)
    narrowed = type(project).targets.fget  # type: ignore[attr-defined]
    renders.clear()
    try:
        type(project).targets = property(lambda self: (get("sqlite"),))  # type: ignore[assignment]
        check_sync(project)
    finally:
        type(project).targets = property(narrowed)  # type: ignore[assignment]
    assert ("0.1.0", "0.2.0") in renders


def test_big_files_digest_is_remembered_and_an_edit_still_found(tmp_path, monkeypatch, renders):
    """Big revision files: the bodies' digest is remembered by the file's bytes, so a
    second ``check`` neither parses nor renders them; an edit changes the bytes (a miss)."""
    import planner.revisions.sync as sync
    from planner.state import cache

    monkeypatch.setenv("DBPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DBPLAN_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    project, r = _project(tmp_path)
    assert check_sync(project) == []
    assert list((tmp_path / "cache").glob("*.body-digest.memo"))
    parsed = []
    real = sync.body_digest
    monkeypatch.setattr(sync, "body_digest", lambda text: parsed.append(1) or real(text))
    renders.clear()
    assert check_sync(project) == [] and parsed == [] and renders == []
    text = r.path.read_text(encoding="utf-8")
    r.path.write_text(text.replace("sa.String(length=80)", "sa.String(length=8)"))
    (finding,) = check_sync(project)
    assert "from what dbplan generates" in finding and parsed and renders


def test_the_digest_walk_is_ast_dump(tmp_path):
    """The body digest's own ``ast.dump`` (:func:`planner.revisions.sync._ast_text`, one
    formatter per node class) writes ``ast.dump``'s text for every node of real sources:
    this package's modules, the golden revisions, and nodes built without some field."""
    import ast
    from pathlib import Path

    from planner.revisions import sync

    root = Path(sync.__file__).resolve().parent.parent
    sources = sorted(root.rglob("*.py")) + sorted(Path(__file__).parent.glob("golden/*.txt"))
    checked = 0
    for path in sources:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # a golden file that is not a whole module
        assert sync._dump(tree.body) == "\n".join(ast.dump(s) for s in tree.body), path
        checked += 1
    assert checked > 100
    for node in (ast.Name(id="x"), ast.Call(func=ast.Name(id="f", ctx=ast.Load())), ast.keyword()):
        assert sync._ast_text(node) == ast.dump(node)
    deep = ast.parse("x = " + "-" * 600 + "1")  # deeper than the formatters' recursion
    assert sync._ast_text(deep) == ast.dump(deep)
