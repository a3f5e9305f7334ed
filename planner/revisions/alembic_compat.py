"""Rendering on every Alembic the dependency floor allows (>= 1.9), without touching
how Alembic renders its own operations.

Two things newer Alembic has and older lacks, supplied for dbplan's own types only:

* a renderer for check constraints (Alembic < 1.18 raises ``NotImplementedError`` for
  ``CreateCheckConstraintOp``): :class:`AddCheckOp` is dbplan's subclass, and its
  renderer uses Alembic's where there is one and otherwise writes the form newer Alembic
  writes, ``op.create_check_constraint('name', 'table', 'sql')`` (in batch mode
  ``batch_op.create_check_constraint('name', 'sql')``);
* ``new_column_name=`` in a rendered ``alter_column`` (Alembic < 1.16 leaves it out):
  :func:`with_new_column_name`.

Alembic's registry is only ever given dbplan's own types (the test in
``tests/revisions/test_alembic_isolation.py`` renders Alembic's ops before and after
importing dbplan).
"""

from __future__ import annotations

from alembic.autogenerate import renderers
from alembic.operations import ops as alembic_ops

_alembic_check = renderers.dispatch(alembic_ops.CreateCheckConstraintOp)


def _condition_sql(condition) -> str:
    text = getattr(condition, "text", None)
    if isinstance(text, str):
        return text
    if isinstance(condition, str):
        return condition
    return str(condition.compile(compile_kwargs={"literal_binds": True}))


class AddCheckOp(alembic_ops.CreateCheckConstraintOp):
    """Alembic's ``create_check_constraint``, rendered on every Alembic >= 1.9."""


@renderers.dispatch_for(AddCheckOp)
def _render_check(autogen_context, op: AddCheckOp) -> str:
    try:
        return _alembic_check(autogen_context, op)
    except NotImplementedError:  # Alembic < 1.18
        pass
    prefix = "batch_op" if autogen_context._has_batch else "op"
    args = [repr(op.constraint_name)]
    if not autogen_context._has_batch:
        args.append(repr(op.table_name))
    args.append(repr(_condition_sql(op.condition)))
    if not autogen_context._has_batch and op.schema:
        args.append(f"schema={op.schema!r}")
    return f"{prefix}.create_check_constraint({', '.join(args)})"


_INDENT = ",\n" + " " * 11


def with_new_column_name(text: str, op: alembic_ops.AlterColumnOp) -> str:
    """Alembic's rendered ``alter_column`` with ``new_column_name=``, which Alembic < 1.16
    leaves out (a rename would silently not happen), placed where newer Alembic puts it.

    Example:
        >>> op = alembic_ops.AlterColumnOp("t", "a", modify_name="b", existing_type=None)
        >>> print(with_new_column_name("op.alter_column('t', 'a',\\n           existing_nullable=True)", op))
        op.alter_column('t', 'a',
                   new_column_name='b',
                   existing_nullable=True)
    """
    newname = op.modify_name
    if newname is None or "new_column_name=" in text:
        return text
    head, *parts = text[:-1].split(_INDENT) if text.endswith(")") else (text,)
    at = 0
    while at < len(parts) and parts[at].split("=", 1)[0] in ("existing_type", "server_default"):
        at += 1
    parts.insert(at, f"new_column_name={newname!r}")
    return _INDENT.join([head, *parts]) + ")"
