"""Writing a revision reads the existing revisions' ids from their text (no import) and
lets Alembic import them only when the text cannot tell; the bodies go into the file
after Alembic wrote it with stand-ins, unless post-write hooks or the template need the
bodies themselves. The bytes are those of Alembic rendering the bodies directly."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.revisions import RevisionError, generate
from planner.revisions.provenance import _LINE, _PAIR, module_ids, parse_provenance_text
from planner.revisions.write import write_revision
from tests.revisions.conftest import make_project
from tests.revisions.test_generate import S1, S2


def _mark_on_import(path, marker) -> None:
    """Make the revision file at ``path`` create ``marker`` when it is imported."""
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "\n\ndef upgrade(", f"\nopen({str(marker)!r}, 'w').close()\n\n\ndef upgrade(", 1
    )
    path.write_text(text, encoding="utf-8")


def test_existing_revisions_are_not_imported(tmp_path):
    project = make_project(tmp_path / "p", [S1, S2])
    r1 = generate(project, "empty", "0.1.0")
    marker = tmp_path / "imported"
    _mark_on_import(r1.path, marker)
    r2 = generate(project, "0.1.0", "0.2.0")
    assert r2.down_revision == r1.revision and not marker.exists()


def test_a_computed_id_is_read_by_importing(tmp_path):
    """``revision = 'ab' + 'cd'``: the text cannot tell; Alembic imports the file."""
    project = make_project(tmp_path / "p", [S1, S2])
    r1 = generate(project, "empty", "0.1.0")
    text = r1.path.read_text(encoding="utf-8")
    half = len(r1.revision) // 2
    computed = f"revision: str = {r1.revision[:half]!r} + {r1.revision[half:]!r}"
    text = text.replace(f"revision: str = {r1.revision!r}", computed)
    assert computed in text
    r1.path.write_text(text, encoding="utf-8")
    marker = tmp_path / "imported"
    _mark_on_import(r1.path, marker)
    out = write_revision(
        project,
        rev_id="feedc0de0001",
        down_revision=r1.revision,
        message="m",
        upgrades="pass",
        downgrades="pass",
    )
    assert marker.exists()
    assert (
        f"down_revision: Union[str, Sequence[str], None] = {r1.revision!r}"
        in out.path.read_text(encoding="utf-8")
    )
    with pytest.raises(RevisionError, match=f"revision {r1.revision} exists already"):
        write_revision(
            project,
            rev_id=r1.revision,
            down_revision=None,
            message="again",
            upgrades="pass",
            downgrades="pass",
        )


def test_taken_id_and_missing_down_revision(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    r1 = generate(project, "empty", "0.1.0")
    shown = r1.path.relative_to(project.root).as_posix()
    with pytest.raises(RevisionError, match=f"revision {r1.revision} exists already \\({shown}\\)"):
        write_revision(
            project,
            rev_id=r1.revision,
            down_revision=None,
            message="x",
            upgrades="pass",
            downgrades="pass",
        )
    with pytest.raises(RevisionError, match="down revision 0123456789ab is not in migrations"):
        write_revision(
            project,
            rev_id="feedc0de0002",
            down_revision="0123456789ab",
            message="x",
            upgrades="pass",
            downgrades="pass",
        )


def test_module_ids_refuses_what_only_an_import_can_tell():
    assert module_ids("revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    pass\n") == {
        "revision": "a",
        "down_revision": None,
        "branch_labels": None,
        "depends_on": None,
    }
    for text in (
        "revision = 'a'\nrevision = compute()\n",
        "revision = 'a'\nfrom ids import down_revision\n",
        "revision = 'a'\nfor depends_on in ():\n    pass\n",
        "revision = 'a'\n\ndef upgrade():\n    pass\n\ndef branch_labels():\n    pass\n",
        "revision = 'a'\ndown_revision = 3\n",
        "down_revision = None\n",  # no revision
        "revision = ('a', 'b')\n",
        "revision = 'a'\nif x:\n    down_revision = 'b'\n",
    ):
        assert module_ids(text) is None, text


TEMPLATE_TWICE = """\"\"\"${message}\"\"\"
from alembic import op
import sqlalchemy as sa

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade():
    ${upgrades}


def downgrade():
    ${downgrades}

# upgrade, again:
'''
${upgrades}
'''
"""


def test_a_template_repeating_the_bodies_gets_them_everywhere(tmp_path):
    project = make_project(tmp_path / "p", [S1], template=TEMPLATE_TWICE)
    r = generate(project, "empty", "0.1.0")
    text = r.path.read_text(encoding="utf-8")
    assert text.count("# dbplan: from=empty to=0.1.0") == 2 and "body of" not in text


def test_post_write_hooks_see_the_bodies(tmp_path):
    project = make_project(tmp_path / "p", [S1])
    hook = tmp_path / "hook.py"
    hook.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "text = open(p, encoding='utf-8').read()\n"
        "open(p, 'a', encoding='utf-8').write(f'# create_table: {text.count(\"create_table\")}\\n')\n",
        encoding="utf-8",
    )
    (project.root / "alembic.ini").write_text(
        "[alembic]\n\n[post_write_hooks]\nhooks = count\ncount.type = exec\n"
        f"count.executable = {sys.executable}\ncount.options = {hook} REVISION_SCRIPT_FILENAME\n",
        encoding="utf-8",
    )
    r = generate(project, "empty", "0.1.0")
    text = r.path.read_text(encoding="utf-8")
    assert text.endswith("# create_table: 1\n") and "op.create_table(" in text


@given(
    st.lists(
        st.sampled_from(["\n", "\r", " ", "\t", "#", "dbplan:", "a=1", "b=2", "x", "\r\n"]),
        max_size=14,
    )
)
def test_provenance_lines_found_by_find_as_by_the_whole_text_regex(parts):
    """parse_provenance_text looks only at the lines holding ``dbplan:``: the same pairs
    as matching its line pattern over the whole text."""
    text = "".join(parts)
    expected: dict[str, str] = {}
    for m in _LINE.finditer(text):
        for key, value in _PAIR.findall(m.group(1)):
            expected.setdefault(key, value)
    assert parse_provenance_text(text) == expected
