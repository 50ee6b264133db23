"""The SSRF guard at connect time (scrubwatch.netguard), through the real Fetcher and real
servers on loopback: 127.0.0.1 plays the public internet, 127.0.0.2 the inside."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrubwatch.config import Settings, load_settings
from scrubwatch.errors import AddressRefused, ConfigError
from scrubwatch.fetch import Fetcher
from scrubwatch.netguard import AddressPolicy, parse_networks
from ssrf_support import INTERNAL_HOST, PUBLIC_HOST, PUBLIC_ONLY, SECRET, Page, Site

SETTINGS = Settings(obey_robots=False, web_allowed_networks=PUBLIC_ONLY)


@pytest.fixture
def same_port() -> Iterator[tuple[Site, Site]]:
    """A public and an internal site on one port, as one name rebound would see them."""
    public = Site(PUBLIC_HOST)
    internal = Site(INTERNAL_HOST, port=public.bound_port)
    public.pages["/page"] = Page(200, "public text")
    internal.pages["/page"] = Page(200, SECRET)
    try:
        yield public, internal
    finally:
        public.close()
        internal.close()


class Rebinding:
    """A resolver seam: the name answers the public address first, the internal one after."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def __call__(self, host: str, port: int) -> list[str]:
        assert host == "news.test"
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return answer


async def _get(resolver: Rebinding, url: str, settings: Settings = SETTINGS) -> str:
    async with Fetcher(settings, resolver=resolver) as fetcher:
        response = await fetcher.guarded().fetch(url)
        return response.body.decode()


def test_a_name_rebound_inside_after_its_check_is_refused_at_connect(
    same_port: tuple[Site, Site],
) -> None:
    public, internal = same_port
    resolver = Rebinding([PUBLIC_HOST], [INTERNAL_HOST])
    url = f"http://news.test:{public.bound_port}/page"
    # The connection goes to the address that was checked: "news.test" is not even in DNS.
    assert asyncio.run(_get(resolver, url)) == "public text"
    with pytest.raises(AddressRefused, match="no public address"):
        asyncio.run(_get(resolver, url))
    assert resolver.calls == 2
    assert public.hits == ["/page"] and internal.hits == []


def test_one_internal_answer_among_public_ones_refuses_the_name(
    same_port: tuple[Site, Site],
) -> None:
    public, internal = same_port
    resolver = Rebinding([PUBLIC_HOST, INTERNAL_HOST])
    with pytest.raises(AddressRefused):
        asyncio.run(_get(resolver, f"http://news.test:{public.bound_port}/page"))
    assert public.hits == [] and internal.hits == []


def test_a_name_that_does_not_resolve_is_refused_with_the_same_text(
    same_port: tuple[Site, Site],
) -> None:
    async def nothing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    public, _ = same_port

    async def get() -> None:
        async with Fetcher(SETTINGS, resolver=nothing) as fetcher:
            await fetcher.guarded().fetch(f"http://news.test:{public.bound_port}/page")

    with pytest.raises(AddressRefused) as refused:
        asyncio.run(get())
    assert str(refused.value) == "refused: news.test has no public address (web-added targets only)"


def test_the_unguarded_fetcher_and_allow_private_reach_inside(
    same_port: tuple[Site, Site],
) -> None:
    _, internal = same_port

    async def both() -> tuple[str, bool]:
        async with Fetcher(SETTINGS) as fetcher:
            plain = await fetcher.fetch(internal.url("/page"))
        open_settings = Settings(obey_robots=False, web_allow_private_targets=True)
        async with Fetcher(open_settings) as fetcher:
            return plain.body.decode(), fetcher.guarded() is fetcher

    text, same = asyncio.run(both())
    assert text == SECRET and same


def test_the_guarded_view_shares_pacing_but_not_the_connection_pool() -> None:
    async def views() -> None:
        async with Fetcher(SETTINGS) as fetcher:
            guarded = fetcher.guarded()
            assert guarded is fetcher.guarded() and guarded.guarded() is guarded
            assert guarded.gate("http://a.example/x") is fetcher.gate("http://a.example/y")
            assert guarded._client is not fetcher._client

    asyncio.run(views())


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT: not global
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("fe80::1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
    ],
)
def test_the_policy_allows_public_addresses_only(address: str, public: bool) -> None:
    assert AddressPolicy().permits(ipaddress.ip_address(address)) is public


def test_allowed_networks_open_exactly_what_they_name() -> None:
    policy = AddressPolicy(parse_networks(["10.20.0.0/16", "127.0.0.1"]))
    assert policy.permits(ipaddress.ip_address("10.20.3.4"))
    assert policy.permits(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not policy.permits(ipaddress.ip_address("10.21.0.1"))
    assert not policy.permits(ipaddress.ip_address("127.0.0.2"))


def test_a_bad_allowed_network_stops_at_start(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "SCRUBWATCH_WEB_ALLOWED_NETWORKS": "10.0.0.0/8, x"}
    with pytest.raises(ConfigError, match="web_allowed_networks"):
        load_settings(environ=env)
    env["SCRUBWATCH_WEB_ALLOWED_NETWORKS"] = "10.0.0.0/8, fd00::/8"
    assert load_settings(environ=env).web_allowed_networks == ("10.0.0.0/8", "fd00::/8")
