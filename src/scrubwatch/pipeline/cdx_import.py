"""Rebuilding articles' past from a Wayback-style CDX server (`scrubwatch import --cdx`).

The archive's index is read once; its captures then go, URL by URL in time order, through
the same import as a WARC file's (`pipeline.importing.ImportRun`), each body fetched from
the replay's `id_` mode through the polite fetcher (robots.txt, per-host pacing and
concurrency, Retry-After, the time and size caps of a live fetch). Choices a reader could
not guess:

- Resumable: a capture not newer than its article's history here is never fetched again
  (it was imported before, or it is older), so the same import run after an interruption
  goes on where it stopped. When a capture cannot be fetched even after retries, the later
  captures of its URL are held back: the history never gets a gap a later run could not
  fill, since a history only grows forwards.
- Identical digests are fetched once: a capture whose digest the archive gave for the
  capture before it (or another in its chunk) reuses that body. A URL's captures are
  fetched and imported CHUNK at a time, which bounds memory.
- An answer for another moment (a Memento-Datetime that differs, or a redirect to another
  timestamp of the same URL, as archives answer for a capture they cannot serve) is not
  this capture: it is left out and named in the report. An archived redirect is judged by
  where it points; unlike a file import, its target's capture is not looked for.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin

from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from scrubwatch.archives import ArchivedBody, ArchivedCapture
from scrubwatch.archives.cdx import (
    CdxCapture,
    original_of,
    pages_by_resume_key,
    parse_page,
    query,
    replay_prefix,
    replay_url,
    usable,
)
from scrubwatch.archives.warcfile import declares_article
from scrubwatch.archives.warcfile import usable as usable_answer
from scrubwatch.discover import canonical_url
from scrubwatch.discover.links import looks_like_article
from scrubwatch.errors import ArchiveError, ConnectionFailed, FetchError, FetchTimeout
from scrubwatch.exchange import REDIRECT_STATUSES
from scrubwatch.fetch import Fetcher, Response
from scrubwatch.model import ArticleState
from scrubwatch.pipeline.importing import FileReport, ImportReport, ImportRun
from scrubwatch.pipeline.services import Services

log = logging.getLogger(__name__)

CDX_MAX_BYTES = 64 << 20  # an index answer; about 300,000 captures
PAGE_ROWS = 10_000  # captures per page of an index that pages (the Internet Archive's)
MAX_PAGES = 200  # pages of one listing: two million captures are kept in memory at most
ATTEMPTS = 4  # per request: the first and three retries
GIVE_UP_AFTER = 10  # captures in a row the archive failed to serve: it is down, stop
CHUNK = 32  # captures of one URL fetched, held in memory and imported at a time

Progress = Callable[[int, int], None]  # (captures done, captures in all)


@dataclass(frozen=True)
class CdxImport:
    """What to import: a URL or `*` prefix pattern from one CDX server, optionally a span."""

    cdx_url: str
    pattern: str
    since: str | None = None  # CDX timestamps (archives.cdx.cdx_timestamp)
    until: str | None = None
    replay: str | None = None  # the replay's prefix, when it cannot be derived


class ArchiveStrained(FetchError):
    """The archive answered 429 or 5xx, or not at all: worth another try."""


class OtherMoment(ArchiveError):
    """The archive answered with another capture than the one asked for."""


# A capture fetched (None when the import has no use for the answer), or why not.
_Answer = tuple[ArchivedCapture | None, ArchivedBody] | FetchError | ArchiveError


@dataclass
class _Group:
    """One URL's captures: those to fetch, and what happened to the others."""

    url: str
    rows: list[CdxCapture]
    pending: list[CdxCapture] = field(default_factory=list)
    duplicates: int = 0
    older: int = 0
    skipped: int = 0


async def import_from_cdx(
    services: Services, request: CdxImport, progress: Progress | None = None
) -> ImportReport:
    """Import what the CDX server lists for the pattern.

    Raises ArchiveError (or a FetchError) when the index itself cannot be read; a capture
    that cannot be fetched is a problem in the report, never an exception.
    """
    prefix = request.replay or replay_prefix(request.cdx_url)
    for url in (request.cdx_url, prefix):
        services.fetcher.pace_at_least(url, services.settings.archive_min_delay)
    listing = await list_captures(services.fetcher, request)
    wanted = [c for c in listing if usable(c)]
    report = ImportReport([FileReport(request.cdx_url, records=len(listing))])
    report.skipped += len(listing) - len(wanted)
    bodies: dict[ArchivedCapture, ArchivedBody] = {}
    run = ImportRun(services, report, [], read=bodies.__getitem__)
    loop = asyncio.get_running_loop()
    fetching = _Fetching(services.fetcher, prefix, request.cdx_url, report)
    done = 0
    for url, rows in _groups(wanted):
        if fetching.given_up:
            break
        group = await loop.run_in_executor(services.executor, _plan, services, url, rows)
        report.files[0].duplicates += group.duplicates
        report.older += group.older
        report.skipped += group.skipped
        answers = await fetching.admit(group)
        remaining = group.pending if answers is not None else []
        while remaining and answers is not None:
            captures, stopped = await fetching.chunk(url, remaining, answers, bodies)
            if captures:
                await loop.run_in_executor(services.executor, run.import_url, url, captures)
            bodies.clear()
            remaining = [] if stopped else remaining[CHUNK:]
        done += len(rows)
        if progress is not None:
            progress(done, len(wanted))
    await loop.run_in_executor(services.executor, services.chrome.flush)
    return report


async def list_captures(fetcher: Fetcher, request: CdxImport) -> list[CdxCapture]:
    """Every capture the CDX server lists for the request, in the server's order: page by
    page where the server pages by resume key (the Internet Archive), else in one answer."""
    page_rows = PAGE_ROWS if pages_by_resume_key(request.cdx_url) else None
    joiner = "&" if "?" in request.cdx_url else "?"
    found: list[CdxCapture] = []
    key = None
    for _ in range(MAX_PAGES):
        params = query(
            request.pattern, request.since, request.until, page_rows=page_rows, resume_key=key
        )
        url = f"{request.cdx_url}{joiner}{urlencode(params)}"
        response = await _get(fetcher, url, max_bytes=CDX_MAX_BYTES)
        if response.status != 200:
            raise ArchiveError(f"the CDX server answered {response.status} {response.reason}")
        captures, key = parse_page(response.body.decode("utf-8", errors="replace"))
        found += captures
        if key is None or page_rows is None:
            return found
    raise ArchiveError(
        f"the archive lists more than {MAX_PAGES * PAGE_ROWS:,} captures for {request.pattern}: "
        "narrow the URL pattern or the dates (--from, --to)"
    )


def _groups(captures: Sequence[CdxCapture]) -> list[tuple[str, list[CdxCapture]]]:
    """Captures by article URL, each in time order, groups by their first capture."""
    grouped: dict[str, list[CdxCapture]] = {}
    for c in captures:
        grouped.setdefault(canonical_url(c.url), []).append(c)
    for rows in grouped.values():
        rows.sort(key=lambda c: c.timestamp)
    return sorted(grouped.items(), key=lambda item: (item[1][0].timestamp, item[0]))


def _plan(services: Services, url: str, rows: list[CdxCapture]) -> _Group:
    """Which of a URL's captures to fetch (processing thread: it reads the store)."""
    group = _Group(url, rows)
    article = services.store.article(url)
    if article is None:
        group.pending = list(rows)
        return group
    if article.state == ArticleState.DUPLICATE:
        group.skipped = len(rows)
        return group
    assert article.id is not None
    seen = {c.fetched_at for c in services.store.captures(article.id)}
    last = article.last_checked_at
    for row in rows:
        if row.date in seen:
            group.duplicates += 1
        elif last is not None and row.date <= last:
            group.older += 1
        else:
            group.pending.append(row)
    return group


class _Fetching:
    """Fetches captures from the replay, and notes in the report what it could not."""

    def __init__(self, fetcher: Fetcher, prefix: str, source: str, report: ImportReport) -> None:
        self.fetcher = fetcher
        self.prefix = prefix
        self.source = source
        self.report = report
        self.failures_in_a_row = 0
        self.given_up = False

    async def admit(self, group: _Group) -> dict[str, _Answer] | None:
        """Whether to import the group's captures: the answers fetched to decide (a cache
        for `chunk`), or None when the URL is no article or its first page failed."""
        rows = group.pending
        if not rows or looks_like_article(group.url):
            return {}
        # Only a page that says it is an article makes this URL one: ask for its first page
        # before fetching every capture of a homepage or a section page.
        first = next((r for r in rows if r.status in (200, None)), None)
        answer = await self._one(first) if first is not None else None
        if isinstance(answer, FetchError):
            self._held_back(group.url, rows, answer)
            return None
        if not isinstance(answer, tuple) or answer[0] is None or not answer[0].says_article:
            self.report.skipped += len(rows)
            return None
        assert first is not None
        return {_digest(first): answer}

    async def chunk(
        self,
        url: str,
        rows: list[CdxCapture],
        answers: dict[str, _Answer],
        bodies: dict[ArchivedCapture, ArchivedBody],
    ) -> tuple[list[ArchivedCapture], bool]:
        """The first CHUNK of `rows` (a URL's captures still to import) with their bodies, up
        to the first that failed; and whether one failed (the rest is then held back).

        `answers` keeps each digest's answer for the next one with the same digest; only
        the last capture's stays across chunks, so memory is bounded by the chunk."""
        batch = rows[:CHUNK]
        firsts = {_digest(r): r for r in reversed(batch) if _digest(r) not in answers}
        fetched = await asyncio.gather(*(self._one(r) for r in firsts.values()))
        answers.update(zip(firsts, fetched, strict=True))
        captures: list[ArchivedCapture] = []
        stopped = False
        for number, row in enumerate(batch):
            answer = answers[_digest(row)]
            if isinstance(answer, FetchError):
                self._held_back(url, rows[number:], answer)
                stopped = True
                break
            if isinstance(answer, ArchiveError):
                self.report.problems.append(f"{self.source}: {row.url} at {row.date} ({answer})")
                continue
            capture, body = answer
            if capture is None:
                self.report.skipped += 1
                continue
            capture = replace(capture, url=row.url, date=row.date)  # the same bytes, its time
            captures.append(capture)
            bodies[capture] = body
        last = _digest(batch[-1])
        kept = answers.get(last)
        answers.clear()
        if kept is not None:
            answers[last] = kept
        return captures, stopped

    async def _one(self, row: CdxCapture) -> _Answer:
        """One capture fetched and read; a failure comes back as the error."""
        if self.given_up:
            return ArchiveStrained("the import stopped")
        try:
            response = await _get(self.fetcher, replay_url(self.prefix, row), replay=True)
            result = _read(row, response, self.source)
        except FetchError as exc:
            self.failures_in_a_row += 1
            if self.failures_in_a_row >= GIVE_UP_AFTER and not self.given_up:
                self.given_up = True
                self.report.problems.append(
                    f"{self.source}: stopped after {GIVE_UP_AFTER} captures in a row could "
                    "not be fetched; run the same import again to go on"
                )
            return exc
        except ArchiveError as exc:
            return exc
        self.failures_in_a_row = 0
        return result

    def _held_back(self, url: str, rows: list[CdxCapture], why: FetchError) -> None:
        self.report.problems.append(
            f"{self.source}: {url}: {len(rows)} capture(s) from {rows[0].date} held back, "
            f"the archive did not serve them ({why}); run the same import again to go on"
        )


async def _get(
    fetcher: Fetcher, url: str, *, replay: bool = False, max_bytes: int | None = None
) -> Response:
    """One request to the archive, retried with backoff while it is strained or away.

    The host gate already waits out a Retry-After before the next try."""
    retrying = AsyncRetrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=0.5, max=8),
        retry=retry_if_exception_type((ArchiveStrained, ConnectionFailed, FetchTimeout)),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            response = await fetcher.fetch(url, follow_redirects=not replay, max_bytes=max_bytes)
            if response.status == 429 or response.status >= 500:
                raise ArchiveStrained(f"the archive answered {response.status}")
            return response
    raise AssertionError("unreachable")  # the last try returns or raises


def _read(
    row: CdxCapture, response: Response, source: str
) -> tuple[ArchivedCapture | None, ArchivedBody]:
    """The replay's answer as an archived capture (None when the import has no use for it).

    Raises OtherMoment when the archive served another capture than `row`."""
    served = _memento_datetime(response)
    if served is not None and served != row.date:
        raise OtherMoment(f"the archive served its capture of {served} instead")
    headers = response.headers
    location = None
    if response.status in REDIRECT_STATUSES and response.header("location"):
        target, stamp = original_of(response.header("location") or "")
        target = urljoin(row.url, target)
        elsewhen = stamp is not None and stamp != row.timestamp
        if elsewhen and canonical_url(target) == canonical_url(row.url):
            raise OtherMoment(f"the archive redirects to its capture of {stamp}")
        location = target
        headers = tuple((k, target if k.lower() == "location" else v) for k, v in headers)
    body = ArchivedBody(
        status=response.status,
        reason=response.reason,
        http_version=response.http_version,
        headers=headers,
        body=response.body,
    )
    if not usable_answer(response.status, response.content_type, location):
        return None, body
    capture = ArchivedCapture(
        url=row.url,
        date=row.date,
        status=response.status,
        source=source,
        path=None,
        offset=-1,
        record_type="response",
        body_sha256=hashlib.sha256(response.body).hexdigest(),
        payload_digest=row.digest,
        content_type=response.content_type,
        location=location,
        says_article=declares_article(response.body),
    )
    return capture, body


def _digest(row: CdxCapture) -> str:
    """What makes two captures of one URL the same bytes (the timestamp when no digest)."""
    return row.digest or row.timestamp


def _memento_datetime(response: Response) -> datetime | None:
    value = response.header("memento-datetime")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
