"""Our operations -> Alembic operation objects -> the text of ``upgrade()`` / ``downgrade()``.

:func:`to_alembic_ops` walks a plan's operations in order, keeping the snapshot state
before and after each one (``op.apply_to``), and converts each with the function
registered for its type in :data:`TO_ALEMBIC`. Standard Alembic ops carry everything
Alembic needs (``existing_*`` values for MySQL's ``MODIFY``); the few portable
differences between dialects are :class:`~planner.revisions.alembic_ops.DialectSwitchOp`
branches decided at run time. Consecutive table alterations are grouped into one
:class:`~planner.revisions.alembic_ops.TableBatchOp`, rendered as ``with op.batch_alter_table(...)`` (SQLite rebuilds the
table there; elsewhere batch mode is a plain wrapper).

:func:`render_body` renders through ``alembic.autogenerate.render_python_code``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops as alembic_ops

from planner import ops as our
from planner.dialects import all_dialects
from planner.revisions import alembic_ops as custom
from planner.revisions import (  # noqa: F401 - register converters
    convert_autoincrement,
    convert_collations,
    convert_constraint_comments,
    convert_enum_renames,
    convert_identity,
    convert_on_update,
    convert_partitions,
    convert_pg_objects,
    convert_pg_tables,
    convert_pg_types,
    convert_policies,
    convert_routines,
    convert_rowmodes,
    convert_rows,
    convert_schema,
    convert_steps,
    convert_views,
)
from planner.revisions.convert import BATCHED, REBUILD_SUFFIX, TO_ALEMBIC, EmitContext
from planner.revisions.emit_targets import _for_targets, _runtime_names
from planner.revisions.literals import sql_text_call
from planner.revisions.row_guards import preflight_guards
from planner.revisions.sa_bridge import (
    new_sa_type,
    sa_column,
    sa_foreign_key,
    sa_table,
    sa_table_full,
    sa_type,
)
from planner.revisions.sqlite_batch import _note_batches, _prepare_batches, _renamed, _sqlite_only

if TYPE_CHECKING:
    from planner.plan import Plan

#: server defaults written as portable SQLAlchemy expressions (SQLite has no now())
_PORTABLE_DEFAULTS = {"now()": "sa.func.now()", "current_timestamp": "sa.func.now()"}

# ------------------------------------------------------------------ plan -> ops -> text


def _renames_column(m: custom.TableBatchOp) -> bool:
    return any(isinstance(o, alembic_ops.AlterColumnOp) and o.modify_name for o in m.ops)


def _group(operations: list) -> list:
    """Move batched table alterations into TableBatchOps; merge consecutive ones per table.

    A batch that renames a column is not extended: SQLite's batch keeps the column under
    its old name until the rebuild, so a later op naming the new name would not find it
    (KeyError), while PostgreSQL and MariaDB run each op at once and need the new name.
    """
    out: list = []
    for o in operations:
        if isinstance(o, BATCHED):
            o = custom.TableBatchOp(o.table_name, [o], schema=o.schema)
        if (
            isinstance(o, custom.TableBatchOp)
            and out
            and isinstance(out[-1], custom.TableBatchOp)
            and (out[-1].table_name, out[-1].schema) == (o.table_name, o.schema)
            and not _renames_column(out[-1])
        ):
            out[-1].ops.extend(o.ops)
            first, last = out[-1].plan, o.plan
            if first is not None and last is not None:
                out[-1].plan = custom.BatchPlan(
                    first.before, last.after, first.snapshot_before, last.snapshot_after
                )
            else:
                out[-1].plan = None
        else:
            out.append(o)
    return out


def to_alembic_ops(plan: Plan) -> list[alembic_ops.MigrateOperation]:
    """The Alembic operations of a plan, in the plan's order.

    Example:
        >>> from planner.plan import make_plan
        >>> from planner.state.model import Snapshot
        >>> from planner.state.yamlio import load_snapshot
        >>> s = load_snapshot("schema_state/0.1.0.yaml")
        >>> sorted({type(o).__name__ for o in to_alembic_ops(make_plan(Snapshot(release="empty"), s))})
        ['CreateIndexOp', 'CreateTableOp', 'DialectSwitchOp', 'InsertRowsOp']
    """
    state = plan.old
    out: list = []
    first: list = []  # PostgreSQL enum values, added before anything else (see below)
    touched: set[str] = set()
    apart = _apart_foreign_keys(plan.ops)
    for op in plan.ops:
        after = op.apply_to(state)
        converted = TO_ALEMBIC.dispatch(
            op, EmitContext(before=state, after=after, apart=apart, new=plan.new)
        )
        if (
            isinstance(op, our.AddEnumValue)
            and op.enum_name in plan.old.enums_by_name()
            and op.enum_name not in touched
        ):
            converted = _hoist_autocommit(converted, first)
        elif isinstance(op, (our.CreateEnum, our.DropEnum, our.RebuildEnum)):
            touched.add(
                op.enum.name if isinstance(op, (our.CreateEnum, our.DropEnum)) else op.enum_name
            )
        _note_batches(converted, _renamed(op, state, after), after)
        out.extend(converted)
        state = after
    names = _runtime_names(plan.targets)
    # guards first: a managed row colliding with a user's row stops the revision before
    # anything (even the autocommitted enum values) is changed
    operations = preflight_guards(plan) + first + out
    if names != _runtime_names(all_dialects()):
        operations = _for_targets(operations, names, plan.targets)
    grouped = _group(operations)
    if any(t.alters_by_rebuild for t in plan.targets):
        _prepare_batches(grouped)
        if all(t.alters_by_rebuild for t in plan.targets):
            _sqlite_only(grouped)
    return grouped


def _apart_foreign_keys(ops: Sequence[our.Operation]) -> dict:
    """The foreign keys added to the plan's new tables and dropped from its dropped
    tables by their own operations (not folded: tables in a cycle), per table."""
    created = {op.table_key for op in ops if isinstance(op, our.CreateTable)}
    dropped = {op.table_key for op in ops if isinstance(op, our.DropTable)}
    out: dict = {}
    for op in ops:
        if (isinstance(op, our.AddForeignKey) and op.table_key in created) or (
            isinstance(op, our.DropForeignKey) and op.table_key in dropped and not op.uses
        ):
            if _dotted(op.fk):
                continue  # rendered by its own op, targets as Column objects, everywhere
            out[op.table_key] = (*out.get(op.table_key, ()), op.fk)
    return out


def _dotted(fk: Any) -> bool:
    """A name of the key has a dot, which ``CREATE TABLE``'s renderer would split."""
    names = (fk.ref_schema or "", fk.ref_table, *fk.ref_columns, *fk.columns)
    return any("." in n for n in names)


def _hoist_autocommit(converted: list, first: list) -> list:
    """Move the PostgreSQL branch (ALTER TYPE ... ADD VALUE in an autocommit block) to ``first``.

    An autocommit block commits the revision's transaction so far: in the middle of a
    revision it would make a later failure leave the earlier DDL behind (and the revision
    could not run again). At the very start only the enum values, added with IF NOT EXISTS,
    outlive a failure, and the revision re-runs cleanly.
    """
    rest: list = []
    for o in converted:
        if (
            isinstance(o, custom.DialectSwitchOp)
            and o.branches
            and tuple(o.branches[0][0]) == tuple(custom.POSTGRESQL)
        ):
            first.append(custom.DialectSwitchOp([o.branches[0]]))
            if o.branches[1:] or o.otherwise:
                rest.append(custom.DialectSwitchOp(o.branches[1:], o.otherwise))
        else:
            rest.append(o)
    return rest


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    from alembic.autogenerate.render import _repr_type
    from sqlalchemy.dialects import postgresql

    if type_ == "type" and isinstance(obj, sa.Enum):
        return custom.pg_enum_source(
            obj.name, obj.enums, create_type=False, schema=getattr(obj, "schema", None)
        )
    # Alembic spells the arguments of these PostgreSQL types without the ``sa.`` prefix
    if (
        type_ == "type"
        and isinstance(obj, postgresql.ARRAY)
        and not getattr(obj, "_variant_mapping", None)
    ):
        return f"postgresql.ARRAY({_repr_type(obj.item_type, autogen_context)})"
    if (
        type_ == "type"
        and isinstance(obj, (postgresql.JSON, postgresql.JSONB))
        and not getattr(obj, "_variant_mapping", None)
    ):
        # a managed row's None is SQL NULL, not the JSON null (Alembic drops the flag)
        flag = "none_as_null=True" if getattr(obj, "none_as_null", False) else ""
        return f"postgresql.{type(obj).__name__}({flag})"
    if type_ == "type" and isinstance(obj, postgresql.DOMAIN):
        # postgresql.TYPE(name): a type the database has; never created or dropped here
        schema = f", schema={str(obj.schema)!r}" if obj.schema else ""  # other.pair
        # geometry(Point,4326), "char": the DDL's text as it is, never quoted
        verbatim = ", quote=False" if getattr(obj.name, "quote", None) is False else ""
        return (
            f"postgresql.DOMAIN({str(obj.name)!r}, sa.Text(){schema}, create_type=False{verbatim})"
        )
    if type_ == "server_default":
        if obj is None:
            return "None"
        arg = getattr(obj, "arg", obj)
        text = arg.text if isinstance(arg, sa.TextClause) else arg if isinstance(arg, str) else None
        if text is None:
            return False
        if text.strip().lower() in _PORTABLE_DEFAULTS:
            return _PORTABLE_DEFAULTS[text.strip().lower()]
        return sql_text_call(text)
    return False


_IMPORT_NEEDS = (
    ("datetime.", "import datetime"),
    ("decimal.", "import decimal"),
    ("uuid.", "import uuid"),
    ("postgresql.", "from sqlalchemy.dialects import postgresql"),
    ("mysql.", "from sqlalchemy.dialects import mysql"),
)


def _uses(text: str, marker: str) -> bool:
    """Does ``marker`` (``postgresql.``) occur in ``text`` not preceded by a word character
    or a dot? (``str.find``: a look-behind regular expression scans megabytes slowly.)

    Example:
        >>> _uses("sa.Column(x, postgresql.JSONB())", "postgresql."), _uses("x.mysql.y", "mysql.")
        (True, False)
    """
    at = text.find(marker)
    while at >= 0:
        before = text[at - 1] if at else ""
        if not (before == "." or before.isalnum() or before == "_"):
            return True
        at = text.find(marker, at + 1)
    return False


def render_ops(
    operations: Sequence[alembic_ops.MigrateOperation], *, downgrade: bool = False
) -> str:
    """Render Alembic operations as a function body (Alembic's renderer, batch mode).

    Dialect modules the text uses are imported at the top of the body, so the file
    needs nothing from the template's ``${imports}``.

    Example:
        >>> render_ops([])
        '# ### commands auto generated by Alembic - please adjust! ###\\n    pass\\n    # ### end Alembic commands ###'
    """
    container_cls = alembic_ops.DowngradeOps if downgrade else alembic_ops.UpgradeOps
    text = render_python_code(
        container_cls(ops=list(operations)), render_as_batch=True, render_item=_render_item
    )
    imports = [line for marker, line in _IMPORT_NEEDS if _uses(text, marker)]
    if imports:
        text = "\n    ".join(imports) + "\n    " + text
    return text


def render_body(plan: Plan, *, downgrade: bool = False, header: Sequence[str] = ()) -> str:
    """The text of ``upgrade()`` (or ``downgrade()``) for a plan, ``header`` comments first.

    Example:
        >>> from planner.plan import make_plan
        >>> from planner.state.model import Snapshot
        >>> from planner.state.yamlio import load_snapshot
        >>> s = load_snapshot("schema_state/0.1.0.yaml")
        >>> body = render_body(make_plan(Snapshot(release="empty"), s), header=["# dbplan: from=empty to=0.1.0"])
        >>> body.splitlines()[0]
        '# dbplan: from=empty to=0.1.0'
    """
    text = render_ops(to_alembic_ops(plan), downgrade=downgrade)
    if header:
        text = "\n    ".join(header) + "\n    " + text
    return text


__all__ = [
    "REBUILD_SUFFIX",
    "TO_ALEMBIC",
    "EmitContext",
    "sa_foreign_key",
    "render_body",
    "render_ops",
    "sa_column",
    "sa_table",
    "sa_table_full",
    "new_sa_type",
    "sa_type",
    "to_alembic_ops",
]
