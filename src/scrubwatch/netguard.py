"""The SSRF guard, enforced where connections are made rather than where URLs are typed.

Anything a web user adds (a watch, an alert target) makes this server send requests, and a
check of the typed URL alone is not enough: a public page can redirect inside, a feed or
sitemap can list internal URLs, and a name can resolve to a public address when checked and
to an internal one a second later (DNS rebinding). So for those requests every connection
goes through `GuardedBackend`: it resolves the name itself, refuses when any answer is an
internal address, and connects to the very address it checked. TLS still verifies the
certificate against the host name: httpcore starts TLS with the request's host, not the IP.

Requests of what the operator added on the command line do not go through here: a newsroom
may well watch its own intranet.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from scrubwatch.config import Settings
from scrubwatch.connections import QuickBackend, pooled_transport
from scrubwatch.errors import AddressRefused

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses to connect to, as strings; OSError when it cannot resolve
Resolver = Callable[[str, int], Awaitable[list[str]]]


def is_internal(address: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified or otherwise not a
    global address (an IPv4-mapped IPv6 address is judged as the IPv4 one it maps)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses guarded requests may reach: public ones, plus `allowed` networks the
    operator vouches for (the `web_allowed_networks` setting)."""

    allowed: tuple[IPNetwork, ...] = ()

    def permits(self, address: IPAddress) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return not is_internal(address) or any(
            address.version == net.version and address in net for net in self.allowed
        )


def parse_networks(items: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDR networks ("10.0.0.0/8", "2001:db8::/32", a bare address); ValueError if bad."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items)


def web_policy(settings: Settings) -> AddressPolicy | None:
    """The policy for web-added watches and alert targets; None when the operator lets them
    reach anything (`web_allow_private_targets`)."""
    if settings.web_allow_private_targets:
        return None
    return AddressPolicy(parse_networks(settings.web_allowed_networks))


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address of `host`, looked up in the event loop's thread pool (never blocking)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(host: str) -> AddressRefused:
    """One text for every refusal, whatever the reason (internal, or no answer at all): it
    tells a web user nothing about the inside of the network."""
    return AddressRefused(f"refused: {host} has no public address (web-added targets only)")


async def checked_addresses(
    host: str, port: int, policy: AddressPolicy, resolve: Resolver = system_resolve
) -> list[str]:
    """The addresses of `host`, when every one of them is allowed; AddressRefused if not."""
    try:
        answers = [ipaddress.ip_address(a.split("%")[0]) for a in await resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as exc:
        log.info("refused %s: cannot resolve it (%s)", host, exc)
        raise refusal(host) from None
    denied = [a for a in answers if not policy.permits(a)]
    if not answers or denied:
        log.info("refused %s: it resolves to %s", host, denied[0] if denied else "nothing")
        raise refusal(host)
    return [str(a) for a in answers]


class GuardedBackend(QuickBackend):
    """An httpcore network backend that connects only to addresses the policy allows (its
    streams are `QuickBackend`'s)."""

    def __init__(self, policy: AddressPolicy, resolve: Resolver = system_resolve) -> None:
        super().__init__()
        self._policy = policy
        self._resolve = resolve

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve (within the connect timeout), check every answer, connect to the first
        one that takes the connection."""
        try:
            async with asyncio.timeout(timeout):
                addresses = await checked_addresses(host, port, self._policy, self._resolve)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return await super().connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # checked_addresses never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: Unix sockets are not reachable by web-added targets")


def guarded_transport(
    policy: AddressPolicy, *, limits: httpx.Limits, resolve: Resolver = system_resolve
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through `GuardedBackend`. No proxy is
    used: a proxy would resolve the name itself, out of the guard's sight."""
    return pooled_transport(limits, GuardedBackend(policy, resolve))
