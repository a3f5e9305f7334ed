"""`dbplan init --adopt` on every common layout of an existing Alembic project."""

from __future__ import annotations

import tomllib

import pytest

from tests.adopt.conftest import user_rows
from tests.adopt.legacy import HEAD, LAYOUTS, build, dbplan

#: what [tool.dbplan] records per layout: (migrations, alembic_config)
EXPECTED = {
    "root_ini": ("alembic", None),
    "flask": ("migrations", "migrations/alembic.ini"),
    "toml": ("migrations", None),
    "package": ("{pkg}/migrations", None),
    "subfolder": ("db/migrations", "db/alembic.ini"),
    "explicit": ("deploy/schema", "deploy/shop-alembic.ini"),
    "branched": ("alembic", None),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_adopt_layout(layout, db_url, legacy_factory):
    legacy = legacy_factory(layout, db_url)
    before = user_rows(db_url)
    r = dbplan(
        legacy.root,
        "init",
        "--adopt",
        "--from-db",
        db_url,
        "--release",
        "1.0.0",
        "--rows-of",
        "categories",
        *legacy.adopt_args,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"release 1.0.0 = revision {HEAD} (3 table(s) captured)" in r.stdout
    settings = tomllib.loads((legacy.root / "pyproject.toml").read_text())["tool"]["dbplan"]
    migrations, config = EXPECTED[layout]
    assert settings["migrations"] == migrations.format(pkg=legacy.pkg)
    assert settings.get("alembic_config") == config
    assert settings["releases"] == {"1.0.0": HEAD}
    from planner.dialects import of_url

    assert settings["dialects"] == [of_url(db_url).name]
    # the commands that need no env.py know the adopted release
    r = dbplan(legacy.root, "current", url=db_url)
    assert (r.returncode, r.stdout) == (0, f"{HEAD} (release 1.0.0)\n"), r.stderr
    r = dbplan(legacy.root, "history")
    assert r.returncode == 0 and "1.0.0" in r.stdout, r.stdout + r.stderr
    r = dbplan(legacy.root, "check")
    assert r.returncode == 0, r.stdout + r.stderr
    # every later command reads the project's own Alembic config (hooks, file_template ...)
    from planner.project import load_project
    from planner.runtime.config import alembic_config

    cfg = alembic_config(load_project(legacy.root), db_url)
    if config is not None:
        assert cfg.config_file_name == str(legacy.root / config)
    assert cfg.get_main_option("script_location") == str(legacy.env_dir)
    # the engineers' own Alembic still works, and nothing touched the users' rows
    assert HEAD in legacy.alembic(db_url, "current").stdout
    assert user_rows(db_url) == before


def test_adopt_refuses_several_heads(tmp_path, sqlite_db):
    legacy = build(tmp_path / "app", "branched", pkg="shop_heads")
    (legacy.env_dir / "versions" / "c0ffee123456_merge.py").unlink()
    legacy.alembic(sqlite_db, "upgrade", "heads")
    r = dbplan(legacy.root, "init", "--adopt", "--from-db", sqlite_db, "--release", "1.0.0")
    assert r.returncode == 1
    assert "2 heads (5a7b9c1d3e2f, 8e4d0c55a1b2)" in r.stderr + r.stdout
    assert "alembic merge heads" in r.stderr + r.stdout
    assert not (legacy.root / "schema_state").exists()
    assert "dbplan" not in (legacy.root / "pyproject.toml").read_text()


def test_adopt_explicit_config_is_needed_and_named(tmp_path, sqlite_db):
    legacy = build(tmp_path / "app", "explicit", pkg="shop_explicit")
    legacy.alembic(sqlite_db, "upgrade", "head")
    r = dbplan(legacy.root, "init", "--adopt", "--from-db", sqlite_db, "--release", "1.0.0")
    assert r.returncode == 1 and "--alembic-config PATH" in r.stderr + r.stdout
    r = dbplan(
        legacy.root,
        "init",
        "--adopt",
        "--from-db",
        sqlite_db,
        "--release",
        "1.0.0",
        "--alembic-config",
        "deploy/missing.ini",
    )
    assert r.returncode == 1 and "deploy/missing.ini: no such file" in r.stderr + r.stdout


def test_adopt_several_subfolder_configs_refused(tmp_path, sqlite_db):
    legacy = build(tmp_path / "app", "subfolder", pkg="shop_two")
    legacy.alembic(sqlite_db, "upgrade", "head")
    other = legacy.root / "tools" / "alembic.ini"
    other.parent.mkdir()
    other.write_text((legacy.root / "db" / "alembic.ini").read_text())
    r = dbplan(legacy.root, "init", "--adopt", "--from-db", sqlite_db, "--release", "1.0.0")
    out = r.stderr + r.stdout
    assert r.returncode == 1 and "db/alembic.ini, tools/alembic.ini" in out, out
    r = dbplan(
        legacy.root,
        "init",
        "--adopt",
        "--from-db",
        sqlite_db,
        "--release",
        "1.0.0",
        "--alembic-config",
        "db/alembic.ini",
    )
    assert r.returncode == 0, r.stdout + r.stderr
