"""Per-host pacing: how fast scrubwatch may talk to each outlet.

In the spirit of Scrapy's defaults: a few concurrent requests per host and no fixed delay,
unless robots.txt asks for one (Crawl-delay) or the host shows strain. Strain (errors,
429/503, timeouts, slow answers) raises a per-host delay that decays again while the host
is healthy, so politeness costs nothing on a healthy site and protects a struggling one.
A Retry-After answer holds every request to that host until the time it names.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Protocol

from scrubwatch.errors import HostBusy

SLOW_SECONDS = 3.0  # a response slower than this counts as strain
MAX_ADAPTIVE_DELAY = 60.0
FIRST_STRAIN_DELAY = 0.5
MAX_RETRY_AFTER = 3600.0  # never park a host for more than an hour on its say-so
# A Retry-After longer than this is not waited out in place: the fetch fails at once (the
# article is retried later), so one busy host cannot stall a pass for everyone else.
WAIT_IN_PLACE = 10.0


class SharedPacing(Protocol):
    """Spacing of requests to a host shared by several processes (scale-out workers)."""

    async def reserve(self, host: str, spacing: float) -> float:
        """Book the next slot for `host`, `spacing` seconds after the last one; returns how
        many seconds to wait before it starts."""
        ...


@dataclass
class HostGate:
    """Concurrency and spacing of requests to one host."""

    concurrency: int
    host: str = ""
    shared: SharedPacing | None = None  # when set, spacing also holds across processes
    min_delay: float = 0.0  # configured floor or robots.txt Crawl-delay
    adaptive_delay: float = 0.0
    clock: Callable[[], float] = time.monotonic
    _next_start: float = 0.0
    _held_until: float = 0.0
    _semaphore: asyncio.Semaphore = field(init=False)
    _lock: asyncio.Lock = field(init=False)

    def __post_init__(self) -> None:
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self._lock = asyncio.Lock()

    @property
    def delay(self) -> float:
        """Seconds between the starts of two requests to this host."""
        return max(self.min_delay, self.adaptive_delay)

    async def __aenter__(self) -> HostGate:
        self._refuse_if_held()
        await self._semaphore.acquire()
        try:
            async with self._lock:
                # A Retry-After may have come in while this request queued for its turn.
                self._refuse_if_held()
                wait = self._next_start - self.clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = max(self._next_start, self.clock()) + self.delay
                if self.shared is not None and self.delay > 0:
                    await asyncio.sleep(await self.shared.reserve(self.host, self.delay))
        except BaseException:
            self._semaphore.release()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._semaphore.release()

    def record(self, *, seconds: float, strained: bool) -> None:
        """Adapt the delay to one response: double on strain, halve while healthy."""
        if strained or seconds > SLOW_SECONDS:
            grown = max(self.adaptive_delay * 2, FIRST_STRAIN_DELAY, min(seconds, 10.0))
            self.adaptive_delay = min(grown, MAX_ADAPTIVE_DELAY)
        else:
            self.adaptive_delay = 0.0 if self.adaptive_delay < 0.05 else self.adaptive_delay / 2

    def _refuse_if_held(self) -> None:
        if self.held_for > WAIT_IN_PLACE:
            raise HostBusy(f"{self.host or 'the host'} asked us to wait {self.held_for:.0f} s more")

    def hold(self, seconds: float) -> None:
        """No request to this host starts before `seconds` from now (Retry-After)."""
        seconds = min(max(seconds, 0.0), MAX_RETRY_AFTER)
        self._held_until = max(self._held_until, self.clock() + seconds)
        self._next_start = max(self._next_start, self._held_until)

    @property
    def held_for(self) -> float:
        """Seconds the host asked us (Retry-After) to stay away from now on."""
        return max(self._held_until - self.clock(), 0.0)


def retry_after_seconds(value: str | None, now_epoch: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now_epoch is None else now_epoch
    return max(moment.timestamp() - now, 0.0)
