"""Issue #15, item 5: alert targets made on the web reach public addresses only, and every
way of not reaching one reads the same to the web user (no map of open ports).

127.0.0.1 plays the public internet (`web_allowed_networks`), 127.0.0.2 the inside. Rules
made on the command line keep reaching anything, as before.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from alert_support import T0, WebhookReceiver, first_version, record_edit
from scrubwatch.alerts import deliver_pending, queue_new_changes
from scrubwatch.alerts.define import new_rule
from scrubwatch.alerts.guard import UNREACHABLE, apprise_hosts
from scrubwatch.config import Settings
from scrubwatch.store import SqlStore, open_store
from scrubwatch.web import create_app
from ssrf_support import INTERNAL_HOST, PUBLIC_HOST, PUBLIC_ONLY, Page, Site
from web_support import Client


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", web_allowed_networks=PUBLIC_ONLY, alert_timeout=1.0)


@pytest.fixture
def store(settings: Settings) -> Iterator[SqlStore]:
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.fixture
def client(settings: Settings, store: SqlStore) -> Client:
    return Client(create_app(settings, store=store))


@pytest.fixture
def internal() -> Iterator[Site]:
    site = Site(INTERNAL_HOST)
    site.pages.update({"/hook": Page(200, "{}"), "/j": Page(200, "{}")})
    yield site
    site.close()


def _csrf(client: Client) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/alerts").text)
    assert found is not None
    return found.group(1)


def _add_on_the_web(client: Client, name: str, target: str) -> None:
    answer = client.post("/alerts", data={"name": name, "target": target, "csrf": _csrf(client)})
    assert answer.status_code == 303, answer.text


def _send_test(client: Client, name: str) -> httpx.Response:
    return client.post("/alerts/test", data={"name": name, "csrf": _csrf(client)})


def _error(page: str) -> str:
    found = re.search(r"the test alert to \S+ failed: ([^<]*)", page)
    assert found is not None, page
    return found.group(1).strip()


def _closed_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def test_web_send_test_to_an_internal_webhook_is_refused(
    client: Client, store: SqlStore, internal: Site
) -> None:
    _add_on_the_web(client, "inside", internal.url("/hook"))
    answer = _send_test(client, "inside")
    assert answer.status_code == 400
    assert _error(answer.text) == UNREACHABLE
    assert internal.hits == []
    rule = store.alert_rule("inside")
    assert rule is not None and rule.web_added


def test_every_unreachable_target_reads_the_same(
    client: Client, internal: Site, tmp_path: Path
) -> None:
    hanging = socket.socket()  # takes connections (the kernel's backlog), never answers
    hanging.bind((PUBLIC_HOST, 0))
    hanging.listen()
    targets = {
        "internal-open": internal.url("/hook"),
        "internal-closed": f"http://{INTERNAL_HOST}:{_closed_port(INTERNAL_HOST)}/hook",
        "public-closed": f"http://{PUBLIC_HOST}:{_closed_port(PUBLIC_HOST)}/hook",
        "public-hanging": f"http://{PUBLIC_HOST}:{hanging.getsockname()[1]}/hook",
        "apprise-internal": f"json://{INTERNAL_HOST}:{internal.bound_port}/hook",
        "apprise-public-closed": f"json://{PUBLIC_HOST}:{_closed_port(PUBLIC_HOST)}/hook",
    }
    errors = {}
    with hanging:
        for name, target in targets.items():
            _add_on_the_web(client, name, target)
            answer = _send_test(client, name)
            assert answer.status_code == 400, name
            errors[name] = _error(answer.text)
    assert set(errors.values()) == {UNREACHABLE}, errors
    assert internal.hits == []


def test_a_public_webhook_made_on_the_web_still_works_and_says_its_status(
    client: Client, change_schema: dict[str, Any]
) -> None:
    with WebhookReceiver(change_schema) as hook:
        _add_on_the_web(client, "desk", hook.url)
        assert _send_test(client, "desk").status_code == 303
        assert len(hook.received) == 1
    with WebhookReceiver(change_schema, status=503) as down:
        _add_on_the_web(client, "down", down.url)
        assert "webhook answered HTTP 503" in _send_test(client, "down").text


def test_queued_deliveries_of_a_web_rule_fail_uniformly_and_never_connect(
    settings: Settings, store: SqlStore, internal: Site
) -> None:
    rule = new_rule(name="inside", target=internal.url("/hook"))
    store.add_alert_rule(replace(rule, web_added=True), T0)
    article = first_version(store)
    record_edit(store, article, T0 + timedelta(minutes=5), "One.")
    queue_new_changes(store, T0 + timedelta(minutes=6))
    report = asyncio.run(deliver_pending(store, settings, T0 + timedelta(minutes=7)))
    assert report.errors == [f"inside: {UNREACHABLE}"]
    [status] = store.alert_status()
    assert status.last_error == UNREACHABLE
    assert internal.hits == []


def test_rules_made_on_the_command_line_reach_inside_as_before(
    settings: Settings, store: SqlStore, internal: Site
) -> None:
    store.add_alert_rule(new_rule(name="hook", target=internal.url("/hook")), T0)
    store.add_alert_rule(
        new_rule(name="json", target=f"json://{INTERNAL_HOST}:{internal.bound_port}/j"), T0
    )
    article = first_version(store)
    record_edit(store, article, T0 + timedelta(minutes=5), "One.")
    queue_new_changes(store, T0 + timedelta(minutes=6))
    report = asyncio.run(deliver_pending(store, settings, T0 + timedelta(minutes=7)))
    assert report.sent == 2, report.errors
    assert sorted(internal.hits) == ["/hook", "/j"]


def test_apprise_hosts_names_the_hosts_apprise_connects_to() -> None:
    assert apprise_hosts("json://10.0.0.5:8080/x") == [("10.0.0.5", 8080)]
    assert ("smtp.internal", 25) in apprise_hosts(
        "mailto://u:p@example.org?smtp=smtp.internal&to=desk@example.org"
    )
    assert apprise_hosts("tgram://123456789:abcdefg_hijklmnop/12315544/") == []
