"""Tables and record types of scrub waves (see `scrubwatch.waves`).

- `wave_removals`: every change that removed text, with its story signature, signed once
  and filed under its wave when it joins one.
- `waves`: one row per wave; its members are the removals pointing at it.
- `story_articles` and `story_keys`: the signature of each article's current version, and
  an inverted index of its keys, to find the outlets still publishing a wave's story
  without reading the archive.
- `wave_cursor`: the highest change id and version id already looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from scrubwatch.model import Change
from scrubwatch.store.schema import UTCDateTime, metadata
from scrubwatch.waves import StorySignature
from scrubwatch.waves.record import WaveMember, WaveRecord

__all__ = ["WaveMember", "WaveRecord"]

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

CHANGES, VERSIONS = "changes", "versions"


@dataclass(frozen=True, slots=True)
class RemovalSource:
    """A recorded edit or deletion, with the version it took away, ready to be signed."""

    change: Change
    article_id: int
    title: str | None
    language: str | None
    old_text: str  # the body of the version before the change
    indexed: StorySignature | None = None  # that version's signature, if the index has it


@dataclass(frozen=True, slots=True)
class StoredRemoval:
    """A signed removal as kept in `wave_removals`."""

    change_id: int
    article_id: int
    outlet: str
    detected_at: datetime
    title: str | None
    removed: str
    signature: StorySignature
    wave_id: int | None = None


@dataclass(frozen=True, slots=True)
class FoundWave:
    """A wave as `update_waves` found it, to file (or to merge into the waves it grows)."""

    change_ids: tuple[int, ...]
    terms: tuple[str, ...]
    still_published: tuple[int, ...]  # article ids
    started_at: datetime
    ended_at: datetime
    outlets: tuple[str, ...]
    title: str | None


@dataclass(frozen=True, slots=True)
class StorySource:
    """The current version of an article, to file in the story index."""

    version_row: int  # versions.id, the cursor's unit
    article_id: int
    outlet: str
    number: int
    title: str | None
    language: str | None
    text: str
