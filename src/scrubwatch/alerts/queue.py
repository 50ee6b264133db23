"""Queueing: which recorded changes each rule wants, written down before anything is sent.

A cursor remembers the highest change id considered. It moves in the same transaction that
queues the deliveries for the changes below it, so a crash between recording a change and
queueing its alerts loses nothing: the change is simply considered again. Deliveries are
unique per (rule, change), so considering a change twice, or from two processes, queues it
once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from scrubwatch.alerts.rules import WAVE, match, match_wave
from scrubwatch.model import AlertRule
from scrubwatch.store import Store
from scrubwatch.store.records import AlertCandidate, QueuedDelivery

BATCH = 500
# With several writers on PostgreSQL a change can commit after a higher id was already
# considered (ids come from a sequence, commits in any order). Changes detected this recently
# are looked at again on every pass; a writer slower than this would be missed.
LOOKBACK = timedelta(minutes=10)
# Waves found or grown this recently are offered to `wave` rules on every call; a delivery is
# unique per (rule, change), so offering one again queues nothing new.
WAVE_LOOKBACK = timedelta(hours=6)


def queue_new_changes(store: Store, now: datetime) -> int:
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
        if candidate.change.source is not None:
            continue  # rebuilt from an imported archive: history, not news
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


def queue_wave_alerts(store: Store, now: datetime) -> int:
    """Queue one delivery per (`wave` rule, wave) for waves found or grown lately.

    A delivery is keyed on the wave's newest change, so a wave that grows (a new change
    joins it) is queued once more, and one that did not is never queued twice.
    """
    rules = [r for r in store.alert_rules() if r.id is not None and WAVE in r.kinds]
    if not rules:
        return 0
    chosen = []
    for wave in store.wave_list(updated_since=now - WAVE_LOOKBACK, limit=BATCH):
        newest = max(m.change_id for m in wave.members)
        for rule in rules:
            assert rule.id is not None
            found = match_wave(rule, wave)
            if newest <= rule.after_change_id or found is None:
                continue
            due = now + timedelta(minutes=rule.digest_minutes) if rule.digest_minutes else now
            chosen.append(QueuedDelivery(rule.id, newest, found, due, wave_id=wave.id))
    return store.queue_alert_deliveries(chosen, 0, now) if chosen else 0
