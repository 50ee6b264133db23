"""Alerts: tell people the moment a watched term or outlet is scrubbed.

- `rules`: does a change concern a rule (pure)
- `message`: the text people read (pure)
- `channels`: signed webhooks and apprise URLs (e-mail, Slack, Telegram, Matrix, ntfy...)
- `queue`: `queue_new_changes`, recorded changes → one queued delivery per (rule, change)
- `delivery`: `deliver_pending`, sending with retries, backoff and digests
- `sample`: `alerts test`, a sample change sent through a rule's channel now
"""

from scrubwatch.alerts.channels import DeliveryFailed, check_target, redact
from scrubwatch.alerts.delivery import DeliveryReport, deliver_pending
from scrubwatch.alerts.queue import queue_new_changes
from scrubwatch.alerts.rules import KINDS, SEVERITIES, match
from scrubwatch.alerts.sample import send_test

__all__ = [
    "KINDS",
    "SEVERITIES",
    "DeliveryFailed",
    "DeliveryReport",
    "check_target",
    "deliver_pending",
    "match",
    "queue_new_changes",
    "redact",
    "send_test",
]
