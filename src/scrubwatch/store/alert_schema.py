"""Tables of alerting: rules, queued deliveries, the change cursor.

The rule itself is `model.AlertRule` and the records callers see (candidates, deliveries,
rule status) are in `store.records`; the tables sit on the shared `metadata`, so Alembic's
comparison sees them.
"""

from __future__ import annotations

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

from scrubwatch.store.schema import UTCDateTime, metadata

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
