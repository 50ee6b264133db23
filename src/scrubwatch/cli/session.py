"""Opening the store and the runner for one command, and running async code at the edge.

The store (SQLAlchemy) and the runner (httpx, extraction) are imported when a command opens
them, not when the CLI starts: `scrubwatch extract` or `--help` never pay for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrubwatch.clock import Clock
    from scrubwatch.config import Settings
    from scrubwatch.runner import Runner
    from scrubwatch.store import Store


@contextmanager
def store_session(settings: Settings) -> Iterator[Store]:
    """The store for one command, closed afterwards."""
    from scrubwatch.store import open_store

    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


@asynccontextmanager
async def runner_session(
    settings: Settings, clock: Clock | None = None, *, shared_pacing: bool = False
) -> AsyncIterator[Runner]:
    """A store plus a runner (HTTP client, archive, processing thread) for one command.

    `shared_pacing`: per-host request spacing also holds across processes (scale-out
    workers), through the PostgreSQL store.
    """
    from scrubwatch.fetch import Fetcher
    from scrubwatch.runner import Runner
    from scrubwatch.store import open_store

    store = await asyncio.to_thread(open_store, settings)  # migrations run here: off the loop
    try:
        fetcher = None
        if shared_pacing:
            fetcher = Fetcher(settings, shared_pacing=store.shared_pacing())
        async with Runner(settings, store, clock=clock, fetcher=fetcher) as runner:
            yield runner
    finally:
        await asyncio.to_thread(store.close)
