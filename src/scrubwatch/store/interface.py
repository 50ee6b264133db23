"""What every store offers: domain objects in and out, never rows.

The pipeline and the faces depend on this Protocol only, so the SQLite default and the
PostgreSQL scale-out store stay interchangeable (one contract test suite runs on both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from scrubwatch.model import (
    Article,
    ArticleState,
    Capture,
    Change,
    ChangeKind,
    Document,
    Outlet,
    Version,
    WarcRef,
)


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


class Store(Protocol):
    """Persistence of outlets, articles, captures, versions and changes."""

    def upsert_outlet(self, outlet: Outlet, now: datetime) -> Outlet: ...
    def outlets(self) -> list[Outlet]: ...
    def outlet(self, host: str) -> Outlet | None: ...
    def mark_discovered(self, host: str, now: datetime) -> None: ...
    def update_chrome(
        self, host: str, merge: Callable[[dict[str, object] | None], dict[str, object]]
    ) -> None: ...

    def add_articles(
        self, host: str, urls: Sequence[str], source: str, now: datetime
    ) -> list[Article]: ...
    def article(self, url: str) -> Article | None: ...
    def article_by_id(self, article_id: int) -> Article | None: ...
    def articles(self, *, due_at: datetime | None = None) -> list[Article]: ...
    def lease_due(self, now: datetime, until: datetime, limit: int) -> list[Article]: ...
    def next_due(self) -> datetime | None: ...
    def rename_article(self, article_id: int, url: str) -> bool: ...
    def stop_watching_article(self, article_id: int) -> bool: ...
    def stop_watching_outlet(self, host: str) -> bool: ...

    def record_check(self, record: CheckRecord) -> Capture: ...
    def recorded(self, idempotency_key: str) -> bool: ...
    def first_body(self, sha256: str) -> StoredBody | None: ...
    def captures(self, article_id: int) -> list[Capture]: ...
    def capture(self, capture_id: int) -> Capture | None: ...
    def validators(self, article_id: int) -> tuple[str | None, str | None]: ...
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

    def close(self) -> None: ...
