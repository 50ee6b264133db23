"""Storage of scrub waves (a mixin of `SqlStore`): signed removals and waves.

Everything here is read and written in slices that follow what is new: removals after a
cursor of change ids, versions after a cursor of version ids, removals of one time range,
index rows of a few keys (`stories`). Nothing scans the archive, so updating waves after a
pass costs what the pass changed, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, exists, insert, or_, select, text, update

from scrubwatch.model import ArticleState, ChangeKind
from scrubwatch.store import schema as t
from scrubwatch.store.records import FoundWave, RemovalSource, StoredRemoval
from scrubwatch.store.rows import change_from_row, insert_ignore
from scrubwatch.store.wave_schema import (
    story_articles,
    wave_cursor,
    wave_removals,
    waves,
)
from scrubwatch.waves import StorySignature, WaveMember, WaveRecord

REMOVING = (ChangeKind.EDITED.value, ChangeKind.DELETED.value)
WAVE_LOCK = 0x5C12_0018  # the PostgreSQL advisory lock held while waves are filed


class StoreWaves:
    """Removals, waves and the story index."""

    engine: Engine
    reader: Engine

    def wave_cursor(self, name: str) -> int:
        """The highest id (of changes or versions, by `name`) already looked at."""
        query = select(wave_cursor.c.last_id).where(wave_cursor.c.name == name)
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    # -- removals --------------------------------------------------------------------------

    def removal_sources(
        self, after_id: int, *, since: datetime | None = None, limit: int = 500
    ) -> list[RemovalSource]:
        """Edits and deletions not yet signed, with ids above `after_id` or detected at or
        after `since` (commits on PostgreSQL may land out of id order), by id."""
        c = t.changes.c
        signed = exists().where(wave_removals.c.change_id == c.id)
        newer = c.id > after_id if since is None else or_(c.id > after_id, c.detected_at >= since)
        query = (
            select(
                t.changes,
                t.articles.c.url,
                t.outlets.c.host,
                t.versions.c.title.label("version_title"),
                t.versions.c.language.label("version_language"),
                t.versions.c.paragraphs.label("version_paragraphs"),
                story_articles.c.signature.label("indexed"),
            )
            .join(t.articles, c.article_id == t.articles.c.id)
            .join(t.outlets, t.articles.c.outlet_id == t.outlets.c.id)
            .outerjoin(
                t.versions,
                (t.versions.c.article_id == c.article_id) & (t.versions.c.number == c.from_version),
            )
            .outerjoin(
                story_articles,
                (story_articles.c.article_id == c.article_id)
                & (story_articles.c.version == c.from_version),
            )
            .where(c.kind.in_(REMOVING), newer, ~signed)
            .order_by(c.id)
            .limit(limit)
        )
        with self._read() as conn:
            return [
                RemovalSource(
                    change=change_from_row(r),
                    article_id=r.article_id,
                    title=r.version_title,
                    language=r.version_language,
                    old_text="\n".join(r.version_paragraphs or ()),
                    indexed=StorySignature.from_json(r.indexed) if r.indexed else None,
                )
                for r in conn.execute(query)
            ]

    def save_removals(self, removals: Sequence[StoredRemoval], up_to: int) -> None:
        """File signed removals and move the change cursor to `up_to`, in one transaction."""
        with self._write() as conn:
            if removals:  # another process may have signed some meanwhile: skip those
                stmt = insert_ignore(conn.dialect.name, wave_removals).on_conflict_do_nothing()
                conn.execute(stmt, [_removal_values(r) for r in removals])
            move_cursor(conn, "changes", up_to)

    def removals_between(self, start: datetime, end: datetime) -> list[StoredRemoval]:
        """Signed removals detected in [start, end], oldest first."""
        r = wave_removals.c
        query = (
            select(wave_removals)
            .where(r.detected_at >= start, r.detected_at <= end)
            .order_by(r.detected_at, r.change_id)
        )
        with self._read() as conn:
            return [_removal(row) for row in conn.execute(query)]

    # -- waves -----------------------------------------------------------------------------

    def save_waves(self, found: Sequence[FoundWave], now: datetime) -> list[int]:
        """File found waves in one transaction; returns their ids.

        Waves their removals already belong to are merged into the oldest of them (a late
        removal can link two waves), so a wave keeps its id as it grows.
        """
        r = wave_removals.c
        every = [i for wave in found for i in wave.change_ids]
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes filing the same new wave would each add it; SQLite's write
                # transaction already runs one at a time, PostgreSQL needs telling.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WAVE_LOCK})
            query = select(r.change_id).where(r.change_id.in_(every), r.wave_id.is_not(None))
            filed = set(conn.execute(query).scalars()) if every else set()
            return [
                _grow_wave(conn, w, now) if filed & set(w.change_ids) else _add_wave(conn, w, now)
                for w in found
            ]

    def wave_list(
        self,
        *,
        since: datetime | None = None,
        updated_since: datetime | None = None,
        limit: int = 100,
    ) -> list[WaveRecord]:
        """Waves, most recently active first; `since` keeps those still active at or after it,
        `updated_since` those found or grown at or after it."""
        query = select(waves).order_by(waves.c.ended_at.desc(), waves.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(waves.c.ended_at >= since)
        if updated_since is not None:
            query = query.where(waves.c.updated_at >= updated_since)
        with self._read() as conn:
            rows = conn.execute(query).all()
            return _records(conn, rows)

    def wave(self, wave_id: int) -> WaveRecord | None:
        """One wave by id."""
        with self._read() as conn:
            rows = conn.execute(select(waves).where(waves.c.id == wave_id)).all()
            found = _records(conn, rows)
        return found[0] if found else None

    # Transactions come from SqlStore (SQLite writes take the lock up front there).
    def _write(self) -> Any: ...
    def _read(self) -> Any: ...


def _add_wave(conn: Any, wave: FoundWave, now: datetime) -> int:
    """A wave none of whose removals was in a wave before: two statements."""
    stmt = insert(waves).values(
        started_at=wave.started_at,
        ended_at=wave.ended_at,
        updated_at=now,
        title=wave.title,
        outlets=list(wave.outlets),
        terms=list(wave.terms),
        still_published=sorted(set(wave.still_published)),
        size=len(wave.change_ids),
    )
    wave_id = int(conn.execute(stmt.returning(waves.c.id)).scalar_one())
    r = wave_removals.c
    conn.execute(
        update(wave_removals).where(r.change_id.in_(wave.change_ids)).values(wave_id=wave_id)
    )
    return wave_id


def _grow_wave(conn: Any, wave: FoundWave, now: datetime) -> int:
    """A wave that takes in earlier waves: the oldest keeps its id and the others' members."""
    r = wave_removals.c
    query = select(r.wave_id).where(r.change_id.in_(wave.change_ids), r.wave_id.is_not(None))
    found = sorted({int(i) for i in conn.execute(query).scalars()})
    old_terms = {
        term
        for stored in conn.execute(select(waves.c.terms).where(waves.c.id.in_(found))).scalars()
        for term in stored
    }
    wave_id = found[0]
    if found[1:]:
        merged = update(wave_removals).where(r.wave_id.in_(found[1:]))
        conn.execute(merged.values(wave_id=wave_id))
        conn.execute(delete(waves).where(waves.c.id.in_(found[1:])))
    conn.execute(
        update(wave_removals).where(r.change_id.in_(wave.change_ids)).values(wave_id=wave_id)
    )
    values = _wave_summary(conn, wave_id)
    values.update(
        terms=sorted(old_terms | set(wave.terms)),
        still_published=sorted(set(wave.still_published)),
        updated_at=now,
    )
    conn.execute(update(waves).where(waves.c.id == wave_id).values(**values))
    return wave_id


def wave_of_change(conn: Any, change_id: int) -> WaveRecord | None:
    """The wave a change belongs to now (waves merge, so their ids may not last)."""
    owner = select(wave_removals.c.wave_id).where(wave_removals.c.change_id == change_id)
    rows = conn.execute(select(waves).where(waves.c.id == owner.scalar_subquery())).all()
    found = _records(conn, rows)
    return found[0] if found else None


def move_cursor(conn: Any, name: str, up_to: int) -> None:
    """Move a wave cursor forward to `up_to` (never back), inside the caller's transaction."""
    c = wave_cursor.c
    current = conn.execute(select(c.last_id).where(c.name == name)).scalar()
    if current is None:
        conn.execute(insert(wave_cursor).values(name=name, last_id=up_to))
    elif current < up_to:
        conn.execute(update(wave_cursor).where(c.name == name).values(last_id=up_to))


def _removal_values(removal: StoredRemoval) -> dict[str, Any]:
    return {
        "change_id": removal.change_id,
        "article_id": removal.article_id,
        "outlet": removal.outlet,
        "detected_at": removal.detected_at,
        "title": removal.title,
        "removed": removal.removed,
        "signature": removal.signature.to_json(),
        "wave_id": removal.wave_id,
    }


def _removal(row: Any) -> StoredRemoval:
    return StoredRemoval(
        change_id=row.change_id,
        article_id=row.article_id,
        outlet=row.outlet,
        detected_at=row.detected_at,
        title=row.title,
        removed=row.removed,
        signature=StorySignature.from_json(row.signature),
        wave_id=row.wave_id,
    )


def _wave_summary(conn: Any, wave_id: int) -> dict[str, Any]:
    """When a wave began and ended, its outlets, size and title, from its removals."""
    r = wave_removals.c
    members = conn.execute(
        select(r.detected_at, r.outlet, r.title)
        .where(r.wave_id == wave_id)
        .order_by(r.detected_at, r.change_id)
    ).all()
    titled = [m.title for m in members if m.title]
    return {
        "started_at": members[0].detected_at,
        "ended_at": members[-1].detected_at,
        "outlets": sorted({m.outlet for m in members}),
        "size": len(members),
        "title": titled[0] if titled else None,
    }


def _records(conn: Any, rows: Sequence[Any]) -> list[WaveRecord]:
    """Wave rows with their members and the still-published URLs that are still live."""
    if not rows:
        return []
    members = _members(conn, [row.id for row in rows])
    live = _live_urls(conn, {i for row in rows for i in row.still_published})
    return [
        WaveRecord(
            id=row.id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            updated_at=row.updated_at,
            title=row.title,
            outlets=tuple(row.outlets),
            terms=tuple(row.terms),
            size=row.size,
            members=tuple(members.get(row.id, ())),
            still_published=tuple(live[i] for i in row.still_published if i in live),
        )
        for row in rows
    ]


def _members(conn: Any, wave_ids: list[int]) -> dict[int, list[WaveMember]]:
    """The members of each wave, oldest first, with their change's kind and versions."""
    r, c, a = wave_removals.c, t.changes.c, t.articles.c
    query = (
        select(r.wave_id, r.change_id, r.article_id, r.outlet, r.detected_at, r.title, r.removed)
        .add_columns(c.kind, c.from_version, c.to_version, a.url)
        .join(t.changes, t.changes.c.id == r.change_id)
        .join(t.articles, a.id == r.article_id)
        .where(r.wave_id.in_(wave_ids))
        .order_by(r.detected_at, r.change_id)
    )
    members: dict[int, list[WaveMember]] = {}
    for m in conn.execute(query):
        members.setdefault(m.wave_id, []).append(
            WaveMember(
                m.change_id,
                m.article_id,
                m.url,
                m.outlet,
                m.kind,
                m.detected_at,
                m.title,
                m.removed,
                m.from_version,
                m.to_version,
            )
        )
    return members


def _live_urls(conn: Any, article_ids: set[int]) -> dict[int, str]:
    """URLs of those articles that are live now: one deleted since is no longer "kept"."""
    if not article_ids:
        return {}
    a = t.articles.c
    query = select(a.id, a.url).where(
        a.id.in_(sorted(article_ids)), a.state == ArticleState.LIVE.value
    )
    return {row.id: row.url for row in conn.execute(query)}
