"""One article's bug fails that check alone; the store going away stops the pass, once.

A bug met while checking one article (a constraint its data broke, a library choking on a
hostile page) is logged, recorded as a failed capture and retried with backoff, while every
other article is checked; `check` then exits 1 with a one-line summary. A store that cannot
be used at all (database gone, disk full) stops the pass with one StoreUnavailable, which
the CLI prints as one line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import OperationalError

from articles import BYLINE, OTHER, OTHER_TITLE, PARAGRAPHS, SCRUBBED, TITLE
from conftest import Cli
from databases import POSTGRES, postgres_schema
from scrubwatch.clock import ManualClock
from scrubwatch.config import Settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.demo.serving import Reply
from scrubwatch.errors import StorageError, StoreUnavailable
from scrubwatch.fetch import Fetcher, Response
from scrubwatch.model import Article, ArticleState, Capture, CaptureOutcome, Outlet
from scrubwatch.pipeline.report import PassReport
from scrubwatch.runner import Runner
from scrubwatch.store import CheckRecord, SqlStore

START = datetime(2025, 4, 21, 9, 0, tzinfo=UTC)
BUG = "the fetcher tripped over this page"


class BrokenFetcher(Fetcher):
    """The real fetcher with a bug for one URL: a plain RuntimeError, as a library that
    chokes on what a hostile page sent would raise. Other URLs are fetched as usual."""

    def __init__(self, settings: Settings, broken: str) -> None:
        super().__init__(settings)
        self.broken = broken

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        if url == self.broken:
            raise RuntimeError(BUG)
        return await super().fetch(url, etag=etag, last_modified=last_modified)


def _publish_four(outlet: FakeOutlet) -> list[str]:
    return [
        outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE),
        outlet.publish("baku-port", OTHER_TITLE, OTHER, byline=BYLINE),
        outlet.publish("caspian-ferry", f"{TITLE}: the ferry", SCRUBBED, byline=BYLINE),
        outlet.publish("alat-terminal", f"{OTHER_TITLE} at Alat", OTHER[:3], byline=BYLINE),
    ]


def _captures(store: SqlStore, url: str) -> list[Capture]:
    article = store.article(url)
    assert article is not None and article.id is not None
    return store.captures(article.id)


# -- one article's bug ---------------------------------------------------------------------


def test_a_bug_in_one_check_fails_that_article_alone_and_is_retried_with_backoff(
    store: SqlStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(START)
    settings = Settings(data_dir=tmp_path / "data")

    with FakeOutlet(clock=clock) as outlet:
        urls = _publish_four(outlet)
        broken = urls[1]

        async def passes() -> tuple[PassReport, PassReport]:
            fetcher = BrokenFetcher(settings, broken)
            async with Runner(settings, store, clock=clock, fetcher=fetcher) as runner:
                await runner.watch(outlet.base_url)
                first = await runner.check_pass(all_articles=True)
                clock.advance(timedelta(minutes=6))  # the failed one is due again, no other
                second = await runner.check_pass()
            return first, second

        with caplog.at_level(logging.ERROR, logger="scrubwatch.pipeline.check"):
            first, second = asyncio.run(passes())

    assert (first.checked, first.failed) == (4, 1)
    [bad] = first.internal_errors
    assert bad.article.url == broken
    assert bad.internal_error == f"RuntimeError: {BUG}"
    for url in urls:
        if url != broken:
            assert [c.outcome for c in _captures(store, url)] == [CaptureOutcome.NEW_VERSION]

    failures = _captures(store, broken)
    assert [(c.outcome, c.error) for c in failures] == [
        (CaptureOutcome.FAILED, f"internal error: RuntimeError: {BUG}")
    ] * 2
    assert [r.article.url for r in second.results] == [broken]
    article = store.article(broken)
    assert article is not None and article.next_check_at is not None
    assert article.consecutive_failures == 2
    waited = article.next_check_at - (START + timedelta(minutes=6))
    assert timedelta(minutes=9) <= waited <= timedelta(minutes=11)  # 5 min, doubled

    [logged, _] = [r for r in caplog.records if broken in r.getMessage()]
    assert logged.levelno == logging.ERROR and logged.exc_info is not None
    assert "RuntimeError" in caplog.text and "Traceback" in caplog.text


def _refuse_captures_of(db_url: str, url: str, outcome: str | None = "new_version") -> None:
    """A trigger that refuses to store a capture of `url` (only those with `outcome`, unless
    None) as a constraint violation: the database itself fails that article's check."""
    only = f"AND NEW.outcome = '{outcome}'" if outcome else ""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_captures BEFORE INSERT ON captures "
                f"WHEN NEW.url = '{url}' {only} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_captures() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.url = '{url}' {only} THEN "
                "RAISE EXCEPTION 'refused by the test trigger' USING ERRCODE = 'check_violation';"
                " END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_captures BEFORE INSERT ON captures "
                "FOR EACH ROW EXECUTE FUNCTION refuse_captures()"
            )
    engine.dispose()


def test_a_failure_that_cannot_even_be_recorded_leaves_the_article_due(
    store: SqlStore, tmp_path: Path, outlet: FakeOutlet
) -> None:
    urls = _publish_four(outlet)
    settings = Settings(data_dir=tmp_path / "data")

    async def go() -> PassReport:
        async with Runner(settings, store) as runner:
            await runner.watch(outlet.base_url)
            _refuse_captures_of(store.engine.url.render_as_string(False), urls[0], None)
            return await runner.check_pass(all_articles=True)

    report = asyncio.run(go())
    assert report.checked == 4
    [bad] = report.internal_errors
    assert bad.article.url == urls[0] and bad.capture.id is None
    assert bad.capture.error == f"internal error: {bad.internal_error}"
    assert _captures(store, urls[0]) == []
    article = store.article(urls[0])
    assert article is not None and article.next_check_at is not None  # still due
    assert article.next_check_at <= datetime.now(UTC)
    for url in urls[1:]:
        assert [c.outcome for c in _captures(store, url)] == [CaptureOutcome.NEW_VERSION]


@pytest.mark.slow
def test_check_exits_1_with_a_one_line_summary_when_a_check_hit_an_internal_error(
    cli_on_each_db: Cli, outlet: FakeOutlet
) -> None:
    cli = cli_on_each_db
    urls = _publish_four(outlet)
    refused = urls[2]
    assert cli("watch", outlet.base_url).code == 0
    db_url = cli.db or Settings(data_dir=cli.data_dir).database_url
    _refuse_captures_of(db_url, refused)

    result = cli("check")

    assert result.code == 1
    assert "Checked 4 article(s), 0 newly discovered, 1 failed, 0 change(s)." in result.stdout
    summary = result.stderr.strip().splitlines()[-1]
    head = "1 of 4 checks failed with an internal error (see the log); first: "
    assert summary.startswith(f"{head}{refused} ")
    assert "database error: refused by the test trigger" in summary
    store = SqlStore.open(db_url)
    try:
        for url in urls:
            captures = _captures(store, url)
            if url != refused:
                assert [c.outcome for c in captures] == [CaptureOutcome.NEW_VERSION]
        [failed] = _captures(store, refused)
        assert failed.outcome == CaptureOutcome.FAILED
        assert failed.error is not None and failed.error.startswith("internal error: ")
        assert "database error: refused by the test trigger" in failed.error
        article = store.article(refused)
        assert article is not None and article.next_check_at is not None
        backoff = article.next_check_at - failed.fetched_at
        assert timedelta(minutes=4) <= backoff <= timedelta(minutes=6)
    finally:
        store.close()


def test_ordinary_fetch_failures_keep_check_exit_0(cli: Cli, outlet: FakeOutlet) -> None:
    urls = _publish_four(outlet)
    assert cli("watch", outlet.base_url).code == 0
    outlet.set_failing(urlsplit(urls[0]).path.removeprefix("/news/"), 503)
    result = cli("check")
    assert result.code == 0, result.stderr
    assert "1 failed" in result.stdout
    assert "internal error" not in result.stderr


# -- the store going away ------------------------------------------------------------------


class StoreRemover(Fetcher):
    """The real fetcher, which takes a SQLite store away when `victim` is fetched: its
    directory removed and its pooled connections closed, so the next use must reopen it."""

    def __init__(self, settings: Settings, store: SqlStore, directory: Path) -> None:
        super().__init__(settings)
        self.store, self.directory = store, directory
        self.victim: str | None = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        if url == self.victim:
            shutil.rmtree(self.directory)
            self.store.engine.dispose()
        return await super().fetch(url, etag=etag, last_modified=last_modified)


def test_a_store_gone_mid_pass_stops_it_with_one_store_unavailable(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    directory = tmp_path / "db"
    store = SqlStore.open(f"sqlite:///{directory / 'scrubwatch.db'}")
    settings = Settings(data_dir=tmp_path / "data", concurrency=1)
    _publish_four(outlet)
    fetcher = StoreRemover(settings, store, directory)
    runner = Runner(settings, store, fetcher=fetcher)

    async def go() -> None:
        async with runner:
            await runner.watch(outlet.base_url)
            articles = store.articles()
            fetcher.victim = articles[1].url  # checked second: one at a time, by id
            await runner.check_pass(all_articles=True)

    with pytest.raises(StoreUnavailable, match="unable to open database file"):
        asyncio.run(go())

    checked = [p for p in outlet.requests if p.startswith("/news/")]
    assert len(checked) == 2  # the first article, then the victim: no check started after
    with pytest.raises(RuntimeError):  # the runner cleaned up on the way out
        runner.services.executor.submit(print)
    store.close()


class DroppingOutlet(FakeOutlet):
    """The fake outlet, which drops scrubwatch's PostgreSQL database when `victim` (a
    path) is requested: the store goes away in the middle of a pass."""

    def __init__(self) -> None:
        super().__init__()
        self.victim: str | None = None
        self.drop: Callable[[], None] = lambda: None

    def serve(self, raw_path: str) -> Reply | None:
        if raw_path == self.victim:
            self.victim = None
            self.drop()
        return super().serve(raw_path)


@contextmanager
def scratch_database() -> Iterator[tuple[str, Callable[[], None]]]:
    """A new PostgreSQL database (URL, and how to drop it with its connections)."""
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {POSTGRES}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"scrubwatch_gone_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False), drop
    finally:
        drop()
        admin.dispose()


@pytest.mark.slow
def test_check_prints_one_line_when_the_database_is_dropped_mid_pass(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRUBWATCH_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    with DroppingOutlet() as outlet, scratch_database() as (db, drop):
        urls = _publish_four(outlet)
        base = [sys.executable, "-m", "scrubwatch", "--db", db, "--data-dir", str(tmp_path)]
        watched = subprocess.run([*base, "watch", outlet.base_url], env=env, capture_output=True)
        assert watched.returncode == 0, watched.stderr
        outlet.drop = drop
        outlet.victim = urlsplit(urls[2]).path
        started = time.monotonic()
        result = subprocess.run(
            [*base, "check"], env=env, capture_output=True, text=True, timeout=120
        )
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert outlet.victim is None  # the database really went away during the pass
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("scrubwatch: error: database"), lines[0]
    assert "Traceback" not in result.stderr
    assert "Checked" not in result.stdout


# -- scale-out workers ---------------------------------------------------------------------


def _run_job(settings: Settings, runner: Runner, article_id: int) -> None:
    """Run the worker's check task for one article, as procrastinate would."""
    from procrastinate import JobContext
    from procrastinate.jobs import Job

    from scrubwatch.workers import TASK, WorkerState, build_app

    app = build_app(settings, WorkerState(runner=runner))
    job = Job(id=7, queue="checks", lock=None, queueing_lock=None, task_name=TASK, attempts=0)
    context = JobContext(app=app, job=job, start_timestamp=time.time(), abort_reason=lambda: None)

    async def go() -> None:
        async with runner:
            await app.tasks[TASK].func(context, article_id=article_id)

    asyncio.run(go())


def _watched(store: SqlStore, url: str) -> int:
    host = urlsplit(url).netloc
    store.upsert_outlet(Outlet(host=host), START)
    [article] = store.add_articles(host, [url], "feed", START)
    assert article.id is not None
    return article.id


@pytest.mark.slow
def test_a_worker_records_an_internal_error_and_finishes_its_job(tmp_path: Path) -> None:
    with FakeOutlet() as outlet, postgres_schema() as db:
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        settings = Settings(db=db, data_dir=tmp_path / "data")
        store = SqlStore.open(db)
        article_id = _watched(store, url)
        runner = Runner(settings, store, fetcher=BrokenFetcher(settings, url))
        _run_job(settings, runner, article_id)  # returns: the job succeeds
        [capture] = store.captures(article_id)
        store.close()
    assert capture.outcome == CaptureOutcome.FAILED
    assert capture.error == f"internal error: RuntimeError: {BUG}"
    assert capture.idempotency_key == "job-7"


@pytest.mark.slow
def test_a_worker_job_fails_for_procrastinate_to_retry_when_the_store_is_gone(
    tmp_path: Path,
) -> None:
    with DroppingOutlet() as outlet, scratch_database() as (db, drop):
        url = outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
        settings = Settings(db=db, data_dir=tmp_path / "data")
        store = SqlStore.open(db)
        article_id = _watched(store, url)
        outlet.drop, outlet.victim = drop, urlsplit(url).path
        with pytest.raises(StoreUnavailable):
            _run_job(settings, Runner(settings, store), article_id)
        store.close()


# -- telling the two apart -----------------------------------------------------------------


def test_a_constraint_is_a_storage_error_and_a_lost_database_store_unavailable(
    store: SqlStore,
) -> None:
    """On SQLite and PostgreSQL: a row breaking a constraint fails that write alone; a
    database that cannot be reached, or whose connection was ended, is unavailable."""
    store.upsert_outlet(Outlet(host="news.example"), START)
    [article] = store.add_articles("news.example", ["https://news.example/a"], "feed", START)
    ghost = Article(url="https://news.example/ghost", outlet_host="news.example", id=9999)
    capture = Capture(9999, START, ghost.url, CaptureOutcome.FAILED)
    with pytest.raises(StorageError) as constraint:  # no such article: a foreign key fails
        store.record_check(CheckRecord(ghost, capture, ArticleState.NEW, None))
    assert not isinstance(constraint.value, StoreUnavailable)
    assert store.article(article.url) is not None  # the store itself is fine

    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        shutil.rmtree(Path(url.database).parent)
        store.engine.dispose()  # the next use must open the file again
        with pytest.raises(StoreUnavailable, match="unable to open database file"):
            store.article(article.url)
        return
    store.engine.dispose()
    with store.engine.connect() as conn:  # the one connection in the pool from now on
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    killer = create_engine(url)
    with killer.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid or 0)})")
    killer.dispose()
    with pytest.raises(StoreUnavailable, match=r"terminat|closed"):
        store.article(article.url)
    refused = SqlStore(create_engine(url.set(host="127.0.0.1", port=_closed_port())))
    with pytest.raises(StoreUnavailable, match="database unavailable"):
        refused.article(article.url)
    refused.close()


def _closed_port() -> int:
    """A local TCP port nothing listens on (bound for a moment, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
