"""Alembic's entry point for the question store's migrations.

`smcbot store upgrade` (and every bot at start) runs them through
`smcbot.store.migrations`, which hands over a connection already inside a
transaction that holds the store's migration lock.
"""

from alembic import context

from smcbot.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
