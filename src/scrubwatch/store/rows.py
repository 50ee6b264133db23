"""Rows to domain objects and back: the one place that knows both shapes.

Every store module (the write side in `sql`, the faces' queries in `reads` and `search`,
alerts) converts through these functions, so a new column is mapped once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, func, insert, literal_column, select

from scrubwatch.model import (
    FAILED_LOOKS,
    Article,
    ArticleState,
    Capture,
    CaptureOutcome,
    Change,
    ChangeKind,
    DeletionKind,
    Document,
    Outlet,
    Severity,
    Version,
    WarcRef,
)
from scrubwatch.serialize import diff_from_dict, diff_to_dict
from scrubwatch.store import schema as t


def article_query() -> Any:
    return select(
        t.articles,
        t.outlets.c.host,
        t.outlets.c.web_added.label("outlet_web_added"),
        t.outlets.c.proxy.label("outlet_proxy"),
    ).join(t.outlets, t.articles.c.outlet_id == t.outlets.c.id)


def outlet_from_row(row: Row[Any]) -> Outlet:
    return Outlet(
        host=row.host,
        homepage=row.homepage,
        feeds=tuple(row.feeds or ()),
        sitemaps=tuple(row.sitemaps or ()),
        id=row.id,
        added_at=row.added_at,
        last_discovered_at=row.last_discovered_at,
        chrome=row.chrome,
        web_added=bool(row.web_added),
        proxy=row.proxy,
    )


def article_from_row(row: Row[Any]) -> Article:
    return Article(
        url=row.url,
        outlet_host=row.host,
        id=row.id,
        source=row.source,
        state=ArticleState(row.state),
        added_at=row.added_at,
        last_checked_at=row.last_checked_at,
        next_check_at=row.next_check_at,
        last_change_at=row.last_change_at,
        latest_version=row.latest_version,
        consecutive_failures=row.consecutive_failures,
        check_count=row.check_count,
        fast_hint=row.fast_hint,
        validators=row.validators,
        web_added=bool(row.outlet_web_added),
        proxy=row.outlet_proxy,
    )


# The write statements of a check are built once: building one per call (coercing every
# value into a bind parameter, then computing its cache key) cost more than running it.
_INSERT_CAPTURE = insert(t.captures)
_INSERT_VERSION = insert(t.versions)
_INSERT_CHANGE = insert(t.changes)


def insert_capture(conn: Connection, cap: Capture, version: int | None) -> int:
    warc = cap.warc
    result = conn.execute(
        _INSERT_CAPTURE,
        {
            "article_id": cap.article_id,
            "fetched_at": cap.fetched_at,
            "url": cap.url,
            "outcome": cap.outcome.value,
            "final_url": cap.final_url,
            "status": cap.status,
            "redirects": list(cap.redirects),
            "headers": [list(h) for h in cap.headers],
            "body_sha256": cap.body_sha256,
            "body_size": cap.body_size,
            "warc_file": warc.filename if warc else None,
            "warc_offset": warc.offset if warc else None,
            "warc_length": warc.length if warc else None,
            "error": cap.error,
            "version": version,
            "idempotency_key": cap.idempotency_key,
            "source": cap.source,
        },
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_version(
    conn: Connection, article_id: int, number: int, doc: Document, cap: Capture, capture_id: int
) -> None:
    conn.execute(
        _INSERT_VERSION,
        {
            "article_id": article_id,
            "number": number,
            "first_seen": cap.fetched_at,
            "capture_id": capture_id,
            "fingerprint": doc.fingerprint(),
            "title": doc.title,
            "byline": doc.byline,
            "published": doc.published,
            "updated": doc.updated,
            "language": doc.language,
            "canonical_url": doc.canonical_url,
            "paragraphs": list(doc.paragraphs),
        },
    )


def insert_change(
    conn: Connection,
    article_id: int,
    change: Change,
    capture_id: int | None,
    new_number: int | None,
) -> int:
    """Insert one change (`capture_id` None: no capture showed it, as for archive_removed);
    returns its id."""
    to_version = change.to_version
    if new_number is not None and change.kind in (ChangeKind.EDITED, ChangeKind.RESTORED):
        to_version = new_number
    details = diff_to_dict(change.diff) if change.diff else {}
    if change.extra:
        details["extra"] = dict(change.extra)
    inserted = conn.execute(
        _INSERT_CHANGE,
        {
            "article_id": article_id,
            "capture_id": capture_id,
            "detected_at": change.detected_at,
            "kind": change.kind.value,
            "severity": change.severity.value if change.severity else None,
            "deletion": change.deletion.value if change.deletion else None,
            "from_version": change.from_version,
            "to_version": to_version,
            "redirect_to": change.redirect_to,
            "summary": change.summary,
            "details": details,
            "source": change.source,
        },
    )
    key = inserted.inserted_primary_key
    assert key is not None
    return int(key[0])


def capture_from_row(row: Row[Any]) -> Capture:
    warc = WarcRef(row.warc_file, row.warc_offset, row.warc_length) if row.warc_file else None
    return Capture(
        article_id=row.article_id,
        fetched_at=row.fetched_at,
        url=row.url,
        outcome=CaptureOutcome(row.outcome),
        final_url=row.final_url,
        status=row.status,
        redirects=tuple(row.redirects or ()),
        headers=tuple((str(k), str(v)) for k, v in row.headers or ()),
        body_sha256=row.body_sha256,
        body_size=row.body_size,
        warc=warc,
        error=row.error,
        version=row.version,
        idempotency_key=row.idempotency_key,
        id=row.id,
        source=row.source,
    )


def version_from_row(row: Row[Any]) -> Version:
    doc = Document(
        title=row.title,
        byline=row.byline,
        published=row.published,
        updated=row.updated,
        language=row.language,
        canonical_url=row.canonical_url,
        paragraphs=tuple(row.paragraphs or ()),
    )
    return Version(
        article_id=row.article_id,
        number=row.number,
        first_seen=row.first_seen,
        document=doc,
        fingerprint=row.fingerprint,
        capture_id=row.capture_id,
    )


def selective_since(column: Any, start: datetime, dialect: str) -> Any:
    """`column >= start` for a recent window, which SQLite is told is selective: otherwise it
    walks every article's captures instead of the window's few through its index
    (ix_captures_fetched_at_article_id_outcome: 0.6 s instead of milliseconds on 500,000
    captures)."""
    condition: Any = column >= start
    if dialect == "sqlite":
        condition = func.likelihood(condition, literal_column("0.001"))
    return condition


def outlet_of(article_id: Any) -> Any:
    """The outlet of the article `article_id` names, as a column of a capture query.

    A lookup per row by primary key instead of a join: for the few thousand captures of a
    recent window, PostgreSQL otherwise hashes every article (a year's million) to join them.
    """
    return (
        select(t.articles.c.outlet_id)
        .where(t.articles.c.id == article_id)
        .scalar_subquery()
        .label("outlet_id")
    )


def change_query(*conditions: Any) -> Any:
    """Changes matching `conditions` with their article's URL and outlet (all that
    `change_from_row` reads), newest first."""
    return (
        select(t.changes, t.articles.c.url, t.outlets.c.host, last_seen_before())
        .join(t.articles, t.changes.c.article_id == t.articles.c.id)
        .join(t.outlets, t.articles.c.outlet_id == t.outlets.c.id)
        .where(*conditions)
        .order_by(t.changes.c.detected_at.desc(), t.changes.c.id.desc())
    )


def last_seen_before() -> Any:
    """A column for change queries: the time of the article's last good capture before the
    change was detected (failed, blocked and too-large looks saw nothing: they do not count)."""
    c = t.captures.c
    return (
        select(func.max(c.fetched_at))
        .where(
            c.article_id == t.changes.c.article_id,
            c.fetched_at < t.changes.c.detected_at,
            c.outcome.not_in([outcome.value for outcome in FAILED_LOOKS]),
        )
        .scalar_subquery()
        .label("last_seen_before")
    )


def change_from_row(row: Row[Any]) -> Change:
    extra = dict(row.details.get("extra") or {})
    # Only queries that ask for it (with `last_seen_before()`) carry the column; captures
    # vanished from an archive were last seen in its listing, not in a capture here.
    seen = row._mapping.get("last_seen_before")
    archive = extra.get("archive")
    if row.kind == ChangeKind.ARCHIVE_REMOVED.value and isinstance(archive, dict):
        seen = datetime.fromisoformat(str(archive["last_listed_at"]))
    return Change(
        url=row.url,
        outlet=row.host,
        detected_at=row.detected_at,
        kind=ChangeKind(row.kind),
        from_version=row.from_version,
        to_version=row.to_version,
        summary=row.summary,
        severity=Severity(row.severity) if row.severity else None,
        deletion=DeletionKind(row.deletion) if row.deletion else None,
        diff=diff_from_dict(row.details) if row.details.get("severity") else None,
        extra=extra,
        redirect_to=row.redirect_to,
        capture_id=row.capture_id,
        id=row.id,
        last_seen_before=seen,
        source=row.source,
    )


def insert_ignore(dialect: str, table: Table) -> Any:
    """An INSERT that can say ON CONFLICT DO NOTHING, on both backends.

    Each dialect's module is imported here: the engine has already loaded the one in use,
    and loading PostgreSQL's (with its drivers' modules) cost every SQLite command ~20 ms."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
