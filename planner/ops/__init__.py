"""Operations: one frozen dataclass per verb, each a pure edit of a :class:`Snapshot`.

Every operation knows what it needs, gives and removes (``Ref`` pairs such as
``(RefKind.TABLE, (None, "sites"))``, kinds in :class:`~planner.ops.base.RefKind`), how it reads (``describe()``), its inverse
(``reverse()``, built from the old values it stores, Alembic's ``existing_*``), its
risk class and where it sorts in a plan (``sort_key()``). ``apply_to`` is Django's
``state_forwards`` made pure: it returns the snapshot after the operation.

Operations on a table always refer to the table (and its columns) by the names they
have *when the operation runs*: renames come first in a plan, so every other op uses
the new names.

Modules: :mod:`~planner.ops.base` (``Ref``, risk, phases, errors, :class:`Operation`),
:mod:`~planner.ops.tables` (tables, columns), :mod:`~planner.ops.keys` (indexes,
constraints), :mod:`~planner.ops.data` (enums, managed rows, :func:`apply_ops`); every
name is importable from ``planner.ops``.

Risk classes:

=============================================  ======================
operation                                       risk
=============================================  ======================
create table / enum, add column, insert rows    safe
rename table / column / constraint / index      safe
add enum value, set comment, drop default       safe
drop NOT NULL, drop index / FK / unique / check safe
index, unique or check/FK on a *new* table      safe
widening type change (String(40)->String(80))   locks
create index on an existing table               locks (unique: data-dependent)
drop primary key                                locks
add primary key                                 data-dependent
set server default                              safe
set NOT NULL on an existing column              data-dependent
add unique / check / FK on an existing table    data-dependent
narrowing or other type change                  data-dependent
backfill, update rows, rebuild enum             data-dependent
drop table, drop column, delete rows            destructive
drop enum                                       safe (no data)
=============================================  ======================

Example:
    >>> from planner.state.model import Column, Snapshot, Table
    >>> op = AddColumn(table_key=(None, "sites"), column=Column(name="name", type="String(80)"))
    >>> op.describe()
    'Add column sites.name String(80)'
    >>> op.reverse().describe()
    'Drop column sites.name'
"""

from __future__ import annotations

from planner.ops.autoincrement import AlterColumnAutoincrement
from planner.ops.base import (
    PHASE_ADD_COLUMN,
    PHASE_ADD_CONSTRAINT,
    PHASE_ADD_FK,
    PHASE_ALTER,
    PHASE_CREATE_TABLE,
    PHASE_DELETE_ROWS,
    PHASE_DROP_COLUMN,
    PHASE_DROP_CONSTRAINT,
    PHASE_DROP_ENUM,
    PHASE_DROP_FK,
    PHASE_DROP_TABLE,
    PHASE_ENUM,
    PHASE_INDEX,
    PHASE_RENAME,
    PHASE_ROWS,
    PHASE_SET_NOT_NULL,
    ApplyError,
    CycleError,
    IrreversibleError,
    Operation,
    PlannerError,
    Ref,
    RefKind,
    Risk,
    enums_of_type,
)
from planner.ops.collations import AlterColumnCollation
from planner.ops.constraint_comments import (
    SetConstraintComment,
    SetConstraintIndexComment,
    SetPolicyComment,
)
from planner.ops.data import (
    OPERATION_TYPES,
    AddEnumValue,
    CreateEnum,
    DeleteRows,
    DropEnum,
    InsertRows,
    RebuildEnum,
    SetEnumComment,
    UpdateRow,
    apply_ops,
)
from planner.ops.identity import AlterColumnIdentity
from planner.ops.index_comments import SetIndexComment, SetViewIndexComment
from planner.ops.keys import (
    CONSTRAINT_TYPES,
    AddCheck,
    AddForeignKey,
    AddPrimaryKey,
    AddUnique,
    CreateIndex,
    DropCheck,
    DropForeignKey,
    DropIndex,
    DropPrimaryKey,
    DropUnique,
    RenameConstraint,
    RenameIndex,
)
from planner.ops.on_update import AlterColumnOnUpdate
from planner.ops.pg_tables import (
    AddExclusion,
    AlterConstraintDeferrable,
    DropExclusion,
    SetTableLogged,
)
from planner.ops.pg_type_comments import SetAttributeComment, SetCollationComment
from planner.ops.routines import CreateRoutine, DropRoutine, ReplaceRoutine, SetRoutineComment
from planner.ops.rowmodes import ChangeRowMode, PruneRows
from planner.ops.tables import (
    AddColumn,
    AlterColumnComment,
    AlterColumnDefault,
    AlterColumnNullable,
    AlterColumnType,
    BackfillColumn,
    CreateTable,
    DropColumn,
    DropTable,
    RenameColumn,
    RenameTable,
    SetTableComment,
    is_widening,
)
from planner.ops.views import (
    CreateView,
    CreateViewIndex,
    DropView,
    DropViewIndex,
    SetViewColumnComment,
    SetViewComment,
)

__all__ = [
    "ChangeRowMode",
    "PruneRows",
    "AddCheck",
    "AddColumn",
    "AddEnumValue",
    "AddForeignKey",
    "AddPrimaryKey",
    "AddUnique",
    "AlterColumnAutoincrement",
    "AlterColumnCollation",
    "AlterColumnIdentity",
    "AlterColumnOnUpdate",
    "AlterConstraintDeferrable",
    "AddExclusion",
    "DropExclusion",
    "AlterColumnComment",
    "CreateRoutine",
    "CreateView",
    "CreateViewIndex",
    "DropView",
    "DropViewIndex",
    "SetViewColumnComment",
    "SetAttributeComment",
    "SetCollationComment",
    "SetViewComment",
    "DropRoutine",
    "ReplaceRoutine",
    "SetRoutineComment",
    "SetIndexComment",
    "SetConstraintComment",
    "SetConstraintIndexComment",
    "SetPolicyComment",
    "SetViewIndexComment",
    "AlterColumnDefault",
    "AlterColumnNullable",
    "AlterColumnType",
    "ApplyError",
    "BackfillColumn",
    "CONSTRAINT_TYPES",
    "CreateEnum",
    "CreateIndex",
    "CreateTable",
    "CycleError",
    "DeleteRows",
    "DropCheck",
    "DropColumn",
    "DropEnum",
    "DropForeignKey",
    "DropIndex",
    "DropPrimaryKey",
    "DropTable",
    "DropUnique",
    "InsertRows",
    "IrreversibleError",
    "OPERATION_TYPES",
    "Operation",
    "PHASE_ADD_COLUMN",
    "PHASE_ADD_CONSTRAINT",
    "PHASE_ADD_FK",
    "PHASE_ALTER",
    "PHASE_CREATE_TABLE",
    "PHASE_DELETE_ROWS",
    "PHASE_DROP_COLUMN",
    "PHASE_DROP_CONSTRAINT",
    "PHASE_DROP_ENUM",
    "PHASE_DROP_FK",
    "PHASE_DROP_TABLE",
    "PHASE_ENUM",
    "PHASE_INDEX",
    "PHASE_RENAME",
    "PHASE_ROWS",
    "PHASE_SET_NOT_NULL",
    "PlannerError",
    "RebuildEnum",
    "SetEnumComment",
    "Ref",
    "RefKind",
    "RenameColumn",
    "RenameConstraint",
    "RenameIndex",
    "SetTableLogged",
    "RenameTable",
    "Risk",
    "SetTableComment",
    "UpdateRow",
    "apply_ops",
    "enums_of_type",
    "is_widening",
]
