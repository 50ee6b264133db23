"""Alert rules in the web UI: the same rules, validation and safety as `scrubwatch alerts`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from alert_support import WebhookReceiver
from scrubwatch.alerts.define import new_rule
from scrubwatch.config import Settings
from scrubwatch.store import SqlStore, open_store
from scrubwatch.web import create_app
from web_support import Client


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(Settings(data_dir=tmp_path / "data"))
    yield opened
    opened.close()


@pytest.fixture
def client(store: SqlStore, tmp_path: Path) -> Client:
    return Client(create_app(Settings(data_dir=tmp_path / "data"), store=store))


def _csrf(client: Client) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/alerts").text)
    assert found is not None
    return found.group(1)


def _cells(page: str) -> list[str]:
    """The text cells of the first rule row of the listing."""
    body = page.split('<table class="alerts">', 1)[1].split("</tbody>", 1)[0]
    row = body.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    return [c.strip() for c in re.findall(r"<td>([^<]*)", row)]


def _add(client: Client, **fields: str) -> int:
    data = {"name": "desk", "target": "https://hooks.example.org/scrubs", **fields}
    return client.post("/alerts", data={**data, "csrf": _csrf(client)}).status_code


def test_add_list_and_remove_a_rule(client: Client, store: SqlStore) -> None:
    assert (
        _add(
            client,
            terms="Zangezur, Liu Jianchao",
            kinds="edited,deleted",
            secret="hush-very-secret",
            digest="30",
        )
        == 303
    )
    [rule] = store.alert_rules()
    assert rule.terms == ("Zangezur", "Liu Jianchao") and rule.kinds == ("edited", "deleted")
    assert rule.secret == "hush-very-secret" and rule.digest_minutes == 30
    page = client.get("/alerts").text
    cells = _cells(page)
    assert cells[:8] == [
        "desk",
        "https://hooks.example.org/…",
        "Zangezur, Liu Jianchao",
        "any",
        "edited, deleted",
        "any",
        "every 30 min",
        "yes",
    ]
    assert cells[8:11] == ["0", "0", "0"]  # sent, pending, failed
    assert "hush-very-secret" not in page  # a secret is never shown back
    removed = client.post("/alerts/remove", data={"name": "desk", "csrf": _csrf(client)})
    assert removed.status_code == 303 and store.alert_rules() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kinds": "edited,vanished"}, "unknown kind"),
        ({"target": "not a url"}, "not a notification URL"),
        ({"target": "https:///no-host"}, "not a webhook URL"),
        ({"severity": "dramatic"}, "unknown severity"),
        ({"name": "   "}, "needs a name"),
        ({"digest": "0"}, "from 1 to 10080 minutes"),
        ({"digest": "99999999999999999999"}, "from 1 to 10080 minutes"),
        ({"target": "ntfy://topic", "secret": "s"}, "signs webhooks"),
        ({"digest": "soon"}, "whole number of minutes"),
    ],
)
def test_bad_rules_get_a_clear_400(client: Client, fields: dict[str, str], message: str) -> None:
    data = {
        "name": "desk",
        "target": "https://hooks.example.org/x",
        **fields,
        "csrf": _csrf(client),
    }
    response = client.post("/alerts", data=data)
    assert response.status_code == 400
    assert 'class="error"' in response.text and message in response.text


def test_forms_need_the_csrf_token(client: Client, store: SqlStore) -> None:
    data = {"name": "desk", "target": "https://hooks.example.org/x"}
    assert client.post("/alerts", data=data).status_code == 403
    assert client.post("/alerts", data={**data, "csrf": "forged"}).status_code == 403
    assert store.alert_rules() == []


def test_rule_text_is_escaped(client: Client) -> None:
    assert (
        _add(client, name="<script>alert(1)</script>", terms="<img src=x onerror=alert(2)>") == 303
    )
    page = client.get("/alerts").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_targets_are_shown_redacted(client: Client) -> None:
    assert _add(client, name="hook", target="https://hooks.example.org/T0KEN-abc123") == 303
    assert _add(client, name="mail", target="mailto://ed:pa55word@mail.example.org") == 303
    page = client.get("/alerts").text
    assert "hook" in page and "mail" in page
    assert "T0KEN-abc123" not in page and "pa55word" not in page


def test_missing_fields_and_unknown_rules_get_a_400(client: Client, store: SqlStore) -> None:
    response = client.post("/alerts", data={"name": "desk", "csrf": _csrf(client)})
    assert response.status_code == 400 and "not a notification URL" in response.text
    gone = client.post("/alerts/remove", data={"name": "nobody", "csrf": _csrf(client)})
    assert gone.status_code == 400 and "no alert rule named &#39;nobody&#39;" in gone.text


def test_a_taken_name_is_refused(client: Client, store: SqlStore) -> None:
    assert _add(client) == 303
    again = client.post(
        "/alerts",
        data={"name": "desk", "target": "https://other.example.org/x", "csrf": _csrf(client)},
    )
    assert again.status_code == 400 and "exists already" in again.text
    [rule] = store.alert_rules()
    assert rule.target == "https://hooks.example.org/scrubs"


def test_a_post_from_another_site_is_refused(client: Client, store: SqlStore) -> None:
    assert _add(client) == 303
    data = {"name": "desk", "csrf": _csrf(client)}
    forged = client.post("/alerts/remove", data=data, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and len(store.alert_rules()) == 1
    assert client.post("/alerts/remove", data={"name": "desk"}).status_code == 403
    assert len(store.alert_rules()) == 1


def _hook_rule(store: SqlStore, url: str) -> None:
    store.add_alert_rule(new_rule(name="desk", target=url), datetime.now(UTC))


def _send_test(client: Client, name: str = "desk") -> httpx.Response:
    return client.post("/alerts/test", data={"name": name, "csrf": _csrf(client)})


def test_send_test_delivers_a_sample_through_the_rules_channel(
    client: Client, store: SqlStore, change_schema: dict[str, Any]
) -> None:
    with WebhookReceiver(change_schema) as hook:
        _hook_rule(store, hook.url)
        answer = _send_test(client)
        assert answer.status_code == 303
        [received] = hook.received
    assert received.payload["alert"] == {
        "rule": "desk",
        "link": received.payload["alert"]["link"],
        "test": True,
        "matched_terms": [],
    }
    page = client.get(answer.headers["location"]).text
    assert "Sent a test alert to http://127.0.0.1:" in page


def test_a_refused_test_is_shown_not_hidden(
    client: Client, store: SqlStore, change_schema: dict[str, Any]
) -> None:
    with WebhookReceiver(change_schema, status=503) as hook:
        _hook_rule(store, hook.url)
        answer = _send_test(client)
    assert answer.status_code == 400
    assert "the test alert to" in answer.text and "HTTP 503" in answer.text
    assert _send_test(client, "nobody").status_code == 400
    assert client.post("/alerts/test", data={"name": "desk"}).status_code == 403
