"""`scrubwatch alerts ...` end to end: the real entry point, a real SQLite file, the fake
outlet scrubbing an article, and a webhook receiver on loopback."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from alert_support import WebhookReceiver
from articles import BYLINE, PARAGRAPHS, SCRUBBED, TITLE
from conftest import Cli
from scrubwatch.alerts import deliver_pending, queue_new_changes
from scrubwatch.config import load_settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.store import open_store

pytestmark = pytest.mark.slow


def test_add_list_test_remove(cli: Cli, change_schema: dict[str, Any]) -> None:
    with WebhookReceiver(change_schema, secret="k") as hook:
        added = cli(
            "alerts",
            "add",
            "corridor",
            "--to",
            hook.url,
            "--terms",
            "Zangezur, Liu Jianchao",
            "--kinds",
            "edited,deleted",
            "--severity",
            "substantive",
            "--secret",
            "k",
        )
        assert added.code == 0, added.stderr
        assert "terms Zangezur, Liu Jianchao" in added.stdout
        assert cli("alerts", "add", "corridor", "--to", hook.url).code == 2  # name taken
        listed = cli("alerts", "list")
        assert "corridor: to http://127.0.0.1:" in listed.stdout
        assert "/hooks/scrubwatch" not in listed.stdout  # paths often hold tokens
        assert "sent 0, pending 0, failed 0" in listed.stdout
        tested = cli("alerts", "test", "corridor")
        assert tested.code == 0, tested.stderr
    assert hook.problems == []
    [sample] = hook.received
    assert sample.payload["alert"]["test"] is True
    assert cli("alerts", "remove", "corridor").code == 0
    assert "No alert rules" in cli("alerts", "list").stdout
    gone = cli("alerts", "remove", "corridor")
    assert gone.code == 2 and "no alert rule named 'corridor'" in gone.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "gopher://x"], "not a notification URL"),
        (["--to", "http://127.0.0.1/h", "--kinds", "scrubbed"], "unknown kind 'scrubbed'"),
        (["--to", "http://127.0.0.1/h", "--severity", "huge"], "unknown severity"),
        (["--to", "ntfy://topic", "--secret", "s"], "secret signs webhooks"),
    ],
)
def test_bad_rules_are_usage_errors(cli: Cli, args: list[str], message: str) -> None:
    result = cli("alerts", "add", "r", *args)
    assert result.code == 2 and message in result.stderr


def test_alerts_test_reports_a_channel_that_is_down(
    cli: Cli, change_schema: dict[str, Any]
) -> None:
    with WebhookReceiver(change_schema, status=500) as hook:
        assert cli("alerts", "add", "down", "--to", hook.url).code == 0
        result = cli("alerts", "test", "down")
    assert result.code == 1 and "webhook answered HTTP 500" in result.stderr


def test_a_real_scrub_reaches_the_webhook_once(
    cli: Cli, outlet: FakeOutlet, change_schema: dict[str, Any]
) -> None:
    outlet.publish("aliyev-beijing", TITLE, PARAGRAPHS, byline=BYLINE)
    assert cli("watch", outlet.base_url).code == 0
    assert cli("check").code == 0
    with WebhookReceiver(change_schema) as hook:
        assert cli("alerts", "add", "c", "--to", hook.url, "--terms", "zangezur").code == 0
        outlet.edit("aliyev-beijing", paragraphs=SCRUBBED)
        assert cli("check", "--all").code == 0
        settings = load_settings({"data_dir": cli.data_dir})
        store = open_store(settings)
        try:
            now = datetime.now(UTC)
            for _ in range(2):  # twice: nothing is sent twice
                queue_new_changes(store, now)
                asyncio.run(deliver_pending(store, settings, now))
        finally:
            store.close()
        listed = cli("alerts", "list").stdout
    [got] = hook.received
    assert got.payload["kind"] == "edited"
    assert got.payload["alert"]["matched_terms"] == ["zangezur"]
    assert got.payload["alert"]["headline"] == TITLE
    assert {"before": "$3.7 billion", "after": "$3.2 billion"} in got.payload["numbers_changed"]
    assert "sent 1, pending 0, failed 0" in listed
