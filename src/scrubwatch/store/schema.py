"""The database schema, in SQLAlchemy Core: one definition for SQLite and PostgreSQL.

Alembic migrations under `scrubwatch/migrations` are generated from this metadata; a test
checks the two never drift. Times are stored as naive UTC and come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the backend keeps."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("host", String(255), nullable=False, unique=True),
    Column("homepage", Text),
    Column("feeds", JSON, nullable=False),
    Column("sitemaps", JSON, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("last_discovered_at", UTCDateTime),
    Column("chrome", JSON),  # the outlet's learned page chrome (extract.chrome.ChromeModel)
    # Added through the web UI: fetched through the SSRF guard (scrubwatch.netguard).
    Column("web_added", Boolean, nullable=False, server_default=false()),
    # The proxy given to `watch --proxy` (no credentials), and the start of the unreachable
    # episode last alerted about (scrubwatch.pipeline.reachability).
    Column("proxy", Text),
    Column("unreachable_told", UTCDateTime),
    # How many articles and changes the outlet has, kept by triggers (migration 0014) so the
    # outlets page does not count a year of history on every view.
    Column("article_count", Integer, nullable=False, server_default="0"),
    Column("change_count", Integer, nullable=False, server_default="0"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id"), nullable=False),
    Column("url", Text, nullable=False, unique=True),
    Column("source", String(20), nullable=False),
    Column("state", String(10), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("last_checked_at", UTCDateTime),
    Column("next_check_at", UTCDateTime),
    Column("last_change_at", UTCDateTime),
    Column("latest_version", Integer),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("check_count", Integer, nullable=False, default=0),
    Column("fast_hint", JSON),  # where the article text sits in the page (extract.fastpath)
    # ETag / Last-Modified of the latest 200 answer; NULL: not known here (migration 0018)
    Column("validators", JSON),
    Index("ix_articles_next_check_at", "next_check_at"),
    # An outlet's article count and last check, without reading every article row.
    Index("ix_articles_outlet_id_last_checked_at", "outlet_id", "last_checked_at"),
    Index("ix_articles_last_change_at", "last_change_at", "id"),  # most recently changed first
)

captures = Table(
    "captures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("url", Text, nullable=False),
    Column("outcome", String(12), nullable=False),
    Column("final_url", Text),
    Column("status", Integer),
    Column("redirects", JSON, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("body_sha256", String(64)),
    Column("body_size", BigInteger, nullable=False, default=0),
    Column("warc_file", Text),
    Column("warc_offset", BigInteger),
    Column("warc_length", BigInteger),
    Column("error", Text),
    Column("version", Integer),
    Column("idempotency_key", String(100), unique=True),
    Column("source", Text),  # the archive file it was imported from; NULL when fetched live
    Index("ix_captures_article_id", "article_id"),
    Index("ix_captures_body_sha256", "body_sha256"),
    # The recent captures of outlet health and outage detection, read from the index alone.
    Index("ix_captures_fetched_at_article_id_outcome", "fetched_at", "article_id", "outcome"),
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("capture_id", Integer, ForeignKey("captures.id")),
    Column("fingerprint", String(64), nullable=False),
    Column("title", Text),
    Column("byline", Text),
    Column("published", String(40)),
    Column("updated", String(40)),
    Column("language", String(16)),
    Column("canonical_url", Text),
    Column("paragraphs", JSON, nullable=False),
    UniqueConstraint("article_id", "number", name="uq_versions_article_number"),
)

changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("capture_id", Integer, ForeignKey("captures.id")),
    Column("detected_at", UTCDateTime, nullable=False),
    # 20 characters since archive_removed (migration 0013). SQLite does not enforce lengths,
    # and widening the column there would rebuild a table others point at: it stays 10.
    Column("kind", String(20).with_variant(String(10), "sqlite"), nullable=False),
    Column("severity", String(12)),
    Column("deletion", String(10)),
    Column("from_version", Integer),
    Column("to_version", Integer),
    Column("redirect_to", Text),
    Column("summary", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("source", Text),  # the archive file it was rebuilt from; NULL when seen live
    Index("ix_changes_detected_at", "detected_at"),
    Index("ix_changes_article_id", "article_id"),
)

host_pacing = Table(
    "host_pacing",
    metadata,
    Column("host", String(300), primary_key=True),
    Column("next_at", UTCDateTime, nullable=False),
)
