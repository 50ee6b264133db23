"""Outlets unreachable from here (issue #20): `outlets [--json]`, the outlets page, one alert
per episode, and no deletions while the whole outlet refuses us.

Everything real on loopback: the fake outlet behind a SOCKS5 proxy that wants a password,
the CLI as users run it with a settings file, a webhook receiver, the web app in-process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from alert_support import WebhookReceiver
from articles import BYLINE, PARAGRAPHS, TITLE
from conftest import Cli
from proxy_support import NAME, OUTLET_HOST, PASSWORD, TestProxy
from scrubwatch.config import Settings, load_settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.model import CaptureOutcome, ChangeKind
from scrubwatch.web import create_app
from test_proxies import Watch, assert_no_secret
from web_support import Client

WALLS = Path(__file__).parent / "fixtures" / "interstitials"
SLUGS = ("zangezur-one", "zangezur-two", "zangezur-three")


@pytest.fixture
def behind_proxy(
    cli: Cli, hidden_outlet: FakeOutlet, tmp_path: Path
) -> Iterator[tuple[Cli, FakeOutlet, TestProxy]]:
    """The CLI set up for an outlet reached through a SOCKS5 proxy with a password."""
    with TestProxy("socks5", {NAME: OUTLET_HOST}) as proxy:
        config = tmp_path / "config" / "scrubwatch" / "config.toml"
        config.parent.mkdir(parents=True)
        host = hidden_outlet.base_url.removeprefix("http://")
        config.write_text(
            f'outlet_unreachable_checks = 5\n[outlets."{host}"]\nproxy = "{proxy.url()}"\n'
            'cookies = ["CONSENT=YES+1"]\nheaders = ["Accept-Language: az"]\n'
        )
        for number, slug in enumerate(SLUGS):
            hidden_outlet.publish(slug, f"{TITLE} ({number})", PARAGRAPHS, byline=BYLINE)
        yield cli, hidden_outlet, proxy


def _block(outlet: FakeOutlet, wall: str | None) -> None:
    html = (WALLS / wall).read_text() if wall else None
    for slug in SLUGS:
        outlet.serve_instead(slug, html, status=403 if wall else 200)


def test_a_blocked_outlet_is_shown_and_alerted_once_per_episode(
    behind_proxy: tuple[Cli, FakeOutlet, TestProxy], tmp_path: Path
) -> None:
    cli, outlet, _proxy = behind_proxy
    assert cli("watch", outlet.base_url + "/").code == 0
    with WebhookReceiver(schema={}) as hook:
        assert cli("alerts", "add", "desk", "--to", hook.url, "--kinds", "unreachable").code == 0
        assert cli("check", "--all").code == 0
        _block(outlet, "cloudflare_just_a_moment.html")
        for _ in range(3):  # 9 blocked looks at 3 articles: one episode, one alert
            assert cli("check", "--all").code == 0
        assert len(hook.received) == 1
        payload = hook.received[0].payload
        assert payload["event"] == "outlet_unreachable" and payload["checks"] >= 5
        assert payload["checks"] == payload["blocked"] and payload["articles"] == 3
        assert payload["outlet"] == outlet.base_url.removeprefix("http://")
        listed = cli("outlets", "--json")
        [entry] = listed.json()
        assert entry["blocked_since"] == payload["since"]
        assert entry["unreachable"]["summary"] == f"{entry['unreachable']['checks']} checks blocked"
        assert entry["network"]["proxies"] == [f"socks5h://…@127.0.0.1:{_proxy.port}"]
        assert entry["network"]["cookies"] == ["CONSENT"]
        text = cli("outlets").stdout
        assert "UNREACHABLE from here since" in text and "checks blocked" in text
        _block(outlet, None)  # the wall goes: the episode ends
        assert cli("check", "--all").code == 0
        assert cli("outlets", "--json").json()[0]["blocked_since"] is None
        _block(outlet, "ddos_guard_ru.html")  # a second episode: told again
        for _ in range(2):
            assert cli("check", "--all").code == 0
        assert len(hook.received) == 2
    changes = cli("changes", "--json").json()
    assert [c for c in changes if c["kind"] == "deleted"] == []
    _assert_no_secret_anywhere(cli, tmp_path, listed.stdout + text + json.dumps(payload))


def _assert_no_secret_anywhere(cli: Cli, tmp_path: Path, printed: str) -> None:
    """The password is in the settings file only: not in what was printed or sent, not in the
    database or the WARC files, not on the web UI's pages."""
    settings = load_settings(
        {"data_dir": cli.data_dir}, environ={"XDG_CONFIG_HOME": str(tmp_path / "config")}
    )
    client = Client(create_app(settings))
    pages = "".join(client.get(path).text for path in ("/outlets", "/api/outlets", "/"))
    assert "socks5h://…@127.0.0.1" in pages and "CONSENT" in pages
    assert PASSWORD in (tmp_path / "config" / "scrubwatch" / "config.toml").read_text()
    assert_no_secret(printed + pages, *[p for p in cli.data_dir.rglob("*") if p.is_file()])


def test_articles_of_an_unreachable_outlet_are_not_reported_gone(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    """Three articles failing together for days is the outlet refusing us, not three
    deletions; one article failing while the others answer is that article's own trouble."""
    settings = Settings(
        data_dir=tmp_path / "data",
        gone_after_failures=3,
        gone_after_hours=6.0,
        outlet_unreachable_checks=4,
    )
    urls = [outlet.publish(slug, f"{TITLE} {slug}", PARAGRAPHS) for slug in SLUGS]
    watch = Watch(settings)
    for url in urls:
        watch.run(lambda runner, url=url: runner.watch(url))  # type: ignore[misc]
    assert watch.check() == [CaptureOutcome.NEW_VERSION] * 3
    for slug in SLUGS:
        outlet.set_failing(slug, 503)
    for _ in range(6):
        watch.clock.advance(timedelta(hours=5))
        assert set(watch.check()) == {CaptureOutcome.FAILED}
    assert watch.store.changes() == []
    [outage] = watch.store.outlet_outages(4)
    assert outage.what == f"{outage.checks} checks failed" and outage.articles == 3
    for slug in SLUGS[1:]:  # the others answer again; the first one keeps failing
        outlet.set_failing(slug, None)
    for _ in range(4):
        watch.clock.advance(timedelta(hours=5))
        watch.check()
    assert watch.store.outlet_outages(4) == []
    [deleted] = watch.store.changes()
    assert deleted.kind == ChangeKind.DELETED and deleted.url == urls[0]
    watch.store.close()


def test_unreachable_is_a_rule_kind_that_rules_about_terms_do_not_hear(cli: Cli) -> None:
    from scrubwatch.alerts.rules import wants_outage
    from scrubwatch.model import AlertRule

    plain = AlertRule(name="a", target="https://hooks.example/")
    assert wants_outage(plain, "www.sputnik.example")
    assert wants_outage(replace(plain, outlets=("sputnik.example",)), "www.sputnik.example")
    assert not wants_outage(replace(plain, outlets=("other.example",)), "sputnik.example")
    assert not wants_outage(replace(plain, terms=("Zangezur",)), "sputnik.example")
    assert not wants_outage(replace(plain, kinds=("deleted",)), "sputnik.example")
    assert wants_outage(replace(plain, kinds=("deleted", "unreachable")), "sputnik.example")
    result = cli("alerts", "add", "x", "--to", "https://hooks.example/", "--kinds", "nope")
    assert result.code == 2 and "unreachable" in result.stderr
