"""The fetcher against real loopback servers: redirects, caps and timeouts hold."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from hostile import hostile_server
from scrubwatch.config import Settings
from scrubwatch.errors import (
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    InvalidURL,
    TooLarge,
    TooManyRedirects,
)
from scrubwatch.fetch import Fetcher, Response, header_value

SETTINGS = replace(Settings(), max_body_bytes=5_000_000, total_timeout=2.0, read_timeout=1.5)


def fetch(url: str, settings: Settings = SETTINGS) -> Response:
    async def go() -> Response:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_redirect_chain_is_recorded() -> None:
    with hostile_server() as base:
        response = fetch(base + "/chain")
    assert response.status == 200
    assert response.final_url == base + "/ok"
    assert response.redirects == (base + "/chain", base + "/hop")
    assert b"fine" in response.body


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/loop-a", TooManyRedirects),
        ("/bomb", TooLarge),
        ("/big", TooLarge),
        ("/dribble", FetchTimeout),
        ("/ftp", InvalidURL),
        ("/bad-port", InvalidURL),  # was an OverflowError from deep in the socket layer
        ("/bad-idna", InvalidURL),  # was an idna.IDNAError from httpx
    ],
)
def test_hostile_responses_raise_clear_errors(path: str, error: type[FetchError]) -> None:
    with hostile_server() as base, pytest.raises(error):
        fetch(base + path)


def test_unreachable_and_invalid_urls() -> None:
    with pytest.raises(ConnectionFailed):
        fetch("http://127.0.0.1:9/")
    with pytest.raises(InvalidURL):
        fetch("javascript:alert(1)")
    with pytest.raises(InvalidURL, match="cannot be looked up"):
        fetch("http://xn--/news/some-long-slug")


def test_user_agent_names_scrubwatch_and_contact() -> None:
    settings = replace(SETTINGS, contact="mailto:desk@example.org")
    assert "scrubwatch" in settings.full_user_agent
    assert settings.full_user_agent.endswith("mailto:desk@example.org")


def test_header_lookup_ignores_the_servers_casing() -> None:
    headers = (("retry-after", "120"), ("ETag", '"v1"'))
    assert header_value(headers, "Retry-After") == "120"
    assert header_value(headers, "etag") == '"v1"'
    assert header_value(headers, "Location") is None
