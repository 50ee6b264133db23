"""Closing a store while a thread still uses it (a store call in `asyncio.to_thread` whose
task was cancelled when the command stopped): the query finishes, and its connection is
closed when it comes back instead of staying open in a discarded pool."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import text

from scrubwatch.store import SqlStore


def _is_closed(dbapi_connection: Any) -> bool:
    if hasattr(dbapi_connection, "closed"):  # psycopg
        return bool(dbapi_connection.closed)
    try:
        dbapi_connection.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_a_connection_in_use_when_the_store_closes_is_closed_on_its_return(
    store: SqlStore,
) -> None:
    holding, release = threading.Event(), threading.Event()
    used: list[Any] = []
    answers: list[int] = []

    def late_query() -> None:
        with store.engine.connect() as conn:
            used.append(conn.connection.dbapi_connection)
            holding.set()
            release.wait(10)
            answers.append(conn.execute(text("SELECT 41 + 1")).scalar_one())

    thread = threading.Thread(target=late_query)
    thread.start()
    assert holding.wait(10)
    store.close()
    assert not _is_closed(used[0])  # still in use: its query must be able to finish
    release.set()
    thread.join(10)
    assert answers == [42]
    assert _is_closed(used[0])


def test_a_closed_store_still_answers_and_keeps_no_connection_open(store: SqlStore) -> None:
    store.close()
    with store.engine.connect() as conn:
        dbapi_connection = conn.connection.dbapi_connection
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert _is_closed(dbapi_connection)
    store.close()  # closing twice is harmless
