"""Tables of archive watches (`watch --archive`, see `pipeline.archive_watch`).

- `archive_watches`: one web archive's CDX server and one URL pattern, and when its index
  is next looked at.
- `archive_listings`: every capture the index listed at some look: when it was first and
  last listed, since when it has been missing, and the change that reported it gone.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from scrubwatch.store.schema import UTCDateTime, metadata

archive_watches = Table(
    "archive_watches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cdx_url", Text, nullable=False),
    Column("pattern", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_check_at", UTCDateTime),
    Column("last_checked_at", UTCDateTime),
    Column("last_error", Text),
    Column("listed", Integer, nullable=False, server_default="0"),
    UniqueConstraint("cdx_url", "pattern", name="uq_archive_watches_cdx_url_pattern"),
)

archive_listings = Table(
    "archive_listings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("watch_id", Integer, ForeignKey("archive_watches.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("timestamp", String(14), nullable=False),  # as the archive names the capture
    Column("status", Integer),
    Column("digest", String(100)),
    Column("first_listed_at", UTCDateTime, nullable=False),
    Column("last_listed_at", UTCDateTime, nullable=False),
    Column("missing_since", UTCDateTime),  # the first look that did not list it
    Column("removed_change_id", Integer, ForeignKey("changes.id")),
    UniqueConstraint("watch_id", "url", "timestamp", name="uq_archive_listings_capture"),
    Index("ix_archive_listings_watch_id_missing_since", "watch_id", "missing_since"),
)
