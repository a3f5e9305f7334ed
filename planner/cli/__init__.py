"""The ``dbplan`` command line: the only place that prints or reads argv.

Each command lives in its own module of this package and is imported only when it
runs, so ``dbplan --help`` stays fast (no SQLAlchemy, no Alembic).

Exit codes (DESIGN.md): 0 success; 1 error; 2 usage (click's own); 3 differences
found (``check``, ``verify``, ``drift``, ``plan --check``); 4 refused by the safety gate.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from planner.errors import DbplanError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_DIFFERENCES = 3
EXIT_REFUSED = 4

#: command name -> (module, attribute, one-line help shown by ``dbplan --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "planner.cli.init_cmd",
        "init",
        "Scaffold a dbplan project, or adopt an existing Alembic one.",
    ),
    "snapshot": (
        "planner.cli.snapshot_cmd",
        "snapshot",
        "Write a release's snapshot from models or a live database.",
    ),
    "plan": ("planner.cli.plan_cmd", "plan", "Show the ordered operations between two releases."),
    "graph": ("planner.cli.plan_cmd", "graph", "Draw the dependency graph between two releases."),
    "generate": (
        "planner.cli.generate_cmd",
        "generate",
        "Write the Alembic revision between two releases.",
    ),
    "sql": (
        "planner.cli.sql_cmd",
        "sql",
        "Print the SQL a revision runs on one dialect (offline, for review).",
    ),
    "check": (
        "planner.cli.check_cmd",
        "check",
        "Validate snapshots and their revisions (exit 3 on findings).",
    ),
    "fmt": ("planner.cli.fmt_cmd", "fmt", "Rewrite snapshots in canonical form (--check: exit 3)."),
    "verify": (
        "planner.cli.verify_cmd",
        "verify",
        "Prove the revision chain reproduces every snapshot.",
    ),
    "drift": (
        "planner.cli.verify_cmd",
        "drift",
        "Compare a live database with the snapshot of its release.",
    ),
    "setup": (
        "planner.cli.db_cmd",
        "setup",
        "Create the database straight from a snapshot and stamp it.",
    ),
    "upgrade": (
        "planner.cli.db_cmd",
        "upgrade",
        "Upgrade the database (Alembic) to a revision or release.",
    ),
    "downgrade": (
        "planner.cli.db_cmd",
        "downgrade",
        "Downgrade the database (Alembic) to a revision or release.",
    ),
    "stamp": (
        "planner.cli.db_cmd",
        "stamp",
        "Record a release's revision in the database without running it.",
    ),
    "current": ("planner.cli.db_cmd", "current", "Show the database's revision and release."),
    "history": ("planner.cli.db_cmd", "history", "List revisions with the releases they produce."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None or not _available(cmd_name):
            return None
        module, attr, _ = spec
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    module = COMMANDS[name][0]
    return importlib.util.find_spec(module) is not None


class Context:
    """Options shared by every command."""

    def __init__(self, *, debug: bool, project_dir: str | None, color: bool | None = None):
        self.debug = debug
        self.project_dir = project_dir
        #: --color/--no-color of the group (None: NO_COLOR, FORCE_COLOR, TERM, a terminal)
        self.color = color
        self._project = None
        self._session = None

    @property
    def session(self):
        """The load session of this invocation (planner.state.session): its gc policy,
        the snapshots prefetched ahead, DBPLAN_JOBS, the target dialects whose limits
        validation checks."""
        if self._session is None:
            from planner.state.session import LoadSession, use_session

            self._session = LoadSession(targets_from=self._targets)
            use_session(self._session)  # every load of this command, not only its own
        return self._session

    def _targets(self) -> tuple[str, ...] | None:
        """``[tool.dbplan] dialects`` of the project, None (every dialect) without one."""
        try:
            return self.project.dialect_names
        except Exception:  # noqa: BLE001 - no project here: the command reports it itself
            return None

    @property
    def project(self):
        if self._project is None:
            from planner.project import load_project

            self._project = load_project(self.project_dir)
        return self._project


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dbplan", prog_name="dbplan")
@click.option("--debug", is_flag=True, envvar="DBPLAN_DEBUG", help="Show tracebacks for errors.")
@click.option(
    "-C",
    "--project",
    "project_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Project directory (default: the nearest one with a pyproject.toml [tool.dbplan]).",
)
@click.option(
    "--color/--no-color",
    "color",
    default=None,
    help="Colour the output of every command (default: on a terminal, unless NO_COLOR is "
    "set or TERM=dumb; FORCE_COLOR=1 turns it on).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, project_dir: str | None, color: bool | None) -> None:
    """dbplan: plan Alembic migrations from declared database states.

    Each release's database (schema and default rows) is one YAML snapshot under
    schema_state/. dbplan diffs two snapshots into an ordered, reviewable plan and
    writes an ordinary Alembic revision for it.

    \b
    Typical release:
      dbplan snapshot --release 1.4.0 --from-models app.models:Base
      dbplan plan                 # review what changes (newest two releases)
      dbplan generate -m "1.4.0"  # write migrations/versions/<rev>.py
      dbplan verify               # prove the chain reproduces every snapshot

    Exit codes: 0 ok, 1 error, 2 usage, 3 differences found, 4 refused by the
    safety gate (use --allow-destructive).
    """
    ctx.obj = Context(debug=debug, project_dir=project_dir, color=color)
    ctx.obj.session  # noqa: B018 - installed now: the project's targets reach every load


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the group, turning dbplan errors into exit codes."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(__import__("os").environ.get("DBPLAN_DEBUG"))
    try:
        cli.main(args=args, prog_name="dbplan", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as e:
        _show(e)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the last line of defence for users
        from planner.state.errors import DbplanError

        if debug:
            raise
        from planner.cli.output import echo_error

        if isinstance(e, DbplanError):
            echo_error(str(e))
        else:
            echo_error(f"{type(e).__name__}: {e}")
            click.echo("(run with --debug for the traceback)", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)


def _show(e: click.ClickException) -> None:
    """Print a click error with dbplan's one prefix (usage errors keep click's usage lines)."""
    from planner.cli.output import echo_error

    if isinstance(e, (Differences, click.UsageError)):
        e.show()
        return
    echo_error(e.format_message())


class Differences(DbplanError, click.ClickException):
    """Findings to report with exit code 3 (check, verify, drift, plan --check)."""

    exit_code = EXIT_DIFFERENCES

    def show(self, file=None) -> None:  # noqa: D102
        click.echo(self.format_message(), err=True)


class Refused(DbplanError, click.ClickException):
    """Refused by the safety gate: exit code 4."""

    exit_code = EXIT_REFUSED
