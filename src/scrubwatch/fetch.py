"""Polite HTTP fetching with hard limits: the only place scrubwatch talks HTTP.

One `httpx.AsyncClient` per process, its pool looking at idle connections cheaply
(`scrubwatch.connections`), and a second one whose connections go through the SSRF guard
(`guarded()`, for outlets added through the web UI; scrubwatch.netguard). An outlet
with network settings of its own (proxies, headers, cookies, user agent: scrubwatch.network)
gets a view of the fetcher (`for_outlet`) that shares the host gates, the global limit and
the pacing, so politeness still holds per target host whatever the route.

A proxy and the SSRF guard do not mix: a proxy resolves names and connects itself, out of
the guard's sight, so it could reach the inside of the network for a web user. An outlet
added on the web that has a proxy configured is therefore refused at every request (never
fetched directly either: its operator wanted it reached through the proxy, and a direct
request would show the watcher's own address). Proxies are set in the TOML file or with
`watch --proxy`, never from the web. Redirects
are followed here rather than by httpx so the chain is recorded and loops are caught. Every
fetch runs under a total time cap and a body cap counted after decompression, so a
slow-dribbling server or a gzip bomb costs one failed capture and nothing else. Failures
raise the `FetchError` subtree; callers record them on the capture.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import idna

from scrubwatch.config import Settings, environment_names_a_proxy
from scrubwatch.connections import QuickBackend, pooled_transport
from scrubwatch.errors import (
    AddressRefused,
    ConnectionFailed,
    FetchTimeout,
    InvalidURL,
    RobotsDisallowed,
    TooManyRedirects,
)
from scrubwatch.exchange import REDIRECT_STATUSES, Answer, exchange
from scrubwatch.hosts import valid_hostname
from scrubwatch.netguard import Resolver, guarded_transport, system_resolve, web_policy
from scrubwatch.network import OutletNetwork, redact_proxy
from scrubwatch.politeness import HostGate, SharedPacing, retry_after_seconds
from scrubwatch.proxying import UNREACHED, ProxyRing, fetch_error
from scrubwatch.robots import RobotsCache

STRAIN_STATUSES = frozenset({429, 500, 502, 503, 504})
log = logging.getLogger(__name__)
ROBOTS_AGENT = "scrubwatch"  # the product token robots.txt rules are matched against
ROBOTS_MAX_BYTES = 500_000  # RFC 9309 asks parsers to read at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # a Crawl-delay above this would stall the watch; cap it


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
    # The headers of the request that got this answer, as sent: archived as its WARC
    # request record, so evidence shows what was asked as well as what came back.
    request_headers: tuple[tuple[str, str], ...] = ()
    proxy: str | None = None  # the proxy that carried it, redacted (no credentials)

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        return header_value(self.headers, name)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


class Fetcher:
    """Fetches URLs politely: robots.txt, per-host pacing, global and per-host concurrency."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        shared_pacing: SharedPacing | None = None,
        resolver: Resolver = system_resolve,
    ):
        """`resolver`: how the guarded client looks names up (a seam for tests)."""
        self._settings = settings
        self._shared_pacing = shared_pacing
        self._resolver = resolver
        self._limits = httpx.Limits(
            max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
        )
        self._client = self._new_client(transport)
        self._global = asyncio.Semaphore(settings.concurrency)
        self._gates: dict[str, HostGate] = {}
        self._floors: dict[str, float] = {}  # least delay per origin, set by `pace_at_least`
        self._robots = RobotsCache(self._robots_txt, clock=time.monotonic)
        self._guarded: Fetcher | None = None  # the guarded view, made on first use
        self.is_guarded = False
        # Views per (guarded, network settings), and the proxy clients they made: shared by
        # every view (copies share these objects), closed with the fetcher.
        self._views: dict[tuple[bool, OutletNetwork], Fetcher] = {}
        self._proxy_clients: list[httpx.AsyncClient] = []
        self._net: OutletNetwork | None = None
        self._ring: ProxyRing | None = None
        self._refused: str | None = None

    def _new_client(
        self, transport: httpx.AsyncBaseTransport | None, proxy: str | None = None
    ) -> httpx.AsyncClient:
        settings = self._settings
        timeout = httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.total_timeout,
        )
        if transport is None and proxy is None and not environment_names_a_proxy():
            transport = pooled_transport(self._limits, QuickBackend())
        return httpx.AsyncClient(
            timeout=timeout,
            limits=self._limits,
            follow_redirects=False,
            headers={"User-Agent": settings.full_user_agent},
            transport=transport,
            proxy=proxy,
        )

    def guarded(self) -> Fetcher:
        """This fetcher as web-added outlets use it: the same pacing, host gates and limits,
        but every connection (redirects, robots.txt, discovered URLs) checked by the SSRF
        guard, and robots.txt rules cached apart. Itself when `web_allow_private_targets`
        lets web-added outlets reach anything."""
        policy = web_policy(self._settings)
        if policy is None or self.is_guarded:
            return self
        if self._guarded is None:
            view = copy.copy(self)  # shares the gates, the global limit and the pacing
            transport = guarded_transport(policy, limits=self._limits, resolve=self._resolver)
            view._client = self._new_client(transport)
            view._robots = RobotsCache(view._robots_txt, clock=time.monotonic)
            view.is_guarded = True
            view._guarded = view
            self._guarded = view
        return self._guarded

    def for_outlet(
        self, web_added: bool = False, *, host: str | None = None, proxy: str | None = None
    ) -> Fetcher:
        """The fetcher for an outlet's requests: guarded when it was added from the web, and
        through the outlet's proxies with its headers when `host` has any (`proxy`: the one
        set with `watch --proxy`, stored with the outlet)."""
        base = self.guarded() if web_added else self
        if host is None:
            return base
        net = self._settings.network_for(host, proxy)
        if net.is_plain:
            return base
        key = (base.is_guarded, net)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = base._view(net)
        return view

    def _view(self, net: OutletNetwork) -> Fetcher:
        view = copy.copy(self)  # shares the gates, the global limit, the pacing, the views
        view._net = net
        view._robots = RobotsCache(view._robots_txt, clock=time.monotonic)
        if net.proxies and self.is_guarded:
            view._refused = (
                f"refused: {net.host} was added on the web UI, and its proxy would connect out "
                "of the SSRF guard's sight (only web_allow_private_targets lifts the guard)"
            )
        elif net.proxies:
            clients = [self._new_client(None, proxy) for proxy in net.proxies]
            self._proxy_clients.extend(clients)
            view._ring = ProxyRing(clients, [redact_proxy(p) for p in net.proxies])
        return view

    @property
    def network(self) -> OutletNetwork | None:
        """The outlet network settings this view applies (None: the plain fetcher)."""
        return self._net

    @property
    def refused(self) -> str | None:
        """Why every request of this view is refused (a proxy on a guarded outlet), or None."""
        return self._refused

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._guarded is not None and self._guarded is not self:
            await self._guarded.aclose()
        for client in self._proxy_clients:
            await client.aclose()
        self._proxy_clients.clear()

    def gate(self, url: str) -> HostGate:
        """The pacing gate of the URL's host (created on first use)."""
        origin = _origin(url)
        gate = self._gates.get(origin)
        if gate is None:
            gate = HostGate(
                concurrency=self._settings.per_host_concurrency,
                host=origin,
                shared=self._shared_pacing,
                min_delay=self._min_delay(url),
            )
            self._gates[origin] = gate
        return gate

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        follow_redirects: bool = True,
        max_bytes: int | None = None,
    ) -> Response:
        """GET `url`, following redirects; raises a `FetchError` subclass on failure.

        `etag` / `last_modified` make it a conditional GET: an unchanged page answers 304.
        `follow_redirects=False` hands a redirect back as it came (a web archive's replay
        serves archived redirects so). `max_bytes` replaces the body cap for this request.
        """
        _check_url(url)
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        started = time.monotonic()
        chain: list[str] = []
        current = url
        while True:
            await self._obey_robots(current)
            answer = await self._paced_get(current, conditional, limit=max_bytes)
            location = header_value(answer.headers, "location")
            if answer.status not in REDIRECT_STATUSES or not location or not follow_redirects:
                return Response(
                    url=url,
                    final_url=current,
                    status=answer.status,
                    reason=answer.reason,
                    http_version=answer.http_version,
                    headers=answer.headers,
                    body=answer.body,
                    redirects=tuple(chain),
                    elapsed=time.monotonic() - started,
                    request_headers=answer.sent,
                    proxy=answer.proxy,
                )
            chain.append(current)
            current = urljoin(current, location.strip())
            _check_url(current)
            if current in chain:
                raise TooManyRedirects(f"redirect loop at {current}")
            if len(chain) > self._settings.max_redirects:
                raise TooManyRedirects(f"more than {self._settings.max_redirects} redirects")

    async def _obey_robots(self, url: str) -> None:
        if not self._settings.obey_robots:
            return
        verdict = await self._robots.check(url, ROBOTS_AGENT)
        if verdict.crawl_delay is not None:
            gate = self.gate(url)
            wanted = min(verdict.crawl_delay, MAX_CRAWL_DELAY)
            gate.min_delay = max(self._min_delay(url), wanted)
        if not verdict.allowed:
            raise RobotsDisallowed(f"robots.txt of {_origin(url)} disallows {url}")

    def pace_at_least(self, url: str, seconds: float) -> None:
        """Requests to the URL's origin are at least `seconds` apart from now on, whatever
        the settings say (a public web archive's request)."""
        origin = _origin(url)
        self._floors[origin] = max(self._floors.get(origin, 0.0), seconds)
        gate = self.gate(url)
        gate.min_delay = max(gate.min_delay, seconds)

    def _min_delay(self, url: str) -> float:
        policy = self._settings.policy_for(urlsplit(url).netloc.lower())
        chosen = self._settings.min_host_delay
        if policy.min_host_delay is not None:
            chosen = policy.min_host_delay
        return max(chosen, self._floors.get(_origin(url), 0.0))

    async def _robots_txt(self, origin: str) -> tuple[int, bytes]:
        """Status and body of an origin's robots.txt, through the same pacing."""
        answer = await self._paced_get(origin + "/robots.txt", {}, cap=ROBOTS_MAX_BYTES)
        return answer.status, answer.body

    async def _paced_get(
        self,
        url: str,
        extra_headers: dict[str, str],
        *,
        cap: int | None = None,
        limit: int | None = None,
    ) -> Answer:
        """One request under the host gate and the global limit; feeds the gate back.

        `cap`: cut the body there (robots.txt); `limit`: fail past it instead of at
        max_body_bytes."""
        gate = self.gate(url)
        async with gate, self._global:
            started = time.monotonic()
            try:
                async with asyncio.timeout(self._settings.total_timeout):
                    result = await self._get_once(url, extra_headers, cap, limit)
            except TimeoutError as exc:
                gate.record(seconds=time.monotonic() - started, strained=True)
                raise FetchTimeout(
                    f"gave up after {self._settings.total_timeout:g} s (total time cap)"
                ) from exc
            except (FetchTimeout, ConnectionFailed):
                gate.record(seconds=time.monotonic() - started, strained=True)
                raise
        status, headers = result.status, result.headers
        gate.record(seconds=time.monotonic() - started, strained=status in STRAIN_STATUSES)
        if status in (429, 503):
            wait = retry_after_seconds(header_value(headers, "retry-after"))
            if wait is not None:
                gate.hold(wait)
        return result

    async def _get_once(
        self, url: str, extra_headers: dict[str, str], cap: int | None, limit: int | None
    ) -> Answer:
        """One exchange; through the outlet's proxies in turn when one cannot be reached."""
        if self._refused:
            raise AddressRefused(self._refused)
        headers = {**self._net.headers_for(url), **extra_headers} if self._net else extra_headers
        # `cap` is a reader's own limit (robots.txt): cut there, never fail
        most = cap or limit or self._settings.max_body_bytes
        ring = self._ring
        tries = len(ring.clients) if ring else 1
        for attempt in range(tries):
            client = ring.clients[ring.current] if ring else self._client
            proxy = ring.names[ring.current] if ring else None
            try:
                return await exchange(client, url, headers, most, cut=cap is not None, proxy=proxy)
            except UNREACHED as exc:
                if ring is None or attempt + 1 == tries:
                    raise fetch_error(exc, self._net, proxy) from None
                failure = fetch_error(exc, self._net, None)
                log.info("proxy %s failed (%s); trying the next", proxy, failure)
                ring.current = (ring.current + 1) % tries
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise fetch_error(exc, self._net, proxy) from None
            except idna.IDNAError as exc:
                # httpx reads a redirect's Location even when not following it; a malformed
                # host there ("xn--") escapes it as the idna package's own error.
                raise InvalidURL(
                    f"redirect to a host name that cannot be looked up: {exc}"
                ) from None
        raise AssertionError("unreachable")  # every try returns or raises


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def header_value(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of header `name` in a (name, value) list, case-insensitively."""
    lowered = name.lower()
    return next((v for k, v in headers if k.lower() == lowered), None)


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidURL(f"cannot parse URL {url!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    try:
        parts.port  # noqa: B018 (reading it checks the port: 99999 raises)
    except ValueError as exc:
        raise InvalidURL(f"bad port in {url!r}") from exc
    if not valid_hostname(parts.hostname):
        raise InvalidURL(f"host name cannot be looked up: {parts.hostname!r}")
