"""Alert rules in the web UI: the same rules, validation and safety as `scrubwatch alerts`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    assert "desk" in page and "Zangezur, Liu Jianchao" in page and "signed" in page
    assert "hush-very-secret" not in page  # a secret is never shown back
    removed = client.post("/alerts/remove", data={"name": "desk", "csrf": _csrf(client)})
    assert removed.status_code == 303 and store.alert_rules() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kinds": "edited,vanished"}, "unknown kind"),
        ({"target": "not a url"}, ""),
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
