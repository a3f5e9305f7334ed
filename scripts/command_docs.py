"""Write docs/commands.md from the commands' own --help (run: python scripts/command_docs.py).

tests/test_docs.py fails when the file is out of date, so the reference never drifts
from the behaviour.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "commands.md"

INTRO = """\
# Commands

Generated from `dbplan <command> --help` by `scripts/command_docs.py`; a test keeps it
current. For the why and the order in which a release engineer uses them, see
[workflows.md](workflows.md).

Common rules:

- FROM and TO (plan, graph, generate) default to the two newest releases under
  `schema_state/` (PEP 440 order); `empty` names the state before the first release.
- The database URL comes from `--url`, else `$SQLALCHEMY_DATABASE_URI`, else `url` in
  `[tool.dbplan]`, else `sqlalchemy.url` of alembic.ini (not Alembic's `driver://`
  placeholder), else the SQLite file `dbplan.sqlite` in the project directory. dbplan's
  `env.py` uses the same order after `-x url=...`, also under plain `alembic`. Messages
  show URLs with passwords (`user:pw@`, `?password=`) as `***`.
- Commands that run the Alembic environment (setup, upgrade, downgrade, stamp, verify)
  put the project root (and `src/`) first on `sys.path`, so an application's env.py can
  `from myapp.models import Base`; a missing import or database driver is reported with
  the env.py line, the module and the Python to install it into. Database errors show
  the server's DETAIL/HINT lines, the operation and the revision (file:line) that failed.
- `-C DIR` (before the command) runs on the project in DIR; `--debug` shows tracebacks.
- Exit codes: 0 success; 1 error (invalid snapshot, failed database operation: a clear
  message, nothing half-written); 2 usage; 3 differences found (`check`, `verify`,
  `drift`, `plan --check`); 4 refused by the safety gate (`--allow-destructive`).
- Environment: `NO_COLOR` turns colour off. `DBPLAN_LOCK_TIMEOUT=SECONDS` bounds the
  wait for the migration lock (default 300; `--lock-timeout`, `-x lock_timeout=` for plain
  `alembic`). Loading snapshots (none of these changes a
  result, only its speed): big snapshots that loaded cleanly are cached by content hash
  in `$DBPLAN_CACHE_DIR` (default `$XDG_CACHE_HOME/dbplan` or `~/.cache/dbplan`;
  `DBPLAN_CACHE=0` turns the cache off); commands that need several big uncached snapshots parse them
  side by side, one process per core (`DBPLAN_JOBS=N` at most N, `DBPLAN_JOBS=1` one
  after another). See [benchmarks.md](benchmarks.md).
"""


def render() -> str:
    from planner.cli import COMMANDS, cli

    runner = CliRunner()
    parts = [INTRO]
    top = runner.invoke(cli, ["--help"], prog_name="dbplan", terminal_width=88)
    parts.append("## dbplan\n\n```text\n" + top.output.rstrip() + "\n```\n")
    for name in COMMANDS:
        result = runner.invoke(cli, [name, "--help"], prog_name="dbplan", terminal_width=88)
        if result.exit_code != 0:
            continue
        parts.append(f"## dbplan {name}\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
