"""Reading a project's own Alembic configuration, on the installed Alembic (>= 1.9)."""

from __future__ import annotations

import pytest

from planner.runtime.alembic_setup import (
    _option,
    _toml_options,
    find_alembic_setup,
    load_config,
    resolve_location,
)
from planner.runtime.errors import MigrationError

PYPROJECT = """\
[project]
name = "app"

[tool.alembic]
script_location = "%(here)s/db/migrations"
version_locations = ["%(here)s/db/migrations/versions", "%(here)s/extra"]
prepend_sys_path = ["."]
"""


def _env(folder):
    folder.mkdir(parents=True)
    (folder / "env.py").write_text("")


def test_tool_alembic_read_on_any_alembic(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    _env(tmp_path / "db" / "migrations")
    cfg = load_config(None, tmp_path / "pyproject.toml")
    assert _option(cfg, "script_location") == f"{tmp_path}/db/migrations"
    found = find_alembic_setup(tmp_path)
    assert (found.layout, found.script_location) == ("[tool.alembic]", tmp_path / "db/migrations")


def test_tool_alembic_as_ini_options(tmp_path):
    """What dbplan gives an Alembic older than 1.16, which cannot read [tool.alembic]."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert _toml_options(tmp_path / "pyproject.toml") == {
        "script_location": f"{tmp_path}/db/migrations",
        "version_locations": f"{tmp_path}/db/migrations/versions {tmp_path}/extra",
        "version_path_separator": "space",
        "prepend_sys_path": ".",
        "path_separator": "os",
    }


def test_script_location_forms(tmp_path):
    root = tmp_path
    _env(root / "db" / "migrations")
    _env(root / "src" / "shop" / "migrations")
    (root / "src" / "shop" / "__init__.py").write_text("")
    ini_dir = root / "db"
    assert resolve_location(root, "migrations", ini_dir, "x") == ini_dir / "migrations"
    assert resolve_location(root, "db/migrations", ini_dir, "x") == ini_dir / "migrations"
    assert resolve_location(root, str(ini_dir / "migrations"), root, "x") == ini_dir / "migrations"
    assert (
        resolve_location(root, "shop:migrations", root, "x") == root / "src" / "shop" / "migrations"
    )
    with pytest.raises(MigrationError, match="names package 'nope'.*pip install -e"):
        resolve_location(root, "nope:migrations", root, "alembic.ini")


def test_ini_without_script_location_and_env(tmp_path):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "alembic.ini").write_text("[alembic]\n")
    with pytest.raises(MigrationError, match="no script_location, and no env.py beside it"):
        find_alembic_setup(tmp_path)
