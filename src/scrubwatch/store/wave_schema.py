"""Tables of scrub waves (see `scrubwatch.waves`).

- `wave_removals`: every change that removed text, with its story signature, signed once
  and filed under its wave when it joins one.
- `waves`: one row per wave; its members are the removals pointing at it.
- `story_articles` and `story_keys`: the signature of each article's current version, and
  an inverted index of its keys, to find the outlets still publishing a wave's story
  without reading the archive.
- `wave_cursor`: the highest change id and version id already looked at.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from scrubwatch.store.schema import UTCDateTime, metadata

KEY_LENGTH = 60

waves = Table(
    "waves",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("title", Text),
    Column("outlets", JSON, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("still_published", JSON, nullable=False),  # article ids
    Column("size", Integer, nullable=False),  # members; an alert goes out again when it grows
    Index("ix_waves_ended_at", "ended_at"),
)

wave_removals = Table(
    "wave_removals",
    metadata,
    Column("change_id", Integer, ForeignKey("changes.id"), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("outlet", String(255), nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    Column("title", Text),
    Column("removed", Text, nullable=False),  # the start of what was removed, for pages
    Column("signature", JSON, nullable=False),
    Column("wave_id", Integer, ForeignKey("waves.id")),
    Index("ix_wave_removals_detected_at", "detected_at"),
    Index("ix_wave_removals_wave_id", "wave_id"),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("outlet", String(255), nullable=False),
    Column("version", Integer, nullable=False),
    Column("signature", JSON, nullable=False),
)

story_keys = Table(
    "story_keys",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Index("ix_story_keys_article_id", "article_id"),
)

wave_cursor = Table(
    "wave_cursor",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("last_id", Integer, nullable=False),
)
