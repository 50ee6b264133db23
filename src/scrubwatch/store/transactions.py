"""Transactions of the SQL store, and what a database error means for the caller.

Each store method runs in one `Tx`. A failure that no later query could get past (a lost
connection, a server that is down, a full or broken disk) becomes StoreUnavailable and
stops a pass; any other becomes a plain StorageError and fails one article's check.
"""

from __future__ import annotations

import contextlib
import sqlite3

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)

from scrubwatch.errors import StorageError, StoreUnavailable


class Tx:
    """A connection in a transaction; SQLAlchemy errors become StorageError, or its subclass
    StoreUnavailable when the database itself cannot be used (see `storage_error`)."""

    def __init__(self, engine: Engine, *, write: bool) -> None:
        self.engine = engine
        self._write = write
        self._conn: Connection | None = None

    def __enter__(self) -> Connection:
        try:
            self._conn = self.engine.connect()
        except SQLAlchemyError as exc:
            # No connection at all: whatever the reason, no other query would fare better.
            raise StoreUnavailable(f"database unavailable: {_describe(exc)}") from exc
        try:
            if self._write and self.engine.dialect.name == "sqlite":
                # Take the write lock up front: a deferred transaction that reads then writes
                # can fail with "database is locked" instead of waiting its turn.
                self._conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                self._conn.begin()
        except SQLAlchemyError as exc:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            raise storage_error(exc, "database unavailable") from exc
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._conn is not None
        try:
            if exc_type is None:
                self._conn.commit()
            else:
                self._conn.rollback()
        except SQLAlchemyError as error:
            raise storage_error(error, "database write failed") from error
        finally:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
        if isinstance(exc, SQLAlchemyError):
            raise storage_error(exc, "database error") from exc


# SQLite primary result codes that mean the database file cannot be used at all: READONLY,
# IOERR, CORRUPT, FULL, CANTOPEN, NOTADB. (BUSY and LOCKED are contention, not a dead store.)
_SQLITE_UNUSABLE = frozenset({8, 10, 11, 13, 14, 26})
_SQLITE_UNUSABLE_WORDS = (
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
    "readonly database",
    "file is not a database",
    "database disk image is malformed",
)
# SQLSTATE prefixes with the same meaning on PostgreSQL: connection exception (08), invalid
# authorization (28), no such database (3D), insufficient resources such as a full disk or
# too many connections (53), server shutting down or not accepting connections (57P; not
# 57014, one cancelled query), system or I/O error (58).
_PG_UNUSABLE = ("08", "28", "3D", "53", "57P", "58")


def storage_error(exc: SQLAlchemyError, what: str) -> StorageError:
    """The StorageError for a SQLAlchemy error: StoreUnavailable when the store itself failed.

    Callers stop a whole pass on StoreUnavailable, while any other StorageError (a constraint
    one article's data hit) fails only that article's check; so only what no later query
    could get past counts: a lost connection, a server that is down, a full or broken disk.
    """
    message = f"{what}: {_describe(exc)}"
    return StoreUnavailable(message) if _unusable(exc) else StorageError(message)


def _unusable(exc: SQLAlchemyError) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (InterfaceError, DisconnectionError)):
        return True  # the driver's connection is closed or broken
    if not isinstance(exc, OperationalError):
        return False  # IntegrityError, DataError, ProgrammingError...: this query's fault
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        text = str(orig).lower()
        return (orig.sqlite_errorcode & 0xFF) in _SQLITE_UNUSABLE or any(
            words in text for words in _SQLITE_UNUSABLE_WORDS
        )
    state = getattr(orig, "sqlstate", None)
    # PostgreSQL errors without a SQLSTATE come from the client: the connection failed.
    return state is None or str(state).startswith(_PG_UNUSABLE)


def _describe(exc: SQLAlchemyError) -> str:
    """The driver's own message on one line, without SQLAlchemy's SQL echo and links."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc).split("\n(Background", 1)[0]
    return " ".join(text.split()) or type(exc).__name__
