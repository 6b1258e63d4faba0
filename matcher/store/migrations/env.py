"""Alembic environment for the 招商台账: run programmatically by `matcher.store.db` (open_store upgrades a
new or old database to head) with the connection handed over in `config.attributes["connection"]`."""

from alembic import context

from matcher.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("run the store's migrations through matcher.store.db.upgrade()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
