"""Archive watches in the store (a mixin of `SqlStore`): what a web archive's index listed
at each look, and the captures it stopped listing (`pipeline.archive_watch`).

A capture counts as removed from the archive only when two looks in a row, however far
apart, did not list it: an index answering from a shard that is out of step, or cut short,
should not become a report that the archive forgot something. A capture listed again is
watched again, as if new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, bindparam, insert, or_, select, update

from scrubwatch.model import ArchiveWatch, Change
from scrubwatch.store.archive_schema import archive_listings, archive_watches
from scrubwatch.store.records import ListedCapture, MissingCapture
from scrubwatch.store.rows import insert_change

_w, _l = archive_watches.c, archive_listings.c


class StoreArchiveWatches:
    """Archive watches, their listings, and the changes that report captures gone."""

    engine: Engine
    reader: Engine

    def add_archive_watch(self, cdx_url: str, pattern: str, now: datetime) -> ArchiveWatch:
        """Watch the index of `cdx_url` for `pattern` (the watch there already, if any)."""
        same = and_(_w.cdx_url == cdx_url, _w.pattern == pattern)
        with self._write() as conn:
            if conn.execute(select(_w.id).where(same)).first() is None:
                values = {"cdx_url": cdx_url, "pattern": pattern, "created_at": now}
                conn.execute(insert(archive_watches).values(**values))
            return _watch(conn.execute(select(archive_watches).where(same)).one())

    def archive_watches(self, *, due_at: datetime | None = None) -> list[ArchiveWatch]:
        """Every archive watch, or those due at `due_at` (never looked at, or whose time
        came), in the order they were added."""
        query = select(archive_watches).order_by(_w.id)
        if due_at is not None:
            query = query.where(or_(_w.next_check_at.is_(None), _w.next_check_at <= due_at))
        with self._read() as conn:
            return [_watch(row) for row in conn.execute(query)]

    def archive_watch_failed(
        self, watch_id: int, error: str, now: datetime, next_check: datetime
    ) -> None:
        """A look at the index that got no listing: nothing is judged missing from it."""
        values = {"last_error": error[:1000], "next_check_at": next_check}
        with self._write() as conn:
            conn.execute(update(archive_watches).where(_w.id == watch_id).values(**values))

    def record_archive_listing(
        self,
        watch_id: int,
        listed: Sequence[ListedCapture],
        now: datetime,
        next_check: datetime,
    ) -> list[MissingCapture]:
        """Remember one look at the index; returns the captures now missing from two looks
        in a row that no change has reported yet, oldest first."""
        wanted = {(c.url, c.timestamp): c for c in listed}
        with self._write() as conn:
            known = {
                (row.url, row.timestamp): row
                for row in conn.execute(select(archive_listings).where(_l.watch_id == watch_id))
            }
            _insert_new(conn, watch_id, [c for k, c in wanted.items() if k not in known], now)
            back = [r.id for k, r in known.items() if k in wanted and r.missing_since is not None]
            _by_id(conn, back, missing_since=None, removed_change_id=None)
            gone = [row for k, row in known.items() if k not in wanted]
            _by_id(conn, [r.id for r in gone if r.missing_since is None], missing_since=now)
            # Every row not missing now is one this look listed.
            conn.execute(
                update(archive_listings)
                .where(_l.watch_id == watch_id, _l.missing_since.is_(None))
                .values(last_listed_at=now)
            )
            done = {"last_checked_at": now, "next_check_at": next_check, "last_error": None}
            conn.execute(
                update(archive_watches).where(_w.id == watch_id).values(listed=len(wanted), **done)
            )
        missing = [
            MissingCapture(r.url, r.timestamp, r.last_listed_at, r.missing_since)
            for r in gone
            if r.missing_since is not None and r.removed_change_id is None
        ]
        return sorted(missing, key=lambda m: (m.timestamp, m.url))

    def record_archive_removal(
        self,
        watch_id: int,
        article_id: int,
        change: Change,
        captures: Sequence[MissingCapture],
    ) -> int:
        """Record the change reporting `captures` gone from the archive, and mark them
        reported, at once; returns the change's id."""
        with self._write() as conn:
            change_id = insert_change(conn, article_id, change, None, None)
            conn.execute(
                update(archive_listings)
                .where(
                    _l.watch_id == watch_id,
                    _l.url == bindparam("capture_url"),
                    _l.timestamp == bindparam("stamp"),
                )
                .values(removed_change_id=change_id),
                [{"capture_url": c.url, "stamp": c.timestamp} for c in captures],
            )
        return change_id

    def _write(self) -> Any: ...
    def _read(self) -> Any: ...


def _insert_new(conn: Any, watch_id: int, new: list[ListedCapture], now: datetime) -> None:
    if not new:
        return
    conn.execute(
        insert(archive_listings),
        [
            {
                "watch_id": watch_id,
                "url": c.url,
                "timestamp": c.timestamp,
                "status": c.status,
                "digest": (c.digest or "")[:100] or None,
                "first_listed_at": now,
                "last_listed_at": now,
            }
            for c in new
        ],
    )


def _by_id(conn: Any, row_ids: list[int], **values: Any) -> None:
    """Set `values` on the listing rows with these ids."""
    if row_ids:
        conn.execute(
            update(archive_listings).where(_l.id == bindparam("row_id")).values(**values),
            [{"row_id": i} for i in row_ids],
        )


def _watch(row: Any) -> ArchiveWatch:
    return ArchiveWatch(
        cdx_url=row.cdx_url,
        pattern=row.pattern,
        created_at=row.created_at,
        next_check_at=row.next_check_at,
        last_checked_at=row.last_checked_at,
        last_error=row.last_error,
        listed=row.listed,
        id=row.id,
    )
