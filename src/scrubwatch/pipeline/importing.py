"""Rebuilding articles' past from web archives (`scrubwatch import`).

Every usable archived response becomes a capture at its WARC-Date and goes through the same
steps as a live check after its fetch (`check.record_response`: archive into our own WARC
store, extract, compare, judge deletion, record), URL by URL in time order. So versions,
changes and deletions carry the archive's times, and evidence bundles work as for live
captures. Choices a reader could not guess:

- The same capture imported twice is recorded once: its idempotency key is the URL, the
  WARC-Date and the SHA-256 of the body, whatever file (or copy of a file) it came from.
- A history is only ever extended forwards. Captures older than an article's latest
  capture (say, an archive imported after months of live watching) are skipped and counted:
  slotting them in would renumber versions and rewrite changes already reported.
- A URL is imported when it is already an article here, or when it looks like one (its
  shape, or og:type "article") and the archive holds a 200 page of it: a crawl's homepages,
  section pages and lone 404s are not articles to rebuild.
- An article known only from archives is not checked live (`model.IMPORTED`) until `watch`
  or an outlet's discovery names it; it then keeps its imported history.
- A redirect whose target the archive also captured (within a day after it) is followed, as
  a live fetch would, so an article that merely moved is not reported deleted.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from scrubwatch.archives import (
    ArchivedBody,
    ArchivedCapture,
    FileScan,
    read_body,
    scan_archive,
)
from scrubwatch.discover import canonical_url, host_of
from scrubwatch.discover.links import looks_like_article
from scrubwatch.errors import StoreUnavailable
from scrubwatch.fetch import Response
from scrubwatch.model import (
    IMPORTED,
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    Outlet,
)
from scrubwatch.pipeline.check import record_response
from scrubwatch.pipeline.services import Services
from scrubwatch.store import Store

log = logging.getLogger(__name__)

REDIRECT_WINDOW = timedelta(days=1)  # how long after a redirect its target's capture counts


@dataclass
class FileReport:
    """What one named file gave."""

    source: str
    records: int = 0
    imported: int = 0
    duplicates: int = 0
    error: str | None = None


@dataclass
class ImportReport:
    """What an import did, per file and in all."""

    files: list[FileReport]
    skipped: int = 0  # usable responses that are no article's (or revisits without a body)
    older: int = 0  # captures older than their article's history here, left out
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # captures that could not be imported

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def failed_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error is not None]


def import_archives(services: Services, sources: Sequence[str]) -> ImportReport:
    """Import the named WARC/WACZ files; runs in the processing thread (synchronous store).

    Never raises for a bad file or a bad record (the report says which and why); only when
    the store itself is gone (StoreUnavailable).
    """
    with tempfile.TemporaryDirectory(prefix="scrubwatch-import-") as workdir:
        scans = [scan_archive(source, Path(workdir)) for source in sources]
        report = ImportReport([_file_report(s) for s in scans])
        run = ImportRun(services, report, [c for s in scans for c in s.captures])
        for url, group in run.groups():
            run.import_url(url, group)
    services.chrome.flush()
    return report


def _file_report(scan: FileScan) -> FileReport:
    return FileReport(scan.source, records=scan.records, error=scan.error)


BodyReader = Callable[[ArchivedCapture], ArchivedBody]


class ImportRun:
    """One import: the captures of every file, and the report filled as they are recorded.

    `read`: a capture's answer with its body; by default read back from its WARC file
    (an import from a CDX server hands over the bodies it fetched instead).
    """

    def __init__(
        self,
        services: Services,
        report: ImportReport,
        captures: list[ArchivedCapture],
        read: BodyReader | None = None,
    ) -> None:
        self.services = services
        self.store = services.store
        self.report = report
        limit = services.settings.max_body_bytes
        self.read: BodyReader = read or (lambda capture: read_body(capture, limit))
        self.by_file = {f.source: f for f in report.files}
        self.captures = captures
        # A revisit names the response holding its body by payload digest.
        self.originals = {
            c.payload_digest: c
            for c in captures
            if c.record_type == "response" and c.payload_digest
        }
        self.pages: dict[str, list[ArchivedCapture]] = {}
        for c in captures:
            if c.status == 200:
                self.pages.setdefault(canonical_url(c.url), []).append(c)

    def groups(self) -> list[tuple[str, list[ArchivedCapture]]]:
        """Captures by article URL, each group in time order, groups by their first capture."""
        grouped: dict[str, list[ArchivedCapture]] = {}
        for c in self.captures:
            grouped.setdefault(canonical_url(c.url), []).append(c)
        for group in grouped.values():
            group.sort(key=lambda c: c.date)
        return sorted(grouped.items(), key=lambda item: (item[1][0].date, item[0]))

    def import_url(self, url: str, group: list[ArchivedCapture]) -> None:
        """Every capture of one URL, in time order, into its article's history."""
        article = self._article(url, group)
        if article is None:
            self.report.skipped += len(group)
            return
        assert article.id is not None
        unwatched = article.state == ArticleState.UNWATCHED
        recorded: set[int] = set()
        for capture in group:
            try:
                article = self._import_one(article, capture, recorded)
            except StoreUnavailable:
                raise
            except Exception as exc:  # one bad record (or a bug) costs that record alone
                log.warning("cannot import %s at %s", capture.url, capture.date, exc_info=True)
                self.report.problems.append(f"{capture.source}: {capture.url} ({exc})")
            if article.state == ArticleState.DUPLICATE:
                break
        self._settle(article, unwatched)
        if recorded:
            found = self.store.changes(url=article.url)
            self.report.changes += [c for c in reversed(found) if c.capture_id in recorded]

    def _import_one(
        self, article: Article, capture: ArchivedCapture, recorded: set[int]
    ) -> Article:
        """Record one capture (unless already imported or older than the history)."""
        assert article.id is not None
        original = self._original(capture)
        if original is None or original.body_sha256 is None:
            self.report.skipped += 1  # a revisit whose body no file given holds
            return article
        key = _idempotency_key(capture, original.body_sha256)
        if self.store.recorded(key):
            self.by_file[capture.source].duplicates += 1
            return article
        if article.last_checked_at is not None and capture.date < article.last_checked_at:
            self.report.older += 1
            return article
        response = self._response(article, capture, original)
        blank = Capture(
            article_id=article.id,
            fetched_at=capture.date,
            url=article.url,
            outcome=CaptureOutcome.FAILED,
            idempotency_key=key,
            source=capture.source,
        )
        result = record_response(self.services, article, blank, response)
        self.by_file[capture.source].imported += 1
        if result.change is not None and result.capture.id is not None:
            recorded.add(result.capture.id)
        fresh = self.store.article_by_id(article.id)
        return fresh if fresh is not None else article

    def _original(self, capture: ArchivedCapture) -> ArchivedCapture | None:
        """The capture holding this one's body: itself, or a revisit's original."""
        if capture.record_type == "response":
            return capture
        return self.originals.get(capture.payload_digest or "")

    def _response(
        self, article: Article, capture: ArchivedCapture, original: ArchivedCapture
    ) -> Response:
        """The archived answer as a live fetch would have handed it over."""
        if capture.location is not None:
            target = self._target(capture)
            if target is not None:  # followed, as a live fetch would
                return _as_response(article, target, self.read(target), (capture.url,))
        answer = self.read(capture)
        body = answer.body if original is capture else self.read(original).body
        redirects: tuple[str, ...] = ()
        final_url = capture.url
        if capture.location is not None:  # not followed: judged by where it points
            redirects, final_url = (capture.url,), capture.location
        return _as_response(article, capture, answer, redirects, body=body, final_url=final_url)

    def _target(self, redirect: ArchivedCapture) -> ArchivedCapture | None:
        """The archive's capture of a redirect's target, taken soon after the redirect."""
        assert redirect.location is not None
        for page in self.pages.get(canonical_url(redirect.location), ()):
            soon = redirect.date <= page.date <= redirect.date + REDIRECT_WINDOW
            if soon and page.record_type == "response":
                return page
        return None

    def _article(self, url: str, group: list[ArchivedCapture]) -> Article | None:
        """The article these captures belong to; created (not scheduled) when new."""
        existing = self.store.article(url)
        if existing is not None:
            return None if existing.state == ArticleState.DUPLICATE else existing
        if not _looks_like_article(url, group):
            return None
        return known_from_archive(self.store, url, group[0].date)

    def _settle(self, article: Article, unwatched: bool) -> None:
        """Leave an article's watching as it was: recording a capture schedules the next
        check, which an article nobody watches must not get."""
        assert article.id is not None
        if unwatched:
            self.store.stop_watching_article(article.id)
        elif article.source == IMPORTED:
            self.store.set_next_check(article.id, None)


def known_from_archive(store: Store, url: str, when: datetime) -> Article:
    """A new article known only from a web archive: its outlet (the URL's host) made if
    need be, the article added as imported, so not checked live until watched."""
    host = host_of(url)
    if store.outlet(host) is None:
        store.upsert_outlet(Outlet(host=host), when)
    store.add_articles(host, [url], IMPORTED, when)
    created = store.article(url)
    assert created is not None
    return created


def _as_response(
    article: Article,
    capture: ArchivedCapture,
    answer: ArchivedBody,
    redirects: tuple[str, ...],
    *,
    body: bytes | None = None,
    final_url: str | None = None,
) -> Response:
    return Response(
        url=article.url,
        final_url=final_url or capture.url,
        status=answer.status,
        reason=answer.reason,
        http_version=answer.http_version,
        headers=answer.headers,
        body=answer.body if body is None else body,
        redirects=redirects,
    )


def _looks_like_article(url: str, group: list[ArchivedCapture]) -> bool:
    """Worth a history: a page of it was archived, and it looks like an article."""
    pages = [c for c in group if c.status == 200]
    if not pages:
        return False
    return looks_like_article(url) or any(c.says_article for c in pages)


def _idempotency_key(capture: ArchivedCapture, body_sha256: str) -> str:
    """The same capture, from whatever file: URL, WARC-Date and body (71 characters)."""
    text = f"{capture.url}\n{capture.date.isoformat()}\n{capture.status}\n{body_sha256}"
    return "import:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
