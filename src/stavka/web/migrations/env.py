"""Alembic environment for the web war room's games database (run from stavka.web.db)."""

from __future__ import annotations

from alembic import context

from stavka.web.models import Base

config = context.config
target_metadata = Base.metadata
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always given by stavka.web.db.upgrade
    raise RuntimeError("stavka.web migrations run through stavka.web.db.upgrade()")
context.configure(connection=connection, target_metadata=target_metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
