"""The store's record types: what goes in and comes out besides the model's own objects.

Plain frozen dataclasses with no database in sight, so callers (pipeline, alerts, web, cli)
and the `Store` Protocol name them without importing SQLAlchemy tables, and a second
store implementation would share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scrubwatch.model import (
    AlertRule,
    Article,
    ArticleState,
    Capture,
    Change,
    ChangeKind,
    Document,
    Severity,
    WarcRef,
)
from scrubwatch.waves import StorySignature, WaveRecord

# Highlight markers inside search snippets: private-use characters no article contains, so
# the caller can split on them and escape everything else.
MARK_START = "\ue000"
MARK_END = "\ue001"

# The cursors of `Store.wave_cursor`: the highest change id and version id already looked at.
CHANGES, VERSIONS = "changes", "versions"


# -- checks --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """Everything one check of one article leaves behind, written in one transaction.

    When `new_document` is set the store numbers a new version, points the capture at it and,
    if `change` is an edit or a restoration, sets the change's `to_version` to that number.
    When `reuse_version` is set instead, the article is back to that earlier version: no new
    version is stored and it becomes the latest again.
    """

    article: Article
    capture: Capture
    state: ArticleState
    next_check_at: datetime | None
    new_document: Document | None = None
    change: Change | None = None
    reuse_version: int | None = None  # the page is back to this earlier version (flip-flop)
    fast_hint: dict[str, object] | None = None
    replace_fast_hint: bool = False  # store `fast_hint` (None clears it); else keep the old one
    # The outcome was judged against `article` as read when the check began (its latest
    # version and state); with `judged` set, the store refuses the record (StaleCheck) when
    # another process recorded the article meanwhile, so no change is ever told against an
    # out-of-date version, nor a deletion reported twice.
    judged: bool = False


class StaleCheck(Exception):
    """Another process recorded this article since the check read it: judge again."""


@dataclass(frozen=True, slots=True)
class StoredBody:
    """The first archived copy of a body, for WARC revisit records."""

    url: str
    fetched_at: datetime
    warc: WarcRef


# -- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """A recorded change, with what matching and messages need from its article."""

    change: Change
    article_id: int
    headline: str | None  # title of the version after the change (or before, if deleted)
    language: str | None
    text: str  # body of that version: a deleted article "removes" every term it held


@dataclass(frozen=True, slots=True)
class QueuedDelivery:
    """A (rule, change) pair to queue, with the terms it matched."""

    rule_id: int
    change_id: int
    matched: tuple[str, ...]
    due_at: datetime
    wave_id: int | None = None  # a `wave` rule's delivery: the wave `change_id` grew


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed delivery, ready to send."""

    id: int
    rule: AlertRule
    candidate: AlertCandidate
    matched: tuple[str, ...]
    attempts: int  # including the attempt being made
    wave: WaveRecord | None = None  # for a `wave` rule: the wave as it stands now


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """How a rule's deliveries stand, for `alerts list`."""

    rule: AlertRule
    pending: int
    sent: int
    failed: int
    last_error: str | None


# -- scrub waves and the story index -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemovalSource:
    """A recorded edit or deletion, with the version it took away, ready to be signed."""

    change: Change
    article_id: int
    title: str | None
    language: str | None
    old_text: str  # the body of the version before the change
    indexed: StorySignature | None = None  # that version's signature, if the index has it


@dataclass(frozen=True, slots=True)
class StoredRemoval:
    """A signed removal as kept in `wave_removals`."""

    change_id: int
    article_id: int
    outlet: str
    detected_at: datetime
    title: str | None
    removed: str
    signature: StorySignature
    wave_id: int | None = None


@dataclass(frozen=True, slots=True)
class FoundWave:
    """A wave as `update_waves` found it, to file (or to merge into the waves it grows)."""

    change_ids: tuple[int, ...]
    terms: tuple[str, ...]
    still_published: tuple[int, ...]  # article ids
    started_at: datetime
    ended_at: datetime
    outlets: tuple[str, ...]
    title: str | None


@dataclass(frozen=True, slots=True)
class StorySource:
    """The current version of an article, to file in the story index."""

    version_row: int  # versions.id, the cursor's unit
    article_id: int
    outlet: str
    number: int
    title: str | None
    language: str | None
    text: str


# -- reads for the faces -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """What `change_page` narrows to; None means any."""

    outlet: str | None = None
    kind: ChangeKind | None = None
    severity: Severity | None = None
    term: str | None = None  # in the summary or the explained diff, case-insensitive
    since: datetime | None = None
    until: datetime | None = None
    url: str | None = None
    article_id: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article with the title of its latest version and how often it changed."""

    article: Article
    title: str | None
    changes: int


@dataclass(frozen=True, slots=True)
class OutletHealth:
    """How watching one outlet is going."""

    host: str
    homepage: str | None
    sources: int  # homepage + feeds + sitemaps still read for new articles
    last_discovered_at: datetime | None
    last_checked_at: datetime | None
    articles: int
    changes: int
    recent_captures: int
    recent_failures: int

    @property
    def failure_rate(self) -> float | None:
        """Share of recent captures that failed; None when there were none."""
        return self.recent_failures / self.recent_captures if self.recent_captures else None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One version that matches a search."""

    article_id: int
    url: str
    outlet: str
    version: int
    latest_version: int | None
    first_seen: datetime
    title: str | None
    snippet: str  # with MARK_START / MARK_END around matched words


@dataclass(frozen=True, slots=True)
class RemovedHit:
    """An article whose earlier version contained a phrase its latest version lacks."""

    article_id: int
    url: str
    outlet: str
    title: str | None
    last_with: int  # the newest version that still had the phrase
    latest_version: int
    gone: bool  # the article itself was deleted (its last version may still have it)
    removed_at: datetime | None  # first seen without it (None when the article is gone)
    changed_at: datetime | None = None  # the article's last change: the list's order

    @property
    def key(self) -> PageKey:
        """Where a page starting after this hit begins (`removed_text(after=...)`)."""
        return PageKey(self.changed_at, self.article_id)


@dataclass(frozen=True, slots=True)
class PageKey:
    """A position in a list ordered by a time, newest first (rows without one last), then
    by id, highest first: the changes list (detection time, change id) and removed-text
    search (the article's last change, article id).

    A page asked for `after` a key starts with the next row in that order, however deep:
    it is found the way a first page is, instead of by counting the rows before it; and it
    stays put when rows are added at the top meanwhile.
    """

    at: datetime | None
    id: int

    @classmethod
    def of_change(cls, change: Change) -> PageKey:
        assert change.id is not None, "a stored change has an id"
        return cls(change.detected_at, change.id)


@dataclass(frozen=True, slots=True)
class Outage:
    """An outlet unreachable from here: every look at it failed or met a wall since `since`."""

    host: str
    since: datetime  # the first failed or blocked look after the last one that got through
    last_at: datetime
    checks: int  # failed or blocked looks since then
    blocked: int  # of them, walls (challenge, consent, login, geo-block page)
    articles: int  # distinct articles among them
    told: datetime | None  # the `since` of the episode last alerted about

    @property
    def what(self) -> str:
        """ "12 checks blocked", "5 checks failed", "7 checks failed or blocked"."""
        if self.blocked == self.checks:
            return f"{self.checks} checks blocked"
        if not self.blocked:
            return f"{self.checks} checks failed"
        return f"{self.checks} checks failed or blocked ({self.blocked} blocked)"


@dataclass(frozen=True, slots=True)
class ListedCapture:
    """A capture a watched web archive's index listed (`watch --archive`)."""

    url: str
    timestamp: str  # 14 digits, the archive's name for it
    status: int | None = None
    digest: str | None = None


@dataclass(frozen=True, slots=True)
class MissingCapture:
    """A capture the index listed once and has not listed at two looks in a row since."""

    url: str
    timestamp: str
    last_listed_at: datetime  # the last look that still listed it
    missing_since: datetime  # the first look that did not
