"""``dbplan history`` shows a hand-written revision message's terminal control characters
escaped, never raw (issue 18 item 11: an escape sequence in a message recoloured or
rewrote the terminal)."""

from __future__ import annotations

from tests.safety.helpers import REFERENCE, dbplan, generate_chain, new_project


def test_history_escapes_control_characters_of_a_hand_written_message(tmp_path):
    root = new_project(tmp_path / "p", files=REFERENCE[:1])
    (rev,) = generate_chain(root, ["0.1.0"])
    (path,) = (root / "migrations" / "versions").glob(f"{rev}_*.py")
    text = path.read_text(encoding="utf-8")
    first = text.index('"""') + 3
    end = text.index("\n", first)
    path.write_text(
        text[:first] + "red \x1b[31mALERT\x1b[0m \u202eevil\x07" + text[end:], encoding="utf-8"
    )
    out = dbplan(root, "history").stdout
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out, repr(out)
    assert "red \\x1b[31mALERT\\x1b[0m \\u202eevil\\x07" in out, out
