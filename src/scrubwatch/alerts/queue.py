"""Queueing: which recorded changes each rule wants, written down before anything is sent.

A cursor remembers the highest change id considered. It moves in the same transaction that
queues the deliveries for the changes below it, so a crash between recording a change and
queueing its alerts loses nothing: the change is simply considered again. Deliveries are
unique per (rule, change), so considering a change twice, or from two processes, queues it
once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from scrubwatch.alerts.rules import match
from scrubwatch.model import AlertRule
from scrubwatch.store import SqlStore
from scrubwatch.store.alert_schema import AlertCandidate, QueuedDelivery

BATCH = 500
# With several writers on PostgreSQL a change can commit after a higher id was already
# considered (ids come from a sequence, commits in any order). Changes detected this recently
# are looked at again on every pass; a writer slower than this would be missed.
LOOKBACK = timedelta(minutes=10)


def queue_new_changes(store: SqlStore, now: datetime) -> int:
    """Queue one delivery per (rule, change) for changes not yet considered; returns how many."""
    rules = [r for r in store.alert_rules() if r.id is not None]
    cursor = store.alert_cursor()
    queued = 0
    recent = store.alert_candidates(0, until_id=cursor, since=now - LOOKBACK, limit=BATCH)
    if recent and rules:
        queued += store.queue_alert_deliveries(_select(rules, recent, now), cursor, now)
    while True:
        batch = store.alert_candidates(cursor, limit=BATCH)
        if not batch:
            return queued
        highest = max(c.change.id or 0 for c in batch)
        queued += store.queue_alert_deliveries(_select(rules, batch, now), highest, now)
        cursor = highest


def _select(
    rules: list[AlertRule], candidates: list[AlertCandidate], now: datetime
) -> list[QueuedDelivery]:
    chosen = []
    for candidate in candidates:
        change_id = candidate.change.id
        assert change_id is not None
        for rule in rules:
            assert rule.id is not None
            if change_id <= rule.after_change_id:
                continue
            found = match(rule, candidate.change, candidate.text, candidate.language)
            if found is None:
                continue
            # A digest rule's changes wait for the end of its period and go out together.
            due = now + timedelta(minutes=rule.digest_minutes) if rule.digest_minutes else now
            chosen.append(QueuedDelivery(rule.id, change_id, found, due))
    return chosen
