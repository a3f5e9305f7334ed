"""``dbplan sql FROM TO --dialect D [--downgrade]``: the SQL a revision runs, for a DBA.

The revision dbplan generates for FROM -> TO (the same text ``dbplan generate`` writes) is
run in Alembic's offline mode (``alembic upgrade --sql``) for one dialect: every
statement is printed instead of executed, row values as literals, no database needed.
The script is what the revision runs, in its order, inside ``BEGIN``/``COMMIT`` where the
dialect runs DDL in transactions; the ``alembic_version`` bookkeeping is left out.

A revision asks the database one question at run time: on MariaDB/MySQL, whether the
index InnoDB made for a foreign key is still there after the key is dropped. Offline,
dbplan answers it as InnoDB does: the index is there unless another index, unique or
primary key of the table (in the state before the revision) starts with the key's
columns. Guards that read rows (a managed row still referenced) are skipped offline, as
Alembic's ``--sql`` skips them; the script says so in a comment.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import tempfile
from pathlib import Path

import click

from planner.cli.output import complete_releases

_from_arg = click.argument("from_release", metavar="FROM", shell_complete=complete_releases)
_to_arg = click.argument("to_release", metavar="TO", shell_complete=complete_releases)


@click.command("sql")
@_from_arg
@_to_arg
@click.option(
    "--dialect",
    "dialect_name",
    required=True,
    metavar="DIALECT",
    help="The database the SQL is for: one of the project's target dialects "
    "(postgresql, sqlite, mysql for MySQL 8, mariadb for MariaDB: their DDL differs).",
)
@click.option(
    "--downgrade",
    is_flag=True,
    help="Print the revision's downgrade (TO back to FROM) instead of its upgrade.",
)
@click.pass_obj
def sql(obj, from_release: str, to_release: str, dialect_name: str, downgrade: bool) -> None:
    """Print the SQL the revision FROM -> TO runs on DIALECT, without a database.

    The revision is the one `dbplan generate FROM TO` writes, run in Alembic's offline
    mode (`--sql`): DDL and row changes in order, row values as literals. Review it, or
    run it by hand (psql -f, mysql <, sqlite3) on a database at FROM.

    \b
    Examples:
      dbplan sql 0.4.0 0.5.0 --dialect postgresql > 0.5.0.sql
      dbplan sql 0.4.0 0.5.0 --dialect mysql --downgrade

    Exit codes: 0 printed, 1 error (invalid snapshot, unknown dialect), 2 usage.
    """
    from planner.cli.db_cmd import user_errors
    from planner.cli.plan_cmd import is_downgrade, resolve_releases

    project = obj.project
    releases = project.releases()
    frm, to = resolve_releases(releases, from_release, to_release)
    if is_downgrade(releases, frm, to):
        raise click.UsageError(
            f"FROM {frm} comes after TO {to}: give the revision's releases in order and "
            "--downgrade for its way back"
        )
    with user_errors(obj):
        dialect = _target(project, dialect_name)
        text = offline_sql(
            project, frm, to, dialect, downgrade=downgrade, runtime_name=dialect_name.lower()
        )
    click.echo(text, nl=False)


def _target(project, name: str):
    from planner import dialects

    try:
        dialect = dialects.get(name)
    except Exception:  # noqa: BLE001 - an unknown name: say which are known
        dialect = None
    targets = list(project.targets)
    if dialect is None or dialect.name not in {t.name for t in targets}:
        known = ", ".join(t.name for t in targets)
        raise click.BadParameter(
            f"{name!r} is not a target dialect of this project (targets: {known})",
            param_hint="--dialect",
        )
    return dialect


def offline_sql(
    project, frm: str, to: str, dialect, *, downgrade: bool = False, runtime_name: str = ""
) -> str:
    """The SQL of the revision ``frm -> to`` (its downgrade with ``downgrade``) on
    ``dialect``, as Alembic's offline mode writes it. ``runtime_name``: the SQLAlchemy
    name of the database variant (one of ``dialect.runtime_names``, e.g. MariaDB's),
    default the dialect's own.

    Example:
        >>> from planner import dialects
        >>> sql = offline_sql(project, "empty", "0.1.0", dialects.get("sqlite"))
        >>> sql.splitlines()[0].startswith("-- dbplan sql empty -> 0.1.0 (upgrade) for sqlite")
        True
        >>> "CREATE TABLE" in sql
        True
    """
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from planner.revisions.generation import load_release, render_revision

    old, new = load_release(project, frm), load_release(project, to)
    rendered = render_revision(old, new, from_release=frm, to_release=to, targets=project.targets)
    body = rendered.downgrades if downgrade else rendered.upgrades
    module = _load_module(body)
    before = (new if downgrade else old) or None
    buf = io.StringIO()
    variant = runtime_name if runtime_name in dialect.runtime_names else dialect.name
    ctx = MigrationContext.configure(
        dialect_name=variant,
        # "named": a literal % stays one % (pyformat drivers would double it for no driver)
        dialect_opts={"paramstyle": "named"},
        opts={"as_sql": True, "output_buffer": buf, "literal_binds": True},
    )
    head = f"{to} -> {frm} (downgrade)" if downgrade else f"{frm} -> {to} (upgrade)"
    lines = [f"-- dbplan sql {head} for {variant}: revision {rendered.rev_id}", ""]
    with Operations.context(ctx):
        ops = _OfflineOperations(ctx, before)
        module.op = ops
        with ctx.begin_transaction():
            module.run()
    lines.append(buf.getvalue().rstrip("\n"))
    return "\n".join(lines).rstrip("\n") + "\n"


def _load_module(body: str):
    """The revision's functions as a module (code dbplan itself just rendered)."""
    source = f"import sqlalchemy as sa\n\nop = None\n\n\ndef run():\n    {body}\n"
    with tempfile.TemporaryDirectory(prefix="dbplan_sql_") as tmp:
        path = Path(tmp) / "dbplan_offline_revision.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("dbplan_offline_revision", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    sys.modules.pop("dbplan_offline_revision", None)
    return module


def _covered(table, columns: tuple[str, ...]) -> bool:
    """Whether an index, unique or primary key of ``table`` starts with ``columns``."""
    n = len(columns)
    keys = [tuple(ix.columns) for ix in table.indexes if getattr(ix, "columns", None)]
    keys += [tuple(u.columns) for u in table.uniques]
    if table.primary_key is not None:
        keys.append(tuple(table.primary_key.columns))
    return any(k[:n] == tuple(columns) for k in keys)


class _OfflineBind:
    """What ``op.get_bind()`` gives the revision offline: answers the one question it asks
    (the indexes of a table, for the foreign-key index InnoDB made) from the snapshot."""

    def __init__(self, before, dialect):
        self.before = before
        self.dialect = dialect

    def get_indexes(self, table_name: str, schema: str | None = None) -> list[dict]:
        if self.before is None:
            return []
        t = self.before.get_table((schema, table_name))
        if t is None:
            return []
        out = [{"name": ix.name} for ix in t.indexes]
        for fk in t.foreign_keys:
            if not _covered(t, tuple(fk.columns)):
                out.append({"name": fk.name})
        return out


def _register_inspection() -> None:
    from sqlalchemy import inspection

    if _OfflineBind not in inspection._registrars:
        inspection._inspects(_OfflineBind)(lambda bind: bind)


class _OfflineOperations:
    """``op`` for the revision offline: Alembic's operations, with ``get_bind()`` answered
    by :class:`_OfflineBind`."""

    def __init__(self, ctx, before):
        from alembic.operations import Operations

        self._ops = Operations(ctx)
        _register_inspection()
        self._bind = _OfflineBind(before, ctx.dialect)

    def get_bind(self):
        return self._bind

    def __getattr__(self, name):
        return getattr(self._ops, name)
