"""The history of every article in the store (a mixin of `SqlStore`): each check written
in one transaction (capture, version, change, article state), and the captures, versions
and changes read back.

Version numbers are assigned inside the check's transaction, one above the highest the
article has (a unique constraint refuses a number handed out twice); `latest_version` is
the version the page shows now, which a flip-back (A → B → A) moves back to an earlier
number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from scrubwatch.model import Capture, CaptureOutcome, Change, ChangeKind, Version, WarcRef
from scrubwatch.store import schema as t
from scrubwatch.store import statements as q
from scrubwatch.store.records import CheckRecord, StaleCheck, StoredBody
from scrubwatch.store.rows import (
    capture_from_row,
    change_from_row,
    change_query,
    insert_capture,
    insert_change,
    insert_version,
    version_from_row,
)


class StoreHistory:
    """Checks written, and captures, versions and changes read."""

    engine: Engine
    reader: Engine

    # -- checks and captures -----------------------------------------------------------------

    def record_check(self, record: CheckRecord) -> Capture:
        """Write one check atomically; returns the capture with its id and version."""
        art, cap = record.article, record.capture
        assert art.id is not None
        with self._write() as conn:
            if cap.idempotency_key is not None:
                done = conn.execute(q.CAPTURE_BY_KEY, {"key": cap.idempotency_key}).first()
                if done is not None:  # a retry of a check that was already recorded
                    return capture_from_row(done)
            latest, state = conn.execute(q.LATEST_VERSION, {"article": art.id}).one()
            if record.judged and (latest, state) != (art.latest_version, art.state.value):
                raise StaleCheck(f"article {art.id} is at version {latest} ({state}) now")
            shown = latest if cap.outcome == CaptureOutcome.UNCHANGED else None
            number = None
            if record.new_document is not None:
                number = _next_number(conn, art.id)
                shown = number
            elif record.reuse_version is not None:
                shown = latest = record.reuse_version
            capture_id = insert_capture(conn, cap, shown)
            if record.new_document is not None and number is not None:
                insert_version(conn, art.id, number, record.new_document, cap, capture_id)
            if record.change is not None:
                insert_change(conn, art.id, record.change, capture_id, number)
            if number is not None:
                latest = number
            conn.execute(q.CHECKED, _checked_values(record, latest))
        return replace(cap, id=capture_id, version=shown)

    def recorded(self, idempotency_key: str) -> bool:
        """Whether a check carrying this idempotency key is already stored."""
        with self._read() as conn:
            return conn.execute(q.CAPTURE_BY_KEY, {"key": idempotency_key}).first() is not None

    def first_body(self, sha256: str) -> StoredBody | None:
        with self._read() as conn:
            row = conn.execute(q.FIRST_BODY, {"sha256": sha256}).first()
        if row is None:
            return None
        return StoredBody(
            url=row.final_url or row.url,
            fetched_at=row.fetched_at,
            warc=WarcRef(row.warc_file, row.warc_offset, row.warc_length),
        )

    def validators(self, article_id: int) -> dict[str, str]:
        """ETag and Last-Modified of the article's latest 200 answer, for a conditional GET,
        read from its captures (`Article.validators` has them, once known)."""
        with self._read() as conn:
            headers = conn.execute(q.LATEST_200_HEADERS, {"article": article_id}).scalar()
        return validators_of(headers or ())

    def failing_since(self, article_id: int) -> datetime | None:
        """When the current run of failed captures began (None when the last one succeeded)."""
        with self._read() as conn:
            moment: datetime | None = conn.execute(
                q.FAILING_SINCE, {"article": article_id}
            ).scalar()
        return moment

    def captures(self, article_id: int) -> list[Capture]:
        query = select(t.captures).where(t.captures.c.article_id == article_id)
        with self._read() as conn:
            return [capture_from_row(r) for r in conn.execute(query.order_by(t.captures.c.id))]

    def capture(self, capture_id: int) -> Capture | None:
        with self._read() as conn:
            row = conn.execute(select(t.captures).where(t.captures.c.id == capture_id)).first()
        return capture_from_row(row) if row else None

    # -- versions and changes --------------------------------------------------------------

    def version(self, article_id: int, number: int) -> Version | None:
        with self._read() as conn:
            row = conn.execute(q.VERSION, {"article": article_id, "number": number}).first()
        return version_from_row(row) if row else None

    def versions(self, article_id: int) -> list[Version]:
        query = select(t.versions).where(t.versions.c.article_id == article_id)
        with self._read() as conn:
            return [version_from_row(r) for r in conn.execute(query.order_by(t.versions.c.number))]

    def version_by_fingerprint(self, article_id: int, fingerprint: str) -> Version | None:
        params = {"article": article_id, "fingerprint": fingerprint}
        with self._read() as conn:
            row = conn.execute(q.VERSION_BY_FINGERPRINT, params).first()
        return version_from_row(row) if row else None

    def change_exists(self, article_id: int, from_version: int, to_version: int) -> bool:
        params = {"article": article_id, "from_version": from_version, "to_version": to_version}
        with self._read() as conn:
            return conn.execute(q.CHANGE_EXISTS, params).first() is not None

    def changes(
        self,
        *,
        since: datetime | None = None,
        url: str | None = None,
        kind: ChangeKind | None = None,
        limit: int | None = None,
    ) -> list[Change]:
        """Changes, newest first."""
        conditions = []
        if since is not None:
            conditions.append(t.changes.c.detected_at >= since)
        if url is not None:
            conditions.append(t.articles.c.url == url)
        if kind is not None:
            conditions.append(t.changes.c.kind == kind.value)
        query = change_query(*conditions)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [change_from_row(r) for r in conn.execute(query)]

    def _write(self) -> Any: ...
    def _read(self) -> Any: ...


def _next_number(conn: Connection, article_id: int) -> int:
    """The number of the article's next version: one above the highest stored.

    Not `latest_version + 1`: after a flip-back (A → B → A) the page shows version 1 again
    while version 2 exists, and the next new text must be version 3. Read inside the write
    transaction that stores the version.
    """
    highest = conn.execute(q.MAX_VERSION_NUMBER, {"article": article_id}).scalar_one()
    return (highest or 0) + 1


def _checked_values(record: CheckRecord, latest: int | None) -> dict[str, object]:
    """The article row's new values after a check (for `statements.CHECKED`)."""
    art, cap = record.article, record.capture
    failed = cap.outcome.is_failure
    values: dict[str, object] = {
        "article": art.id,
        "state": record.state.value,
        "last_checked_at": cap.fetched_at,
        "next_check_at": record.next_check_at,
        "latest_version": latest,
        "consecutive_failures": art.consecutive_failures + 1 if failed else 0,
    }
    if record.replace_fast_hint:
        values["fast_hint"] = record.fast_hint
    if cap.status == 200:
        values["validators"] = validators_of(cap.headers)
    if record.change is not None:
        values["last_change_at"] = cap.fetched_at
    return values


def validators_of(headers: Iterable[Sequence[str]]) -> dict[str, str]:
    """ "etag" and "last_modified" of a response's headers, those it has."""
    found = {str(name).lower(): str(value) for name, value in headers}
    named = {"etag": found.get("etag"), "last_modified": found.get("last-modified")}
    return {key: value for key, value in named.items() if value is not None}
