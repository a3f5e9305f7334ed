"""PostgreSQL: ``pg_dump`` of a database for ``dbplan verify --pg-dump``."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from planner.runtime.errors import MigrationError


def _libpq_url(url: str) -> str:
    import sqlalchemy as sa

    u = sa.engine.make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


#: pg_dump lines that differ between any two dumps (version banner, PostgreSQL 15.14+
#: ``\\restrict`` tokens)
_VOLATILE = ("-- Dumped ", "\\restrict ", "\\unrestrict ")


def _dump_line(line: str) -> str:
    """A dump line with equivalent spellings unified (capture's current-time normal form:
    the column default ``CURRENT_TIMESTAMP`` is ``now()``)."""
    return line.replace("DEFAULT CURRENT_TIMESTAMP", "DEFAULT now()")


def dump_text(url: str, snapshot: Any, *, version_table: str) -> str:
    """``pg_dump --schema-only`` (without alembic_version) plus the managed rows, sorted."""
    import sqlalchemy as sa

    exe = shutil.which("pg_dump")
    if exe is None:
        raise MigrationError("pg_dump not found on PATH (install the PostgreSQL client tools)")
    cmd = [
        exe,
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        f"--exclude-table={version_table}",
        f"--dbname={_libpq_url(url)}",
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"}
    )
    if proc.returncode != 0:
        raise MigrationError(f"pg_dump failed ({proc.returncode}): {proc.stderr.strip()}")
    lines = [_dump_line(ln) for ln in proc.stdout.splitlines() if not ln.startswith(_VOLATILE)]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        md = sa.MetaData()
        with engine.connect() as conn:
            for t in snapshot.tables:
                if t.rows is None:
                    continue
                sat = sa.Table(t.name, md, schema=t.schema, autoload_with=conn)
                # the columns the rows declare: undeclared ones (a serial key) may differ
                declared = sorted({c for r in t.rows.rows for c, _ in r}, key=t.column_names.index)
                lines.append(f"-- managed rows of {t.qualified_name} ({', '.join(declared)})")
                query = sa.select(*[sat.c[c] for c in declared]).order_by(
                    *[sat.c[k] for k in t.rows.key]
                )
                lines += [repr(tuple(row)) for row in conn.execute(query)]
    finally:
        engine.dispose()
    return "\n".join(lines) + "\n"
