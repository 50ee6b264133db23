"""Scale-out: `pipeline.check_article` as procrastinate tasks on PostgreSQL.

PostgreSQL carries both the store and the work queue, so operators run one database and any
number of `scrubwatch worker` processes on any number of machines, sharing one archive
directory (each process writes its own WARC files). A scheduler (`scrubwatch run
--scheduler-only`) discovers new articles and hands out due ones:

- a due article is leased (its next check moved a few minutes ahead) and deferred with a
  queueing lock, so it is never queued twice, and a lock, so two workers never check it at
  once;
- a task that fails is retried with backoff; a worker killed mid-task leaves a stalled job
  that the scheduler retries;
- a retried task reuses its job's idempotency key, so a check already recorded before the
  crash is neither recorded nor fetched again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued

from scrubwatch.config import Settings
from scrubwatch.errors import ConfigError
from scrubwatch.model import ArticleState
from scrubwatch.pipeline import check_article
from scrubwatch.pipeline.archive_watch import check_archives
from scrubwatch.runner import AlertRounds, Runner

log = logging.getLogger(__name__)

QUEUE = "checks"
TASK = "scrubwatch.check"
LEASE = timedelta(minutes=10)  # a leased article comes due again if no worker checked it
# Checks the scheduler keeps waiting in the queue: each tick tops it up to this many, so
# workers that finish a tick's hand-out early never idle until the next (with a fixed 500
# per 2 s tick, two fast workers were held near 250 checks/s), and a backlog too big for the
# workers stays out of the queue, where its leases would run out before a worker got to it.
QUEUED_AT_MOST = 1000
TICK = 2.0  # seconds between scheduler passes
CHROME_FLUSH = 30.0  # seconds between saves of a worker's learned page chrome


def conninfo(database_url: str) -> str:
    """A libpq connection string from a SQLAlchemy PostgreSQL URL."""
    scheme, _, rest = database_url.partition("://")
    if not scheme.startswith("postgresql"):
        raise ConfigError(
            "workers need PostgreSQL: pass --db postgresql+psycopg://... (or SCRUBWATCH_DB)"
        )
    return f"postgresql://{rest}"


@dataclass
class WorkerState:
    """Per-process resources of a worker, opened once when it starts."""

    runner: Runner | None = None


async def _autocommit(connection: psycopg.AsyncConnection[object]) -> None:
    await connection.set_autocommit(True)


def build_app(settings: Settings, state: WorkerState) -> procrastinate.App:
    """The procrastinate app with scrubwatch's check task registered."""
    # Every query procrastinate sends is one statement (its functions do the work inside
    # PostgreSQL), so autocommit loses nothing and spares a BEGIN and a COMMIT around each.
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(settings.database_url), configure=_autocommit
    )
    app = procrastinate.App(connector=connector)

    @app.task(
        name=TASK,
        queue=QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=5),
    )
    async def check(context: procrastinate.JobContext, article_id: int) -> None:
        """One article's check. A bug it runs into is recorded as a failed capture and the
        job succeeds (the article's schedule retries it with backoff, as any failure); the
        store being unavailable fails the job, and procrastinate retries it."""
        runner = state.runner
        assert runner is not None, "the worker's runner is opened before jobs run"
        article = await asyncio.to_thread(runner.store.article_by_id, article_id)
        if article is None or article.state in (ArticleState.DUPLICATE, ArticleState.UNWATCHED):
            return
        assert context.job is not None
        key = f"job-{context.job.id}"
        if context.job.attempts and await asyncio.to_thread(runner.store.recorded, key):
            # A retry of a check recorded before its worker died: fetching again would only
            # write a second WARC record that no capture points to.
            return
        await check_article(article, runner.services, idempotency_key=key)
        loop = asyncio.get_running_loop()
        chrome = runner.services.chrome
        await loop.run_in_executor(runner.services.executor, chrome.flush_every, CHROME_FLUSH)

    return app


async def ensure_queue_schema(settings: Settings) -> None:
    """Install procrastinate's tables once (under an advisory lock: many may start at once)."""
    app = build_app(settings, WorkerState())
    async with await psycopg.AsyncConnection.connect(
        conninfo(settings.database_url), autocommit=True
    ) as conn:
        await conn.execute("SELECT pg_advisory_lock(7406221)")
        try:
            found = await conn.execute("SELECT to_regclass('procrastinate_jobs')")
            row = await found.fetchone()
            if row is None or row[0] is None:
                async with app.open_async():
                    await app.schema_manager.apply_schema_async()
        finally:
            await conn.execute("SELECT pg_advisory_unlock(7406221)")


@asynccontextmanager
async def opened_app(settings: Settings, state: WorkerState) -> AsyncIterator[procrastinate.App]:
    await ensure_queue_schema(settings)
    app = build_app(settings, state)
    async with app.open_async():
        yield app


async def run_worker(settings: Settings, runner: Runner, *, concurrency: int) -> None:
    """Run checks from the queue until SIGINT/SIGTERM."""
    state = WorkerState(runner=runner)
    async with opened_app(settings, state) as app:
        await app.run_worker_async(
            queues=[QUEUE],
            concurrency=concurrency,
            install_signal_handlers=True,
            delete_jobs="successful",
            stalled_worker_timeout=settings.worker_stalled_seconds,
            update_heartbeat_interval=settings.worker_stalled_seconds / 3,
        )
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(runner.services.executor, runner.services.chrome.flush)


async def defer_checks(app: procrastinate.App, article_ids: list[int]) -> int:
    """Queue one check per article; returns how many were queued.

    All in one query (one round trip for a whole tick, where one per job kept the scheduler
    busy for seconds). Each job carries its article's queueing lock, so an article whose
    previous job still waits is not queued twice; such a clash rejects the whole batch, which
    is then queued one job at a time, skipping the articles already waiting.
    """
    task = app.tasks[TASK]
    jobs = []
    for article_id in article_ids:
        lock = f"article-{article_id}"
        deferrer = task.configure(queueing_lock=lock, lock=lock)
        jobs.append(deferrer.make_new_job(article_id=article_id))
    if not jobs:
        return 0
    try:
        await app.job_manager.batch_defer_jobs_async(jobs)
        return len(jobs)
    except AlreadyEnqueued:
        pass
    queued = 0
    for job in jobs:
        try:
            await app.job_manager.defer_job_async(job)
            queued += 1
        except AlreadyEnqueued:
            pass
    return queued


async def waiting_checks(app: procrastinate.App) -> int:
    """Checks queued that no worker has taken yet (successful jobs are deleted, so the
    count reads only what waits and what runs)."""
    queues = await app.job_manager.list_queues_async(queue=QUEUE, status="todo")
    return sum(int(row["todo"]) for row in queues)


async def schedule_once(app: procrastinate.App, runner: Runner) -> int:
    """Hand out due articles, retry stalled jobs, discover new articles, look at watched
    archives; returns jobs queued.

    Due checks go out first: reading hundreds of outlets' feeds can take a while (a slow
    outlet takes its whole fetch timeout), and the workers should not wait on it. Articles
    discovered now are handed out on the next tick.
    """
    now = runner.clock.now()
    room = QUEUED_AT_MOST - await waiting_checks(app)
    queued = 0
    if room > 0:
        due = await asyncio.to_thread(runner.store.lease_due, now, now + LEASE, room)
        queued = await defer_checks(app, [article.id for article in due if article.id is not None])
    stalled = runner.settings.worker_stalled_seconds
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled):
        log.warning("retrying stalled job %s", job.id)
        await app.job_manager.retry_job(job)
    await runner.discover()
    await check_archives(runner.services)
    return queued


async def run_scheduler(settings: Settings, runner: Runner, stop: asyncio.Event) -> None:
    """Hand out due work every few seconds until `stop` is set; after each tick, bring the
    scrub waves up to date with what the workers recorded (incremental: cheap when idle),
    then queue and send the alerts for what they found, in the background as `run` does:
    one scheduler serves every worker, so a slow channel never delays the next tick."""
    loop = asyncio.get_running_loop()
    alerts = AlertRounds(runner)
    async with opened_app(settings, WorkerState(runner=runner)) as app:
        try:
            while not stop.is_set():
                queued = await schedule_once(app, runner)
                if queued:
                    log.info("queued %s checks", queued)
                await loop.run_in_executor(runner.services.executor, runner.update_waves)
                alerts.start()
                try:
                    await asyncio.wait_for(stop.wait(), timeout=TICK)
                except TimeoutError:
                    continue
        finally:
            await alerts.finish()
