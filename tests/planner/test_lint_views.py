"""R031: a view made again loses what dbplan leaves alone on it; the plan says so."""

from __future__ import annotations

from planner.lint import lint
from planner.plan import make_plan
from planner.state.yamlio import load_snapshot_text

HEAD = (
    "snapshot: 1\nrelease: {release}\ntables:\n  t:\n    columns:\n"
    "      id: {{type: Integer, primary_key: true}}\n"
    "      name: {{type: String({width})}}\n"
    "views:\n- {{name: v, definition: '{body}'}}\n"
)
GRANTS = "unmanaged:\n- {kind: grants, name: v}\n- {kind: grants, name: t}\n"


def _snap(release: str, width: int, body: str, tail: str = "") -> object:
    text = HEAD.format(release=release, width=width, body=body) + tail
    return load_snapshot_text(text, f"{release}.yaml")


def _r031(old, new) -> list[str]:
    return [f.message for f in lint(make_plan(old, new)) if f.code == "R031"]


def test_a_view_made_again_names_its_unmanaged_grants():
    old = _snap("1.0.0", 20, "SELECT t.id, t.name FROM t", GRANTS)
    # the body changes: the view is dropped and created again
    new = _snap("1.1.0", 20, "SELECT t.id FROM t", GRANTS)
    assert _r031(old, new) == [
        "view v is dropped and created again: grants v (listed under unmanaged: dbplan "
        "leaves it alone) is lost with it, and the plan does not re-create it"
    ]
    # a column type change under it makes it again too
    wider = _snap("1.1.0", 80, "SELECT t.id, t.name FROM t", GRANTS)
    assert len(_r031(old, wider)) == 1


def test_no_finding_without_unmanaged_objects_or_when_the_view_stays():
    old = _snap("1.0.0", 20, "SELECT t.id, t.name FROM t")
    assert _r031(old, _snap("1.1.0", 20, "SELECT t.id FROM t")) == []
    kept = _snap("1.0.0", 20, "SELECT t.id, t.name FROM t", GRANTS)
    # the view stays (a column added to the table): its grants stay
    grown = load_snapshot_text(
        HEAD.format(release="1.1.0", width=20, body="SELECT t.id, t.name FROM t").replace(
            "      name:", "      extra: {type: Integer}\n      name:"
        )
        + GRANTS,
        "1.1.0.yaml",
    )
    assert _r031(kept, grown) == []
