"""Alembic environment for the web war room's games database.

Alembic runs this file from :func:`stavka.web.db.upgrade`, which hands it the open
connection; imported any other way it does nothing.
"""

from __future__ import annotations

from alembic import context

from stavka.web.models import Base


def run() -> None:
    """Run the migrations on the connection that stavka.web.db.upgrade passed in."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("stavka.web migrations run through stavka.web.db.upgrade()")
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


try:
    _configured = context.config is not None
except (AttributeError, NameError):  # imported on its own, not by alembic
    _configured = False
if _configured:
    run()
