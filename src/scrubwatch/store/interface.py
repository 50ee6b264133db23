"""What every store offers: domain objects and `store.records` in and out, never rows.

Everything above the store (pipeline, runner, workers, alerts, evidence, cli, web) depends on
`Store` only; the one place that names the SQLAlchemy implementation is the factory,
`store.open_store`, whose return statement is where mypy proves that `SqlStore` satisfies
this Protocol. So the SQLite default and the PostgreSQL scale-out store stay
interchangeable (one contract test suite runs on both), and a method a caller needs is
added here first.

`Store` is composed of role Protocols, one per concern, so a reader finds a method by what
it is for. Every method is a synchronous database call: async code runs it off the event
loop (see "How it is built" in the README).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from scrubwatch.model import (
    AlertRule,
    ArchiveWatch,
    Article,
    Capture,
    Change,
    ChangeKind,
    Outlet,
    Version,
)
from scrubwatch.politeness import SharedPacing
from scrubwatch.store.records import (
    AlertCandidate,
    ArticleSummary,
    ChangeFilter,
    CheckRecord,
    Delivery,
    FoundWave,
    ListedCapture,
    MissingCapture,
    Outage,
    OutletHealth,
    PageKey,
    QueuedDelivery,
    RemovalSource,
    RemovedHit,
    RuleStatus,
    SearchHit,
    StoredBody,
    StoredRemoval,
    StorySource,
)
from scrubwatch.waves import StorySignature, WaveRecord


class WatchStore(Protocol):
    """Outlets and articles: what is watched and when it is due."""

    def upsert_outlet(self, outlet: Outlet, now: datetime) -> Outlet: ...
    def outlets(self) -> list[Outlet]: ...
    def outlet(self, host: str) -> Outlet | None: ...
    def mark_discovered(self, host: str, now: datetime) -> None: ...
    def update_chrome(
        self, host: str, merge: Callable[[dict[str, object] | None], dict[str, object]]
    ) -> None: ...
    def outlet_outages(self, min_checks: int, host: str | None = None) -> list[Outage]: ...
    def told_outages(self) -> dict[str, datetime]: ...
    def mark_outage_told(
        self, host: str, since: datetime | None, previous: datetime | None
    ) -> bool: ...

    def add_articles(
        self, host: str, urls: Sequence[str], source: str, now: datetime
    ) -> list[Article]: ...
    def article(self, url: str) -> Article | None: ...
    def article_by_id(self, article_id: int) -> Article | None: ...
    def articles(self, *, due_at: datetime | None = None) -> list[Article]: ...
    def lease_due(self, now: datetime, until: datetime, limit: int) -> list[Article]: ...
    def next_due(self) -> datetime | None: ...
    def rename_article(self, article_id: int, url: str) -> bool: ...
    def set_next_check(self, article_id: int, when: datetime | None) -> None: ...
    def stop_watching_article(self, article_id: int) -> bool: ...
    def stop_watching_outlet(self, host: str) -> bool: ...

    def shared_pacing(self) -> SharedPacing:
        """Per-host request spacing shared by every process using this store (PostgreSQL
        only: ValueError on SQLite)."""
        ...

    def close(self) -> None: ...


class HistoryStore(Protocol):
    """Checks and what they left behind: captures, versions, changes."""

    def record_check(self, record: CheckRecord) -> Capture: ...
    def recorded(self, idempotency_key: str) -> bool: ...
    def first_body(self, sha256: str) -> StoredBody | None: ...
    def captures(self, article_id: int) -> list[Capture]: ...
    def capture(self, capture_id: int) -> Capture | None: ...
    def validators(self, article_id: int) -> dict[str, str]: ...
    def failing_since(self, article_id: int) -> datetime | None: ...

    def version(self, article_id: int, number: int) -> Version | None: ...
    def versions(self, article_id: int) -> list[Version]: ...
    def version_by_fingerprint(self, article_id: int, fingerprint: str) -> Version | None: ...
    def change_exists(self, article_id: int, from_version: int, to_version: int) -> bool: ...

    def changes(
        self,
        *,
        since: datetime | None = None,
        url: str | None = None,
        kind: ChangeKind | None = None,
        limit: int | None = None,
    ) -> list[Change]: ...


class ReadingStore(Protocol):
    """Listings, filters and search for the faces (web UI, JSON API, feeds)."""

    def change_page(
        self,
        filters: ChangeFilter,
        *,
        limit: int = 50,
        offset: int = 0,
        after: PageKey | None = None,
    ) -> list[Change]: ...
    def change_titles(self, change_ids: list[int]) -> dict[int, str | None]: ...
    def article_page(
        self, *, outlet: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[ArticleSummary]: ...
    def outlet_health(self, since: datetime) -> list[OutletHealth]: ...
    def search_versions(
        self, query: str, *, limit: int = 20, offset: int = 0
    ) -> list[SearchHit]: ...
    def removed_text(
        self, phrase: str, *, limit: int = 20, offset: int = 0, after: PageKey | None = None
    ) -> list[RemovedHit]: ...


class AlertStore(Protocol):
    """Alert rules and the queue of their deliveries (at least once, never twice)."""

    def add_alert_rule(self, rule: AlertRule, now: datetime) -> AlertRule: ...
    def alert_rule(self, name: str) -> AlertRule | None: ...
    def alert_rules(self) -> list[AlertRule]: ...
    def remove_alert_rule(self, name: str) -> bool: ...
    def alert_status(self) -> list[RuleStatus]: ...

    def alert_cursor(self) -> int: ...
    def alert_candidates(
        self,
        after_id: int,
        *,
        until_id: int | None = None,
        since: datetime | None = None,
        limit: int = 500,
    ) -> list[AlertCandidate]: ...
    def alert_candidate(self, change_id: int) -> AlertCandidate | None: ...
    def queue_alert_deliveries(
        self, queued: Sequence[QueuedDelivery], up_to: int, now: datetime
    ) -> int: ...

    def due_delivery_ids(self, now: datetime, limit: int) -> list[tuple[int, int]]: ...
    def pending_delivery_ids(self, rule_id: int) -> list[int]: ...
    def claim_delivery(
        self, delivery_id: int, now: datetime, lease: timedelta
    ) -> Delivery | None: ...
    def mark_delivered(self, delivery_ids: Sequence[int], now: datetime) -> None: ...
    def mark_attempt_failed(
        self, delivery_ids: Sequence[int], error: str, retry_at: datetime | None
    ) -> None: ...
    def postpone_deliveries(
        self, delivery_ids: Sequence[int], error: str, until: datetime, now: datetime
    ) -> None: ...


class WaveStore(Protocol):
    """Scrub waves: signed removals, the story index, the waves found in them."""

    def wave_cursor(self, name: str) -> int: ...
    def removal_sources(
        self, after_id: int, *, since: datetime | None = None, limit: int = 500
    ) -> list[RemovalSource]: ...
    def save_removals(self, removals: Sequence[StoredRemoval], up_to: int) -> None: ...
    def removals_between(self, start: datetime, end: datetime) -> list[StoredRemoval]: ...
    def save_waves(self, found: Sequence[FoundWave], now: datetime) -> list[int]: ...
    def wave_list(
        self,
        *,
        since: datetime | None = None,
        updated_since: datetime | None = None,
        limit: int = 100,
    ) -> list[WaveRecord]: ...
    def wave(self, wave_id: int) -> WaveRecord | None: ...

    def story_sources(
        self, after_row: int, *, since: datetime | None = None, limit: int = 500
    ) -> list[StorySource]: ...
    def save_story_index(
        self, entries: Sequence[tuple[StorySource, StorySignature]], up_to: int
    ) -> None: ...
    def story_postings(self, keys: Sequence[str]) -> dict[str, list[int]]: ...
    def story_signatures(
        self, article_ids: Sequence[int]
    ) -> list[tuple[int, str, StorySignature]]: ...


class ArchiveStore(Protocol):
    """Web archives' indexes watched for captures that vanish (`watch --archive`)."""

    def add_archive_watch(self, cdx_url: str, pattern: str, now: datetime) -> ArchiveWatch: ...
    def archive_watches(self, *, due_at: datetime | None = None) -> list[ArchiveWatch]: ...
    def archive_watch_failed(
        self, watch_id: int, error: str, now: datetime, next_check: datetime
    ) -> None: ...
    def record_archive_listing(
        self,
        watch_id: int,
        listed: Sequence[ListedCapture],
        now: datetime,
        next_check: datetime,
    ) -> list[MissingCapture]: ...
    def record_archive_removal(
        self,
        watch_id: int,
        article_id: int,
        change: Change,
        captures: Sequence[MissingCapture],
    ) -> int: ...


class Store(WatchStore, HistoryStore, ReadingStore, AlertStore, WaveStore, ArchiveStore, Protocol):
    """Persistence of everything scrubwatch knows: one object, every role."""
