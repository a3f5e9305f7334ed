"""The docs show real output: README's plan is the golden plan of the reference project."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_plan_is_the_golden_reference_plan():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    golden = (ROOT / "tests" / "golden" / "reference" / "0.2.0__0.3.0.txt").read_text(
        encoding="utf-8"
    )
    assert "$ dbplan plan 0.2.0 0.3.0\n" + golden.rstrip("\n") + "\n```" in readme


def test_readme_revision_excerpt_is_the_committed_revision():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\ndef upgrade()") + len("```python\n")
    excerpt = readme[start : readme.index("```", start)]
    revision = (ROOT / "migrations" / "versions" / "04107720412f_0_3_0.py").read_text(
        encoding="utf-8"
    )
    assert excerpt in revision


def test_command_reference_matches_the_commands_help():
    """docs/commands.md is generated from --help: regenerate with scripts/command_docs.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "command_docs", ROOT / "scripts" / "command_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "commands.md").read_text(encoding="utf-8") == module.render(), (
        "docs/commands.md is stale: run .venv/bin/python scripts/command_docs.py"
    )


def test_readme_install_section_matches_the_package():
    """The Install section names the floors and extras pyproject.toml declares."""
    import re
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Install\n") : readme.index("## Quickstart\n")]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = {re.split(r"[<>=\[]", d)[0]: d for d in project["dependencies"]}
    sa_floor = re.search(r">=([\d.]+)", deps["sqlalchemy"]).group(1)
    alembic_floor = re.search(r">=([\d.]+)", deps["alembic"]).group(1)
    assert f"SQLAlchemy {sa_floor} or newer" in section
    assert f"Alembic {alembic_floor} or newer" in section
    extras = set(project["optional-dependencies"]) - {"test"}
    named = set(re.findall(r"dbplan\[(\w+)\]", section))
    assert named <= extras and {"mysql", "psycopg2"} <= extras
    for extra in extras:
        assert f"`{extra}`" in section, f"README's Install section does not name extra {extra}"
    assert (ROOT / "scripts" / "test-floors.sh").is_file()
    assert "docs/adopting.md" in section
