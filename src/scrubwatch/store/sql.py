"""The SQLAlchemy store: SQLite by default (WAL, one file), PostgreSQL for scale-out.

This module holds outlets and the articles watched on them; the mixins hold the rest (each
check, written in one transaction so that a crash leaves all of it or none: `history`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine, func, insert, literal_column, select, update
from sqlalchemy.exc import SQLAlchemyError

from scrubwatch.errors import StorageError
from scrubwatch.model import (
    IMPORTED,
    Article,
    ArticleState,
    Outlet,
)
from scrubwatch.store import schema as t
from scrubwatch.store.alerts import StoreAlerts
from scrubwatch.store.archive_watch import StoreArchiveWatches
from scrubwatch.store.engine import (
    create_db_engine,
    dispose_for_good,
    migrate,
    reading_engine,
)
from scrubwatch.store.history import StoreHistory
from scrubwatch.store.outages import StoreOutages
from scrubwatch.store.pacing import PostgresPacing
from scrubwatch.store.reads import StoreReads
from scrubwatch.store.rows import (
    article_from_row,
    article_query,
    outlet_from_row,
)
from scrubwatch.store.stories import StoreStories
from scrubwatch.store.transactions import Tx, storage_error
from scrubwatch.store.waves import StoreWaves


class SqlStore(
    StoreHistory,
    StoreReads,
    StoreAlerts,
    StoreWaves,
    StoreStories,
    StoreOutages,
    StoreArchiveWatches,
):
    """`store.interface.Store` on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reader = reading_engine(engine)

    @classmethod
    def open(cls, url: str) -> SqlStore:
        """Connect to `url` and migrate the schema."""
        try:
            engine = create_db_engine(url)
            migrate(engine)
        except ImportError as exc:  # a dialect whose driver is not installed (mysql://...)
            raise StorageError(
                f"cannot open database {url}: SQLite and PostgreSQL are supported ({exc})"
            ) from exc
        except SQLAlchemyError as exc:
            raise storage_error(exc, f"cannot open database {url}") from exc
        return cls(engine)

    def close(self) -> None:
        dispose_for_good(self.engine)

    def shared_pacing(self) -> PostgresPacing:
        """Per-host request spacing booked in this PostgreSQL database (ValueError on SQLite)."""
        return PostgresPacing(self.engine)

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
                        web_added=outlet.web_added,
                        proxy=outlet.proxy,
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
                        # Once added from the web, always guarded: the web may have
                        # merged sources into it that the operator never looked at.
                        web_added=row.web_added or outlet.web_added,
                        # `watch --proxy` replaces the proxy; a watch without it keeps it
                        proxy=outlet.proxy or row.proxy,
                    )
                )
            fresh = conn.execute(select(t.outlets).where(t.outlets.c.host == outlet.host)).one()
        return outlet_from_row(fresh)

    def outlets(self) -> list[Outlet]:
        with self._read() as conn:
            return [
                outlet_from_row(r) for r in conn.execute(select(t.outlets).order_by(t.outlets.c.id))
            ]

    def outlet(self, host: str) -> Outlet | None:
        with self._read() as conn:
            row = conn.execute(select(t.outlets).where(t.outlets.c.host == host)).first()
        return outlet_from_row(row) if row else None

    def mark_discovered(self, host: str, now: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                update(t.outlets).where(t.outlets.c.host == host).values(last_discovered_at=now)
            )

    def update_chrome(
        self, host: str, merge: Callable[[dict[str, object] | None], dict[str, object]]
    ) -> None:
        """Store `merge(stored chrome)` for the outlet, with no other writer in between:
        several workers learn the same outlet's chrome and each merges into what is there."""
        where = t.outlets.c.host == host
        with self._write() as conn:
            query = select(t.outlets.c.chrome).where(where)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update()  # SQLite's write transaction already locks
            stored = conn.execute(query).scalar_one_or_none()
            conn.execute(update(t.outlets).where(where).values(chrome=merge(stored)))

    # -- articles --------------------------------------------------------------------------

    def add_articles(
        self, host: str, urls: Sequence[str], source: str, now: datetime
    ) -> list[Article]:
        """Add the URLs not yet watched (due at once); returns only the new ones.

        An article a user stopped watching is watched again (due at once), not re-added; so
        is one known only from an imported archive, which keeps its history (and counts as
        new here). With `source` IMPORTED the new articles are not scheduled at all.
        """
        added: list[str] = []
        imported = source == IMPORTED
        with self._write() as conn:
            outlet_id = conn.execute(
                select(t.outlets.c.id).where(t.outlets.c.host == host)
            ).scalar_one()
            known = set(
                conn.execute(select(t.articles.c.url).where(t.articles.c.url.in_(urls))).scalars()
            )
            _resume(conn, urls, now)
            if not imported:
                added += _adopt_imported(conn, urls, source, now)
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
                        next_check_at=None if imported else now,
                        consecutive_failures=0,
                        check_count=0,
                    )
                )
                added.append(url)
        return [a for a in (self.article(u) for u in added) if a is not None]

    def article(self, url: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(article_query().where(t.articles.c.url == url)).first()
        return article_from_row(row) if row else None

    def articles(self, *, due_at: datetime | None = None) -> list[Article]:
        """Every article by id, or those due at `due_at` (by id, then next check).

        The due ones of a pass are few of a year's articles, and SQLite is told so: left to
        guess, it read all million in id order to spare sorting them (bench_scale, #17:
        80 ms a pass instead of a few)."""
        query = article_query().order_by(t.articles.c.id)
        if due_at is not None:
            due = t.articles.c.next_check_at <= due_at
            if self.engine.dialect.name == "sqlite":
                due = func.likelihood(due, literal_column("0.001"))
            query = query.where(due).order_by(t.articles.c.next_check_at)
        with self._read() as conn:
            return [article_from_row(r) for r in conn.execute(query)]

    def next_due(self) -> datetime | None:
        """When the soonest scheduled check is due (None when nothing is scheduled)."""
        with self._read() as conn:
            moment: datetime | None = conn.execute(
                select(func.min(t.articles.c.next_check_at))
            ).scalar()
        return moment

    def lease_due(self, now: datetime, until: datetime, limit: int) -> list[Article]:
        """Due articles, their next check moved to `until` so they are handed out once.

        The scale-out scheduler uses this: a worker that checks the article sets the real
        next check; one that dies lets the lease expire and the article comes due again.
        """
        watched = (ArticleState.DUPLICATE.value, ArticleState.UNWATCHED.value)
        query = (
            article_query()
            .where(t.articles.c.next_check_at <= now, t.articles.c.state.not_in(watched))
            .order_by(t.articles.c.next_check_at)
            .limit(limit)
        )
        with self._write() as conn:
            due = [article_from_row(r) for r in conn.execute(query)]
            ids = [a.id for a in due]
            if ids:
                conn.execute(
                    update(t.articles).where(t.articles.c.id.in_(ids)).values(next_check_at=until)
                )
        return due

    def set_next_check(self, article_id: int, when: datetime | None) -> None:
        """Schedule the article's next check (None: not checked until watched again)."""
        with self._write() as conn:
            conn.execute(
                update(t.articles).where(t.articles.c.id == article_id).values(next_check_at=when)
            )

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

    # -- plumbing --------------------------------------------------------------------------

    def _write(self) -> Tx:
        return Tx(self.engine, write=True)

    def _read(self) -> Tx:
        return Tx(self.reader, write=False)


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


def _adopt_imported(conn: Connection, urls: Sequence[str], source: str, now: datetime) -> list[str]:
    """Watch articles known only from an imported archive: due at once, under the source
    that found them now, their imported history kept (one history per article)."""
    articles = t.articles.c
    where = (
        articles.url.in_(urls),
        articles.source == IMPORTED,
        articles.state.not_in((ArticleState.DUPLICATE.value, ArticleState.UNWATCHED.value)),
    )
    adopted = list(conn.execute(select(articles.url).where(*where)).scalars())
    if adopted:
        conn.execute(update(t.articles).where(*where).values(source=source, next_check_at=now))
    return adopted


def _union(existing: Sequence[str] | None, new: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*(existing or []), *new]))
