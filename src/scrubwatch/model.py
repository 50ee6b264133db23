"""Plain domain objects shared by every layer.

Nothing here does I/O or imports anything of the project but the standard library, so pure
modules (`extract`, `text`, `compare`, `deletion`, `schedule`) and adapters (`store`, `fetch`)
speak the same language without depending on each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ChangeKind(StrEnum):
    """What happened between two consecutive states of an article."""

    EDITED = "edited"
    DELETED = "deleted"
    RESTORED = "restored"
    # Captures of the page that a watched web archive listed no longer are (`watch --archive`).
    ARCHIVE_REMOVED = "archive_removed"


class Severity(StrEnum):
    """How much an edit matters: `minor` is spelling, punctuation, whitespace or casing only."""

    MINOR = "minor"
    SUBSTANTIVE = "substantive"


class DeletionKind(StrEnum):
    """How an article went away."""

    HTTP_404 = "http_404"
    HTTP_410 = "http_410"
    REDIRECT = "redirect"
    SOFT_404 = "soft_404"
    EMPTIED = "emptied"


class ArticleState(StrEnum):
    """Where an article stands after its latest successful capture."""

    NEW = "new"  # watched, never captured successfully
    LIVE = "live"
    GONE = "gone"
    DUPLICATE = "duplicate"  # its page names another watched URL as canonical; not checked
    UNWATCHED = "unwatched"  # a user stopped watching it; its evidence stays


class CaptureOutcome(StrEnum):
    """What one capture showed, relative to the article's previous state."""

    NEW_VERSION = "new_version"  # a version not seen just before (first one, an edit, a restore)
    UNCHANGED = "unchanged"  # same article text as the latest version
    GONE = "gone"  # the article is not there (any DeletionKind)
    FAILED = "failed"  # the fetch failed: timeout, connection error, 5xx, too large...
    # A failed look too: the page answered with an interstitial (bot challenge, consent,
    # login or paywall) instead of the article. Retried like a failure, never a deletion.
    BLOCKED = "blocked"
    # The page answered but is too large to analyse in detail (`max_page_elements`): not
    # compared, retried like a failure, never a deletion (the site is there).
    TOO_LARGE = "too_large"

    @property
    def is_failure(self) -> bool:
        """Whether this capture failed to see the article (failed, blocked or too large)."""
        return self in FAILED_LOOKS


FAILED_LOOKS = frozenset({CaptureOutcome.FAILED, CaptureOutcome.BLOCKED, CaptureOutcome.TOO_LARGE})


@dataclass(frozen=True, slots=True)
class Document:
    """What extraction gives from one capture: the article, without the page around it."""

    title: str | None = None
    byline: str | None = None
    published: str | None = None  # ISO-8601 date or date-time
    updated: str | None = None
    language: str | None = None  # ISO 639-1
    canonical_url: str | None = None
    paragraphs: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body: paragraphs joined by newlines."""
        return "\n".join(self.paragraphs)

    @property
    def is_empty(self) -> bool:
        """True when no article body was found."""
        return not any(p.strip() for p in self.paragraphs)

    def fingerprint(self) -> str:
        """SHA-256 of what makes a version distinct: title, byline and body.

        Dates are left out on purpose: a new "updated" stamp alone is not an edit.
        Whitespace runs are collapsed so re-indented markup does not count either.
        """
        parts = [self.title or "", self.byline or "", *self.paragraphs]
        canonical = "\x1f".join(" ".join(p.split()) for p in parts)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class TextPair:
    """A before/after pair: a headline, a rewritten sentence, a changed figure."""

    before: str
    after: str | None


@dataclass(frozen=True, slots=True)
class Diff:
    """The explained difference between two Documents of one article (output of `compare`)."""

    severity: Severity
    title: TextPair | None = None
    byline: TextPair | None = None
    sentences_removed: tuple[str, ...] = ()
    sentences_added: tuple[str, ...] = ()
    sentences_changed: tuple[TextPair, ...] = ()
    quotes_removed: tuple[str, ...] = ()
    terms_removed: tuple[str, ...] = ()
    numbers_changed: tuple[TextPair, ...] = ()
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news site being watched, with the sources its new articles are discovered from."""

    host: str
    homepage: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    id: int | None = None
    added_at: datetime | None = None
    last_discovered_at: datetime | None = None
    chrome: dict[str, object] | None = None  # learned page chrome, as extract.chrome stores it
    # Added through the web UI: every request made for it goes through the SSRF guard
    # (scrubwatch.netguard), redirects and discovered URLs included.
    web_added: bool = False
    # The proxy given to `watch --proxy` (never with credentials: those live in the settings
    # file); it comes before the file's proxies for this outlet (scrubwatch.network).
    proxy: str | None = None


# `Article.source` of an article known only from an imported web archive: it is not checked
# live until a `watch` (or an outlet's discovery) names it, which adopts it as it is.
IMPORTED = "import"


@dataclass(frozen=True, slots=True)
class Article:
    """One canonical URL being watched, with its schedule state."""

    url: str
    outlet_host: str
    id: int | None = None
    source: str = "manual"  # how it was found: manual, feed, sitemap, homepage, import
    state: ArticleState = ArticleState.NEW
    added_at: datetime | None = None
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    last_change_at: datetime | None = None
    latest_version: int | None = None  # the version the page shows now (not always the highest)
    consecutive_failures: int = 0
    check_count: int = 0
    fast_hint: dict[str, object] | None = None  # for the fast re-check path (extract.fastpath)
    # For a conditional GET: "etag" and "last_modified" of the latest 200 answer, those it
    # had; None when not known without reading the captures.
    validators: dict[str, str] | None = None
    web_added: bool = False  # its outlet was added through the web UI: fetched guarded
    proxy: str | None = None  # its outlet's proxy set with `watch --proxy`, if any


@dataclass(frozen=True, slots=True)
class WarcRef:
    """Where the raw response of a capture is archived."""

    filename: str
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class Capture:
    """One fetch attempt of an article and what it showed."""

    article_id: int
    fetched_at: datetime
    url: str
    outcome: CaptureOutcome
    final_url: str | None = None
    status: int | None = None
    redirects: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body_sha256: str | None = None
    body_size: int = 0
    warc: WarcRef | None = None
    error: str | None = None
    version: int | None = None  # the version this capture showed, when it showed one
    idempotency_key: str | None = None  # a retried task with the same key records nothing twice
    id: int | None = None
    # The web archive file this capture was imported from (`scrubwatch import`); None when
    # scrubwatch fetched it itself.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """A distinct Document of an article, numbered from 1 in order of first sight."""

    article_id: int
    number: int
    first_seen: datetime
    document: Document
    fingerprint: str
    capture_id: int | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """What happened between two consecutive states of an article, explained."""

    url: str
    outlet: str
    detected_at: datetime
    kind: ChangeKind
    from_version: int | None
    to_version: int | None
    summary: str
    severity: Severity | None = None
    deletion: DeletionKind | None = None
    diff: Diff | None = None
    redirect_to: str | None = None
    capture_id: int | None = None
    id: int | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # When the last good capture before this one was taken: it still showed the old text
    # (or the page before it went), so with `detected_at` it brackets when the change came.
    last_seen_before: datetime | None = None
    # The web archive file the change was rebuilt from (its capture's source); None when
    # it was seen live.
    source: str | None = None


@dataclass(frozen=True, slots=True)
class AlertRule:
    """Which changes someone wants to hear about, and where to tell them."""

    name: str
    target: str
    terms: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    severity: str | None = None  # "substantive": leave out minor edits
    secret: str | None = None  # HMAC key for webhooks
    digest_minutes: int | None = None  # collect changes into one message per this period
    id: int | None = None
    created_at: datetime | None = None
    after_change_id: int = 0  # changes up to this id were recorded before the rule existed
    web_added: bool = False  # made through the web UI: sent through the SSRF guard


@dataclass(frozen=True, slots=True)
class ArchiveWatch:
    """A web archive's index watched for captures that vanish (`watch --archive`)."""

    cdx_url: str
    pattern: str  # a URL, or a prefix ending in *
    created_at: datetime
    next_check_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_error: str | None = None  # why the last look at the index failed; None when it worked
    listed: int = 0  # captures the index listed at the last look
    id: int | None = None
