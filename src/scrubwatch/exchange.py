"""One HTTP exchange on an httpx client, its body decoded here under a cap.

`fetch.Fetcher` decides whether, when and through what to ask (robots.txt, host gates,
pacing, proxies, redirects); this module only asks once and reads the answer. The body is
decoded from its content encoding here rather than by httpx, so that the cap bounds the
memory a gzip bomb or an endless body can take.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import httpx

from scrubwatch.decoding import BoundedDecoder
from scrubwatch.errors import TooLarge

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class Answer(NamedTuple):
    """One HTTP exchange as it was seen."""

    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    sent: tuple[tuple[str, str], ...]  # the request's headers, as sent
    proxy: str | None = None  # redacted


async def exchange(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    most: int,
    *,
    cut: bool = False,
    proxy: str | None = None,
) -> Answer:
    """GET `url` once (no redirect followed); a body over `most` bytes fails the exchange
    (TooLarge), or with `cut` is cut there. `proxy` is only recorded on the answer."""
    async with client.stream("GET", url, headers=headers) as resp:
        received = _pairs(resp.headers.raw)
        sent = _pairs(resp.request.headers.raw)
        if resp.status_code in REDIRECT_STATUSES or resp.status_code == 304:
            body = b""
        else:
            body = await read_capped(resp, most, cut=cut)
        return Answer(
            resp.status_code, resp.reason_phrase, resp.http_version, received, body, sent, proxy
        )


async def read_capped(resp: httpx.Response, cap: int, *, cut: bool = False) -> bytes:
    """The body, decoded here rather than by httpx so that the cap bounds memory.

    Past the cap the fetch fails (TooLarge), or with `cut` the body is cut there: a
    robots.txt is read up to its first 500 KiB and the rest ignored, as RFC 9309 allows.
    """
    encoding = resp.headers.get("content-encoding")
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and not encoding and not cut:
        raise TooLarge(f"body of {declared} bytes is over the {cap}-byte cap")
    decoder = BoundedDecoder(encoding, cap)
    chunks: list[bytes] = []
    try:
        async for chunk in resp.aiter_raw():
            chunks.append(decoder.feed(chunk))
    except TooLarge:
        if not cut:
            raise
        # The chunk that passed the cap is dropped: the body ends on a chunk boundary.
    return b"".join(chunks)


def _pairs(raw: Sequence[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)
