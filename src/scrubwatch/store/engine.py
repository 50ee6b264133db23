"""Engines and migrations: SQLite tuned for one writer, PostgreSQL as it comes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

import scrubwatch.migrations
from scrubwatch.errors import StorageError


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout.

    An in-memory SQLite database is refused: every capture and change would vanish when the
    command ends, and the WARC files would point at nothing.
    """
    if url in ("sqlite://", "sqlite:///", "sqlite:///:memory:") or ":memory:" in url:
        raise StorageError(f"{url} is an in-memory database: name a file (sqlite:///PATH)")
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_settings)
    return engine


def dispose_for_good(engine: Engine) -> None:
    """Close the engine's connections, and each one still in use as soon as it comes back.

    `Engine.dispose` closes idle connections only. One a thread is still using (a store call
    in `asyncio.to_thread` whose task was cancelled when the command stopped) would return to
    the discarded pool and stay open until the garbage collector found it. A store used after
    this still works, on connections closed after each use.
    """
    if not event.contains(engine, "checkin", _close_on_return):
        event.listen(engine, "checkin", _close_on_return)
    engine.dispose()


def _close_on_return(_dbapi_connection: Any, record: Any) -> None:
    record.invalidate()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _postgresql_settings(dbapi_connection: Any, _record: Any) -> None:
    """No JIT compilation: every query here reads a page's worth of rows, but the planner's
    cost of a query with per-row subqueries (outage detection, outlet health) passes JIT's
    threshold, and compiling took 10-25 ms of a 15 ms query (bench_scale, #17)."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a session setting, outside any transaction
    dbapi_connection.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit


def reading_engine(engine: Engine) -> Engine:
    """The engine to read with: on PostgreSQL, the same pool in autocommit mode.

    PostgreSQL reads at READ COMMITTED, where each statement takes its own snapshot even
    inside a transaction, so a BEGIN and a COMMIT around reads only add two round trips
    (a third of a worker's statements per check). SQLite keeps its transactions: there one
    read transaction does see one snapshot.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


_MIGRATIONS = Path(scrubwatch.migrations.__file__).parent


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision.

    A schema already there is told by one query, without loading Alembic and its scripts
    (a fifth of a second that every command would pay).
    """
    if _schema_revision(engine) == newest_revision():
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def newest_revision() -> str:
    """The newest migration's revision id: each file is named after its revision
    (`0008_web_added.py` is revision "0008"; a test holds every migration to that)."""
    return max(
        path.name[:4] for path in (_MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    )


def _schema_revision(engine: Engine) -> str | None:
    """The database's Alembic revision; None for a new database (or an unreadable one)."""
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
    return str(found) if found is not None else None
