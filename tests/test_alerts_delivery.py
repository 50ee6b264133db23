"""Queueing and delivery over real sockets: a signed webhook, SMTP through apprise, outages.

Changes are recorded with `store.record_check` into real SQLite files (and PostgreSQL where
one runs); alerts go to real servers on loopback.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from alert_support import (
    T0,
    SmtpServer,
    WebhookReceiver,
    first_version,
    record_deletion,
    record_edit,
)
from scrubwatch.alerts import deliver_pending, queue_new_changes
from scrubwatch.alerts.delivery import DeliveryReport, backoff
from scrubwatch.config import Settings
from scrubwatch.model import AlertRule
from scrubwatch.store import SqlStore

REMOVED = "“We are ready to build the Zangezur corridor,” said Liu Jianchao."


@dataclass(frozen=True)
class AlertSettings(Settings):
    """Settings with the alert knobs this task asks the lead to add to `Settings`."""

    base_url: str | None = "http://scrub.example"
    alert_timeout: float = 2.0
    alert_max_attempts: int = 3


SETTINGS = AlertSettings()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = SqlStore.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    yield opened
    opened.close()


def _deliver(store: SqlStore, at: Any, settings: Settings = SETTINGS) -> DeliveryReport:
    return asyncio.run(deliver_pending(store, settings, at, rng=random.Random(7)))


def test_webhook_gets_a_signed_contract_payload_once(
    store: SqlStore, change_schema: dict[str, Any]
) -> None:
    article = first_version(store)
    with WebhookReceiver(change_schema, secret="s3cret") as hook:
        store.add_alert_rule(
            AlertRule(name="corridor", target=hook.url, terms=("zangezur",), secret="s3cret"), T0
        )
        record_edit(store, article, T0 + timedelta(hours=1), REMOVED)
        now = T0 + timedelta(hours=1, seconds=5)
        assert queue_new_changes(store, now) == 1
        assert queue_new_changes(store, now) == 0  # run twice: nothing queued twice
        first = _deliver(store, now)
        second = _deliver(store, now + timedelta(minutes=5))
    assert (first.sent, first.messages, second.sent) == (1, 1, 0)
    assert hook.problems == []
    [got] = hook.received
    assert got.payload["kind"] == "edited"
    assert got.payload["sentences"]["removed"] == [REMOVED]
    assert got.payload["alert"]["matched_terms"] == ["zangezur"]
    assert got.payload["alert"]["link"].startswith("http://scrub.example/articles/")
    assert got.headers["x-scrubwatch-delivery"]
    [status] = store.alert_status()
    assert (status.sent, status.pending, status.failed) == (1, 0, 0)


def test_a_wrong_secret_is_caught_by_the_receiver(
    sqlite_store: SqlStore, change_schema: dict[str, Any]
) -> None:
    article = first_version(sqlite_store)
    with WebhookReceiver(change_schema, secret="expected") as hook:
        sqlite_store.add_alert_rule(AlertRule(name="r", target=hook.url, secret="other"), T0)
        record_edit(sqlite_store, article, T0 + timedelta(hours=1), REMOVED)
        queue_new_changes(sqlite_store, T0 + timedelta(hours=2))
        _deliver(sqlite_store, T0 + timedelta(hours=2))
    assert hook.problems == ["bad signature"] and hook.received == []


def test_only_matching_changes_after_the_rule_was_made_are_queued(store: SqlStore) -> None:
    article = first_version(store)
    record_edit(store, article, T0 + timedelta(hours=1), REMOVED)  # before any rule
    store.add_alert_rule(
        AlertRule(name="corridor", target="http://127.0.0.1:9/", terms=("Zangezur",)), T0
    )
    store.add_alert_rule(
        AlertRule(name="deletions", target="http://127.0.0.1:9/", kinds=("deleted",)), T0
    )
    article = store.article(article.url) or article
    record_edit(store, article, T0 + timedelta(hours=2), "The port opened in May.")
    article = store.article(article.url) or article
    record_edit(store, article, T0 + timedelta(hours=3), "Work on the zangezur road began.")
    article = store.article(article.url) or article
    record_deletion(store, article, T0 + timedelta(hours=4))
    assert queue_new_changes(store, T0 + timedelta(hours=5)) == 2
    counts = {s.rule.name: s.pending for s in store.alert_status()}
    assert counts == {"corridor": 1, "deletions": 1}


def test_a_change_missed_by_the_cursor_is_caught_by_the_lookback(store: SqlStore) -> None:
    """A slow writer can commit a change below the cursor (PostgreSQL sequences)."""
    article = first_version(store)
    store.add_alert_rule(AlertRule(name="all", target="http://127.0.0.1:9/"), T0)
    record_edit(store, article, T0 + timedelta(hours=1), REMOVED)
    # Pretend a later change was already considered, as another process would have done.
    store.queue_alert_deliveries([], 1_000, T0)
    assert queue_new_changes(store, T0 + timedelta(hours=1, minutes=1)) == 1


def test_a_channel_that_is_down_gets_the_message_once_when_back(
    store: SqlStore, change_schema: dict[str, Any]
) -> None:
    article = first_version(store)
    with WebhookReceiver(change_schema, status=503) as hook:
        store.add_alert_rule(AlertRule(name="r", target=hook.url), T0)
        record_edit(store, article, T0, REMOVED)
        article = store.article(article.url) or article
        record_edit(store, article, T0 + timedelta(seconds=1), "The port opened in May.")
        queue_new_changes(store, T0)
        down = _deliver(store, T0 + timedelta(seconds=1))
        # The channel failed: the rule's other delivery waits too, without costing a timeout.
        assert (down.sent, down.retrying, down.messages) == (0, 1, 0)
        assert "HTTP 503" in (store.alert_status()[0].last_error or "")
        assert _deliver(store, T0 + timedelta(seconds=2)).sent == 0  # backoff: not yet
        hook.status = 200
        later = T0 + timedelta(hours=1)
        back = _deliver(store, later)
        again = _deliver(store, later + timedelta(hours=1))
    assert (back.sent, again.sent) == (2, 0)
    assert len(hook.received) == 2
    assert len({r.payload["id"] for r in hook.received}) == 2


def test_give_up_after_the_last_attempt(sqlite_store: SqlStore) -> None:
    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    article = first_version(sqlite_store)
    sqlite_store.add_alert_rule(AlertRule(name="dead", target=dead), T0)
    record_edit(sqlite_store, article, T0, REMOVED)
    queue_new_changes(sqlite_store, T0)
    now = T0
    reports = []
    for _ in range(5):
        reports.append(_deliver(sqlite_store, now))
        now += timedelta(hours=3)  # longer than any backoff
    assert [(r.retrying, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    [status] = sqlite_store.alert_status()
    assert (status.failed, status.pending) == (1, 0)
    assert "unreachable" in (status.last_error or "")


def test_a_hanging_channel_costs_its_timeout_only(
    sqlite_store: SqlStore, change_schema: dict[str, Any]
) -> None:
    article = first_version(sqlite_store)
    with WebhookReceiver(change_schema, hang_seconds=3) as hook:
        sqlite_store.add_alert_rule(AlertRule(name="slow", target=hook.url), T0)
        record_edit(sqlite_store, article, T0, REMOVED)
        queue_new_changes(sqlite_store, T0)
        settings = AlertSettings(alert_timeout=0.5)
        report = asyncio.run(asyncio.wait_for(deliver_pending(sqlite_store, settings, T0), 2.5))
    assert report.retrying == 1 and "timed out" in report.errors[0]


def test_a_digest_sends_one_message_per_period(
    sqlite_store: SqlStore, change_schema: dict[str, Any]
) -> None:
    article = first_version(sqlite_store)
    with WebhookReceiver(change_schema) as hook:
        sqlite_store.add_alert_rule(AlertRule(name="d", target=hook.url, digest_minutes=30), T0)
        for minute in range(3):
            article = sqlite_store.article(article.url) or article
            at = T0 + timedelta(minutes=minute)
            record_edit(sqlite_store, article, at, f"Sentence {minute}.")
            queue_new_changes(sqlite_store, at)
        assert _deliver(sqlite_store, T0 + timedelta(minutes=10)).messages == 0
        report = _deliver(sqlite_store, T0 + timedelta(minutes=31))
    assert (report.messages, report.sent) == (1, 3)
    [got] = hook.received
    assert isinstance(got.payload, list) and len(got.payload) == 3


def test_email_through_apprise_reaches_a_real_smtp_server(sqlite_store: SqlStore) -> None:
    article = first_version(sqlite_store)
    with SmtpServer() as smtp:
        target = (
            f"mailto://127.0.0.1:{smtp.port}?smtp=127.0.0.1&mode=insecure"
            "&from=alerts@scrubwatch.test&to=desk@newsroom.test"
        )
        sqlite_store.add_alert_rule(AlertRule(name="mail", target=target, terms=("Liu",)), T0)
        record_edit(sqlite_store, article, T0, REMOVED)
        queue_new_changes(sqlite_store, T0)
        report = _deliver(sqlite_store, T0)
    assert report.sent == 1, report.errors
    [mail] = smtp.box.messages
    assert smtp.box.recipients == [["desk@newsroom.test"]]
    assert mail["Subject"] == "Edited on news.example: Aliyev heads to Beijing"
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert "What changed: 1 sentence removed" in text
    assert "Watched terms: Liu" in text
    assert "See the evidence: http://scrub.example/articles/1/diff?from=1&to=2" in text


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(1)
    waits = [backoff(n, rng).total_seconds() for n in range(1, 12)]
    assert 24 <= waits[0] <= 36 and 48 <= waits[1] <= 72
    assert max(waits) <= 2 * 3600 * 1.2
    assert len({round(backoff(3, rng).total_seconds(), 3) for _ in range(5)}) > 1
