"""Per-outlet network settings (issue #20): proxies, headers, cookies, user agent.

Real proxies on loopback (tests/proxy_support.py) in front of a fake outlet that answers
only the proxies' source address and whose host name only the proxies know: an article
that arrives proves the request went through the proxy, and the name was resolved there.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from conftest import Cli
from proxy_support import NAME, OUTLET_HOST, PASSWORD, USER, TestProxy
from scrubwatch.clock import ManualClock
from scrubwatch.config import OutletPolicy, Settings, load_settings
from scrubwatch.demo.outlet import FakeOutlet
from scrubwatch.errors import AddressRefused, ConfigError, FetchError
from scrubwatch.fetch import Fetcher
from scrubwatch.model import CaptureOutcome
from scrubwatch.network import OutletNetwork, redact_proxy
from scrubwatch.runner import Runner
from scrubwatch.store import SqlStore, open_store

T = TypeVar("T")
TITLE = "Chinese companies to build the Zangezur corridor"
PARAGRAPHS = (
    "Chinese companies will build the Zangezur corridor, officials in Baku said on Monday.",
    "The project links mainland Azerbaijan with Nakhchivan through southern Armenia.",
    "Liu Jianchao said the agreement was a milestone for the region and its trade.",
)
CONSENT_WALL = (
    "<!DOCTYPE html><html><head><title>Before you continue</title></head><body>"
    "<h1>Before you continue</h1><p>We use cookies and data to deliver our services. "
    "Accept all cookies to continue reading.</p><form><button>Accept all</button>"
    "<button>Reject all</button></form></body></html>"
)


def _port(outlet: FakeOutlet) -> int:
    return int(outlet.base_url.rsplit(":", 1)[1])


@pytest.fixture
def socks(hidden_outlet: FakeOutlet) -> Iterator[TestProxy]:
    with TestProxy("socks5", {NAME: OUTLET_HOST}) as proxy:
        yield proxy


@pytest.fixture
def http_proxy(hidden_outlet: FakeOutlet) -> Iterator[TestProxy]:
    with TestProxy("http", {NAME: OUTLET_HOST}) as proxy:
        yield proxy


def _settings(tmp_path: Path, outlet: FakeOutlet, **policy: object) -> Settings:
    host = f"{NAME}:{_port(outlet)}"
    return Settings(
        data_dir=tmp_path / "data",
        outlets={host: OutletPolicy(**policy)},  # type: ignore[arg-type]
    )


class Watch:
    """A runner on a manual clock over a real store, as `check` and `run` use them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = ManualClock(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
        self.store: SqlStore = open_store(settings)

    def run(self, job: Callable[[Runner], Awaitable[T]]) -> T:
        async def go() -> T:
            async with Runner(self.settings, self.store, clock=self.clock) as runner:
                return await job(runner)

        return asyncio.run(go())

    def check(self) -> list[CaptureOutcome]:
        self.clock.advance(timedelta(hours=1))
        report = self.run(lambda runner: runner.check_pass(all_articles=True))
        return [r.capture.outcome for r in report.results]

    def last_capture_error(self, url: str) -> str | None:
        article = self.store.article(url)
        assert article is not None and article.id is not None
        return self.store.captures(article.id)[-1].error


@pytest.mark.parametrize("kind", ["socks5", "http"])
def test_an_outlet_behind_a_proxy_is_watched_through_it(
    tmp_path: Path, hidden_outlet: FakeOutlet, kind: str
) -> None:
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)
    with TestProxy(kind, {NAME: OUTLET_HOST}) as proxy:
        watch = Watch(_settings(tmp_path, hidden_outlet, proxy=(proxy.url(),)))
        watch.run(lambda runner: runner.watch(url))
        assert watch.check() == [CaptureOutcome.NEW_VERSION]
        hidden_outlet.delete("zangezur")
        assert watch.check() == [CaptureOutcome.GONE]
    assert f"{NAME}:{_port(hidden_outlet)}" in proxy.requests  # the name went to the proxy
    assert proxy.refused_logins == 0


def test_a_proxy_named_by_the_environment_is_still_used(
    hidden_outlet: FakeOutlet, http_proxy: TestProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY and its kin route every fetch, as httpx does for a client of its own
    making (the fetcher's quicker connection pool must not lose that)."""
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)
    monkeypatch.setenv("HTTP_PROXY", http_proxy.url(password=PASSWORD))

    async def fetch() -> int:
        async with Fetcher(Settings(obey_robots=False, total_timeout=5)) as fetcher:
            return (await fetcher.fetch(url)).status

    assert asyncio.run(fetch()) == 200
    assert f"{NAME}:{_port(hidden_outlet)}" in http_proxy.requests


def test_the_outlet_refuses_a_direct_request(hidden_outlet: FakeOutlet) -> None:
    """The proof that a passing proxy test went through the proxy: direct, nothing comes."""
    direct = f"http://{OUTLET_HOST}:{_port(hidden_outlet)}/"

    async def fetch() -> None:
        async with Fetcher(Settings(obey_robots=False, total_timeout=5)) as fetcher:
            await fetcher.fetch(direct)

    with pytest.raises(FetchError):
        asyncio.run(fetch())


def test_a_dead_proxy_hands_over_to_the_next(
    tmp_path: Path, hidden_outlet: FakeOutlet, socks: TestProxy
) -> None:
    dead = "socks5h://127.0.0.1:9"  # discard port: nothing listens
    settings = _settings(tmp_path, hidden_outlet, proxy=(dead, socks.url()))
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)

    async def fetch_twice() -> list[str | None]:
        async with Fetcher(settings) as fetcher:
            view = fetcher.for_outlet(host=f"{NAME}:{_port(hidden_outlet)}")
            return [(await view.fetch(url)).proxy for _ in range(2)]

    used = asyncio.run(fetch_twice())
    assert used == [redact_proxy(socks.url())] * 2  # and the good one stays in use
    assert PASSWORD not in str(used)


# httpcore (1.0.9) leaves the socket of a refused SOCKS handshake to the garbage collector;
# collected here, its ResourceWarning is this test's and not the next one's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_wrong_proxy_credentials_fail_the_capture_without_showing_them(
    tmp_path: Path, hidden_outlet: FakeOutlet, socks: TestProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)
    wrong = socks.url(password="not-the-" + PASSWORD)
    watch = Watch(_settings(tmp_path, hidden_outlet, proxy=(socks.url(),)))
    watch.run(lambda runner: runner.watch(url))
    watch.settings = _settings(tmp_path, hidden_outlet, proxy=(wrong,))
    assert watch.check() == [CaptureOutcome.FAILED]
    error = watch.last_capture_error(url) or ""
    assert "via proxy socks5h://…@127.0.0.1" in error
    assert PASSWORD not in error and "not-the-" not in error
    assert "setup_socks5_connection" in caplog.text and PASSWORD not in caplog.text
    gc.collect()


def test_a_consent_wall_is_passed_with_the_configured_cookie(
    tmp_path: Path, hidden_outlet: FakeOutlet, socks: TestProxy
) -> None:
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)
    watch = Watch(_settings(tmp_path, hidden_outlet, proxy=(socks.url(),)))
    watch.run(lambda runner: runner.watch(url))
    assert watch.check() == [CaptureOutcome.NEW_VERSION]
    hidden_outlet.consent_wall(CONSENT_WALL, cookie="CONSENT=YES+1")
    assert watch.check() == [CaptureOutcome.BLOCKED]
    assert watch.last_capture_error(url) == "blocked: consent wall"
    watch.settings = _settings(
        tmp_path, hidden_outlet, proxy=(socks.url(),), cookies=("CONSENT=YES+1",)
    )
    assert watch.check() == [CaptureOutcome.UNCHANGED]


def test_headers_and_cookies_go_to_the_outlet_alone(outlet: FakeOutlet) -> None:
    net = OutletNetwork(
        host="news.example",
        headers=(("Accept-Language", "ru"),),
        cookies=(("consent", "yes"), ("region", "az")),
        user_agent="Mozilla/5.0 (scrubwatch)",
    )
    own = net.headers_for("https://www.news.example/a")
    assert own == {
        "User-Agent": "Mozilla/5.0 (scrubwatch)",
        "Accept-Language": "ru",
        "Cookie": "consent=yes; region=az",
    }
    assert net.headers_for("https://tracker.example/") == {"User-Agent": "Mozilla/5.0 (scrubwatch)"}


def test_the_outlet_user_agent_and_headers_are_sent_and_archived(
    tmp_path: Path, outlet: FakeOutlet
) -> None:
    host = outlet.base_url.removeprefix("http://")
    policy = OutletPolicy(headers=("Accept-Language: az",), user_agent="Mozilla/5.0 test")
    settings = Settings(data_dir=tmp_path, obey_robots=False, outlets={host: policy})
    url = outlet.publish("zangezur", TITLE, PARAGRAPHS)

    async def fetch() -> dict[str, str]:
        async with Fetcher(settings) as fetcher:
            response = await fetcher.for_outlet(host=host).fetch(url)
            return {k.lower(): v for k, v in response.request_headers}

    sent = asyncio.run(fetch())
    assert sent["user-agent"] == "Mozilla/5.0 test"
    assert sent["accept-language"] == "az"


def test_a_web_added_outlet_with_a_proxy_is_refused_not_fetched_directly(
    tmp_path: Path, hidden_outlet: FakeOutlet, socks: TestProxy
) -> None:
    """A proxy connects out of the SSRF guard's sight; going direct instead would show the
    watcher's own address to a site the operator meant to reach through the proxy."""
    settings = _settings(tmp_path, hidden_outlet, proxy=(socks.url(),))
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)

    async def fetch() -> None:
        async with Fetcher(settings) as fetcher:
            view = fetcher.for_outlet(True, host=f"{NAME}:{_port(hidden_outlet)}")
            await view.fetch(url)

    with pytest.raises(AddressRefused, match="added on the web UI"):
        asyncio.run(fetch())
    assert socks.requests == []


@pytest.mark.parametrize("kind", ["socks5", "http"])
def test_proxy_credentials_never_reach_logs_database_or_archive(
    tmp_path: Path, hidden_outlet: FakeOutlet, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    caplog.set_level(logging.DEBUG)
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)
    with TestProxy(kind, {NAME: OUTLET_HOST}) as proxy:
        _watch_and_edit(
            _settings(tmp_path, hidden_outlet, proxy=(proxy.url(),)), url, hidden_outlet
        )
    assert "Proxy-Authorization" not in caplog.text
    assert_no_secret(caplog.text, *_files(tmp_path / "data"))


def _watch_and_edit(settings: Settings, url: str, hidden_outlet: FakeOutlet) -> None:
    watch = Watch(settings)
    watch.run(lambda runner: runner.watch(url))
    assert watch.check() == [CaptureOutcome.NEW_VERSION]
    hidden_outlet.edit("zangezur", paragraphs=PARAGRAPHS[:2])
    assert watch.check() == [CaptureOutcome.NEW_VERSION]
    watch.store.close()


def secrets_of(password: str = PASSWORD) -> list[bytes]:
    """The password as it could leak: plain, and inside a Basic Proxy-Authorization."""
    return [password.encode(), base64.b64encode(f"{USER}:{password}".encode())]


def assert_no_secret(text: str, *paths: Path) -> None:
    blobs = [("text", text.encode())] + [(str(p), p.read_bytes()) for p in paths]
    assert len(blobs) > 1 or text
    for where, blob in blobs:
        for secret in secrets_of():
            assert secret not in blob, f"a proxy credential in {where}"


def _files(folder: Path) -> list[Path]:
    found = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in found) and any(".warc" in p.name for p in found)
    return found


# -- watch --proxy ------------------------------------------------------------------------


def test_watch_proxy_is_stored_with_the_outlet_and_used_by_later_checks(
    cli: Cli, hidden_outlet: FakeOutlet
) -> None:
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)
    with TestProxy("socks5", {NAME: OUTLET_HOST}, password=None) as tor:
        proxy = f"socks5h://127.0.0.1:{tor.port}"
        watched = cli("watch", url, "--proxy", proxy)
        assert watched.code == 0, watched.stderr
        checked = cli("check", "--all")
        assert checked.code == 0 and "Checked 1 article(s)" in checked.stdout, checked.stdout
        assert "0 failed" in checked.stdout
    assert len(tor.requests) >= 2  # the watch and the check both went through it
    assert cli("history", url, "--json").json()[0]["title"] == TITLE


@pytest.mark.parametrize(
    ("proxy", "message"),
    [
        (f"socks5h://{USER}:{PASSWORD}@127.0.0.1:9050", "goes in the settings file"),
        ("ftp://127.0.0.1:21", "a proxy URL starts with"),
    ],
)
def test_watch_proxy_refuses_credentials_and_bad_urls(cli: Cli, proxy: str, message: str) -> None:
    result = cli("watch", "http://outlet.test/", "--proxy", proxy)
    assert result.code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert PASSWORD not in result.stderr


# -- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('proxy = "ftp://proxy.example:21"', "outlet sputnik.example: 'ftp://proxy.example:21'"),
        (f'proxy = "gopher://{USER}:{PASSWORD}@p.example:70"', "gopher://…@p.example:70"),
        ('proxy = "socks5h://127.0.0.1"', "names a host and a port"),
        ('headers = ["X-Token"]', "not a 'Name: value' line"),
        ('headers = ["Bad Name: x"]', "not a valid HTTP header name"),
        ('headers = { Host = "x" }', "set by scrubwatch"),
        ('cookies = ["novalue"]', "not a 'name=value' item"),
        ("user_agent = 3.5", None),
        ("proxies = []", "known keys are"),
    ],
)
def test_bad_outlet_network_settings_stop_with_one_line(
    tmp_path: Path, table: str, message: str | None
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[outlets."sputnik.example"]\n{table}\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={}, config_file=config)
    text = str(caught.value)
    assert "\n" not in text and text.startswith("bad value for outlets: ")
    assert message is None or message in text, text
    assert PASSWORD not in text


def test_outlet_network_settings_load_from_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[outlets."sputnik.example"]\n'
        f'proxy = ["socks5h://{USER}:{PASSWORD}@127.0.0.1:9050", "http://10.0.0.8:3128"]\n'
        'headers = { "Accept-Language" = "ru" }\n'
        'cookies = ["CONSENT=YES+1"]\n'
        'user_agent = "Mozilla/5.0"\n'
    )
    settings = load_settings(environ={}, config_file=config)
    net = settings.network_for("www.sputnik.example", "socks5://127.0.0.1:1080")
    assert net.proxies[0] == "socks5://127.0.0.1:1080"  # `watch --proxy` comes first
    assert len(net.proxies) == 3
    assert net.headers == (("Accept-Language", "ru"),)
    assert net.cookies == (("CONSENT", "YES+1"),)
    assert net.described()["proxies"][1] == "socks5h://…@127.0.0.1:9050"
    assert PASSWORD not in repr(net.described())
    assert replace(net, proxies=()).scrub(PASSWORD) == PASSWORD
    assert net.scrub(f"failed: {USER}:{PASSWORD}@x") == "failed: …@x"


def test_a_proxied_view_keeps_the_host_gates_of_the_fetcher(
    tmp_path: Path, hidden_outlet: FakeOutlet, socks: TestProxy
) -> None:
    """Politeness is per target host, whatever the route: a view of the fetcher through a
    proxy paces requests with the same gate, and reads robots.txt through the proxy."""
    settings = _settings(tmp_path, hidden_outlet, proxy=(socks.url(),))
    url = hidden_outlet.publish("zangezur", TITLE, PARAGRAPHS)

    async def fetch() -> bool:
        async with Fetcher(settings) as fetcher:
            view = fetcher.for_outlet(host=f"{NAME}:{_port(hidden_outlet)}")
            assert view is fetcher.for_outlet(host=f"{NAME}:{_port(hidden_outlet)}")
            await view.fetch(url)
            return view.gate(url) is fetcher.gate(url)

    assert asyncio.run(fetch())
    assert "/robots.txt" in hidden_outlet.requests
