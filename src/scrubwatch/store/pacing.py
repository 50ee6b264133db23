"""Per-host request spacing shared by every worker, kept in PostgreSQL.

Each process paces its own requests (`politeness.HostGate`); with several workers the
spacing a host asked for (Crawl-delay, adaptive slowing) must hold across all of them, so
the next free slot per host lives in one row that every worker books atomically.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

_BOOK = text(
    """
    INSERT INTO host_pacing (host, next_at)
    VALUES (:host, timezone('UTC', now()) + make_interval(secs => :spacing))
    ON CONFLICT (host) DO UPDATE
    SET next_at = GREATEST(host_pacing.next_at, timezone('UTC', now()))
                  + make_interval(secs => :spacing)
    RETURNING EXTRACT(EPOCH FROM (next_at - timezone('UTC', now())))
    """
)


class PostgresPacing:
    """`politeness.SharedPacing` on the store's PostgreSQL database."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("shared pacing needs PostgreSQL")
        self._engine = engine

    async def reserve(self, host: str, spacing: float) -> float:
        return await asyncio.to_thread(self._book, host, spacing)

    def _book(self, host: str, spacing: float) -> float:
        with self._engine.begin() as conn:
            until_end = float(conn.execute(_BOOK, {"host": host, "spacing": spacing}).scalar_one())
        return max(until_end - spacing, 0.0)
