"""Alerts: tell people the moment a watched term or outlet is scrubbed.

- `rules`: does a change concern a rule (pure)
- `message`: the text people read (pure)
- `channels`: signed webhooks and apprise URLs (e-mail, Slack, Telegram, Matrix, ntfy...)
- `queue`: `queue_new_changes`, recorded changes → one queued delivery per (rule, change);
  `queue_wave_alerts`, scrub waves → one per (`wave` rule, wave), again when it grows
- `delivery`: `deliver_pending`, sending with retries, backoff and digests
- `sample`: `alerts test`, a sample change sent through a rule's channel now
- `outages`: `alert_outages`, once per episode when an outlet becomes unreachable from here
"""

from scrubwatch.alerts.channels import DeliveryFailed, check_target, redact
from scrubwatch.alerts.delivery import DeliveryReport, base_url_of, deliver_pending
from scrubwatch.alerts.outages import alert_outages
from scrubwatch.alerts.queue import queue_new_changes, queue_wave_alerts
from scrubwatch.alerts.rules import KINDS, RULE_KINDS, SEVERITIES, match, match_wave
from scrubwatch.alerts.sample import send_test

__all__ = [
    "KINDS",
    "RULE_KINDS",
    "SEVERITIES",
    "DeliveryFailed",
    "DeliveryReport",
    "alert_outages",
    "base_url_of",
    "check_target",
    "deliver_pending",
    "match",
    "match_wave",
    "queue_new_changes",
    "queue_wave_alerts",
    "redact",
    "send_test",
]
