"""Polite HTTP fetching with hard limits: the only place scrubwatch talks HTTP.

One `httpx.AsyncClient` per process. Redirects are followed here rather than by httpx so the
chain is recorded and loops are caught. Every fetch runs under a total time cap and a body cap
counted after decompression, so a slow-dribbling server or a gzip bomb costs one failed capture
and nothing else. Failures raise the `FetchError` subtree; callers record them on the capture.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from scrubwatch.config import Settings
from scrubwatch.errors import (
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    InvalidURL,
    ProtocolFailure,
    TooLarge,
    TooManyRedirects,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Response:
    """A complete HTTP response, body decoded from its content encoding."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    redirects: tuple[str, ...] = ()  # every URL that answered with a redirect, in order
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


class Fetcher:
    """Fetches URLs under global and per-host concurrency limits."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None):
        self._settings = settings
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.total_timeout,
        )
        limits = httpx.Limits(
            max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
        )
        self._client = httpx.AsyncClient(
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            headers={"User-Agent": settings.full_user_agent},
            transport=transport,
        )
        self._global = asyncio.Semaphore(settings.concurrency)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str) -> Response:
        """GET `url`, following redirects; raises a `FetchError` subclass on failure."""
        _check_url(url)
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._settings.total_timeout):
                return await self._follow(url, started)
        except TimeoutError as exc:
            raise FetchTimeout(
                f"gave up after {self._settings.total_timeout:g} s (total time cap)"
            ) from exc

    async def _follow(self, url: str, started: float) -> Response:
        chain: list[str] = []
        current = url
        while True:
            host = urlsplit(current).netloc.lower()
            async with self._global, self._per_host[host]:
                status, reason, version, headers, body = await self._get_once(current)
            location = _header(headers, "location")
            if status not in REDIRECT_STATUSES or not location:
                return Response(
                    url=url,
                    final_url=current,
                    status=status,
                    reason=reason,
                    http_version=version,
                    headers=headers,
                    body=body,
                    redirects=tuple(chain),
                    elapsed=time.monotonic() - started,
                )
            chain.append(current)
            current = urljoin(current, location.strip())
            _check_url(current)
            if current in chain:
                raise TooManyRedirects(f"redirect loop at {current}")
            if len(chain) > self._settings.max_redirects:
                raise TooManyRedirects(f"more than {self._settings.max_redirects} redirects")

    async def _get_once(self, url: str) -> tuple[int, str, str, tuple[tuple[str, str], ...], bytes]:
        try:
            async with self._client.stream("GET", url) as resp:
                headers = tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw
                )
                if resp.status_code in REDIRECT_STATUSES:
                    body = b""
                else:
                    body = await self._read_capped(resp)
                return resp.status_code, resp.reason_phrase, resp.http_version, headers, body
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out: {type(exc).__name__}") from exc
        except httpx.DecodingError as exc:
            raise ProtocolFailure(f"broken content encoding: {exc}") from exc
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise InvalidURL(str(exc)) from exc
        except httpx.RemoteProtocolError as exc:
            raise ProtocolFailure(f"malformed HTTP: {exc}") from exc
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"{type(exc).__name__}: {exc}") from exc

    async def _read_capped(self, resp: httpx.Response) -> bytes:
        cap = self._settings.max_body_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and "content-encoding" not in resp.headers:
            raise TooLarge(f"body of {declared} bytes is over the {cap}-byte cap")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():  # decoded: the cap holds after decompression
            size += len(chunk)
            if size > cap:
                raise TooLarge(f"body passed the {cap}-byte cap (after decompression)")
            chunks.append(chunk)
        return b"".join(chunks)


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidURL(f"cannot parse URL {url!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
