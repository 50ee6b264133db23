"""The story index (a mixin of `SqlStore`): each article's current version, signed, and an
inverted index of its keys, so the outlets still publishing a wave's story are found with a
lookup instead of a scan of the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, exists, insert, or_, select

from scrubwatch.model import ArticleState
from scrubwatch.store import schema as t
from scrubwatch.store.records import StorySource
from scrubwatch.store.wave_schema import KEY_LENGTH, story_articles, story_keys
from scrubwatch.store.waves import move_cursor
from scrubwatch.waves import StorySignature, index_keys

IN_LIST = 5000  # keys per query, to keep the IN list a sane size


class StoreStories:
    """The story index."""

    engine: Engine
    reader: Engine

    def story_sources(
        self, after_row: int, *, since: datetime | None = None, limit: int = 500
    ) -> list[StorySource]:
        """Current versions of articles stored after `after_row`, or first seen at or after
        `since` and not filed yet (commits on PostgreSQL may land out of id order), by id."""
        v, a = t.versions, t.articles
        newer: Any = v.c.id > after_row
        if since is not None:
            filed = exists().where(
                story_articles.c.article_id == v.c.article_id,
                story_articles.c.version == v.c.number,
            )
            newer = or_(newer, and_(v.c.first_seen >= since, ~filed))
        query = (
            select(v.c.id, v.c.article_id, v.c.number, v.c.title, v.c.language, v.c.paragraphs)
            .add_columns(t.outlets.c.host)
            .join(a, a.c.id == v.c.article_id)
            .join(t.outlets, a.c.outlet_id == t.outlets.c.id)
            .where(newer, v.c.number == a.c.latest_version)
            .order_by(v.c.id)
            .limit(limit)
        )
        with self._read() as conn:
            return [
                StorySource(
                    version_row=row.id,
                    article_id=row.article_id,
                    outlet=row.host,
                    number=row.number,
                    title=row.title,
                    language=row.language,
                    text="\n".join(row.paragraphs or ()),
                )
                for row in conn.execute(query)
            ]

    def save_story_index(
        self, entries: Sequence[tuple[StorySource, StorySignature]], up_to: int
    ) -> None:
        """File (or refile) articles' current signatures and move the version cursor."""
        ids = [source.article_id for source, _ in entries]
        articles = [
            {
                "article_id": s.article_id,
                "outlet": s.outlet,
                "version": s.number,
                "signature": sig.to_json(),
            }
            for s, sig in entries
        ]
        keys = [
            {"key": key[:KEY_LENGTH], "article_id": s.article_id}
            for s, sig in entries
            for key in dict.fromkeys(k[:KEY_LENGTH] for k in index_keys(sig))
        ]
        with self._write() as conn:
            if ids:
                conn.execute(delete(story_keys).where(story_keys.c.article_id.in_(ids)))
                conn.execute(delete(story_articles).where(story_articles.c.article_id.in_(ids)))
                conn.execute(insert(story_articles), articles)
            if keys:
                conn.execute(insert(story_keys), keys)
            move_cursor(conn, "versions", up_to)

    def story_postings(self, keys: Sequence[str]) -> dict[str, list[int]]:
        """The articles filed under each of `keys` (one query for a whole update)."""
        wanted = sorted({key[:KEY_LENGTH] for key in keys})
        found: dict[str, list[int]] = {}
        with self._read() as conn:
            for start in range(0, len(wanted), IN_LIST):
                chunk = wanted[start : start + IN_LIST]
                query = select(story_keys).where(story_keys.c.key.in_(chunk))
                for row in conn.execute(query):
                    found.setdefault(row.key, []).append(row.article_id)
        return found

    def story_signatures(self, article_ids: Sequence[int]) -> list[tuple[int, str, StorySignature]]:
        """`(article id, outlet, signature)` of those of `article_ids` that are still live."""
        if not article_ids:
            return []
        query = (
            select(story_articles)
            .join(t.articles, t.articles.c.id == story_articles.c.article_id)
            .where(
                story_articles.c.article_id.in_(sorted(set(article_ids))),
                t.articles.c.state == ArticleState.LIVE.value,
            )
        )
        with self._read() as conn:
            return [
                (row.article_id, row.outlet, StorySignature.from_json(row.signature))
                for row in conn.execute(query)
            ]

    # Transactions come from SqlStore (SQLite writes take the lock up front there).
    def _write(self) -> Any: ...
    def _read(self) -> Any: ...
