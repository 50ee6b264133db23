"""Monitoring behaviour over real sockets: politeness, conditional GET, outages, flip-flops."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from articles import BYLINE, PARAGRAPHS, SCRUBBED, TITLE
from hostile import hostile_server
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.errors import HostBusy, RobotsDisallowed
from scrubwatch.fetch import Fetcher
from scrubwatch.model import ArticleState, CaptureOutcome, ChangeKind
from scrubwatch.politeness import HostGate
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store
from scrubwatch.store import schema as t

T = TypeVar("T")
START = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)


class World:
    """A store, a manual clock and a runner, driven one pass at a time."""

    def __init__(self, tmp_path: Path, **settings: object) -> None:
        self.settings = replace(Settings(data_dir=tmp_path / "data"), **settings)  # type: ignore[arg-type]
        self.clock = ManualClock(START)
        self.store: SqlStore = open_store(self.settings)

    def run(self, job: Callable[[Runner], Awaitable[T]]) -> T:
        async def go() -> T:
            async with Runner(self.settings, self.store, clock=self.clock) as runner:
                return await job(runner)

        return asyncio.run(go())

    def watch(self, url: str) -> None:
        self.run(lambda r: r.watch(url))

    def check_all(self) -> None:
        self.run(lambda r: r.check_pass(all_articles=True))


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_conditional_get_turns_unchanged_pages_into_304s(world: World) -> None:
    log: list[tuple[float, str, dict[str, str]]] = []
    with hostile_server(log=log) as base:
        url = base + "/static-etag"
        world.watch(url)
        world.check_all()
        world.check_all()
    article = world.store.article(url)
    assert article is not None and article.id is not None
    captures = world.store.captures(article.id)
    assert [(c.status, c.outcome, c.version) for c in captures] == [
        (200, CaptureOutcome.NEW_VERSION, 1),
        (304, CaptureOutcome.UNCHANGED, 1),
    ]
    article_requests = [headers for _, path, headers in log if path == "/static-etag"]
    assert article_requests[-1].get("If-None-Match") == '"static-v1"'


def test_validators_not_yet_on_the_article_row_are_read_from_its_captures(world: World) -> None:
    """A store from before migration 0018 knows an article's validators only from its
    captures: the conditional GET still carries them."""
    log: list[tuple[float, str, dict[str, str]]] = []
    with hostile_server(log=log) as base:
        url = base + "/static-etag"
        world.watch(url)
        world.check_all()
        article = world.store.article(url)
        assert article is not None and article.validators == {"etag": '"static-v1"'}
        with world.store.engine.begin() as conn:
            conn.execute(t.articles.update().values(validators=None))
        world.check_all()
    article_requests = [headers for _, path, headers in log if path == "/static-etag"]
    assert article_requests[-1].get("If-None-Match") == '"static-v1"'
    assert [c.status for c in world.store.captures(article.id or 0)] == [200, 304]


def test_robots_txt_disallow_is_a_clear_failure(tmp_path: Path) -> None:
    robots = "User-agent: scrubwatch\nDisallow: /static-article\n"
    with hostile_server(robots=robots) as base:

        async def go() -> None:
            async with Fetcher(Settings()) as fetcher:
                await fetcher.fetch(base + "/ok")  # allowed
                with pytest.raises(RobotsDisallowed, match=r"robots\.txt"):
                    await fetcher.fetch(base + "/static-article")

        asyncio.run(go())


def test_a_robots_txt_over_500_kib_is_read_up_to_there_not_refused() -> None:
    """RFC 9309: parse the first 500 KiB. Rules in them hold; a huge file (a CMS that
    lists every page) no longer makes the whole host unwatchable."""
    filler = "".join(f"Disallow: /archive/{n:07d}/\n" for n in range(40_000))  # ~1 MB
    robots = "User-agent: *\nDisallow: /static-article\n" + filler
    assert len(robots) > 1_000_000
    with hostile_server(robots=robots) as base:

        async def go() -> None:
            async with Fetcher(Settings()) as fetcher:
                assert (await fetcher.fetch(base + "/ok")).status == 200
                with pytest.raises(RobotsDisallowed):
                    await fetcher.fetch(base + "/static-article")

        asyncio.run(go())


def test_crawl_delay_spaces_requests_to_a_host() -> None:
    log: list[tuple[float, str, dict[str, str]]] = []
    with hostile_server(robots="User-agent: *\nCrawl-delay: 0.5\n", log=log) as base:

        async def go() -> None:
            async with Fetcher(Settings()) as fetcher:
                await asyncio.gather(*(fetcher.fetch(base + "/ok") for _ in range(4)))

        asyncio.run(go())
    starts = [moment for moment, path, _ in log if path == "/ok"]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.45


def test_retry_after_holds_the_host_and_the_article(world: World) -> None:
    log: list[tuple[float, str, dict[str, str]]] = []
    with hostile_server(log=log) as base:

        async def go() -> None:
            async with Fetcher(Settings()) as fetcher:
                busy = await fetcher.fetch(base + "/busy")
                assert busy.status == 503
                await fetcher.fetch(base + "/ok")

        asyncio.run(go())
    times = {path: moment for moment, path, _ in log}
    assert times["/ok"] - times["/busy"] >= 0.9  # Retry-After: 1 was honoured


def test_an_outage_is_not_a_deletion_until_it_persists(tmp_path: Path) -> None:
    world = World(tmp_path, gone_after_failures=3, gone_after_hours=24.0)
    with FakeOutlet(clock=world.clock) as outlet:
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        world.watch(url)
        world.check_all()
        outlet.set_failing("aliyev-beijing", 503)
        for _ in range(2):  # two failures in 10 hours: an outage, nothing to report
            world.clock.advance(timedelta(hours=5))
            world.check_all()
        assert world.store.changes() == []
        world.clock.advance(timedelta(hours=20))  # third failure, 25 hours after the first
        world.check_all()
        [deleted] = world.store.changes()
        assert deleted.kind == ChangeKind.DELETED and deleted.deletion is None
        assert deleted.extra["failure"] == "HTTP 503"
        assert "unreachable since" in deleted.summary
        world.clock.advance(timedelta(hours=1))
        world.check_all()  # still failing: not reported again
        assert len(world.store.changes()) == 1
        outlet.set_failing("aliyev-beijing", None)
        world.clock.advance(timedelta(hours=1))
        world.check_all()
    kinds = [c.kind for c in world.store.changes()]
    assert kinds == [ChangeKind.RESTORED, ChangeKind.DELETED]
    article = world.store.article(url)
    assert article is not None and article.state == ArticleState.LIVE


def test_flip_flops_are_reported_once_each_way(world: World) -> None:
    with FakeOutlet(clock=world.clock) as outlet:
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        world.watch(url)
        world.check_all()
        for paragraphs in (SCRUBBED, PARAGRAPHS, SCRUBBED, PARAGRAPHS, SCRUBBED):
            outlet.edit("aliyev-beijing", paragraphs=paragraphs)
            world.clock.advance(timedelta(minutes=20))
            world.check_all()
    changes = world.store.changes()
    assert [(c.from_version, c.to_version) for c in reversed(changes)] == [(1, 2), (2, 1)]
    article = world.store.article(url)
    assert article is not None and article.id is not None
    assert article.latest_version == 2
    assert len(world.store.versions(article.id)) == 2


def test_an_article_takes_its_same_site_canonical_url(world: World) -> None:
    with hostile_server() as base:
        world.watch(base + "/amp/static-story")
        world.check_all()
    assert world.store.article(base + "/amp/static-story") is None
    article = world.store.article(base + "/news/static-story")
    assert article is not None and article.latest_version == 1


def test_one_article_per_canonical_url(world: World) -> None:
    with hostile_server() as base:
        world.watch(base + "/news/static-story")
        world.check_all()
        world.watch(base + "/amp/static-story")
        world.check_all()
        world.check_all()
    canonical = world.store.article(base + "/news/static-story")
    alias = world.store.article(base + "/amp/static-story")
    assert canonical is not None and canonical.state == ArticleState.LIVE
    assert alias is not None and alias.state == ArticleState.DUPLICATE
    assert alias.next_check_at is None and alias.latest_version is None
    assert alias.id is not None
    [capture] = world.store.captures(alias.id)  # checked once, then left alone
    assert capture.error == f"duplicate of {base}/news/static-story"


def test_a_long_retry_after_fails_fast_instead_of_stalling_the_pass() -> None:
    gate = HostGate(concurrency=2, host="http://busy.example")
    gate.hold(120)

    async def enter() -> None:
        async with gate:
            pass

    with pytest.raises(HostBusy, match="wait 120 s"):
        asyncio.run(enter())


def test_a_retry_after_that_comes_while_requests_queue_fails_them_fast_too() -> None:
    """Requests already waiting for their turn at the host when its 503 with Retry-After
    arrives fail at once as well, instead of sleeping out the host's two minutes."""
    gate = HostGate(concurrency=1, host="http://busy.example")

    async def first() -> None:
        async with gate:
            await asyncio.sleep(0.05)
            gate.hold(120)  # the answer to the request in flight

    async def queued() -> None:
        async with gate:
            pass

    async def both() -> list[BaseException | None]:
        return await asyncio.wait_for(
            asyncio.gather(first(), queued(), return_exceptions=True), timeout=5
        )

    outcomes = asyncio.run(both())
    assert outcomes[0] is None and isinstance(outcomes[1], HostBusy)
