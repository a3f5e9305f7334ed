"""The hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself on a scratch git repository.

The fast test declares the hooks as ``repo: local`` with ``language: system`` (this
venv's dbplan), copying everything else (entry arguments, files, pass_filenames) from
the shipped file, so pre-commit's own file selection and failure rules are exercised.
The slow test installs the checkout the way users do (``pre-commit try-repo``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.toolchain.conftest import DBPLAN
from tests.toolchain.test_fmt import HAND

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = str(Path(sys.executable).parent / "pre-commit")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def shipped_hooks() -> dict[str, dict]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return {h["id"]: h for h in hooks}


def git(scratch, *args):
    return scratch.run(*args, cmd=shutil.which("git"), env=GIT_ENV, check_rc=0)


def local_config(scratch) -> None:
    hooks = []
    for hook in shipped_hooks().values():
        h = dict(hook, language="system")
        h["entry"] = hook["entry"].replace("dbplan", DBPLAN, 1)
        hooks.append(h)
    (scratch.root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]})
    )


def pre_commit(scratch, *args, rc: int):
    env = {**GIT_ENV, "PRE_COMMIT_HOME": str(scratch.root.parent / "pre-commit-home")}
    return scratch.run(*args, cmd=PRE_COMMIT, env=env, check_rc=rc)


def test_shipped_hooks_are_the_two_documented():
    hooks = shipped_hooks()
    assert set(hooks) == {"dbplan-fmt", "dbplan-check"}
    assert hooks["dbplan-check"]["pass_filenames"] is False
    assert hooks["dbplan-fmt"]["entry"] == "dbplan fmt"


@pytest.fixture
def repo(scratch):
    pp = scratch.root / "pyproject.toml"
    pp.write_text(pp.read_text() + 'models = "app.models:metadata"\nrows = "app.models:ROWS"\n')
    local_config(scratch)
    git(scratch, "init", "-q", "-b", "main")
    git(scratch, "add", "-A")
    git(scratch, "commit", "-q", "-m", "1.0.0")
    return scratch


def test_hooks_pass_on_a_clean_repository(repo):
    r = pre_commit(repo, "run", "--all-files", rc=0)
    assert "dbplan fmt" in r.stdout and "dbplan check" in r.stdout
    assert r.stdout.count("Passed") == 2, r.stdout


def test_fmt_hook_rewrites_a_hand_edited_snapshot_and_fails(repo):
    path = repo.root / "schema_state" / "1.0.0.yaml"
    path.write_text(HAND)
    git(repo, "add", "-A")
    r = pre_commit(repo, "run", rc=1)
    assert "files were modified by this hook" in r.stdout
    assert path.read_text() != HAND
    git(repo, "add", "-A")
    # the state is unchanged by the reformat, but the file's text changed: check names the revision
    r = pre_commit(repo, "run", "dbplan-fmt", rc=0)


def test_check_hook_fails_when_a_model_changed(repo):
    repo.write_models(extra='\n    sa.Column("symbol", sa.String(8), nullable=True),')
    git(repo, "add", "-A")
    r = pre_commit(repo, "run", "dbplan-check", rc=1)
    assert "the models (app.models:metadata) differ" in r.stdout
    assert "symbol" in r.stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_try_repo_installs_the_checkout_as_users_get_it(repo, tmp_path):
    """pre-commit builds its own venv from the checkout (pip: needs the package index)."""
    if os.environ.get("DBPLAN_OFFLINE"):
        pytest.skip("DBPLAN_OFFLINE: pre-commit try-repo installs from the package index")
    clone = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    for name in (".pre-commit-hooks.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, clone / name)
    shutil.copytree(ROOT / "planner", clone / "planner", dirs_exist_ok=True)
    git_c = ["git", "-C", str(clone)]
    subprocess.run([*git_c, "add", "-A"], check=True)
    subprocess.run(
        [*git_c, "commit", "-q", "--allow-empty", "-m", "wip"],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    r = pre_commit(repo, "try-repo", str(clone), "dbplan-fmt", "--all-files", rc=0)
    assert "dbplan fmt" in r.stdout and "Passed" in r.stdout
