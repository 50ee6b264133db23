"""The local runner: discovery and checks on one asyncio loop, in one process.

It owns the per-process resources (HTTP client, WARC writer, the processing thread) and
decides what runs when; each article's work is `pipeline.check_article`. The scale-out mode
runs that same function as procrastinate tasks instead. Coroutines here call the store
(synchronous) through `asyncio.to_thread` or the processing thread, never on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from types import TracebackType

from scrubwatch.alerts import (
    DeliveryReport,
    alert_outages,
    base_url_of,
    deliver_pending,
    queue_new_changes,
    queue_wave_alerts,
)
from scrubwatch.browser import BrowserPool
from scrubwatch.clock import Clock, SystemClock
from scrubwatch.config import Settings
from scrubwatch.discover import Budget, Discovery, Found, discover_outlet, host_of, inspect
from scrubwatch.errors import StoreUnavailable
from scrubwatch.fetch import Fetcher
from scrubwatch.model import IMPORTED, Article, ArticleState, Outlet
from scrubwatch.pipeline import (
    CheckResult,
    ChromeModels,
    NotFoundProbes,
    Services,
    check_article,
)
from scrubwatch.pipeline.archive_watch import check_archives
from scrubwatch.pipeline.offload import MIN_PASS_ARTICLES, AnalysisPool, default_workers
from scrubwatch.pipeline.report import PassReport
from scrubwatch.pipeline.waves import WaveUpdate, update_waves
from scrubwatch.store import Store
from scrubwatch.store.warc import WarcArchive

log = logging.getLogger(__name__)

MAX_IDLE = timedelta(seconds=60)  # `run` wakes at least this often to look for due work


class Runner:
    """Runs discovery and checks for one store; use as an async context manager."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        clock: Clock | None = None,
        fetcher: Fetcher | None = None,
        analysis_workers: int | None = None,
    ) -> None:
        """`analysis_workers`: worker processes for page analysis on big passes (default:
        one per spare core, at most two; 0: none, everything in the processing thread)."""
        self.settings = settings
        self.store = store
        self.clock = clock or SystemClock()
        self._fetcher = fetcher
        self._services: Services | None = None
        workers = default_workers() if analysis_workers is None else analysis_workers
        self.analysis = AnalysisPool(workers) if workers > 0 else None

    async def __aenter__(self) -> Runner:
        fetcher = self._fetcher or Fetcher(self.settings)
        self._services = Services(
            settings=self.settings,
            store=self.store,
            fetcher=fetcher,
            archive=WarcArchive(self.settings.archive_dir),
            clock=self.clock,
            executor=ThreadPoolExecutor(max_workers=1, thread_name_prefix="scrubwatch-process"),
            probes=NotFoundProbes(fetcher, self.clock.now),
            chrome=ChromeModels(self.store),
            browser=BrowserPool(
                total_timeout=self.settings.total_timeout, max_bytes=self.settings.max_body_bytes
            ),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        services = self.services
        services.executor.shutdown(wait=True)
        if self.analysis is not None:
            await self.analysis.close()
        services.archive.close()
        if services.browser is not None:
            await services.browser.aclose()
        await services.fetcher.aclose()

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("Runner used outside `async with`")
        return self._services

    async def watch(
        self, url: str, *, web_added: bool = False, proxy: str | None = None
    ) -> tuple[Discovery, int]:
        """Inspect a URL, remember its outlet and articles; returns what it was and how many
        articles are new. `web_added`: a web user asked, so every request made for this
        outlet, now and later, goes through the SSRF guard. `proxy` (from `watch --proxy`)
        is used from the first request on and stored with the outlet."""
        host = host_of(url)
        known = await asyncio.to_thread(self.store.outlet, host)
        proxy = proxy or (known.proxy if known else None)
        web_added = web_added or bool(known and known.web_added)
        fetcher = self.services.fetcher.for_outlet(web_added, host=host, proxy=proxy)
        found = await inspect(fetcher, url, limit=self.settings.max_new_articles_per_source)
        outlet = replace(found.outlet, web_added=web_added, proxy=proxy)
        added = await asyncio.to_thread(self._remember, outlet, found, self.clock.now())
        return found, added

    def _remember(self, outlet: Outlet, found: Discovery, now: datetime) -> int:
        """Store an inspected outlet and its articles; returns how many articles are new."""
        host = outlet.host
        new_outlet = self.store.outlet(host) is None
        self.store.upsert_outlet(outlet, now)
        if new_outlet:
            # Inspection read all of a new outlet's sources: that was its first discovery
            # pass, so the next one waits its interval instead of fetching them all again.
            return self._file_discovered(host, found.articles, now)
        return self._add_found(host, found.articles, now)

    async def discover(self, *, force: bool = False) -> int:
        """Read every outlet's sources (those due, or all with `force`); returns new articles."""
        now = self.clock.now()
        interval = timedelta(minutes=self.settings.discover_interval_minutes)
        outlets = await asyncio.to_thread(self.store.outlets)
        due = [o for o in outlets if force or _discovery_due(o, now, interval)]
        counts = await asyncio.gather(*(self._discover_one(o) for o in due))
        return sum(counts)

    async def _discover_one(self, outlet: Outlet) -> int:
        if not (outlet.homepage or outlet.feeds or outlet.sitemaps):
            return 0
        settings = self.settings
        budget = Budget(settings.discovery_max_bytes, settings.discovery_seconds)
        found = await discover_outlet(
            self.services.fetcher.for_outlet(
                outlet.web_added, host=outlet.host, proxy=outlet.proxy
            ),
            outlet,
            limit=settings.max_new_articles_per_source,
            budget=budget,
        )
        return await asyncio.to_thread(self._file_discovered, outlet.host, found, self.clock.now())

    def _file_discovered(self, host: str, found: Sequence[Found], now: datetime) -> int:
        added = self._add_found(host, found, now)
        self.store.mark_discovered(host, now)
        return added

    def _add_found(self, host: str, found: Sequence[Found], now: datetime) -> int:
        """Watch the found URLs not yet watched, each under the source that found it."""
        by_source: dict[str, list[str]] = {}
        for item in found:
            by_source.setdefault(item.source, []).append(item.url)
        return sum(
            len(self.store.add_articles(host, urls, source, now))
            for source, urls in by_source.items()
        )

    async def check(
        self,
        articles: Sequence[Article],
        *,
        on_result: Callable[[CheckResult], None] | None = None,
        stop: asyncio.Event | None = None,
        limit: asyncio.Semaphore | None = None,
        halt: asyncio.Event | None = None,
    ) -> list[CheckResult]:
        """Check the given articles concurrently; a stop request lets running checks finish.

        `limit` bounds the checks in flight (default: `concurrency`), shared by calls that
        run at once. For a batch of `MIN_PASS_ARTICLES` or more, pages are analysed in a
        worker process where there is a spare core (until the end of the pass).

        A check that finds the store unavailable sets `halt` (shared by calls that run at
        once): no further check starts, those running finish, and the StoreUnavailable is
        raised once they have. One article's own failure never stops the others.
        """
        if self.analysis is not None and len(articles) >= MIN_PASS_ARTICLES:
            self.services.pages = self.analysis
        limit = limit or asyncio.Semaphore(self.settings.concurrency)
        halt = halt or asyncio.Event()
        results: list[CheckResult] = []
        broken: list[StoreUnavailable] = []

        async def one(article: Article) -> None:
            async with limit:
                if halt.is_set() or (stop is not None and stop.is_set()):
                    return
                try:
                    result = await check_article(article, self.services)
                except StoreUnavailable as exc:
                    halt.set()
                    broken.append(exc)
                    return
                results.append(result)
                if on_result is not None:
                    on_result(result)

        await asyncio.gather(*(one(a) for a in articles))
        if broken:
            raise broken[0]
        return results

    async def check_pass(
        self,
        *,
        all_articles: bool = False,
        force_discovery: bool = True,
        on_due: Callable[[int], None] | None = None,
        on_result: Callable[[CheckResult], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> PassReport:
        """One pass: discover new articles and check what is due (or everything).

        The articles already due are checked while discovery reads the outlets' sources,
        then the articles it found: a slow feed or a big sitemap does not hold up the checks.
        `on_due` hears the number of checks to do, and again when discovery adds some.
        """
        limit, halt = asyncio.Semaphore(self.settings.concurrency), asyncio.Event()
        due = await asyncio.to_thread(self._due, all_articles)
        if on_due is not None:
            on_due(len(due))
        report = PassReport()

        async def discover_then_check() -> list[CheckResult]:
            report.new_articles = await self.discover(force=force_discovery)
            taken = {a.id for a in due}
            now_due = await asyncio.to_thread(self._due, all_articles)
            found = [a for a in now_due if a.id not in taken]
            if found and on_due is not None:
                on_due(len(due) + len(found))
            return await self.check(found, on_result=on_result, stop=stop, limit=limit, halt=halt)

        try:
            async with asyncio.TaskGroup() as group:
                known = group.create_task(
                    self.check(due, on_result=on_result, stop=stop, limit=limit, halt=halt)
                )
                found = group.create_task(discover_then_check())
                archives = group.create_task(check_archives(self.services, every=all_articles))
        except ExceptionGroup as failed:
            alone = _first_store_failure(failed)
            if alone is None:
                raise
            raise alone from None  # the store going away is one plain error, not a group
        finally:
            await self._stop_analysis_workers()
        report.results = [*known.result(), *found.result()]
        report.archive_changes = archives.result()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.services.executor, self.services.chrome.flush)
        report.waves = await loop.run_in_executor(self.services.executor, self.update_waves)
        return report

    def update_waves(self) -> WaveUpdate | None:
        """Regroup scrub waves around this pass's changes. A bug there is logged and never
        costs the pass its checks; a store that is gone stops the pass like anywhere else."""
        try:
            return update_waves(self.store, self.settings, self.clock.now())
        except StoreUnavailable:
            raise
        except Exception:
            log.exception("updating scrub waves failed")
            return None

    async def _stop_analysis_workers(self) -> None:
        """Between passes no worker process idles on memory: the next big pass starts one."""
        pool, self.services.pages = self.services.pages, None
        if pool is not None:
            await pool.close()

    def _due(self, all_articles: bool) -> list[Article]:
        """The articles to check now (every watched one with `all_articles`); one known only
        from an imported archive is not watched."""
        return [
            article
            for article in self.store.articles(due_at=None if all_articles else self.clock.now())
            if article.state not in (ArticleState.DUPLICATE, ArticleState.UNWATCHED)
            and article.source != IMPORTED
        ]

    async def alert(self) -> DeliveryReport:
        """Queue alerts for new changes and send what is due (own HTTP client, short timeouts:
        a channel that is down costs one timeout and never the checks)."""
        loop = asyncio.get_running_loop()
        now = self.clock.now()
        await loop.run_in_executor(self.services.executor, queue_new_changes, self.store, now)
        await loop.run_in_executor(self.services.executor, queue_wave_alerts, self.store, now)
        await alert_outages(self.store, self.settings, base_url_of(self.settings))
        return await deliver_pending(self.store, self.settings, now)

    async def run_forever(
        self,
        stop: asyncio.Event,
        *,
        on_pass: Callable[[PassReport], None] | None = None,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> None:
        """Keep watching on the adaptive schedule until `stop` is set.

        After each pass alerts are queued and sent in the background, so a slow channel
        never delays the next pass; one delivery round runs at a time.
        """
        alerts = AlertRounds(self)
        try:
            while not stop.is_set():
                report = await self.check_pass(
                    force_discovery=False, on_result=on_result, stop=stop
                )
                if on_pass is not None:
                    on_pass(report)
                alerts.start()
                wait = await asyncio.to_thread(self._seconds_until_due)
                try:
                    await asyncio.wait_for(stop.wait(), timeout=wait)
                except TimeoutError:
                    continue
        finally:
            await alerts.finish()

    def _seconds_until_due(self) -> float:
        now = self.clock.now()
        soonest = self.store.next_due() or now + MAX_IDLE
        discovery = timedelta(minutes=self.settings.discover_interval_minutes)
        wait = min(soonest - now, MAX_IDLE, discovery)
        return max(wait.total_seconds(), 0.5)


class AlertRounds:
    """Alert delivery in the background of a long-running loop (`run`, the scale-out
    scheduler): a slow channel never delays the next pass, and one round runs at a time."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._task: asyncio.Task[DeliveryReport] | None = None

    def start(self) -> None:
        """Queue and send what is due, unless the last round is still going."""
        if self._task is None or self._task.done():
            self._log_failure()
            self._task = asyncio.create_task(self._runner.alert())

    async def finish(self) -> None:
        """Let a running round end: each message has its own short timeout, and past twice
        that the round is cut."""
        if self._task is not None and not self._task.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, self._runner.settings.alert_timeout * 2)
        self._log_failure()

    def _log_failure(self) -> None:
        task = self._task
        if task is not None and task.done() and not task.cancelled() and task.exception():
            log.error("alert delivery failed: %s", task.exception())


def _first_store_failure(group: BaseExceptionGroup[BaseException]) -> StoreUnavailable | None:
    """The first StoreUnavailable in a (nested) exception group, if there is one."""
    for exc in group.exceptions:
        if isinstance(exc, StoreUnavailable):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            found = _first_store_failure(exc)
            if found is not None:
                return found
    return None


def _discovery_due(outlet: Outlet, now: datetime, interval: timedelta) -> bool:
    return outlet.last_discovered_at is None or now - outlet.last_discovered_at >= interval
