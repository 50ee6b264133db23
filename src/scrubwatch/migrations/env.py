"""Alembic environment: runs migrations on the connection the store hands over.

The store calls `alembic upgrade head` programmatically with its own open connection in
`config.attributes["connection"]`, so migrations need no ini file and no second engine.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from scrubwatch.store.schema import metadata
from scrubwatch.store.search import include_name

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_name=include_name,  # full-text search objects live outside the metadata
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line, e.g. `alembic revision --autogenerate` during development
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        _run(conn)
