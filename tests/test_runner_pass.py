"""One pass of the runner: the articles already due and those discovery finds on the way are
all checked, once each, and the progress total follows discovery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from articles import BYLINE, OTHER, OTHER_TITLE, PARAGRAPHS, TITLE
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import CaptureOutcome
from scrubwatch.pipeline.report import PassReport
from scrubwatch.runner import Runner
from scrubwatch.store import open_store


def test_a_pass_checks_due_articles_and_those_discovery_finds(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE)
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)
    totals: list[int] = []

    async def go() -> tuple[PassReport, PassReport]:
        async with Runner(settings, store) as runner:
            await runner.watch(outlet.base_url)
            outlet.publish("caspian-ferry", f"{TITLE}: the ferry", PARAGRAPHS, byline=BYLINE)
            first = await runner.check_pass(all_articles=True, on_due=totals.append)
            second = await runner.check_pass(all_articles=True)  # nothing new to discover
            return first, second

    first, second = asyncio.run(go())
    assert totals == [2, 3]  # the due articles, then with the one discovery found
    assert (first.new_articles, first.checked, first.failed) == (1, 3, 0)
    assert (second.new_articles, second.checked) == (0, 3)
    for slug in ("aliyev-beijing", "baku-port", "caspian-ferry"):
        article = store.article(outlet.url(slug))
        assert article is not None and article.id is not None
        outcomes = [c.outcome for c in store.captures(article.id)]
        assert outcomes[0] == CaptureOutcome.NEW_VERSION and len(outcomes) == 2
    store.close()


def test_watching_a_new_outlet_is_its_first_discovery_pass(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    """Watch reads the homepage, feed and sitemap; the scheduled discovery that follows waits
    its interval instead of fetching them all again a moment later."""
    outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    clock = ManualClock(datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path / "data", discover_interval_minutes=15)
    store = open_store(settings)
    sources = {"/", "/rss.xml", "/sitemap.xml"}

    async def go() -> tuple[int, int, int]:
        async with Runner(settings, store, clock=clock) as runner:
            await runner.watch(outlet.base_url)
            assert sources <= set(outlet.requests)
            outlet.requests.clear()
            outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE)
            soon = await runner.discover()
            assert outlet.requests == []  # nothing fetched again right after the watch
            clock.advance(timedelta(minutes=15))
            later = await runner.discover()
            assert sources <= set(outlet.requests)
            forced = await runner.discover(force=True)
            return soon, later, forced

    assert asyncio.run(go()) == (0, 1, 0)
    assert store.article(outlet.url("baku-port")) is not None
    store.close()
