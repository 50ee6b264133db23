"""The SQLAlchemy store: SQLite by default (WAL, one file), PostgreSQL for scale-out.

Every check is written in one transaction (capture, version, change, article state), so a
crash leaves either all of it or none of it. Version numbers are assigned inside that
transaction, from the article's own row, so two writers cannot hand out the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Row, create_engine, event, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

import scrubwatch.migrations
from scrubwatch.errors import StorageError
from scrubwatch.model import (
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
from scrubwatch.store.alerts import StoreAlerts
from scrubwatch.store.interface import CheckRecord, StoredBody
from scrubwatch.store.reads import StoreReads


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(scrubwatch.migrations.__file__).parent))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class SqlStore(StoreReads, StoreAlerts):
    """`Store` on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> SqlStore:
        """Connect to `url` and migrate the schema."""
        try:
            engine = create_db_engine(url)
            migrate(engine)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot open database {url}: {exc}") from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- outlets ---------------------------------------------------------------------------

    def upsert_outlet(self, outlet: Outlet, now: datetime) -> Outlet:
        with self._write() as conn:
            row = conn.execute(select(t.outlets).where(t.outlets.c.host == outlet.host)).first()
            if row is None:
                conn.execute(
                    insert(t.outlets).values(
                        host=outlet.host,
                        homepage=outlet.homepage,
                        feeds=list(outlet.feeds),
                        sitemaps=list(outlet.sitemaps),
                        added_at=now,
                    )
                )
            else:
                conn.execute(
                    update(t.outlets)
                    .where(t.outlets.c.id == row.id)
                    .values(
                        homepage=outlet.homepage or row.homepage,
                        feeds=_union(row.feeds, outlet.feeds),
                        sitemaps=_union(row.sitemaps, outlet.sitemaps),
                    )
                )
            fresh = conn.execute(select(t.outlets).where(t.outlets.c.host == outlet.host)).one()
        return _outlet(fresh)

    def outlets(self) -> list[Outlet]:
        with self._read() as conn:
            return [_outlet(r) for r in conn.execute(select(t.outlets).order_by(t.outlets.c.id))]

    def outlet(self, host: str) -> Outlet | None:
        with self._read() as conn:
            row = conn.execute(select(t.outlets).where(t.outlets.c.host == host)).first()
        return _outlet(row) if row else None

    def mark_discovered(self, host: str, now: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                update(t.outlets).where(t.outlets.c.host == host).values(last_discovered_at=now)
            )

    def save_chrome(self, host: str, chrome: dict[str, object]) -> None:
        with self._write() as conn:
            conn.execute(update(t.outlets).where(t.outlets.c.host == host).values(chrome=chrome))

    # -- articles --------------------------------------------------------------------------

    def add_articles(
        self, host: str, urls: Sequence[str], source: str, now: datetime
    ) -> list[Article]:
        """Add the URLs not yet watched (due at once); returns only the new ones.

        An article a user stopped watching is watched again (due at once), not re-added.
        """
        added: list[str] = []
        with self._write() as conn:
            outlet_id = conn.execute(
                select(t.outlets.c.id).where(t.outlets.c.host == host)
            ).scalar_one()
            known = set(
                conn.execute(select(t.articles.c.url).where(t.articles.c.url.in_(urls))).scalars()
            )
            _resume(conn, urls, now)
            for url in dict.fromkeys(urls):
                if url in known:
                    continue
                conn.execute(
                    insert(t.articles).values(
                        outlet_id=outlet_id,
                        url=url,
                        source=source,
                        state=ArticleState.NEW.value,
                        added_at=now,
                        next_check_at=now,
                        consecutive_failures=0,
                        check_count=0,
                    )
                )
                added.append(url)
        return [a for a in (self.article(u) for u in added) if a is not None]

    def article(self, url: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(_article_query().where(t.articles.c.url == url)).first()
        return _article(row) if row else None

    def articles(self, *, due_at: datetime | None = None) -> list[Article]:
        query = _article_query().order_by(t.articles.c.id)
        if due_at is not None:
            query = query.where(t.articles.c.next_check_at <= due_at).order_by(
                t.articles.c.next_check_at
            )
        with self._read() as conn:
            return [_article(r) for r in conn.execute(query)]

    def lease_due(self, now: datetime, until: datetime, limit: int) -> list[Article]:
        """Due articles, their next check moved to `until` so they are handed out once.

        The scale-out scheduler uses this: a worker that checks the article sets the real
        next check; one that dies lets the lease expire and the article comes due again.
        """
        watched = (ArticleState.DUPLICATE.value, ArticleState.UNWATCHED.value)
        query = (
            _article_query()
            .where(t.articles.c.next_check_at <= now, t.articles.c.state.not_in(watched))
            .order_by(t.articles.c.next_check_at)
            .limit(limit)
        )
        with self._write() as conn:
            due = [_article(r) for r in conn.execute(query)]
            ids = [a.id for a in due]
            if ids:
                conn.execute(
                    update(t.articles).where(t.articles.c.id.in_(ids)).values(next_check_at=until)
                )
        return due

    def stop_watching_article(self, article_id: int) -> bool:
        """No more checks for this article; its evidence stays. False if unknown."""
        with self._write() as conn:
            done = conn.execute(
                update(t.articles)
                .where(t.articles.c.id == article_id)
                .values(state=ArticleState.UNWATCHED.value, next_check_at=None)
            )
        return bool(done.rowcount)

    def stop_watching_outlet(self, host: str) -> bool:
        """Stop discovering and checking an outlet's articles; evidence stays."""
        with self._write() as conn:
            outlet_id = conn.execute(
                select(t.outlets.c.id).where(t.outlets.c.host == host)
            ).scalar()
            if outlet_id is None:
                return False
            conn.execute(
                update(t.outlets)
                .where(t.outlets.c.id == outlet_id)
                .values(homepage=None, feeds=[], sitemaps=[])
            )
            conn.execute(
                update(t.articles)
                .where(t.articles.c.outlet_id == outlet_id)
                .values(state=ArticleState.UNWATCHED.value, next_check_at=None)
            )
        return True

    def rename_article(self, article_id: int, url: str) -> bool:
        """Give the article its canonical URL; False when another article already has it."""
        with self._write() as conn:
            taken = conn.execute(select(t.articles.c.id).where(t.articles.c.url == url)).first()
            if taken is not None:
                return False
            conn.execute(update(t.articles).where(t.articles.c.id == article_id).values(url=url))
        return True

    # -- checks ----------------------------------------------------------------------------

    def record_check(self, record: CheckRecord) -> Capture:
        """Write one check atomically; returns the capture with its id and version."""
        art, cap = record.article, record.capture
        assert art.id is not None
        with self._write() as conn:
            if cap.idempotency_key is not None:
                done = conn.execute(
                    select(t.captures).where(t.captures.c.idempotency_key == cap.idempotency_key)
                ).first()
                if done is not None:  # a retry of a check that was already recorded
                    return _capture(done)
            latest = conn.execute(
                select(t.articles.c.latest_version).where(t.articles.c.id == art.id)
            ).scalar_one()
            shown = latest if cap.outcome == CaptureOutcome.UNCHANGED else None
            number = None
            if record.new_document is not None:
                number = (latest or 0) + 1
                shown = number
            elif record.reuse_version is not None:
                shown = latest = record.reuse_version
            capture_id = _insert_capture(conn, cap, shown)
            if record.new_document is not None and number is not None:
                _insert_version(conn, art.id, number, record.new_document, cap, capture_id)
            if record.change is not None:
                _insert_change(conn, art.id, record.change, capture_id, number)
            conn.execute(
                update(t.articles)
                .where(t.articles.c.id == art.id)
                .values(
                    state=record.state.value,
                    last_checked_at=cap.fetched_at,
                    next_check_at=record.next_check_at,
                    latest_version=number if number is not None else latest,
                    consecutive_failures=(
                        art.consecutive_failures + 1 if cap.outcome == CaptureOutcome.FAILED else 0
                    ),
                    check_count=t.articles.c.check_count + 1,
                    **({"fast_hint": record.fast_hint} if record.replace_fast_hint else {}),
                    **({"last_change_at": cap.fetched_at} if record.change else {}),
                )
            )
        return Capture(**{**_capture_fields(cap), "id": capture_id, "version": shown})

    def first_body(self, sha256: str) -> StoredBody | None:
        query = (
            select(t.captures)
            .where(t.captures.c.body_sha256 == sha256, t.captures.c.warc_file.is_not(None))
            .order_by(t.captures.c.id)
            .limit(1)
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return StoredBody(
            url=row.final_url or row.url,
            fetched_at=row.fetched_at,
            warc=WarcRef(row.warc_file, row.warc_offset, row.warc_length),
        )

    def validators(self, article_id: int) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the article's latest 200 answer, for a conditional GET."""
        query = (
            select(t.captures.c.headers)
            .where(t.captures.c.article_id == article_id, t.captures.c.status == 200)
            .order_by(t.captures.c.id.desc())
            .limit(1)
        )
        with self._read() as conn:
            headers = conn.execute(query).scalar()
        found = {str(k).lower(): str(v) for k, v in headers or ()}
        return found.get("etag"), found.get("last-modified")

    def failing_since(self, article_id: int) -> datetime | None:
        """When the current run of failed captures began (None when the last one succeeded)."""
        last_ok = (
            select(t.captures.c.id)
            .where(
                t.captures.c.article_id == article_id,
                t.captures.c.outcome != CaptureOutcome.FAILED.value,
            )
            .order_by(t.captures.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = (
            select(t.captures.c.fetched_at)
            .where(
                t.captures.c.article_id == article_id,
                t.captures.c.outcome == CaptureOutcome.FAILED.value,
                t.captures.c.id > func.coalesce(last_ok, 0),
            )
            .order_by(t.captures.c.id)
            .limit(1)
        )
        with self._read() as conn:
            moment: datetime | None = conn.execute(query).scalar()
        return moment

    def captures(self, article_id: int) -> list[Capture]:
        query = select(t.captures).where(t.captures.c.article_id == article_id)
        with self._read() as conn:
            return [_capture(r) for r in conn.execute(query.order_by(t.captures.c.id))]

    # -- versions and changes --------------------------------------------------------------

    def version(self, article_id: int, number: int) -> Version | None:
        query = select(t.versions).where(
            t.versions.c.article_id == article_id, t.versions.c.number == number
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        return _version(row) if row else None

    def versions(self, article_id: int) -> list[Version]:
        query = select(t.versions).where(t.versions.c.article_id == article_id)
        with self._read() as conn:
            return [_version(r) for r in conn.execute(query.order_by(t.versions.c.number))]

    def version_by_fingerprint(self, article_id: int, fingerprint: str) -> Version | None:
        query = (
            select(t.versions)
            .where(t.versions.c.article_id == article_id, t.versions.c.fingerprint == fingerprint)
            .order_by(t.versions.c.number)
            .limit(1)
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        return _version(row) if row else None

    def change_exists(self, article_id: int, from_version: int, to_version: int) -> bool:
        query = select(t.changes.c.id).where(
            t.changes.c.article_id == article_id,
            t.changes.c.from_version == from_version,
            t.changes.c.to_version == to_version,
        )
        with self._read() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def changes(
        self,
        *,
        since: datetime | None = None,
        url: str | None = None,
        kind: ChangeKind | None = None,
        limit: int | None = None,
    ) -> list[Change]:
        """Changes, newest first."""
        query = (
            select(t.changes, t.articles.c.url, t.outlets.c.host)
            .join(t.articles, t.changes.c.article_id == t.articles.c.id)
            .join(t.outlets, t.articles.c.outlet_id == t.outlets.c.id)
            .order_by(t.changes.c.detected_at.desc(), t.changes.c.id.desc())
        )
        if since is not None:
            query = query.where(t.changes.c.detected_at >= since)
        if url is not None:
            query = query.where(t.articles.c.url == url)
        if kind is not None:
            query = query.where(t.changes.c.kind == kind.value)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [_change(r) for r in conn.execute(query)]

    # -- plumbing --------------------------------------------------------------------------

    def _write(self) -> _Tx:
        return _Tx(self.engine, write=True)

    def _read(self) -> _Tx:
        return _Tx(self.engine, write=False)


class _Tx:
    """A connection in a transaction; SQLAlchemy errors become StorageError."""

    def __init__(self, engine: Engine, *, write: bool) -> None:
        self.engine = engine
        self._write = write
        self._conn: Connection | None = None

    def __enter__(self) -> Connection:
        try:
            self._conn = self.engine.connect()
            if self._write and self.engine.dialect.name == "sqlite":
                # Take the write lock up front: a deferred transaction that reads then writes
                # can fail with "database is locked" instead of waiting its turn.
                self._conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                self._conn.begin()
        except SQLAlchemyError as exc:
            raise StorageError(f"database unavailable: {exc}") from exc
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._conn is not None
        try:
            if exc_type is None:
                self._conn.commit()
            else:
                self._conn.rollback()
        except SQLAlchemyError as error:
            raise StorageError(f"database write failed: {error}") from error
        finally:
            self._conn.close()
        if isinstance(exc, SQLAlchemyError):
            raise StorageError(f"database error: {exc}") from exc


def _resume(conn: Connection, urls: Sequence[str], now: datetime) -> None:
    """Watch unwatched articles among `urls` again, in the state their history gives them."""
    for state, has_version in ((ArticleState.LIVE, True), (ArticleState.NEW, False)):
        versioned = t.articles.c.latest_version.is_not(None)
        conn.execute(
            update(t.articles)
            .where(
                t.articles.c.url.in_(urls),
                t.articles.c.state == ArticleState.UNWATCHED.value,
                versioned if has_version else ~versioned,
            )
            .values(state=state.value, next_check_at=now)
        )


def _union(existing: Sequence[str] | None, new: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*(existing or []), *new]))


def _article_query() -> Any:
    return select(t.articles, t.outlets.c.host).join(
        t.outlets, t.articles.c.outlet_id == t.outlets.c.id
    )


def _outlet(row: Row[Any]) -> Outlet:
    return Outlet(
        host=row.host,
        homepage=row.homepage,
        feeds=tuple(row.feeds or ()),
        sitemaps=tuple(row.sitemaps or ()),
        id=row.id,
        added_at=row.added_at,
        last_discovered_at=row.last_discovered_at,
        chrome=row.chrome,
    )


def _article(row: Row[Any]) -> Article:
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
    )


def _capture_fields(cap: Capture) -> dict[str, Any]:
    return {name: getattr(cap, name) for name in Capture.__slots__}


def _insert_capture(conn: Connection, cap: Capture, version: int | None) -> int:
    result = conn.execute(
        insert(t.captures).values(
            article_id=cap.article_id,
            fetched_at=cap.fetched_at,
            url=cap.url,
            outcome=cap.outcome.value,
            final_url=cap.final_url,
            status=cap.status,
            redirects=list(cap.redirects),
            headers=[list(h) for h in cap.headers],
            body_sha256=cap.body_sha256,
            body_size=cap.body_size,
            warc_file=cap.warc.filename if cap.warc else None,
            warc_offset=cap.warc.offset if cap.warc else None,
            warc_length=cap.warc.length if cap.warc else None,
            error=cap.error,
            version=version,
            idempotency_key=cap.idempotency_key,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _insert_version(
    conn: Connection, article_id: int, number: int, doc: Document, cap: Capture, capture_id: int
) -> None:
    conn.execute(
        insert(t.versions).values(
            article_id=article_id,
            number=number,
            first_seen=cap.fetched_at,
            capture_id=capture_id,
            fingerprint=doc.fingerprint(),
            title=doc.title,
            byline=doc.byline,
            published=doc.published,
            updated=doc.updated,
            language=doc.language,
            canonical_url=doc.canonical_url,
            paragraphs=list(doc.paragraphs),
        )
    )


def _insert_change(
    conn: Connection, article_id: int, change: Change, capture_id: int, new_number: int | None
) -> None:
    to_version = change.to_version
    if new_number is not None and change.kind in (ChangeKind.EDITED, ChangeKind.RESTORED):
        to_version = new_number
    details = diff_to_dict(change.diff) if change.diff else {}
    if change.extra:
        details["extra"] = dict(change.extra)
    conn.execute(
        insert(t.changes).values(
            article_id=article_id,
            capture_id=capture_id,
            detected_at=change.detected_at,
            kind=change.kind.value,
            severity=change.severity.value if change.severity else None,
            deletion=change.deletion.value if change.deletion else None,
            from_version=change.from_version,
            to_version=to_version,
            redirect_to=change.redirect_to,
            summary=change.summary,
            details=details,
        )
    )


def _capture(row: Row[Any]) -> Capture:
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
    )


def _version(row: Row[Any]) -> Version:
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


def _change(row: Row[Any]) -> Change:
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
        extra=dict(row.details.get("extra") or {}),
        redirect_to=row.redirect_to,
        capture_id=row.capture_id,
        id=row.id,
    )
