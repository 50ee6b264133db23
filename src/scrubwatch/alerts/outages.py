"""Alerts about outlets that became unreachable from here, once per episode.

"sputnik.example unreachable from here since 14:00 UTC: 12 checks blocked". An episode
starts with the first failed or blocked look after the last one that got through and ends
when a look gets through again (scrubwatch.store.outages). Its start is recorded with the
outlet before anything is sent (compare-and-set), so two processes that see the same
episode alert once, and every later pass finds it already told. A channel that fails is
logged and not retried: the outlet's state is on the `outlets` page and command anyway,
and a message hours late about an outage says little.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import httpx

from scrubwatch.alerts.channels import DeliveryFailed, Outgoing, redact
from scrubwatch.alerts.guard import AlertSender
from scrubwatch.alerts.message import Message
from scrubwatch.alerts.rules import wants_outage
from scrubwatch.config import Settings
from scrubwatch.serialize import iso
from scrubwatch.store import Store
from scrubwatch.store.records import Outage

log = logging.getLogger(__name__)


def outage_text(outage: Outage) -> str:
    """The alert's one line: "HOST unreachable from here since 14:00 UTC: 12 checks blocked"."""
    since = outage.since.astimezone(UTC)
    return f"{outage.host} unreachable from here since {since:%H:%M} UTC: {outage.what}"


def outage_outgoing(outage: Outage, rule_name: str, rule_id: int | None, link: str) -> Outgoing:
    """The message for people and the webhook payload for machines."""
    since = outage.since.astimezone(UTC)
    body = (
        f"{outage_text(outage)} (since {since:%Y-%m-%d %H:%M} UTC, {outage.articles} articles, "
        f"last check {outage.last_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC).\n"
        "A challenge, consent or geo-block page, or a proxy that is down: its articles are "
        "not reported deleted meanwhile, and no change of them can be seen.\n"
        f"{link}"
    )
    payload = {
        "event": "outlet_unreachable",
        "outlet": outage.host,
        "since": iso(outage.since),
        "last_check": iso(outage.last_at),
        "checks": outage.checks,
        "blocked": outage.blocked,
        "articles": outage.articles,
        "alert": {"rule": rule_name, "link": link},
    }
    message = Message(title=f"{outage.host} unreachable from here", body=body)
    return Outgoing(message=message, payload=payload, key=f"{rule_id}-outage-{iso(outage.since)}")


async def alert_outages(
    store: Store,
    settings: Settings,
    base_url: str,
    *,
    client: httpx.AsyncClient | None = None,
) -> list[str]:
    """Tell the rules that want it about every new outage; returns the lines sent."""
    outages = await asyncio.to_thread(store.outlet_outages, settings.outlet_unreachable_checks)
    await _forget_ended(store, {o.host for o in outages})
    fresh = [o for o in outages if o.told != o.since]
    if not fresh:
        return []
    rules = await asyncio.to_thread(store.alert_rules)
    link = f"{base_url.rstrip('/')}/outlets"
    sent: list[str] = []
    async with AlertSender(settings, client=client) as sender:
        for outage in fresh:
            claimed = await asyncio.to_thread(
                store.mark_outage_told, outage.host, outage.since, outage.told
            )
            if not claimed:
                continue  # another process told this episode
            log.warning("%s", outage_text(outage))
            for rule in (r for r in rules if wants_outage(r, outage.host)):
                try:
                    await sender.send(rule, outage_outgoing(outage, rule.name, rule.id, link))
                except DeliveryFailed as exc:
                    log.warning(
                        "outage alert %s to %s failed: %s", rule.name, redact(rule.target), exc
                    )
                    continue
                sent.append(f"{rule.name}: {outage_text(outage)}")
    return sent


async def _forget_ended(store: Store, current: set[str]) -> None:
    """Outlets reachable again: their next outage is a new episode, told again."""
    told: dict[str, datetime] = await asyncio.to_thread(store.told_outages)
    for host, since in told.items():
        if host not in current:
            await asyncio.to_thread(store.mark_outage_told, host, None, since)
