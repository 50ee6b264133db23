"""A discovery pass spends at most its budget on one outlet (bytes and time): sources past
it wait for the next pass, and what was found before is kept."""

from __future__ import annotations

import asyncio

from hostile import hostile_server
from scrubwatch.config import Settings
from scrubwatch.discover import Budget, Found, discover_outlet
from scrubwatch.fetch import Fetcher
from scrubwatch.model import Outlet


def _discover(outlet: Outlet, budget: Budget) -> list[Found]:
    async def go() -> list[Found]:
        async with Fetcher(Settings(obey_robots=False)) as fetcher:
            return await discover_outlet(fetcher, outlet, limit=100, budget=budget)

    return asyncio.run(go())


def test_sources_past_the_byte_budget_are_left_for_the_next_pass() -> None:
    log: list[tuple[float, str, dict[str, str]]] = []
    with hostile_server(log=log) as base:
        sources = ("/ok", "/static-article", "/static-etag")
        outlet = Outlet(host="127.0.0.1", feeds=tuple(base + p for p in sources))
        _discover(outlet, Budget(max_bytes=30, seconds=60))  # /ok alone is 37 bytes
        assert [path for _, path, _ in log] == ["/ok"]
        log.clear()
        _discover(outlet, Budget(max_bytes=10**9, seconds=60))  # the next pass, a new budget
        assert [path for _, path, _ in log] == list(sources)


def test_a_spent_time_budget_fetches_nothing_more() -> None:
    log: list[tuple[float, str, dict[str, str]]] = []
    with hostile_server(log=log) as base:
        outlet = Outlet(host="127.0.0.1", feeds=(f"{base}/ok",), homepage=f"{base}/ok")
        assert _discover(outlet, Budget(max_bytes=10**9, seconds=0.0)) == []
    assert log == []
