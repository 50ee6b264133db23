"""httpx transports whose connection pool looks at its idle connections cheaply.

httpcore's pool (1.0) asks every pooled connection whether it has expired each time a
request enters or leaves the pool; an idle HTTP/1.1 connection answers by asking its stream
whether the socket is readable (which, idle, means the server closed it). anyio's stream
builds its whole attribute table for that, a `getpeername()` call included, before one
`poll()`. With 16 kept-alive connections to an outlet that is some 30 such questions per
request, and a fifth of the CPU of a re-check pass over unchanged pages (bench_recheck,
#17). The streams here answer that one question with the `poll()` alone, on the socket
they looked up once; everything else goes to anyio's stream unchanged.

httpx (0.28, pinned below 0.29) takes no network backend, so `pooled_transport` builds its
transport and replaces the connection pool with one built the same way around ours.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


def pooled_transport(
    limits: httpx.Limits, backend: httpcore.AsyncNetworkBackend
) -> httpx.AsyncHTTPTransport:
    """An httpx transport (HTTP/1.1, certificates verified) connecting through `backend`."""
    context = httpx.create_ssl_context()
    transport = httpx.AsyncHTTPTransport(verify=context, limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return transport


class QuickBackend(httpcore.AsyncNetworkBackend):
    """anyio's network backend, whose streams are `_QuickStream`s."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _QuickStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _QuickStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# Where select.poll is missing (Windows), the question goes to anyio's stream as before.
_HAS_POLL = hasattr(select, "poll")


class _QuickStream(httpcore.AsyncNetworkStream):
    """A stream answering "is the socket readable?" with one `poll()`."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _QuickStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and _HAS_POLL:
            return socket_readable(self._socket)
        return self._inner.get_extra_info(info)


def socket_readable(sock: socket.socket | None) -> bool:
    """Whether reading `sock` would not block, as httpcore asks it of an idle connection
    (readable then means closed by the server); True for a socket that is gone."""
    if sock is None or sock.fileno() == -1:
        return True
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))
