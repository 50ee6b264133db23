"""`alerts test`: a made-up change sent through a rule's channel now, to check the wiring.

The sample goes straight to the channel, outside the queue: the user is at the terminal
and wants the error now, not a retry in thirty seconds.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from scrubwatch.alerts.channels import Outgoing
from scrubwatch.alerts.delivery import base_url_of
from scrubwatch.alerts.guard import AlertSender
from scrubwatch.alerts.message import change_link, format_change
from scrubwatch.config import Settings
from scrubwatch.model import AlertRule, Change, ChangeKind, Diff, Severity, TextPair
from scrubwatch.serialize import change_to_json

SAMPLE_URL = "https://news.example/2025/04/port-deal"


def sample_change(now: datetime) -> Change:
    """A substantive edit of the kind scrubwatch reports, clearly marked as a test."""
    diff = Diff(
        severity=Severity.SUBSTANTIVE,
        title=TextPair("Port deal worth $3.7 billion signed", "Port deal signed"),
        sentences_removed=("The minister said the deal was “a gift to our friends”.",),
        quotes_removed=("a gift to our friends",),
        terms_removed=("Harbour Authority",),
        numbers_changed=(TextPair("$3.7 billion", None),),
        summary="[test] headline changed; 1 sentence removed; quote removed; $3.7 billion removed",
    )
    return Change(
        url=SAMPLE_URL,
        outlet="news.example",
        detected_at=now,
        kind=ChangeKind.EDITED,
        from_version=1,
        to_version=2,
        summary=diff.summary,
        severity=Severity.SUBSTANTIVE,
        diff=diff,
        id=0,
    )


async def send_test(
    rule: AlertRule, settings: Settings, now: datetime, *, client: httpx.AsyncClient | None = None
) -> None:
    """Send the sample change through the rule's channel; DeliveryFailed when it is refused."""
    change = sample_change(now)
    link = change_link(base_url_of(settings), change)
    payload = change_to_json(change)
    payload["alert"] = {"rule": rule.name, "link": link, "test": True, "matched_terms": []}
    message = format_change(change, link=link)
    message = type(message)(title="[scrubwatch test] " + message.title, body=message.body)
    outgoing = Outgoing(message=message, payload=payload, key=f"{rule.id}-test")
    async with AlertSender(settings, client=client) as sender:
        await sender.send(rule, outgoing)
