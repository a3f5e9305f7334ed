"""dbplan: a declarative-state migration planner for SQLAlchemy/Alembic projects.

Release engineers declare the database of each release (schema and default rows) as a
YAML snapshot; dbplan diffs two snapshots into an ordered operation graph and emits
ordinary Alembic revision files.
"""

__version__ = "0.1.0"
