"""The connection pool's cheap look at idle connections (`scrubwatch.connections`), against
a real loopback server that keeps connections alive and closes them when told to: an idle
connection reads as unreadable while the server keeps it, readable once the server closed
it, and the fetcher then opens a new connection instead of failing on the dead one."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from scrubwatch.config import Settings
from scrubwatch.connections import QuickBackend, pooled_transport, socket_readable
from scrubwatch.fetch import Fetcher

BODY = b"<html><body><p>Kept alive.</p></body></html>"
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: keep-alive\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)


class KeepAliveServer:
    """Answers every request on a connection, and closes all connections on `hang_up`."""

    def __init__(self) -> None:
        self.connections = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._handlers: list[asyncio.Task[None]] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        task = asyncio.current_task()
        assert task is not None
        self._handlers.append(task)
        try:
            while not reader.at_eof():
                await reader.readuntil(b"\r\n\r\n")
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            await writer.wait_closed()

    async def hang_up(self) -> None:
        """Close every connection, and return once the sockets are closed (loopback then
        has the FIN at the other end already)."""
        for writer in self._writers:
            writer.close()
        for writer in self._writers:
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        self._writers.clear()

    async def stop(self) -> None:
        await self.hang_up()
        await asyncio.gather(*self._handlers, return_exceptions=True)


@asynccontextmanager
async def keep_alive_server() -> AsyncIterator[tuple[KeepAliveServer, str]]:
    server = KeepAliveServer()
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    async with listening:
        try:
            yield server, f"http://127.0.0.1:{port}/story"
        finally:
            await server.stop()


def test_an_idle_connection_reads_as_closed_only_once_the_server_closed_it() -> None:
    async def go() -> None:
        limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
        async with (
            keep_alive_server() as (server, url),
            httpx.AsyncClient(transport=pooled_transport(limits, QuickBackend())) as client,
        ):
            response = await client.get(url)
            stream = response.extensions["network_stream"]
            assert response.content == BODY
            assert stream.get_extra_info("is_readable") is False  # idle, still open
            assert stream.get_extra_info("socket") is not None  # the rest is anyio's
            await server.hang_up()
            assert stream.get_extra_info("is_readable") is True
            again = await client.get(url)  # the pool dropped the dead connection
            assert again.content == BODY and server.connections == 2

    asyncio.run(go())


def test_the_fetcher_reuses_live_connections_and_replaces_closed_ones() -> None:
    async def go() -> None:
        async with keep_alive_server() as (server, url), Fetcher(Settings()) as fetcher:
            for _ in range(3):
                assert (await fetcher.fetch(url)).body == BODY
            assert server.connections == 1  # robots.txt and three pages on one connection
            await server.hang_up()
            assert (await fetcher.fetch(url)).body == BODY
            assert server.connections == 2

    asyncio.run(go())


def test_socket_readable() -> None:
    left, right = socket.socketpair()
    with left, right:
        assert socket_readable(left) is False
        right.sendall(b"x")
        assert socket_readable(left) is True
    assert socket_readable(left) is True  # closed: fileno() is -1
    assert socket_readable(None) is True
