"""Run the commands of docs/adopting.md and put their real output in it.

The tutorial is a Markdown file whose ``console`` blocks hold commands (``$ ...``) each
followed by its output. This module builds the tutorial's existing project (the shop of
:mod:`tests.adopt.legacy`, root ``alembic.ini`` layout, SQLite) in a temporary directory,
performs the hidden steps the HTML comments name (``<!-- tutorial: STEP -->``: the
engineer's edits), runs every command in order with bash in the project root, and
rewrites each block with the output (stdout and stderr as the terminal shows them; a
non-zero exit adds ``[exit N]``). The project directory is shown as ``/srv/shop``.

    .venv/bin/python -m tests.adopt.tutorial --write    # refresh docs/adopting.md
    .venv/bin/python -m tests.adopt.tutorial            # exit 1 when it is stale
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.adopt.legacy import BIN, DEFAULTS_V2, MODELS_V2, build

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "adopting.md"
SHOWN_ROOT = "/srv/shop"
_BLOCK = re.compile(r"(```console\n)(.*?)(```)", re.DOTALL)
_STEP = re.compile(r"<!-- tutorial: ([a-z-]+) -->")
HINT_FROM = "      quantity: {type: Integer, nullable: false}\n"
HINT_TO = "      quantity: {type: Integer, nullable: false, renamed_from: qty}\n"


def _step(name: str, root: Path) -> None:
    if name == "next-release":
        (root / "shop" / "models.py").write_text(MODELS_V2)
        (root / "shop" / "defaults.py").write_text(DEFAULTS_V2)
    elif name == "rename-hint":
        path = root / "schema_state" / "1.1.0.yaml"
        text = path.read_text() if path.is_file() else ""  # (a failed snapshot is shown)
        if HINT_FROM in text:
            path.write_text(text.replace(HINT_FROM, HINT_TO))
    else:  # pragma: no cover - a typo in the doc
        raise ValueError(f"docs/adopting.md: unknown tutorial step {name!r}")


def _run(command: str, root: Path) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLALCHEMY_DATABASE_URI", "PYTHONPATH")
    }
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    out = proc.stdout.replace(str(root), SHOWN_ROOT)
    if out and not out.endswith("\n"):
        out += "\n"
    if proc.returncode:
        out += f"[exit {proc.returncode}]\n"
    return out


def _project(tmp: Path) -> Path:
    root = tmp / "shop-app"
    build(root, "root_ini", pkg="shop")
    ini = root / "alembic.ini"
    ini.write_text(
        ini.read_text().replace(
            "driver://user:pass@localhost/dbname", "sqlite:///%(here)s/shop.sqlite"
        )
    )
    return root


def render(doc: str | None = None) -> str:
    """docs/adopting.md with every console block's output from a real run."""
    doc = DOC.read_text(encoding="utf-8") if doc is None else doc
    with tempfile.TemporaryDirectory(prefix="dbplan-tutorial-") as tmp:
        root = _project(Path(tmp))
        out: list[str] = []
        pos = 0
        for m in _BLOCK.finditer(doc):
            before = doc[pos : m.start()]
            for step in _STEP.findall(before):
                _step(step, root)
            out.append(before)
            commands = [ln[2:] for ln in m.group(2).splitlines() if ln.startswith("$ ")]
            body = "".join(f"$ {c}\n" + _run(c, root) for c in commands)
            out.append(m.group(1) + body + m.group(3))
            pos = m.end()
        out.append(doc[pos:])
    return "".join(out)


def main(argv: list[str]) -> int:
    new = render()
    if "--write" in argv:
        DOC.write_text(new, encoding="utf-8")
        print(f"wrote {DOC}")
        return 0
    if new != DOC.read_text(encoding="utf-8"):
        print(f"{DOC} is stale: run .venv/bin/python -m tests.adopt.tutorial --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
