"""robots.txt, read once per host and cached, interpreted by protego (RFC 9309).

A robots.txt that fails (5xx) means "disallow for now", as RFC 9309 asks; an unreachable host
fails the fetch with the network error itself, which says more than "disallowed". Both are
re-tried after a short while. A missing robots.txt (4xx) means everything is allowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from scrubwatch.errors import FetchError

FOUND_TTL = 24 * 3600.0  # re-read a robots.txt daily
ERROR_TTL = 600.0  # after a server error, try again in 10 minutes


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    """May this URL be fetched, and how slowly."""

    allowed: bool
    crawl_delay: float | None = None


@dataclass
class _Entry:
    rules: Protego | None  # None: everything allowed
    disallow_all: bool
    expires: float
    error: FetchError | None = None  # the host could not be reached


class RobotsCache:
    """Per-origin robots.txt rules, fetched on first use through `fetch_robots`."""

    def __init__(
        self,
        fetch_robots: Callable[[str], Awaitable[tuple[int, bytes]]],
        *,
        clock: Callable[[], float],
    ) -> None:
        self._fetch = fetch_robots
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str, agent: str) -> RobotsVerdict:
        """The verdict for `url` under the rules of its origin."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        entry = await self._entry(origin)
        if entry.error is not None:
            raise type(entry.error)(f"{entry.error} (while reading robots.txt)")
        if entry.disallow_all:
            return RobotsVerdict(allowed=False)
        if entry.rules is None:
            return RobotsVerdict(allowed=True)
        delay = entry.rules.crawl_delay(agent)
        return RobotsVerdict(
            allowed=bool(entry.rules.can_fetch(url, agent)),
            crawl_delay=float(delay) if delay is not None else None,
        )

    async def _entry(self, origin: str) -> _Entry:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one fetch per origin, however many articles ask at once
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= self._clock():
                entry = await self._load(origin)
                self._entries[origin] = entry
            return entry

    async def _load(self, origin: str) -> _Entry:
        now = self._clock()
        try:
            status, body = await self._fetch(origin)
        except FetchError as exc:
            return _Entry(None, disallow_all=True, expires=now + ERROR_TTL, error=exc)
        if status >= 500:
            return _Entry(None, disallow_all=True, expires=now + ERROR_TTL)
        if status >= 400 or status < 200:
            return _Entry(None, disallow_all=False, expires=now + FOUND_TTL)
        text = body.decode("utf-8", errors="replace")
        return _Entry(Protego.parse(text), disallow_all=False, expires=now + FOUND_TTL)
