"""Sending what was queued: retries with backoff, give up after N attempts, digests.

Called after every pass of checks, so it must never hold checks up: each message has a
short timeout, rules are served concurrently, and a rule whose channel fails stops for this
pass (its other due deliveries wait for the same retry time) instead of timing out once per
queued change. A delivery is marked sent only after its channel took it.

Every store call runs in a worker thread (`asyncio.to_thread`): the loop that sends one
rule's messages is the loop that sends every other rule's, and the checks' too.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from scrubwatch.alerts.channels import DeliveryFailed, Outgoing
from scrubwatch.alerts.guard import AlertSender
from scrubwatch.alerts.message import (
    DigestPart,
    Message,
    change_link,
    format_digest,
    format_wave,
)
from scrubwatch.config import Settings
from scrubwatch.serialize import change_to_json
from scrubwatch.store import Store
from scrubwatch.store.records import Delivery
from scrubwatch.waves import wave_to_json

BATCH = 200  # due deliveries looked at per call; the rest wait for the next pass
CONCURRENT_RULES = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)


@dataclass
class DeliveryReport:
    """What one call of `deliver_pending` did."""

    sent: int = 0  # deliveries a channel took
    messages: int = 0  # messages sent (a digest carries several deliveries)
    retrying: int = 0  # deliveries that failed and will be tried again
    failed: int = 0  # deliveries given up on
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failure: doubling from 30 s, capped at 2 h.

    Jitter (±20 %) spreads retries, so deliveries that failed together during an outage do
    not all hit the channel in the same second when it comes back.
    """
    delay = min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_WAIT)
    jitter = rng.uniform(0.8, 1.2) if rng else random.uniform(0.8, 1.2)
    return delay * jitter


def base_url_of(settings: Settings) -> str:
    """Where the web UI is reached, for links in messages."""
    return settings.base_url or f"http://{settings.web_host}:{settings.web_port}"


async def deliver_pending(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    client: httpx.AsyncClient | None = None,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """Send the deliveries due at `now`; returns what happened."""
    report = DeliveryReport()
    by_rule: dict[int, list[int]] = defaultdict(list)
    for delivery_id, rule_id in await asyncio.to_thread(store.due_delivery_ids, now, BATCH):
        by_rule[rule_id].append(delivery_id)
    if not by_rule:
        return report
    limit = asyncio.Semaphore(CONCURRENT_RULES)
    async with AlertSender(settings, client=client) as sender:

        async def serve(ids: list[int]) -> None:
            async with limit:
                await _serve_rule(store, settings, now, ids, sender, report, rng)

        await asyncio.gather(*(serve(ids) for ids in by_rule.values()))
    return report


async def _serve_rule(
    store: Store,
    settings: Settings,
    now: datetime,
    due_ids: list[int],
    sender: AlertSender,
    report: DeliveryReport,
    rng: random.Random | None,
) -> None:
    timeout = settings.alert_timeout
    lease = timedelta(seconds=timeout * 2 + 60)
    base_url = base_url_of(settings)
    for position, delivery_id in enumerate(due_ids):
        group = await asyncio.to_thread(_claim_group, store, delivery_id, now, lease)
        if not group:
            continue
        rule = group[0].rule
        try:
            await sender.send(rule, outgoing(group, base_url))
        except DeliveryFailed as exc:
            error = str(exc)
            report.errors.append(f"{rule.name}: {error}")
            gave_up, retrying = await asyncio.to_thread(
                _failed, store, settings.alert_max_attempts, now, group, error, rng
            )
            report.failed += gave_up
            report.retrying += retrying
            # The channel is down: the rest of this rule waits for the same retry time,
            # without counting an attempt it did not make.
            retry_at = now + backoff(group[0].attempts, rng)
            rest = due_ids[position + 1 :]
            await asyncio.to_thread(store.postpone_deliveries, rest, error, retry_at, now)
            return
        await asyncio.to_thread(store.mark_delivered, [d.id for d in group], now)
        report.sent += len(group)
        report.messages += 1
        if rule.digest_minutes:
            return  # the digest took every pending delivery of the rule


def _claim_group(store: Store, delivery_id: int, now: datetime, lease: timedelta) -> list[Delivery]:
    """One delivery, or for a digest rule every pending one of its rule, due or not yet."""
    first = store.claim_delivery(delivery_id, now, lease)
    if first is None or not first.rule.digest_minutes:
        return [first] if first else []
    others = [i for i in store.pending_delivery_ids(first.rule.id or 0) if i != first.id]
    claimed = (store.claim_delivery(i, now, lease) for i in others)
    return [first, *(d for d in claimed if d is not None)]


def _failed(
    store: Store,
    max_attempts: int,
    now: datetime,
    group: list[Delivery],
    error: str,
    rng: random.Random | None,
) -> tuple[int, int]:
    """Record a failed attempt: give up on the deliveries out of attempts, retry the others
    with backoff. Returns (given up, retrying); the caller counts them on its own loop."""
    give_up = [d.id for d in group if d.attempts >= max_attempts]
    retry = [d for d in group if d.attempts < max_attempts]
    if give_up:
        store.mark_attempt_failed(give_up, error, None)
    if retry:
        retry_at = now + backoff(max(d.attempts for d in retry), rng)
        store.mark_attempt_failed([d.id for d in retry], error, retry_at)
    return len(give_up), len(retry)


def outgoing(group: list[Delivery], base_url: str) -> Outgoing:
    """The message and the webhook payload of one delivery, or of a digest of several."""
    if group[0].wave is not None:
        return _wave_outgoing(group, base_url)
    parts: list[DigestPart] = []
    payloads = []
    for delivery in group:
        cand = delivery.candidate
        link = change_link(base_url, cand.change, cand.article_id)
        parts.append((cand.change, link, cand.headline, delivery.matched))
        payload = change_to_json(cand.change)
        payload["alert"] = {
            "rule": delivery.rule.name,
            "link": link,
            "headline": cand.headline,
            "matched_terms": list(delivery.matched),
        }
        payloads.append(payload)
    rule = group[0].rule
    key = f"{rule.id}-" + ",".join(str(d.candidate.change.id) for d in group)
    return Outgoing(
        message=format_digest(rule.name, parts),
        payload=payloads if rule.digest_minutes else payloads[0],
        key=key,
    )


def _wave_outgoing(group: list[Delivery], base_url: str) -> Outgoing:
    """Wave deliveries: the wave as `waves --json` gives it, plus who the alert is for.

    A digest can hold one wave twice (it grew in between): it is told once, as it is now.
    """
    waves = {d.wave.id: (d.wave, d.matched) for d in group if d.wave is not None}
    messages, payloads = [], []
    for wave, matched in waves.values():
        link = f"{base_url.rstrip('/')}/waves/{wave.id}"
        messages.append(format_wave(wave, link, matched))
        payload = wave_to_json(wave, base_url)
        payload["alert"] = {
            "rule": group[0].rule.name,
            "link": link,
            "matched_terms": list(matched),
        }
        payloads.append(payload)
    rule = group[0].rule
    key = f"{rule.id}-" + ",".join(str(d.candidate.change.id) for d in group)
    if len(messages) == 1:
        message = messages[0]
    else:
        body = "\n\n---\n\n".join(m.body for m in messages)
        message = Message(title=f"{len(messages)} scrub waves for alert {rule.name!r}", body=body)
    return Outgoing(
        message=message, payload=payloads if rule.digest_minutes else payloads[0], key=key
    )
