"""docs/adopting.md shows the real output of its commands, and they ship the release."""

from __future__ import annotations

from tests.adopt.tutorial import DOC, render


def test_tutorial_output_is_current():
    assert render() == DOC.read_text(encoding="utf-8"), (
        "docs/adopting.md is stale: run .venv/bin/python -m tests.adopt.tutorial --write"
    )


def test_tutorial_ships_the_release():
    text = DOC.read_text(encoding="utf-8")
    assert "[exit " not in text, "a command of the tutorial fails"
    assert "verify: ok, from release 1.0.0" in text
    assert "drift: none" in text
