"""Realistic existing Alembic projects, built inside the tests, one per layout.

Each project is a small shop application ``<pkg>`` (a package name unique per test) with

* ``<pkg>/models.py``: a declarative Base **without a naming convention** — every
  primary key, foreign key, unique and check constraint is unnamed;
* an Alembic environment whose ``env.py`` imports ``<pkg>.models`` (so the project root
  must be on ``sys.path``) and reads ``SHOP_DATABASE_URL`` before the config's URL;
* three hand-written revisions (``r1`` creates the tables and inserts the default
  categories with ``op.bulk_insert``, ``r2`` adds orders, ``r3`` adds a column and a
  default row), in the layout's place.

Layouts (:data:`LAYOUTS`):

``root_ini``     alembic.ini at the root, ``script_location = %(here)s/alembic``
``flask``        Flask-Migrate: ``migrations/alembic.ini`` without ``script_location``
``toml``         ``[tool.alembic]`` in pyproject.toml (Alembic >= 1.16), no ini
``package``      ``script_location = <pkg>:migrations`` (migrations inside the package)
``subfolder``    ``db/alembic.ini`` with ``script_location = migrations`` (relative to db/)
``explicit``     ``deploy/shop-alembic.ini``, found only with ``--alembic-config``
``branched``     root alembic.ini; r2 and r2b branch from r1 and r3 merges them
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

LAYOUTS = ("root_ini", "flask", "toml", "package", "subfolder", "explicit", "branched")

BIN = Path(sys.executable).parent
DBPLAN = str(BIN / "dbplan")

MODELS_V1 = '''\
"""The shop's models (release 1.0.0): no naming convention, unnamed constraints."""

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Category(Base):
    __tablename__ = "categories"
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    code = sa.Column(sa.String(20), nullable=False, unique=True)
    name = sa.Column(sa.String(80), nullable=False)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (sa.CheckConstraint("price >= 0"),)
    id = sa.Column(sa.Integer, primary_key=True)
    category_id = sa.Column(sa.Integer, sa.ForeignKey("categories.id"), nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    price = sa.Column(sa.Numeric(10, 2), nullable=False, server_default="0")
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())


class Order(Base):
    __tablename__ = "orders"
    id = sa.Column(sa.Integer, primary_key=True)
    product_id = sa.Column(sa.Integer, sa.ForeignKey("products.id"), nullable=False)
    qty = sa.Column(sa.Integer, nullable=False)
'''

#: release 1.1.0: orders.qty renamed to quantity, products.description, a tags table
MODELS_V2 = (
    MODELS_V1.replace("release 1.0.0", "release 1.1.0")
    .replace(
        "    qty = sa.Column(sa.Integer, nullable=False)\n",
        "    quantity = sa.Column(sa.Integer, nullable=False)\n",
    )
    .replace(
        "    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())\n",
        "    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())\n"
        "    description = sa.Column(sa.Text)\n",
    )
    + """

class Tag(Base):
    __tablename__ = "tags"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(40), nullable=False, unique=True)
"""
)

DEFAULTS_V2 = '''\
"""The categories every installation needs (release 1.1.0)."""

ROWS = {
    "categories": [
        {"id": 1, "code": "books", "name": "Books"},
        {"id": 2, "code": "music", "name": "Music"},
        {"id": 3, "code": "games", "name": "Games"},
        {"id": 4, "code": "tools", "name": "Tools"},
    ]
}
'''

ENV_PY = '''\
"""Alembic environment of the shop: imports the application's models."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from {pkg}.models import Base

config = context.config
if config.config_file_name is not None and os.path.isfile(config.config_file_name):
    if config.file_config.has_section("loggers"):
        fileConfig(config.config_file_name)

target_metadata = Base.metadata


def _url():
    return os.environ.get("SHOP_DATABASE_URL") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    section = dict(config.get_section(config.config_ini_section, {{}}))
    section["sqlalchemy.url"] = _url()
    connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''

R1 = '''\
"""create categories and products

Revision ID: 3f1c2a9b7d01
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "3f1c2a9b7d01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    categories = op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("categories.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("price", sa.Numeric(10, 2), nullable=False, server_default="0"),
        sa.CheckConstraint("price >= 0"),
    )
    op.bulk_insert(
        categories,
        [
            {"id": 1, "code": "books", "name": "Books"},
            {"id": 2, "code": "music", "name": "Music"},
        ],
    )


def downgrade():
    op.drop_table("products")
    op.drop_table("categories")
'''

R2 = '''\
"""add orders

Revision ID: 8e4d0c55a1b2
Revises: 3f1c2a9b7d01
"""
from alembic import op
import sqlalchemy as sa

revision = "8e4d0c55a1b2"
down_revision = "3f1c2a9b7d01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("product_id", sa.Integer, sa.ForeignKey("products.id"), nullable=False),
        sa.Column("qty", sa.Integer, nullable=False),
    )


def downgrade():
    op.drop_table("orders")
'''

# the branched layout: r2b also revises r1, r3 merges r2 and r2b
R2B = '''\
"""add products.active

Revision ID: 5a7b9c1d3e2f
Revises: 3f1c2a9b7d01
"""
from alembic import op
import sqlalchemy as sa

revision = "5a7b9c1d3e2f"
down_revision = "3f1c2a9b7d01"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "products", sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true())
    )


def downgrade():
    with op.batch_alter_table("products") as batch:
        batch.drop_column("active")
'''

R3 = '''\
"""products.active, the games category

Revision ID: c0ffee123456
Revises: 8e4d0c55a1b2
"""
from alembic import op
import sqlalchemy as sa

revision = "c0ffee123456"
down_revision = "8e4d0c55a1b2"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "products", sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true())
    )
    categories = sa.table(
        "categories", sa.column("id", sa.Integer), sa.column("code"), sa.column("name")
    )
    op.bulk_insert(categories, [{"id": 3, "code": "games", "name": "Games"}])


def downgrade():
    op.execute("DELETE FROM categories WHERE code = 'games'")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("active")
'''

R3_MERGE = '''\
"""merge orders and active; the games category

Revision ID: c0ffee123456
Revises: 8e4d0c55a1b2, 5a7b9c1d3e2f
"""
from alembic import op
import sqlalchemy as sa

revision = "c0ffee123456"
down_revision = ("8e4d0c55a1b2", "5a7b9c1d3e2f")
branch_labels = None
depends_on = None


def upgrade():
    categories = sa.table(
        "categories", sa.column("id", sa.Integer), sa.column("code"), sa.column("name")
    )
    op.bulk_insert(categories, [{"id": 3, "code": "games", "name": "Games"}])


def downgrade():
    op.execute("DELETE FROM categories WHERE code = 'games'")
'''

HEAD = "c0ffee123456"

INI = """\
[alembic]
script_location = {location}
prepend_sys_path = {sys_path}
path_separator = os
sqlalchemy.url = {url}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""

# Flask-Migrate writes no script_location: flask_migrate.Migrate sets it to the folder
FLASK_INI = """\
# A generic, single database configuration.

[alembic]
# template used to generate migration files
# file_template = %%(rev)s_%%(slug)s

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Legacy:
    """An existing Alembic project on disk and how its own users run Alembic."""

    root: Path
    layout: str
    pkg: str
    #: the environment directory (env.py, versions/)
    env_dir: Path
    #: what `alembic` needs to find the config (["-c", "db/alembic.ini"]), and its cwd
    alembic_args: tuple[str, ...] = ()
    alembic_cwd: Path | None = None
    #: --alembic-config for `dbplan init --adopt` (only the explicit layout)
    adopt_args: tuple[str, ...] = ()

    def alembic(self, url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Plain Alembic, as the project's engineers run it (``alembic upgrade head``)."""
        env = {**os.environ, "SHOP_DATABASE_URL": url}
        if self.layout == "flask":
            # `flask db upgrade`: Flask-Migrate sets script_location to its directory
            code = (
                "import sys; from alembic.config import Config; from alembic import command; "
                "cfg = Config('migrations/alembic.ini'); "
                "cfg.set_main_option('script_location', 'migrations'); "
                "getattr(command, sys.argv[1])(cfg, *sys.argv[2:])"
            )
            cmd = [sys.executable, "-c", code, *args]
        else:
            cmd = [str(BIN / "alembic"), *self.alembic_args, *args]
        proc = subprocess.run(
            cmd, cwd=self.alembic_cwd or self.root, env=env, capture_output=True, text=True
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def write_release(self, models: str, defaults: str) -> None:
        """The engineer's next release: the models edited, the default rows in code."""
        (self.root / self.pkg / "models.py").write_text(models)
        (self.root / self.pkg / "defaults.py").write_text(defaults)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) if text.startswith("\n") else text)


def build(root: Path, layout: str, *, pkg: str) -> Legacy:
    """Write the existing project of ``layout`` under ``root`` (see the module docstring)."""
    assert layout in LAYOUTS, layout
    root.mkdir(parents=True, exist_ok=True)
    _write(root / pkg / "__init__.py", "")
    _write(root / pkg / "models.py", MODELS_V1)
    pyproject = f'[project]\nname = "{pkg}"\nversion = "1.0.0"\n'
    placeholder = "driver://user:pass@localhost/dbname"
    alembic_args: tuple[str, ...] = ()
    alembic_cwd = None
    adopt_args: tuple[str, ...] = ()
    if layout in ("root_ini", "branched"):
        env_dir = root / "alembic"
        _write(
            root / "alembic.ini",
            INI.format(location="%(here)s/alembic", sys_path=".", url=placeholder),
        )
    elif layout == "flask":
        env_dir = root / "migrations"
        _write(env_dir / "alembic.ini", FLASK_INI)
    elif layout == "toml":
        env_dir = root / "migrations"
        pyproject += (
            '\n[tool.alembic]\nscript_location = "%(here)s/migrations"\nprepend_sys_path = ["."]\n'
        )
    elif layout == "package":
        env_dir = root / pkg / "migrations"
        _write(env_dir / "__init__.py", "")
        _write(
            root / "alembic.ini",
            INI.format(location=f"{pkg}:migrations", sys_path=".", url=placeholder),
        )
    elif layout == "subfolder":
        env_dir = root / "db" / "migrations"
        _write(
            root / "db" / "alembic.ini",
            INI.format(location="migrations", sys_path="..", url=placeholder),
        )
        alembic_cwd = root / "db"  # script_location is relative: the team runs Alembic in db/
    else:  # explicit
        env_dir = root / "deploy" / "schema"
        ini = root / "deploy" / "shop-alembic.ini"
        _write(ini, INI.format(location="%(here)s/schema", sys_path="%(here)s/..", url=placeholder))
        alembic_args = ("-c", "deploy/shop-alembic.ini")
        adopt_args = ("--alembic-config", "deploy/shop-alembic.ini")
    _write(root / "pyproject.toml", pyproject)
    _write(env_dir / "env.py", ENV_PY.format(pkg=pkg))
    _write(env_dir / "script.py.mako", MAKO)
    versions = env_dir / "versions"
    _write(versions / "3f1c2a9b7d01_create_categories_and_products.py", R1)
    _write(versions / "8e4d0c55a1b2_add_orders.py", R2)
    if layout == "branched":
        _write(versions / "5a7b9c1d3e2f_add_products_active.py", R2B)
        _write(versions / "c0ffee123456_merge.py", R3_MERGE)
    else:
        _write(versions / "c0ffee123456_products_active.py", R3)
    return Legacy(
        root=root,
        layout=layout,
        pkg=pkg,
        env_dir=env_dir,
        alembic_args=alembic_args,
        alembic_cwd=alembic_cwd,
        adopt_args=adopt_args,
    )


def dbplan(root: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess:
    """The installed ``dbplan`` console script, run in the project root (a new process:
    each project imports its own models package, and nothing adds the root to sys.path
    but dbplan itself)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLALCHEMY_DATABASE_URI", "PYTHONPATH")
    }
    if url is not None:
        env["SQLALCHEMY_DATABASE_URI"] = url
    return subprocess.run(
        [DBPLAN, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
