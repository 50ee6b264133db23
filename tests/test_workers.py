"""Scale-out over a real PostgreSQL: a scheduler and two worker processes give the same
changes as the embedded default, and a worker killed mid-batch loses and duplicates nothing."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from alert_support import WebhookReceiver
from articles import BYLINE, OTHER, OTHER_TITLE, PARAGRAPHS, REMOVED_SENTENCE, SCRUBBED, TITLE
from databases import postgres_schema
from hostile import hostile_server
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.fetch import Fetcher
from scrubwatch.model import ChangeKind
from scrubwatch.store import SqlStore
from scrubwatch.store import schema as tables
from scrubwatch.store.pacing import PostgresPacing

pytestmark = pytest.mark.slow


class Cluster:
    """A scheduler and workers as separate processes on one PostgreSQL schema."""

    def __init__(self, db: str, tmp_path: Path) -> None:
        self.db = db
        self.data_dir = tmp_path / "shared-archive"
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "SCRUBWATCH_WORKER_STALLED_SECONDS": "3",
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.store = SqlStore.open(db)

    def command(self, *args: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "scrubwatch",
            "--db",
            self.db,
            "--data-dir",
            str(self.data_dir),
            *args,
        ]

    def run(self, *args: str) -> None:
        subprocess.run(self.command(*args), env=self.env, check=True, capture_output=True)

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        log = self.logs / f"{len(self.processes)}-{args[0]}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                self.command(*args), env=self.env, stdout=sink, stderr=subprocess.STDOUT
            )
        self.processes.append(proc)
        return proc

    def make_all_due(self) -> None:
        """Stand in for the passing of time: every article is due now."""
        with self.store.engine.begin() as conn:
            conn.execute(update(tables.articles).values(next_check_at=datetime.now(UTC)))

    def wait_for(self, condition: Callable[[], bool], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            for number, proc in enumerate(self.processes):
                if proc.poll() not in (None, -signal.SIGKILL):
                    output = "".join(p.read_text() for p in self.logs.glob(f"{number}-*"))
                    raise AssertionError(f"a process died: {output[-2000:]}")
            time.sleep(0.3)
        raise AssertionError("timed out waiting for the workers")

    def captured_rounds(self, rounds: int) -> bool:
        return all(a.check_count >= rounds for a in self.store.articles())

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.store.close()


@contextmanager
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with postgres_schema() as db:
        running = Cluster(db, tmp_path)
        try:
            yield running
        finally:
            running.stop()


def test_two_workers_find_the_same_changes_as_the_embedded_default(tmp_path: Path) -> None:
    with FakeOutlet() as outlet, cluster(tmp_path) as sw:
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        gone = outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE)
        sw.run("watch", outlet.base_url)
        sw.start("run", "--scheduler-only")
        sw.start("worker", "--concurrency", "2")
        sw.start("worker", "--concurrency", "2")
        sw.wait_for(lambda: sw.captured_rounds(1))
        outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
        outlet.delete("baku-port")
        sw.make_all_due()
        sw.wait_for(lambda: len(sw.store.changes()) == 2)
        changes = {c.url: c for c in sw.store.changes()}
    assert changes[gone].kind == ChangeKind.DELETED
    edit = changes[url]
    assert edit.kind == ChangeKind.EDITED and edit.diff is not None
    assert REMOVED_SENTENCE in edit.diff.sentences_removed
    assert (edit.from_version, edit.to_version) == (1, 2)


def test_a_killed_worker_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    count = 24
    with FakeOutlet() as outlet, cluster(tmp_path) as sw:
        for i in range(count):
            outlet.publish(f"caspian-freight-report-{i}", f"Freight report {i}", OTHER)
            outlet.set_slow(f"caspian-freight-report-{i}", 0.5)
        sw.run("watch", outlet.base_url)
        victim = sw.start("worker", "--concurrency", "4")
        sw.start("run", "--scheduler-only")
        sw.wait_for(lambda: any(a.check_count for a in sw.store.articles()))
        victim.send_signal(signal.SIGKILL)  # mid-batch: some of its checks are in flight
        victim.wait()
        sw.start("worker", "--concurrency", "4")
        sw.wait_for(lambda: sw.captured_rounds(1), seconds=90)
        time.sleep(2)  # let any retried duplicate show itself
        articles = sw.store.articles()
        assert len(articles) == count
        for article in articles:
            assert article.id is not None
            captures = sw.store.captures(article.id)
            versions = sw.store.versions(article.id)
            assert len(versions) == 1, article.url
            assert len({c.idempotency_key for c in captures}) == len(captures)
            assert [c.version for c in captures if c.version] == [1] * len(
                [c for c in captures if c.version]
            )
        assert sw.store.changes() == []
        scheduler_log = next(sw.logs.glob("*-run.log")).read_text()
        assert "retrying stalled job" in scheduler_log  # the crash really cut jobs short


def test_crawl_delay_holds_across_workers() -> None:
    log: list[tuple[float, str, dict[str, str]]] = []
    with postgres_schema() as db, hostile_server("User-agent: *\nCrawl-delay: 0.4\n", log) as base:
        store = SqlStore.open(db)

        async def worker() -> None:
            async with Fetcher(Settings(), shared_pacing=PostgresPacing(store.engine)) as fetcher:
                for _ in range(3):
                    await fetcher.fetch(base + "/ok")

        async def two_workers() -> None:
            await asyncio.gather(worker(), worker())  # two fetchers, as in two processes

        asyncio.run(two_workers())
        store.close()
    starts = sorted(moment for moment, path, _ in log if path == "/ok")
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 6
    assert min(gaps) >= 0.35, gaps


def test_a_tick_queues_each_due_article_once_even_when_one_still_waits() -> None:
    """Checks are queued in one batch; an article whose job still waits is not queued again."""
    from scrubwatch.workers import WorkerState, defer_checks, opened_app

    async def queue_twice(settings: Settings) -> tuple[int, int, list[int]]:
        async with opened_app(settings, WorkerState()) as app:
            first = await defer_checks(app, [1, 2])
            second = await defer_checks(app, [2, 3])  # 2 is still waiting
            jobs = await app.job_manager.list_jobs_async(queue="checks")
            return first, second, sorted(int(job.task_kwargs["article_id"]) for job in jobs)

    with postgres_schema() as db:
        first, second, queued = asyncio.run(queue_twice(Settings(db=db)))
    assert (first, second) == (2, 1)
    assert queued == [1, 2, 3]


def test_a_retry_of_a_check_already_recorded_fetches_nothing_again(tmp_path: Path) -> None:
    """A worker that dies after committing a check but before finishing its job leaves the
    job to be retried: the retry finds the check under its job's key and stops there, so no
    second fetch and no second WARC record."""
    from procrastinate import JobContext
    from procrastinate.jobs import Job

    from scrubwatch.cli.session import runner_session
    from scrubwatch.workers import TASK, WorkerState, build_app

    async def run_job(settings: Settings, url: str, attempts: int) -> int:
        async with runner_session(settings, shared_pacing=True) as runner:
            article = runner.store.article(url)
            assert article is not None and article.id is not None
            app = build_app(settings, WorkerState(runner=runner))
            job = Job(
                id=41,
                queue="checks",
                lock=None,
                queueing_lock=None,
                task_name=TASK,
                attempts=attempts,
            )
            context = JobContext(
                app=app, job=job, start_timestamp=time.time(), abort_reason=lambda: None
            )
            await app.tasks[TASK].func(context, article_id=article.id)
            return len(runner.store.captures(article.id))

    async def watch(settings: Settings, url: str) -> None:
        async with runner_session(settings) as runner:
            await runner.watch(url)

    with FakeOutlet() as outlet, postgres_schema() as db:
        outlet.publish("port-deal", TITLE, PARAGRAPHS, byline=BYLINE)
        url = outlet.url("port-deal")
        path = urlsplit(url).path
        settings = Settings(db=db, data_dir=tmp_path / "data")
        asyncio.run(watch(settings, url))
        before = outlet.requests.count(path)
        assert asyncio.run(run_job(settings, url, attempts=0)) == 1
        assert outlet.requests.count(path) == before + 1
        assert asyncio.run(run_job(settings, url, attempts=1)) == 1  # the retry
        assert outlet.requests.count(path) == before + 1  # not fetched again
        assert asyncio.run(run_job(settings, url, attempts=0)) == 1  # same key: recorded once


def test_due_checks_are_handed_out_before_a_slow_outlet_is_read(tmp_path: Path) -> None:
    """The scheduler queues what is due before it reads feeds, so a feed that dribbles a
    byte at a time does not keep the workers waiting."""
    from scrubwatch.cli.session import runner_session
    from scrubwatch.model import Outlet
    from scrubwatch.workers import WorkerState, opened_app, schedule_once

    async def queued_while_discovering(settings: Settings, base: str) -> bool:
        async with runner_session(settings) as runner:
            host, now = urlsplit(base).netloc, runner.clock.now()
            runner.store.upsert_outlet(Outlet(host=host, feeds=(f"{base}/dribble",)), now)
            runner.store.add_articles(host, [f"{base}/static-article"], "feed", now)
            async with opened_app(settings, WorkerState(runner=runner)) as app:
                tick = asyncio.create_task(schedule_once(app, runner))
                try:
                    for _ in range(100):
                        if await app.job_manager.list_jobs_async(queue="checks"):
                            return not tick.done()
                        await asyncio.sleep(0.02)
                    return False
                finally:
                    tick.cancel()

    with hostile_server() as base, postgres_schema() as db:
        settings = Settings(db=db, data_dir=tmp_path / "data")
        assert asyncio.run(queued_while_discovering(settings, base))


def test_the_scheduler_keeps_the_queue_topped_up_and_never_floods_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each tick fills the queue up to QUEUED_AT_MOST waiting checks: no more while nobody
    takes them (a backlog's leases would run out in the queue), as many as were taken when
    workers took some, without waiting for a fixed batch per tick."""
    from scrubwatch import workers
    from scrubwatch.cli.session import runner_session
    from scrubwatch.model import Outlet

    monkeypatch.setattr(workers, "QUEUED_AT_MOST", 3)

    async def ticks(settings: Settings, base: str) -> tuple[int, int, int, int]:
        async with runner_session(settings) as runner:
            host, now = urlsplit(base).netloc, runner.clock.now()
            runner.store.upsert_outlet(Outlet(host=host), now)
            runner.store.add_articles(host, [f"{base}/news/{n}" for n in range(5)], "feed", now)
            state = workers.WorkerState(runner=runner)
            async with workers.opened_app(settings, state) as app:
                first = await workers.schedule_once(app, runner)
                second = await workers.schedule_once(app, runner)
                waiting = await app.job_manager.list_jobs_async(queue="checks", status="todo")
                for job in list(waiting)[:2]:  # two checks taken (here: called off)
                    assert job.id is not None
                    await app.job_manager.cancel_job_by_id_async(job.id)
                third = await workers.schedule_once(app, runner)
                return first, second, third, await workers.waiting_checks(app)

    with FakeOutlet() as outlet, postgres_schema() as db:
        settings = Settings(db=db, data_dir=tmp_path / "data")
        assert asyncio.run(ticks(settings, outlet.base_url)) == (3, 0, 2, 3)


def test_the_scheduler_sends_the_alerts_of_what_the_workers_found(
    tmp_path: Path, change_schema: dict[str, Any]
) -> None:
    """Scale-out mode alerts as `run` does: the one scheduler queues and delivers them."""
    with (
        FakeOutlet() as outlet,
        WebhookReceiver(change_schema) as hook,
        cluster(tmp_path) as sw,
    ):
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        sw.run("watch", outlet.base_url)
        sw.run("alerts", "add", "desk", "--to", hook.url, "--kinds", "deleted")
        sw.start("run", "--scheduler-only")
        sw.start("worker", "--concurrency", "2")
        sw.wait_for(lambda: sw.captured_rounds(1))
        outlet.delete("aliyev-beijing")
        sw.make_all_due()
        sw.wait_for(lambda: bool(hook.received))
        [delivery] = hook.received
    assert delivery.payload["kind"] == "deleted" and delivery.payload["url"] == url
