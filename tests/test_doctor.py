"""`scrubwatch doctor URL` (issue #20): one page fetched as the outlet's settings say, on
loopback through a real SOCKS5 proxy that wants a password, explained."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from articles import BYLINE, PARAGRAPHS, TITLE
from conftest import Cli
from proxy_support import NAME, OUTLET_HOST, PASSWORD, TestProxy
from scrubwatch.demo.outlet import FakeOutlet
from test_proxies import CONSENT_WALL, assert_no_secret


@pytest.fixture
def proxied(cli: Cli, hidden_outlet: FakeOutlet, tmp_path: Path) -> Iterator[TestProxy]:
    with TestProxy("socks5", {NAME: OUTLET_HOST}) as proxy:
        _configure(tmp_path, hidden_outlet, f'proxy = "{proxy.url()}"\n')
        yield proxy


def _configure(tmp_path: Path, outlet: FakeOutlet, table: str) -> None:
    config = tmp_path / "config" / "scrubwatch" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    host = outlet.base_url.removeprefix("http://")
    config.write_text(f'[outlets."{host}"]\n{table}')


def test_doctor_explains_an_article_fetched_through_the_proxy(
    cli: Cli, hidden_outlet: FakeOutlet, proxied: TestProxy
) -> None:
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS, byline=BYLINE)
    result = cli("doctor", url)
    assert result.code == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert f"route    via proxy socks5h://…@127.0.0.1:{proxied.port}" in lines
    assert "verdict  article" in lines and f"title    {TITLE}" in lines
    assert any(line.startswith("status   200 OK") for line in lines)
    assert f"text     {PARAGRAPHS[0]}" in lines
    as_json = cli("doctor", url, "--json")
    assert as_json.code == 0 and as_json.json()["ok"] is True
    assert as_json.json()["proxy_used"] == f"socks5h://…@127.0.0.1:{proxied.port}"
    assert_no_secret(result.stdout + result.stderr + as_json.stdout)
    assert PASSWORD not in result.stdout


def test_doctor_shows_the_wall_and_the_cookie_that_passes_it(
    cli: Cli, hidden_outlet: FakeOutlet, proxied: TestProxy, tmp_path: Path
) -> None:
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS, byline=BYLINE)
    hidden_outlet.consent_wall(CONSENT_WALL, cookie="CONSENT=YES+1")
    blocked = cli("doctor", url)
    assert blocked.code == 1
    assert "verdict  blocked: consent wall (a wall answered" in blocked.stdout
    _configure(tmp_path, hidden_outlet, f'proxy = "{proxied.url()}"\ncookies = ["CONSENT=YES+1"]\n')
    passed = cli("doctor", url, "--json").json()
    assert passed["verdict"] == "article" and passed["network"]["cookies"] == ["CONSENT"]
    assert "Cookie" in passed["request_headers"]
    assert "YES+1" not in str(passed)  # cookie values are not shown


def test_doctor_lists_redirects_and_says_when_the_page_is_gone(
    cli: Cli, hidden_outlet: FakeOutlet, proxied: TestProxy
) -> None:
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS, byline=BYLINE)
    hidden_outlet.redirect("zangezur", "/")
    result = cli("doctor", url)
    assert result.code == 1
    assert f"redirect {url} →" in result.stdout
    assert "verdict  gone: redirect" in result.stdout


def test_doctor_exits_1_when_nothing_came_back(cli: Cli, hidden_outlet: FakeOutlet) -> None:
    """No proxy configured: outlet.test resolves nowhere but at the proxy."""
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS, byline=BYLINE)
    result = cli("doctor", url)
    assert result.code == 1
    assert "route    direct" in result.stdout and "verdict  failed: " in result.stdout


def test_doctor_refuses_what_is_not_a_web_address(cli: Cli) -> None:
    result = cli("doctor", "ftp://outlet.test/a")
    assert result.code == 2 and "not an http(s) URL" in result.stderr
