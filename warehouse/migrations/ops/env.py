"""Alembic environment for the ops DB, run only from code (``warehouse.ops.migrate``).

The caller passes an open connection inside a write transaction, so every revision of
one upgrade commits together (SQLite and PostgreSQL both have transactional DDL).
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
