"""Tables and record types of alerting: rules, queued deliveries, the change cursor.

The rule itself is `model.AlertRule`; the tables sit on the shared `metadata`, so Alembic's
comparison sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from scrubwatch.model import AlertRule, Change
from scrubwatch.store.schema import UTCDateTime, metadata
from scrubwatch.waves import WaveRecord

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("target", Text, nullable=False),  # webhook or apprise URL; may hold a token
    Column("terms", JSON, nullable=False),
    Column("outlets", JSON, nullable=False),
    Column("kinds", JSON, nullable=False),
    Column("severity", String(12)),
    Column("secret", Text),
    Column("digest_minutes", Integer),
    Column("created_at", UTCDateTime, nullable=False),
    # Only changes recorded after the rule was made are alerted: a new rule is no flood of history.
    Column("after_change_id", Integer, nullable=False),
    # Made through the web UI: delivered through the SSRF guard (scrubwatch.netguard).
    Column("web_added", Boolean, nullable=False, server_default=false()),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", Integer, ForeignKey("alert_rules.id"), nullable=False),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("status", String(10), nullable=False),  # pending, sending, sent, failed
    Column("queued_at", UTCDateTime, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("sent_at", UTCDateTime),
    Column("matched", JSON, nullable=False),  # the rule's terms this change matched
    # Set for a `wave` rule: the delivery is about the wave this change grew (no foreign key:
    # waves merge, so the wave is found again through the change when it is sent).
    Column("wave_id", Integer),
    UniqueConstraint("rule_id", "change_id", name="uq_alert_deliveries_rule_change"),
    Index("ix_alert_deliveries_status_next", "status", "next_attempt_at"),
)

alert_cursor = Table(
    "alert_cursor",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("last_change_id", Integer, nullable=False),
)

CURSOR = "changes"
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """A recorded change, with what matching and messages need from its article."""

    change: Change
    article_id: int
    headline: str | None  # title of the version after the change (or before, if deleted)
    language: str | None
    text: str  # body of that version: a deleted article "removes" every term it held


@dataclass(frozen=True, slots=True)
class QueuedDelivery:
    """A (rule, change) pair to queue, with the terms it matched."""

    rule_id: int
    change_id: int
    matched: tuple[str, ...]
    due_at: datetime
    wave_id: int | None = None  # a `wave` rule's delivery: the wave `change_id` grew


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed delivery, ready to send."""

    id: int
    rule: AlertRule
    candidate: AlertCandidate
    matched: tuple[str, ...]
    attempts: int  # including the attempt being made
    wave: WaveRecord | None = None  # for a `wave` rule: the wave as it stands now


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """How a rule's deliveries stand, for `alerts list`."""

    rule: AlertRule
    pending: int
    sent: int
    failed: int
    last_error: str | None
